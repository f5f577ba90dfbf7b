"""What each chart shows: specs built from the comparisons, without Sphinx.

A *spec* is plain, JSON-able data (see ``charts.py``, which draws it); a
:class:`Chart` is a spec with its caption. Building specs needs only the
summaries, catalogues and settings in :class:`ChartData`, so the same function
serves report pages, municipality pages and the drawing of charts ahead of
writing, and can be tested without a build.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from .catalogue import Catalogue
from .comparison import Average, AverageIndex, Summary, history
from .labels import _
from .scoredata import PublishedAverage

Spec = dict[str, Any]

CHART_KINDS = ('areas', 'profile', 'trend', 'totals')


class Chart(NamedTuple):
    """A chart to draw and the caption under it."""

    spec: Spec
    caption: str


@dataclass(frozen=True)
class ChartData:
    """Everything charts compare with, from the domain and the configuration."""

    summaries: Mapping[str, Summary]
    catalogues: Mapping[str, Catalogue]
    published: Sequence[PublishedAverage]
    #: ``kompass_average_since``.
    since: str
    #: The language labels are drawn in (part of a chart's identity).
    language: str
    #: ``kompass_average_min``: fewer evaluations than this, and no computed
    #: average is drawn or printed.
    average_min: int = 10
    #: The averages and histories of *summaries*, computed once per build
    #: (made here from *summaries* when not given).
    averages: AverageIndex | None = None
    histories: Mapping[str, list[Summary]] | None = None

    def average(self, target: Summary) -> Average:
        """The national average pinned to *target*'s date."""
        index = self.averages or AverageIndex(self.summaries.values(), self.since)
        return index.average(target)

    def history(self, municipality: str) -> list[Summary]:
        """The municipality's evaluations in date order."""
        if self.histories is not None:
            return self.histories.get(municipality, [])
        return history(municipality, self.summaries.values())


def build_chart(
    kind: str, summary: Summary, data: ChartData, *, previous: str | None = None
) -> Chart | None:
    """The chart of *kind* for *summary*, or None when its catalogue is unknown.

    *previous* is the slug of the evaluation a report names as its previous
    one (profile charts compare with it).
    """
    catalogue = data.catalogues.get(summary.criteria)
    if catalogue is None:
        return None
    spec: Spec = {
        'kind': kind,
        'language': data.language,
        'areas': [a.label for a in catalogue.areas],
        'area_max': max((a.max for a in catalogue.areas), default=100),
        'total_max': catalogue.max,
    }
    notes: list[str] = []
    if kind == 'areas':
        spec['title'] = _('%s: totalpoäng %s av %d') % (
            summary.label, summary.total if summary.total is not None else '–', catalogue.max)
        spec['series'] = [_series(summary, catalogue, summary.label)]
        caption = _('Poäng per område för %s (högst %d per område).') % (
            summary.label, spec['area_max'])
    elif kind == 'profile':
        caption = _profile(spec, summary, catalogue, data, previous, notes)
    else:
        caption = _trend(spec, summary, catalogue, data, notes)
    return Chart(spec, ' '.join([caption, *notes]))


def build_totals_chart(data: ChartData, criteria: str = '') -> Chart | None:
    """Every evaluation's total, year by year, for one catalogue (*criteria*,
    or the one most evaluations use): each a dot, the median where enough
    evaluations stand behind it (``average_min``)."""
    counts: dict[str, int] = {}
    for s in data.summaries.values():
        counts[s.criteria] = counts.get(s.criteria, 0) + 1
    cid = criteria or min(counts, key=lambda c: (-counts[c], c), default='')
    catalogue = data.catalogues.get(cid)
    if catalogue is None:
        return None
    by_year: dict[int, list[int]] = {}
    for s in data.summaries.values():
        if s.criteria == cid and s.total is not None and s.year is not None:
            by_year.setdefault(s.year, []).append(s.total)
    years: list[dict[str, Any]] = [
        {'label': str(year), 'totals': sorted(totals),
         'median': statistics.median(totals) if len(totals) >= data.average_min else None}
        for year, totals in sorted(by_year.items())
    ]
    count = sum(len(totals) for totals in by_year.values())
    spec: Spec = {
        'kind': 'totals', 'language': data.language, 'total_max': catalogue.max,
        'title': _('Totalpoäng för %d utvärderingar, år för år') % count,
        'years': years, 'minimum': data.average_min,
    }
    caption = _('Varje punkt är en utvärdering med %s (%s); en linje markerar årets '
                'median där minst %d utvärderingar står bakom den.') % (
        catalogue.title, _('högst %d poäng') % catalogue.max, data.average_min)
    return Chart(spec, caption)


def _profile(
    spec: Spec, summary: Summary, catalogue: Catalogue, data: ChartData,
    previous_slug: str | None, notes: list[str],
) -> str:
    """The evaluation against what it can honestly be compared with: its
    previous evaluation, the computed average (only over enough evaluations),
    a published average; title and caption name exactly what is drawn."""
    series = [_series(summary, catalogue, summary.label)]
    compared: list[str] = []
    previous = data.summaries.get(previous_slug or '')
    if previous_slug and previous is None:
        notes.append(_('Den tidigare utvärderingen (%s) finns inte i underlaget.')
                     % previous_slug)
    elif previous is not None and previous.criteria != summary.criteria:
        notes.append(_('Den tidigare utvärderingen (%s) gjordes med andra kriterier '
                       'och visas inte.') % previous.label)
    elif previous is not None and not previous.areas:
        total = '–' if previous.total is None else str(previous.total)
        notes.append(_('För %s finns bara totalpoängen (%s), så den visas inte per '
                       'område.') % (previous.label, total))
    elif previous is not None:
        series.append(_series(previous, catalogue, previous.label))
        compared.append(previous.label)

    since = data.since
    average = data.average(summary)
    enough = {a: n for a, n in average.area_counts.items() if n >= data.average_min}
    counted = max(average.area_counts.values(), default=0)
    if enough:
        label = _('Genomsnitt sedan %s (%d utv.)') % (since[:4], max(enough.values()))
        mean = average.total if average.total_count >= data.average_min else None
        series.append(_average_series(average, catalogue, label, set(enough), mean))
        compared.append(_('genomsnittet'))
        notes.append(
            _('Genomsnittet avser utvärderingar med samma kriterier från %s till och '
              'med %s: %d med områdespoäng, %d med totalpoäng.')
            % (since, summary.sort_date, counted, average.total_count)
        )
    else:
        notes.append(
            _('Inget beräknat genomsnitt visas: från %s till och med %s finns bara %d '
              'utvärderingar med områdespoäng och samma kriterier, och ett genomsnitt '
              'visas först när minst %d står bakom det.')
            % (since, summary.sort_date, counted, data.average_min)
        )
    published = [
        p for p in data.published
        if p.criteria == summary.criteria and p.date <= summary.sort_date and p.areas
    ]
    if published:
        latest = max(published, key=lambda p: p.date)
        series.append({
            'label': _('Publicerat snitt: %s') % latest.label,
            'values': [latest.areas.get(a.id) for a in catalogue.areas],
            'total': latest.total,
            'style': 'marker',
        })
        compared.append(_('publicerat snitt'))
        notes.append(_('Det publicerade snittet (%s, %s) visas för sig och ingår '
                       'inte i något beräknat genomsnitt.') % (latest.label, latest.source))
    spec['series'] = series
    if not compared:
        spec['title'] = _('%s: poäng per område') % summary.label
        return _('%s per område; det finns inget att jämföra med i underlaget.') % (
            summary.label)
    together = compared[0] if len(compared) == 1 else (
        ', '.join(compared[:-1]) + ' ' + _('och') + ' ' + compared[-1])
    spec['title'] = _('%s jämfört med %s') % (summary.label, together)
    return _('%s per område jämfört med %s.') % (summary.label, together)


def _trend(
    spec: Spec, summary: Summary, catalogue: Catalogue, data: ChartData, notes: list[str]
) -> str:
    past = [
        s for s in data.history(summary.municipality)
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
    if any(s.areas for s in past):
        return _('Områdes- och totalpoäng för %s, utvärdering för utvärdering.') % (
            summary.municipality)
    return _('Totalpoäng för %s, utvärdering för utvärdering (områdespoäng finns inte '
             'i underlaget).') % summary.municipality


def _series(summary: Summary, catalogue: Catalogue, label: str) -> dict[str, Any]:
    return {
        'label': label,
        'values': [summary.areas.get(a.id) for a in catalogue.areas],
        'total': summary.total,
    }


def _average_series(
    average: Average, catalogue: Catalogue, label: str, shown: set[str],
    total: float | None,
) -> dict[str, Any]:
    """The average of the areas in *shown* (the others stand on too few)."""
    return {
        'label': label,
        'values': [
            round(average.areas[a.id], 1) if a.id in shown else None
            for a in catalogue.areas
        ],
        'total': round(total, 1) if total is not None else None,
    }
