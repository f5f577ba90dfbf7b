"""The distribution chart of a criterion page: each evaluation a point, the
quartiles as a band, the median and the maximum as lines.

It follows ``charts.py``: a JSON-able spec, labels translated at drawing
time (the spec carries the language), the file named by its content
(``charts.file_name``), drawn once and reused, byte-identical across clean
builds. Its files are called ``kriterium-<hash>.svg`` rather than
``kompass-...``: ``chartfiles`` removes every ``kompass-*`` file that no
``{score-chart}`` uses, and this chart is no ``{score-chart}``. The files no
criterion page uses any more are removed here, after each HTML build.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import charts
from .calibration import CriterionFigures, decimal
from .labels import _

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

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


def file_name(spec: Spec, fmt: str) -> str:
    """``kriterium-<hash>.<fmt>``: the content decides the name."""
    return PREFIX + charts.file_name(spec, fmt).removeprefix(f'kompass-{spec["kind"]}-')


def draw(spec: Spec, fmt: str) -> bytes:
    """The chart as SVG or PDF bytes, with nothing that varies between runs."""
    import matplotlib as mpl
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    rc: Any = {'svg.hashsalt': 'kompass', 'svg.fonttype': 'path', 'pdf.fonttype': 42,
               'font.family': 'DejaVu Sans', 'text.parse_math': False}
    maximum = spec['max']
    values = [p['value'] for p in spec['points']]
    # Equal points stack upwards, so every evaluation stays visible.
    seen: Counter[int] = Counter()
    heights = []
    for value in values:
        heights.append(seen[value])
        seen[value] += 1
    stack = max(heights, default=0)
    with mpl.rc_context(rc):
        # A fixed layout: constrained layout would cost a third of the time.
        fig = Figure(figsize=(7, 2.6 + 0.12 * stack))
        ax = fig.add_axes((0.04, 0.42, 0.92, 0.44))
        ax.axvspan(spec['q1'], spec['q3'], color='#dbe5ef', zorder=0,
                   label=_('Kvartiler (mittersta hälften)'))
        ax.axvline(spec['median'], color=charts.COLOURS[5], linewidth=2, zorder=1,
                   label=_('Median'))
        ax.axvline(maximum, color='#333333', linestyle='--', linewidth=1, zorder=1,
                   label=_('Högst möjliga (%s)') % maximum)
        ax.scatter(values, heights, s=60, color=charts.COLOURS[0], edgecolor='#ffffff',
                   linewidth=0.8, zorder=3, label=_('En utvärdering'))
        ax.set_xlim(-maximum * 0.03, maximum * 1.05)
        ax.set_ylim(-0.8, stack + 0.8)
        ax.set_yticks([])
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))
        ax.set_xlabel(_('Poäng'), fontsize=10)
        ax.set_title(spec['title'], fontsize=12)
        ax.spines[['top', 'right', 'left']].set_visible(False)
        fig.legend(fontsize=9, loc='lower center', ncol=2, frameon=False)
        metadata: dict[str, Any] = (
            {'Date': None} if fmt == 'svg' else {'CreationDate': None, 'ModDate': None}
        )
        buffer = io.BytesIO()
        fig.savefig(buffer, format=fmt, metadata=metadata)
    return buffer.getvalue()


def ensure_file(spec: Spec, folder: Path, fmt: str) -> str:
    """Draw the chart into *folder* unless a file of that content is there;
    written under a temporary name and renamed, so no reader sees half."""
    name = file_name(spec, fmt)
    path = folder / name
    if path.is_file():
        return name
    folder.mkdir(parents=True, exist_ok=True)
    data = draw(spec, fmt)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix='.kompass-')
    with os.fdopen(fd, 'wb') as handle:
        handle.write(data)
    os.replace(tmp, path)
    return name


def remove_unused(folder: Path, fmt: str, in_use: Iterable[Spec]) -> list[str]:
    """Delete the ``kriterium-*`` files in *folder* that no spec names."""
    keep = {file_name(spec, fmt) for spec in in_use}
    removed = []
    for path in sorted(folder.glob(f'{PREFIX}*.{fmt}')):
        if path.name not in keep:
            path.unlink()
            removed.append(path.name)
    return removed
