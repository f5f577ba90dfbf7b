"""Hostile input to the tooling: make arguments, ``make diff``'s Markdown and
its interruption, and the CSV export. Every value is data, never code."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PROJECT

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
    assert {'diff', 'new', 'scores'} <= listed
    assert listed <= table, listed - table
