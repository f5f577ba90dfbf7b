"""Fill the placeholders with computed views, for whichever builder writes.

Runs on ``doctree-resolved``, i.e. when a document is written (or assembled
into a LaTeX document), after every document has been read and
``env-updated`` has computed the results; so the views are current whether or
not this document was re-read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.errors import NoUri
from sphinx.util.nodes import make_refnode

from . import nodes as kn
from .domain import KompassDomain, get_domain
from .labels import _, points
from .tables import build_table, bullet_list

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder

    from .catalogue import Catalogue
    from .scoring import EvaluationResult


def render_placeholders(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """doctree-resolved: replace each placeholder with standard docutils nodes."""
    domain = get_domain(app.env)
    for node in list(doctree.findall(kn.kompass_placeholder)):
        view = _View(domain, app.builder, node, docname)
        rendered = view.render()
        if node['ids']:
            # Anchors (a score's) become a target, which every builder labels.
            rendered.insert(0, nodes.target('', '', ids=node['ids']))
            node['ids'] = []
        for new in rendered:
            new.source, new.line = node.source, node.line
            if isinstance(new, nodes.table) and any(
                isinstance(c, nodes.title) for c in new.children
            ):
                # Titled tables are numbered figures in HTML: they need an id.
                doctree.set_id(new)
        node.replace_self(rendered)


class _View:
    """Renders one placeholder against the domain's results."""

    def __init__(
        self, domain: KompassDomain, builder: Builder, node: nodes.Element, docname: str
    ) -> None:
        self.domain = domain
        self.builder = builder
        self.node = node
        # In LaTeX, *docname* is the master of the assembled tree; links and
        # lookups need the document the directive was written in.
        self.docname: str = node.get('docname') or docname
        self.result = domain.result_for(self.docname)
        self.catalogue: Catalogue | None = None
        if self.result is not None and self.result.catalogue:
            self.catalogue = domain.catalogues.get(self.result.catalogue)

    def render(self) -> list[nodes.Node]:
        if isinstance(self.node, kn.catalogue_tables):
            return self.catalogue_tables()
        if self.result is None:
            return []  # an orphan, already warned about
        if isinstance(self.node, kn.evaluation_header):
            # A rejected second evaluation (already warned about) shows nothing.
            own = self.result.record.docname == self.docname
            return self.header(self.result) if own else []
        if isinstance(self.node, kn.score_points):
            return self.score_points()
        if self.catalogue is None:
            return []  # unknown catalogue, already warned about
        if isinstance(self.node, kn.area_box):
            return self.area_box(self.result, self.catalogue)
        if isinstance(self.node, kn.score_overview):
            return self.overview(self.result, self.catalogue)
        return []

    # --- links -------------------------------------------------------------
    def link(self, todocname: str, anchor: str | None, text: str) -> nodes.Node:
        """A link that works in every builder, or plain text where it cannot."""
        try:
            return make_refnode(
                self.builder, self.docname, todocname, anchor, nodes.Text(text)
            )
        except NoUri:  # e.g. a LaTeX document that does not include the target
            return nodes.Text(text)

    # --- views ---------------------------------------------------------------
    def header(self, result: EvaluationResult) -> list[nodes.Node]:
        rec = result.record
        rows: list[list[Any]] = []
        if rec.municipality:
            rows.append([_('Kommun'), rec.municipality])
        if rec.date or rec.year:
            rows.append([_('Datum'), rec.date or str(rec.year)])
        if rec.evaluators:
            rows.append([_('Utvärderare'), ', '.join(rec.evaluators)])
        if self.catalogue is not None:
            rows.append([_('Kriterier'), self.catalogue.title])
            total = points(result.total, self.catalogue.max)
            if result.unscored:
                total += ' ' + _('(%d delområden saknar poäng)') % len(result.unscored)
            rows.append([_('Totalpoäng'), nodes.strong('', total)])
        if rec.status == 'draft':
            rows.append([_('Status'), _('Utkast')])
        if rec.previous:
            target = (
                self.link(result.previous_docname, None, rec.previous)
                if result.previous_docname
                else nodes.Text(rec.previous)
            )
            rows.append([_('Föregående utvärdering'), target])
        return [build_table([30, 70], rows, classes=['kompass-header'])]

    def score_points(self) -> list[nodes.Node]:
        criterion = self.node['criterion']
        found = self.catalogue.criterion(criterion) if self.catalogue else None
        given = self.node.get('points')
        para = nodes.paragraph(classes=['kompass-points'])
        para += nodes.strong('', _('Poäng') + f' {criterion}:')
        if found is None:
            para += nodes.Text(' ' + ('–' if given is None else str(given)))
        else:
            para += nodes.Text(' ' + points(given, found[1].max))
        return [para]

    def area_box(self, result: EvaluationResult, catalogue: Catalogue) -> list[nodes.Node]:
        area = catalogue.area(self.node['area'])
        if area is None:
            return []  # unknown area, already warned about
        titles = bullet_list([c.title for c in area.criteria])
        score = nodes.strong('', str(result.area_totals.get(area.id, 0)))
        return [build_table(
            [80, 20],
            [[titles, score]],
            head=[_('Rubriker'), _('Poäng') + f' (max {area.max})'],
            title=_('Område') + f' {area.id} {area.title}',
            classes=['kompass-area'],
        )]

    def overview(self, result: EvaluationResult, catalogue: Catalogue) -> list[nodes.Node]:
        out: list[nodes.Node] = []
        for area in catalogue.areas:
            rows: list[list[Any]] = []
            for crit in area.criteria:
                score = result.points.get(crit.id)
                label = f'{crit.id} {crit.title}'
                cell = (
                    self.link(score.docname, score.anchor, label) if score else label
                )
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

    def catalogue_tables(self) -> list[nodes.Node]:
        wanted = self.node.get('catalogue') or ''
        out: list[nodes.Node] = []
        for cid, catalogue in sorted(self.domain.catalogues.items()):
            if (wanted and cid != wanted) or not catalogue.usable:
                continue
            rows: list[list[Any]] = []
            for area in catalogue.areas:
                name = f'{area.id}. {area.title}'
                if area.aliases:
                    name += ' (' + _('även') + ' ' + ', '.join(area.aliases) + ')'
                rows.append([nodes.strong('', name), nodes.strong('', str(area.max))])
                for crit in area.criteria:
                    target = nodes.target(
                        '', '', ids=[nodes.make_id(f'kriterium-{cid}-{crit.id}')]
                    )
                    rows.append([[nodes.paragraph(
                        '', '', target, nodes.Text(f'{crit.id} {crit.title}')
                    )], crit.max])
            rows.append([nodes.strong('', _('Totalt')), nodes.strong('', str(catalogue.max))])
            out.append(build_table(
                [85, 15], rows, head=[_('Område och delområde'), _('Max')],
                title=f'{catalogue.title} ({cid})',
                classes=['kompass-catalogue'],
            ))
        return out


def setup_render(app: Sphinx) -> None:
    """Fill placeholders whenever a document is resolved for writing."""
    app.connect('doctree-resolved', render_placeholders)
