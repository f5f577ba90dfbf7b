"""The PDFs: one per evaluation, with SKR's title page, scores and charts.

Needs TeX (``make tex-deps`` installs it; CI runs that first). Without it the
test is skipped locally and fails in CI, so a PDF regression never goes unseen.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import PROJECT, warnings_of

HAVE_TEX = all(shutil.which(tool) for tool in ('latexmk', 'pdflatex', 'pdftotext'))
needs_tex = pytest.mark.skipif(
    not HAVE_TEX and os.environ.get('CI') != 'true',
    reason='TeX is not installed (run: make tex-deps)',
)


@pytest.fixture(scope='module')
def karlskrona_pdf(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    from sphinx.testing.util import SphinxTestApp

    build = tmp_path_factory.mktemp('pdf')
    app = SphinxTestApp('latex', srcdir=PROJECT, builddir=build, freshenv=True)
    try:
        app.build(force_all=True)
        assert warnings_of(app) == []
        outdir = Path(app.outdir)
    finally:
        app.cleanup()
    subprocess.run(
        ['latexmk', '-pdf', '-interaction=nonstopmode', '-halt-on-error',
         'karlskrona-2022.tex'],
        cwd=outdir, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        timeout=600,
    )
    pdf = outdir / 'karlskrona-2022.pdf'
    text = subprocess.run(
        ['pdftotext', str(pdf), '-'], capture_output=True, check=True, text=True,
    ).stdout
    return text, outdir


@needs_tex
def test_one_pdf_per_evaluation_from_the_reports(karlskrona_pdf) -> None:
    _, outdir = karlskrona_pdf
    assert (outdir / 'karlskrona-2022.tex').is_file()
    assert (outdir / 'kommunkompassen.tex').is_file()  # the site as one PDF
    assert (outdir / 'karlskrona-2022.pdf').read_bytes().startswith(b'%PDF')


@needs_tex
def test_title_page_has_the_seeds_fields(karlskrona_pdf) -> None:
    text, _ = karlskrona_pdf
    title_page = text.split('\f')[0]
    for field in ('Kommunkompassen', 'Analys av Karlskrona kommun', '16 augusti 2022',
                  'Hanna Lundborg, Linda Nordberg', 'Sveriges Kommuner och Regioner'):
        assert field in title_page
    assert 'Innehåll' in text  # Swedish table of contents


@needs_tex
def test_pdf_text_has_scores_lists_and_swedish_letters(karlskrona_pdf) -> None:
    text = ' '.join(karlskrona_pdf[0].split())  # lines joined, hyphens kept
    assert '497 / 800' in text
    for score in (66, 76, 64, 59, 65, 66, 54, 47):
        assert str(score) in text
    assert 'Styrkor' in text and 'Förbättringsmöjligheter' in text
    assert 'Uppdaterat kommunikationsprogram som tydliggör kanaler' in text
    assert 'Program för att stötta blivande eller nya chefer/ledare.' in text
    for letters in ('å', 'ä', 'ö', 'Å', 'Ä', 'Ö'):
        assert letters in text
    # The bibliography lists each steering document once.
    assert text.count('Karlskrona kommun. Styrmodell.') == 1


@needs_tex
def test_charts_are_embedded_as_vector_graphics(karlskrona_pdf) -> None:
    text, outdir = karlskrona_pdf
    tex = (outdir / 'karlskrona-2022.tex').read_text(encoding='utf8')
    assert tex.count('sphinxincludegraphics') == 2
    # Text inside the charts is vector text, so it is extractable.
    assert 'Karlskrona 2022: totalpoäng 497 av 800' in text
    assert '1 Demokrati' in text
