"""Municipality pages, generated on every HTML build (not committed files).

A page for each municipality with an evaluation (report or data row) or a
good-example mention: its evaluations with totals, the trend chart when there
are two or more, and every mention of it with a link back to the sentence.
Pages are made from the environment on each build, so they are never stale;
pages of municipalities no longer mentioned are deleted. A hand-written page
at a generated page's path wins: it is never overwritten, and a warning says so.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.util.osutil import relative_uri

from . import charts
from .comparelinks import compare_link, shown_link
from .domain import KompassDomain, get_domain
from .generated import GeneratedPages, Page, Section
from .labels import _
from .siteviews import PAGE_BUILDERS, municipality_docname
from .tables import build_table
from .views import chart_figure, chart_of, reference

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders.html import StandaloneHTMLBuilder
    from sphinx.config import Config

    from .chartspec import Chart


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


def _page_body(domain: KompassDomain, builder: StandaloneHTMLBuilder, name: str,
               page: str) -> tuple[nodes.Element, list[Section]]:
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
    sections = [Section(_('Utvärderingar'), 'utvarderingar', section)]
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
        link = compare_link(domain, builder, page, evaluations[-1])
        if link is not None:
            section += link
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

    mentions = domain.examples_about(name)
    section = nodes.container()
    sections.append(Section(_('Nämnd som gott exempel'), 'goda-exempel', section))
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


def _shows(domain: KompassDomain, config: Config, name: str, builder_folder: Path) -> object:
    """Everything a municipality's page shows (see ``GeneratedPages.add``)."""
    register = domain.register
    evaluations = domain.derived.histories.get(name, [])
    chart = municipality_chart(domain, config, name)
    return (
        register.find(name) if register else None,
        [(s, domain.catalogues[s.criteria].title if s.criteria in domain.catalogues else None)
         for s in evaluations],
        domain.examples_about(name),
        chart.spec if chart else None,
        # A chart that could not be drawn makes its page again (and warns again).
        chart is not None and Path(builder_folder, charts.file_name(chart.spec, 'svg')).is_file(),
        shown_link(domain, evaluations[-1]) if evaluations else None,
    )


def collect_municipality_pages(app: Sphinx) -> Iterator[Page]:
    """html-collect-pages: one page per municipality, made from the env."""
    builder: StandaloneHTMLBuilder = app.builder  # type: ignore[assignment]
    if builder.name not in PAGE_BUILDERS:
        return
    domain = get_domain(app.env)
    pages = GeneratedPages(app, 'kommuner')
    for name in domain.municipalities_with_pages():
        page = municipality_docname(domain, name)
        if pages.taken(page, f'the page of {name}'):
            continue
        pages.add(
            page, page_title(domain, name),
            partial(_shows, domain, builder.config, name, Path(builder.outdir, builder.imagedir)),
            partial(_page_body, domain, builder, name, page),
        )
    yield from pages.write()


def setup_pages(app: Sphinx) -> None:
    """Generate the municipality pages in HTML builds."""
    app.connect('html-collect-pages', collect_municipality_pages)
