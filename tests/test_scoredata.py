"""reports/scores.csv: every check's exact warning, and rows as evaluations."""

from __future__ import annotations

import pytest

from conftest import warnings_of

DATA = '{root}/reports/scores.csv'
EXPECTED = [
    f"{DATA}:3: WARNING: duplicate slug 'ort-2020'; first on line 2 [kompass.data]",
    f'{DATA}:4: WARNING: 1.1: 25 is outside 0..20 [kompass.data]',
    f'{DATA}:5: WARNING: area 1 is 50, but its criteria add up to 30 [kompass.data]',
    f"{DATA}:6: WARNING: 1.1: 'elva' is not a whole number [kompass.data]",
    f"{DATA}:7: WARNING: unknown criteria catalogue 'okand'; known catalogues: "
    'mini [kompass.data]',
    f'{DATA}:8: WARNING: row has no slug [kompass.data]',
    f"{DATA}:9: WARNING: date '2021-02-30' is not an ISO date (YYYY-MM-DD) "
    '[kompass.data]',
    f'{DATA}:10: WARNING: total is 30, but the areas add up to 20 [kompass.data]',
    f"{DATA}:11: WARNING: unknown column '9.9': not a criterion, area or total of "
    "'mini' [kompass.data]",
    f"{DATA}:12: WARNING: slug 'ort-2024' is also a report "
    '(reports/ort-2024/index.md:3); the report counts, this row is ignored '
    '[kompass.data]',
]


@pytest.mark.sphinx('html', testroot='scoredata', freshenv=True)
def test_every_score_data_check_warns_exactly(app) -> None:
    app.build(force_all=True)
    # The report's :previous: names a data row, which is known: no warning.
    assert warnings_of(app) == EXPECTED


@pytest.mark.sphinx('html', testroot='compare', freshenv=True)
def test_index_lists_reports_and_rows_sortably(app) -> None:
    app.build(force_all=True)
    assert warnings_of(app) == []
    html = (app.outdir / 'index.html').read_text(encoding='utf8')
    assert 'kompass-sortable' in html
    assert 'kompass-sort.js' in html
    # The report is linked; a row shows its source and its "unknown" cells.
    assert 'href="reports/ort-2024/index.html"' in html
    assert 'Bys nyheter' in html
    for slug_total in ('90', '150', '120', '20', '200'):
        assert f'<p>{slug_total}</p>' in html
    # A row known by criteria gets its areas summed: Stad 70 and 50.
    assert '<p>70</p>' in html


@pytest.mark.sphinx('latex', testroot='compare', freshenv=True)
def test_index_is_a_plain_table_in_latex(app) -> None:
    app.build(force_all=True)
    # The site's document (the evaluation also gets a PDF of its own).
    assert sorted(p.name for p in app.outdir.glob('*.tex')) == [
        'ort-2024.tex', 'projectnamenotset.tex']
    tex = (app.outdir / 'projectnamenotset.tex').read_text(encoding='utf8')
    assert 'Bys nyheter' in tex
    assert 'kompass-sort' not in tex
