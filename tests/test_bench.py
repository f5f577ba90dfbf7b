"""The benchmark's harness stays runnable: its corpus follows FORMAT.md, edits
touch what they say, and both sides build without a warning (untimed)."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from bench_corpus import YEARS, Corpus, make_slug
from benchmark import Bench, counts, keep_earlier_cases, table_md


@pytest.fixture(scope='module')
def corpus() -> Corpus:
    return Corpus(60, seed=7)


def test_folders_are_slugs_and_dates_span_the_years(corpus: Corpus) -> None:
    reports = corpus.reports()
    assert len(reports) == 60
    for ev in corpus.evaluations:
        assert re.fullmatch(r'[a-z0-9-]+-\d{4}', ev.slug), ev.slug
        assert ev.slug == f'{ev.municipality.slug}-{ev.year}'
        assert ev.year in YEARS and (not ev.date or ev.date.startswith(str(ev.year)))
    assert make_slug('Upplands Väsby') == 'upplands-vasby'
    assert corpus.by_name['Håbo'].slug == 'haabo' and corpus.by_name['Habo'].slug == 'habo'
    years = {ev.year for ev in reports}
    assert min(years) == 2020 and max(years) == 2026


def test_previous_is_the_municipalitys_evaluation_just_before(corpus: Corpus) -> None:
    linked = [ev for ev in corpus.reports() if ev.previous]
    assert linked, 'no report has a previous evaluation'
    for ev in corpus.reports():
        earlier = [e for e in corpus.evaluations if e.municipality == ev.municipality
                   and e.sort_date < ev.sort_date]
        expected = max(earlier, key=lambda e: e.sort_date).slug if earlier else None
        assert ev.previous == expected, ev.slug


def test_score_data_has_as_many_rows_with_other_slugs(corpus: Corpus) -> None:
    rows = list(csv.DictReader(io.StringIO(corpus.scores_csv())))
    assert len(rows) == 60
    slugs = [r['slug'] for r in rows]
    assert len(set(slugs)) == 60 and not set(slugs) & {e.slug for e in corpus.reports()}
    assert list(rows[0])[:6] == ['slug', 'municipality', 'year', 'date', 'criteria', 'source']
    levels = {('1.1' if r['1.1'] else '1' if r['1'] else 'total') for r in rows}
    assert levels == {'1.1', '1', 'total'}  # criteria, areas, total only
    assert any(not r['date'] for r in rows)
    for r in rows:
        if r['1']:
            assert int(r['total']) == sum(int(r[str(a)]) for a in range(1, 9))


def test_every_report_has_the_seed_markup(corpus: Corpus) -> None:
    files = corpus.kompass_files()
    for ev in corpus.reports():
        text = '\n'.join(v for k, v in files.items() if k.startswith(f'reports/{ev.slug}/'))
        for needle in ('{evaluation}', '{area}', '{score}', '{strengths}', '{improvements}',
                       '{score-overview}', ':kind: areas', ':kind: profile',
                       '{good-example}', '{cite:p}', '{bibliography}', '{toctree}'):
            assert needle in text, (ev.slug, needle)
        assert text.count('{score}') == 36
        assert (f':previous: {ev.previous}' in text) == bool(ev.previous)
    assert any(ev.split_area for ev in corpus.reports())
    assert any(ev.colon for ev in corpus.reports())
    assert any('<' in m and '#' in m for m in re.findall(r'\{good-example\}`[^`]*`',
                                                         '\n'.join(files.values())))


def test_the_seed_decides_the_corpus() -> None:
    assert Corpus(5, seed=1).kompass_files() == Corpus(5, seed=1).kompass_files()
    assert Corpus(5, seed=1).kompass_files() != Corpus(5, seed=2).kompass_files()


def test_edits_touch_one_file(corpus: Corpus) -> None:
    slug = corpus.latest().slug
    before = corpus.kompass_files()
    total = corpus.by_slug[slug].total
    corpus.edit_text(slug)
    after = corpus.kompass_files()
    changed = [k for k in after if after[k] != before[k]]
    assert changed == [f'reports/{slug}/omrade-1.md']
    assert corpus.by_slug[slug].total == total
    corpus.edit_score(slug)
    again = corpus.kompass_files()
    changed = [k for k in again if again[k] != after[k]]
    assert len(changed) == 1 and corpus.by_slug[slug].total != total
    lines = [(a, b) for a, b in zip(after[changed[0]].splitlines(),
                                    again[changed[0]].splitlines(), strict=True) if a != b]
    assert all(a.startswith((':points:', ':stated:')) for a, _ in lines), lines


def test_build_log_counts() -> None:
    log = ('reading sources... [ 50%] a\nreading sources... [100%] b\n'
           'writing output... [100%] a\n')
    assert counts(log) == (2, 1)


def _case(seconds: float) -> dict[str, object]:
    run = {'seconds': seconds, 'written': 1, 'files_written': 1, 'pdfs_compiled': 1}
    return {'kompass': [run], 'plain': [run], 'median_seconds': {'kompass': seconds,
            'plain': seconds}, 'peak_rss_mib': {'kompass': 1, 'plain': 1}, 'ratio': 1.0}


def test_a_partial_run_keeps_the_other_cases_of_the_same_corpus(tmp_path: Path) -> None:
    earlier = {'date': '2026-01-01', 'n': 100, 'seed': 1, 'citations': 'yes', 'pdf': '3',
               'pdf_runs': 1, 'pdf_targets': 3,
               'cases': {'full': _case(90.0), 'text': _case(4.0), 'pdf-edit': _case(9.0)}}
    (tmp_path / 'results-N100.json').write_text(json.dumps(earlier), encoding='utf-8')
    now = {'date': '2026-02-01', 'n': 100, 'seed': 1, 'citations': 'yes', 'pdf': 'none',
           'pdf_runs': 1, 'pdf_targets': 0, 'cases': {'text': _case(3.0)}}
    merged = keep_earlier_cases(now, tmp_path)
    # The PDF case's settings come with it (how many PDFs it compiled).
    assert (merged['pdf'], merged['pdf_targets']) == ('3', 3)
    assert merged['cases']['full']['earlier_run'] == '2026-01-01'
    assert merged['cases']['text']['median_seconds']['kompass'] == 3.0
    assert 'earlier_run' not in merged['cases']['text']
    table = table_md(merged)
    assert '| full, serial (an earlier run, 2026-01-01) | 90.0 s' in table
    assert '| text-only edit, latest | 3.0 s' in table
    # Another corpus (seed) is never mixed in.
    other = {**now, 'seed': 2, 'cases': {'text': _case(3.0)}}
    assert set(keep_earlier_cases(other, tmp_path)['cases']) == {'text'}


def test_both_sides_build_without_warnings(tmp_path: Path) -> None:
    bench = Bench(tmp_path / 'bench', 3, 2022, tmp_path / 'logs')
    runs = {side: bench.sphinx(side, bench.out(side, 'html'), 'full')
            for side in ('kompass', 'plain')}
    for side, run in runs.items():
        logs = (tmp_path / 'logs' / f'full-{side}.log').read_text(encoding='utf-8')
        assert run.warnings == 0, logs
    html = {side: sorted(p.relative_to(bench.out(side, 'html')).as_posix()
                         for p in bench.out(side, 'html').rglob('*.html'))
            for side in ('kompass', 'plain')}
    assert html['kompass'] == html['plain']  # the same pages on both sides
    assert any(page.startswith('kommuner/') for page in html['plain'])
    # A score edit keeps both sides warning-free (the :stated: total follows).
    bench.corpus.edit_score(bench.corpus.earliest().slug)
    bench.sync()
    for side in ('kompass', 'plain'):
        run = bench.sphinx(side, bench.out(side, 'html'), 'edit')
        assert run.warnings == 0 and run.read >= 1 and run.files_written >= 1, side


def test_without_citations_no_report_cites() -> None:
    files = Corpus(5, seed=1, citations=False).kompass_files()
    assert not [k for k in files if k.endswith('.bib')]
    text = '\n'.join(files.values())
    assert '{cite:p}' not in text and '{bibliography}' not in text
    assert text.count('{score-overview}') == 5
