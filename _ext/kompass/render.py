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
from .charts import alt_text
from .charts import rows as chart_rows
from .comparison import Average, Summary, history, national_average
from .domain import KompassDomain, get_domain
from .examples import good_example
from .labels import _, points
from .records import make_slug
from .tables import build_table, bullet_list

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder

    from .catalogue import Catalogue
    from .scoring import EvaluationResult


def reference(
    builder: Builder, fromdocname: str, todocname: str, anchor: str | None, text: str
) -> nodes.Node:
    """A link that works in every builder, or plain text where it cannot."""
    try:
        return make_refnode(builder, fromdocname, todocname, anchor, nodes.Text(text))
    except NoUri:  # e.g. a LaTeX document that does not include the target
        return nodes.Text(text)


#: Builders that write the generated municipality pages.
PAGE_BUILDERS = frozenset({'html', 'dirhtml'})


def municipality_docname(name: str) -> str:
    """``kommuner/karlskrona``: where a municipality's generated page goes."""
    return f'kommuner/{make_slug(name, None)}'


def link_good_examples(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """doctree-resolved: a good example's text links to its municipality's page
    where the builder writes those pages; elsewhere it stays plain text."""
    if app.builder.name not in PAGE_BUILDERS:
        return
    domain = get_domain(app.env)
    with_pages = set(domain.municipalities_with_pages())
    for node in list(doctree.findall(good_example)):
        if node['municipality'] not in with_pages:
            continue
        uri = app.builder.get_relative_uri(
            node.get('docname') or docname, municipality_docname(node['municipality'])
        )
        link = nodes.reference('', '', *node.children, internal=True, refuri=uri,
                               reftitle=_('Goda exempel från %s') % node['municipality'])
        node.children = []
        node += link


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
            if isinstance(new, nodes.figure) or (
                isinstance(new, nodes.table)
                and any(isinstance(c, nodes.title) for c in new.children)
            ):
                # Figures and titled tables are numbered in HTML: they need an id.
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
        if isinstance(self.node, kn.evaluation_index):
            return self.evaluation_index()
        if isinstance(self.node, kn.score_chart):
            return self.chart()
        if isinstance(self.node, kn.good_examples_index):
            return self.good_examples()
        if isinstance(self.node, kn.municipality_index):
            return self.municipality_index()
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
        """A link from this page (see :func:`reference`)."""
        return reference(self.builder, self.docname, todocname, anchor, text)

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
            previous = self.domain.summaries.get(rec.previous)
            text = rec.previous
            if previous is not None:
                text = previous.label
                if previous.total is not None:
                    text += ' (' + _('totalt %d') % previous.total + ')'
            target = (
                self.link(result.previous_docname, None, text)
                if result.previous_docname
                else nodes.Text(text)
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

    # --- comparisons ---------------------------------------------------------
    def _summary(self) -> Summary | None:
        slug = self.node.get('evaluation') or ''
        if slug:
            return self.domain.summaries.get(slug)
        if self.result is None:
            return None
        return self.domain.summaries.get(self.result.slug)

    def _own_values(self, summary: Summary) -> Summary:
        """A report's own chart shows its current (maybe partial) scores."""
        if self.result is not None and self.result.slug == summary.slug:
            return summary._replace(
                areas=dict(self.result.area_totals), total=self.result.total
            )
        return summary

    def chart(self) -> list[nodes.Node]:
        summary = self._summary()
        if summary is None:
            return []  # warned about (orphan) or an unknown :evaluation:
        catalogue = self.domain.catalogues.get(summary.criteria)
        if catalogue is None:
            return []
        kind = self.node['kind']
        spec: dict[str, Any] = {
            'kind': kind,
            'language': self.builder.config.language,
            'areas': [a.label for a in catalogue.areas],
            'area_max': max((a.max for a in catalogue.areas), default=100),
            'total_max': catalogue.max,
        }
        notes: list[str] = []
        if kind == 'areas':
            own = self._own_values(summary)
            spec['title'] = _('%s: totalpoäng %s av %d') % (
                own.label, own.total if own.total is not None else '–', catalogue.max)
            spec['series'] = [_series(own, catalogue, own.label)]
            caption = _('Poäng per område för %s (högst %d per område).') % (
                own.label, spec['area_max'])
        elif kind == 'profile':
            spec, caption = self._profile_spec(summary, catalogue, spec, notes)
        else:
            spec, caption = self._trend_spec(summary, catalogue, spec, notes)
        caption = ' '.join([caption, *notes])
        return self._figure(spec, caption)

    def _profile_spec(
        self, summary: Summary, catalogue: Catalogue, spec: dict[str, Any],
        notes: list[str],
    ) -> tuple[dict[str, Any], str]:
        own = self._own_values(summary)
        series = [_series(own, catalogue, own.label)]
        previous_slug = None
        if self.result is not None and self.result.slug == summary.slug:
            previous_slug = self.result.record.previous
        previous = self.domain.summaries.get(previous_slug or '')
        if previous is None:
            notes.append(_('Ingen tidigare utvärdering finns i underlaget.'))
        elif previous.criteria != summary.criteria:
            notes.append(_('Den tidigare utvärderingen (%s) gjordes med andra kriterier '
                           'och visas inte.') % previous.label)
        else:
            series.append(_series(previous, catalogue, previous.label))
            if not previous.areas:
                notes.append(_('För %s finns bara totalpoängen (%s).') % (
                    previous.label, previous.total))
        since = self.builder.config.kompass_average_since
        average = national_average(summary, self.domain.summaries.values(), since)
        n_areas = max(average.area_counts.values(), default=0)
        label = _('Genomsnitt sedan %s (%d utv.)') % (since[:4], n_areas)
        series.append(_average_series(average, catalogue, label))
        published = [
            p for p in self.domain.published_averages
            if p.criteria == summary.criteria and p.date <= summary.sort_date
        ]
        if published:
            latest = max(published, key=lambda p: p.date)
            series.append({
                'label': _('Publicerat snitt: %s') % latest.label,
                'values': [latest.areas.get(a.id) for a in catalogue.areas],
                'total': latest.total,
                'style': 'marker',
            })
            notes.append(_('Det publicerade snittet (%s, %s) visas för sig och ingår '
                           'inte i det beräknade genomsnittet.') % (
                latest.label, latest.source))
        notes.append(
            _('Genomsnittet avser utvärderingar med samma kriterier från %s till och '
              'med %s: %d med områdespoäng, %d med totalpoäng.')
            % (since, summary.sort_date, n_areas, average.total_count)
        )
        spec['title'] = (
            _('%s jämfört med tidigare utvärdering och genomsnitt')
            if len(series) > 1 and previous is not None
            and previous.criteria == summary.criteria
            else _('%s jämfört med genomsnitt')
        ) % summary.label
        spec['series'] = series
        caption = _('%s jämfört med ett genomsnitt av alla utvärderingar sedan %s och '
                    'senaste utvärderingen.') % (summary.label, since[:4])
        return spec, caption

    def _trend_spec(
        self, summary: Summary, catalogue: Catalogue, spec: dict[str, Any],
        notes: list[str],
    ) -> tuple[dict[str, Any], str]:
        past = [
            s for s in history(summary.municipality, self.domain.summaries.values())
            if s.criteria == summary.criteria
        ]
        spec['points'] = [
            {
                'label': str(s.year) if s.year else s.slug,
                'areas': [s.areas.get(a.id) for a in catalogue.areas],
                'total': s.total,
            }
            for s in past
        ]
        spec['title'] = _('%s över tid') % summary.municipality
        if len(past) < 2:
            notes.append(_('Bara en utvärdering finns med dessa kriterier.'))
        return spec, _('Område och totalpoäng för %s, utvärdering för utvärdering.') % (
            summary.municipality)

    def _figure(self, spec: dict[str, Any], caption: str) -> list[nodes.Node]:
        """The chart as an image where the builder shows images, else the numbers."""
        figure = nodes.figure(classes=['kompass-figure'])
        supported = getattr(self.builder, 'supported_image_types', [])
        if any(fmt in _IMAGE_FORMATS for fmt in supported):
            figure += kn.kompass_chart('', spec=spec, alt=alt_text(spec))
        else:
            head, body = chart_rows(spec)
            widths = [30] + [70 // max(len(head) - 1, 1)] * (len(head) - 1)
            figure += build_table(widths, body, head=head, classes=['kompass-chart-data'])
        figure += nodes.caption('', caption)
        return [figure]

    def evaluation_index(self) -> list[nodes.Node]:
        summaries = sorted(
            self.domain.summaries.values(),
            key=lambda s: (s.municipality, s.sort_date, s.slug),
        )
        by_catalogue: dict[str, list[Summary]] = {}
        for summary in summaries:
            by_catalogue.setdefault(summary.criteria, []).append(summary)
        out: list[nodes.Node] = []
        for cid, group in sorted(by_catalogue.items()):
            catalogue = self.domain.catalogues.get(cid)
            if catalogue is None:
                continue
            head = [_('Kommun'), _('Datum'), _('Kriterier'),
                    *(a.id for a in catalogue.areas), _('Totalt'), _('Källa')]
            rows: list[list[Any]] = []
            for s in group:
                name: Any = (
                    self.link(s.docname, None, s.municipality) if s.docname
                    else s.municipality
                )
                rows.append([
                    name, s.date or str(s.year or ''), cid,
                    *(s.areas.get(a.id, '–') for a in catalogue.areas),
                    '–' if s.total is None else s.total,
                    _('rapport') if s.docname else s.source,
                ])
            widths = [14, 10, 14, *([4] * len(catalogue.areas)), 7, 23]
            out.append(build_table(
                widths, rows, head=head, classes=['kompass-index', 'kompass-sortable'],
            ))
        return out

    def page_link(self, name: str) -> nodes.Node:
        """A municipality's name, linked to its page where there are pages."""
        if self.builder.name not in PAGE_BUILDERS:
            return nodes.Text(name)
        uri = self.builder.get_relative_uri(self.docname, municipality_docname(name))
        return nodes.reference('', name, internal=True, refuri=uri)

    def good_examples(self) -> list[nodes.Node]:
        """Every mention by area and criterion, then municipality."""
        out: list[nodes.Node] = []
        examples = self.domain.examples
        for cid, catalogue in sorted(self.domain.catalogues.items()):
            for area in catalogue.areas:
                rows: list[list[Any]] = []
                for crit in area.criteria:
                    found = sorted(
                        (e for e in examples
                         if e.catalogue == cid and e.mention.criterion == crit.id),
                        key=lambda e: (e.mention.municipality, e.slug, e.mention.line),
                    )
                    for e in found:
                        summary = self.domain.summaries.get(e.slug)
                        made_by = summary.label if summary else e.slug
                        rows.append([
                            f'{crit.id} {crit.title}',
                            self.page_link(e.mention.municipality),
                            [nodes.paragraph('', '', self.link(
                                e.mention.docname, e.mention.anchor, made_by))],
                            [nodes.paragraph('', e.mention.sentence)],
                        ])
                if rows:
                    out.append(build_table(
                        [20, 14, 14, 52], rows,
                        head=[_('Delområde'), _('Kommun'), _('Utvärdering'),
                              _('Meningen')],
                        title=_('Område') + f' {area.id} {area.title}',
                        classes=['kompass-examples'],
                    ))
        if not out:
            out.append(nodes.paragraph('', _('Inga goda exempel är markerade ännu.')))
        return out

    def municipality_index(self) -> list[nodes.Node]:
        """Every municipality with a page: evaluations and good-example counts."""
        register = self.domain.register
        rows: list[list[Any]] = []
        for name in self.domain.municipalities_with_pages():
            found = register.find(name) if register else None
            evaluations = [s for s in self.domain.summaries.values()
                           if s.municipality == name]
            mentions = [e for e in self.domain.examples if e.mention.municipality == name]
            rows.append([
                self.page_link(name),
                found.county if found else '',
                found.code if found else '',
                len(evaluations),
                len(mentions),
            ])
        return [build_table(
            [30, 30, 12, 14, 14], rows,
            head=[_('Kommun'), _('Län'), _('Kommunkod'), _('Utvärderingar'),
                  _('Goda exempel')],
            classes=['kompass-municipalities', 'kompass-sortable'],
        )]

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


_IMAGE_FORMATS = {'image/svg+xml': 'svg', 'application/pdf': 'pdf'}


def _series(summary: Summary, catalogue: Catalogue, label: str) -> dict[str, Any]:
    return {
        'label': label,
        'values': [summary.areas.get(a.id) for a in catalogue.areas],
        'total': summary.total,
    }


def _average_series(average: Average, catalogue: Catalogue, label: str) -> dict[str, Any]:
    return {
        'label': label,
        'values': [
            round(average.areas[a.id], 1) if a.id in average.areas else None
            for a in catalogue.areas
        ],
        'total': round(average.total, 1) if average.total is not None else None,
    }


def setup_render(app: Sphinx) -> None:
    """Fill placeholders whenever a document is resolved for writing."""
    app.connect('doctree-resolved', render_placeholders)
    app.connect('doctree-resolved', link_good_examples)
