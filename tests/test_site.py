"""The built site as readers get it: every internal link, Swedish everywhere,
and in a real browser (Debian's Chromium, driven by Playwright) at a phone's
and a laptop's width: no sideways scrolling, axe-core clean, navigation inside
a report, search results that name their report.

Chromium comes from ``make browser-deps`` (``make test`` runs it first); these
tests never skip: without Chromium they fail and say how to install it.
"""

from __future__ import annotations

import functools
import http.server
import json
import re
import shutil
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag, urlparse

import pytest

from conftest import PROJECT

CHROMIUM = shutil.which('chromium') or shutil.which('chromium-browser')
INSTALL = 'make browser-deps (as root), or: sudo apt-get install -y chromium fonts-dejavu-core'

WIDTHS = (390, 1280)

#: One page of each kind a reader meets.
PAGE_TYPES = {
    'front page': 'index.html',
    'report': 'reports/karlskrona-2022/index.html',
    'area': 'reports/karlskrona-2022/omrade-1.html',
    'municipality': 'kommuner/karlskrona.html',
    'municipalities': 'kommuner.html',
    'catalogue': 'kriterier.html',
    'good examples': 'goda-exempel.html',
    'criterion': 'kriterier/kommunkompassen-2020/1-1.html',
    'comparison': 'jamfor.html?jamfor=karlskrona-2022',
    'calibration': 'kalibrering.html',
    'search': 'search.html?q=tj%C3%A4nstedesign',
}

#: Labels of English-speaking themes and of Sphinx that must not reach a reader.
ENGLISH = (
    'Search', 'Powered by', 'Page source', 'Show Source', 'Skip to', 'Back to top',
    'On this page', 'Previous', 'previous', 'Next', 'next', 'Section Navigation',
    'Site navigation', 'Breadcrumb', 'Home', 'Color mode', 'Light', 'Dark',
    'System Settings', 'Toggle', 'Collapse', 'Expand', 'Created using', 'Built with',
    'Made with', 'Copyright', 'Table of Contents', 'Contents', 'Navigation', 'Quick search',
    'Hide Search Matches', 'Search Results', 'Searching', 'Preparing search', 'Link to this',
    'Permalink', 'Edit this page', 'View this page', 'Last updated', 'Click to', 'More',
    'Menu', 'Close', 'Error', 'Announcement', 'Sidebar', 'Theme', 'Download', 'Go',
    'Please activate JavaScript',
)
#: Sphinx's Swedish that says something else ("bord" is a piece of furniture).
WRONG_SWEDISH = ('Länk till detta bord', 'Länk till denna termin', 'detta toctree')

_ENGLISH = re.compile(
    r'(?<![\wåäöÅÄÖ])(' + '|'.join(re.escape(s) for s in ENGLISH) + r')(?![\wåäöÅÄÖ])'
)


def english_in(text: str) -> list[str]:
    """English UI labels and wrong Swedish found in *text*."""
    found = _ENGLISH.findall(text)
    return found + [s for s in WRONG_SWEDISH if s in text]


@pytest.fixture(scope='module')
def built(project_site: tuple[Path, list[str]]) -> tuple[Path, list[str]]:
    """The project's HTML build (the session's one), and the PDFs it links."""
    return project_site


@pytest.fixture(scope='module')
def site(built: tuple[Path, list[str]]) -> Path:
    return built[0]


class _Page(HTMLParser):
    """Links, ids, the text a reader sees and the attributes a reader hears."""

    SKIPPED = frozenset({'script', 'style', 'template'})
    SPOKEN = ('title', 'aria-label', 'placeholder', 'alt', 'aria-description')

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.text: list[str] = []
        self.spoken: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get('id'):
            self.ids.add(found['id'] or '')
        if tag == 'a' and found.get('href'):
            self.links.append(found['href'] or '')
        if tag in {'img', 'script'} and found.get('src'):
            self.links.append(found['src'] or '')
        if tag == 'link' and found.get('href'):
            self.links.append(found['href'] or '')
        self.spoken += [found[a] or '' for a in self.SPOKEN if found.get(a)]
        if tag in self.SKIPPED:
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIPPED and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)


def _parse(path: Path) -> _Page:
    parser = _Page()
    parser.feed(path.read_text(encoding='utf8'))
    return parser


def _pages(site: Path) -> list[Path]:
    """The site's pages (not the theme's template fragments under _static/)."""
    return sorted(p for p in site.rglob('*.html') if p.relative_to(site).parts[0] != '_static')


def test_no_internal_link_is_broken(built: tuple[Path, list[str]]) -> None:
    """Every link resolves; the PDF links are exactly the PDFs ``make latexpdf``
    writes, which ``make site`` copies to ``pdf/`` (tests/test_publish.py)."""
    site, documents = built
    parsed = {page: _parse(page) for page in _pages(site)}
    broken = []
    pdfs: set[str] = set()
    checked = 0
    for page, found in parsed.items():
        for link in found.links:
            url = urlparse(link)
            if url.scheme or url.netloc or link.startswith(('mailto:', 'javascript:')):
                continue
            target, fragment = urldefrag(link)
            target = urlparse(target).path  # without ?v=... cache busters
            path = (page.parent / unquote(target)).resolve() if target else page
            checked += 1
            if path.parent == (site / 'pdf').resolve() and path.suffix == '.pdf':
                pdfs.add(path.name)
                continue
            if path.is_dir():
                path = path / 'index.html'
            if not path.is_file():
                broken.append(f'{page.relative_to(site)}: {link}')
            elif fragment and path.suffix == '.html':
                ids = parsed[path].ids if path in parsed else _parse(path).ids
                if unquote(fragment) not in ids:
                    broken.append(f'{page.relative_to(site)}: {link} (no such anchor)')
    assert checked > 500
    assert broken == []
    assert pdfs == {name.removesuffix('.tex') + '.pdf' for name in documents}
    # One per report folder, and the whole site's, whatever reports there are.
    assert pdfs == {*(f'{index.parent.name}.pdf'
                      for index in (PROJECT / 'reports').glob('*/index.md')),
                    'kommunkompassen.pdf'}


def test_every_page_is_in_swedish(site: Path) -> None:
    """No English label of the theme or Sphinx in any page's text or in the
    title, aria-label, placeholder and alt attributes a screen reader reads."""
    found = {}
    for page in _pages(site):
        parsed = _parse(page)
        english = english_in(' '.join(parsed.text)) + english_in(' | '.join(parsed.spoken))
        if english:
            found[page.relative_to(site).as_posix()] = sorted(set(english))
    assert found == {}
    assert len(_pages(site)) > 20


def test_the_english_check_finds_english() -> None:
    assert english_in('<a>Back to top</a> Länk till detta bord') == [
        'Back to top', 'Länk till detta bord']
    assert english_in('Nästa: Sökresultat, Goda exempel, Gotland, Hemsidan') == []


def test_the_swedish_catalogue_is_complete_and_compiled_as_sphinx_compiles_it(
        tmp_path: Path) -> None:
    """Every entry translated; the committed .mo is byte for byte what Sphinx
    writes from the .po when it finds it newer, so a build never changes it."""
    import io

    from babel.messages.pofile import read_po
    from sphinx.util.i18n import CatalogInfo

    folder = PROJECT / 'locales/sv/LC_MESSAGES'
    po = read_po(io.BytesIO((folder / 'sphinx.po').read_bytes()))
    assert [m.id for m in po if m.id and not m.string] == []
    assert po['Link to this table'].string == 'Länk till denna tabell'
    shutil.copyfile(folder / 'sphinx.po', tmp_path / 'sphinx.po')
    CatalogInfo(str(tmp_path), 'sphinx', 'utf-8').write_mo('sv')
    assert (tmp_path / 'sphinx.mo').read_bytes() == (folder / 'sphinx.mo').read_bytes()


def test_report_pages_name_their_report_and_link_its_pdf(site: Path) -> None:
    for name in ('index', 'omrade-1', 'omrade-8'):
        page = (site / f'reports/karlskrona-2022/{name}.html').read_text(encoding='utf8')
        title = re.search(r'<title>(.*?)</title>', page, re.S)
        assert title and 'Karlskrona 2022' in title.group(1).replace('&#8211;', '–')
        assert '<a href="../../pdf/karlskrona-2022.pdf" type="application/pdf">' in page
        assert 'kompass-report-bar' in page
    area = (site / 'reports/karlskrona-2022/omrade-1.html').read_text(encoding='utf8')
    assert re.search(r'<title>Område 1 Samspel mellan förtroendevalda och medborgare – '
                     r'Karlskrona 2022', area)
    # The areas of the report in the sidebar, and previous/next.
    sidebar = area.split('bd-sidebar-primary', 1)[1].split('bd-main', 1)[0]
    assert 'aria-label="Sidor i avsnittet"' in sidebar and 'Karlskrona 2022</a>' in sidebar
    assert all(f'omrade-{n}.html' in sidebar for n in range(2, 9))
    assert 'class="left-prev"' in area and 'href="omrade-2.html"' in area
    # Search results show the same titles.
    script = (site / 'searchindex.js').read_text(encoding='utf8')
    index = json.loads(script.removeprefix('Search.setIndex(').removesuffix(')'))
    titles = dict(zip(index['docnames'], index['titles'], strict=True))
    assert titles['reports/karlskrona-2022/omrade-1'] == (
        'Område 1 Samspel mellan förtroendevalda och medborgare – Karlskrona 2022')
    assert titles['kriterier'] == 'Kriteriekatalogen'
    # Pages outside reports keep their titles and get no report bar.
    catalogue = (site / 'kriterier.html').read_text(encoding='utf8')
    assert '<title>Kriteriekatalogen' in catalogue and 'kompass-report-bar' not in catalogue
    # No empty general index ("Index") linked from every page.
    front = (site / 'index.html').read_text(encoding='utf8')
    assert not (site / 'genindex.html').exists() and 'genindex.html' not in front
    assert 'Sidor i avsnittet' not in catalogue  # no empty section navigation
    # A bibliography is a list of list items (docutils' doc-biblioentry is not).
    report = (site / 'reports/karlskrona-2022/index.html').read_text(encoding='utf8')
    assert 'doc-biblioentry' not in report and report.count('role="listitem"') >= 5


def test_the_site_offers_the_score_data(site: Path) -> None:
    data = json.loads((site / 'data/scores.json').read_text(encoding='utf8'))
    reports = {index.parent.name for index in (PROJECT / 'reports').glob('*/index.md')}
    by_slug = {e['slug']: e for e in data['evaluations']}
    assert reports and reports <= by_slug.keys()  # every report, whatever reports there are
    csv_lines = (site / 'data/scores.csv').read_text(encoding='utf8').splitlines()
    assert csv_lines[0].startswith('slug,municipality,')
    assert {line.split(',', 1)[0] for line in csv_lines[1:]} == by_slug.keys()
    front = (site / 'index.html').read_text(encoding='utf8')
    assert 'href="data/scores.csv"' in front and 'href="data/scores.json"' in front


# --- in a browser -------------------------------------------------------------

class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@pytest.fixture(scope='module')
def server(site: Path) -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f'http://127.0.0.1:{httpd.server_address[1]}'
    finally:
        httpd.shutdown()


@pytest.fixture(scope='module')
def browser() -> Iterator[Any]:
    assert CHROMIUM is not None, f'Chromium is not installed; run {INSTALL}'
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                  '--disable-background-networking', '--disable-component-update',
                  '--disable-sync'],
        )
        try:
            yield launched
        finally:
            launched.close()


def _open(browser: Any, width: int) -> tuple[Any, list[str]]:
    """A page at *width* that records every console error and failed request."""
    page = browser.new_page(viewport={'width': width, 'height': 900})
    problems: list[str] = []
    page.on('console', lambda m: problems.append(f'{m.type}: {m.text}')
            if m.type == 'error' else None)
    page.on('pageerror', lambda e: problems.append(f'page error: {e}'))
    page.on('requestfailed', lambda r: problems.append(f'failed: {r.url}'))
    page.on('response', lambda r: problems.append(f'{r.status}: {r.url}')
            if r.status >= 400 else None)
    return page, problems


#: What sticks out of the viewport sideways, and is not inside a box in the
#: text that scrolls on its own, or deliberately truncated ("…") or hidden.
OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const found = [];
  if (document.documentElement.scrollWidth > width + 1) {
    found.push('page scrolls sideways: ' + document.documentElement.scrollWidth + 'px');
  }
  // A box of the text's own (a table's, a chart's) may scroll; the article
  // itself, or the page around it, may not.
  const article = document.querySelector('main article') || document.querySelector('article')
    || document.querySelector('[role=main]');
  const contained = (el) => {
    for (let p = el; p && p !== document.body; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (/(auto|scroll)/.test(s.overflowX)) {
        return !!article && p !== article && article.contains(p);
      }
      if (s.textOverflow === 'ellipsis' && s.overflowX !== 'visible') return true;
      if (s.clip !== 'auto' || s.clipPath !== 'none') return true;  // visually hidden
      if (s.position === 'fixed' && p.getBoundingClientRect().right <= 0) return true;
    }
    return false;
  };
  const outside = (r) => r.width > 0 && r.height > 0 && (r.right > width + 1 || r.left < -1);
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim()) continue;
    const el = node.parentElement;
    if (!el.checkVisibility({visibilityProperty: true})) continue;
    range.selectNodeContents(node);
    if ([...range.getClientRects()].some(outside) && !contained(el)) {
      found.push(el.tagName.toLowerCase() + ': ' + node.textContent.trim().slice(0, 50));
    }
  }
  for (const el of document.querySelectorAll('img, svg, table, pre, iframe, input, video')) {
    if (!el.checkVisibility({visibilityProperty: true})) continue;
    if (outside(el.getBoundingClientRect()) && !contained(el.parentElement)) {
      found.push(el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''));
    }
  }
  return found;
}"""

#: The text and the spoken attributes of what is on the page now (after scripts ran).
READER_TEXT_JS = """() => {
  const spoken = [...document.querySelectorAll('[title], [aria-label], [placeholder], [alt]')]
    .flatMap(el => ['title', 'aria-label', 'placeholder', 'alt']
      .map(a => el.getAttribute(a)).filter(Boolean));
  return [document.title, document.body.innerText, spoken.join(' | ')].join('\\n');
}"""


def _axe_problems(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    # preload off: axe would fetch the theme's @import "../basic.css" relative
    # to the page instead of the stylesheet (404s that are not the site's).
    results = Axe().run(page, options={'resultTypes': ['violations'], 'preload': False})
    return [
        f"{v['impact']}: {v['id']} ({v['help']}) at "
        + ', '.join(str(n['target']) for n in v['nodes'][:3])
        for v in results.response['violations']
        if v['impact'] in {'serious', 'critical'}
    ]


@pytest.mark.parametrize('width', WIDTHS)
def test_every_page_type_fits_reads_swedish_and_passes_axe(browser, server, width) -> None:
    page, problems = _open(browser, width)
    found: dict[str, list[str]] = {}
    for kind, path in PAGE_TYPES.items():
        page.goto(f'{server}/{path}')
        page.wait_for_load_state('load')
        if kind == 'search':
            page.wait_for_selector('#search-results ul.search li', timeout=15000)
        page.wait_for_timeout(150)  # the theme's scripts settle (scroll boxes, tab stops)
        issues = [f'overflow: {o}' for o in page.evaluate(OVERFLOW_JS)]
        issues += [f'English: {e}' for e in english_in(page.evaluate(READER_TEXT_JS))]
        issues += _axe_problems(page)
        if issues:
            found[f'{kind} at {width}px'] = issues
    page.close()
    assert found == {}
    assert problems == [], '\n'.join(problems)


@pytest.mark.parametrize('width', WIDTHS)
def test_a_report_reads_from_area_to_area(browser, server, width) -> None:
    page, problems = _open(browser, width)
    page.goto(f'{server}/reports/karlskrona-2022/omrade-1.html')
    assert page.title().startswith('Område 1 Samspel mellan förtroendevalda och medborgare '
                                   '– Karlskrona 2022')
    assert page.locator('.kompass-report-bar').inner_text().startswith('Rapport: Karlskrona 2022')
    # Previous/next at the foot of the page; next goes to area 2.
    assert page.locator('a.left-prev').count() == 1
    page.locator('a.right-next').click()
    page.wait_for_load_state('load')
    assert page.url.endswith('/reports/karlskrona-2022/omrade-2.html')
    assert 'Karlskrona 2022' in page.title()
    # The report's areas in the sidebar: beside the text, or behind the menu button.
    if width < 960:
        page.locator('button.primary-toggle').click()
        sidebar = page.locator('#pst-primary-sidebar-modal')
    else:
        sidebar = page.locator('#pst-primary-sidebar')
    for n in (1, 8):
        assert sidebar.locator(f'a[href="omrade-{n}.html"]').first.is_visible()
    assert sidebar.get_by_text('Karlskrona 2022').first.is_visible()
    page.keyboard.press('Escape')
    # The in-page table of contents lists the area's sub-areas.
    toc = page.locator('#pst-page-toc-nav, nav.page-toc').first
    assert toc.locator('a').count() >= 5
    # The skip link is the first thing a keyboard reaches.
    page.goto(f'{server}/reports/karlskrona-2022/omrade-3.html')
    page.keyboard.press('Tab')
    focused = page.evaluate('document.activeElement.textContent.trim()')
    assert focused == 'Hoppa till innehållet'
    page.close()
    assert problems == []


def test_search_results_name_their_report(browser, server) -> None:
    page, problems = _open(browser, 1280)
    page.goto(f'{server}/search.html?q=kommunikationsprogram')
    page.wait_for_selector('#search-results ul.search li', timeout=15000)
    hits = page.locator('#search-results ul.search li > a').all_inner_texts()
    assert hits and all('Karlskrona 2022' in hit for hit in hits if 'Område' in hit)
    assert any(hit.startswith('Område 1') for hit in hits)
    assert 'Sökresultat' in page.locator('#search-results').inner_text()
    page.close()
    assert problems == []


def test_print_names_the_report_and_drops_the_navigation(browser, server) -> None:
    page, problems = _open(browser, 1280)
    page.goto(f'{server}/reports/karlskrona-2022/omrade-4.html')
    page.emulate_media(media='print')
    bar = page.locator('.kompass-report-bar')
    assert bar.inner_text().startswith('Kommunkompassen – Rapport: Karlskrona 2022')
    for hidden in ('.bd-header', '#pst-primary-sidebar', '.bd-sidebar-secondary',
                   '.prev-next-footer', '.bd-footer', '.kompass-report-pdf'):
        assert not page.locator(hidden).first.is_visible(), hidden
    assert page.locator('h1').first.is_visible()
    pdf = page.pdf(format='A4')  # Chromium's own print of the page
    assert pdf.startswith(b'%PDF')
    page.close()
    assert problems == []


def test_site_in_a_real_browser(browser, server, site: Path) -> None:
    page, problems = _open(browser, 1280)
    page.goto(f'{server}/index.html')
    assert page.title().startswith('Kommunkompassen')
    # The evaluation index sorts when a header is clicked.
    table = page.locator('table.kompass-index')
    header = table.locator('thead th').nth(-2)  # "Totalt"
    header.click()
    header.click()
    assert header.get_attribute('aria-sort') == 'descending'
    totals = table.locator('tbody tr td:nth-last-child(2)').all_inner_texts()
    numbers = [int(t) for t in totals if t.strip().isdigit()]
    assert numbers == sorted(numbers, reverse=True) and len(numbers) >= 2
    # Each municipality links to its page; the report is the row's "Rapport".
    row = table.locator('tbody tr', has_text='Karlskrona').first
    assert row.locator('a', has_text='Karlskrona').get_attribute('href') == (
        'kommuner/karlskrona.html')
    row.locator('a', has_text='Rapport').click()
    page.wait_for_load_state('load')
    assert 'Karlskrona' in page.title()
    # The total the report shows is the one the site's own data holds.
    data = json.loads((site / 'data/scores.json').read_text(encoding='utf8'))
    total = {e['slug']: e['total'] for e in data['evaluations']}['karlskrona-2022']
    assert page.locator(f'text={total} / 800').count() >= 1
    charts = page.locator('img.kompass-chart')
    assert charts.count() == 2
    for i in range(charts.count()):
        charts.nth(i).scroll_into_view_if_needed()
        loaded = charts.nth(i).evaluate('img => img.complete && img.naturalWidth > 0')
        assert loaded, f'chart {i} did not load'
        assert 'Karlskrona 2022' in (charts.nth(i).get_attribute('alt') or '')

    # Follow a link from the report: a good example to its municipality.
    page.goto(f'{server}/reports/karlskrona-2022/omrade-1.html')
    page.locator('article a', has_text='Burlövs kommun').click()
    page.wait_for_load_state('load')
    assert page.url.endswith('/kommuner/burlov.html')
    assert 'Burlöv' in page.locator('h1').inner_text()
    back = page.locator('a:has-text("Till meningen")').first
    back.click()
    page.wait_for_load_state('load')
    assert '/reports/karlskrona-2022/omrade-1.html#gott-exempel-' in page.url
    page.close()
    assert problems == []


@pytest.mark.parametrize('width', WIDTHS)
def test_charts_fit_the_screen_and_their_text_stays_legible(browser, server, width) -> None:
    """Each chart fits the column (no sideways scrolling); its smallest text
    (13 pt, drawn at 96 px per inch) is shown at 9 px or more."""
    page, problems = _open(browser, width)
    page.goto(f'{server}/reports/karlskrona-2022/index.html')
    page.wait_for_load_state('load')
    charts = page.locator('img.kompass-chart')
    assert charts.count() >= 2
    for i in range(charts.count()):
        chart = charts.nth(i)
        chart.scroll_into_view_if_needed()
        shown, drawn, box = chart.evaluate(
            'img => [img.clientWidth, img.naturalWidth, img.parentElement.clientWidth]')
        assert 0 < shown <= min(box, width)
        assert 13 * 96 / 72 * shown / drawn >= 9, (shown, drawn)
    page.close()
    assert problems == []
