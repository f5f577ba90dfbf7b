"""The distribution chart of a criterion page: each evaluation a point, the
quartiles as a band, the median and the maximum as lines.

The spec is built here from a criterion's figures; ``charts.py`` draws it
(kind ``distribution``) like every other chart: named by its content, drawn
ahead in the pool of ``chartfiles.py``, removed there when no page shows it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .calibration import CriterionFigures, decimal
from .labels import _

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .comparison import Summary

Spec = dict[str, Any]

#: File names of these charts: ``kriterium-<hash>.svg``.
PREFIX = 'kriterium-'


def distribution_spec(
    figures: CriterionFigures, summaries: Mapping[str, Summary], language: str
) -> Spec | None:
    """What the chart shows, or None when no evaluation scored the criterion."""
    stats = figures.stats
    if stats is None:
        return None
    return {
        'kind': 'distribution',
        'language': language,
        'title': f'{figures.criterion} {figures.title}',
        'max': figures.max,
        'points': [
            {'label': summaries[slug].label if slug in summaries else slug, 'value': points}
            for slug, points in figures.scored
        ],
        'median': stats.median,
        'q1': stats.q1,
        'q3': stats.q3,
    }


def alt_text(spec: Spec) -> str:
    """The chart's numbers in words, for screen readers."""
    values = '; '.join(f'{p["label"]} {p["value"]}' for p in spec['points'])
    return _('%s: %s. Median %s, kvartiler %s–%s, högst %s poäng.') % (
        spec['title'], values, decimal(spec['median']), decimal(spec['q1']),
        decimal(spec['q3']), spec['max'],
    )
