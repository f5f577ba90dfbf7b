"""``make diff BASE=<rev>``: what the working tree changes in the scores.

Builds the score export (``-b scores``) of BASE, in a temporary git worktree,
and of the working tree, both with today's tool, and prints the difference as
Markdown fit for a pull-request comment. Exits 0 whether or not scores changed.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[2]


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


def export(srcdir: Path, outdir: Path) -> tuple[dict[str, Any], list[str]]:
    """Run the scores builder on *srcdir*; return the export and its warnings."""
    warnings_file = outdir / 'warnings.txt'
    subprocess.run(
        [sys.executable, '-m', 'sphinx', '-b', 'scores', '-E', '-q',
         '-w', str(warnings_file), str(srcdir), str(outdir / 'scores'),
         '-d', str(outdir / 'doctrees')],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    data = json.loads((outdir / 'scores' / 'scores.json').read_text(encoding='utf-8'))
    prefix = str(srcdir.resolve()) + '/'
    warnings = [
        line.replace(prefix, '')
        for line in warnings_file.read_text(encoding='utf-8').splitlines()
        if line.strip()
    ]
    return data, warnings


def _delta(old: int | None, new: int | None) -> str:
    if old is None or new is None:
        return f'{_n(old)} → {_n(new)}'
    sign = '+' if new >= old else ''
    return f'{old} → {new} ({sign}{new - old})'


def _n(value: int | None) -> str:
    return '–' if value is None else str(value)


def _examples(entry: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {
        (e['municipality'], e['criterion'], e['sentence']) for e in entry['good_examples']
    }


def compare(base: dict[str, Any], head: dict[str, Any], base_warnings: list[str],
            head_warnings: list[str], base_name: str) -> str:
    """The Markdown report."""
    old = {e['slug']: e for e in base['evaluations']}
    new = {e['slug']: e for e in head['evaluations']}
    out = [f'## Kommunkompassen: ändringar mot `{base_name}`', '']
    changed_any = False
    added = sorted(new.keys() - old.keys())
    removed = sorted(old.keys() - new.keys())
    if added:
        changed_any = True
        out += ['### Nya utvärderingar', '']
        out += [f'- **{new[s]["municipality"]} {new[s]["year"] or ""}** (`{s}`): totalt '
                f'{_n(new[s]["total"])}' for s in added]
        out.append('')
    if removed:
        changed_any = True
        out += ['### Borttagna utvärderingar', '']
        out += [f'- **{old[s]["municipality"]} {old[s]["year"] or ""}** (`{s}`)'
                for s in removed]
        out.append('')
    for slug in sorted(old.keys() & new.keys()):
        a, b = old[slug], new[slug]
        criteria = sorted(
            set(a['criterion_points']) | set(b['criterion_points']),
            key=lambda c: [int(p) if p.isdigit() else p for p in c.split('.')],
        )
        rows = []
        for cid in criteria:
            before = a['criterion_points'].get(cid, {}).get('points')
            after = b['criterion_points'].get(cid, {}).get('points')
            if before != after:
                where = b['criterion_points'].get(cid) or a['criterion_points'].get(cid)
                rows.append(f'| {cid} | {_n(before)} | {_n(after)} | '
                            f'`{where["file"]}:{where["line"]}` |')
        areas = []
        for aid in sorted(set(a['areas']) | set(b['areas'])):
            before = a['areas'].get(aid, {}).get('points')
            after = b['areas'].get(aid, {}).get('points')
            if before != after:
                areas.append(f'område {aid}: {_delta(before, after)}')
        added_ex = _examples(b) - _examples(a)
        removed_ex = _examples(a) - _examples(b)
        if not (rows or areas or a['total'] != b['total'] or added_ex or removed_ex):
            continue
        changed_any = True
        out += [f'### {b["municipality"]} {b["year"] or ""} (`{slug}`)', '']
        if rows:
            out += ['| Delområde | Före | Efter | Var |', '|---|---:|---:|---|', *rows, '']
        if areas:
            out += ['Områden: ' + '; '.join(areas) + '.', '']
        if a['total'] != b['total']:
            out += [f'**Totalt: {_delta(a["total"], b["total"])}**', '']
        for mark, found in (('+', added_ex), ('−', removed_ex)):
            for municipality, criterion, sentence in sorted(found):
                verb = 'nytt' if mark == '+' else 'borttaget'
                out.append(f'- {mark} gott exempel ({verb}): **{municipality}** för '
                           f'{criterion}: "{sentence}"')
        if added_ex or removed_ex:
            out.append('')
    if not changed_any:
        out += ['Inga poäng, utvärderingar eller goda exempel ändras.', '']
    new_warnings = [w for w in head_warnings if w not in set(base_warnings)]
    if new_warnings:
        out += ['### Nya varningar', '', '```', *new_warnings, '```', '']
    fixed = [w for w in base_warnings if w not in set(head_warnings)]
    if fixed:
        out += [f'{len(fixed)} varning(ar) från `{base_name}` är åtgärdade.', '']
    return '\n'.join(out).rstrip() + '\n'


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--base', help='git revision (default: merge base with main)')
    args = parser.parse_args(argv)
    base = args.base or default_base()
    commit = _git('rev-parse', '--short', base)
    with tempfile.TemporaryDirectory(prefix='kompass-diff-') as tmp:
        work = Path(tmp)
        tree = work / 'base'
        _git('worktree', 'add', '--detach', '--quiet', str(tree), base)
        try:
            # Build BASE's reports with today's tool, so only the data differs.
            for name in ('_ext', 'conf.py'):
                target = tree / name
                if target.is_dir():
                    shutil.rmtree(target)
                elif target.exists():
                    target.unlink()
                copy = shutil.copytree if (PROJECT / name).is_dir() else shutil.copyfile
                copy(PROJECT / name, target)
            base_data, base_warnings = export(tree, work / 'out-base')
        finally:
            _git('worktree', 'remove', '--force', str(tree))
        head_data, head_warnings = export(PROJECT, work / 'out-head')
    sys.stdout.write(compare(base_data, head_data, base_warnings, head_warnings,
                             f'{base} ({commit})' if base != commit else commit))
    return 0


if __name__ == '__main__':
    sys.exit(main())
