"""The built site in a real browser (Debian's Chromium, driven by Playwright),
and every internal link of it checked.

Chromium comes from ``make browser-deps`` (CI runs it); without it the browser
test is skipped locally and fails in CI.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import pytest

from conftest import PROJECT, warnings_of

CHROMIUM = shutil.which('chromium') or shutil.which('chromium-browser')


@pytest.fixture(scope='module')
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from sphinx.testing.util import SphinxTestApp

    build = tmp_path_factory.mktemp('site')
    app = SphinxTestApp('html', srcdir=PROJECT, builddir=build, freshenv=True)
    try:
        app.build(force_all=True)
        assert warnings_of(app) == []
        return Path(app.outdir)
    finally:
        app.cleanup()


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

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


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding='utf8'))
    return parser


def test_no_internal_link_is_broken(site: Path) -> None:
    pages = sorted(site.rglob('*.html'))
    parsed = {page: _parse(page) for page in pages}
    broken = []
    checked = 0
    for page, links in parsed.items():
        for link in links.links:
            url = urlparse(link)
            if url.scheme or url.netloc or link.startswith(('mailto:', 'javascript:')):
                continue
            target, fragment = urldefrag(link)
            target = urlparse(target).path  # without ?v=... cache busters
            path = (page.parent / unquote(target)).resolve() if target else page
            checked += 1
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


@pytest.fixture(scope='module')
def server(site: Path) -> Iterator[str]:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f'http://127.0.0.1:{httpd.server_address[1]}'
    finally:
        httpd.shutdown()


@pytest.mark.skipif(CHROMIUM is None and os.environ.get('CI') != 'true',
                    reason='Chromium is not installed (run: make browser-deps)')
def test_site_in_a_real_browser(server: str) -> None:
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                  '--disable-background-networking', '--disable-component-update',
                  '--disable-sync'],
        )
        page = browser.new_page()
        page.on('console', lambda m: problems.append(f'{m.type}: {m.text}')
                if m.type == 'error' else None)
        page.on('pageerror', lambda e: problems.append(f'page error: {e}'))
        page.on('requestfailed', lambda r: problems.append(f'failed: {r.url}'))
        page.on('response', lambda r: problems.append(f'{r.status}: {r.url}')
                if r.status >= 400 else None)

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
        assert numbers == sorted(numbers, reverse=True) and numbers[0] == 679
        page.click('text=Karlskrona')
        page.wait_for_load_state('load')
        assert 'Karlskrona' in page.title()
        assert page.locator('text=497 / 800').count() >= 1
        charts = page.locator('img.kompass-chart')
        assert charts.count() == 2
        for i in range(charts.count()):
            charts.nth(i).scroll_into_view_if_needed()
            loaded = charts.nth(i).evaluate('img => img.complete && img.naturalWidth > 0')
            assert loaded, f'chart {i} did not load'
            assert 'Karlskrona 2022' in (charts.nth(i).get_attribute('alt') or '')

        # Follow a link from the report: a good example to its municipality.
        page.goto(f'{server}/reports/karlskrona-2022/omrade-1.html')
        page.click('a:has-text("Burlövs kommun")')
        page.wait_for_load_state('load')
        assert page.url.endswith('/kommuner/burlov.html')
        assert page.locator('h1').inner_text() == 'Burlövs kommun'
        back = page.locator('a:has-text("Till meningen")').first
        back.click()
        page.wait_for_load_state('load')
        assert '/reports/karlskrona-2022/omrade-1.html#gott-exempel-' in page.url
        browser.close()
    assert problems == []
