"""Totals in the output, across builders, and under incremental and parallel builds."""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from conftest import html_tables, next_app, status_of, warnings_of
from kompass import nodes as kn
from test_examples import EXPECTED as EXAMPLE_WARNINGS


def _text(path: Path) -> str:
    return path.read_text(encoding='utf8')


def _header(html: str) -> dict[str, str]:
    """The report header's rows: label -> value."""
    tables = html_tables(html, 'kompass-header')
    assert len(tables) == 1, 'one header'
    return {row[0]: row[1] for row in tables[0] if len(row) == 2}


def _points(html: str) -> list[str]:
    """The text of each score's points line ("Poäng 1.1: 11 / 20")."""
    return [' '.join(re.sub(r'<[^>]+>', '', p).split())
            for p in re.findall(r'<p class="kompass-points">(.*?)</p>', html, re.S)]


def _overview_total(html: str) -> str:
    """The "Totalt" cell of the overview's summary table."""
    summary = html_tables(html, 'kompass-total')
    assert summary, 'no overview total'
    label, total, _maximum = summary[0][-1]
    assert label == 'Totalt'
    return total


@pytest.mark.sphinx('html', testroot='basic', freshenv=True)
def test_totals_come_from_scores_across_documents(app) -> None:
    app.build(force_all=True)
    assert warnings_of(app) == []
    index = _text(app.outdir / 'reports/ort-2024/index.html')
    # 11 + 50 (area 1) + 30 + 25 (area 2), scored in two other documents.
    assert _overview_total(index) == '116'
    header = _header(index)
    assert header['Totalpoäng'] == '116 / 200'
    assert header['Utvärderare'] == 'Anna Andersson, Bo Berg'
    # The previous evaluation is linked.
    assert 'href="../ort-2023/index.html"' in index
    assert '>Ort 2023</a>' in index  # a draft with unscored criteria: no total
    area1 = _text(app.outdir / 'reports/ort-2024/omrade-1.html')
    box = html_tables(area1, 'kompass-area')
    assert len(box) == 1 and box[0][-1][-1] == '61'  # the area box's computed score
    assert 'Poäng 1.1: 11 / 20' in _points(area1)  # the colon-fenced score
    assert 'Motiveringen till <em>poängen</em>' in area1
    # Strengths and improvements side by side, under Swedish headings.
    assert re.search(r'Styrkor</p>.*Förbättringsmöjligheter</p>', area1, re.S)
    # A draft evaluation may leave criteria unscored without a warning.
    draft = _text(app.outdir / 'reports/ort-2023/index.html')
    assert _header(draft)['Totalpoäng'] == '80 / 200 (2 delområden saknar poäng)'
    catalogue = _text(app.outdir / 'katalog.html')
    assert 'id="kriterium-mini-1-1"' in catalogue


@pytest.mark.sphinx('html', testroot='basic', freshenv=True)
def test_overview_links_each_criterion_to_its_score(app) -> None:
    app.build(force_all=True)
    index = _text(app.outdir / 'reports/ort-2024/index.html')
    assert 'href="omrade-1.html#poang-1-1"' in index
    assert 'href="omrade-2.html#poang-2-2"' in index


def _outputs(outdir: Path) -> dict[str, str]:
    """Every HTML page's body, without build-specific noise."""
    pages = {}
    for path in sorted(outdir.rglob('*.html')):
        if path.name in {'genindex.html', 'search.html'}:
            continue
        body = _text(path).split('<div class="body"', 1)[-1]
        pages[path.relative_to(outdir).as_posix()] = body.split('<div class="sphinxsidebar"')[0]
    return pages


@pytest.mark.sphinx('html', testroot='basic', freshenv=True, parallel=2)
def test_parallel_build_gives_the_serial_output(app, make_app, tmp_path) -> None:
    assert len(list(Path(app.srcdir).rglob('*.md'))) > 5
    app.build(force_all=True)
    assert app.parallel == 2
    assert warnings_of(app) == []
    # The readers sent back their own documents only (perdoc.py); the environment
    # Sphinx saves holds Sphinx's own kinds of mapping, with every document.
    assert type(app.env.tocs) is dict and type(app.env.metadata) is defaultdict
    assert set(app.env.tocs) == set(app.env.all_docs) == app.env.found_docs
    serial = next_app(
        make_app, app, 'html', srcdir=app.srcdir, builddir=tmp_path / 'serial',
        freshenv=True,
    )
    serial.build(force_all=True)
    assert _outputs(Path(app.outdir)) == _outputs(Path(serial.outdir))
    # Every document read again in parallel from the saved environment: the
    # readers inherit every document's entries and still send their own only.
    again = next_app(make_app, serial, 'html', srcdir=app.srcdir,
                     builddir=Path(app.outdir).parent, freshenv=False, parallel=2)
    again.build(force_all=True)
    assert warnings_of(again) == []
    assert type(again.env.tocs) is dict and set(again.env.tocs) == again.env.found_docs
    assert _outputs(Path(again.outdir)) == _outputs(Path(serial.outdir))


@pytest.mark.sphinx('html', testroot='problems', freshenv=True, parallel=2)
def test_parallel_build_gives_the_serial_warnings(app, make_app, tmp_path) -> None:
    app.build(force_all=True)
    parallel = sorted(warnings_of(app))
    serial = next_app(
        make_app, app, 'html', srcdir=app.srcdir, builddir=tmp_path / 'serial',
        freshenv=True,
    )
    serial.build(force_all=True)
    assert parallel == sorted(warnings_of(serial))


@pytest.mark.sphinx('html', testroot='basic', freshenv=True, copy_test_root=True)
def test_incremental_rebuild_updates_totals_in_other_documents(app, make_app) -> None:
    app.build()
    index = app.outdir / 'reports/ort-2024/index.html'
    assert _overview_total(_text(index)) == '116'
    src = Path(app.srcdir)

    # Change one score in one file: the overview in index.md is rewritten.
    area2 = src / 'reports/ort-2024/omrade-2.md'
    area2.write_text(_text(area2).replace(':points: 25', ':points: 5'), encoding='utf8')
    app2 = next_app(make_app, app, 'html', srcdir=src, freshenv=False)
    app2.build()
    assert _overview_total(_text(index)) == '96'
    assert _header(_text(index))['Totalpoäng'] == '96 / 200'

    # Add a document with a score (found by the glob toctree).
    (src / 'reports/ort-2024/omrade-3.md').write_text(
        '# Extra\n\n```{score} 2.2\n:points: 1\n```\n', encoding='utf8'
    )
    app3 = next_app(make_app, app2, 'html', srcdir=src, freshenv=False)
    app3.build()
    assert 'scored twice' in app3.warning.getvalue()
    # 2.2 keeps its first score (omrade-2.md sorts before omrade-3.md).
    assert _overview_total(_text(index)) == '96'

    # Remove the score file that holds 2.1 and 2.2: both go from the totals.
    (src / 'reports/ort-2024/omrade-3.md').unlink()
    area2.unlink()
    app4 = next_app(make_app, app3, 'html', srcdir=src, freshenv=False)
    app4.build()
    assert _overview_total(_text(index)) == '61'
    assert 'no valid score for 2 of 4 criteria: 2.1, 2.2' in app4.warning.getvalue()


@pytest.mark.sphinx('html', testroot='basic', freshenv=True, copy_test_root=True)
def test_editing_the_catalogue_rereads_its_reports(app, make_app) -> None:
    app.build()
    src = Path(app.srcdir)
    catalogue = src / 'criteria/mini.yaml'
    catalogue.write_text(
        _text(catalogue).replace('title: Strategi,', 'title: Ny strategi,'),
        encoding='utf8',
    )
    app2 = next_app(make_app, app, 'html', srcdir=src, freshenv=False)
    read: list[str] = []
    app2.connect('env-before-read-docs', lambda _app, _env, docnames: read.extend(docnames))
    app2.build()
    # Every document of both reports (the draft uses the same catalogue) and
    # the catalogue page, and nothing else.
    assert sorted(read) == [
        'katalog', 'reports/ort-2023/del-a', 'reports/ort-2023/del-b',
        'reports/ort-2023/index', 'reports/ort-2024/index', 'reports/ort-2024/omrade-1',
        'reports/ort-2024/omrade-2',
    ]
    assert '1.1 Ny strategi' in _text(app2.outdir / 'reports/ort-2024/index.html')
    assert '1.1 Ny strategi' in _text(app2.outdir / 'katalog.html')


@pytest.mark.sphinx('html', testroot='basic', freshenv=True)
def test_html_then_latex_in_one_build_directory(app, make_app) -> None:
    """``make html latexpdf``: LaTeX re-reads nothing and still has the totals."""
    app.build()
    latex = next_app(make_app, app, 'latex', srcdir=app.srcdir, freshenv=False)
    latex.build()
    assert '0 added, 0 changed, 0 removed' in status_of(latex)
    content = _text(Path(latex.outdir) / 'ort-2024.tex')
    total = re.search(r'\\sphinxstylestrong\{Totalt\}.*?\\sphinxstylestrong\{(\d+)\}',
                      content, re.S)
    assert total and total.group(1) == '116'  # the overview's total
    title_page = _text(Path(latex.outdir) / 'kompass-title-ort-2024.ltx')
    assert 'Totalpoäng & 116 av 200 \\\\' in title_page  # the key facts


@pytest.mark.parametrize(
    'builder',
    ['html', 'dirhtml', 'singlehtml', 'latex', 'text', 'man', 'texinfo', 'epub', 'xml'],
)
def test_every_builder_renders_every_view(builder, make_app, rootdir, tmp_path) -> None:
    app = make_app(
        builder, srcdir=rootdir / 'test-basic', builddir=tmp_path, freshenv=True,
        confoverrides={'version': '1', 'epub_copyright': 'test', 'epub_author': 'test'},
    )
    app.build(force_all=True)
    assert warnings_of(app) == []
    produced = ''.join(
        p.read_text(encoding='utf8', errors='replace')
        for p in Path(app.outdir).rglob('*')
        if p.is_file() and p.suffix in {'.html', '.xhtml', '.tex', '.txt', '.1', '.texi', '.xml'}
    )
    assert '116 / 200' in produced
    assert 'Förbättringsmöjligheter' in produced
    assert 'kompass_placeholder' not in produced


@pytest.mark.sphinx('html', testroot='basic', freshenv=True)
def test_second_build_reads_nothing(app, make_app) -> None:
    """What the extension adds to the configuration is the same on every run,
    so an unchanged project is not rebuilt from scratch each time."""
    app.build()
    again = next_app(make_app, app, 'html', srcdir=app.srcdir, freshenv=False)
    again.build()
    status = status_of(again)
    assert '0 added, 0 changed, 0 removed' in status
    assert 'config changed' not in status.lower()


@pytest.mark.parametrize('root', ['compare', 'examples'])
@pytest.mark.parametrize(
    'builder',
    ['html', 'dirhtml', 'singlehtml', 'latex', 'text', 'man', 'texinfo', 'epub'],
)
def test_charts_and_examples_build_cleanly_with_every_builder(
    builder, root, make_app, rootdir, tmp_path
) -> None:
    app = make_app(builder, srcdir=rootdir / f'test-{root}', builddir=tmp_path,
                   freshenv=True,
                   confoverrides={'version': '1', 'epub_copyright': 'test',
                                  'epub_author': 'test'})
    app.build(force_all=True)
    assert warnings_of(app) == ([] if root == 'compare' else EXAMPLE_WARNINGS)


@pytest.mark.parametrize('theme', ['furo', 'classic', 'nature', 'alabaster'])
def test_other_themes_build_the_pages_we_generate(theme, make_app, rootdir, tmp_path) -> None:
    """The site's theme is pydata-sphinx-theme; any other builds as cleanly, with
    the report bar (title, PDF link) and the score data, which need no theme."""
    app = make_app('html', srcdir=rootdir / 'test-examples', builddir=tmp_path,
                   freshenv=True, confoverrides={'html_theme': theme})
    app.build(force_all=True)
    assert warnings_of(app) == EXAMPLE_WARNINGS
    page = (app.outdir / 'reports/karlskrona-2024/index.html').read_text(encoding='utf8')
    assert ['Totalpoäng', '100 / 200'] in html_tables(page, 'kompass-header')[0]
    assert 'kompass.css' in page and 'pydata' not in page
    assert '<a href="../../pdf/karlskrona-2024.pdf" type="application/pdf">' in page
    area = (app.outdir / 'reports/karlskrona-2024/omrade-1.html').read_text(encoding='utf8')
    assert '<title>Område 1 – Karlskrona 2024' in area
    assert (app.outdir / 'data/scores.csv').is_file()
    municipality = (app.outdir / 'kommuner/burlov.html').read_text(encoding='utf8')
    assert '<h1>Burlövs kommun</h1>' in municipality and 'Till meningen' in municipality


def test_the_project_builds_cleanly(project_html: Path) -> None:
    """The session's one build of the project had no warning (see conftest)."""
    assert (project_html / 'index.html').is_file()


class forgotten(kn.kompass_placeholder):  # noqa: N801
    """A placeholder type that no view renders (module level: doctrees are pickled)."""


@pytest.mark.sphinx('html', testroot='basic', freshenv=True)
def test_a_placeholder_without_a_view_is_an_error_not_dropped(app) -> None:
    """A new placeholder type that nobody renders must fail the build loudly."""
    from docutils import nodes
    from sphinx.errors import ExtensionError

    def add_one(_app: object, doctree: nodes.document) -> None:
        doctree += forgotten('')

    app.connect('doctree-read', add_one)
    with pytest.raises(ExtensionError, match="no view renders the placeholder 'forgotten'"):
        app.build(force_all=True)


def test_a_placeholder_that_reaches_a_writer_is_an_error() -> None:
    from docutils import nodes
    from sphinx.errors import ExtensionError

    from kompass import nodes as kn

    node = kn.score_overview('')
    node.source, node.line = 'omrade-1.md', 3
    with pytest.raises(ExtensionError, match=r"'score_overview' reached the writer "
                                             r'unrendered \(omrade-1.md:3\)'):
        from docutils.utils import new_document

        kn._unrendered(nodes.GenericNodeVisitor(new_document('test')), node)


@pytest.mark.parametrize(('root', 'failing'), [('basic', False), ('problems', True)])
def test_make_check_fails_on_any_warning_and_lists_each(root, failing, rootdir, tmp_path) -> None:
    import os
    import shutil
    import subprocess

    from conftest import PROJECT

    done = subprocess.run(
        [shutil.which('make') or 'make', '-s', '-C', str(PROJECT), 'check',
         f'SOURCEDIR={rootdir / f"test-{root}"}', f'BUILDDIR={tmp_path}',
         f'VENV={Path(sys.executable).parent.parent}'],
        env={**os.environ, 'PYTHONPATH': str(PROJECT / '_ext')},
        capture_output=True, text=True, timeout=300,
    )
    if not failing:
        assert done.returncode == 0, done.stdout + done.stderr
        assert 'check: no warnings' in done.stdout
        return
    assert done.returncode != 0
    assert 'check FAILED; every warning, as file:line:' in done.stdout
    listed = [line for line in done.stdout.splitlines() if 'WARNING:' in line]
    from test_warnings import PROBLEMS
    assert len(listed) == len(PROBLEMS)
    assert any(line.endswith("loose.md:3: WARNING: score outside an evaluation: no "
                             "{evaluation} directive in this document's folder or the "
                             'folders above it [kompass.orphan]') for line in listed)


@pytest.mark.sphinx('html', testroot='basic', freshenv=True)
def test_the_area_box_names_sub_areas_as_the_report_does(app) -> None:
    """A heading that is an alias of its criterion wins in the box; elsewhere
    (the overview) the catalogue's title stays."""
    app.build(force_all=True)
    area1 = _text(app.outdir / 'reports/ort-2024/omrade-1.html')
    assert html_tables(area1, 'kompass-area')[0][1][0] == 'Strategi Praktiskt arbete'
    index = _text(app.outdir / 'reports/ort-2024/index.html')
    assert html_tables(index, 'kompass-overview')[0][2][0] == '1.2 Praktik'


@pytest.mark.parametrize('root', ['examples', 'crosseval'])
def test_a_rebuild_with_nothing_changed_writes_no_page_and_draws_no_chart(
    root, make_app, rootdir, tmp_path, monkeypatch
) -> None:
    """Municipality and criterion pages (with their charts) included."""
    from kompass import charts

    first = make_app('html', srcdir=rootdir / f'test-{root}', builddir=tmp_path,
                     freshenv=True)
    first.build()
    out = Path(first.outdir)
    written = {p: p.stat().st_mtime_ns for p in out.rglob('*.html')}
    drawn: list[str] = []

    def draw(spec: dict, fmt: str) -> bytes:
        drawn.append(spec['kind'])
        return b''

    monkeypatch.setattr(charts, 'draw', draw)
    again = next_app(make_app, first, 'html', srcdir=rootdir / f'test-{root}',
                     builddir=tmp_path, freshenv=False)
    again.build()
    assert 'no targets are out of date' in status_of(again)
    changed = sorted(p.relative_to(out).as_posix() for p, t in written.items()
                     if p.stat().st_mtime_ns != t)
    # Sphinx's own index pages are always written; no document, no municipality page.
    assert changed == ['genindex.html', 'search.html']
    assert drawn == []
