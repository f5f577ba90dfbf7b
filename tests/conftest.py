"""Shared pytest setup: Sphinx's testing fixtures and the test roots."""

from __future__ import annotations

import os
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

pytest_plugins = ['sphinx.testing.fixtures']
collect_ignore = ['roots', 'benchmark.py']

PROJECT = Path(__file__).resolve().parent.parent
# The extension lives in _ext/ (as in the project's conf.py), not in site-packages.
sys.path.insert(0, str(PROJECT / '_ext'))

# `make test` runs pytest inside make, which exports MAKELEVEL and MAKEFLAGS;
# a make that a test starts would then be a sub-make, print "make[1]:" in its
# messages and share the outer -j. Tests run make as an evaluator would: at top.
for _name in ('MAKELEVEL', 'MAKEFLAGS', 'MFLAGS', 'MAKEOVERRIDES'):
    os.environ.pop(_name, None)

_ANSI = re.compile(r'\x1b\[[0-9;]*m')


@pytest.fixture(scope='session')
def rootdir() -> Path:
    """Where ``testroot='x'`` finds ``roots/test-x``."""
    return Path(__file__).resolve().parent / 'roots'


def warnings_of(app: object) -> list[str]:
    """The build's warnings, one per line, with the source folder as ``{root}``."""
    text = _ANSI.sub('', app.warning.getvalue())  # type: ignore[attr-defined]
    text = text.replace(str(app.srcdir) + '/', '{root}/')  # type: ignore[attr-defined]
    return [line for line in text.splitlines() if line.strip()]


def next_app(make_app, previous, *args, **kwargs):  # type: ignore[no-untyped-def]
    """A second app in the same test: first clear the global state the previous
    one registered (docutils directives, translators), as the fixtures do between
    tests, so that the new app's setup does not warn about re-registration."""
    previous.cleanup()
    return make_app(*args, **kwargs)


def status_of(app: object) -> str:
    """The build's status output without colour codes."""
    return _ANSI.sub('', app.status.getvalue())  # type: ignore[attr-defined]


# --- the real project, built once per session -----------------------------------
# Tests that only read the built site share these builds, so the suite does not
# grow slower as reports are added. Tests of behaviour use the small roots.

def _build_project(builder: str, build: Path) -> tuple[Path, list[str]]:
    """The output folder, and the LaTeX documents (PDFs) the build configures."""
    from sphinx.testing.util import SphinxTestApp

    from kompass.domain import get_domain
    from kompass.latex import evaluation_documents

    app = SphinxTestApp(builder, srcdir=PROJECT, builddir=build, freshenv=True)
    try:
        app.build(force_all=True)
        assert warnings_of(app) == []
        documents = [entry[1] for entry in app.config.latex_documents]
        documents += [d.target for d in evaluation_documents(get_domain(app.env), app.config)]
        return Path(app.outdir), documents
    finally:
        app.cleanup()


@pytest.fixture(scope='session')
def project_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """The project's website built once, and the PDFs it links (read, never change)."""
    return _build_project('html', tmp_path_factory.mktemp('project-html'))


@pytest.fixture(scope='session')
def project_html(project_site: tuple[Path, list[str]]) -> Path:
    """The project's website, built once (read it, never change it)."""
    return project_site[0]


@pytest.fixture(scope='session')
def project_latex(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's LaTeX output, built once (read it, never change it)."""
    return _build_project('latex', tmp_path_factory.mktemp('project-latex'))[0]


def compile_pdf(outdir: Path, tex: str) -> str:
    """Compile *tex* in *outdir* with latexmk; return the PDF's text (layout kept)."""
    import subprocess

    pdf = outdir / tex.replace('.tex', '.pdf')
    if not pdf.is_file():
        subprocess.run(
            ['latexmk', '-pdf', '-interaction=nonstopmode', '-halt-on-error', tex],
            cwd=outdir, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
            timeout=600,
        )
    return subprocess.run(['pdftotext', '-layout', str(pdf), '-'], capture_output=True,
                          check=True, text=True).stdout


# --- reading tables in HTML ------------------------------------------------------

class _Tables(HTMLParser):
    """Collect every <table>'s class and rows of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[tuple[list[str], list[list[str]]]] = []
        self._cell: list[str] | None = None
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == 'table':
            self.tables.append(((dict(attrs).get('class') or '').split(), []))
        elif tag == 'tr' and self.tables:
            self.tables[-1][1].append([])
        elif tag in ('td', 'th') and self.tables:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ('td', 'th') and self._cell is not None and self.tables:
            self.tables[-1][1][-1].append(' '.join(''.join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def html_tables(html: str, css_class: str) -> list[list[list[str]]]:
    """The rows (lists of cell texts) of each table with *css_class*."""
    parser = _Tables()
    parser.feed(html)
    return [rows for classes, rows in parser.tables if css_class in classes]
