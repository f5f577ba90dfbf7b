"""reports/scores.csv: every check's exact warning, and rows as evaluations."""

from __future__ import annotations

import pytest

from conftest import html_tables, warnings_of

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
    f'{DATA}:13: WARNING: date 2022-01-01 is not in the year 2021 [kompass.data]',
    f'{DATA}:14: WARNING: row has more cells than the header has columns [kompass.data]',
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
    # Each row, cell by cell: unknown areas are "–", never 0; a row known by
    # criteria gets its areas summed (Stad: 10 + 60 and 30 + 20).
    # The latest first (in the index's one table for the catalogue).
    assert html_tables(html, 'kompass-index')[0] == [
        ['Kommun', 'Datum', '1', '2', 'Totalt', 'Rapport eller källa'],
        ['Sen', '2025-01-01', '100', '100', '200', 'Framtiden'],
        ['Ort', '2024-05-01', '60', '60', '120', 'Rapport'],
        ['Stad', '2023-06-01', '70', '50', '120', 'Stads rapport'],
        ['By', '2022', '–', '–', '150', 'Bys nyheter'],
        ['Ort', '2021-03-01', '40', '50', '90', 'Orts webbplats'],
        ['Gammal', '2019-05-01', '10', '10', '20', 'Arkiv'],
    ]


@pytest.mark.sphinx('latex', testroot='compare', freshenv=True)
def test_index_is_a_plain_table_in_latex(app) -> None:
    app.build(force_all=True)
    # The site's document (the evaluation also gets a PDF of its own).
    assert sorted(p.name for p in app.outdir.glob('*.tex')) == [
        'ort-2024.tex', 'projectnamenotset.tex']
    tex = (app.outdir / 'projectnamenotset.tex').read_text(encoding='utf8')
    assert 'Bys nyheter' in tex
    assert 'kompass-sort' not in tex


AVERAGES = '{root}/reports/published-averages.csv'
PUBLISHED = [
    f"{AVERAGES}:3: WARNING: date '2021-02-30' is not an ISO date (YYYY-MM-DD) "
    '[kompass.data]',
    f"{AVERAGES}:4: WARNING: unknown criteria catalogue 'okand'; known catalogues: mini "
    '[kompass.data]',
    f'{AVERAGES}:5: WARNING: 1: 101 is outside 0..100 [kompass.data]',
    f"{AVERAGES}:6: WARNING: 1: '63.5' is not a whole number [kompass.data]",
    f'{AVERAGES}:7: WARNING: total is 200, but the areas add up to 128 [kompass.data]',
    f'{AVERAGES}:8: WARNING: a published average gives areas and a total, not criterion '
    'points (1.1) [kompass.data]',
    f'{AVERAGES}:9: WARNING: row has no label [kompass.data]',
    f'{AVERAGES}:9: WARNING: row has no source [kompass.data]',
]


@pytest.mark.sphinx('html', testroot='averages', freshenv=True)
def test_every_published_average_check_warns_exactly(app) -> None:
    app.build(force_all=True)
    assert warnings_of(app) == PUBLISHED


@pytest.mark.parametrize(('setting', 'file', 'expected'), [
    ('kompass_published_averages', 'reports/averages-missing.csv',
     '{root}/reports/averages-missing.csv:1: WARNING: missing column(s): source; the '
     'header must start with label,date,criteria,source [kompass.data]'),
    ('kompass_published_averages', 'reports/averages-latin1.csv',
     "{root}/reports/averages-latin1.csv:1: WARNING: not UTF-8 text: 'utf-8' codec can't "
     'decode byte 0xe4 in position 54: invalid continuation byte [kompass.data]'),
    ('kompass_score_data', 'reports/huge-header.csv',
     '{root}/reports/huge-header.csv:1: WARNING: not a CSV file: field larger than field '
     'limit (131072) [kompass.data]'),
    ('kompass_score_data', 'reports/huge-cell.csv',
     '{root}/reports/huge-cell.csv:3: WARNING: not a CSV row: field larger than field '
     'limit (131072) [kompass.data]'),
])
def test_unreadable_data_files_warn_at_their_first_bad_line(
    setting, file, expected, make_app, rootdir, tmp_path
) -> None:
    import shutil

    src = tmp_path / 'src'
    shutil.copytree(rootdir / 'test-averages', src)
    (src / 'reports/published-averages.csv').unlink()  # only the file under test
    big = 'x' * 200_000
    (src / 'reports/huge-header.csv').write_text(f'slug,{big}\n', encoding='utf8')
    (src / 'reports/huge-cell.csv').write_text(
        'slug,municipality,year,date,criteria,source,total\n'
        'ort-2021,Ort,2021,,mini,K,100\n'
        f'by-2021,By,2021,,mini,{big},100\n', encoding='utf8')
    app = make_app('html', srcdir=src, builddir=tmp_path / 'build', freshenv=True,
                   confoverrides={setting: file})
    app.build(force_all=True)
    assert warnings_of(app) == [expected]


@pytest.mark.parametrize(('source', 'links'), [
    ('vallentuna.se, sidan Kommunkompassen', [('vallentuna.se', 'https://vallentuna.se')]),
    ('Rapport på https://www.ort.se/kompass/2021.pdf, sidan 3.',
     [('https://www.ort.se/kompass/2021.pdf', 'https://www.ort.se/kompass/2021.pdf')]),
    ('Arkiv (ingen webbsida)', []),
    ('javascript:alert(1) och data:text/html,x', []),
    ('Stads rapport, se stad.se', []),  # a site named later is text, not a link
])
def test_source_cells_link_web_pages_only(source, links) -> None:
    from docutils import nodes

    from kompass.siteviews import source_cell

    cell = source_cell(source)[0]
    assert cell.astext() == source
    assert [(r.astext(), r['refuri']) for r in cell.findall(nodes.reference)] == links
