"""Hostile and careless input: names, strings and data that must stay data.

Each test feeds what an attacker or a careless contributor could put in a pull
request (a folder name with shell syntax, markup in a municipality's name, a
copied report folder, broken data files) and checks the exact warning and that
nothing ran, leaked or silently went wrong in any output.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import next_app, warnings_of

HOSTILE_FOLDER = "lund-2024';touch PWNED;'"

FOLDERS = [
    "{root}/reports/scores.csv:4: WARNING: slug 'habo-2022' is not the slug of Håbo "
    "2022, 'haabo-2022' (FORMAT.md); the row is ignored [kompass.data]",
    "{root}/reports/ankeborg-2024/index.md:3: WARNING: evaluation :municipality: "
    "'Ankeborg' is not one of Sweden's 290 municipalities; did you mean Vänersborg, "
    'Lekeberg, Göteborg? [kompass.municipality]',
    "{root}/reports/haabo-2023/index.md:3: WARNING: previous evaluation 'habo-2021' is "
    "of another municipality than this one ('haabo-2023') [kompass.previous]",
    "{root}/reports/habo-2023-kopia/index.md:3: WARNING: folder name 'habo-2023-kopia' "
    "is not the slug of this evaluation, 'habo-2023' (FORMAT.md: the municipality in "
    "lower-case ASCII and the year); rename the folder to 'reports/habo-2023'. Until "
    'then it gets no PDF of its own [kompass.folder]',
    "{root}/reports/habo-2023-kopia/index.md:3: WARNING: the same evaluation "
    "('habo-2023') as reports/habo-2023/index.md:3; only that one counts (a copy, or a "
    'folder named for another evaluation?) [kompass.evaluation]',
    '{root}/reports/habo-2023/index.md:14: WARNING: score option :points: is given more '
    'than once (only the last value would count) [kompass.option]',
    '{root}/reports/habo-2023/index.md:19: WARNING: score option :points: is given more '
    'than once (only the last value would count) [kompass.option]',
    "{root}/reports/habo-2023/index.md:26: WARNING: chart :evaluation: 'nowhere-2020' is "
    'not a known evaluation (the slug of a report folder or of a row in the score data) '
    '[kompass.chart]',
    # A quoted key and an indented YAML block name the same option (as MyST reads them).
    '{root}/reports/habo-2023/index.md:36: WARNING: score option :points: is given more '
    'than once (only the last value would count) [kompass.option]',
    '{root}/reports/habo-2023/index.md:41: WARNING: score-chart option :kind: is given more '
    'than once (only the last value would count) [kompass.option]',
    '{root}/reports/malmo-2021/index.md:3: WARNING: evaluation :date: 2021-06-01 is not '
    'in :year: 2022 [kompass.option]',
    "{root}/reports/malmo-2021/index.md:3: WARNING: folder name 'malmo-2021' is not the "
    "slug of this evaluation, 'malmo-2022'; the folder's year 2021 differs from :year: "
    '2022 (FORMAT.md: the municipality in lower-case ASCII and the year); rename the '
    "folder to 'reports/malmo-2022'. Until then it gets no PDF of its own [kompass.folder]",
    "{root}/reports/malmo-2021/index.md:3: WARNING: previous evaluation 'malmo-2024' is "
    'not earlier than this one (2022) [kompass.previous]',
]
# A folder name with shell syntax is not a safe name: the folder is left out
# of the build before anything is read (told first).
UNSAFE_FOLDER = (
    f'WARNING: folder "reports/{HOSTILE_FOLDER}" has a name other than letters a-z, digits, '
    "'-', '_' and '.' (starting with a letter or digit); nothing in it is built "
    '[kompass.file]'
)
# MyST's own warning for an unknown option, and ours for a hand-written page at
# a generated page's path (told while pages are written, so it comes last).
UNKNOWN_OPTION = (
    "{root}/reports/habo-2023/index.md:33: WARNING: 'score-chart': Unknown option key: "
    "'bogus' (allowed: ['criteria', 'evaluation', 'kind']) [myst.directive_option]"
)
HAND_WRITTEN = (
    '{root}/kommuner/habo.md:1: WARNING: this hand-written page is where the page of '
    'Habo would be generated; it is kept and no page is generated (rename it to get the '
    'generated one) [kompass.page]'
)


@pytest.mark.sphinx('html', testroot='folders', freshenv=True)
def test_names_and_folders_warn_exactly(app) -> None:
    app.build(force_all=True)
    assert warnings_of(app) == [UNSAFE_FOLDER, UNKNOWN_OPTION, *FOLDERS, HAND_WRITTEN]


@pytest.mark.sphinx('html', testroot='folders', freshenv=True, warningiserror=True)
def test_the_strict_check_fails_on_them(app) -> None:
    app.build(force_all=True)
    assert app.statuscode == 1


@pytest.mark.sphinx('html', testroot='folders', freshenv=True)
def test_habo_and_haabo_stay_apart_and_a_hand_written_page_is_kept(app) -> None:
    app.build(force_all=True)
    out = Path(app.outdir)
    haabo = (out / 'kommuner/haabo.html').read_text(encoding='utf8')
    assert '<h1>Håbo kommun</h1>' in haabo
    assert 'Håbo 2021' in haabo and 'Håbo 2023' in haabo and 'Habo 20' not in haabo
    habo = (out / 'kommuner/habo.html').read_text(encoding='utf8')
    assert 'Den här sidan är skriven för hand och ska finnas kvar.' in habo
    # The copy counts once: one Habo 2023 in the index of evaluations.
    index = (out / 'index.html').read_text(encoding='utf8')
    assert index.count('Habo 2023') == 0 or index.count('reports/habo-2023/') == 1
    assert 'habo-2023-kopia' not in (out / 'kommuner/haabo.html').read_text(encoding='utf8')


@pytest.mark.sphinx('latex', testroot='folders', freshenv=True)
def test_a_folder_name_never_reaches_latex_or_a_shell(app, tmp_path) -> None:
    app.build(force_all=True)
    out = Path(app.outdir)
    assert sorted(p.name for p in out.glob('*.tex')) == [
        'ankeborg-2024.tex', 'haabo-2023.tex', 'habo-2023.tex', 'projectnamenotset.tex']
    assert not any('PWNED' in p.name for p in out.rglob('*'))
    # Run LaTeX's Makefile as make latexpdf does, with a harmless "compiler":
    # nothing the folder names say is executed.
    make = shutil.which('make') or 'make'
    subprocess.run([make, '-s', 'all-pdf', 'PDFLATEX=true'], cwd=out, check=True,
                   capture_output=True, timeout=120)
    assert not (out / 'PWNED').exists() and not (Path(app.srcdir) / 'PWNED').exists()


def _outputs(outdir: Path, *suffixes: str) -> dict[str, str]:
    return {
        p.relative_to(outdir).as_posix(): p.read_text(encoding='utf8', errors='replace')
        for p in outdir.rglob('*') if p.is_file() and p.suffix in suffixes
    }


@pytest.mark.sphinx('html', testroot='escape', freshenv=True)
def test_markup_in_names_is_escaped_in_html(app) -> None:
    app.build(force_all=True)
    assert warnings_of(app) == []
    pages = _outputs(Path(app.outdir), '.html')
    for name, html in pages.items():
        for payload in ('<script>alert', '<img src=x', 'onerror=alert(2)>', '<Evil'):
            assert payload not in html, f'{payload} reaches {name}'
    report = pages['reports/script-alert-1-script-2024/index.html']
    assert '&lt;img src=x onerror=alert(2)&gt;' in report  # shown, as text
    # The generated municipality page: its <title> and heading are text.
    page = pages['kommuner/script-alert-1-script.html']
    assert '<h1>&lt;script&gt;alert(1)&lt;/script&gt;s kommun</h1>' in page
    assert '<title>&lt;script&gt;alert(1)&lt;/script&gt;s kommun' in page
    evil = pages['kommuner/evil.html']
    assert '<h1>Evil&amp;&quot;&#x27;s kommun</h1>' in evil


@pytest.mark.sphinx('latex', testroot='escape', freshenv=True)
def test_titles_and_authors_reach_latex_escaped(app) -> None:
    app.build(force_all=True)
    out = Path(app.outdir)
    frac = (out / '100-frac-1-2-def-x-y-2024.tex').read_text(encoding='utf8')
    assert r'\title{Analys av 100 \% \$\textbackslash{}frac\{1\}\{2\}\$ \textbackslash{}def\textbackslash{}x\{y\}s kommun}' in frac  # noqa: E501
    script = (out / 'script-alert-1-script-2024.tex').read_text(encoding='utf8')
    assert (r'\author{\textless{}img src=x onerror=alert(2)\textgreater{}, '
            r'\textbackslash{}textbf\{fet\} \% 100 \{x\} \$x\textasciicircum{}2\$') in script
    # The decoy evaluation inside a code block is not the report's evaluation.
    assert 'Decoy' not in script.split(r'\begin{document}')[0]
    title_page = (out / 'kompass-title-script-alert-1-script-2024.ltx').read_text(
        encoding='utf8')
    assert r'\textbackslash{}textbf\{fet\} \% 100' in title_page
    assert '<script>' not in title_page and r'\textbf{' not in title_page
    # Options as MyST's YAML block give the same title as ":key: value" lines.
    yaml_title = (out / 'yaml-2024.tex').read_text(encoding='utf8')
    field_title = (out / 'falt-2024.tex').read_text(encoding='utf8')
    assert r'\title{Analys av Yamls kommun}' in yaml_title
    assert r'\author{A \& B}' in yaml_title and r'\author{A \& B}' in field_title


HAVE_TEX = all(shutil.which(tool) for tool in ('latexmk', 'pdflatex', 'pdftotext'))


@pytest.mark.skipif(not HAVE_TEX and os.environ.get('CI') != 'true',
                    reason='TeX is not installed (run: make tex-deps)')
@pytest.mark.sphinx('latex', testroot='escape', freshenv=True)
def test_the_pdf_of_a_hostile_title_compiles_and_shows_it_as_text(app) -> None:
    app.build(force_all=True)
    out = Path(app.outdir)
    subprocess.run(
        ['latexmk', '-pdf', '-interaction=nonstopmode', '-halt-on-error',
         '100-frac-1-2-def-x-y-2024.tex'],
        cwd=out, check=True, capture_output=True, timeout=600,
    )
    text = subprocess.run(['pdftotext', '100-frac-1-2-def-x-y-2024.pdf', '-'], cwd=out,
                          capture_output=True, text=True, check=True).stdout
    first_page = ' '.join(text.split('\f')[0].split())
    assert r'Analys av 100 % $\frac{1}{2}$ \def\x{y}s kommun' in first_page


ROBUST = [
    # MyST reads the unclosed fences as one directive holding the rest of the file.
    "{root}/reports/ort-alpha-n-2024/staket.md:6: WARNING: 'evaluation': Has content, "
    'but none permitted [myst.directive_parse]',
    '{root}/criteria/deep.yaml:1: WARNING: catalogue is nested too deeply to be read '
    '[kompass.catalogue]',
    "{root}/criteria/huge.yaml:1: WARNING: catalogue has a value that cannot be read: "
    'Exceeds the limit (4300 digits) for integer string conversion: value has 5000 '
    'digits; use sys.set_int_max_str_digits() to increase the limit [kompass.catalogue]',
    "{root}/criteria/twice.yaml:3: WARNING: key 'title' is given twice in one mapping "
    '(YAML keeps the last) [kompass.catalogue]',
    '{root}/reports/ort-alpha-n-2024/index.md:10: WARNING: area 1 :stated: '
    '100000000000… is too large a number [kompass.option]',
    '{root}/reports/ort-alpha-n-2024/index.md:14: WARNING: score 1.1 :points: '
    '999999999999… is too large a number [kompass.score]',
    "{root}/reports/ort-alpha-n-2024/index.md:18: WARNING: score 1.2 :points: '1e3' is "
    'not a whole number [kompass.score]',
    "{root}/reports/ort-alpha-n-2024/staket.md:6: WARNING: a second evaluation in folder "
    "'reports/ort-alpha-n-2024'; the folder already has the evaluation at "
    'reports/ort-alpha-n-2024/index.md:3 (one folder holds one evaluation) '
    '[kompass.evaluation]',
    '{root}/reports/ort-alpha-n-2024/staket.md:6: WARNING: evaluation is missing the '
    'required option :criteria: [kompass.option]',
    '{root}/reports/ort-alpha-n-2024/staket.md:6: WARNING: evaluation is missing the '
    'required option :year: [kompass.option]',
]


def _hostile_files(src: Path) -> None:
    """Files too big or too odd to keep in the repository."""
    (src / 'criteria/deep.yaml').write_text('a: ' + '[' * 20000 + ']' * 20000 + '\n',
                                            encoding='utf8')
    (src / 'criteria/huge.yaml').write_text(
        'id: huge\ntitle: Stor\nareas:\n  - {id: "1", title: A, max: ' + '9' * 5000 + '}\n',
        encoding='utf8')
    (src / 'criteria/twice.yaml').write_text(
        'id: twice\ntitle: En\ntitle: Två\nareas:\n  - id: "1"\n    title: A\n    max: 5\n'
        '    criteria:\n      - {id: "1.1", title: B, max: 5}\n', encoding='utf8')
    # 256 KB of unclosed fences, in a document of the report.
    (src / 'reports/ort-alpha-n-2024/staket.md').write_text(
        '---\norphan: true\n---\n# Staket\n\n' + '```{evaluation}\n:municipality: X\n' * 8000,
        encoding='utf8')


def test_odd_input_ends_in_located_warnings_not_a_traceback(make_app, rootdir,
                                                            tmp_path) -> None:
    src = tmp_path / 'src'
    shutil.copytree(rootdir / 'test-robust', src)
    _hostile_files(src)
    app = make_app('html', srcdir=src, builddir=tmp_path / 'build', freshenv=True)
    app.build(force_all=True)
    assert warnings_of(app) == ROBUST
    html = (Path(app.outdir) / 'reports/ort-alpha-n-2024/index.html').read_text(
        encoding='utf8')
    # The chart of a name with "$...$" is drawn (no mathtext), its text intact.
    assert 'class="kompass-chart"' in html
    assert r'Ort $\alpha$ \n 2024: totalpoäng 12 av 200' in html
    assert (Path(app.outdir) / 'reports/ort-alpha-n-2024/staket.html').is_file()


def _break_profile_charts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every profile chart fails to draw; the others are drawn as usual."""
    from kompass import charts

    real = charts.draw

    def broken(spec: dict, fmt: str) -> bytes:  # type: ignore[type-arg]
        if spec['kind'] == 'profile':
            raise ValueError('no room for the legend')
        return real(spec, fmt)

    monkeypatch.setattr(charts, 'draw', broken)


def test_a_chart_that_cannot_be_drawn_is_a_warning_at_its_directive(
    make_app, rootdir, tmp_path, monkeypatch
) -> None:
    _break_profile_charts(monkeypatch)
    # A build folder of its own: no chart may be there from another test.
    app = make_app('html', srcdir=rootdir / 'test-compare', builddir=tmp_path,
                   freshenv=True)
    app.build(force_all=True)
    assert warnings_of(app) == [
        '{root}/reports/ort-2024/index.md:47: WARNING: the chart could not be drawn '
        '(ValueError: no room for the legend); its numbers are in its text alternative '
        '[kompass.chart]',
    ]
    html = (Path(app.outdir) / 'reports/ort-2024/index.html').read_text(encoding='utf8')
    assert html.count('class="kompass-chart"') == 2  # areas and trend
    assert '<p class="kompass-chart-missing">Ort 2024 jämfört med' in html


def test_a_chart_that_fails_in_a_parallel_write_is_a_warning_at_its_directive(
    make_app, rootdir, tmp_path, monkeypatch
) -> None:
    # Sphinx's writer processes leave the charts to the pool of the main
    # process, which warns at the directive when the build ends.
    _break_profile_charts(monkeypatch)
    app = make_app('html', srcdir=rootdir / 'test-compare', builddir=tmp_path,
                   freshenv=True, parallel=2)
    app.build(force_all=True)
    assert app.builder.parallel_ok
    assert warnings_of(app) == [
        '{root}/reports/ort-2024/index.md:47: WARNING: the chart could not be drawn '
        '(ValueError: no room for the legend); its numbers are in its text alternative '
        '[kompass.chart]',
    ]
    html = (Path(app.outdir) / 'reports/ort-2024/index.html').read_text(encoding='utf8')
    shown = re.findall(r'<img src="[^"]*/(kompass-[^"]+)" alt="([^"]*)"', html)
    assert len(shown) == 3
    drawn = {p.name for p in Path(app.outdir, '_images').glob('kompass-*.svg')}
    missing = [alt for name, alt in shown if name not in drawn]
    # The one that failed is named with its numbers as its text alternative.
    assert len(missing) == 1 and missing[0].startswith('Ort 2024 jämfört med')


@pytest.mark.sphinx('html', testroot='compare', freshenv=True, copy_test_root=True)
def test_unused_chart_files_are_removed(app, make_app, tmp_path) -> None:
    app.build()
    page = Path(app.srcdir) / 'reports/ort-2024/index.md'
    page.write_text(page.read_text(encoding='utf8').replace(':points: 45', ':points: 44'),
                    encoding='utf8')
    again = next_app(make_app, app, 'html', srcdir=app.srcdir, freshenv=False)
    again.build()
    clean = next_app(make_app, again, 'html', srcdir=app.srcdir,
                     builddir=tmp_path / 'clean', freshenv=True)
    clean.build(force_all=True)
    incremental = sorted(p.name for p in (Path(again.outdir) / '_images').iterdir())
    assert incremental == sorted(p.name for p in (Path(clean.outdir) / '_images').iterdir())
    # The report's 3 charts, and the distribution chart of each of the 4 criterion pages.
    kinds = [n.rsplit('-', 1)[0] for n in incremental if n.startswith('kompass-')]
    assert kinds == ['kompass-areas', *['kompass-distribution'] * 4, 'kompass-profile',
                     'kompass-trend']


def test_a_good_example_target_is_read_without_backtracking() -> None:
    from kompass.examples import explicit_target

    assert explicit_target('Burlövs kommun <Burlöv#1.4>') == ('Burlövs kommun', 'Burlöv#1.4')
    assert explicit_target('a <b> c <Lund>') == ('a <b> c', 'Lund')
    assert explicit_target('Lund') == ('Lund', 'Lund')
    assert explicit_target('<Lund>') == ('<Lund>', '<Lund>')  # no text: not a target
    assert explicit_target('x <a>b>') == ('x <a>b>', 'x <a>b>')
    # What took the old pattern quadratic time is read in one pass.
    long = 'x' + ' ' * 100_000 + '<'
    assert explicit_target(long) == (long, long)


def test_criterion_pages_of_colliding_ids_are_numbered_once_each() -> None:
    from kompass.catalogue import Area, Catalogue, Criterion
    from kompass.criterionlinks import criterion_pages

    # 800 distinct ids that all make the ASCII name "1-1".
    criteria = tuple(Criterion('1' + '.' * k + '1', 'K', 1) for k in range(1, 801))
    catalogue = Catalogue('k', 'K', '/k.yaml', (Area('1', 'A', 800, criteria),), 'd')
    pages = criterion_pages({'k': catalogue})
    assert len(set(pages.values())) == len(pages) == 800
    assert pages[('k', '1.1')] == 'kriterier/k/1-1'
    assert pages[('k', '1' + '.' * 800 + '1')] == 'kriterier/k/1-1-800'


def test_a_data_file_that_is_a_link_is_not_read(make_app, rootdir, tmp_path) -> None:
    # A pull request could point the score data, a catalogue or the register
    # at a file of the machine that builds it.
    src = tmp_path / 'src'
    shutil.copytree(rootdir / 'test-compare', src)
    data = src / 'reports/scores.csv'
    data.unlink()
    data.symlink_to('/proc/self/mem')
    secret = tmp_path / 'secret.yaml'
    secret.write_text('id: hemlig\ntitle: LÖSENORD-123\nareas: [\n', encoding='utf8')
    (src / 'criteria/hemlig.yaml').symlink_to(secret)
    (src / 'register.csv').symlink_to(secret)
    (src / 'reports/averages').mkdir()
    app = make_app('html', srcdir=src, builddir=tmp_path / 'build', freshenv=True,
                   confoverrides={'kompass_check_municipalities': True,
                                  'kompass_municipalities': 'register.csv',
                                  'kompass_published_averages': 'reports/averages'})
    app.build(force_all=True)
    warnings = warnings_of(app)
    for expected in (
        '{root}/criteria/hemlig.yaml:1: WARNING: the catalogue is a symbolic link; it is not '
        'read [kompass.catalogue]',
        '{root}/register.csv:1: WARNING: the register of municipalities is a '
        'symbolic link; it is not read [kompass.municipality]',
        '{root}/reports/averages:1: WARNING: the file of published averages is not a '
        'regular file; it is not read [kompass.data]',
        '{root}/reports/scores.csv:1: WARNING: the score data file is a symbolic link; it '
        'is not read [kompass.data]',
    ):
        assert expected in warnings
    assert 'LÖSENORD' not in app.warning.getvalue()


def test_an_unreadable_data_file_is_a_warning(make_app, rootdir, tmp_path) -> None:
    # Outside the repository, where the configuration may put it.
    app = make_app('html', srcdir=rootdir / 'test-compare', builddir=tmp_path,
                   freshenv=True, confoverrides={'kompass_score_data': '/proc/self/mem'})
    app.build(force_all=True)
    assert warnings_of(app)[0] == (
        '/proc/self/mem:1: WARNING: cannot read the file: Input/output error '
        '[kompass.data]')
