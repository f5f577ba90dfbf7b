"""make bench: build times of this project against plain Sphinx, at scale.

Not a test (nothing here is asserted on time); run it to measure:

    make bench N=300                 # or: python tests/benchmark.py -n 300
    make bench N=100 PDF=none RUNS=1 # quicker
    make bench N=1000 ONLY=full      # the full serial build only (scaling)

It generates a corpus of N evaluations like Karlskrona 2022 plus N rows of
score data (``bench_corpus``, reproducible from ``--seed``) into a temporary
folder twice: as this project (the kompass extension) and as the plain
baseline (``bench_plain``: the same text as plain MyST with every computed
number, table and chart written out, built by Sphinx + myst-parser alone).
Then it builds both sides, alternating, each case ``--runs`` times:

full          clean serial HTML build (fresh output folder)
full-j2       clean HTML build with -j 2
nothing       rebuild with nothing changed
text          rebuild after a text-only edit in the latest-dated evaluation
score-latest  rebuild after one score changed in the latest-dated evaluation
score-earliest  the same in the earliest-dated one (its date is in every later
              evaluation's national average)
pdf           ``make latexpdf``: a clean LaTeX build (own environment) plus
              latexmk, then again after one score edit in the latest-dated
              evaluation; ``--pdf K`` compiles K evaluations' PDFs (the edited
              one, the earliest and others spread over the dates), ``--pdf all``
              every PDF as ``make latexpdf`` does (the whole site's included),
              ``--pdf none`` skips it

Each build is a fresh ``python -m sphinx`` process: its wall time and peak
RSS (``os.wait4``; with -j the largest process) are recorded, and from its
output the documents read and written. Results go to ``<out>/results.json``
(raw seconds of every run, medians, ratios, N, the machine) and
``<out>/results.md``; ``--record`` also puts the table into BENCHMARKS.md.
``--profile`` instead profiles the kompass side (cProfile) for a full build,
a nothing-changed build and a text-only edit.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import pstats
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_corpus import PROJECT, Corpus, write_tree  # noqa: E402
from bench_plain import PlainWriter, write_static  # noqa: E402

SIDES = ('kompass', 'plain')
CASES = ('full', 'full-j2', 'nothing', 'text', 'score-latest', 'score-earliest', 'pdf')
LABELS = {
    'full': 'full, serial',
    'full-j2': 'full, `-j 2`',
    'nothing': 'nothing changed',
    'text': 'text-only edit, latest',
    'score-latest': 'score edit, latest',
    'score-earliest': 'score edit, earliest',
    'pdf-clean': 'latexpdf, clean',
    'pdf-edit': 'latexpdf, after a score edit',
}
#: The site's own files the kompass side copies (every page at the top, the
#: catalogues, the extension, the theme's files and Swedish); reports/ is generated.
SITE = ('conf.py', *sorted(p.name for p in PROJECT.glob('*.md')
                           if p.name not in {'README.md', 'BENCHMARKS.md'}),
        'criteria', '_ext', '_static', '_templates', 'locales')
_ANSI = re.compile(r'\x1b\[[0-9;]*[A-Za-z]')


@dataclass
class Run:
    """One build: what it cost and what it did."""

    seconds: float
    rss_mib: float
    read: int  # documents read (from Sphinx's output; serial builds)
    written: int  # documents written (from Sphinx's output; serial builds)
    files_written: int  # HTML files whose mtime changed: documents and generated pages
    warnings: int
    pdfs_compiled: int | None = None


class Bench:
    """Both sides of one corpus in a temporary folder, and the runs made on them."""

    def __init__(self, root: Path, n: int, seed: int, logs: Path,
                 citations: bool = True) -> None:
        self.root = root
        self.logs = logs
        self.corpus = Corpus(n, seed, citations)
        self.src = {side: root / side / 'src' for side in SIDES}
        self.runs: dict[str, dict[str, list[Run]]] = {}
        self.pdf_targets = 0  # how many PDFs the pdf case compiles
        self.on_record: Callable[[], None] | None = None  # e.g. save partial results
        self._make()

    # --- the two source trees ---------------------------------------------------
    def _make(self) -> None:
        kompass = self.src['kompass']
        for name in SITE:
            source = PROJECT / name
            if source.is_dir():
                shutil.copytree(source, kompass / name,
                                ignore=shutil.ignore_patterns('__pycache__'))
            else:
                kompass.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, kompass / name)
        write_static(self.src['plain'])
        self.sync()

    def sync(self) -> dict[str, list[str]]:
        """Write both trees from the corpus; only changed files are touched."""
        return {
            'kompass': write_tree(self.src['kompass'], dict(self.corpus.kompass_files())),
            'plain': write_tree(self.src['plain'], PlainWriter(self.corpus).files()),
        }

    def documents(self) -> dict[str, int]:
        return {side: sum(1 for _ in self.src[side].rglob('*.md')) for side in SIDES}

    # --- building ------------------------------------------------------------------
    def out(self, side: str, name: str) -> Path:
        return self.root / side / name

    def sphinx(self, side: str, out: Path, label: str, *opts: str,
               builder: str = 'html') -> Run:
        log = self.logs / f'{label}-{side}.log'
        cmd = [sys.executable, '-m', 'sphinx', '-b', builder, *opts,
               str(self.src[side]), str(out)]
        before = mtimes(out)
        seconds, rss, code = timed(cmd, log)
        after = mtimes(out)
        text = _ANSI.sub('', log.read_text(encoding='utf-8', errors='replace'))
        if code != 0:
            raise SystemExit(f'{side} build failed ({label}), see {log}:\n{text[-2000:]}')
        warnings = [line for line in text.splitlines() if 'WARNING' in line]
        if warnings:
            print(f'  ! {side} {label}: {len(warnings)} warnings, e.g. {warnings[0]}')
        files = sum(1 for name, t in after.items() if before.get(name) != t)
        return Run(seconds, rss, *counts(text), files, len(warnings))

    def record(self, case: str, side: str, run: Run) -> None:
        self.runs.setdefault(case, {}).setdefault(side, []).append(run)
        if self.on_record is not None:
            self.on_record()
        print(f'  {case:15} {side:8} {run.seconds:7.1f} s  {run.rss_mib:6.0f} MiB  '
              f'read {run.read:4d}  written {run.written:4d}  files {run.files_written:4d}'
              + (f'  PDFs compiled {run.pdfs_compiled}' if run.pdfs_compiled is not None
                 else ''), flush=True)

    def both(self, case: str, rep: int, build: Callable[[str, str], Run]) -> None:
        for side in (SIDES if rep % 2 == 0 else SIDES[::-1]):  # alternate who goes first
            self.record(case, side, build(side, f'{case}-{rep}'))

    def full(self, case: str, rep: int, name: str, *opts: str) -> None:
        def build(side: str, label: str) -> Run:
            out = self.out(side, name)
            shutil.rmtree(out, ignore_errors=True)
            return self.sphinx(side, out, label, *opts)
        self.both(case, rep, build)

    def incremental(self, case: str, rep: int, edit: Callable[[], object]) -> None:
        edit()
        changed = self.sync()
        if rep == 0:
            print(f'  {case}: changed files kompass {changed["kompass"]}, '
                  f'plain {len(changed["plain"])} files')
        self.both(case, rep, lambda side, label: self.sphinx(
            side, self.out(side, 'html'), label))

    def pdf(self, rep: int, mode: str) -> None:
        reports = self.corpus.reports()
        if mode == 'all':
            targets = ['all-pdf']
        else:
            k = min(int(mode), len(reports))
            picked = {reports[-1].slug, reports[0].slug}
            step = max(len(reports) // max(k - 1, 1), 1)
            picked |= {r.slug for r in reports[::step]}
            targets = [f'{slug}.pdf' for slug in sorted(picked)[:max(k, 1)]]
            if f'{reports[-1].slug}.pdf' not in targets:
                targets[-1] = f'{reports[-1].slug}.pdf'

        self.pdf_targets = len(reports) + 1 if mode == 'all' else len(targets)

        def build(side: str, label: str, clean: bool) -> Run:
            out = self.out(side, 'latex')
            if clean:
                shutil.rmtree(out, ignore_errors=True)
            before = pdf_mtimes(out, targets)
            run = self.sphinx(side, out, label, builder='latex')
            log = self.logs / f'{label}-{side}-latexmk.log'
            seconds, _rss, code = timed(['make', '-C', str(out), *targets,
                                         'LATEXMKOPTS=-silent', 'LATEXOPTS=-halt-on-error'],
                                        log)
            if code != 0:
                raise SystemExit(f'{side} latexmk failed ({label}), see {log}')
            after = pdf_mtimes(out, targets)
            run.seconds += seconds
            run.pdfs_compiled = sum(1 for name, t in after.items() if before.get(name) != t)
            return run

        self.both('pdf-clean', rep, lambda side, label: build(side, label, True))
        self.corpus.edit_score(reports[-1].slug)
        self.sync()
        self.both('pdf-edit', rep, lambda side, label: build(side, label, False))


#: The build being timed, so that a terminated run ends it too.
_RUNNING: list[subprocess.Popen[bytes]] = []


def _terminate(_signum: int, _frame: object) -> None:
    for proc in _RUNNING:
        proc.terminate()
    sys.exit(143)  # unwinds: the temporary folder is removed


def timed(cmd: list[str], log: Path) -> tuple[float, float, int]:
    """Run *cmd* (output to *log*): wall seconds, peak RSS in MiB, exit code."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open('w', encoding='utf-8') as handle:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=handle, stderr=subprocess.STDOUT,
                                env={**os.environ, 'PYTHONHASHSEED': '0'})
        _RUNNING.append(proc)
        _pid, status, usage = os.wait4(proc.pid, 0)
        _RUNNING.remove(proc)
        seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return seconds, usage.ru_maxrss / 1024, proc.returncode


def counts(log: str) -> tuple[int, int]:
    """Documents read and written, as a serial build lists them (-j lists chunks)."""
    read = len(set(re.findall(r'reading sources\.\.\. \[\s*\d+%\] (\S+)', log)))
    written = len(set(re.findall(r'writing output\.\.\. \[\s*\d+%\] (\S+)', log)))
    return read, written


def pdf_mtimes(folder: Path, targets: list[str]) -> dict[str, int]:
    """The modification times of the PDFs *targets* make (all-pdf: one per .tex)."""
    names = ([p.with_suffix('.pdf').name for p in folder.glob('*.tex')]
             if targets == ['all-pdf'] else targets)
    return {name: (folder / name).stat().st_mtime_ns for name in names
            if (folder / name).is_file()}


def mtimes(folder: Path) -> dict[str, int]:
    """Every output page's modification time (what a build wrote, it touched)."""
    return {str(p): p.stat().st_mtime_ns for p in folder.rglob('*.html')} \
        if folder.is_dir() else {}


# --- results ---------------------------------------------------------------------
def machine() -> dict[str, object]:
    cpu = ''
    try:
        found = re.search(r'model name\s*:\s*(.*)', Path('/proc/cpuinfo').read_text())
        cpu = found[1].strip() if found else ''
    except OSError:
        pass
    return {
        'cores': os.cpu_count(),
        'usable_cores': len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity')
        else os.cpu_count(),
        'cpu': cpu or platform.processor(),
        'platform': platform.platform(),
        'python': platform.python_version(),
        'load_average_at_start': os.getloadavg() if hasattr(os, 'getloadavg') else None,
    }


def summarize(runs: dict[str, dict[str, list[Run]]]) -> dict[str, dict[str, object]]:
    cases: dict[str, dict[str, object]] = {}
    for case, sides in runs.items():
        entry: dict[str, object] = {side: [asdict(r) for r in rs] for side, rs in sides.items()}
        median = {side: statistics.median(r.seconds for r in rs) for side, rs in sides.items()}
        rss = {side: max(r.rss_mib for r in rs) for side, rs in sides.items()}
        entry['median_seconds'] = median
        entry['peak_rss_mib'] = rss
        if median.get('plain'):
            entry['ratio'] = median['kompass'] / median['plain']
        entry['rss_ratio'] = rss['kompass'] / rss['plain'] if rss.get('plain') else None
        cases[case] = entry
    return cases


def targets(result: dict, others: dict[int, dict]) -> list[dict[str, object]]:  # type: ignore[type-arg]
    """Issue 9's targets, each with today's figure and whether it is met."""
    cases = result['cases']

    def med(case: str, side: str) -> float | None:
        return cases.get(case, {}).get('median_seconds', {}).get(side)

    def ratio(case: str) -> float | None:
        return cases.get(case, {}).get('ratio')

    out: list[dict[str, object]] = []

    def add(target: str, figure: str, met: bool | None) -> None:
        out.append({'target': target, 'figure': figure,
                    'met': 'not measured' if met is None else ('yes' if met else 'no')})

    def ratio_target(case: str, limit: float, what: str) -> None:
        r = ratio(case)
        add(f'{what} ≤ {limit:g} × plain', '–' if r is None else f'{r:.2f} ×',
            None if r is None else r <= limit)

    ratio_target('full', 1.25, 'full serial build')
    serial, j2 = med('full', 'kompass'), med('full-j2', 'kompass')
    pserial, pj2 = med('full', 'plain'), med('full-j2', 'plain')
    if None in (serial, j2, pserial, pj2):
        add('`-j 2` never slower than serial, and gains at least what plain gains', '–', None)
    else:
        gain, pgain = serial / j2, pserial / pj2  # type: ignore[operator]
        add('`-j 2` never slower than serial, and gains at least what plain gains',
            f'kompass serial/`-j 2` = {gain:.2f}, plain {pgain:.2f}',
            j2 <= serial and gain >= pgain)  # type: ignore[operator]
    ratio_target('nothing', 1.5, 'nothing changed')
    ratio_target('text', 1.5, 'text-only edit')
    ratio_target('score-latest', 2, 'score edit in the latest-dated evaluation')
    early, full = med('score-earliest', 'kompass'), med('full', 'kompass')
    add('score edit in the earliest-dated evaluation ≤ 25 % of a full build',
        '–' if None in (early, full) else f'{100 * early / full:.0f} % of a full build',  # type: ignore[operator]
        None if None in (early, full) else early <= 0.25 * full)  # type: ignore[operator]
    rss = cases.get('full', {}).get('rss_ratio')
    add('peak RSS ≤ 1.5 × plain', '–' if rss is None else f'{rss:.2f} ×',
        None if rss is None else rss <= 1.5)
    per_eval = {n: r['cases']['full']['median_seconds']['kompass'] / n
                for n, r in {**others, result['n']: result}.items()
                if 'full' in r['cases']}
    target = 'time per evaluation at N=1000 within 1.2 × of N=100'
    larger = max((n for n in per_eval if n > 100), default=None)
    if 100 in per_eval and 1000 in per_eval:
        add(target, f'{per_eval[1000]:.2f} s vs {per_eval[100]:.2f} s '
            f'({per_eval[1000] / per_eval[100]:.2f} ×)', per_eval[1000] <= 1.2 * per_eval[100])
    elif 100 in per_eval and larger is not None:
        add(target, f'not run at N=1000; at N={larger} {per_eval[larger]:.2f} s vs '
            f'{per_eval[100]:.2f} s at N=100 ({per_eval[larger] / per_eval[100]:.2f} ×)',
            None)
    else:
        add(target, 'needs results-N100.json and results-N1000.json '
            f'(have N={sorted(per_eval)})', None)
    edit = cases.get('pdf-edit', {}).get('kompass')
    if edit:
        compiled = statistics.median(r['pdfs_compiled'] for r in edit)
        add('`make latexpdf` after one edit rebuilds only the PDFs whose content changed',
            f'{compiled:g} of {result["pdf_targets"]} PDFs recompiled after a score edit in '
            'one evaluation (1 expected)', compiled <= 1)
    else:
        add('`make latexpdf` after one edit rebuilds only the PDFs whose content changed',
            '–', None)
    makefile = (PROJECT / 'Makefile').read_text(encoding='utf-8')
    single = bool(re.search(r'^pdf\b|REPORT|SLUG', makefile, re.M))
    add("a single report's PDF can be built alone (a documented target or variable)",
        'a Makefile target/variable exists' if single else 'no target or variable', single)
    return out


def table_md(result: dict) -> str:  # type: ignore[type-arg]
    cases = result['cases']
    lines = ['| build | this project | plain MyST | ratio | documents written (HTML files '
             'written), project / plain | peak RSS MiB, project / plain |',
             '| --- | --- | --- | --- | --- | --- |']
    for case, label in LABELS.items():
        if case not in cases:
            continue
        c = cases[case]
        med = c['median_seconds']
        ratio = f'{c["ratio"]:.2f} ×' if c.get('ratio') else '–'
        runs = {side: c.get(side, []) for side in SIDES}
        written = ' / '.join(
            f'{statistics.median(r["written"] for r in runs[side]):g} '
            f'({statistics.median(r["files_written"] for r in runs[side]):g})'
            for side in SIDES)
        if case == 'full-j2':  # -j lists chunks, not documents
            written = ' / '.join(
                f'({statistics.median(r["files_written"] for r in runs[side]):g})'
                for side in SIDES)
        if case.startswith('pdf'):
            written = 'PDFs compiled: ' + ' / '.join(
                f'{statistics.median(r["pdfs_compiled"] for r in runs[side]):g}'
                for side in SIDES)
        rss = ' / '.join(f'{c["peak_rss_mib"][side]:.0f}' for side in SIDES)
        if c.get('earlier_run'):
            label += f' (an earlier run, {c["earlier_run"]})'
        lines.append(f'| {label} | {med["kompass"]:.1f} s | {med["plain"]:.1f} s | {ratio} '
                     f'| {written} | {rss} |')
    return '\n'.join(lines)


def targets_md(rows: list[dict[str, object]]) -> str:
    lines = ['| target | today | met |', '| --- | --- | --- |']
    lines += [f'| {r["target"]} | {r["figure"]} | {r["met"]} |' for r in rows]
    return '\n'.join(lines)


def report_md(result: dict) -> str:  # type: ignore[type-arg]
    m = result['machine']
    docs = result['documents']
    cases = result['cases']
    full = {len(cases[c]['kompass']) for c in ('full', 'full-j2') if cases.get(c)}
    each = (f' ({"/".join(map(str, sorted(full)))} of each full build)'
            if full and full != {result['runs']} else '')
    head = (f'N = {result["n"]} evaluations (+ {result["n"]} score-data rows), seed '
            f'{result["seed"]}, median of {result["runs"]} runs{each}, {result["date"]}, '
            f'{m["cores"]} cores ({m["cpu"]}), load average at the start '
            f'{", ".join(f"{x:.1f}" for x in m.get("load_average_at_start") or [])}, '
            f'Python {m["python"]}; '
            f'{docs["kompass"]} source documents + {result["pages"]["kompass"]} generated '
            f'municipality pages and the criterion pages (project) vs {docs["plain"]} '
            f'source documents (plain); '
            f'PDF: {result["pdf"]} ({result.get("pdf_runs", 1)} run); '
            f'citations: {result["citations"]}.')
    return '\n\n'.join([head, table_md(result), targets_md(result['targets'])]) + '\n'


def record(path: Path, text: str) -> None:
    """Put *text* between BENCHMARKS.md's markers (the rest is written by hand)."""
    start, end = '<!-- bench:start -->', '<!-- bench:end -->'
    old = path.read_text(encoding='utf-8') if path.is_file() else f'{start}\n{end}\n'
    if start not in old:
        old += f'\n{start}\n{end}\n'
    before, rest = old.split(start, 1)
    after = rest.split(end, 1)[1]
    path.write_text(f'{before}{start}\n{text}{end}{after}', encoding='utf-8')


# --- profiling -------------------------------------------------------------------
def profile(bench: Bench, out: Path) -> None:
    """cProfile the kompass side: full build, nothing changed, text-only edit."""
    html = bench.out('kompass', 'html')
    shutil.rmtree(html, ignore_errors=True)
    steps: list[tuple[str, Callable[[], object]]] = [
        ('full', lambda: None), ('nothing', lambda: None),
        ('text', lambda: bench.corpus.edit_text(bench.corpus.latest().slug)),
    ]
    for name, edit in steps:
        edit()
        bench.sync()
        prof = out / f'profile-{name}.prof'
        cmd = [sys.executable, '-m', 'cProfile', '-o', str(prof), '-m', 'sphinx', '-b', 'html',
               str(bench.src['kompass']), str(html)]
        seconds, _rss, code = timed(cmd, out / 'logs' / f'profile-{name}.log')
        if code != 0:
            raise SystemExit(f'profiled build failed: {out / "logs"}')
        print(f'\n## {name}: {seconds:.1f} s under cProfile ({prof})\n')
        print(profile_summary(prof))


def _package(filename: str) -> str:
    if '/kompass/' in filename:
        return 'kompass.' + Path(filename).stem
    found = re.search(r'site-packages/([A-Za-z_]+)', filename)
    if found:
        return found[1]
    return 'python'


#: Where a build spends its time: (label, file name ending, function), cumulative.
PHASES = (
    ('read sources (parse, transforms, env)', 'sphinx/builders/__init__.py', 'read'),
    ('  myst-parser parsing', 'myst_parser/parsers/sphinx_.py', 'parse'),
    ('  env-updated: sphinxcontrib-bibtex formats every entry',
     'sphinxcontrib/bibtex/domain.py', 'env_updated'),
    ('  env-updated: kompass.bibtex deep-copies citation nodes',
     'kompass/bibtex.py', 'remember_citation_nodes'),
    ('write documents', 'sphinx/builders/__init__.py', 'write'),
    ('  resolve doctrees (post-transforms, doctree-resolved)',
     'sphinx/environment/__init__.py', 'get_and_resolve_doctree'),
    ('  kompass.bibtex FreshCitationNodes (per document)', 'kompass/bibtex.py', 'run'),
    ('  kompass render_placeholders (doctree-resolved)', 'kompass/render.py',
     'render_placeholders'),
    ('  charts: matplotlib savefig', 'matplotlib/figure.py', 'savefig'),
    ('  HTML templates (handle_page)', 'sphinx/builders/html/__init__.py', 'handle_page'),
    ('  search index: feed', 'sphinx/search/__init__.py', 'feed'),
    ('municipality pages (html-collect-pages)', 'kompass/pages.py',
     'collect_municipality_pages'),
    ('dump search index', 'sphinx/builders/html/__init__.py', 'dump_search_index'),
    ('pickle environment', 'sphinx/builders/__init__.py', 'pickle_environment'),
)


def profile_summary(prof: Path, top: int = 15) -> str:
    """The build's phases, kompass's functions, and the busiest functions overall."""
    stats = pstats.Stats(str(prof))
    total = stats.total_tt  # type: ignore[attr-defined]
    entries = stats.stats.items()  # type: ignore[attr-defined]
    lines = [f'total {total:.1f} s (cumulative time, share of the build):']
    for label, ending, func in PHASES:
        cum = max((ct for (filename, _line, name), (_cc, _nc, _tt, ct, _c) in entries
                   if name == func and filename.endswith(ending)), default=0.0)
        if cum:
            lines.append(f'  {label:58} {cum:7.2f} s {100 * cum / total:5.1f} %')
    lines.append('kompass functions by cumulative time:')
    ours = sorted(((ct, tt, f'{_package(filename)}.{name}:{line}')
                   for (filename, line, name), (_cc, _nc, tt, ct, _c) in entries
                   if '/kompass/' in filename), reverse=True)
    for ct, tt, name in ours[:top]:
        lines.append(f'  {name:58} {ct:7.2f} s {100 * ct / total:5.1f} %  (own {tt:.2f} s)')
    lines.append('own time by package:')
    by_package: dict[str, float] = {}
    for (filename, _line, _name), (_cc, _nc, tt, _ct, _c) in entries:
        by_package[_package(filename)] = by_package.get(_package(filename), 0.0) + tt
    for pkg, tt in sorted(by_package.items(), key=lambda kv: -kv[1])[:10]:
        lines.append(f'  {pkg:58} {tt:7.2f} s {100 * tt / total:5.1f} %')
    return '\n'.join(lines)


def pdf_mode(value: str) -> str:
    if value in ('none', 'all') or (value.isdigit() and int(value) > 0):
        return value
    raise argparse.ArgumentTypeError(f'none, all or a positive number, not {value!r}')


# --- main --------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('-n', '--evaluations', type=int, default=300)
    parser.add_argument('--seed', type=int, default=2022)
    parser.add_argument('--runs', type=int, default=3, help='runs per case (median)')
    parser.add_argument('--pdf', default='3', type=pdf_mode,
                        help="none, all, or K: compile K evaluations' PDFs (default 3)")
    parser.add_argument('--full-runs', type=int, default=0,
                        help='runs of the two full builds (default: --runs)')
    parser.add_argument('--pdf-runs', type=int, default=1,
                        help='runs of the PDF case (default 1: it is the slowest)')
    parser.add_argument('--citations', choices=('yes', 'no'), default='yes',
                        help="Karlskrona's citations and bibliography in every report "
                             '(default yes)')
    parser.add_argument('--only', default='',
                        help=f'comma-separated cases to run (default all): {",".join(CASES)}')
    parser.add_argument('--out', type=Path, default=PROJECT / '_build' / 'bench')
    parser.add_argument('--keep', action='store_true', help='keep the temporary folder')
    parser.add_argument('--record', action='store_true',
                        help='also write the table into BENCHMARKS.md')
    parser.add_argument('--from-results', action='store_true',
                        help='only recompute the tables from <out>/results-N<N>.json '
                             '(after measuring another N)')
    parser.add_argument('--profile', action='store_true',
                        help='profile the kompass side instead of measuring')
    args = parser.parse_args(argv)
    only = [c for c in args.only.split(',') if c] or list(CASES)
    if unknown := set(only) - set(CASES):
        parser.error(f'unknown cases: {", ".join(sorted(unknown))}')
    if args.pdf != 'none' and 'pdf' in only and not shutil.which('latexmk'):
        print('latexmk is missing (make tex-deps): skipping the PDF case')
        only.remove('pdf')
    if args.pdf == 'none' and 'pdf' in only:
        only.remove('pdf')
    args.out.mkdir(parents=True, exist_ok=True)
    if args.from_results:
        result = json.loads((args.out / f'results-N{args.evaluations}.json').read_text())
        finish(result, args)
        return
    tmp = Path(tempfile.mkdtemp(prefix='kompass-bench-'))
    if signal.getsignal(signal.SIGTERM) is not signal.SIG_IGN:  # as nohup: ignored stays
        signal.signal(signal.SIGTERM, _terminate)
    try:
        start = time.perf_counter()
        bench = Bench(tmp, args.evaluations, args.seed, args.out / 'logs',
                      args.citations == 'yes')
        docs = bench.documents()
        print(f'corpus: N={args.evaluations} in {tmp} ({time.perf_counter() - start:.1f} s); '
              f'documents: kompass {docs["kompass"]}, plain {docs["plain"]}; latest '
              f'{bench.corpus.latest().slug}, earliest {bench.corpus.earliest().slug}')
        if args.profile:
            profile(bench, args.out)
            return

        def result_now() -> dict:  # type: ignore[type-arg]
            return {
            'date': datetime.date.today().isoformat(),
            'n': args.evaluations, 'seed': args.seed, 'runs': args.runs, 'pdf': args.pdf,
            'pdf_runs': args.pdf_runs,
            'citations': args.citations,
            'pdf_targets': bench.pdf_targets,
            'machine': machine(),
            'documents': docs,
            'pages': {'kompass': len(bench.corpus.municipalities_with_pages()),
                      'html_files': {side: len(list(bench.out(side, 'html').rglob('*.html')))
                                     if bench.out(side, 'html').is_dir() else 0
                                     for side in SIDES}},
            'cases': summarize(bench.runs),
            }

        partial = args.out / f'results-N{args.evaluations}-partial.json'
        bench.on_record = lambda: partial.write_text(
            json.dumps(result_now(), indent=1, ensure_ascii=False), encoding='utf-8')
        run_cases(bench, only, args)
        finish(keep_earlier_cases(result_now(), args.out), args)
        partial.unlink(missing_ok=True)
    finally:
        if args.keep:
            print(f'kept {tmp}')
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def keep_earlier_cases(result: dict, out: Path) -> dict:  # type: ignore[type-arg]
    """A run of some cases (``ONLY=``) keeps the other cases of the last run of
    the same corpus (N, seed, citations), each marked with its date: a partial
    run never loses the full builds that the scaling target reads."""
    path = out / f'results-N{result["n"]}.json'
    try:
        earlier = json.loads(path.read_text(encoding='utf-8'))
    except (OSError, ValueError):
        return result
    if any(earlier.get(k) != result[k] for k in ('n', 'seed', 'citations')):
        return result
    for case, entry in earlier.get('cases', {}).items():
        if case not in result['cases']:
            entry.setdefault('earlier_run', earlier.get('date'))
            result['cases'][case] = entry
            if case.startswith('pdf'):  # what the PDF case compiled, with it
                for key in ('pdf', 'pdf_runs', 'pdf_targets'):
                    result[key] = earlier.get(key, result[key])
    return result


def finish(result: dict, args: argparse.Namespace) -> None:  # type: ignore[type-arg]
    """Targets (with the results of other N), results.json, the tables."""
    others = {}
    for path in args.out.glob('results-N*.json'):
        if path.name.endswith('-partial.json'):
            continue
        data = json.loads(path.read_text(encoding='utf-8'))
        if data['n'] != result['n'] and 'cases' in data:
            others[data['n']] = data
    result['targets'] = targets(result, others)
    text = json.dumps(result, indent=1, ensure_ascii=False)
    (args.out / 'results.json').write_text(text, encoding='utf-8')
    (args.out / f'results-N{result["n"]}.json').write_text(text, encoding='utf-8')
    md = report_md(result)
    (args.out / 'results.md').write_text(md, encoding='utf-8')
    print('\n' + md)
    if args.record:
        record(PROJECT / 'BENCHMARKS.md', md)


def run_cases(bench: Bench, only: list[str], args: argparse.Namespace) -> None:
    corpus = bench.corpus
    latest, earliest = corpus.latest().slug, corpus.earliest().slug
    needs_html = any(c in only for c in ('nothing', 'text', 'score-latest', 'score-earliest'))
    full_runs = args.full_runs or args.runs
    for rep in range(full_runs):
        if 'full' in only:
            bench.full('full', rep, 'html')
    if needs_html and 'full' not in only:
        for side in SIDES:  # the state the incremental cases start from, not measured
            bench.sphinx(side, bench.out(side, 'html'), 'warm-up')
    for rep in range(args.runs):
        if 'nothing' in only:
            bench.incremental('nothing', rep, lambda: None)
    for rep in range(args.runs):
        if 'text' in only:
            bench.incremental('text', rep, lambda: corpus.edit_text(latest))
    for rep in range(args.runs):
        if 'score-latest' in only:
            bench.incremental('score-latest', rep, lambda: corpus.edit_score(latest))
    for rep in range(args.runs):
        if 'score-earliest' in only:
            bench.incremental('score-earliest', rep, lambda: corpus.edit_score(earliest))
    for rep in range(full_runs):
        if 'full-j2' in only:
            bench.full('full-j2', rep, 'html-j2', '-j', '2')
    if 'pdf' in only:
        for rep in range(args.pdf_runs):
            bench.pdf(rep, args.pdf)


if __name__ == '__main__':
    main()
