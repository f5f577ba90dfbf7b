"""Which pages to write again after a change: those whose computed views changed.

Every page that shows computed data (it noted an aggregate while it was read)
gets a fingerprint of exactly what its views show: its evaluation's results,
the spec of each chart it draws, and for indexes the data of every
evaluation. After each build's reading, the pages whose fingerprint changed are
rewritten, and no others: a score changed in the latest evaluation leaves the
charts of earlier ones (pinned to their own dates) and their pages alone.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Set
from typing import TYPE_CHECKING

from .comparelinks import shown_link
from .views import box_title, chart_of

if TYPE_CHECKING:
    from sphinx.config import Config

    from .domain import KompassDomain

#: The scopes a page's views depend on (``domain.note_aggregate``).
EVALUATION_SCOPE = 'evaluation'  # its own evaluation (header, overview)
AREA_SCOPE = 'area:'  # + an area id: that area's box of its own evaluation
CHART_SCOPE = 'chart'  # charts: what they show is in their specs
SITE_SCOPE = 'site'  # every evaluation (indexes, catalogue, good examples)


def _digest(value: object) -> str:
    return hashlib.sha1(repr(value).encode('utf-8')).hexdigest()


def site_digest(domain: KompassDomain, config: Config) -> str:
    """What the views across every evaluation show."""
    derived = domain.derived
    return _digest((
        sorted(derived.summaries.items()),
        derived.examples,
        sorted((cid, cat.digest) for cid, cat in domain.catalogues.items()),
        sorted(derived.pages.items()),
        domain.published_averages,
        domain.inputs.since,
        config.kompass_average_min,
        domain.register is not None,
    ))


def view_fingerprints(domain: KompassDomain, config: Config) -> dict[str, str]:
    """Docname -> fingerprint of what its computed views show."""
    derived = domain.derived
    site = site_digest(domain, config)
    charts: dict[str, list[str]] = {}
    for record in domain.charts():
        which = record.criteria if record.kind == 'totals' else record.evaluation
        chart = chart_of(domain, config, record.kind, which, record.docname)
        shown = None if chart is None else (chart.spec, chart.caption)
        charts.setdefault(record.docname, []).append(
            json.dumps([record.line, shown], sort_keys=True, ensure_ascii=False))
    out = {}
    for docname, scopes in domain.aggregates().items():
        parts: list[object] = []
        if EVALUATION_SCOPE in scopes:
            result = domain.result_for(docname)
            if result is not None:
                previous = derived.summaries.get(result.record.previous or '')
                parts.append((derived.fingerprints.get(result.record.folder),
                              previous.label if previous else None,
                              previous.total if previous else None,
                              shown_link(domain, derived.summaries.get(result.slug))))
        boxes = sorted(s for s in scopes if s.startswith(AREA_SCOPE))
        if boxes:
            parts.append(_boxes(domain, docname, [s.removeprefix(AREA_SCOPE) for s in boxes]))
        if CHART_SCOPE in scopes:
            parts.append(charts.get(docname, []))
        if SITE_SCOPE in scopes:
            parts.append(site)
        out[docname] = _digest(parts)
    return out


def _boxes(domain: KompassDomain, docname: str, areas: list[str]) -> object:
    """What a page's area boxes show: each area's total and sub-area names."""
    result = domain.result_for(docname)
    catalogue = domain.catalogues.get(result.catalogue or '') if result else None
    if result is None or catalogue is None:
        return None
    shown = []
    for area_id in areas:
        area = catalogue.area(area_id)
        if area is not None:
            shown.append((area_id, result.area_totals.get(area_id),
                          [box_title(c, result) for c in area.criteria]))
    return shown


def changed_pages(before: dict[str, str], now: dict[str, str], existing: Set[str]) -> set[str]:
    """The pages whose views changed (or are new), among the documents there are."""
    return {d for d, value in now.items() if before.get(d) != value and d in existing}
