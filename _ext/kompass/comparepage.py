"""``{compare-evaluations}``: compare two or more evaluations in the browser.

The page carries every evaluation's scores as JSON inside the page itself, so
``kompass-compare.js`` runs offline and from ``file://`` (nothing is fetched).
Without JavaScript (and in PDF, text and the other builders) the page shows
the same data as a table of every evaluation's area scores and total, and
says where the rest is.

Every report's header and every municipality page links here, pre-filled
(``comparelinks.py``); the directive notes a ``compare`` scope beside the
site scope, so the links find this page.
"""

from __future__ import annotations

import json
from html import escape
from typing import TYPE_CHECKING, Any

from docutils import nodes

from . import nodes as kn
from .comparelinks import COMPARE_SCOPE, relative
from .criterionlinks import criterion_docname
from .directives import _KompassDirective
from .domain import get_domain
from .labels import _
from .rewrites import SITE_SCOPE
from .siteviews import PAGE_BUILDERS
from .tables import build_table

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder

    from .comparison import Summary
    from .domain import KompassDomain
    from .views import ViewContext


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
        'withheld': _('Ett genomsnitt av färre än %s utvärderingar visas inte (–).'),
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
                 small_sample: int, average_min: int) -> dict[str, Any]:
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
        'averageMin': average_min,
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
                        small_sample(ctx.builder.config), ctx.builder.config.kompass_average_min)
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


def setup_compare(app: Sphinx) -> None:
    """Register ``{compare-evaluations}``, its script and the links to it."""
    app.add_directive('compare-evaluations', CompareDirective)
    app.add_js_file('kompass-compare.js')
    app.add_css_file('kompass-compare.css')

