"""What an HTML page says about where it is (kompass.htmlpage), in any theme:
titles naming municipality and year, the report bar with its PDF link, the
score data offered for download; escaped, and current on incremental builds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import next_app, status_of, warnings_of


def _text(path: Path) -> str:
    return path.read_text(encoding='utf8')


def _title(page: str) -> str:
    found = re.search(r'<title>(.*?)</title>', page, re.S)
    assert found, 'no <title>'
    return found.group(1).replace('&#8211;', '–').replace('&#8212;', '—')


@pytest.mark.sphinx('html', testroot='basic', freshenv=True)
def test_report_pages_name_municipality_and_year(app) -> None:
    app.build(force_all=True)
    assert warnings_of(app) == []
    out = Path(app.outdir)
    area = _text(out / 'reports/ort-2024/omrade-1.html')
    assert _title(area).startswith('Område 1 – Ort 2024')
    assert _title(_text(out / 'reports/ort-2024/index.html')).startswith(
        'Analys av Ort – Ort 2024')
    assert _title(_text(out / 'reports/ort-2023/del-a.html')).startswith('Del A – Ort 2023')
    # The bar: which report, its PDF (the LaTeX document make latexpdf writes).
    assert 'Rapport: <a href="index.html">Ort 2024</a>' in area
    assert '<a href="../../pdf/ort-2024.pdf" type="application/pdf">' in area
    assert '@top-left { content: "Kommunkompassen – Ort 2024"; }' in area
    # Pages outside reports keep their titles and get no bar.
    for page in ('index.html', 'katalog.html'):
        assert 'kompass-report-bar' not in _text(out / page)
    assert _title(_text(out / 'katalog.html')).startswith('Katalog')
    # The headings in the text and the sidebar stay as written.
    assert '<h1>Område 1<a class="headerlink"' in area


@pytest.mark.sphinx('html', testroot='basic', freshenv=True, copy_test_root=True)
def test_titles_follow_the_evaluation_on_incremental_builds(app, make_app) -> None:
    src = Path(app.srcdir)
    # A page of the report without any score: nothing else makes it rewritten.
    (src / 'reports/ort-2024/omrade-9.md').write_text('# Bilaga\n\nText.\n', encoding='utf8')
    app.build()
    area = Path(app.outdir) / 'reports/ort-2024/omrade-9.html'
    assert _title(_text(area)).startswith('Bilaga – Ort 2024')
    index = src / 'reports/ort-2024/index.md'
    index.write_text(_text(index).replace(':year: 2024', ':year: 2025'), encoding='utf8')
    second = next_app(make_app, app, 'html', srcdir=src, freshenv=False)
    second.build()
    # omrade-9.md was not re-read, yet its page names the new year.
    assert '1 changed' in status_of(second)
    assert _title(_text(area)).startswith('Bilaga – Ort 2025')
    assert 'Rapport: <a href="index.html">Ort 2025</a>' in _text(area)
    # A page that leaves the report gets its own title back.
    index.write_text('# Analys av Ort\n\n```{toctree}\n:glob:\n\nomrade-*\n```\n',
                     encoding='utf8')
    third = next_app(make_app, second, 'html', srcdir=src, freshenv=False)
    third.build()
    assert _title(_text(area)).startswith('Bilaga — ')
    assert 'kompass-report-bar' not in _text(area)


@pytest.mark.sphinx('html', testroot='basic', freshenv=True, copy_test_root=True)
def test_names_from_a_report_are_escaped(app, make_app) -> None:
    src = Path(app.srcdir)
    index = src / 'reports/ort-2024/index.md'
    hostile = 'Ort<i>"x\';}</style><b>'
    index.write_text(_text(index).replace(':municipality: Ort', f':municipality: {hostile}'),
                     encoding='utf8')
    again = next_app(make_app, app, 'html', srcdir=src, freshenv=True)
    again.build(force_all=True)
    area = _text(Path(again.outdir) / 'reports/ort-2024/omrade-1.html')
    assert '<i>' not in area and '<b>' not in area
    assert area.count('</style>') == area.count('<style')  # the print style stays closed
    escaped = 'Ort&lt;i&gt;&quot;x&#x27;;}&lt;/style&gt;&lt;b&gt; 2024'
    assert f'Rapport: <a href="index.html">{escaped}</a>' in area
    style = area.split('<style media="print">', 1)[1].split('</style>', 1)[0]
    assert '"' not in style.split('content: "', 1)[1].rsplit('"; }', 1)[0]


@pytest.mark.sphinx('html', testroot='basic', freshenv=True)
def test_the_html_build_offers_the_score_export(app, make_app, tmp_path) -> None:
    app.build(force_all=True)
    scores = next_app(make_app, app, 'scores', srcdir=app.srcdir, builddir=tmp_path,
                      freshenv=True)
    scores.build(force_all=True)
    for name in ('scores.csv', 'scores.json'):
        published = Path(app.outdir) / 'data' / name
        assert published.read_bytes() == (Path(scores.outdir) / name).read_bytes()
    assert b'ort-2024' in (Path(app.outdir) / 'data/scores.csv').read_bytes()


@pytest.mark.sphinx('html', testroot='basic', freshenv=True, copy_test_root=True)
def test_the_score_export_follows_incremental_builds(app, make_app) -> None:
    src = Path(app.srcdir)
    app.build(force_all=True)
    csv = Path(app.outdir) / 'data/scores.csv'
    first = csv.stat().st_mtime_ns
    untouched = next_app(make_app, app, 'html', srcdir=src, freshenv=False)
    untouched.build()
    assert csv.stat().st_mtime_ns == first  # nothing changed: not written again
    area = src / 'reports/ort-2024/omrade-1.md'
    area.write_text(_text(area).replace(':points: 11', ':points: 12'), encoding='utf8')
    changed = next_app(make_app, untouched, 'html', srcdir=src, freshenv=False)
    changed.build()
    json_text = _text(Path(app.outdir) / 'data/scores.json')
    assert '"points": 12' in json_text and '"points": 11' not in json_text
    before = json_text
    # A setting the export uses (the calibration's small sample) counts too.
    setting = next_app(make_app, changed, 'html', srcdir=src, freshenv=False,
                       confoverrides={'kompass_small_sample': 7})
    setting.build()
    assert _text(Path(app.outdir) / 'data/scores.json') != before


@pytest.mark.parametrize('builder', ['singlehtml', 'epub'])
def test_other_html_builders_get_no_bar_and_no_data(builder, make_app, rootdir,
                                                    tmp_path) -> None:
    app = make_app(builder, srcdir=rootdir / 'test-basic', builddir=tmp_path, freshenv=True,
                   confoverrides={'version': '1', 'epub_copyright': 'test',
                                  'epub_author': 'test'})
    app.build(force_all=True)
    assert warnings_of(app) == []
    produced = ''.join(_text(p) for p in Path(app.outdir).rglob('*html'))
    if builder == 'epub':  # a page per document: its title names the report
        assert 'Område 1 – Ort 2024' in produced
    assert 'kompass-report-bar' not in produced and 'pdf/ort-2024.pdf' not in produced
    assert not (Path(app.outdir) / 'data').exists()
