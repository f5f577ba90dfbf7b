"""``make diff BASE=<rev>``: what the working tree changes in the scores.

Builds the score export (``-b scores``) of BASE, in a temporary git worktree,
and of the working tree, both with today's tool, and prints the difference as
Markdown fit for a pull-request comment or a CI job summary. Exits 0 whether or
not scores changed; a problem (an unknown BASE, a build that fails) is one line
on stderr and exit 1. Interrupted (SIGINT, SIGTERM), it removes its worktree and
temporary folder before it exits.

Every value that comes from a report or a data file reaches the Markdown
through :mod:`kompass.mdsafe`: a report cannot put HTML or markup into the
job summary.
"""

from __future__ import annotations

import argparse
import json
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

from .mdsafe import code, code_block, text

PROJECT = Path(__file__).resolve().parents[2]
_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class DiffError(Exception):
    """A problem reported as one line, without a traceback."""


class Interrupted(Exception):
    """SIGINT or SIGTERM arrived: unwind so that every cleanup runs."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise Interrupted(signum)


@contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM while cleaning up; act on one afterwards."""
    pending: list[int] = []
    previous = {sig: signal.signal(sig, lambda n, f: pending.append(n)) for sig in _SIGNALS}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if pending:
        raise Interrupted(pending[0])


def _git(*args: str, cwd: Path = PROJECT) -> str:
    return subprocess.run(
        ['git', *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


def default_base() -> str:
    """The merge base with main (or origin/main), else HEAD."""
    for branch in ('main', 'origin/main'):
        try:
            return _git('merge-base', 'HEAD', branch)
        except subprocess.CalledProcessError:
            continue
    return 'HEAD'


def resolve(base: str) -> str:
    """The full commit id BASE names; whatever BASE holds is only a name to git."""
    try:
        return _git('rev-parse', '--verify', '--quiet', '--end-of-options', f'{base}^{{commit}}')
    except subprocess.CalledProcessError:
        raise DiffError(
            f'BASE {base!r} is not a commit of this repository (a branch, tag or commit '
            f'id, for example BASE=main)'
        ) from None


def export(srcdir: Path, outdir: Path, what: str) -> tuple[dict[str, Any], list[str]]:
    """Run the scores builder on *srcdir*; return the export and its warnings."""
    warnings_file = outdir / 'warnings.txt'
    try:
        subprocess.run(
            [sys.executable, '-m', 'sphinx', '-b', 'scores', '-E', '-q',
             '-w', str(warnings_file), str(srcdir), str(outdir / 'scores'),
             '-d', str(outdir / 'doctrees')],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
    except subprocess.CalledProcessError as exc:
        raise DiffError(
            f'the score export of {what} failed (exit {exc.returncode}); '
            f'`make scores` there shows why'
        ) from None
    data = json.loads((outdir / 'scores' / 'scores.json').read_text(encoding='utf-8'))
    prefix = str(srcdir.resolve()) + '/'
    warnings = [
        line.replace(prefix, '')
        for line in warnings_file.read_text(encoding='utf-8').splitlines()
        if line.strip()
    ]
    return data, warnings


def _n(value: int | None) -> str:
    return '–' if value is None else text(value)


def _delta(old: int | None, new: int | None) -> str:
    if not (isinstance(old, int) and isinstance(new, int)):
        return f'{_n(old)} → {_n(new)}'
    sign = '+' if new >= old else ''
    return f'{old} → {new} ({sign}{new - old})'


def _year(entry: dict[str, Any]) -> str:
    return text(entry['year'] or '')


def _examples(entry: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {
        (e['municipality'], e['criterion'], e['sentence']) for e in entry['good_examples']
    }


def _criterion_key(cid: str) -> list[Any]:
    return [(0, int(p), '') if p.isascii() and p.isdigit() else (1, 0, p)
            for p in cid.split('.')]


def compare(base: dict[str, Any], head: dict[str, Any], base_warnings: list[str],
            head_warnings: list[str], base_name: str) -> str:
    """The Markdown report; every value from the exports is escaped."""
    old = {e['slug']: e for e in base['evaluations']}
    new = {e['slug']: e for e in head['evaluations']}
    out = [f'## Kommunkompassen: ändringar mot {code(base_name)}', '']
    changed_any = False
    added = sorted(new.keys() - old.keys())
    removed = sorted(old.keys() - new.keys())
    if added:
        changed_any = True
        out += ['### Nya utvärderingar', '']
        out += [f'- **{text(new[s]["municipality"])} {_year(new[s])}** ({code(s)}): totalt '
                f'{_n(new[s]["total"])}' for s in added]
        out.append('')
    if removed:
        changed_any = True
        out += ['### Borttagna utvärderingar', '']
        out += [f'- **{text(old[s]["municipality"])} {_year(old[s])}** ({code(s)})'
                for s in removed]
        out.append('')
    for slug in sorted(old.keys() & new.keys()):
        a, b = old[slug], new[slug]
        criteria = sorted(set(a['criterion_points']) | set(b['criterion_points']),
                          key=_criterion_key)
        rows = []
        for cid in criteria:
            before = a['criterion_points'].get(cid, {}).get('points')
            after = b['criterion_points'].get(cid, {}).get('points')
            if before != after:
                where = b['criterion_points'].get(cid) or a['criterion_points'].get(cid)
                place = code(f'{where["file"]}:{where["line"]}', in_table=True)
                rows.append(f'| {text(cid)} | {_n(before)} | {_n(after)} | {place} |')
        areas = []
        for aid in sorted(set(a['areas']) | set(b['areas'])):
            before = a['areas'].get(aid, {}).get('points')
            after = b['areas'].get(aid, {}).get('points')
            if before != after:
                areas.append(f'område {text(aid)}: {_delta(before, after)}')
        added_ex = _examples(b) - _examples(a)
        removed_ex = _examples(a) - _examples(b)
        if not (rows or areas or a['total'] != b['total'] or added_ex or removed_ex):
            continue
        changed_any = True
        out += [f'### {text(b["municipality"])} {_year(b)} ({code(slug)})', '']
        if rows:
            out += ['| Delområde | Före | Efter | Var |', '|---|---:|---:|---|', *rows, '']
        if areas:
            out += ['Områden: ' + '; '.join(areas) + '.', '']
        if a['total'] != b['total']:
            out += [f'**Totalt: {_delta(a["total"], b["total"])}**', '']
        for mark, found in (('+', added_ex), ('−', removed_ex)):
            for municipality, criterion, sentence in sorted(found):
                verb = 'nytt' if mark == '+' else 'borttaget'
                out.append(f'- {mark} gott exempel ({verb}): **{text(municipality)}** för '
                           f'{text(criterion)}: "{text(sentence)}"')
        if added_ex or removed_ex:
            out.append('')
    if not changed_any:
        out += ['Inga poäng, utvärderingar eller goda exempel ändras.', '']
    new_warnings = [w for w in head_warnings if w not in set(base_warnings)]
    if new_warnings:
        out += ['### Nya varningar', '', *code_block(new_warnings), '']
    fixed = [w for w in base_warnings if w not in set(head_warnings)]
    if fixed:
        out += [f'{len(fixed)} varning(ar) från {code(base_name)} är åtgärdade.', '']
    return '\n'.join(out).rstrip() + '\n'


def _remove_worktree(tree: Path) -> None:
    """Unregister and delete the temporary worktree, however far it got."""
    subprocess.run(['git', 'worktree', 'remove', '--force', str(tree)], cwd=PROJECT,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    shutil.rmtree(tree, ignore_errors=True)
    listed = subprocess.run(['git', 'worktree', 'list', '--porcelain'], cwd=PROJECT,
                            capture_output=True, text=True, check=False).stdout
    if f'worktree {tree}' in listed or f'worktree {tree.resolve()}' in listed:
        # Registered, its folder gone (an interrupted add): drop the entry.
        subprocess.run(['git', 'worktree', 'prune'], cwd=PROJECT, check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _base_export(commit: str, work: Path) -> tuple[dict[str, Any], list[str]]:
    """Export BASE's reports, built with today's tool so only the data differs."""
    tree = work / 'base'
    try:
        _git('worktree', 'add', '--detach', '--quiet', str(tree), commit)
        for name in ('_ext', 'conf.py'):
            target = tree / name
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
            copy = shutil.copytree if (PROJECT / name).is_dir() else shutil.copyfile
            copy(PROJECT / name, target)
        return export(tree, work / 'out-base', 'BASE')
    finally:
        with _signals_deferred():
            _remove_worktree(tree)


def run(base: str) -> str:
    """The Markdown report of the working tree against *base*."""
    commit = resolve(base)
    short = _git('rev-parse', '--short', commit)
    work: Path | None = None
    try:
        with _signals_deferred():
            work = Path(tempfile.mkdtemp(prefix='kompass-diff-'))
        base_data, base_warnings = _base_export(commit, work)
        head_data, head_warnings = export(PROJECT, work / 'out-head', 'the working tree')
    finally:
        with _signals_deferred():
            if work is not None:
                _remove_worktree(work / 'base')  # again, in case a signal cut it short
                shutil.rmtree(work, ignore_errors=True)
    name = short if base in (commit, short) else f'{base} ({short})'
    return compare(base_data, head_data, base_warnings, head_warnings, name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--base', help='git revision (default: merge base with main)')
    args = parser.parse_args(argv)
    previous = {sig: signal.signal(sig, _interrupt) for sig in _SIGNALS}
    try:
        report = run(args.base or default_base())
    except DiffError as exc:
        print(f'make diff: {exc}', file=sys.stderr)
        return 1
    except Interrupted as exc:
        print(f'make diff: interrupted ({exc}); its temporary worktree and folder are removed',
              file=sys.stderr)
        return 128 + exc.signum
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    sys.stdout.write(report)
    return 0


if __name__ == '__main__':
    sys.exit(main())
