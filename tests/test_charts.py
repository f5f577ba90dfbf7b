"""Charts from data: files per builder, numbers in text, reproducibility,
caching, and the national average pinned to each evaluation's date."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import next_app, warnings_of
from kompass.comparison import Summary, national_average


def _summary(slug: str, date: str | None, areas: dict[str, int] | None = None,
             total: int | None = None, year: int | None = None) -> Summary:
    return Summary(
        slug, slug.split('-')[0], year or int((date or '0000')[:4]), date, 'mini',
        {}, areas or {}, total, None, '', True,
    )


def test_average_is_pinned_to_the_evaluations_date() -> None:
    a = _summary('a-2021', '2021-03-01', {'1': 40, '2': 50}, 90)
    b = _summary('b-2022', None, total=150, year=2022)  # year only: end of 2022
    c = _summary('c-2023', '2023-06-01', {'1': 70, '2': 50}, 120)
    old = _summary('old-2019', '2019-05-01', {'1': 10, '2': 10}, 20)
    later = _summary('later-2025', '2025-01-01', {'1': 100, '2': 100}, 200)
    target = _summary('t-2024', '2024-05-01', {'1': 60, '2': 60}, 120)
    everyone = [a, b, c, old, later, target]
    avg = national_average(target, everyone, '2020-01-01')
    assert avg.members == ('a-2021', 'b-2022', 'c-2023', 't-2024')
    assert avg.areas == {'1': pytest.approx(170 / 3), '2': pytest.approx(160 / 3)}
    assert avg.area_counts == {'1': 3, '2': 3}  # b counts only in the total
    assert avg.total == pytest.approx((90 + 150 + 120 + 120) / 4)
    # Adding a later evaluation changes nothing for the earlier one ...
    even_later = _summary('x-2024', '2024-05-02', {'1': 0, '2': 0}, 0)
    assert national_average(target, [*everyone, even_later], '2020-01-01') == avg
    # ... adding an earlier one does.
    earlier = _summary('y-2024', '2024-04-30', {'1': 0, '2': 0}, 0)
    changed = national_average(target, [*everyone, earlier], '2020-01-01')
    assert changed.areas['1'] == pytest.approx(170 / 4)
    # The start date comes from the configuration.
    since_2021 = national_average(target, everyone, '2021-06-01')
    assert since_2021.members == ('b-2022', 'c-2023', 't-2024')


@pytest.mark.sphinx('html', testroot='compare', freshenv=True)
def test_html_has_svg_charts_with_alt_text(app) -> None:
    app.build(force_all=True)
    assert warnings_of(app) == []
    html = (app.outdir / 'reports/ort-2024/index.html').read_text(encoding='utf8')
    images = re.findall(r'<img src="([^"]+kompass-(\w+)-\w+\.svg)" alt="([^"]+)"', html)
    assert [kind for _, kind, _ in images] == ['areas', 'profile', 'trend']
    for src, _, _ in images:
        assert (app.outdir / 'reports/ort-2024' / src).resolve().is_file()
    profile_alt = images[1][2]
    assert 'Ort 2021: 1 Första området 40; 2 Andra området 50' in profile_alt
    assert ('Genomsnitt sedan 2020 (3 utv.): 1 Första området 56,7; '
            '2 Andra området 53,3') in profile_alt
    assert 'totalt 120 av 200' in profile_alt
    assert '3 med områdespoäng, 4 med totalpoäng' in html  # the caption
    assert 'Ort 2021 (totalt 90)' in html  # the previous evaluation, a data row


@pytest.mark.sphinx('latex', testroot='compare', freshenv=True)
def test_latex_has_vector_pdf_charts(app) -> None:
    app.build(force_all=True)
    tex = (app.outdir / 'ort-2024.tex').read_text(encoding='utf8')
    names = re.findall(r'sphinxincludegraphics\[width=\\linewidth,height=0.5\\textheight,'
                       r'keepaspectratio\]\{([^}]+)\}', tex)
    assert len(names) == 3
    for name in names:
        assert name.endswith('.pdf')
        assert (app.outdir / name).read_bytes().startswith(b'%PDF')


@pytest.mark.parametrize('builder', ['text', 'man', 'texinfo'])
def test_text_builders_carry_the_numbers(builder, make_app, rootdir, tmp_path) -> None:
    app = make_app(builder, srcdir=rootdir / 'test-compare', builddir=tmp_path,
                   freshenv=True)
    app.build(force_all=True)
    assert warnings_of(app) == []
    out = ''.join(p.read_text(encoding='utf8') for p in Path(app.outdir).rglob('*')
                  if p.is_file() and p.suffix in {'.txt', '.1', '.texi'})
    assert '56,7' in out and '53,3' in out  # the averages
    assert 'Genomsnitt sedan' in out
    assert not list(Path(app.outdir).rglob('kompass-*.svg'))


@pytest.mark.parametrize(
    ('builder', 'pattern', 'date_marker'),
    [('html', 'kompass-*-*.svg', b'<dc:date>'), ('latex', 'kompass-*-*.pdf', b'/CreationDate')],
    # html: the report's 3 charts and the 4 criterion pages' distributions.
)
def test_two_clean_builds_give_identical_chart_files(
    builder, pattern, date_marker, make_app, rootdir, tmp_path
) -> None:
    first = make_app(builder, srcdir=rootdir / 'test-compare',
                     builddir=tmp_path / 'one', freshenv=True)
    first.build(force_all=True)
    second = next_app(make_app, first, builder, srcdir=rootdir / 'test-compare',
                      builddir=tmp_path / 'two', freshenv=True)
    second.build(force_all=True)
    one = {p.name: p.read_bytes() for p in Path(first.outdir).rglob(pattern)}
    two = {p.name: p.read_bytes() for p in Path(second.outdir).rglob(pattern)}
    assert len(one) == (7 if builder == 'html' else 3)
    assert one == two
    for blob in one.values():
        assert date_marker not in blob


@pytest.mark.sphinx('html', testroot='compare', freshenv=True, copy_test_root=True)
def test_unchanged_charts_are_not_redrawn(app, make_app) -> None:
    """Charts are drawn by a pool of processes, so this counts files, not calls."""
    app.build()
    images = Path(app.outdir) / '_images'

    def drawn() -> dict[str, int]:
        # The report's charts (criterion pages draw distribution charts too).
        return {p.name: p.stat().st_mtime_ns for p in images.glob('kompass-*.svg')
                if p.name.split('-')[1] in ('areas', 'profile', 'trend')}

    before = drawn()
    assert len(before) == 3
    page = Path(app.srcdir) / 'reports/ort-2024/index.md'
    page.write_text(page.read_text(encoding='utf8') + '\nMer text.\n', encoding='utf8')
    again = next_app(make_app, app, 'html', srcdir=app.srcdir, freshenv=False)
    again.build()
    assert 'Mer text.' in (again.outdir / 'reports/ort-2024/index.html').read_text(
        encoding='utf8')
    assert drawn() == before  # the page was rewritten, its charts reused
    # A changed score draws the charts that show it, once each (the old files go).
    page.write_text(page.read_text(encoding='utf8').replace(':points: 45', ':points: 44'),
                    encoding='utf8')
    third = next_app(make_app, again, 'html', srcdir=app.srcdir, freshenv=False)
    third.build()
    after = drawn()
    assert sorted(name.split('-')[1] for name in after.keys() - before.keys()) == [
        'areas', 'profile', 'trend']
    assert not after.keys() & before.keys()


def _profile_name(app) -> str:  # type: ignore[no-untyped-def]
    html = (app.outdir / 'reports/ort-2024/index.html').read_text(encoding='utf8')
    found = re.search(r'kompass-profile-\w+\.svg', html)
    assert found, 'no profile chart'
    return found.group(0)


@pytest.mark.sphinx('html', testroot='compare', freshenv=True, copy_test_root=True)
def test_later_evaluations_never_change_an_earlier_chart(app, make_app) -> None:
    app.build()
    before = _profile_name(app)
    data = Path(app.srcdir) / 'reports/scores.csv'
    text = data.read_text(encoding='utf8')
    data.write_text(text + 'nasta-2024,Nästa,2024,2024-05-02,mini,Senare,,,,,0,0,0\n',
                    encoding='utf8')
    later = next_app(make_app, app, 'html', srcdir=app.srcdir, freshenv=False)
    later.build()
    assert _profile_name(later) == before
    data.write_text(text + 'forra-2024,Förra,2024,2024-04-30,mini,Tidigare,,,,,0,0,0\n',
                    encoding='utf8')
    earlier = next_app(make_app, later, 'html', srcdir=app.srcdir, freshenv=False)
    earlier.build()
    assert _profile_name(earlier) != before
    html = (earlier.outdir / 'reports/ort-2024/index.html').read_text(encoding='utf8')
    assert 'Genomsnitt sedan 2020 (4 utv.): 1 Första området 42,5' in html


@pytest.mark.sphinx('html', testroot='problems', freshenv=True)
def test_unknown_chart_kind_warns(app) -> None:
    app.build(force_all=True)
    assert any(
        w.endswith("unknown chart :kind: 'pie'; expected one of: areas, profile, "
                   'trend, totals [kompass.option]')
        for w in warnings_of(app)
    )


@pytest.mark.sphinx('html', testroot='compare', freshenv=True,
                    confoverrides={'kompass_average_since': '2021-06-01',
                                   'kompass_average_min': 2})
def test_the_average_starts_where_the_configuration_says(app) -> None:
    app.build(force_all=True)
    assert warnings_of(app) == []
    html = (app.outdir / 'reports/ort-2024/index.html').read_text(encoding='utf8')
    # Ort 2021 (March) is left out: Stad 2023 and Ort 2024 remain with areas.
    assert 'Genomsnitt sedan 2021 (2 utv.): 1 Första området 65; 2 Andra området 55' in html
    assert 'från 2021-06-01 till och med 2024-05-01: 2 med områdespoäng, 3 med totalpoäng' in html


@pytest.mark.sphinx('html', testroot='compare', freshenv=True,
                    confoverrides={'kompass_average_since': '2021-02-30'})
def test_a_start_date_that_is_no_date_is_a_warning(app) -> None:
    app.build(force_all=True)
    assert warnings_of(app) == [
        "{root}/conf.py:1: WARNING: kompass_average_since '2021-02-30' is not an ISO date "
        '(YYYY-MM-DD); the average is taken since 2020-01-01 [kompass.option]',
    ]
    html = (app.outdir / 'reports/ort-2024/index.html').read_text(encoding='utf8')
    assert 'Genomsnitt sedan 2020 (3 utv.)' in html


def _profile(app) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """The profile chart's text alternative and its caption."""
    html = (app.outdir / 'reports/ort-2024/index.html').read_text(encoding='utf8')
    alt = re.search(r'<img src="[^"]+kompass-profile-\w+\.svg" alt="([^"]+)"', html)
    assert alt, 'no profile chart'
    figure = html[alt.end():]
    caption = re.search(r'<span class="caption-text">(.*?)</span>', figure, re.S)
    assert caption, 'no caption'
    return alt.group(1), ' '.join(caption.group(1).split())


@pytest.mark.sphinx('html', testroot='compare', freshenv=True,
                    confoverrides={'kompass_average_min': 3})
def test_an_average_over_enough_evaluations_is_drawn(app) -> None:
    app.build(force_all=True)
    alt, caption = _profile(app)
    assert alt.startswith('Ort 2024 jämfört med Ort 2021, genomsnittet och publicerat snitt.')
    assert 'Genomsnitt sedan 2020 (3 utv.): 1 Första området 56,7; 2 Andra området 53,3' in alt
    assert caption.startswith(
        'Ort 2024 per område jämfört med Ort 2021, genomsnittet och publicerat snitt. '
        'Genomsnittet avser utvärderingar med samma kriterier från 2020-01-01 till och med '
        '2024-05-01: 3 med områdespoäng, 4 med totalpoäng.')


@pytest.mark.sphinx('html', testroot='compare', freshenv=True,
                    confoverrides={'kompass_average_min': 4})
def test_too_few_evaluations_draw_no_average_and_say_why(app) -> None:
    app.build(force_all=True)
    alt, caption = _profile(app)
    assert 'Genomsnitt' not in alt and '56,7' not in alt
    assert alt.startswith('Ort 2024 jämfört med Ort 2021 och publicerat snitt.')
    # The published average for the date stands as a series of its own.
    assert 'Publicerat snitt: Riksnitt 2022: 1 Första området 55; 2 Andra området 52' in alt
    assert ('Inget beräknat genomsnitt visas: från 2020-01-01 till och med 2024-05-01 finns '
            'bara 3 utvärderingar med områdespoäng och samma kriterier, och ett genomsnitt '
            'visas först när minst 4 står bakom det.') in caption
    assert ('Det publicerade snittet (Riksnitt 2022, Förbundets rapport) visas för sig och '
            'ingår inte i något beräknat genomsnitt.') in caption


def test_a_chart_names_only_what_it_draws(make_app, rootdir, tmp_path) -> None:
    """No previous evaluation by area, no published average, too few for an
    average: the profile is only the evaluation itself, and says so."""
    import shutil

    src = tmp_path / 'src'
    shutil.copytree(rootdir / 'test-compare', src)
    (src / 'reports/published-averages.csv').unlink()
    page = src / 'reports/ort-2024/index.md'
    page.write_text(page.read_text(encoding='utf8').replace(
        ':previous: ort-2021\n', ':previous: ort-2020\n'), encoding='utf8')
    scores = src / 'reports/scores.csv'
    scores.write_text(scores.read_text(encoding='utf8') +
                      'ort-2020,Ort,2020,,mini,Endast total,,,,,,,70\n', encoding='utf8')
    app = make_app('html', srcdir=src, builddir=tmp_path / 'one', freshenv=True)
    app.build(force_all=True)
    alt, caption = _profile(app)
    assert alt.startswith('Ort 2024 jämfört med genomsnittet.')  # min 3: still drawn
    again = next_app(make_app, app, 'html', srcdir=src, builddir=tmp_path / 'two',
                     freshenv=True, confoverrides={'kompass_average_min': 10})
    again.build(force_all=True)
    alt, caption = _profile(again)
    assert alt.startswith('Ort 2024: poäng per område.')
    assert caption.startswith('Ort 2024 per område; det finns inget att jämföra med i '
                              'underlaget. För Ort 2020 finns bara totalpoängen (70), så '
                              'den visas inte per område.')


def test_chart_workers_yield_the_processor_to_the_build() -> None:
    """The pool's workers run below the build (``nice``), so that with ``-j``
    Sphinx's own processes come first."""
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor

    from kompass import chartfiles

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context('fork'),
                             initializer=chartfiles._behind_the_build) as pool:
        worker = pool.submit(os.nice, 0).result()
    assert worker == min(19, os.nice(0) + chartfiles._NICENESS)
