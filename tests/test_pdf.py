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
    assert title_page == [
        'Kommunkompassen', 'Analys av Orts kommun', '1 maj 2024', 'Utvärderare',
        'Åsa Öberg, Bo Ek', 'Sveriges Kommuner och Regioner',
    ]
    assert 'Innehåll' in _lines(text)  # Swedish table of contents


def test_pdf_text_has_the_computed_scores_and_lists(ort_pdf) -> None:
    lines = _lines(ort_pdf[0])
    # The header and the overview's summary table, line by line.
    assert 'Totalpoäng 120 / 200' in lines
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
