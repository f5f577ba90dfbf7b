"""Municipality pages, generated on every HTML build (not committed files).

A page for each municipality with an evaluation (report or data row) or a
good-example mention: its evaluations with totals, the trend chart when there
are two or more, and every mention of it with a link back to the sentence.
Pages are made from the environment on each build, so they are never stale;
pages of municipalities no longer mentioned are deleted. A hand-written page
at a generated page's path wins: it is never overwritten, and a warning says so.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from docutils import nodes
from sphinx.util.osutil import relative_uri

from . import logs
from .domain import KompassDomain, get_domain
from .labels import _
from .siteviews import PAGE_BUILDERS, municipality_docname
from .tables import build_table
from .views import chart_figure, chart_of, reference

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders.html import StandaloneHTMLBuilder
    from sphinx.config import Config

    from .chartspec import Chart

_MANIFEST = '.kompass-pages'


def page_title(domain: KompassDomain, name: str) -> str:
    """``Lunds kommun``: the municipality's official name."""
    return domain.inputs.official(name)


def municipality_chart(domain: KompassDomain, config: Config, name: str) -> Chart | None:
    """The trend chart of a municipality's page, when it has two or more
    evaluations with the catalogue of its latest."""
    evaluations = sorted(
        (s for s in domain.summaries.values() if s.municipality == name),
        key=lambda s: (s.sort_date, s.slug),
    )
    if not evaluations:
        return None
    latest = evaluations[-1]
    if sum(1 for s in evaluations if s.criteria == latest.criteria) < 2:
        return None
    return chart_of(domain, config, 'trend', latest.slug, domain.derived.pages[name])


class _Section(NamedTuple):
    """A part of a generated page under a heading of its own."""

    title: str
    anchor: str
    body: nodes.Element


def _page_body(domain: KompassDomain, builder: StandaloneHTMLBuilder, name: str,
               page: str) -> tuple[nodes.Element, list[_Section]]:
    """The page's introduction, and its sections (real headings: the
    evaluations and the good examples the municipality was named for)."""
    intro = nodes.container(classes=['kompass-municipality'])
    register = domain.register
    found = register.find(name) if register else None
    if found is not None:
        intro += nodes.paragraph('', _('%s, kommunkod %s.') % (found.county, found.code))
    evaluations = sorted(
        (s for s in domain.summaries.values() if s.municipality == name),
        key=lambda s: (s.sort_date, s.slug),
    )
    section = nodes.container()
    sections = [_Section(_('Utvärderingar'), 'utvarderingar', section)]
    if evaluations:
        rows: list[list[Any]] = []
        for s in evaluations:
            catalogue = domain.catalogues.get(s.criteria)
            label: Any = (
                [nodes.paragraph('', '', reference(builder, page, s.docname, None, s.label))]
                if s.docname else s.label
            )
            rows.append([
                label, s.date or str(s.year or ''), catalogue.title if catalogue else s.criteria,
                '–' if s.total is None else f'{s.total} / {catalogue.max if catalogue else "?"}',
                _('rapport') if s.docname else s.source,
            ])
        section += build_table(
            [22, 14, 24, 12, 28], rows,
            head=[_('Utvärdering'), _('Datum'), _('Kriterier'), _('Totalt'), _('Källa')],
            classes=['kompass-index'],
        )
        chart = municipality_chart(domain, builder.config, name)
        if chart is not None:
            imgpath = relative_uri(builder.get_target_uri(page), builder.imagedir)
            figure = chart_figure(chart, builder, imgpath)
            # A container, not a figure: figure numbers exist only while
            # documents are written, and a rebuild may write none.
            box = nodes.container(classes=['kompass-figure'])
            for child in figure.children:
                box += (nodes.paragraph('', '', *child.children, classes=['caption'])
                        if isinstance(child, nodes.caption) else child)
            section += box
    else:
        section += nodes.paragraph('', _('Inga utvärderingar i underlaget.'))

    mentions = [e for e in domain.examples if e.mention.municipality == name]
    section = nodes.container()
    sections.append(_Section(_('Nämnd som gott exempel'), 'goda-exempel', section))
    if not mentions:
        section += nodes.paragraph('', _('Inte nämnd som gott exempel i någon rapport.'))
        return intro, sections
    rows = []
    for e in sorted(mentions, key=lambda e: (e.catalogue, e.mention.criterion or '', e.slug)):
        summary = domain.summaries.get(e.slug)
        rows.append([
            f'{e.mention.criterion} {e.criterion_title}',
            [nodes.paragraph('', '', reference(builder, page, e.report_docname, None,
                                               summary.label if summary else e.slug))],
            [nodes.paragraph('', '', reference(builder, page, e.mention.docname,
                                               e.mention.anchor, _('Till meningen')))],
            [nodes.paragraph('', e.mention.sentence)],
        ])
    section += build_table(
        [22, 14, 12, 52], rows,
        head=[_('Delområde'), _('Utvärdering'), _('Länk'), _('Meningen')],
        classes=['kompass-examples'],
    )
    return intro, sections


def _page_html(builder: StandaloneHTMLBuilder, title: str, intro: nodes.Element,
               sections: list[_Section]) -> str:
    """The page's HTML: headings written here (escaped), the rest by Sphinx.

    Headings are not docutils sections: Sphinx numbers sections like figures,
    and numbers exist only while documents are written (a rebuild may write
    none, and these pages are made every time)."""
    def render(node: nodes.Element) -> str:
        return str(builder.render_partial(node)['fragment'])

    parts = [f'<section id="kommun">\n<h1>{escape(title)}</h1>\n{render(intro)}']
    for section in sections:
        parts.append(f'<section id="{section.anchor}">\n<h2>{escape(section.title)}</h2>\n'
                     f'{render(section.body)}</section>')
    parts.append('</section>')
    return '\n'.join(parts)


def _surroundings(app: Sphinx) -> str:
    """What a page shows around its body: the settings, the templates' input
    (tags) and every document's title and place in the navigation."""
    env = app.env
    info = getattr(app.builder, 'build_info', None)
    return hashlib.sha1(repr((
        getattr(info, 'config_hash', ''), getattr(info, 'tags_hash', ''),
        sorted(env.toctree_includes.items()),
        sorted((docname, title.astext()) for docname, title in env.titles.items()),
    )).encode('utf-8')).hexdigest()


def collect_municipality_pages(app: Sphinx) -> Iterator[tuple[str, dict[str, Any], str]]:
    """html-collect-pages: one page per municipality, made from the env.

    A page is handed to Sphinx only when it shows something else than the
    file written before (its text, or what surrounds it), so an unchanged
    site writes none of them again.
    """
    builder: StandaloneHTMLBuilder = app.builder  # type: ignore[assignment]
    if builder.name not in PAGE_BUILDERS:
        return
    domain = get_domain(app.env)
    outdir = Path(builder.outdir)
    before = _read_manifest(outdir)
    surroundings = _surroundings(app)
    made: dict[str, str] = {}
    for name in domain.municipalities_with_pages():
        page = municipality_docname(domain, name)
        if page in app.env.found_docs:
            logs.emit(logs.Problem(
                logs.Kind.PAGE,
                f'this hand-written page is where the page of {name} would be generated; '
                'it is kept and no page is generated (rename it to get the generated one)',
                (page, 1),
            ))
            continue
        intro, sections = _page_body(domain, builder, name, page)
        title = page_title(domain, name)
        body = _page_html(builder, title, intro, sections)
        made[page] = hashlib.sha1(f'{surroundings}\n{title}\n{body}'.encode()).hexdigest()
        if before.get(page) == made[page] and Path(builder.get_outfilename(page)).is_file():
            continue  # written before, exactly so
        # Sphinx's templates take the title as HTML (as render_partial gives it).
        yield page, {'title': escape(title), 'body': body}, 'page.html'
    _remove_stale_pages(outdir, builder, before, made, app.env.found_docs)


def _read_manifest(outdir: Path) -> dict[str, str]:
    """Page -> fingerprint of the municipality pages written before."""
    manifest = outdir / 'kommuner' / _MANIFEST
    try:
        found = json.loads(manifest.read_text(encoding='utf-8'))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def _remove_stale_pages(outdir: Path, builder: StandaloneHTMLBuilder, before: dict[str, str],
                        made: dict[str, str], documents: set[str]) -> None:
    """Delete the pages of municipalities that no longer have one (never the
    output of a document, such as a hand-written page at that path); remember
    what was made."""
    for page in sorted(before.keys() - made.keys() - documents):
        stale = Path(builder.get_outfilename(page))
        if stale.is_file():
            stale.unlink()
    manifest = outdir / 'kommuner' / _MANIFEST
    manifest.parent.mkdir(parents=True, exist_ok=True)
    manifest.write_text(json.dumps(made, sort_keys=True, indent=0) + '\n', encoding='utf-8')


def setup_pages(app: Sphinx) -> None:
    """Generate the municipality pages in HTML builds."""
    app.connect('html-collect-pages', collect_municipality_pages)
