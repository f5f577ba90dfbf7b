"""Charts drawn with matplotlib from the score data: areas, profile, trend.

Labels go through the translation point at drawing time; the spec carries the
language, so a chart in another language gets a file of its own.

A chart is described by a *spec*: plain data (JSON-able), built after reading
from the computed results. The file name holds the spec's hash, so a chart is
drawn once per distinct content, reused by incremental builds, and two clean
builds give byte-identical files (no dates, fixed SVG ids).
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import subprocess
import tempfile
from concurrent import futures
from concurrent.futures import Future
from importlib.metadata import version
from pathlib import Path
from typing import Any

from .labels import _

#: What the drawing depends on besides the spec: this module's code and
#: matplotlib's version. Part of every file name, so a changed drawing never
#: reuses a file drawn the old way.
STYLE = hashlib.sha1(
    Path(__file__).read_bytes() + version('matplotlib').encode()
).hexdigest()[:8]

# Okabe–Ito: distinguishable with the common colour-vision deficiencies.
COLOURS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00',
           '#F0E442', '#000000']
HATCHES = ['', '//', '..', 'xx']
MARKERS = ['o', 's', '^', 'D', 'v', 'P', 'X', '*']

Spec = dict[str, Any]


def file_name(spec: Spec, ext: str) -> str:
    """``kompass-<kind>-<hash>.<ext>``: the content decides the name."""
    # A PDF chart also depends on the font found for it.
    style = [STYLE, pdf_family()] if ext == 'pdf' else [STYLE]
    blob = json.dumps([style, spec], sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha1(blob.encode('utf-8')).hexdigest()[:16]
    return f'kompass-{spec["kind"]}-{digest}.{ext}'


def _fmt(value: float | None) -> str:
    if value is None:
        return '–'
    return str(int(value)) if float(value).is_integer() else f'{value:.1f}'.replace('.', ',')


def _year_summary(year: dict[str, Any]) -> list[str]:
    """A year of a totals chart in words: how many, lowest, median, highest."""
    totals = year['totals']
    median = '–' if year['median'] is None else _fmt(year['median'])
    return [year['label'], str(len(totals)), _fmt(min(totals)), median, _fmt(max(totals))]


def alt_text(spec: Spec) -> str:
    """The chart's data in words, for screen readers and text output."""
    parts = [spec['title'] + '.']
    if spec['kind'] == 'totals':
        for year in spec['years']:
            label, count, low, median, high = _year_summary(year)
            if count == '1':  # one evaluation: its points, not a range of one
                parts.append(_('%s: en utvärdering, %s poäng.') % (label, low))
                continue
            parts.append(_('%s: %s utvärderingar, lägst %s, median %s, högst %s.') % (
                label, count, low, median, high))
        return ' '.join(parts)
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
    if spec['kind'] == 'totals':
        head = [_('År'), _('Utvärderingar'), _('Lägst'), _('Median'), _('Högst')]
        return head, [_year_summary(year) for year in spec['years']]
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


#: Sizes in points; charts are drawn 6.4 inches wide, shown at the text's
#: width on a screen and scaled down about 0.55 on a phone, where 13 points
#: still read as 9-10 pixels (tests/test_site.py measures it).
_TEXT = 14
_SMALL = 13
_WIDTH = 6.4


def _draw_bars(fig: Any, spec: Spec) -> None:
    """Areas as rows of horizontal bars (area names stay readable on a phone),
    each bar with its value, the maximum as a grey bar behind."""
    areas = spec['areas']
    bars = spec['series']
    per_row = max(len(bars), 1)
    row = 0.34 * per_row + 0.22
    legend_rows = len(spec['series']) + 1
    head = 0.45 + 0.27 * legend_rows
    height = head + row * len(areas) + 0.45
    left = min(0.15 + 0.11 * max((len(a) for a in areas), default=4), 2.9)
    fig.set_size_inches(_WIDTH, height)
    ax = fig.add_axes((left / _WIDTH, 0.45 / height, 1 - (left + 0.25) / _WIDTH,
                       (row * len(areas)) / height))
    top = spec['area_max']
    ys = list(range(len(areas)))
    ax.barh(ys, [top] * len(areas), 0.9, color='#ececec', edgecolor='#c8c8c8',
            linewidth=0.6, label=_('Max (%s per område)') % top, zorder=0)
    width = 0.8 / per_row
    for i, series in enumerate(bars):
        offset = (i - (per_row - 1) / 2) * width
        positions = [y + offset for y in ys]
        known = [(p, v) for p, v in zip(positions, series['values'], strict=True)
                 if v is not None]
        # A published average is a series of its own, in grey: never mixed
        # with (or mistaken for) the computed one.
        published = series.get('style') == 'marker'
        ax.barh([p for p, _v in known], [v for _p, v in known], width * 0.92,
                color='#555555' if published else COLOURS[i % len(COLOURS)],
                hatch='' if published else HATCHES[i % len(HATCHES)],
                edgecolor='#333333', linewidth=0.5, label=series['label'], zorder=2)
        for p, v in known:
            ax.text(v + top * 0.012, p, _fmt(v), va='center', ha='left',
                    fontsize=_SMALL if per_row > 1 else _TEXT, zorder=4)
    ax.set_yticks(ys, areas, fontsize=_TEXT)
    ax.set_ylim(len(areas) - 0.5, -0.5)
    ax.set_xlim(0, top * 1.13)
    ax.set_xticks([round(top * k / 4) for k in range(5)],
                  [str(round(top * k / 4)) for k in range(5)], fontsize=_SMALL)
    ax.tick_params(axis='y', length=0)
    ax.spines[['top', 'right']].set_visible(False)
    fig.text(0.02, 1 - 0.3 / height, spec['title'], fontsize=_TEXT + 1, weight='bold',
             va='center', ha='left')
    handles, labels = ax.get_legend_handles_labels()
    # The maximum last: the series first, as a reader looks for them.
    order = [*range(1, len(handles)), 0]
    fig.legend([handles[i] for i in order], [labels[i] for i in order],
               loc='upper left', bbox_to_anchor=(0.02, 1 - 0.5 / height), ncol=1,
               frameon=False, fontsize=_SMALL, handlelength=1.4, borderaxespad=0)


def _draw_trend(fig: Any, spec: Spec) -> None:
    """Totals over time, and below them (where known) the areas, one line each."""
    points = spec['points']
    labels = [p['label'] for p in points]
    xs = list(range(len(points)))
    has_areas = any(v is not None for p in points for v in p['areas'])
    panel = 2.6
    legend = 0.3 * ((len(spec['areas']) + 1) // 2) if has_areas else 0
    height = 0.7 + panel + ((panel + 0.7 + legend) if has_areas else 0) + 0.35
    fig.set_size_inches(_WIDTH, height)
    fig.text(0.02, 1 - 0.3 / height, spec['title'], fontsize=_TEXT + 1, weight='bold',
             va='center', ha='left')

    def axes(bottom: float) -> Any:
        return fig.add_axes((0.9 / _WIDTH, bottom / height, 1 - 1.2 / _WIDTH, panel / height))

    total_axes = axes(height - 0.7 - panel)
    totals = [(x, p['total']) for x, p in zip(xs, points, strict=True) if p['total'] is not None]
    total_axes.plot([x for x, _t in totals], [t for _x, t in totals], marker='o',
                    color=COLOURS[0], linewidth=2)
    for x, t in totals:
        total_axes.text(x, t + spec['total_max'] * 0.04, _fmt(t), ha='center', va='bottom',
                        fontsize=_SMALL)
    total_axes.set_ylim(0, spec['total_max'] * 1.12)
    total_axes.set_title(_('Totalpoäng (max %s)') % spec['total_max'], fontsize=_TEXT,
                         loc='left')
    panels = [total_axes]
    if has_areas:
        area_axes = axes(0.35 + legend + 0.35)
        for i, area in enumerate(spec['areas']):
            known = [(x, p['areas'][i]) for x, p in zip(xs, points, strict=True)
                     if p['areas'][i] is not None]
            if known:
                area_axes.plot([x for x, _v in known], [v for _x, v in known],
                               marker=MARKERS[i % len(MARKERS)],
                               color=COLOURS[i % len(COLOURS)], label=area)
        area_axes.set_ylim(0, spec['area_max'] * 1.05)
        area_axes.set_title(_('Områden (max %s per område)') % spec['area_max'],
                            fontsize=_TEXT, loc='left')
        fig.legend(*area_axes.get_legend_handles_labels(), loc='lower left',
                   bbox_to_anchor=(0.9 / _WIDTH, 0.2 / height), ncol=2, frameon=False,
                   fontsize=_SMALL, borderaxespad=0)
        panels.append(area_axes)
    for ax in panels:
        ax.set_xticks(xs, labels, fontsize=_SMALL)
        ax.set_xlim(-0.5, len(xs) - 0.5)
        ax.tick_params(axis='y', labelsize=_SMALL)
        ax.spines[['top', 'right']].set_visible(False)


def _draw_totals(fig: Any, spec: Spec) -> None:
    """Each evaluation's total as a dot in its year's column, the median as a line."""
    years = spec['years']
    height = 4.6
    fig.set_size_inches(_WIDTH, height)
    fig.text(0.02, 1 - 0.3 / height, spec['title'], fontsize=_TEXT + 1, weight='bold',
             va='center', ha='left')
    ax = fig.add_axes((0.9 / _WIDTH, 0.6 / height, 1 - 1.1 / _WIDTH, (height - 1.3) / height))
    for x, year in enumerate(years):
        totals = year['totals']
        # Dots side by side where totals are equal, in a fixed order (no randomness).
        spread = [x + (i - (len(totals) - 1) / 2) * min(0.5 / max(len(totals), 1), 0.08)
                  for i in range(len(totals))]
        ax.plot(spread, totals, linestyle='none', marker='o', markersize=7,
                color=COLOURS[0], markeredgecolor='#ffffff', alpha=0.9)
        if year['median'] is not None:
            ax.plot([x - 0.35, x + 0.35], [year['median']] * 2, color='#000000', linewidth=2)
            ax.text(x + 0.37, year['median'], _fmt(year['median']), va='center',
                    fontsize=_SMALL)
    ax.set_xticks(list(range(len(years))), [y['label'] for y in years], fontsize=_SMALL)
    ax.set_xlim(-0.6, len(years) - 0.4)
    ax.set_ylim(0, spec['total_max'] * 1.05)
    ax.tick_params(axis='y', labelsize=_SMALL)
    ax.spines[['top', 'right']].set_visible(False)


def _draw_distribution(fig: Any, spec: Spec) -> None:
    """A criterion's points: each evaluation a dot (equal points stacked), the
    quartiles as a band, the median and the maximum as lines."""
    from collections import Counter

    from matplotlib.ticker import MaxNLocator

    maximum = spec['max']
    values = [p['value'] for p in spec['points']]
    seen: Counter[int] = Counter()
    heights = []
    for value in values:
        heights.append(seen[value])
        seen[value] += 1
    stack = max(heights, default=0)
    height = 3.2 + 0.14 * stack
    fig.set_size_inches(_WIDTH, height)
    fig.text(0.02, 1 - 0.3 / height, spec['title'], fontsize=_TEXT + 1, weight='bold',
             va='center', ha='left')
    ax = fig.add_axes((0.04, 1.25 / height, 0.92, (height - 1.95) / height))
    ax.axvspan(spec['q1'], spec['q3'], color='#dbe5ef', zorder=0,
               label=_('Kvartiler (mittersta hälften)'))
    ax.axvline(spec['median'], color=COLOURS[5], linewidth=2, zorder=1, label=_('Median'))
    ax.axvline(maximum, color='#333333', linestyle='--', linewidth=1, zorder=1,
               label=_('Högst möjliga (%s)') % maximum)
    ax.scatter(values, heights, s=70, color=COLOURS[0], edgecolor='#ffffff', linewidth=0.8,
               zorder=3, label=_('En utvärdering'))
    ax.set_xlim(-maximum * 0.03, maximum * 1.05)
    ax.set_ylim(-0.8, stack + 0.8)
    ax.set_yticks([])
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))
    ax.tick_params(axis='x', labelsize=_SMALL)
    ax.set_xlabel(_('Poäng'), fontsize=_SMALL)
    ax.spines[['top', 'right', 'left']].set_visible(False)
    fig.legend(fontsize=_SMALL, loc='lower center', ncol=2, frameon=False,
               bbox_to_anchor=(0.5, 0.02))


#: The PDF's sans-serif (its headings): TeX Gyre Heros, from the TeX install.
_PDF_FONTS = ('texgyreheros-regular.otf', 'texgyreheros-bold.otf')


@functools.cache
def pdf_family() -> str:
    """The family PDF charts are drawn in: the PDF's own heading font where TeX
    has it (``make tex-deps`` installs it), else matplotlib's DejaVu Sans."""
    from matplotlib import font_manager

    found = []
    for name in _PDF_FONTS:
        try:
            done = subprocess.run(['kpsewhich', name], capture_output=True, text=True,
                                  timeout=30, check=False)
        except (OSError, subprocess.SubprocessError):
            return 'DejaVu Sans'
        found.append(done.stdout.strip())
    if not all(found):
        return 'DejaVu Sans'
    for path in found:
        font_manager.fontManager.addfont(path)
    return 'TeX Gyre Heros'


def _rc(fmt: str) -> dict[str, Any]:
    """rcParams for each format. SVG keeps text as text (small, fast, found by
    the browser's search, shown in the reader's sans-serif); PDF embeds the
    subset of the PDF's own sans-serif it uses (Type 3: quick to write)."""
    if fmt == 'svg':
        return {'svg.fonttype': 'none', 'svg.hashsalt': 'kompass',
                'font.family': 'sans-serif', 'font.sans-serif': ['DejaVu Sans']}
    return {'pdf.fonttype': 3, 'font.family': 'sans-serif',
            'font.sans-serif': [pdf_family(), 'DejaVu Sans']}


def draw(spec: Spec, fmt: str) -> bytes:
    """The chart as SVG or PDF bytes, with nothing that varies between runs."""
    import matplotlib as mpl
    from matplotlib.figure import Figure

    # Labels are data: "$...$" in a name is text, never mathtext.
    rc: Any = {'hatch.linewidth': 0.6, 'text.parse_math': False, **_rc(fmt)}
    with mpl.rc_context(rc):
        fig = Figure()
        if spec['kind'] == 'trend':
            _draw_trend(fig, spec)
        elif spec['kind'] == 'totals':
            _draw_totals(fig, spec)
        elif spec['kind'] == 'distribution':
            _draw_distribution(fig, spec)
        else:
            _draw_bars(fig, spec)
        metadata: dict[str, Any] = (
            {'Date': None} if fmt == 'svg' else {'CreationDate': None, 'ModDate': None}
        )
        buffer = io.BytesIO()
        fig.savefig(buffer, format=fmt, metadata=metadata)
    return buffer.getvalue()


def write_file(spec: Spec, path: Path, fmt: str) -> None:
    """Draw the chart into *path*: under a temporary name, then renamed, so
    that parallel writers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = draw(spec, fmt)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix='.kompass-')
    with os.fdopen(fd, 'wb') as handle:
        handle.write(data)
    # Readable by all, as every other file of the site (mkstemp makes it 0600).
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


#: Charts being drawn ahead by ``chartfiles.draw_ahead``: path -> its future.
#: Only the process that started them may wait for them; Sphinx's writer
#: processes (forked from it) leave them to it.
PENDING: dict[Path, Future[None]] = {}
_PENDING_OWNER: list[int] = [0]


def expect(path: Path, future: Future[None]) -> None:
    """Note that *path* is being drawn by *future* (in this process's pool)."""
    _PENDING_OWNER[0] = os.getpid()
    PENDING[path] = future


def wait_for_pending() -> None:
    """Wait until every chart this process is drawing ahead is done (drawn or
    failed; ``chartfiles.finish_drawing`` still warns at each failure)."""
    if _PENDING_OWNER[0] == os.getpid():
        futures.wait(list(PENDING.values()))


def ensure_file(spec: Spec, folder: Path, fmt: str) -> tuple[str, bool]:
    """The chart's file in *folder*: drawn ahead (waited for), drawn before
    (reused), or drawn now. Returns the file name and whether it was drawn now.

    In a writer process forked by a parallel build, a chart the main process
    is drawing ahead is only named: the main process waits for it before the
    build ends (``chartfiles.finish_drawing``), and warns if it failed."""
    name = file_name(spec, fmt)
    path = folder / name
    if path in PENDING and _PENDING_OWNER[0] != os.getpid():
        return name, False
    future = PENDING.pop(path, None)
    if future is not None:
        future.result()  # a drawing error is raised here, at the chart's directive
    if path.is_file():
        return name, False
    write_file(spec, path, fmt)
    return name, True
