"""Calibration: how evaluations score each criterion, and how each evaluator
scores against everyone else. Pure (no Sphinx), so the numbers can be tested
without a build and are the same on the calibration page, the criterion
pages and in ``make scores``.

Rules, as the calibration page states them to its readers:

* only final evaluations count (as in the national average, FORMAT.md);
* an evaluation known only by its area score or its total (a data row) is
  counted as such for a criterion, never as a zero;
* a figure with fewer evaluations behind it than the small-sample threshold
  is marked as a small sample, never hidden;
* an evaluator's difference on a criterion is their points minus the mean of
  all final evaluations of that criterion (theirs included), counted only
  where at least two evaluations scored it; their figure is the mean of those
  differences, in points and as a share of the criterion's maximum.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

from .catalogue import Catalogue
from .comparison import Summary

#: How many criteria the "spread most" list names per catalogue.
SPREAD_LIST = 5


class Distribution(NamedTuple):
    """Points of one criterion over the evaluations that scored it."""

    n: int
    mean: float
    median: float
    #: Lower and upper quartile (the "inclusive" method; for one value, the value).
    q1: float
    q3: float
    lowest: int
    highest: int
    #: Sample standard deviation; None with fewer than two values.
    sd: float | None


def distribution(values: Sequence[int]) -> Distribution | None:
    """The distribution of *values*, or None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    if len(ordered) > 1:
        q1, _median, q3 = statistics.quantiles(ordered, n=4, method='inclusive')
        sd: float | None = statistics.stdev(ordered)
    else:
        q1 = q3 = float(ordered[0])
        sd = None
    return Distribution(
        len(ordered), statistics.fmean(ordered), float(statistics.median(ordered)),
        float(q1), float(q3), ordered[0], ordered[-1], sd,
    )


class CriterionFigures(NamedTuple):
    """One criterion over every final evaluation of its catalogue."""

    catalogue: str
    area: str
    criterion: str
    title: str
    max: int
    #: ``(slug, points)`` of the final evaluations that scored it, highest first.
    scored: tuple[tuple[str, int], ...]
    stats: Distribution | None
    #: Final evaluations known only by the area score of the criterion's area.
    area_only: tuple[str, ...]
    #: Final evaluations known only by their total.
    total_only: tuple[str, ...]
    #: Fewer evaluations scored it than the small-sample threshold.
    small: bool

    @property
    def share(self) -> float | None:
        """The mean as a share of the maximum (0..1)."""
        return None if self.stats is None else self.stats.mean / self.max

    @property
    def relative_sd(self) -> float | None:
        """The standard deviation as a share of the maximum, so criteria with
        different maxima can be compared."""
        if self.stats is None or self.stats.sd is None:
            return None
        return self.stats.sd / self.max


class EvaluatorFigures(NamedTuple):
    """How one evaluator's points differ from everyone's mean."""

    name: str
    #: Slugs of the final reports that name them, in date order.
    evaluations: tuple[str, ...]
    #: How many of their criterion scores were compared (criteria that at
    #: least two evaluations scored).
    compared: int
    #: Mean of (their points - the criterion's mean), or None when nothing compared.
    mean_difference: float | None
    #: The same with each difference divided by the criterion's maximum.
    mean_difference_share: float | None
    #: Fewer evaluations than the small-sample threshold.
    small: bool


class Calibration(NamedTuple):
    """Every figure of the calibration page."""

    small_sample: int
    #: Every criterion of every usable catalogue, catalogues by id, criteria in order.
    criteria: tuple[CriterionFigures, ...]
    #: Catalogue id -> the criteria whose scores spread most (relative to
    #: their maximum), most first; only criteria scored at least twice.
    spread_most: dict[str, tuple[str, ...]]
    evaluators: tuple[EvaluatorFigures, ...]

    def criterion(self, catalogue: str, criterion: str) -> CriterionFigures | None:
        """The figures of one criterion."""
        return next(
            (c for c in self.criteria if c.catalogue == catalogue and c.criterion == criterion),
            None,
        )


def _ordered(summaries: Iterable[Summary]) -> list[Summary]:
    return sorted(summaries, key=lambda s: (s.sort_date, s.slug))


def criterion_figures(
    catalogue: Catalogue, summaries: Iterable[Summary], small_sample: int
) -> list[CriterionFigures]:
    """The figures of every criterion of *catalogue* (final evaluations only)."""
    pool = [s for s in _ordered(summaries) if s.final and s.criteria == catalogue.id]
    out = []
    for area in catalogue.areas:
        for crit in area.criteria:
            scored = sorted(
                ((s.slug, s.points[crit.id]) for s in pool if crit.id in s.points),
                key=lambda pair: (-pair[1], pair[0]),
            )
            unscored = [s for s in pool if crit.id not in s.points]
            area_only = tuple(s.slug for s in unscored if area.id in s.areas)
            total_only = tuple(
                s.slug for s in unscored if area.id not in s.areas and s.total is not None
            )
            out.append(CriterionFigures(
                catalogue.id, area.id, crit.id, crit.title, crit.max, tuple(scored),
                distribution([p for _, p in scored]), area_only, total_only,
                len(scored) < small_sample,
            ))
    return out


def evaluator_figures(
    figures: Sequence[CriterionFigures],
    summaries: Mapping[str, Summary],
    evaluators: Mapping[str, Sequence[str]],
    small_sample: int,
) -> list[EvaluatorFigures]:
    """Each evaluator named by a final report, compared with everyone's mean.

    *evaluators* maps a report's slug to the names in its ``:evaluators:``.
    """
    means = {
        (f.catalogue, f.criterion): (f.stats.mean, f.max)
        for f in figures if f.stats is not None and f.stats.n >= 2
    }
    done: dict[str, list[Summary]] = {}
    for summary in _ordered(summaries.values()):
        if not summary.final:
            continue
        for name in dict.fromkeys(evaluators.get(summary.slug, ())):
            done.setdefault(name, []).append(summary)
    out = []
    for name in sorted(done, key=lambda n: (n.casefold(), n)):
        differences: list[float] = []
        shares: list[float] = []
        for summary in done[name]:
            for cid, points in sorted(summary.points.items()):
                known = means.get((summary.criteria, cid))
                if known is None:
                    continue
                mean, maximum = known
                differences.append(points - mean)
                shares.append((points - mean) / maximum)
        out.append(EvaluatorFigures(
            name, tuple(s.slug for s in done[name]), len(differences),
            statistics.fmean(differences) if differences else None,
            statistics.fmean(shares) if shares else None,
            len(done[name]) < small_sample,
        ))
    return out


def calibrate(
    summaries: Mapping[str, Summary],
    catalogues: Mapping[str, Catalogue],
    evaluators: Mapping[str, Sequence[str]],
    small_sample: int,
) -> Calibration:
    """Every figure of the calibration page, from every evaluation."""
    figures: list[CriterionFigures] = []
    spread: dict[str, tuple[str, ...]] = {}
    for cid, catalogue in sorted(catalogues.items()):
        if not catalogue.usable:
            continue
        found = criterion_figures(catalogue, summaries.values(), small_sample)
        figures.extend(found)
        order = {f.criterion: i for i, f in enumerate(found)}
        ranked = sorted(
            (f for f in found if f.relative_sd is not None),
            key=lambda f: (-(f.relative_sd or 0.0), order[f.criterion]),
        )
        spread[cid] = tuple(f.criterion for f in ranked[:SPREAD_LIST])
    return Calibration(
        small_sample, tuple(figures), spread,
        tuple(evaluator_figures(figures, summaries, evaluators, small_sample)),
    )


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def to_data(calibration: Calibration) -> dict[str, Any]:
    """The calibration as plain data for ``make scores`` (rounded to three
    decimals, so the file is stable)."""
    catalogues: dict[str, Any] = {}
    for f in calibration.criteria:
        entry = catalogues.setdefault(f.catalogue, {
            'criteria': [], 'spread_most': list(calibration.spread_most.get(f.catalogue, ())),
        })
        s = f.stats
        entry['criteria'].append({
            'id': f.criterion,
            'area': f.area,
            'max': f.max,
            'evaluations': s.n if s else 0,
            'scored': [{'slug': slug, 'points': points} for slug, points in f.scored],
            'area_only': list(f.area_only),
            'total_only': list(f.total_only),
            'mean': _round(s.mean if s else None),
            'median': _round(s.median if s else None),
            'q1': _round(s.q1 if s else None),
            'q3': _round(s.q3 if s else None),
            'lowest': s.lowest if s else None,
            'highest': s.highest if s else None,
            'sd': _round(s.sd if s else None),
            'share_of_max': _round(f.share),
            'small_sample': f.small,
        })
    return {
        'small_sample': calibration.small_sample,
        'catalogues': catalogues,
        'evaluators': [
            {
                'name': e.name,
                'evaluations': list(e.evaluations),
                'compared_scores': e.compared,
                'mean_difference': _round(e.mean_difference),
                'mean_difference_share': _round(e.mean_difference_share),
                'small_sample': e.small,
            }
            for e in calibration.evaluators
        ],
    }


def decimal(value: float | None, decimals: int = 1) -> str:
    """``12,5`` (Swedish decimal comma, as the charts write numbers); ``–``
    for an unknown value; whole numbers without decimals. Halves round up
    (52,5 % shows as 53 %), as readers round, not to even as ``round`` does."""
    if value is None:
        return '–'
    step = Decimal(1).scaleb(-decimals)
    rounded = Decimal(repr(value)).quantize(step, rounding=ROUND_HALF_UP)
    if rounded == rounded.to_integral_value():
        return str(abs(int(rounded))) if rounded == 0 else str(int(rounded))
    return f'{rounded:.{decimals}f}'.replace('.', ',')


def signed(value: float | None, decimals: int = 1) -> str:
    """``+2,5``, ``−1`` (a true minus sign), ``0``; ``–`` when unknown."""
    if value is None:
        return '–'
    text = decimal(abs(value), decimals)
    if text == '0':
        return '0'
    return ('+' if value > 0 else '−') + text


def percent(share: float | None) -> str:
    """``55 %`` for a share of 0.55 (a no-break space, as Swedish writes it);
    ``–`` when unknown."""
    return '–' if share is None else f'{decimal(share * 100, 0)}\u00a0%'
