"""The one fidelity test of the real report: Karlskrona 2022 shows the seed's
numbers (its score tables, ``../shared/seed``) on the site and in its PDF.

Everything else is tested on the small roots in ``tests/roots``, so that an
evaluator adding a report or a row of data never breaks a test.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from conftest import compile_pdf, html_tables

AREAS = {'1': 66, '2': 76, '3': 64, '4': 59, '5': 65, '6': 66, '7': 54, '8': 47}
TOTAL = 497
#: The seed's criterion points, area by area (its "Översikt av poängfördelning").
POINTS = {
    '1.1': 11, '1.2': 8, '1.3': 19, '1.4': 3, '1.5': 25,
    '2.1': 12, '2.2': 25, '2.3': 25, '2.4': 14,
    '3.1': 7, '3.2': 19, '3.3': 16, '3.4': 10, '3.5': 12,
    '4.1': 10, '4.2': 11, '4.3': 12, '4.4': 14, '4.5': 12,
    '5.1': 15, '5.2': 9, '5.3': 17, '5.4': 13, '5.5': 11,
    '6.1': 16, '6.2': 16, '6.3': 19, '6.4': 15,
    '7.1': 7, '7.2': 24, '7.3': 12, '7.4': 11,
    '8.1': 9, '8.2': 10, '8.3': 13, '8.4': 15,
}
HAVE_TEX = all(shutil.which(tool) for tool in ('latexmk', 'pdflatex', 'pdftotext'))


def test_the_site_shows_the_seeds_numbers(project_html: Path) -> None:
    out = project_html / 'reports/karlskrona-2022'
    index = (out / 'index.html').read_text(encoding='utf8')
    header = html_tables(index, 'kompass-header')[0]
    assert ['Totalpoäng', f'{TOTAL} / 800'] in header
    *per_area, summary = html_tables(index, 'kompass-overview')
    assert summary[-1] == ['Totalt', str(TOTAL), '800']
    assert {row[0].split('.')[0]: int(row[1]) for row in summary[1:-1]} == AREAS
    shown = {
        row[0].split()[0]: row[1]
        for table in per_area for row in table[1:-1]
    }
    assert shown == {c: str(p) for c, p in POINTS.items()}
    for area, score in AREAS.items():
        box = html_tables((out / f'omrade-{area}.html').read_text(encoding='utf8'),
                          'kompass-area')[0]
        assert box[1][-1] == str(score)  # the box's score cell
    assert sum(AREAS.values()) == TOTAL == sum(POINTS.values())


@pytest.mark.skipif(not HAVE_TEX and os.environ.get('CI') != 'true',
                    reason='TeX is not installed (run: make tex-deps)')
def test_the_pdf_shows_the_seeds_numbers(project_latex: Path) -> None:
    text = compile_pdf(project_latex, 'karlskrona-2022.tex')
    lines = [' '.join(line.split()) for line in text.splitlines()]
    # The overview's summary table: one line per area, then the total.
    for area, score in AREAS.items():
        assert any(re.fullmatch(rf'{area}\. .+ {score} 100', line) for line in lines), area
    assert 'Totalt 497 800' in lines
    assert 'Totalpoäng 497 av 800' in lines  # the key facts on the title page
