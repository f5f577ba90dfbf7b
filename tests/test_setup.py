"""The project sets itself up: pinned dependencies, make targets the README
names, and TeX installed as root or else the exact install line."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from conftest import PROJECT

TEX_LINE = ('sudo apt-get install -y --no-install-recommends texlive-latex-recommended '
            'texlive-fonts-recommended texlive-latex-extra texlive-lang-european tex-gyre '
            'fonts-texgyre latexmk poppler-utils')


def _targets() -> set[str]:
    makefile = (PROJECT / 'Makefile').read_text(encoding='utf8')
    found: set[str] = set()
    for names in re.findall(r'^([\w-]+(?: [\w-]+)*)\s*:(?!=)', makefile, re.M):
        found.update(names.split())
    return found


def test_every_dependency_is_pinned_in_one_place() -> None:
    lines = [line.strip() for line in
             (PROJECT / 'requirements.txt').read_text(encoding='utf8').splitlines()
             if line.strip() and not line.startswith('#')]
    assert all(re.fullmatch(r'[A-Za-z0-9_.-]+==[\w.]+', line) for line in lines), lines
    names = {line.split('==')[0].lower() for line in lines}
    assert {'sphinx', 'myst-parser', 'sphinxcontrib-bibtex', 'matplotlib', 'pytest',
            'pyyaml'} <= names
    assert not list(PROJECT.glob('setup.py')) and not (PROJECT / 'Pipfile').exists()


def test_readme_names_only_targets_that_exist() -> None:
    readme = (PROJECT / 'README.md').read_text(encoding='utf8')
    named = set(re.findall(r'`make ([a-z][\w-]*)', readme))
    named |= set(re.findall(r'^make ([a-z][\w-]*)', readme, re.M))
    assert {'html', 'latexpdf', 'test', 'check'} <= named
    assert named <= _targets(), named - _targets()
    assert 'make html latexpdf' in readme and 'make test' in readme


def test_tex_deps_prints_the_install_line_when_not_root(tmp_path: Path) -> None:
    fake = tmp_path / 'bin'
    fake.mkdir()
    (fake / 'kpsewhich').write_text('#!/bin/sh\nexit 1\n')  # TeX is missing
    (fake / 'id').write_text('#!/bin/sh\necho 1000\n')  # and we are not root
    for tool in fake.iterdir():
        tool.chmod(0o755)
    done = subprocess.run(
        [shutil.which('make') or 'make', '-s', '-C', str(PROJECT), 'tex-deps'],
        env={**os.environ, 'PATH': f'{fake}:{os.environ["PATH"]}'},
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode != 0
    assert ('TeX for the PDF is missing: fncychap.sty tgtermes.sty swedish.ldf '
            'texgyreheros-regular.otf') in done.stdout
    assert TEX_LINE in done.stdout


def test_make_test_installs_chromium_or_prints_the_install_line(tmp_path: Path) -> None:
    """The browser tests never skip: ``make test`` first runs browser-deps, which
    installs Chromium as root, or else stops with the exact line to run."""
    makefile = (PROJECT / 'Makefile').read_text(encoding='utf8')
    test_rule = re.search(r'^test:([^\n]*)', makefile, re.M)
    assert test_rule and 'browser-deps' in test_rule.group(1).split()
    fake = tmp_path / 'bin'
    fake.mkdir()
    (fake / 'id').write_text('#!/bin/sh\necho 1000\n')  # not root
    (fake / 'id').chmod(0o755)
    done = subprocess.run(
        [shutil.which('make') or 'make', '-s', '-C', str(PROJECT), 'browser-deps',
         'CHROMIUM=no-such-chromium'],
        env={**os.environ, 'PATH': f'{fake}:{os.environ["PATH"]}'},
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode != 0
    assert 'Chromium is missing. Install it with:' in done.stdout
    assert ('sudo apt-get install -y --no-install-recommends chromium fonts-dejavu-core'
            in done.stdout)


def test_ci_script_installs_and_runs_the_readme_commands() -> None:
    script = (PROJECT / '.ci/run').read_text(encoding='utf8')
    for command in ('make tex-deps', 'make browser-deps', 'make test', 'make check',
                    'make html latexpdf'):
        assert command in script
    assert script.startswith('#!/usr/bin/env bash') and 'set -euo pipefail' in script


def test_make_pdf_takes_only_a_report_folder_name(tmp_path: Path) -> None:
    """REPORT is data: anything but a folder name is refused before anything runs."""
    for value in ('', 'x;touch PWNED', '$(touch PWNED)', '../etc', 'Karlskrona-2022'):
        done = subprocess.run(
            [shutil.which('make') or 'make', '-s', '-C', str(PROJECT), 'pdf',
             f'REPORT={value}', f'BUILDDIR={tmp_path}'],
            env={**os.environ, 'PATH': os.environ['PATH']},
            capture_output=True, text=True, timeout=120, cwd=tmp_path,
        )
        assert done.returncode == 2, value
        assert 'Usage: make pdf REPORT=' in done.stderr
    assert not list(tmp_path.rglob('PWNED')) and not (PROJECT / 'PWNED').exists()
