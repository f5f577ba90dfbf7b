"""The chart files a build needs: drawn ahead, in parallel, and removed when
no page uses them any more.

Drawing is the costliest part of a build (about 0.1 s a chart), so when
writing starts, every chart the output needs and does not have yet is handed
to a pool of processes, one per core, while Sphinx writes the pages; a page
waits only for its own charts. When Sphinx itself writes in parallel
processes, those only name the charts the pool is drawing, and the build waits
for the pool before it ends; a chart that failed there is warned about at its
directive.

Chart files are named by their content (``charts.file_name``), so a changed
score makes a new file and leaves the old one behind. After each build, the
files of the output that no page shows are removed, so an incremental build
leaves the same chart files as a clean one. Which charts are in use is known
from the domain alone (each ``{score-chart}`` is recorded with its page, and a
spec depends only on the domain's data), also for pages not written this time.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from . import charts, heap, logs
from .criterionpages import charts_in_use as criterion_charts
from .domain import KompassDomain, get_domain
from .pages import municipality_chart
from .siteviews import PAGE_BUILDERS
from .views import chart_of

if TYPE_CHECKING:
    from collections.abc import Set

    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.config import Config

    from .chartspec import Spec

#: Output folder of the chart files, by builder format.
_FORMATS = {'html': 'svg', 'latex': 'pdf'}


class InUse(NamedTuple):
    """A chart some page shows, and where a failure to draw it is told."""

    spec: Spec
    #: ``file:line`` of what asks for it: the ``{score-chart}`` directive, the
    #: municipality's latest evaluation, the criterion's catalogue.
    where: str


def charts_in_use(domain: KompassDomain, config: Config, pages: bool,
                  documents: Set[str] = frozenset()) -> list[InUse]:
    """Every chart the documents show (and the generated pages', if *pages*;
    *documents* are the project's, which a generated page never replaces);
    made once per build for the same arguments (drawing ahead and removing
    unused files both ask)."""
    key = f'charts_in_use:{pages}:{id(documents)}:{len(documents)}'
    return domain.memo(key, lambda: _charts_in_use(domain, config, pages, documents))


def _charts_in_use(domain: KompassDomain, config: Config, pages: bool,
                   documents: Set[str]) -> list[InUse]:
    doc2path = domain.env.doc2path
    used: list[InUse] = []
    for record in domain.charts():
        which = record.criteria if record.kind == 'totals' else record.evaluation
        chart = chart_of(domain, config, record.kind, which, record.docname)
        if chart is not None:
            used.append(InUse(chart.spec, f'{doc2path(record.docname)}:{record.line}'))
    if pages:
        for name in domain.municipalities_with_pages():
            chart = municipality_chart(domain, config, name)
            if chart is not None:
                used.append(InUse(chart.spec, _latest_of(domain, name)))
        used.extend(InUse(spec, f'{catalogue.path}:1')
                    for spec, catalogue in criterion_charts(domain, config, documents))
    return used


def _latest_of(domain: KompassDomain, name: str) -> str:
    """Where the municipality's latest evaluation with a report is stated."""
    latest = max(
        (s for s in domain.summaries.values() if s.municipality == name and s.docname),
        key=lambda s: (s.sort_date, s.slug), default=None,
    )
    result = domain.result_for(latest.docname) if latest and latest.docname else None
    if result is None:
        return domain.inputs.score_data_path
    return f'{domain.env.doc2path(result.record.docname)}:{result.record.line}'


def remove_unused(folder: Path, fmt: str, in_use: list[InUse]) -> list[str]:
    """Delete ``kompass-*`` chart files in *folder* that no page shows."""
    keep = {charts.file_name(chart.spec, fmt) for chart in in_use}
    removed = []
    for path in sorted(folder.glob(f'kompass-*.{fmt}')):
        if path.name not in keep:
            path.unlink()
            removed.append(path.name)
    return removed


def remove_unused_charts(app: Sphinx, exception: Exception | None) -> None:
    """build-finished: remove the chart files no page of this output uses."""
    builder = app.builder
    fmt = _FORMATS.get(builder.format)
    if exception is not None or fmt is None:
        return
    folder = _folder(builder)
    if not folder.is_dir():
        return
    in_use = charts_in_use(get_domain(app.env), app.config, builder.name in PAGE_BUILDERS,
                           app.env.found_docs)
    remove_unused(folder, fmt, in_use)


def _folder(builder: Builder) -> Path:
    folder = Path(builder.outdir)
    return folder / builder.imagedir if _FORMATS.get(builder.format) == 'svg' else folder


_POOL: list[ProcessPoolExecutor] = []


def draw_ahead(app: Sphinx, builder: Builder) -> None:
    """write-started: draw the charts the output lacks, in a pool of processes."""
    fmt = _FORMATS.get(builder.format)
    if fmt is None or not builder.supported_image_types:
        return
    folder = _folder(builder)
    in_use = charts_in_use(get_domain(app.env), app.config, builder.name in PAGE_BUILDERS,
                           app.env.found_docs)
    missing = {folder / charts.file_name(chart.spec, fmt): chart for chart in in_use}
    missing = {path: chart for path, chart in missing.items() if not path.is_file()}
    if len(missing) < 2 or 'fork' not in multiprocessing.get_all_start_methods():
        return  # drawn as the pages need them
    workers = max(1, min(os.cpu_count() or 1, len(missing)))
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context('fork'),
                               initializer=_behind_the_build)
    _POOL.append(pool)
    # The workers are forked from the whole build (its environment); shared
    # frozen, its objects are not visited by a worker's garbage collector,
    # which would otherwise copy most of the parent's memory into each worker.
    with heap.shared_with_forks():
        for path, chart in missing.items():
            charts.expect(path, pool.submit(charts.write_file, chart.spec, path, fmt))
            _WHERE[path] = chart.where


def _behind_the_build() -> None:
    """A pool worker yields the processor to the build: in a serial build it
    draws on the cores Sphinx leaves idle; with ``-j`` Sphinx's own processes
    (the main one resolves every page, one after another) come first, and the
    charts they have not waited for are drawn when a core is free."""
    os.nice(_NICENESS)


#: How much lower than the build a chart worker runs (``nice``).
_NICENESS = 10

#: Where each chart drawn ahead is asked for, to warn there if it fails.
_WHERE: dict[Path, str] = {}


def finish_drawing(app: Sphinx | None = None, exception: Exception | None = None) -> None:
    """build-finished: wait for the charts drawn ahead that no page of this
    process waited for (those of a parallel write's pages, or of pages not
    written this time); warn at each that failed. No drawing outlives the build."""
    while _POOL:
        _POOL.pop().shutdown(wait=True)
    for path, future in sorted(charts.PENDING.items()):
        error = future.exception() if exception is None else None
        if error is not None:
            logs.emit(logs.Problem(
                logs.Kind.CHART,
                f'the chart could not be drawn ({type(error).__name__}: {error}); '
                'its numbers are in its text alternative',
                _WHERE.get(path, 'kompass'),
            ))
    charts.PENDING.clear()
    _WHERE.clear()


def setup_chartfiles(app: Sphinx) -> None:
    """Register drawing ahead and the clean-up of unused chart files."""
    app.connect('write-started', draw_ahead)
    app.connect('build-finished', finish_drawing, priority=100)
    app.connect('build-finished', remove_unused_charts)
