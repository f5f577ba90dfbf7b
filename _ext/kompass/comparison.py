"""Comparisons across evaluations: one summary per evaluation, the national
average pinned to an evaluation's date, and a municipality's history.

FORMAT.md: for an evaluation dated D, the national average is the mean per
criterion, area and total over all evaluations of the same criteria revision
dated from ``kompass_average_since`` up to and including D, the evaluation
itself included; so a later evaluation never changes an earlier one's charts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

from .catalogue import Catalogue
from .scoredata import DataRow
from .scoring import EvaluationResult


class Summary(NamedTuple):
    """What comparisons need of one evaluation, a report or a data row."""

    slug: str
    municipality: str
    year: int | None
    date: str | None
    criteria: str
    #: Known criterion points.
    points: dict[str, int]
    #: Known area scores (a report's only when all its criteria are scored).
    areas: dict[str, int]
    #: Known total.
    total: int | None
    #: The report's index document, or None for a data row.
    docname: str | None
    #: Where a data row's numbers were published.
    source: str
    #: Only final evaluations count in other evaluations' averages.
    final: bool

    @property
    def sort_date(self) -> str:
        """The date, or the end of the year when only the year is known."""
        return self.date or (f'{self.year}-12-31' if self.year else '9999-12-31')

    @property
    def label(self) -> str:
        return f'{self.municipality} {self.year}' if self.year else self.municipality


def from_result(result: EvaluationResult, catalogue: Catalogue) -> Summary:
    """A report's summary; areas count only when fully scored."""
    rec = result.record
    complete_areas = {
        area.id: result.area_totals[area.id]
        for area in catalogue.areas
        if all(c.id in result.points for c in area.criteria)
    }
    return Summary(
        result.slug, rec.municipality or result.slug, rec.year, rec.date, catalogue.id,
        {c: s.points or 0 for c, s in result.points.items()},
        complete_areas,
        result.total if not result.unscored else None,
        rec.docname, '', rec.status == 'final',
    )


def from_row(row: DataRow) -> Summary:
    """A data row's summary."""
    return Summary(
        row.slug, row.municipality, row.year, row.date, row.criteria,
        dict(row.points), dict(row.areas), row.total, None, row.source, True,
    )


class Average(NamedTuple):
    """The national average for one evaluation, and what it was taken over."""

    #: Mean total, over the evaluations whose total is known.
    total: float | None
    #: Mean per area id, over the evaluations whose area score is known.
    areas: dict[str, float]
    #: Mean per criterion id.
    criteria: dict[str, float]
    #: Slugs of the evaluations averaged (any level), in date order.
    members: tuple[str, ...]
    #: How many evaluations each area mean is taken over.
    area_counts: dict[str, int]
    total_count: int


def _mean(values: list[int]) -> float | None:
    return sum(values) / len(values) if values else None


def national_average(
    target: Summary, everyone: Iterable[Summary], since: str
) -> Average:
    """The average pinned to *target*'s date (see the module docstring)."""
    until = target.sort_date
    pool = sorted(
        (
            s for s in everyone
            if s.criteria == target.criteria
            and since <= s.sort_date <= until
            and (s.final or s.slug == target.slug)
        ),
        key=lambda s: (s.sort_date, s.slug),
    )
    area_ids = sorted({a for s in pool for a in s.areas})
    crit_ids = sorted({c for s in pool for c in s.points})
    areas = {a: [s.areas[a] for s in pool if a in s.areas] for a in area_ids}
    crits = {c: [s.points[c] for s in pool if c in s.points] for c in crit_ids}
    totals = [s.total for s in pool if s.total is not None]
    return Average(
        _mean(totals),
        {a: sum(v) / len(v) for a, v in areas.items()},
        {c: sum(v) / len(v) for c, v in crits.items()},
        tuple(s.slug for s in pool),
        {a: len(v) for a, v in areas.items()},
        len(totals),
    )


def history(municipality: str, everyone: Iterable[Summary]) -> list[Summary]:
    """A municipality's evaluations in date order."""
    return sorted(
        (s for s in everyone if s.municipality == municipality),
        key=lambda s: (s.sort_date, s.slug),
    )


def summaries(
    results: Mapping[str, EvaluationResult],
    catalogues: Mapping[str, Catalogue],
    rows: Iterable[DataRow],
) -> dict[str, Summary]:
    """Every evaluation's summary keyed by slug; reports win over data rows."""
    out: dict[str, Summary] = {}
    for row in rows:
        out[row.slug] = from_row(row)
    for result in results.values():
        catalogue = catalogues.get(result.catalogue or '')
        if catalogue is not None:
            out[result.slug] = from_result(result, catalogue)
    return out
