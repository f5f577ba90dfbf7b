"""``{compare-evaluations}``: compare two or more evaluations in the browser.

The page carries every evaluation's scores as JSON inside the page itself, so
``kompass-compare.js`` runs offline and from ``file://`` (nothing is fetched).
Without JavaScript (and in PDF, text and the other builders) the page shows
the same data as a table of every evaluation's area scores and total, and
says where the rest is.

Every report (below its header) and every municipality page links to the
comparison pre-filled with that evaluation and its previous one. Which page
holds the comparison is known from the domain (the directive notes a
``compare`` scope beside the site scope); which links a report shows is
derived after reading into this module's own small domain, so a report is
rewritten when its link changes (a compare page added or removed, a previous
evaluation that appears).
"""

from __future__ import annotations

import json
from html import escape
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import quote

from docutils import nodes
from sphinx.domains import Domain

from . import nodes as kn
from .comparison import Summary, history
from .criterionlinks import criterion_docname
from .directives import _KompassDirective
from .domain import SITE_SCOPE, KompassDomain, get_domain
from .labels import _
from .siteviews import PAGE_BUILDERS
from .tables import build_table

if TYPE_CHECKING:
    from collections.abc import Set

    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment

    from .views import ViewContext

#: The aggregate scope a comparison page notes, so links can find it.
COMPARE_SCOPE = 'compare'
#: The query key of the pre-filled evaluations: ``jamfor.html?jamfor=a,b`` (a
#: query, not a fragment: a fragment names an anchor of the page).
QUERY_KEY = 'jamfor'


def compare_page(domain: KompassDomain) -> str | None:
    """The document holding ``{compare-evaluations}`` (the first, by name)."""
    pages = sorted(d for d, scopes in domain.aggregates().items() if COMPARE_SCOPE in scopes)
    return pages[0] if pages else None


def previous_of(domain: KompassDomain, summary: Summary) -> Summary | None:
    """The evaluation before *summary*: its report's ``:previous:`` when that is
    known and of the same criteria, else the municipality's evaluation before
    it with the same criteria."""
    result = next((r for r in domain.results.values() if r.slug == summary.slug), None)
    named = domain.summaries.get(result.record.previous or '') if result else None
    if named is not None and named.slug != summary.slug and named.criteria == summary.criteria:
        return named
    earlier = [
        s for s in history(summary.municipality, domain.summaries.values())
        if s.criteria == summary.criteria and (s.sort_date, s.slug) < (summary.sort_date,
                                                                     summary.slug)
    ]
    return earlier[-1] if earlier else None


def prefill(domain: KompassDomain, summary: Summary) -> tuple[str, ...]:
    """The slugs a link to the comparison selects: the evaluation, its previous."""
    before = previous_of(domain, summary)
    return (summary.slug,) if before is None else (summary.slug, before.slug)


def relative(uri: str) -> str:
    """*uri* (relative, from the builder) as a path that no browser reads as
    a scheme: a document named ``javascript:x`` gives ``./javascript:x.html``."""
    return uri if uri.startswith(('./', '../', '#')) else './' + uri


def query(slugs: tuple[str, ...]) -> str:
    """``?jamfor=a,b`` (slugs are ASCII already; quoted all the same)."""
    return f'?{QUERY_KEY}=' + ','.join(quote(s, safe='') for s in slugs)


def compare_uri(domain: KompassDomain, builder: Builder, fromdocname: str,
                summary: Summary) -> str | None:
    """The pre-filled link from *fromdocname*, where the builder writes pages."""
    page = compare_page(domain)
    if page is None or builder.name not in PAGE_BUILDERS:
        return None
    return relative(builder.get_relative_uri(fromdocname, page)) + query(
        prefill(domain, summary))


def _link_text(domain: KompassDomain, summary: Summary) -> str:
    before = previous_of(domain, summary)
    if before is None:
        return _('Jämför %s med andra utvärderingar') % summary.label
    return _('Jämför %s med %s') % (summary.label, before.label)


# --- the report's link --------------------------------------------------------------

def insert_compare_links(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """doctree-resolved (before the views are rendered): a link placeholder
    after each report header."""
    for header in list(doctree.findall(kn.evaluation_header)):
        link = kn.compare_link('')
        link['docname'] = header.get('docname') or docname
        link.source, link.line = header.source, header.line
        parent = header.parent
        parent.insert(parent.index(header) + 1, link)


def compare_link_view(ctx: ViewContext) -> list[nodes.Node]:
    """The report's link to the comparison, pre-filled with it and its previous."""
    result = ctx.result
    if result is None or result.record.docname != ctx.docname:
        return []  # not the report's own header (a rejected second evaluation)
    summary = ctx.domain.summaries.get(result.slug)
    if summary is None:
        return []
    uri = compare_uri(ctx.domain, ctx.builder, ctx.docname, summary)
    if uri is None:
        return []
    text = _link_text(ctx.domain, summary)
    return [nodes.paragraph('', '', nodes.reference('', text, internal=True, refuri=uri),
                            classes=['kompass-compare-link'])]


def link_municipality_page(app: Sphinx, pagename: str, templatename: str,
                           context: dict[str, Any], doctree: nodes.document | None) -> None:
    """html-page-context: a generated municipality page links to the comparison
    of the municipality's latest evaluation and its previous one."""
    if doctree is not None or 'body' not in context:
        return
    domain = get_domain(app.env)
    names = {page: name for name, page in domain.derived.pages.items()}
    name = names.get(pagename)
    if name is None:
        return
    latest = history(name, domain.summaries.values())
    if not latest:
        return
    uri = compare_uri(domain, app.builder, pagename, latest[-1])
    if uri is None:
        return
    context['body'] += (
        f'\n<p class="kompass-compare-link"><a class="reference internal" '
        f'href="{escape(uri)}">{escape(_link_text(domain, latest[-1]))}</a></p>\n'
    )


# --- the comparison itself ----------------------------------------------------------

def _labels() -> dict[str, str]:
    """Every text the script shows, translated here (the script has none)."""
    return {
        'criteria': _('Kriterier'),
        'evaluations': _('Utvärderingar att jämföra'),
        'filter': _('Sök kommun eller år'),
        'report': _('rapport'),
        'data': _('publicerade poäng'),
        'draft': _('utkast'),
        'average': _('Nationellt genomsnitt'),
        'showAverage': _('Visa genomsnittet vid ett datum'),
        'averageDate': _('Datum'),
        'averageLabel': _('Genomsnitt t.o.m. %s'),
        'reference': _('Skillnader räknas mot'),
        'choose': _('Välj minst två utvärderingar, eller en och genomsnittet, '
                    'för att se skillnader.'),
        'showing': _('Visar %s.'),
        'averageCount': _('Genomsnittet bygger på %s utvärderingar med områdespoäng '
                          'och %s med totalpoäng.'),
        'small': _('Litet underlag: färre än %s utvärderingar.'),
        'areas': _('Poäng per område'),
        'criteriaTable': _('Poäng per delområde'),
        'area': _('Område'),
        'criterion': _('Delområde'),
        'max': _('Max'),
        'total': _('Totalt'),
        'difference': _('Skillnad %s − %s'),
        'chart': _('Diagram: poäng per område för %s. Siffrorna står i tabellen.'),
        'noCriteria': _('Ingen av de valda har poäng per delområde.'),
    }


def _summary_data(domain: KompassDomain, builder: Builder, docname: str,
                  s: Summary) -> dict[str, Any]:
    url = None
    if s.docname and builder.name in PAGE_BUILDERS:
        url = relative(builder.get_relative_uri(docname, s.docname))
    return {
        'slug': s.slug, 'label': s.label, 'sortDate': s.sort_date, 'criteria': s.criteria,
        'final': s.final, 'kind': 'report' if s.docname else 'data', 'url': url,
        'areas': s.areas, 'points': s.points, 'total': s.total,
    }


def compare_data(domain: KompassDomain, builder: Builder, docname: str,
                 small_sample: int) -> dict[str, Any]:
    """What the script compares: every evaluation, the catalogues, the labels."""
    catalogues = []
    for cid, catalogue in sorted(domain.catalogues.items()):
        if not catalogue.usable:
            continue
        areas = []
        for area in catalogue.areas:
            criteria = []
            for crit in area.criteria:
                page = criterion_docname(domain, cid, crit.id)
                criteria.append({
                    'id': crit.id, 'title': crit.title, 'max': crit.max,
                    'url': relative(builder.get_relative_uri(docname, page))
                    if page and builder.name in PAGE_BUILDERS else None,
                })
            areas.append({'id': area.id, 'label': area.label, 'title': area.title,
                          'max': area.max, 'criteria': criteria})
        catalogues.append({'id': cid, 'title': catalogue.title, 'max': catalogue.max,
                           'areas': areas})
    evaluations = sorted(domain.summaries.values(),
                         key=lambda s: (s.municipality, s.sort_date, s.slug))
    return {
        'since': domain.inputs.since,
        'smallSample': small_sample,
        'catalogues': catalogues,
        'evaluations': [_summary_data(domain, builder, docname, s) for s in evaluations
                        if s.criteria in domain.catalogues],
        'labels': _labels(),
    }


def script_json(data: dict[str, Any]) -> str:
    """JSON safe inside ``<script>``: no ``<``, ``>`` or ``&`` outside escapes,
    so no name in the data can end the element."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(',', ':'))
    return text.replace('<', '\\u003c').replace('>', '\\u003e').replace('&', '\\u0026')


def _fallback(ctx: ViewContext) -> list[nodes.Node]:
    """Every evaluation's area scores and total, per catalogue."""
    out: list[nodes.Node] = []
    for cid, catalogue in sorted(ctx.domain.catalogues.items()):
        group = sorted((s for s in ctx.domain.summaries.values() if s.criteria == cid),
                       key=lambda s: (s.municipality, s.sort_date, s.slug))
        if not group or not catalogue.usable:
            continue
        rows: list[list[Any]] = [
            [ctx.link(s.docname, None, s.label) if s.docname else s.label,
             *(s.areas.get(a.id, '–') for a in catalogue.areas),
             '–' if s.total is None else s.total]
            for s in group
        ]
        rows.append([_('Max'), *(a.max for a in catalogue.areas), catalogue.max])
        out.append(build_table(
            [20, *([70 // max(len(catalogue.areas), 1)] * len(catalogue.areas)), 10], rows,
            head=[_('Utvärdering'), *(a.id for a in catalogue.areas), _('Totalt')],
            title=_('Alla utvärderingar med %s: poäng per område och totalt')
            % catalogue.title,
            classes=['kompass-compare-table', 'kompass-compare-fallback',
                     'kompass-sortable'],
        ))
    return out


def compare_view(ctx: ViewContext) -> list[nodes.Node]:
    """The comparison in HTML; its data as tables everywhere."""
    from .calibrationview import small_sample

    fallback = _fallback(ctx)
    if ctx.builder.format != 'html':
        return [nodes.paragraph('', _(
            'Jämförelsen av utvärderingar körs i webbläsaren, på webbplatsens version av '
            'den här sidan. Här står alla utvärderingars poäng per område och totalt; '
            'poängen per delområde står i varje rapports översikt.')), *fallback]
    data = compare_data(ctx.domain, ctx.builder, ctx.docname,
                        small_sample(ctx.builder.config))
    noscript = escape(_(
        'Jämförelsen körs i webbläsaren och behöver JavaScript. Utan det finns alla '
        'utvärderingars poäng per område och totalt i tabellen nedan, poängen per '
        'delområde i varje rapports översikt och på delområdenas sidor, och samma data '
        'som JSON i den här sidans källkod (och i make scores).'))
    html = (
        '<div class="kompass-compare">\n'
        f'<noscript><p class="kompass-compare-noscript">{noscript}</p></noscript>\n'
        '<div class="kompass-compare-app" hidden></div>\n'
        f'<script type="application/json" class="kompass-compare-data">{script_json(data)}'
        '</script>\n</div>\n'
    )
    # The tables stay top-level nodes: render.py gives titled tables their ids.
    return [nodes.raw('', html, format='html'), *fallback]


class CompareDirective(_KompassDirective):
    """``{compare-evaluations}``: the comparison page's tool."""

    def declare(self) -> list[nodes.Node]:
        domain = get_domain(self.env)
        domain.note_aggregate(self.env.docname, SITE_SCOPE, self.lineno)
        domain.note_aggregate(self.env.docname, COMPARE_SCOPE, self.lineno)
        return [self.placeholder(kn.compare_app)]


# --- keeping the reports' links current ---------------------------------------------

class CompareLinksDomain(Domain):
    """What each report's link to the comparison shows, derived after reading
    (``env-updated``) so a changed link rewrites its report."""

    name = 'kompass-compare'
    label = 'Kommunkompassen comparison links'
    data_version = 1
    initial_data = {'links': {}}

    def clear_doc(self, docname: str) -> None:
        pass  # nothing is stored per document

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        pass  # derived after reading, in the main process only


def report_links(domain: KompassDomain) -> dict[str, tuple[str | None, tuple[str, ...]]]:
    """Report index docname -> (the comparison page, the pre-filled slugs)."""
    page = compare_page(domain)
    links = {}
    for result in domain.results.values():
        summary = domain.summaries.get(result.slug)
        if summary is not None:
            links[result.record.docname] = (page, prefill(domain, summary))
    return links


def rewrite_changed_links(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """env-updated (after the totals): the reports whose link changed."""
    links = report_links(get_domain(env))
    store = cast('CompareLinksDomain', env.get_domain(CompareLinksDomain.name))
    before: dict[str, Any] = store.data['links']
    store.data['links'] = links
    return sorted(d for d in links.keys() | before.keys()
                  if links.get(d) != before.get(d) and d in env.all_docs)


def setup_compare(app: Sphinx) -> None:
    """Register ``{compare-evaluations}``, its script and the links to it."""
    app.add_directive('compare-evaluations', CompareDirective)
    app.add_domain(CompareLinksDomain)
    app.add_js_file('kompass-compare.js')
    app.add_css_file('kompass-compare.css')
    # Before render.py fills the placeholders (priority 500).
    app.connect('doctree-resolved', insert_compare_links, priority=400)
    app.connect('html-page-context', link_municipality_page)
    app.connect('env-updated', rewrite_changed_links)

