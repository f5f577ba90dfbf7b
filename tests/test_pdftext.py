"""Text the PDF cannot print (issue 10, section 4: no LaTeX error far from its
cause): a located warning in a report, a ``?`` in every LaTeX document."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import PROJECT, compile_pdf, next_app, warnings_of
from kompass.pdftext import PRINTABLE, printable, unprintable

HAVE_TEX = all(shutil.which(tool) for tool in ('latexmk', 'pdflatex', 'pdftotext'))
needs_tex = pytest.mark.skipif(not HAVE_TEX and os.environ.get('CI') != 'true',
                               reason='TeX is not installed (run: make tex-deps)')


def test_what_the_pdf_cannot_print_is_found() -> None:
    text = 'Åsa – ”bra” 😀 och 中文, 1\u20092 € ½ −3'
    assert unprintable(text) == ['😀', '中', '文']
    assert printable(text) == 'Åsa – ”bra” ? och ??, 1\u20092 € ½ −3'


@pytest.fixture
def careless(tmp_path: Path, rootdir: Path) -> Path:
    """A report, its evaluators and a data row's source with an emoji."""
    src = tmp_path / 'src'
    shutil.copytree(rootdir / 'test-compare', src)
    index = src / 'reports/ort-2024/index.md'
    text = index.read_text(encoding='utf8')
    text = text.replace(':evaluators: Åsa Öberg, Bo Ek', ':evaluators: Åsa Öberg 🌟, Bo Ek')
    # (The minus sign and the thin space are printable: the preamble declares them.)
    text = text.replace('- Följ upp målen oftare.',
                        '- Följ upp målen oftare 📈 (中期), från −5\u2009% till 0.')
    index.write_text(text, encoding='utf8')
    scores = src / 'reports/scores.csv'
    scores.write_text(scores.read_text(encoding='utf8').replace('Bys nyheter', 'Bys nyheter 📰'),
                      encoding='utf8')
    return src


def test_a_report_warns_at_the_line_and_the_pdf_shows_a_stand_in(
        make_app, careless: Path, tmp_path: Path) -> None:
    app = make_app('html', srcdir=careless, builddir=tmp_path / 'html', freshenv=True)
    app.build()
    assert warnings_of(app) == [
        "{root}/reports/ort-2024/index.md:3: WARNING: the PDF cannot print '🌟' (U+1F31F) (in "
        "the evaluation's options); it shows '?' there [kompass.pdf]",
        "{root}/reports/ort-2024/index.md:33: WARNING: the PDF cannot print '📈' (U+1F4C8), "
        "'中' (U+4E2D), '期' (U+671F); it shows '?' there (write it in words, or leave it "
        'out) [kompass.pdf]',
    ]
    page = (Path(app.outdir) / 'reports/ort-2024/index.html').read_text(encoding='utf8')
    assert 'oftare 📈 (中期), från −5\u2009%' in page  # the web page shows what was written
    latex = next_app(make_app, app, 'latex', srcdir=careless, builddir=tmp_path / 'latex',
                     freshenv=True)
    latex.build()
    for path in Path(latex.outdir).glob('*.tex'):
        written = path.read_text(encoding='utf8')
        assert not unprintable(re.sub(r'\\[a-zA-Z]+', '', written)), path.name
    report = (Path(latex.outdir) / 'ort-2024.tex').read_text(encoding='utf8')
    assert 'oftare ? (??), från −5\u2009' in report


@needs_tex
def test_the_pdf_of_a_careless_report_compiles(make_app, careless: Path, tmp_path: Path) -> None:
    app = make_app('latex', srcdir=careless, builddir=tmp_path / 'latex', freshenv=True)
    app.build()
    text = compile_pdf(Path(app.outdir), 'ort-2024.tex')
    assert 'Åsa Öberg ?, Bo Ek' in text and 'oftare ? (??), från' in text


@needs_tex
def test_the_list_of_printable_characters_is_what_tex_prints(tmp_path: Path) -> None:
    """Every listed character compiles with the PDF's fonts; an emoji does not
    (so the check can fail)."""
    head = ('\\documentclass{article}\\usepackage[T1]{fontenc}\\usepackage[utf8]{inputenc}'
            '\\usepackage{textcomp}\\usepackage{tgtermes}\\usepackage{tgheros}'
            '\\usepackage[swedish]{babel}\\begin{document}\n')
    table = PROJECT / '_ext/kompass/data/pdf-characters.txt'
    listed = ''.join(line for line in table.read_text(encoding='utf8').splitlines()
                     if not line.startswith('#'))
    assert set(listed) <= PRINTABLE and len(listed) > 250
    for body, ok in ((listed, True), ('😀', False)):
        (tmp_path / 't.tex').write_text(head + body + '\n\\end{document}\n', encoding='utf8')
        done = subprocess.run(['pdflatex', '-interaction=nonstopmode', '-halt-on-error', 't.tex'],
                              cwd=tmp_path, capture_output=True, timeout=120)
        assert (done.returncode == 0) is ok, done.stdout[-2000:]
