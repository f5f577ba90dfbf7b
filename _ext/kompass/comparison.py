"""Comparisons across evaluations: one summary per evaluation, the national
average pinned to an evaluation's date, and a municipality's history.

FORMAT.md: for an evaluation dated D, the national average is the mean per
criterion, area and total over all evaluations of the same criteria revision
dated from ``kompass_average_since`` up to and including D, the evaluation
itself included; so a later evaluation never changes an earlier one's charts.
"""

from __future__ import annotations

import bisect
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


class _Sums:
    """Running sums and counts per key (areas or criteria) and of totals."""

    __slots__ = ('counts', 'sums', 'total_count', 'total_sum')

    def __init__(self) -> None:
        self.sums: dict[str, int] = {}
        self.counts: dict[str, int] = {}
        self.total_sum = 0
        self.total_count = 0

    def copy(self) -> _Sums:
        other = _Sums()
        other.sums, other.counts = dict(self.sums), dict(self.counts)
        other.total_sum, other.total_count = self.total_sum, self.total_count
        return other

    def add(self, values: Mapping[str, int], total: int | None) -> None:
        for key, value in values.items():
            self.sums[key] = self.sums.get(key, 0) + value
            self.counts[key] = self.counts.get(key, 0) + 1
        if total is not None:
            self.total_sum += total
            self.total_count += 1

    def means(self) -> dict[str, float]:
        return {k: self.sums[k] / self.counts[k] for k in sorted(self.sums)}


class AverageIndex:
    """National averages for every evaluation at once.

    The final evaluations of each catalogue since *since* are sorted by date
    once, with running sums after each; the average at a date is then one
    binary search, so a site of N evaluations needs O(N log N), not O(N²).
    """

    def __init__(self, everyone: Iterable[Summary], since: str) -> None:
        self.since = since
        self._by_slug: dict[str, Summary] = {}
        groups: dict[str, list[Summary]] = {}
        for s in everyone:
            self._by_slug[s.slug] = s
            if s.final and s.sort_date >= since:
                groups.setdefault(s.criteria, []).append(s)
        self._dates: dict[str, list[str]] = {}
        self._slugs: dict[str, list[str]] = {}
        self._areas: dict[str, list[_Sums]] = {}
        self._criteria: dict[str, list[_Sums]] = {}
        for criteria, group in groups.items():
            group.sort(key=lambda s: (s.sort_date, s.slug))
            self._dates[criteria] = [s.sort_date for s in group]
            self._slugs[criteria] = [s.slug for s in group]
            areas, crits = [_Sums()], [_Sums()]
            for s in group:
                areas.append(areas[-1].copy())
                areas[-1].add(s.areas, s.total)
                crits.append(crits[-1].copy())
                crits[-1].add(s.points, None)
            self._areas[criteria], self._criteria[criteria] = areas, crits

    def average(self, target: Summary) -> Average:
        """The average pinned to *target*'s date (see the module docstring)."""
        dates = self._dates.get(target.criteria, [])
        slugs = self._slugs.get(target.criteria, [])
        n = bisect.bisect_right(dates, target.sort_date)
        empty = _Sums()
        areas = self._areas.get(target.criteria, [empty])[n]
        crits = self._criteria.get(target.criteria, [empty])[n]
        members = slugs[:n]
        # An evaluation not (yet) final counts in its own average only.
        own = self._by_slug.get(target.slug)
        if own is not None and not own.final and own.sort_date >= self.since:
            areas, crits = areas.copy(), crits.copy()
            areas.add(own.areas, own.total)
            crits.add(own.points, None)
            members = sorted([*members, own.slug],
                             key=lambda slug: (self._by_slug[slug].sort_date, slug))
        return Average(
            areas.total_sum / areas.total_count if areas.total_count else None,
            areas.means(), crits.means(), tuple(members),
            {k: areas.counts[k] for k in sorted(areas.counts)}, areas.total_count,
        )


def national_average(
    target: Summary, everyone: Iterable[Summary], since: str
) -> Average:
    """The average pinned to *target*'s date (see the module docstring)."""
    return AverageIndex(everyone, since).average(target)


def histories(everyone: Iterable[Summary]) -> dict[str, list[Summary]]:
    """Each municipality's evaluations in date order."""
    out: dict[str, list[Summary]] = {}
    for s in everyone:
        out.setdefault(s.municipality, []).append(s)
    for group in out.values():
        group.sort(key=lambda s: (s.sort_date, s.slug))
    return out


def history(municipality: str, everyone: Iterable[Summary]) -> list[Summary]:
    """A municipality's evaluations in date order."""
    return histories(s for s in everyone if s.municipality == municipality).get(
        municipality, [])


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
