"""Views of one evaluation: the report's header, area boxes, points, overview
and charts, each a function from a :class:`ViewContext` to docutils nodes.

``render.py`` maps each placeholder type to one of these functions (and the
site-wide ones in ``siteviews.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.errors import NoUri
from sphinx.util.nodes import make_refnode

from . import nodes as kn
from .charts import alt_text
from .charts import rows as chart_rows
from .chartspec import Chart, ChartData, build_chart, build_totals_chart
from .comparelinks import compare_link
from .criterionlinks import criterion_link
from .labels import _, points
from .tables import build_table, bullet_list

if TYPE_CHECKING:
    from sphinx.builders import Builder
    from sphinx.config import Config

    from .catalogue import Catalogue, Criterion
    from .domain import KompassDomain
    from .scoring import EvaluationResult

#: Image formats charts are drawn in, by the MIME type builders announce.
IMAGE_FORMATS = {'image/svg+xml': 'svg', 'application/pdf': 'pdf'}


def reference(
    builder: Builder, fromdocname: str, todocname: str, anchor: str | None, text: str
) -> nodes.Node:
    """A link that works in every builder, or plain text where it cannot."""
    try:
        return make_refnode(builder, fromdocname, todocname, anchor, nodes.Text(text))
    except NoUri:  # e.g. a LaTeX document that does not include the target
        return nodes.Text(text)


@dataclass(frozen=True)
class ViewContext:
    """What a view needs: the domain, the builder, the placeholder and where it is."""

    domain: KompassDomain
    builder: Builder
    node: nodes.Element
    #: The document the directive was written in (in LaTeX, the master of the
    #: assembled tree is another one; links and lookups need this one).
    docname: str
    #: The evaluation of the document's folder, if any.
    result: EvaluationResult | None
    #: That evaluation's catalogue, if known and usable.
    catalogue: Catalogue | None
    #: The document being written: the page, or in LaTeX the first document
    #: of the PDF being assembled.
    master: str

    @classmethod
    def of(cls, domain: KompassDomain, builder: Builder, node: nodes.Element,
           master: str) -> ViewContext:
        docname = node.get('docname') or master
        result = domain.result_for(docname)
        catalogue = None
        if result is not None and result.catalogue:
            catalogue = domain.catalogues.get(result.catalogue)
        return cls(domain, builder, node, docname, result, catalogue, master)

    def link(self, todocname: str, anchor: str | None, text: str) -> nodes.Node:
        """A link from this page (see :func:`reference`)."""
        return reference(self.builder, self.docname, todocname, anchor, text)


# --- the evaluation's own views -------------------------------------------------

def header(ctx: ViewContext) -> list[nodes.Node]:
    """The report's header: municipality, date, evaluators, total, previous."""
    result = ctx.result
    if result is None or result.record.docname != ctx.docname:
        return []  # an orphan, or a rejected second evaluation: already warned
    rec = result.record
    own_pdfs = getattr(ctx.builder, 'kompass_documents', ())
    if any(d.result.record.docname == ctx.master == rec.docname for d in own_pdfs):
        return []  # the report's own PDF has these facts on its title page
    rows: list[list[Any]] = []
    if rec.municipality:
        rows.append([_('Kommun'), rec.municipality])
    if rec.date or rec.year:
        rows.append([_('Datum'), rec.date or str(rec.year)])
    if rec.evaluators:
        rows.append([_('Utvärderare'), ', '.join(rec.evaluators)])
    if ctx.catalogue is not None:
        rows.append([_('Kriterier'), ctx.catalogue.title])
        total = points(result.total, ctx.catalogue.max)
        if result.unscored:
            total += ' ' + _('(%d delområden saknar poäng)') % len(result.unscored)
        rows.append([_('Totalpoäng'), nodes.strong('', total)])
    if rec.status == 'draft':
        rows.append([_('Status'), _('Utkast')])
    if rec.previous:
        previous = ctx.domain.summaries.get(rec.previous)
        text = rec.previous
        if previous is not None:
            text = previous.label
            if previous.total is not None:
                text += ' (' + _('totalt %d') % previous.total + ')'
        target = (
            ctx.link(result.previous_docname, None, text)
            if result.previous_docname else nodes.Text(text)
        )
        rows.append([_('Föregående utvärdering'), target])
    out: list[nodes.Node] = [build_table([30, 70], rows, classes=['kompass-header'])]
    summary = ctx.domain.summaries.get(result.slug)
    link = compare_link(ctx.domain, ctx.builder, ctx.docname, summary) if summary else None
    if link is not None:
        out.append(link)
    return out


def score_points(ctx: ViewContext) -> list[nodes.Node]:
    """A criterion's points against its maximum: ``Poäng 1.1: 11 / 20``."""
    if ctx.result is None:
        return []  # an orphan, already warned about
    criterion = ctx.node['criterion']
    found = ctx.catalogue.criterion(criterion) if ctx.catalogue else None
    given = ctx.node.get('points')
    para = nodes.paragraph(classes=['kompass-points'])
    label = nodes.strong('', _('Poäng') + f' {criterion}:')
    if found is None or ctx.catalogue is None:
        para += label
    else:  # the criterion's page: every evaluation's points for it
        para += criterion_link(ctx.domain, ctx.builder, ctx.docname, ctx.catalogue.id,
                               criterion, label,
                               reftitle=_('Alla utvärderingar av delområde %s') % criterion)
    if found is None:
        para += nodes.Text(' ' + ('–' if given is None else str(given)))
    else:
        para += nodes.Text(' ' + points(given, found[1].max))
    return [para]


def area_box(ctx: ViewContext) -> list[nodes.Node]:
    """The area's box: its sub-areas and its computed score."""
    result, catalogue = ctx.result, ctx.catalogue
    if result is None or catalogue is None:
        return []  # an orphan or an unknown catalogue, already warned about
    area = catalogue.area(ctx.node['area'])
    if area is None:
        return []  # unknown area, already warned about
    titles = bullet_list([box_title(crit, result) for crit in area.criteria])
    score = nodes.strong('', str(result.area_totals.get(area.id, 0)))
    return [build_table(
        [80, 20],
        [[titles, score]],
        head=[_('Rubriker'), _('Poäng') + f' (max {area.max})'],
        title=_('Område') + f' {area.id} {area.title}',
        classes=['kompass-area'],
    )]


def box_title(criterion: Criterion, result: EvaluationResult) -> str:
    """The sub-area as the report names it: the heading its score stands under,
    when that heading is the criterion's title or one of its aliases (so the
    box and the heading below say the same); else the catalogue's title."""
    score = result.points.get(criterion.id)
    if score is not None and criterion.is_named(score.heading):
        return score.heading
    return criterion.title


def overview(ctx: ViewContext) -> list[nodes.Node]:
    """Every criterion's points, by area, with maxima and totals."""
    result, catalogue = ctx.result, ctx.catalogue
    if result is None or catalogue is None:
        return []  # an orphan or an unknown catalogue, already warned about
    out: list[nodes.Node] = []
    for area in catalogue.areas:
        rows: list[list[Any]] = []
        for crit in area.criteria:
            score = result.points.get(crit.id)
            label = f'{crit.id} {crit.title}'
            cell = ctx.link(score.docname, score.anchor, label) if score else label
            rows.append([cell, '–' if score is None else score.points, crit.max])
        rows.append([
            nodes.strong('', _('Summa')),
            nodes.strong('', str(result.area_totals.get(area.id, 0))),
            nodes.strong('', str(area.max)),
        ])
        out.append(build_table(
            [70, 15, 15], rows,
            head=[f'{area.id}. {area.title}', _('Uppnått'), _('Max')],
            classes=['kompass-overview'],
        ))
    rows = [
        [f'{a.id}. {a.title}', result.area_totals.get(a.id, 0), a.max]
        for a in catalogue.areas
    ]
    rows.append([
        nodes.strong('', _('Totalt')),
        nodes.strong('', str(result.total)),
        nodes.strong('', str(catalogue.max)),
    ])
    out.append(build_table(
        [70, 15, 15], rows, head=[_('Område'), _('Uppnått'), _('Max')],
        classes=['kompass-overview', 'kompass-total'],
    ))
    return out


# --- charts -----------------------------------------------------------------------

def chart_data(domain: KompassDomain, config: Config) -> ChartData:
    """What charts compare with, from the domain and the configuration."""
    return ChartData(
        domain.summaries, domain.catalogues, domain.published_averages,
        domain.inputs.since, config.language or '', config.kompass_average_min,
        domain.derived.averages, domain.derived.histories,
    )


def chart_of(
    domain: KompassDomain, config: Config, kind: str, slug: str, docname: str
) -> Chart | None:
    """The chart a ``{score-chart}`` in *docname* shows: of the evaluation
    *slug*, or of the document's own evaluation when *slug* is empty (for a
    ``totals`` chart, *slug* is the catalogue, or empty for the most used)."""
    if kind == 'totals':
        return build_totals_chart(chart_data(domain, config), slug)
    result = domain.result_for(docname)
    if not slug and result is None:
        return None  # an orphan, already warned about
    summary = domain.summaries.get(slug or (result.slug if result else ''))
    if summary is None:
        return None  # an unknown :evaluation: (warned), or no usable catalogue
    previous = None
    if result is not None and result.slug == summary.slug:
        # A report's own chart shows its current (maybe partial) scores.
        summary = summary._replace(areas=dict(result.area_totals), total=result.total)
        previous = result.record.previous
    return build_chart(kind, summary, chart_data(domain, config), previous=previous)


def chart_figure(chart: Chart, builder: Builder, imgpath: str = '') -> nodes.figure:
    """The chart as an image where the builder shows images, else its numbers.

    *imgpath* is the image folder relative to the page, for pages Sphinx does
    not write itself (else the builder's, for the page being written)."""
    figure = nodes.figure(classes=['kompass-figure'])
    supported = getattr(builder, 'supported_image_types', [])
    if any(fmt in IMAGE_FORMATS for fmt in supported):
        chart_node = kn.kompass_chart('', spec=chart.spec, alt=alt_text(chart.spec))
        if imgpath:
            chart_node['imgpath'] = imgpath
        figure += chart_node
    else:
        head, body = chart_rows(chart.spec)
        widths = [30] + [70 // max(len(head) - 1, 1)] * (len(head) - 1)
        figure += build_table(widths, body, head=head, classes=['kompass-chart-data'])
    figure += nodes.caption('', chart.caption)
    return figure


def score_chart(ctx: ViewContext) -> list[nodes.Node]:
    """A ``{score-chart}``."""
    kind = ctx.node['kind']
    which = ctx.node.get('criteria' if kind == 'totals' else 'evaluation') or ''
    chart = chart_of(ctx.domain, ctx.builder.config, kind, which, ctx.docname)
    return [] if chart is None else [chart_figure(chart, ctx.builder)]
