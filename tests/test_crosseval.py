"""Learning from each other: criterion pages, changes since the previous
evaluation, calibration and the comparison page, on the ``crosseval`` root.

The root's numbers (``tests/roots/test-crosseval``), by hand. Final
evaluations of criterion 1.1 (max 20): Ort 2024 15, Sjö 2023 12 (a data row),
Ort 2022 10, By 2023 5, so n = 4, mean 10.5, median 11, quartiles
(inclusive) 8.75 and 12.75, sample standard deviation sqrt(53 / 3) = 4.20,
52.5 % of the maximum; Dal 2024 (20) is a draft: listed, not counted. By
2020 and Vik 2022 are known by area scores only, Ås 2021 by its total only.

Evaluators (mean difference from each criterion's mean, over the 4 criteria
of each of their final reports): Anna Ek (Ort 2022, Ort 2024) -23.5 / 8 =
-2.94 points, -4.40 percentage points of the maximum; Bo Berg (By 2023, Ort
2024) +1.5 / 8 = +0.19, +1.33; Cia Dahl (By 2023; her Dal 2024 is a draft)
+3.25 / 4 = +0.81, -0.49.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import html_tables, next_app, warnings_of

NBSP = '\u00a0'


def _html(app, page: str) -> str:  # type: ignore[no-untyped-def]
    return (Path(app.outdir) / page).read_text(encoding='utf8')


def _body(html: str) -> str:
    return html.split('<div class="body"', 1)[-1].split('<div class="sphinxsidebar"')[0]


# --- the pure figures ---------------------------------------------------------------

def test_distribution_and_reader_rounding() -> None:
    from kompass.calibration import decimal, distribution, percent, signed

    found = distribution([15, 5, 12, 10])
    assert found is not None
    assert (found.n, found.mean, found.median, found.q1, found.q3) == (4, 10.5, 11.0, 8.75,
                                                                         12.75)
    assert (found.lowest, found.highest, round(found.sd or 0, 4)) == (5, 15, 4.2032)
    one = distribution([7])
    assert one is not None and (one.q1, one.median, one.q3, one.sd) == (7.0, 7.0, 7.0, None)
    assert distribution([]) is None
    # Halves round up, as readers do (Python's round() would give 52 and 8,8).
    assert (percent(0.525), decimal(8.75), decimal(2.25)) == (f'53{NBSP}%', '8,8', '2,3')
    assert (signed(-2.9375), signed(0.1875), signed(-0.01), signed(None)) == (
        '−2,9', '+0,2', '0', '–')


def test_script_json_cannot_end_its_script_element() -> None:
    from kompass.comparepage import script_json

    text = script_json({'name': '</script><script>alert(1)</script> & <!--'})
    assert '<' not in text and '>' not in text and '&' not in text
    assert json.loads(text) == {'name': '</script><script>alert(1)</script> & <!--'}


# --- criterion pages ----------------------------------------------------------------

@pytest.mark.sphinx('html', testroot='crosseval', freshenv=True)
def test_criterion_page_shows_every_evaluation_and_the_distribution(app) -> None:
    app.build(force_all=True)
    assert warnings_of(app) == []
    page = _html(app, 'kriterier/mini/1-1.html')
    assert '<h1>Delområde 1.1 Strategi</h1>' in page
    assert 'Delområde i område 1 Första området, Minikompassen. Högst 20 poäng.' in page
    # Highest first; the draft is listed and marked.
    assert html_tables(page, 'kompass-scored')[0] == [
        ['Kommun', 'Utvärdering', 'Poäng', 'Andel av max', 'Bedömning eller källa'],
        ['Dal', 'Dal 2024 (utkast)', '20 / 20', '100 %', 'Till bedömningen'],
        ['Ort', 'Ort 2024', '15 / 20', '75 %', 'Till bedömningen'],
        ['Sjö', 'Sjö 2023', '12 / 20', '60 %', 'Sjös rapport'],
        ['Ort', 'Ort 2022', '10 / 20', '50 %', 'Till bedömningen'],
        ['By', 'By 2023', '5 / 20', '25 %', 'Till bedömningen'],
    ]
    assert 'Utkast visas i listan men ingår inte i siffrorna nedan.' in page
    # Known only by area or total: counted as such, never as zeros.
    assert html_tables(page, 'kompass-known-otherwise')[0] == [
        ['Utvärdering', 'Känd genom', 'Poäng'],
        ['By 2020', 'endast områdespoäng', 'område 1: 50 / 100'],
        ['Vik 2022', 'endast områdespoäng', 'område 1: 70 / 100'],
        ['Ås 2021', 'endast totalpoäng', 'totalt 90 / 200'],
    ]
    assert html_tables(page, 'kompass-distribution')[0] == [
        ['Mått', 'Värde'],
        ['Slutliga utvärderingar med poäng', '4'],
        ['Medelvärde', '10,5'],
        ['Median', '11'],
        ['Nedre och övre kvartil', '8,8–12,8'],
        ['Lägst och högst', '5–15'],
        ['Standardavvikelse', '4,2'],
        ['Andel av max (medel)', '53 %'],
        ['Kända endast som områdespoäng', '2'],
        ['Kända endast som totalpoäng', '1'],
    ]
    assert 'Litet underlag: färre än 5 slutliga utvärderingar' in page
    # Each score links to the exact {score} in its report.
    assert 'href="../../reports/ort-2024/index.html#poang-1-1"' in page
    assert 'href="../../kommuner/sjo.html"' in page
    # The good example, with its sentence.
    assert html_tables(page, 'kompass-examples')[0][1] == [
        'Ort', 'By 2023', 'Ort visar hur en strategi kan följas upp.']
    # The first paragraph under each {score}: in the directive, or after it.
    quotes = re.findall(r'<blockquote class="kompass-motivation">\s*<div><p>(.*?)</p>', page, re.S)
    assert quotes == [
        'Strategin är tydlig och följs upp varje år, se kriteriesidan.',
        'Ort saknar en samlad strategi men har en plan på gång.',
        'By har ingen strategi. Ort visar hur en strategi kan följas upp.',
    ]
    assert 'Nästa stycke' not in page and 'En andra stycke' not in page
    # The chart: drawn, every evaluation in its text alternative.
    image = re.search(r'<img alt="([^"]+)" class="kompass-chart" '
                      r'src="../../_images/(kompass-distribution-\w+\.svg)" />', page)
    assert image is not None
    assert (Path(app.outdir) / '_images' / image.group(2)).is_file()
    assert image.group(1) == ('1.1 Strategi: Ort 2024 15; Sjö 2023 12; Ort 2022 10; By 2023 '
                              '5. Median 11, kvartiler 8,8–12,8, högst 20 poäng.')
    assert sorted(p.name for p in (Path(app.outdir) / 'kriterier/mini').glob('*.html')) == [
        '1-1.html', '1-2.html', '2-1.html', '2-2.html']


@pytest.mark.sphinx('html', testroot='crosseval', freshenv=True)
def test_criterion_pages_are_linked_from_scores_catalogue_and_examples(app) -> None:
    app.build(force_all=True)
    report = _html(app, 'reports/ort-2024/index.html')
    assert re.search(r'<a class="reference internal" href="../../kriterier/mini/1-1.html" '
                     r'title="Alla utvärderingar av delområde 1.1"><strong>Poäng 1.1:'
                     r'</strong></a> 15 / 20', report)
    catalogue = _html(app, 'kriterier.html')
    assert 'href="kriterier/mini/2-2.html">2.2 Uppföljning</a>' in catalogue
    examples = _html(app, 'goda-exempel.html')
    assert 'href="kriterier/mini/1-1.html">1.1 Strategi</a>' in examples


@pytest.mark.parametrize('builder', ['latex', 'text', 'singlehtml'])
def test_no_criterion_links_where_there_are_no_pages(builder, make_app, rootdir,
                                                     tmp_path) -> None:
    app = make_app(builder, srcdir=rootdir / 'test-crosseval', builddir=tmp_path,
                   freshenv=True)
    app.build(force_all=True)
    assert warnings_of(app) == []
    produced = ''.join(p.read_text(encoding='utf8') for p in Path(app.outdir).rglob('*')
                       if p.suffix in {'.tex', '.txt', '.html'})
    assert 'kriterier/mini' not in produced and 'jamfor=' not in produced


# --- changes since the previous evaluation --------------------------------------------

@pytest.mark.sphinx('html', testroot='crosseval', freshenv=True)
def test_changes_since_the_previous_evaluation(app) -> None:
    app.build(force_all=True)
    report = _html(app, 'reports/ort-2024/index.html')
    assert html_tables(report, 'kompass-changes-areas')[0] == [
        ['Område', 'Ort 2022', 'Ort 2024', 'Förändring'],
        ['1 Första området', '60', '60', '0'],
        ['2 Andra området', '40', '60', '+20'],
        ['Totalt', '100', '120', '+20'],
    ]
    assert html_tables(report, 'kompass-changes-criteria')[0] == [
        ['Delområde', 'Ort 2022', 'Ort 2024', 'Förändring'],
        ['1.1 Strategi', '10', '15', '+5'],
        ['1.2 Praktik', '50', '45', '−5'],
        ['2.1 Samverkan', '30', '40', '+10'],
        ['2.2 Uppföljning', '10', '20', '+10'],
    ]
    named = re.findall(r'<p class="kompass-changes-named">(.*?)</p>', report)
    assert named == [
        'Områden: störst ökning 2 Andra området (+20); störst minskning –.',
        'Delområden: störst ökning 2.1 Samverkan (+10), 2.2 Uppföljning (+10), 1.1 '
        'Strategi (+5); störst minskning 1.2 Praktik (−5).',
    ]
    # A data row with area scores is the previous one: areas and total only.
    by = _html(app, 'reports/by-2023/index.html')
    assert html_tables(by, 'kompass-changes-areas')[0] == [
        ['Område', 'By 2020', 'By 2023', 'Förändring'],
        ['1 Första området', '50', '45', '−5'],
        ['2 Andra området', '70', '80', '+10'],
        ['Totalt', '120', '125', '+5'],
    ]
    assert ('Poäng per delområde finns inte för båda utvärderingarna; bara områden och '
            'total jämförs.') in by
    # No previous: it says so.
    assert ('Ingen föregående utvärdering med poäng finns i underlaget (ange den med '
            ':previous: i {evaluation}).') in _html(app, 'reports/ort-2022/index.html')


# --- calibration ----------------------------------------------------------------------

CRITERIA = [
    ['Delområde', 'Max', 'Antal', 'Medel', 'Median', 'Kvartiler', 'Lägst och högst',
     'Standardavvikelse', 'Andel av max', 'Endast område', 'Endast total', 'Underlag'],
    ['1.1 Strategi', '20', '4', '10,5', '11', '8,8–12,8', '5–15', '4,2', '53 %', '2', '1',
     'litet'],
    ['1.2 Praktik', '80', '4', '48,8', '47,5', '43,8–52,5', '40–60', '8,5', '61 %', '2', '1',
     'litet'],
    ['2.1 Samverkan', '60', '4', '41,3', '42,5', '37,5–46,3', '30–50', '8,5', '69 %', '2', '1',
     'litet'],
    ['2.2 Uppföljning', '40', '4', '21,3', '22,5', '17,5–26,3', '10–30', '8,5', '53 %', '2',
     '1', 'litet'],
]
SPREAD = [
    ['Delområde', 'Standardavvikelse', 'i andel av max', 'Lägst och högst', 'Antal', 'Underlag'],
    ['2.2 Uppföljning', '8,5', '21 %', '10–30', '4', 'litet'],
    ['1.1 Strategi', '4,2', '21 %', '5–15', '4', 'litet'],
    ['2.1 Samverkan', '8,5', '14 %', '30–50', '4', 'litet'],
    ['1.2 Praktik', '8,5', '11 %', '40–60', '4', 'litet'],
]
EVALUATORS = [
    ['Utvärderare', 'Utvärderingar', 'Vilka', 'Jämförda poäng', 'Medelavvikelse (poäng)',
     'Medelavvikelse (procentenheter av max)', 'Underlag'],
    ['Anna Ek', '2', 'Ort 2022, Ort 2024', '8', '−2,9', '−4,4', 'litet'],
    ['Bo Berg', '2', 'By 2023, Ort 2024', '8', '+0,2', '+1,3', 'litet'],
    ['Cia Dahl', '1', 'By 2023', '4', '+0,8', '−0,5', 'litet'],
]


@pytest.mark.sphinx('html', testroot='crosseval', freshenv=True)
def test_calibration_tables_have_the_exact_figures(app) -> None:
    app.build(force_all=True)
    page = _html(app, 'kalibrering.html')
    assert html_tables(page, 'kompass-calibration') == [CRITERIA]
    assert html_tables(page, 'kompass-spread') == [SPREAD]
    assert html_tables(page, 'kompass-evaluators') == [EVALUATORS]
    assert 'href="kriterier/mini/1-1.html">1.1 Strategi</a>' in page
    # Linked from the catalogue page, not from the front page.
    assert 'href="kalibrering.html"' in _html(app, 'kriterier.html')
    assert 'kalibrering.html"' not in _body(_html(app, 'index.html'))


@pytest.mark.sphinx('html', testroot='crosseval', freshenv=True,
                    confoverrides={'kompass_small_sample': 2})
def test_small_sample_follows_the_setting(app) -> None:
    app.build(force_all=True)
    page = _html(app, 'kalibrering.html')
    underlag = [row[-1] for row in html_tables(page, 'kompass-evaluators')[0][1:]]
    assert underlag == ['', '', 'litet']  # only Cia Dahl has fewer than 2
    assert 'Färre än 2 utvärderingar bakom en siffra' in page
    assert 'Litet underlag' not in _html(app, 'kriterier/mini/1-1.html')


def test_the_export_has_the_calibration(make_app, rootdir, tmp_path) -> None:
    from jsonschema import Draft202012Validator

    from conftest import PROJECT

    schema = json.loads((PROJECT / '_ext/kompass/scores.schema.json').read_text('utf8'))
    app = make_app('scores', srcdir=rootdir / 'test-crosseval', builddir=tmp_path,
                   freshenv=True)
    app.build(force_all=True)
    data = json.loads((Path(app.outdir) / 'scores.json').read_text(encoding='utf8'))
    assert [e.message for e in Draft202012Validator(schema).iter_errors(data)] == []
    calibration = data['calibration']
    assert calibration['small_sample'] == 5
    mini = calibration['catalogues']['mini']
    assert mini['spread_most'] == ['2.2', '1.1', '2.1', '1.2']
    first = mini['criteria'][0]
    assert first == {
        'id': '1.1', 'area': '1', 'max': 20, 'evaluations': 4,
        'scored': [{'slug': 'ort-2024', 'points': 15}, {'slug': 'sjo-2023', 'points': 12},
                   {'slug': 'ort-2022', 'points': 10}, {'slug': 'by-2023', 'points': 5}],
        'area_only': ['by-2020', 'vik-2022'], 'total_only': ['as-2021'],
        'mean': 10.5, 'median': 11.0, 'q1': 8.75, 'q3': 12.75, 'lowest': 5, 'highest': 15,
        'sd': 4.203, 'share_of_max': 0.525, 'small_sample': True,
    }
    assert calibration['evaluators'] == [
        {'name': 'Anna Ek', 'evaluations': ['ort-2022', 'ort-2024'], 'compared_scores': 8,
         'mean_difference': -2.938, 'mean_difference_share': -0.044, 'small_sample': True},
        {'name': 'Bo Berg', 'evaluations': ['by-2023', 'ort-2024'], 'compared_scores': 8,
         'mean_difference': 0.188, 'mean_difference_share': 0.013, 'small_sample': True},
        {'name': 'Cia Dahl', 'evaluations': ['by-2023'], 'compared_scores': 4,
         'mean_difference': 0.812, 'mean_difference_share': -0.005, 'small_sample': True},
    ]


# --- every builder ----------------------------------------------------------------------

@pytest.mark.parametrize(
    'builder',
    ['html', 'dirhtml', 'singlehtml', 'latex', 'text', 'man', 'texinfo', 'epub'],
)
def test_every_builder_renders_the_new_views(builder, make_app, rootdir, tmp_path) -> None:
    app = make_app(builder, srcdir=rootdir / 'test-crosseval', builddir=tmp_path,
                   freshenv=True,
                   confoverrides={'version': '1', 'epub_copyright': 'test',
                                  'epub_author': 'test'})
    app.build(force_all=True)
    assert warnings_of(app) == []
    produced = ''.join(
        p.read_text(encoding='utf8', errors='replace')
        for p in Path(app.outdir).rglob('*')
        if p.is_file() and p.suffix in {'.html', '.xhtml', '.tex', '.txt', '.1', '.texi'}
    )
    assert 'kompass_placeholder' not in produced
    # Calibration (an evaluator's figure), changes (a difference) and the
    # comparison's data table (Sjö 2023: 72, 70, 142) in every output.
    for text in ('Anna Ek', '−2,9', 'Störst spridning', '+20', 'Sjö 2023', '142'):
        assert text in produced, text
    if builder in {'html', 'dirhtml'}:
        generated = 'kriterier/mini/1-1/index.html' if builder == 'dirhtml' else \
            'kriterier/mini/1-1.html'
        assert (Path(app.outdir) / generated).is_file()
        assert 'jamfor=ort-2024,ort-2022' in produced


# --- the comparison page's links --------------------------------------------------------

@pytest.mark.sphinx('html', testroot='crosseval', freshenv=True)
def test_reports_and_municipality_pages_link_to_the_comparison(app) -> None:
    app.build(force_all=True)
    report = _html(app, 'reports/ort-2024/index.html')
    assert ('<p class="kompass-compare-link"><a class="reference internal" '
            'href="../../jamfor.html?jamfor=ort-2024,ort-2022">Jämför Ort 2024 med Ort 2022'
            '</a></p>') in report
    from kompass.comparepage import relative
    assert [relative(u) for u in ('javascript:x.html', 'a.html', '../a.html')] == [
        './javascript:x.html', './a.html', '../a.html']
    # Right below the header.
    assert report.index('kompass-header') < report.index('kompass-compare-link') < \
        report.index('kompass-changes')
    assert 'href="../../jamfor.html?jamfor=ort-2022">Jämför Ort 2022 med andra ' \
        'utvärderingar</a>' in _html(app, 'reports/ort-2022/index.html')
    # A data row is the previous one too.
    assert 'jamfor.html?jamfor=by-2023,by-2020' in _html(app, 'reports/by-2023/index.html')
    municipality = _html(app, 'kommuner/ort.html')
    assert ('<a class="reference internal" href="../jamfor.html?jamfor=ort-2024,ort-2022">'
            'Jämför Ort 2024 med Ort 2022</a>') in municipality
    # Municipalities known from data rows only: their latest and the one before.
    assert 'href="../jamfor.html?jamfor=sjo-2023">' in _html(app, 'kommuner/sjo.html')
    compare = _html(app, 'jamfor.html')
    data = json.loads(re.search(
        r'<script type="application/json" class="kompass-compare-data">(.*?)</script>',
        compare, re.S).group(1))  # type: ignore[union-attr]
    assert [e['slug'] for e in data['evaluations']] == [
        'by-2020', 'by-2023', 'dal-2024', 'ort-2022', 'ort-2024', 'sjo-2023', 'vik-2022',
        'as-2021']
    sjo = data['evaluations'][5]
    assert (sjo['areas'], sjo['points'], sjo['total'], sjo['url']) == (
        {'1': 72, '2': 70}, {'1.1': 12, '1.2': 60, '2.1': 45, '2.2': 25}, 142, None)
    assert data['evaluations'][4]['url'] == './reports/ort-2024/index.html'
    assert '<noscript><p class="kompass-compare-noscript">Jämförelsen körs i webbläsaren' \
        in compare


# --- incremental, parallel ----------------------------------------------------------

def _pages(outdir: Path) -> dict[str, str]:
    found = {}
    for path in sorted(outdir.rglob('*.html')):
        if path.name in {'genindex.html', 'search.html'}:
            continue
        found[path.relative_to(outdir).as_posix()] = _body(path.read_text(encoding='utf8'))
    return found


@pytest.mark.sphinx('html', testroot='crosseval', freshenv=True, parallel=2)
def test_parallel_build_gives_the_serial_pages(app, make_app, tmp_path) -> None:
    app.build(force_all=True)
    assert app.parallel == 2
    serial = next_app(make_app, app, 'html', srcdir=app.srcdir,
                      builddir=tmp_path / 'serial', freshenv=True)
    serial.build(force_all=True)
    parallel, alone = _pages(Path(app.outdir)), _pages(Path(serial.outdir))
    assert 'kriterier/mini/1-1.html' in parallel and 'kalibrering.html' in parallel
    assert parallel == alone
    assert warnings_of(app) == warnings_of(serial) == []


@pytest.mark.sphinx('html', testroot='crosseval', freshenv=True, parallel=2,
                    srcdir='crosseval-parallel-pages')
def test_a_parallel_build_makes_the_generated_pages_in_processes(
    app, make_app, tmp_path, monkeypatch
) -> None:
    """The same pages as a serial build, made in forked processes; and as
    remembered there, a rebuild with nothing changed makes none again."""
    from sphinx.util.parallel import ParallelTasks

    from kompass import generated

    given: list[str] = []

    class Counted(ParallelTasks):
        def add_task(self, task_func, arg=None, result_func=None):  # type: ignore[no-untyped-def]
            given.extend(arg)
            super().add_task(task_func, arg, result_func)

    monkeypatch.setattr(generated, 'ParallelTasks', Counted)
    monkeypatch.setattr(generated, '_FEWEST_FOR_PROCESSES', 1)  # the root's few pages too
    app.build(force_all=True)
    assert {'kriterier/mini/1-1', 'kommuner/ort', 'kommuner/sjo'} <= set(given)
    out = Path(app.outdir)
    written = {p: p.stat().st_mtime_ns for p in out.rglob('*.html')}

    serial = next_app(make_app, app, 'html', srcdir=app.srcdir,
                      builddir=tmp_path / 'serial', freshenv=True)
    serial.build(force_all=True)
    assert _pages(out) == _pages(Path(serial.outdir))
    assert warnings_of(app) == warnings_of(serial) == []

    given.clear()
    again = next_app(make_app, serial, 'html', srcdir=app.srcdir, builddir=out.parent,
                     freshenv=False, parallel=2)
    again.build()
    assert given == []
    assert sorted(p.relative_to(out).as_posix() for p, t in written.items()
                  if p.stat().st_mtime_ns != t) == ['genindex.html', 'search.html']


def _charts(app) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(p.name for p in (Path(app.outdir) / '_images').glob('kompass-distribution-*.svg'))


@pytest.mark.sphinx('html', testroot='crosseval', freshenv=True,
                    srcdir='crosseval-incremental')
def test_incremental_builds_keep_every_page_current(app, make_app) -> None:
    app.build()
    src = Path(app.srcdir)
    first_charts = _charts(app)
    assert len(first_charts) == 4

    # A score changes: its criterion page, the calibration, the changes in the
    # report and the comparison's data follow.
    report = src / 'reports/ort-2024/index.md'
    report.write_text(report.read_text(encoding='utf8').replace(':points: 15', ':points: 19'),
                      encoding='utf8')
    second = next_app(make_app, app, 'html', srcdir=src, freshenv=False)
    second.build()
    page = _html(second, 'kriterier/mini/1-1.html')
    assert ['Ort', 'Ort 2024', '19 / 20', '95 %', 'Till bedömningen'] in \
        html_tables(page, 'kompass-scored')[0]
    # [5, 10, 12, 19]: mean 11.5, quartiles 8.75 and 13.75, sd sqrt(101 / 3) = 5.8
    assert ['Medelvärde', '11,5'] in html_tables(page, 'kompass-distribution')[0]
    calibration = html_tables(_html(second, 'kalibrering.html'), 'kompass-calibration')[0]
    assert calibration[1][:8] == ['1.1 Strategi', '20', '4', '11,5', '11', '8,8–13,8', '5–19',
                                  '5,8']
    changes = html_tables(_html(second, 'reports/ort-2024/index.html'),
                          'kompass-changes-criteria')[0]
    assert changes[1] == ['1.1 Strategi', '10', '19', '+9']
    assert '"1.1":19' in _html(second, 'jamfor.html')
    # One chart was redrawn, the old file removed.
    assert len(_charts(second)) == 4 and len(set(_charts(second)) - set(first_charts)) == 1

    # The previous evaluation changes: the later report, not edited, follows.
    previous = src / 'reports/ort-2022/index.md'
    previous.write_text(previous.read_text(encoding='utf8').replace(
        ':points: 10\n```\n\nOrt saknar', ':points: 4\n```\n\nOrt saknar'), encoding='utf8')
    again = next_app(make_app, second, 'html', srcdir=src, freshenv=False)
    again.build()
    changes = html_tables(_html(again, 'reports/ort-2024/index.html'),
                          'kompass-changes-criteria')[0]
    assert changes[1] == ['1.1 Strategi', '4', '19', '+15']
    second = again

    # A report is removed: it leaves every page.
    shutil.rmtree(src / 'reports/by-2023')
    third = next_app(make_app, second, 'html', srcdir=src, freshenv=False)
    third.build()
    page = _html(third, 'kriterier/mini/1-1.html')
    assert 'By 2023' not in page
    assert ['Slutliga utvärderingar med poäng', '3'] in \
        html_tables(page, 'kompass-distribution')[0]
    assert 'Inga goda exempel för det här delområdet ännu.' in page
    kalibrering = _html(third, 'kalibrering.html')
    evaluators = html_tables(kalibrering, 'kompass-evaluators')[0]
    assert [row[0] for row in evaluators[1:]] == ['Anna Ek', 'Bo Berg']  # Cia: a draft left
    assert evaluators[2][:4] == ['Bo Berg', '1', 'Ort 2024', '4']
    assert 'by-2023' not in _html(third, 'jamfor.html')
    assert len(_charts(third)) == 4


@pytest.mark.sphinx('html', testroot='crosseval', freshenv=True,
                    srcdir='crosseval-catalogue')
def test_a_criterion_gone_from_the_catalogue_loses_its_page(app, make_app) -> None:
    app.build()
    out = Path(app.outdir)
    assert (out / 'kriterier/mini/2-2.html').is_file()
    catalogue = Path(app.srcdir) / 'criteria/mini.yaml'
    catalogue.write_text(catalogue.read_text(encoding='utf8').replace(
        '{id: "2.2", title: Uppföljning', '{id: "2.3", title: Uppföljning'), encoding='utf8')
    # The catalogues are read when the application starts: a new one.
    second = next_app(make_app, app, 'html', srcdir=app.srcdir, freshenv=False)
    second.build()
    assert not (out / 'kriterier/mini/2-2.html').exists()
    assert 'Delområde 2.3 Uppföljning' in _html(second, 'kriterier/mini/2-3.html')
    assert len(_charts(second)) == 3  # 2.3 is scored by no one: no chart


@pytest.mark.sphinx('html', testroot='crosseval', freshenv=True,
                    srcdir='crosseval-compare-page')
def test_a_new_comparison_page_rewrites_the_reports_links(app, make_app) -> None:
    src = Path(app.srcdir)
    (src / 'jamfor.md').rename(src / 'jamforelse.md')
    index = src / 'index.md'
    index.write_text(index.read_text(encoding='utf8').replace('jamfor\n', 'jamforelse\n'),
                     encoding='utf8')
    app.build()
    assert 'jamforelse.html?jamfor=ort-2024' in _html(app, 'reports/ort-2024/index.html')
    (src / 'jamforelse.md').unlink()
    index.write_text(index.read_text(encoding='utf8').replace('jamforelse\n', ''),
                     encoding='utf8')
    second = next_app(make_app, app, 'html', srcdir=src, freshenv=False)
    second.build()
    assert warnings_of(second) == []
    # The report was not edited, yet its link to the removed page is gone.
    assert 'kompass-compare-link' not in _html(second, 'reports/ort-2024/index.html')
    assert 'kompass-compare-link' not in _html(second, 'kommuner/ort.html')


# --- warnings -------------------------------------------------------------------------

@pytest.mark.sphinx('html', testroot='crosseval', freshenv=True,
                    srcdir='crosseval-warnings')
def test_problems_of_the_new_pages_warn_exactly(app, make_app) -> None:
    src = Path(app.srcdir)
    (src / 'kriterier/mini').mkdir(parents=True)
    (src / 'kriterier/mini/1-1.md').write_text('---\norphan: true\n---\n# Egen sida\n',
                                               encoding='utf8')
    (src / 'loose.md').write_text('---\norphan: true\n---\n# Lös\n\n```{score-changes}\n```\n',
                                  encoding='utf8')
    calibration = src / 'kalibrering.md'
    calibration.write_text(calibration.read_text(encoding='utf8').replace(
        '```{calibration}\n', '```{calibration}\n:criteria: okand\n'), encoding='utf8')
    app.build()
    assert warnings_of(app) == [
        # Told while reading, after reading, and while writing the pages.
        "{root}/kalibrering.md:3: WARNING: calibration: unknown criteria catalogue "
        "'okand'; known catalogues: mini [kompass.catalogue]",
        '{root}/loose.md:6: WARNING: score changes outside an evaluation: no {evaluation} '
        "directive in this document's folder or the folders above it [kompass.orphan]",
        "{root}/kriterier/mini/1-1.md:1: WARNING: this hand-written page is where the page "
        "of criterion 1.1 of catalogue 'mini' would be generated; it is kept and no page is "
        'generated (rename it to get the generated one) [kompass.page]',
    ]
    assert 'Egen sida' in _html(app, 'kriterier/mini/1-1.html')
    assert 'Delområde 1.2 Praktik' in _html(app, 'kriterier/mini/1-2.html')


def test_a_chart_that_cannot_be_drawn_warns_and_keeps_its_numbers(
    make_app, rootdir, tmp_path, monkeypatch
) -> None:
    from kompass import charts

    real = charts.draw

    def broken(spec: dict, fmt: str) -> bytes:
        if spec['kind'] == 'distribution':
            raise RuntimeError('no fonts')
        return real(spec, fmt)

    monkeypatch.setattr(charts, 'draw', broken)
    # A build folder of its own: no chart may be there from another test.
    app = make_app('html', srcdir=rootdir / 'test-crosseval', builddir=tmp_path,
                   freshenv=True)
    app.build(force_all=True)
    assert warnings_of(app) == [
        f"{{root}}/criteria/mini.yaml:1: WARNING: the distribution chart of criterion '{c}' "
        'could not be drawn (RuntimeError: no fonts); its numbers are in the table beside '
        'it [kompass.chart]'
        for c in ('1.1 Strategi', '1.2 Praktik', '2.1 Samverkan', '2.2 Uppföljning')
    ]
    page = _html(app, 'kriterier/mini/1-1.html')
    assert '<img' not in _body(page)
    assert ['Medelvärde', '10,5'] in html_tables(page, 'kompass-distribution')[0]


@pytest.mark.sphinx('html', testroot='crosseval', freshenv=True,
                    srcdir='crosseval-escape')
def test_names_in_the_data_are_escaped_everywhere(app, make_app) -> None:
    from kompass.values import make_slug

    evil = 'Ond</script><script>alert(1)</script>'
    scores = Path(app.srcdir) / 'reports/scores.csv'
    with scores.open('a', encoding='utf8') as handle:
        handle.write(f'{make_slug(evil, 2021)},"{evil}",2021,,mini,"<b>källa</b>",1,2,3,4,,,\n')
    # The data files are read when the application starts: a new one.
    app = next_app(make_app, app, 'html', srcdir=app.srcdir, freshenv=True)
    app.build()
    assert warnings_of(app) == []
    for page in ('jamfor.html', 'kriterier/mini/1-1.html', 'kalibrering.html'):
        html = _html(app, page)
        assert '<script>alert(1)' not in html and '<b>källa' not in html, page
    page = _html(app, 'kriterier/mini/1-1.html')
    assert 'Ond&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; 2021' in page
    assert '&lt;b&gt;källa&lt;/b&gt;' in page
    assert '"Ond\\u003c/script\\u003e\\u003cscript\\u003ealert(1)' in _html(app, 'jamfor.html')


# --- the comparison in a real browser ---------------------------------------------------

CHROMIUM = shutil.which('chromium') or shutil.which('chromium-browser')


@pytest.fixture(scope='module')
def crosseval_site(tmp_path_factory: pytest.TempPathFactory, rootdir: Path) -> Path:
    from sphinx.testing.util import SphinxTestApp

    # Six evaluations have area scores: an average of them is shown only when
    # kompass_average_min allows six (FORMAT.md); the test sees both sides.
    app = SphinxTestApp('html', srcdir=rootdir / 'test-crosseval',
                        builddir=tmp_path_factory.mktemp('crosseval-site'), freshenv=True,
                        confoverrides={'kompass_average_min': 6})
    try:
        app.build(force_all=True)
        assert warnings_of(app) == []
        return Path(app.outdir)
    finally:
        app.cleanup()


def _cells(page, selector: str) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return page.eval_on_selector(selector, '''table => Array.from(table.rows).map(
        row => Array.from(row.cells).map(cell => cell.textContent.trim()))''')


@pytest.mark.skipif(CHROMIUM is None and __import__('os').environ.get('CI') != 'true',
                    reason='Chromium is not installed (run: make browser-deps)')
def test_the_comparison_in_a_real_browser_from_file(crosseval_site: Path) -> None:
    from playwright.sync_api import sync_playwright

    compare = (crosseval_site / 'jamfor.html').as_uri()
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=['--no-sandbox', '--disable-gpu', '--no-first-run',
                  '--disable-background-networking', '--disable-component-update',
                  '--disable-sync'],
        )
        page = browser.new_page()
        page.on('console', lambda m: problems.append(f'{m.type}: {m.text}')
                if m.type in {'error', 'warning'} else None)
        page.on('pageerror', lambda e: problems.append(f'page error: {e}'))
        page.on('requestfailed', lambda r: problems.append(f'failed: {r.url}'))
        # Offline: nothing but the site's own files is ever requested.
        page.on('request', lambda r: problems.append(f'network: {r.url}')
                if not r.url.startswith('file://') else None)

        # An address anyone may write: malformed percent-encoding is no selection.
        page.goto(compare + '?jamfor=%&snitt=%E0%A4%A')
        status = page.get_by_role('status').inner_text(timeout=5000)
        assert 'Välj minst två utvärderingar' in status
        page.goto(compare)
        assert page.locator('table.kompass-compare-fallback').is_hidden()
        assert 'Välj minst två utvärderingar' in page.get_by_role('status').inner_text()
        # Keyboard only: filter the list, then tick two evaluations.
        page.focus('#kompass-compare-filter')
        page.keyboard.type('ort')
        page.keyboard.press('Tab')
        page.keyboard.press('Space')  # Ort 2022, the first that is left
        page.keyboard.press('Tab')
        page.keyboard.press('Space')  # Ort 2024
        assert page.get_by_role('status').inner_text() == 'Visar Ort 2022, Ort 2024.'
        areas = page.get_by_role('table', name='Poäng per område')
        assert areas.count() == 1
        assert _cells(page, 'table.kompass-compare-areas') == [
            ['Område', 'Max', 'Ort 2022', 'Ort 2024', 'Skillnad Ort 2024 − Ort 2022'],
            ['1. Första området', '100', '60', '60', '0'],
            ['2. Andra området', '100', '40', '60', '+20'],
            ['Totalt', '200', '100', '120', '+20'],
        ]
        assert _cells(page, 'table.kompass-compare-criteria') == [
            ['Delområde', 'Max', 'Ort 2022', 'Ort 2024', 'Skillnad Ort 2024 − Ort 2022'],
            ['1.1 Strategi', '20', '10', '15', '+5'],
            ['1.2 Praktik', '80', '50', '45', '−5'],
            ['2.1 Samverkan', '60', '30', '40', '+10'],
            ['2.2 Uppföljning', '40', '10', '20', '+10'],
        ]
        chart = page.locator('svg.kompass-compare-chart')
        assert chart.get_attribute('role') == 'img'
        assert 'Ort 2022, Ort 2024' in (chart.get_attribute('aria-label') or '')
        assert page.url.endswith('jamfor.html?jamfor=ort-2022,ort-2024')
        # The national average at the latest evaluation's date: the final
        # evaluations since 2020 (area 1: 60, 45, 60, 72, 70, 50 -> 59.5).
        page.check('#kompass-compare-average')
        assert _cells(page, 'table.kompass-compare-areas')[1:] == [
            ['1. Första området', '100', '60', '60', '59,5', '0', '−0,5'],
            ['2. Andra området', '100', '40', '60', '62,5', '+20', '+22,5'],
            ['Totalt', '200', '100', '120', '117,4', '+20', '+17,4'],
        ]
        assert 'bygger på 6 utvärderingar med områdespoäng och 7 med totalpoäng' in \
            page.get_by_role('status').inner_text()
        page.select_option('#kompass-compare-reference', label='Ort 2024')
        assert _cells(page, 'table.kompass-compare-areas')[0][-2:] == [
            'Skillnad Ort 2022 − Ort 2024', 'Skillnad Genomsnitt t.o.m. 2024-05-01 − Ort 2024']
        # At the end of 2022 only three evaluations stand behind it: no average.
        page.goto(compare + '?jamfor=ort-2022,ort-2024&snitt=2022-12-31')
        assert 'Ett genomsnitt av färre än 6 utvärderingar visas inte (–).' in \
            page.get_by_role('status').inner_text()
        assert _cells(page, 'table.kompass-compare-areas')[1:] == [
            ['1. Första området', '100', '60', '60', '–', '0', '–'],
            ['2. Andra området', '100', '40', '60', '–', '+20', '–'],
            ['Totalt', '200', '100', '120', '–', '+20', '–'],
        ]

        # The report's link opens the comparison pre-filled.
        page.goto((crosseval_site / 'reports/ort-2024/index.html').as_uri())
        page.click('a:has-text("Jämför Ort 2024 med Ort 2022")')
        page.wait_for_load_state('load')
        assert page.url.endswith('jamfor.html?jamfor=ort-2024,ort-2022')
        assert page.is_checked('label:has-text("Ort 2024")')
        assert not page.is_checked('label:has-text("By 2023")')
        assert _cells(page, 'table.kompass-compare-areas')[2] == [
            '2. Andra området', '100', '60', '40', '−20']
        browser.close()
    assert problems == []


@pytest.mark.skipif(CHROMIUM is None and __import__('os').environ.get('CI') != 'true',
                    reason='Chromium is not installed (run: make browser-deps)')
def test_without_javascript_the_comparison_says_where_the_data_is(
        crosseval_site: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                             args=['--no-sandbox', '--disable-gpu'])
        page = browser.new_page(java_script_enabled=False)
        page.goto((crosseval_site / 'jamfor.html').as_uri())
        assert page.locator('p.kompass-compare-noscript').is_visible()
        assert page.locator('.kompass-compare-app').is_hidden()
        fallback = page.locator('table.kompass-compare-fallback')
        assert fallback.is_visible()
        assert 'Sjö 2023' in fallback.inner_text()
        browser.close()


@pytest.mark.sphinx('html', testroot='crosseval', freshenv=True, srcdir='crosseval-new')
def test_a_report_from_make_new_shows_its_changes(app, make_app) -> None:
    from kompass.catalogue import load_catalogues
    from kompass.new import create
    from kompass.register import Municipality

    src = Path(app.srcdir)
    catalogues, _ = load_catalogues(src / 'criteria')
    sjo = Municipality('9999', 'Sjö', 'Test län', 'Sjö kommun', 'sjo')
    index = create(sjo, 2025, src / 'reports', catalogues['mini']) / 'index.md'
    text = index.read_text(encoding='utf8')
    assert '```{score-changes}\n```' in text and ':previous: sjo-2024)' in text
    # This root cites nothing (no sphinxcontrib-bibtex): the report without "Källor".
    text = text.split('## Källor')[0]
    index.write_text(text.replace(':status: draft', ':status: draft\n:previous: sjo-2023'),
                     encoding='utf8')
    app = next_app(make_app, app, 'html', srcdir=src, freshenv=True)
    app.build()
    assert warnings_of(app) == []
    # Nothing scored yet: unknown, never zero.
    page = _html(app, 'reports/sjo-2025/index.html')
    assert html_tables(page, 'kompass-changes-areas')[0] == [
        ['Område', 'Sjö 2023', 'Sjö 2025', 'Förändring'],
        ['1 Första området', '72', '–', '–'],
        ['2 Andra området', '70', '–', '–'],
        ['Totalt', '142', '–', '–'],
    ]


@pytest.mark.sphinx('html', testroot='crosseval', freshenv=True,
                    confoverrides={'language': 'en'})
def test_the_new_pages_follow_the_language(app) -> None:
    app.build(force_all=True)
    assert warnings_of(app) == []
    criterion = _html(app, 'kriterier/mini/1-1.html')
    assert '<h1>Sub-area 1.1 Strategi</h1>' in criterion
    assert 'Median 11, quartiles 8,8–12,8, at most 20 points.' in criterion
    assert html_tables(_html(app, 'kalibrering.html'), 'kompass-evaluators')[0][1][-1] == \
        'small'
    assert 'Compare Ort 2024 with Ort 2022' in _html(app, 'reports/ort-2024/index.html')
    assert '"showAverage":"Show the average at a date"' in _html(app, 'jamfor.html')
