"""``{score-changes}``: what changed since the previous evaluation.

In a report whose ``:previous:`` names an evaluation with scores (a report or
a row of the score data): per area, and per criterion where both know it,
the previous points, the points now and the difference; then the biggest
rises and falls by name. Only what both evaluations know is compared; an
area that is not fully scored yet counts as unknown, never as its partial sum.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from docutils import nodes

from . import nodes as kn
from .calibration import signed
from .directives import _KompassDirective
from .domain import SITE_SCOPE, get_domain
from .labels import _
from .records import ViewRecord
from .tables import build_table

if TYPE_CHECKING:
    from sphinx.application import Sphinx

    from .catalogue import Catalogue
    from .comparison import Summary
    from .views import ViewContext

#: How many rises and how many falls are named.
NAMED = 3


class Change(NamedTuple):
    """One area's or criterion's points before and now."""

    id: str
    title: str
    before: int | None
    now: int | None

    @property
    def difference(self) -> int | None:
        if self.before is None or self.now is None:
            return None
        return self.now - self.before


def area_changes(now: Summary, before: Summary, catalogue: Catalogue) -> list[Change]:
    """Every area of the catalogue, known or not on either side."""
    return [
        Change(a.id, a.title, before.areas.get(a.id), now.areas.get(a.id))
        for a in catalogue.areas
    ]


def criterion_changes(now: Summary, before: Summary, catalogue: Catalogue) -> list[Change]:
    """The criteria both evaluations scored, in catalogue order."""
    return [
        Change(c.id, c.title, before.points[c.id], now.points[c.id])
        for a in catalogue.areas for c in a.criteria
        if c.id in before.points and c.id in now.points
    ]


def biggest(changes: Sequence[Change], rising: bool) -> list[Change]:
    """The largest rises (or falls), at most :data:`NAMED`, largest first."""
    known = [c for c in changes if c.difference is not None
             and (c.difference > 0 if rising else c.difference < 0)]
    order = {c.id: i for i, c in enumerate(changes)}
    known.sort(key=lambda c: (-abs(c.difference or 0), order[c.id]))
    return known[:NAMED]


def _number(value: int | None) -> str:
    return '–' if value is None else str(value)


def _table(rows: list[Change], head: str, before: Summary, now: Summary,
           total: Change | None, classes: list[str]) -> nodes.table:
    body: list[list[Any]] = [
        [f'{c.id} {c.title}', _number(c.before), _number(c.now), signed(c.difference)]
        for c in rows
    ]
    if total is not None:
        body.append([nodes.strong('', _('Totalt')), nodes.strong('', _number(total.before)),
                     nodes.strong('', _number(total.now)),
                     nodes.strong('', signed(total.difference))])
    return build_table(
        [55, 15, 15, 15], body, head=[head, before.label, now.label, _('Förändring')],
        classes=['kompass-changes', *classes],
    )


def _named(changes: list[Change], what: str) -> nodes.paragraph | None:
    rises, falls = biggest(changes, True), biggest(changes, False)
    if not rises and not falls:
        return None

    def names(found: list[Change]) -> str:
        return ', '.join(f'{c.id} {c.title} ({signed(c.difference)})' for c in found) or '–'

    return nodes.paragraph('', _('%s: störst ökning %s; störst minskning %s.') % (
        what, names(rises), names(falls)), classes=['kompass-changes-named'])


def changes_view(ctx: ViewContext) -> list[nodes.Node]:
    """The changes of the folder's evaluation since its ``:previous:`` one."""
    result, catalogue = ctx.result, ctx.catalogue
    if result is None or catalogue is None:
        return []  # an orphan or an unknown catalogue, already warned about
    now = ctx.domain.summaries.get(result.slug)
    slug = result.record.previous
    before = ctx.domain.summaries.get(slug) if slug else None
    if now is None or before is None or slug is None:
        return [nodes.paragraph('', _(
            'Ingen föregående utvärdering med poäng finns i underlaget (ange den med '
            ':previous: i {evaluation}).'))]
    if before.criteria != now.criteria:
        return [nodes.paragraph('', _(
            'Den föregående utvärderingen (%s) gjordes med andra kriterier; poängen '
            'jämförs inte.') % before.label)]
    out: list[nodes.Node] = []
    areas = area_changes(now, before, catalogue)
    total = Change('', '', before.total, now.total)
    if any(c.before is not None for c in areas):
        out.append(_table(areas, _('Område'), before, now, total, ['kompass-changes-areas']))
    else:
        out.append(build_table(
            [55, 15, 15, 15],
            [[_('Totalt'), _number(total.before), _number(total.now),
              signed(total.difference)]],
            head=[_('Poäng'), before.label, now.label, _('Förändring')],
            classes=['kompass-changes', 'kompass-changes-areas'],
        ))
        out.append(nodes.paragraph('', _('För %s finns bara totalpoängen.') % before.label))
    named = _named(areas, _('Områden'))
    if named is not None:
        out.append(named)
    criteria = criterion_changes(now, before, catalogue)
    if criteria:
        out.append(_table(criteria, _('Delområde'), before, now, None,
                          ['kompass-changes-criteria']))
        named = _named(criteria, _('Delområden'))
        if named is not None:
            out.append(named)
    else:
        out.append(nodes.paragraph('', _(
            'Poäng per delområde finns inte för båda utvärderingarna; bara områden och '
            'total jämförs.')))
    return out


class ScoreChangesDirective(_KompassDirective):
    """``{score-changes}``: the changes since the previous evaluation."""

    def declare(self) -> list[nodes.Node]:
        domain = get_domain(self.env)
        domain.add_view(ViewRecord(self.env.docname, self.lineno, 'score changes'))
        # It shows another evaluation (the previous one): rewritten on any change.
        domain.note_aggregate(self.env.docname, SITE_SCOPE, self.lineno)
        return [self.placeholder(kn.score_changes)]


def setup_changes(app: Sphinx) -> None:
    """Register ``{score-changes}``."""
    app.add_directive('score-changes', ScoreChangesDirective)
