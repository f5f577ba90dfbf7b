"""The PDFs: one per evaluation, with SKR's title page, scores and charts.

Built from a small root (``tests/roots/test-compare``), so the tests do not
depend on the reports in the repository; Karlskrona's own PDF is checked by
its fidelity test. Needs TeX (``make tex-deps`` installs it; CI runs that
first). Without it the tests are skipped locally and fail in CI.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import compile_pdf, warnings_of

HAVE_TEX = all(shutil.which(tool) for tool in ('latexmk', 'pdflatex', 'pdftotext'))
pytestmark = pytest.mark.skipif(
    not HAVE_TEX and os.environ.get('CI') != 'true',
    reason='TeX is not installed (run: make tex-deps)',
)


@pytest.fixture(scope='module')
def ort_pdf(tmp_path_factory: pytest.TempPathFactory, rootdir: Path) -> tuple[str, Path]:
    from sphinx.testing.util import SphinxTestApp

    build = tmp_path_factory.mktemp('pdf')
    app = SphinxTestApp('latex', srcdir=rootdir / 'test-compare', builddir=build,
                        freshenv=True)
    try:
        app.build(force_all=True)
        assert warnings_of(app) == []
        outdir = Path(app.outdir)
    finally:
        app.cleanup()
    return compile_pdf(outdir, 'ort-2024.tex'), outdir


def _lines(text: str) -> list[str]:
    return [' '.join(line.split()) for line in text.splitlines() if line.strip()]


def test_one_pdf_per_evaluation_and_one_of_the_site(ort_pdf) -> None:
    _, outdir = ort_pdf
    assert sorted(p.name for p in outdir.glob('*.tex')) == [
        'ort-2024.tex', 'projectnamenotset.tex']
    assert (outdir / 'ort-2024.pdf').read_bytes().startswith(b'%PDF')


def test_title_page_has_the_seeds_fields(ort_pdf) -> None:
    text, _ = ort_pdf
    title_page = _lines(text.split('\f')[0])
    # The cover, and the report's key facts at its foot (not stranded on a page).
    assert title_page == [
        'Kommunkompassen', 'Analys av Orts kommun', '1 maj 2024', 'Utvärderare',
        'Åsa Öberg, Bo Ek', 'Kriterier Minikompassen', 'Totalpoäng 120 av 200',
        'Sveriges Kommuner och Regioner',
    ]
    assert 'Innehåll' in _lines(text)  # Swedish table of contents


def test_pdf_text_has_the_computed_scores_and_lists(ort_pdf) -> None:
    lines = _lines(ort_pdf[0])
    # The overview's summary table, line by line.
    assert '1. Första området 60 100' in lines
    assert '2. Andra området 60 100' in lines
    assert 'Totalt 120 200' in lines
    # Strengths and improvements side by side, under their Swedish headings.
    assert 'Styrkor Förbättringsmöjligheter' in lines
    assert ('Tydlig styrning med återkoppling till fullmäk- Följ upp målen oftare.' in lines
            or 'Tydlig styrning med återkoppling till fullmäktige. Följ upp målen oftare.'
            in lines)
    for letters in ('å', 'ä', 'ö', 'Å', 'Ö'):
        assert letters in ort_pdf[0]


def test_charts_are_embedded_as_vector_graphics(ort_pdf) -> None:
    text, outdir = ort_pdf
    tex = (outdir / 'ort-2024.tex').read_text(encoding='utf8')
    assert tex.count('sphinxincludegraphics') == 3
    # Text inside the charts is vector text, so it is extractable.
    assert 'Ort 2024: totalpoäng 120 av 200' in _lines(text)


def _pdfinfo(pdf: Path) -> dict[str, str]:
    import subprocess

    out = subprocess.run(['pdfinfo', str(pdf)], capture_output=True, text=True, check=True)
    return {k: v.strip() for k, v in (line.split(':', 1) for line in out.stdout.splitlines()
                                      if ':' in line)}


def _language(pdf: Path) -> str | None:
    """The document's /Lang (hyperref writes it into the catalogue)."""
    import re
    import zlib

    data = pdf.read_bytes()
    for stream in re.finditer(rb'stream\r?\n(.*?)endstream', data, re.S):
        try:
            found = re.search(rb'/Lang\((\w+)\)', zlib.decompress(stream.group(1)))
        except zlib.error:
            continue
        if found:
            return found.group(1).decode()
    found = re.search(rb'/Lang\((\w+)\)', data)
    return found.group(1).decode() if found else None


def test_pdf_metadata_names_title_author_subject_and_language(ort_pdf) -> None:
    _, outdir = ort_pdf
    info = _pdfinfo(outdir / 'ort-2024.pdf')
    assert info['Title'] == 'Kommunkompassen – Analys av Orts kommun 2024'
    assert info['Author'] == 'Åsa Öberg, Bo Ek'
    assert info['Subject'] == (
        'Utvärdering med Kommunkompassen, kriterier: Minikompassen, 1 maj 2024')
    assert _language(outdir / 'ort-2024.pdf') == 'sv'


@pytest.fixture(scope='module')
def site_pdf(ort_pdf) -> tuple[str, Path]:
    _, outdir = ort_pdf
    return compile_pdf(outdir, 'projectnamenotset.tex'), outdir


def test_the_site_pdf_is_dated_by_its_latest_evaluation(site_pdf) -> None:
    text, outdir = site_pdf
    # Not the build date: the latest evaluation in the data (Sen, 1 January 2025).
    assert '1 januari 2025' in _lines(text.split('\f')[0])
    assert _language(outdir / 'projectnamenotset.pdf') == 'sv'


@pytest.mark.parametrize('name', ['ort-2024', 'projectnamenotset'])
def test_no_blank_page_and_no_overfull_line(ort_pdf, site_pdf, name) -> None:
    _, outdir = ort_pdf
    text = compile_pdf(outdir, f'{name}.tex')
    pages = text.split('\f')[:-1]  # pdftotext ends with a form feed
    assert pages and all(page.strip() for page in pages), 'a blank page'
    log = (outdir / f'{name}.log').read_text(encoding='latin-1')
    assert 'Overfull \\hbox' not in log and 'Overfull \\vbox' not in log


def test_no_chapter_is_empty(ort_pdf) -> None:
    """Every chapter of the table of contents has text of its own before the next."""
    import re

    text, outdir = ort_pdf
    toc = (outdir / 'ort-2024.toc').read_text(encoding='utf8')
    chapters = [re.sub(r'\\numberline \{[^}]*\}|\\[a-zA-Z]+\s*|[{}]', '', title).strip()
                for title in re.findall(r'\\contentsline \{chapter\}\{(.*?)\}\{\d+\}', toc)]
    body = ' '.join(' '.join(text.split('\f')[2:]).split())  # after title page and contents
    positions = [body.find(title) for title in chapters]
    assert chapters and -1 not in positions, (chapters, positions)
    for (title, start), end in zip(zip(chapters, positions, strict=True),
                                   [*positions[1:], len(body)], strict=True):
        assert end - start - len(title) > 40, f'chapter {title!r} is empty'


@pytest.mark.parametrize('name', ['karlskrona-2022', 'kommunkompassen'])
def test_the_projects_pdfs_have_no_blank_page_or_overfull_line(project_latex, name) -> None:
    """The real reports as printed: what an evaluator writes must not break the
    layout (a long word in a narrow column, a table wider than the page)."""
    text = compile_pdf(project_latex, f'{name}.tex')
    pages = text.split('\f')[:-1]
    assert pages and all(page.strip() for page in pages), 'a blank page'
    log = (project_latex / f'{name}.log').read_text(encoding='latin-1')
    assert 'Overfull \\hbox' not in log and 'Overfull \\vbox' not in log
    assert 'Float too large' not in log  # a chart taller than the page
    assert 'There were undefined references' not in log  # a link without its target
    assert 'destination with the same identifier' not in log  # two pages "1"
    toc = (project_latex / f'{name}.toc').read_text(encoding='utf8')
    assert _pages_ending_in_a_heading(pages, toc) == []


def _pages_ending_in_a_heading(pages: list[str], toc: str) -> list[tuple[int, str]]:
    """The pages whose last line (before the page number) is a heading."""
    import re

    def plain(text: str) -> str:
        text = text.replace('\\textendash {}', '–')
        text = re.sub(r'\\[a-zA-Z]+\s*|[{}]', '', text)
        return ' '.join(text.split())

    titles = {plain(t) for t in re.findall(
        r'\\contentsline \{(?:chapter|(?:sub)*section|paragraph)\}\{(.*?)\}\{\d+\}', toc)}
    found = []
    for number, page in enumerate(pages, 1):
        lines = [' '.join(line.split()) for line in page.splitlines() if line.strip()]
        if lines and lines[-1].isdigit():
            lines = lines[:-1]  # the page number
        if not lines or lines[-1].startswith(('•', '◦', '–')):
            continue  # a list item, not a heading
        tail = ' '.join(lines[-3:]).replace('- ', '')  # words hyphenated across lines
        found += [(number, t) for t in titles if t and tail.endswith(t)]
    return found
