"""The chart files a build needs, and removing the ones no page uses any more.

Chart files are named by their content (``charts.file_name``), so a changed
score makes a new file and leaves the old one behind. After each build, the
files of the output that no page shows are removed, so an incremental build
leaves the same chart files as a clean one. Which charts are in use is known
from the domain alone (each ``{score-chart}`` is recorded with its page, and a
spec depends only on the domain's data), also for pages not written this time.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from . import charts
from .domain import KompassDomain, get_domain
from .pages import municipality_chart
from .siteviews import PAGE_BUILDERS
from .views import chart_of

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

    from .chartspec import Spec

#: Output folder of the chart files, by builder format.
_FORMATS = {'html': 'svg', 'latex': 'pdf'}


def charts_in_use(domain: KompassDomain, config: Config, pages: bool) -> list[Spec]:
    """Every chart the documents show (and the municipality pages, if *pages*)."""
    specs: list[Spec] = []
    for record in domain.charts():
        which = record.criteria if record.kind == 'totals' else record.evaluation
        chart = chart_of(domain, config, record.kind, which, record.docname)
        if chart is not None:
            specs.append(chart.spec)
    if pages:
        for name in domain.municipalities_with_pages():
            chart = municipality_chart(domain, config, name)
            if chart is not None:
                specs.append(chart.spec)
    return specs


def remove_unused(folder: Path, fmt: str, in_use: list[Spec]) -> list[str]:
    """Delete ``kompass-*`` chart files in *folder* that no spec names."""
    keep = {charts.file_name(spec, fmt) for spec in in_use}
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
    folder = Path(builder.outdir)
    if fmt == 'svg':
        folder /= builder.imagedir
    if not folder.is_dir():
        return
    in_use = charts_in_use(get_domain(app.env), app.config, builder.name in PAGE_BUILDERS)
    remove_unused(folder, fmt, in_use)


def setup_chartfiles(app: Sphinx) -> None:
    """Register the clean-up of unused chart files."""
    app.connect('build-finished', remove_unused_charts)
