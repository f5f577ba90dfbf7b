"""Charts drawn with matplotlib from the score data: areas, profile, trend.

Labels go through the translation point at drawing time; the spec carries the
language, so a chart in another language gets a file of its own.

A chart is described by a *spec*: plain data (JSON-able), built after reading
from the computed results. The file name holds the spec's hash, so a chart is
drawn once per distinct content, reused by incremental builds, and two clean
builds give byte-identical files (no dates, fixed SVG ids).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
import textwrap
from pathlib import Path
from typing import Any

from .labels import _

#: Bump when the drawing changes, so cached files are not reused.
STYLE_VERSION = 1

# Okabe–Ito: distinguishable with the common colour-vision deficiencies.
COLOURS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00',
           '#F0E442', '#000000']
HATCHES = ['', '//', '..', 'xx']
MARKERS = ['o', 's', '^', 'D', 'v', 'P', 'X', '*']

Spec = dict[str, Any]


def file_name(spec: Spec, ext: str) -> str:
    """``kompass-<kind>-<hash>.<ext>``: the content decides the name."""
    blob = json.dumps([STYLE_VERSION, spec], sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha1(blob.encode('utf-8')).hexdigest()[:16]
    return f'kompass-{spec["kind"]}-{digest}.{ext}'


def _fmt(value: float | None) -> str:
    if value is None:
        return '–'
    return str(int(value)) if float(value).is_integer() else f'{value:.1f}'.replace('.', ',')


def alt_text(spec: Spec) -> str:
    """The chart's data in words, for screen readers and text output."""
    parts = [spec['title'] + '.']
    if spec['kind'] == 'trend':
        for point in spec['points']:
            parts.append(_('%s: totalt %s av %s.') % (
                point['label'], _fmt(point['total']), spec['total_max']))
        return ' '.join(parts)
    for series in spec['series']:
        values = '; '.join(
            f'{label} {_fmt(v)}' for label, v in zip(spec['areas'], series['values'],
                                                      strict=True)
        )
        total = series.get('total')
        tail = (_('; totalt %s av %s') % (_fmt(total), spec['total_max'])
                if total is not None else '')
        parts.append(_('%s: %s%s (max %s per område).') % (
            series['label'], values, tail, spec['area_max']))
    return ' '.join(parts)


def rows(spec: Spec) -> tuple[list[str], list[list[str]]]:
    """The chart's numbers as a table (head, rows), for builders without images."""
    if spec['kind'] == 'trend':
        head = [_('Utvärdering'), *spec['areas'], _('Totalt')]
        body = [
            [p['label'], *(_fmt(v) for v in p['areas']), _fmt(p['total'])]
            for p in spec['points']
        ]
        return head, body
    head = [_('Område'), *(s['label'] for s in spec['series'])]
    body = [
        [area, *(_fmt(s['values'][i]) for s in spec['series'])]
        for i, area in enumerate(spec['areas'])
    ]
    body.append([_('Totalt'), *(_fmt(s.get('total')) for s in spec['series'])])
    return head, body


def _wrap(label: str) -> str:
    return '\n'.join(textwrap.wrap(label, 14, break_long_words=False)) or label


def _draw_bars(fig: Any, spec: Spec) -> None:
    ax = fig.add_subplot(1, 1, 1)
    n = len(spec['series'])
    width = 0.8 / max(n, 1)
    xs = range(len(spec['areas']))
    ax.bar(xs, [spec['area_max']] * len(spec['areas']), 0.9, color='#eeeeee',
           edgecolor='#cccccc', label=_('Max (%s per område)') % spec['area_max'], zorder=0)
    for i, series in enumerate(spec['series']):
        offset = (i - (n - 1) / 2) * width
        positions = [x + offset for x in xs]
        values = [v if v is not None else 0 for v in series['values']]
        style = series.get('style', 'bar')
        if style == 'marker':
            known = [(p, v) for p, v in zip(positions, series['values'], strict=True)
                     if v is not None]
            ax.plot([p for p, _ in known], [v for _, v in known], linestyle='none',
                    marker='D', markersize=7, color='#000000', label=series['label'],
                    zorder=3)
            continue
        bars = ax.bar(positions, values, width, color=COLOURS[i % len(COLOURS)],
                      hatch=HATCHES[i % len(HATCHES)], edgecolor='#333333',
                      linewidth=0.6, label=series['label'], zorder=2)
        if n == 1:
            ax.bar_label(bars, labels=[_fmt(v) for v in series['values']], padding=2)
    ax.set_xticks(list(xs), [_wrap(a) for a in spec['areas']], fontsize=8)
    ax.set_ylim(0, spec['area_max'] * 1.08)
    ax.set_ylabel(_('Poäng'))
    ax.set_title(spec['title'], fontsize=11)
    ax.legend(fontsize=8, loc='upper center', bbox_to_anchor=(0.5, -0.22),
              ncol=min(n + 1, 3), frameon=False)
    ax.spines[['top', 'right']].set_visible(False)


def _draw_trend(fig: Any, spec: Spec) -> None:
    points = spec['points']
    labels = [p['label'] for p in points]
    xs = list(range(len(points)))
    has_areas = any(v is not None for p in points for v in p['areas'])
    left = fig.add_subplot(1, 2 if has_areas else 1, 1)
    totals = [(x, p['total']) for x, p in zip(xs, points, strict=True)
              if p['total'] is not None]
    left.plot([x for x, _ in totals], [t for _, t in totals], marker='o',
              color=COLOURS[0], label=_('Totalt'))
    for x, t in totals:
        left.annotate(_fmt(t), (x, t), textcoords='offset points', xytext=(0, 6),
                      ha='center', fontsize=8)
    left.set_ylim(0, spec['total_max'])
    left.set_xticks(xs, labels, fontsize=8)
    left.set_xlim(-0.5, len(xs) - 0.5)
    left.set_title(_('Totalpoäng (max %s)') % spec['total_max'], fontsize=10)
    fig.suptitle(spec['title'], fontsize=11)
    if not has_areas:
        return  # only totals are known: no empty area panel
    right = fig.add_subplot(1, 2, 2)
    for i, area in enumerate(spec['areas']):
        known = [(x, p['areas'][i]) for x, p in zip(xs, points, strict=True)
                 if p['areas'][i] is not None]
        if known:
            right.plot([x for x, _ in known], [v for _, v in known],
                       marker=MARKERS[i % len(MARKERS)], color=COLOURS[i % len(COLOURS)],
                       label=area)
    right.set_ylim(0, spec['area_max'])
    right.set_xticks(xs, labels, fontsize=8)
    right.set_xlim(-0.5, len(xs) - 0.5)
    right.set_title(_('Områden (max %s per område)') % spec['area_max'], fontsize=10)
    if right.lines:
        right.legend(fontsize=7, loc='upper left', bbox_to_anchor=(1.02, 1),
                     frameon=False)


def draw(spec: Spec, fmt: str) -> bytes:
    """The chart as SVG or PDF bytes, with nothing that varies between runs."""
    import matplotlib as mpl
    from matplotlib.figure import Figure

    # Labels are data: "$...$" in a name is text, never mathtext.
    rc: Any = {'svg.hashsalt': 'kompass', 'svg.fonttype': 'path', 'pdf.fonttype': 42,
               'font.family': 'DejaVu Sans', 'hatch.linewidth': 0.6,
               'text.parse_math': False}
    with mpl.rc_context(rc):
        fig = Figure(figsize=(9, 4.6) if spec['kind'] == 'trend' else (8, 4.8),
                     layout='constrained')
        if spec['kind'] == 'trend':
            _draw_trend(fig, spec)
        else:
            _draw_bars(fig, spec)
        metadata: dict[str, Any] = (
            {'Date': None} if fmt == 'svg' else {'CreationDate': None, 'ModDate': None}
        )
        buffer = io.BytesIO()
        fig.savefig(buffer, format=fmt, metadata=metadata)
    return buffer.getvalue()


def ensure_file(spec: Spec, folder: Path, fmt: str) -> tuple[str, bool]:
    """Draw the chart into *folder* unless a file of that content is there.

    Returns the file name and whether it was drawn now. The file is written
    under a temporary name and renamed, so parallel writers never see half.
    """
    name = file_name(spec, fmt)
    path = folder / name
    if path.is_file():
        return name, False
    folder.mkdir(parents=True, exist_ok=True)
    data = draw(spec, fmt)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix='.kompass-')
    with os.fdopen(fd, 'wb') as handle:
        handle.write(data)
    os.replace(tmp, path)
    return name, True
