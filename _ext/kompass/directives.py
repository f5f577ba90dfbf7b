"""The authoring directives of FORMAT.md: they record facts, never totals.

Each directive checks what it can see alone (option syntax), records what it
declares in the domain with its docname and line, and leaves a placeholder
where a computed view goes.
"""

from __future__ import annotations

from collections import Counter
from textwrap import dedent
from typing import TYPE_CHECKING, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

from . import nodes as kn
from . import values
from .domain import get_domain
from .logs import Kind, Problem
from .records import AreaRecord, ChartRecord, EvaluationRecord, ScoreRecord, ViewRecord
from .rewrites import AREA_SCOPE, CHART_SCOPE, EVALUATION_SCOPE, SITE_SCOPE

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import OptionSpec

_STATUSES = ('final', 'draft')
def repeated_options(block_text: str) -> list[str]:
    """Option names given more than once in a directive's text (MyST keeps
    only the last value, silently). The option lines are found and read as
    MyST reads them (``:name: value`` lines, or the ``---`` YAML block), so a
    quoted or indented key counts as the name it stands for."""
    from myst_parser.parsers.directives import is_option_line
    from myst_parser.parsers.options import TokenizeError, options_to_items

    lines = block_text.splitlines()[1:]
    if lines and lines[0].startswith('---'):
        end = next((i for i, line in enumerate(lines[1:], 1) if line.startswith('---')),
                   len(lines))
        block = dedent('\n'.join(lines[1:end]))
    else:
        taken = []
        for line in lines:
            if not is_option_line(line):
                break
            taken.append(line.lstrip()[1:])
        block = '\n'.join(taken)
    try:
        items, _ = options_to_items(block)
    except TokenizeError:
        return []  # MyST warns about the options itself
    counts = Counter(key for key, _value in items)
    return sorted(name for name, count in counts.items() if count > 1)


class _KompassDirective(SphinxDirective):
    """Shared helpers: located problems and placeholders with source info."""

    def problem(self, kind: Kind, message: str) -> None:
        get_domain(self.env).add_problem(
            self.env.docname, Problem(kind, message, (self.env.docname, self.lineno))
        )

    def check_repeated_options(self) -> None:
        for name in repeated_options(self.block_text):
            self.problem(
                Kind.OPTION,
                f'{self.name} option :{name}: is given more than once (only the last '
                'value would count)',
            )

    def placeholder(self, cls: type[nodes.Element], **attrs: object) -> nodes.Element:
        node = cls('', **attrs)
        self.set_source_info(node)
        node['docname'] = self.env.docname
        return node

    def whole_number(self, option: str, what: str) -> int | None:
        raw = self.options.get(option)
        if raw is None:
            return None
        try:
            return values.whole_number(raw)
        except values.BadValue as exc:
            self.problem(
                Kind.SCORE if option == 'points' else Kind.OPTION,
                f'{what} :{option}: {exc}',
            )
            return None

    def run(self) -> list[nodes.Node]:
        self.check_repeated_options()
        return self.declare()

    def declare(self) -> list[nodes.Node]:
        """Record what the directive declares; return its nodes."""
        raise NotImplementedError


class EvaluationDirective(_KompassDirective):
    """``{evaluation}``: the one per folder; renders the report's header."""

    option_spec: ClassVar[OptionSpec] = {
        'municipality': directives.unchanged,
        'year': directives.unchanged,
        'date': directives.unchanged,
        'criteria': directives.unchanged,
        'evaluators': directives.unchanged,
        'previous': directives.unchanged,
        'status': directives.unchanged,
    }

    def declare(self) -> list[nodes.Node]:
        for required in ('municipality', 'year', 'criteria'):
            if not (self.options.get(required) or '').strip():
                self.problem(
                    Kind.OPTION,
                    f'evaluation is missing the required option :{required}:',
                )
        municipality = (self.options.get('municipality') or '').strip() or None
        criteria = (self.options.get('criteria') or '').strip() or None
        year = self._year()
        date = self._date()
        if year is not None and date is not None and not date.startswith(f'{year}-'):
            self.problem(Kind.OPTION, f'evaluation :date: {date} is not in :year: {year}')
        record = EvaluationRecord(
            docname=self.env.docname,
            line=self.lineno,
            municipality=municipality,
            year=year,
            date=date,
            criteria=criteria,
            evaluators=tuple(
                name.strip()
                for name in (self.options.get('evaluators') or '').split(',')
                if name.strip()
            ),
            previous=(self.options.get('previous') or '').strip() or None,
            status=self._status(),
        )
        domain = get_domain(self.env)
        domain.add_evaluation(record)
        domain.note_aggregate(self.env.docname, EVALUATION_SCOPE, self.lineno)
        catalogue = domain.catalogues.get(criteria or '')
        if catalogue is not None:
            self.env.note_dependency(catalogue.path)
        return [self.placeholder(kn.evaluation_header)]

    def _year(self) -> int | None:
        raw = (self.options.get('year') or '').strip()
        if not raw:
            return None
        try:
            return values.year(raw)
        except values.BadValue as exc:
            self.problem(Kind.OPTION, f'evaluation :year: {exc}')
            return None

    def _date(self) -> str | None:
        raw = (self.options.get('date') or '').strip()
        if not raw:
            return None
        try:
            return values.iso_date(raw)
        except values.BadValue as exc:
            self.problem(Kind.OPTION, f'evaluation :date: {exc}')
            return None

    def _status(self) -> str:
        raw = (self.options.get('status') or 'final').strip()
        if raw not in _STATUSES:
            self.problem(
                Kind.OPTION,
                f'evaluation :status: {raw!r} is not one of: {", ".join(_STATUSES)}'
                " (treated as 'final')",
            )
            return 'final'
        return raw


class AreaDirective(_KompassDirective):
    """``{area} N``: the area's box, with its computed score."""

    optional_arguments = 1
    option_spec: ClassVar[OptionSpec] = {'stated': directives.unchanged}

    def declare(self) -> list[nodes.Node]:
        area = self.arguments[0].strip() if self.arguments else ''
        if not area:
            self.problem(Kind.OPTION, 'area box without an area id (e.g. "{area} 1")')
        stated = self.whole_number('stated', f'area {area}')
        domain = get_domain(self.env)
        domain.add_area(AreaRecord(self.env.docname, self.lineno, area, stated))
        domain.note_aggregate(self.env.docname, AREA_SCOPE + area, self.lineno)
        return [self.placeholder(kn.area_box, area=area)]


class ScoreDirective(_KompassDirective):
    """``{score} 1.1``: one criterion's points, with an optional motivation."""

    optional_arguments = 1
    has_content = True
    option_spec: ClassVar[OptionSpec] = {'points': directives.unchanged}

    def declare(self) -> list[nodes.Node]:
        criterion = self.arguments[0].strip() if self.arguments else ''
        if not criterion:
            self.problem(Kind.SCORE, 'score without a criterion id (e.g. "{score} 1.1")')
        if self.options.get('points') is None or not self.options['points'].strip():
            self.problem(
                Kind.SCORE,
                f'score {criterion} has no :points: (a whole number from 0 to the '
                "criterion's maximum)",
            )
            points = None
        else:
            points = self.whole_number('points', f'score {criterion}')

        anchor = self._anchor(criterion)
        section = self._section()
        heading = ''
        if section is not None:
            if criterion:
                # Good examples in this section count for this criterion.
                section.setdefault(kn.CRITERION_ATTRIBUTE, criterion)
            titles = [c for c in section.children if isinstance(c, nodes.title)]
            heading = titles[0].astext() if titles else ''
        get_domain(self.env).add_score(
            ScoreRecord(self.env.docname, self.lineno, criterion, points, anchor, heading)
        )
        box = nodes.container(classes=['kompass-score'])
        box[kn.CRITERION_ATTRIBUTE] = criterion
        self.set_source_info(box)
        # The anchor rides on the placeholder, which becomes a target when
        # rendered (LaTeX labels targets, not containers).
        line = self.placeholder(kn.score_points, criterion=criterion, points=points)
        line['ids'] = [anchor]
        self.state.document.ids[anchor] = line
        box += line
        if self.content:
            box += self.parse_content_to_nodes()
        return [box]

    def _section(self) -> nodes.section | None:
        """The section the directive stands in (MyST's and docutils' state
        machines both know the node they are appending to)."""
        parent = getattr(self.state_machine, 'node', None)
        while parent is not None and not isinstance(parent, nodes.section):
            parent = parent.parent
        return parent

    def _anchor(self, criterion: str) -> str:
        base = nodes.make_id(f'poang-{criterion}') or 'poang'
        anchor, n = base, 1
        while anchor in self.state.document.ids:
            n += 1
            anchor = f'{base}-{n}'
        return anchor


class _ListDirective(_KompassDirective):
    """Shared by ``{strengths}`` and ``{improvements}``."""

    has_content = True
    kind = ''

    def declare(self) -> list[nodes.Node]:
        box = nodes.container(classes=[f'kompass-{self.kind}'])
        box['kompass_list'] = self.kind
        self.set_source_info(box)
        box += self.parse_content_to_nodes()
        return [box]


class StrengthsDirective(_ListDirective):
    """``{strengths}``: the area's "Styrkor"."""

    kind = 'strengths'


class ImprovementsDirective(_ListDirective):
    """``{improvements}``: the area's "Förbättringsmöjligheter"."""

    kind = 'improvements'


class ScoreOverviewDirective(_KompassDirective):
    """``{score-overview}``: all points of the evaluation, by area."""

    def declare(self) -> list[nodes.Node]:
        domain = get_domain(self.env)
        domain.add_view(ViewRecord(self.env.docname, self.lineno, 'score overview'))
        domain.note_aggregate(self.env.docname, EVALUATION_SCOPE, self.lineno)
        return [self.placeholder(kn.score_overview)]


class CriteriaCatalogueDirective(_KompassDirective):
    """``{criteria-catalogue}``: the catalogue(s) as tables, criteria as targets."""

    optional_arguments = 1
    option_spec: ClassVar[OptionSpec] = {'criteria': directives.unchanged}

    def declare(self) -> list[nodes.Node]:
        wanted = (
            (self.arguments[0] if self.arguments else '')
            or self.options.get('criteria', '')
        ).strip()
        domain = get_domain(self.env)
        domain.note_aggregate(self.env.docname, SITE_SCOPE, self.lineno)
        if wanted and wanted not in domain.catalogues:
            known = ', '.join(sorted(domain.catalogues)) or 'none'
            self.problem(
                Kind.CATALOGUE,
                f'criteria-catalogue: unknown criteria catalogue {wanted!r}; '
                f'known catalogues: {known}',
            )
        for catalogue in domain.catalogues.values():
            self.env.note_dependency(catalogue.path)
        return [self.placeholder(kn.catalogue_tables, catalogue=wanted)]


CHART_KINDS = ('areas', 'profile', 'trend', 'totals')


class ScoreChartDirective(_KompassDirective):
    """``{score-chart}``: a chart of the folder's evaluation (or ``:evaluation:``),
    or with ``:kind: totals`` the totals of every evaluation (of ``:criteria:``)."""

    option_spec: ClassVar[OptionSpec] = {
        'kind': directives.unchanged,
        'evaluation': directives.unchanged,
        'criteria': directives.unchanged,
    }

    def declare(self) -> list[nodes.Node]:
        kind = (self.options.get('kind') or 'areas').strip()
        if kind not in CHART_KINDS:
            self.problem(
                Kind.OPTION,
                f'unknown chart :kind: {kind!r}; expected one of: '
                f'{", ".join(CHART_KINDS)}',
            )
            return []
        slug = (self.options.get('evaluation') or '').strip()
        criteria = (self.options.get('criteria') or '').strip()
        domain = get_domain(self.env)
        # What the chart shows is in its spec; the page is rewritten when it changes.
        domain.note_aggregate(self.env.docname, CHART_SCOPE, self.lineno)
        domain.add_chart(ChartRecord(self.env.docname, self.lineno, kind, slug, criteria))
        if criteria and criteria not in domain.catalogues:
            self.problem(Kind.CATALOGUE, f'{kind} chart: unknown criteria catalogue '
                         f'{criteria!r}; known catalogues: '
                         f'{", ".join(sorted(domain.catalogues)) or "none"}')
        if not slug and kind != 'totals':
            domain.add_view(ViewRecord(self.env.docname, self.lineno, 'score chart'))
        return [self.placeholder(kn.score_chart, kind=kind, evaluation=slug,
                                 criteria=criteria)]


class EvaluationIndexDirective(_KompassDirective):
    """``{evaluation-index}``: every evaluation with area scores and total."""

    def declare(self) -> list[nodes.Node]:
        get_domain(self.env).note_aggregate(self.env.docname, SITE_SCOPE, self.lineno)
        return [self.placeholder(kn.evaluation_index)]


class GoodExamplesDirective(_KompassDirective):
    """``{good-examples}``: the index of every good example."""

    def declare(self) -> list[nodes.Node]:
        get_domain(self.env).note_aggregate(self.env.docname, SITE_SCOPE, self.lineno)
        return [self.placeholder(kn.good_examples_index)]


class MunicipalityIndexDirective(_KompassDirective):
    """``{municipality-index}``: the municipalities that have a page."""

    def declare(self) -> list[nodes.Node]:
        get_domain(self.env).note_aggregate(self.env.docname, SITE_SCOPE, self.lineno)
        return [self.placeholder(kn.municipality_index)]


def setup_directives(app: Sphinx) -> None:
    """Register the directives under the names FORMAT.md gives."""
    app.add_directive('evaluation', EvaluationDirective)
    app.add_directive('area', AreaDirective)
    app.add_directive('score', ScoreDirective)
    app.add_directive('strengths', StrengthsDirective)
    app.add_directive('improvements', ImprovementsDirective)
    app.add_directive('score-overview', ScoreOverviewDirective)
    app.add_directive('criteria-catalogue', CriteriaCatalogueDirective)
    app.add_directive('score-chart', ScoreChartDirective)
    app.add_directive('evaluation-index', EvaluationIndexDirective)
    app.add_directive('good-examples', GoodExamplesDirective)
    app.add_directive('municipality-index', MunicipalityIndexDirective)
