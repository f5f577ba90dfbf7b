"""Views across every evaluation: the evaluation index, the good examples, the
municipalities and the criteria catalogue; and the municipality pages' names.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from docutils import nodes

from .criterionlinks import criterion_link
from .labels import _
from .tables import build_table

if TYPE_CHECKING:
    from sphinx.builders import Builder

    from .comparison import Summary
    from .domain import KompassDomain
    from .views import ViewContext

#: Builders that write the generated municipality pages.
PAGE_BUILDERS = frozenset({'html', 'dirhtml'})


def municipality_docname(domain: KompassDomain, name: str) -> str:
    """``kommuner/karlskrona``: where a municipality's generated page goes
    (its slug in the register, so Habo and Håbo get a page each)."""
    return domain.derived.pages[name]


def page_link(ctx: ViewContext, name: str) -> nodes.Node:
    """A municipality's name, linked to its page where there are pages."""
    return municipality_link(ctx.domain, ctx.builder, ctx.docname, name,
                             nodes.Text(name))


def municipality_link(domain: KompassDomain, builder: Builder, fromdocname: str,
                      name: str, *children: nodes.Node, **attributes: Any) -> nodes.Node:
    """*children* linked to *name*'s page where the builder writes pages."""
    if builder.name not in PAGE_BUILDERS or name not in domain.derived.pages:
        return children[0] if len(children) == 1 else nodes.inline('', '', *children)
    uri = builder.get_relative_uri(fromdocname, municipality_docname(domain, name))
    return nodes.reference('', '', *children, internal=True, refuri=uri, **attributes)


#: A web address in a source: a URL, or a site's name at the start
#: ("vallentuna.se, sidan Kommunkompassen ...").
_ADDRESS = re.compile(
    r'https?://[^\s,;()<>"]+[^\s,;()<>".]|^(?:[a-z0-9-]+\.)+[a-z]{2,}(?=[,;\s]|$)'
)


def source_cell(text: str) -> list[nodes.Node]:
    """A source as text, its web addresses as links (http and https only)."""
    out: list[nodes.Node] = []
    position = 0
    for found in _ADDRESS.finditer(text):
        address = found.group(0)
        uri = address if address.startswith(('http://', 'https://')) else f'https://{address}'
        out.append(nodes.Text(text[position:found.start()]))
        out.append(nodes.reference(address, address, refuri=uri))
        position = found.end()
    out.append(nodes.Text(text[position:]))
    return [nodes.paragraph('', '', *(n for n in out if n.astext()))]


def evaluation_index(ctx: ViewContext) -> list[nodes.Node]:
    """Every evaluation, the latest first: its municipality (linked to its
    page), date, area scores, total, and its report or published source."""
    domain = ctx.domain
    summaries = sorted(
        domain.summaries.values(), key=lambda s: (s.sort_date, s.municipality, s.slug),
        reverse=True,
    )
    by_catalogue: dict[str, list[Summary]] = {}
    for summary in summaries:
        by_catalogue.setdefault(summary.criteria, []).append(summary)
    out: list[nodes.Node] = []
    for cid, group in sorted(by_catalogue.items()):
        catalogue = domain.catalogues.get(cid)
        if catalogue is None:
            continue
        head = [_('Kommun'), _('Datum'), *(a.id for a in catalogue.areas), _('Totalt'),
                _('Rapport eller källa')]
        rows: list[list[Any]] = []
        for s in group:
            source: Any = (
                [nodes.paragraph('', '', ctx.link(s.docname, None, _('Rapport')))]
                if s.docname else source_cell(s.source)
            )
            rows.append([
                page_link(ctx, s.municipality), s.date or str(s.year or ''),
                *(s.areas.get(a.id, '–') for a in catalogue.areas),
                '–' if s.total is None else s.total,
                source,
            ])
        # Wide enough for "100" in every area column on an A4 page.
        area = min(6, 48 // max(len(catalogue.areas), 1))
        widths = [14, 11, *([area] * len(catalogue.areas)), 7,
                  100 - 32 - area * len(catalogue.areas)]
        out.append(build_table(
            widths, rows, head=head, title=catalogue.title,
            classes=['kompass-index', 'kompass-sortable'],
        ))
    return out


def good_examples(ctx: ViewContext) -> list[nodes.Node]:
    """Every mention by area and criterion, then municipality."""
    domain = ctx.domain
    out: list[nodes.Node] = []
    for cid, catalogue in sorted(domain.catalogues.items()):
        for area in catalogue.areas:
            rows: list[list[Any]] = []
            for crit in area.criteria:
                found = sorted(
                    (e for e in domain.examples
                     if e.catalogue == cid and e.mention.criterion == crit.id),
                    key=lambda e: (e.mention.municipality, e.slug, e.mention.line),
                )
                for e in found:
                    summary = domain.summaries.get(e.slug)
                    made_by = summary.label if summary else e.slug
                    rows.append([
                        criterion_link(domain, ctx.builder, ctx.docname, cid, crit.id,
                                       nodes.Text(f'{crit.id} {crit.title}')),
                        page_link(ctx, e.mention.municipality),
                        [nodes.paragraph('', '', ctx.link(
                            e.mention.docname, e.mention.anchor, made_by))],
                        [nodes.paragraph('', e.mention.sentence)],
                    ])
            if rows:
                out.append(build_table(
                    [20, 14, 14, 52], rows,
                    head=[_('Delområde'), _('Kommun'), _('Utvärdering'), _('Meningen')],
                    title=_('Område') + f' {area.id} {area.title}',
                    classes=['kompass-examples'],
                ))
    if not out:
        out.append(nodes.paragraph('', _('Inga goda exempel är markerade ännu.')))
    return out


def municipality_index(ctx: ViewContext) -> list[nodes.Node]:
    """Every municipality with a page: evaluations and good-example counts."""
    domain = ctx.domain
    register = domain.register
    rows: list[list[Any]] = []
    for name in domain.municipalities_with_pages():
        found = register.find(name) if register else None
        evaluations = [s for s in domain.summaries.values() if s.municipality == name]
        mentions = [e for e in domain.examples if e.mention.municipality == name]
        rows.append([
            page_link(ctx, name),
            found.county if found else '',
            found.code if found else '',
            len(evaluations),
            len(mentions),
        ])
    return [build_table(
        [30, 30, 12, 14, 14], rows,
        head=[_('Kommun'), _('Län'), _('Kommunkod'), _('Utvärderingar'), _('Goda exempel')],
        classes=['kompass-municipalities', 'kompass-sortable'],
    )]


def catalogue_tables(ctx: ViewContext) -> list[nodes.Node]:
    """The catalogue(s) as tables, each criterion a link target."""
    wanted = ctx.node.get('catalogue') or ''
    out: list[nodes.Node] = []
    for cid, catalogue in sorted(ctx.domain.catalogues.items()):
        if (wanted and cid != wanted) or not catalogue.usable:
            continue
        rows: list[list[Any]] = []
        for area in catalogue.areas:
            name = f'{area.id}. {area.title}'
            if area.aliases:
                name += ' (' + _('även') + ' ' + ', '.join(area.aliases) + ')'
            rows.append([nodes.strong('', name), nodes.strong('', str(area.max))])
            for crit in area.criteria:
                target = nodes.target('', '', ids=[nodes.make_id(f'kriterium-{cid}-{crit.id}')])
                link = criterion_link(ctx.domain, ctx.builder, ctx.docname, cid, crit.id,
                                      nodes.Text(f'{crit.id} {crit.title}'))
                rows.append([[nodes.paragraph('', '', target, link)], crit.max])
        rows.append([nodes.strong('', _('Totalt')), nodes.strong('', str(catalogue.max))])
        out.append(build_table(
            [85, 15], rows, head=[_('Område och delområde'), _('Max')],
            title=catalogue.title,
            classes=['kompass-catalogue'],
        ))
    return out
