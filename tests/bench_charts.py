"""Pre-made chart images for the benchmark's plain baseline.

The plain site shows the same charts as the kompass site, but as image files
made before the build (so that plain Sphinx only copies them). They are drawn
here without matplotlib, as simple vector bar charts in SVG (HTML) and PDF
(LaTeX), so that making a thousand of them takes a second, not minutes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

WIDTH, HEIGHT = 576.0, 345.0  # points: 8 x 4.8 in, the size of a kompass chart
LEFT, RIGHT, BOTTOM, TOP = 48.0, 12.0, 70.0, 30.0
COLOURS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00']


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    colour: str


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    size: float
    anchor: str = 'middle'  # start, middle, end


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float


Shape = Rect | Text | Line


@dataclass(frozen=True)
class Series:
    """One bar per group; ``None`` where the value is unknown."""

    label: str
    values: Sequence[float | None]


def bar_chart(title: str, groups: Sequence[str], series: Sequence[Series],
              top: float) -> list[Shape]:
    """Grouped bars from 0 to *top*, with axis, labels and a legend, in points
    from the bottom-left corner (PDF's orientation)."""
    shapes: list[Shape] = [Text(WIDTH / 2, HEIGHT - 18, title, 11)]
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - BOTTOM - TOP
    shapes.append(Line(LEFT, BOTTOM, LEFT + plot_w, BOTTOM))
    shapes.append(Line(LEFT, BOTTOM, LEFT, BOTTOM + plot_h))
    for tick in range(5):
        value = top * tick / 4
        y = BOTTOM + plot_h * tick / 4
        shapes.append(Line(LEFT - 3, y, LEFT, y))
        shapes.append(Text(LEFT - 5, y - 3, _number(value), 8, 'end'))
    slot = plot_w / max(len(groups), 1)
    width = 0.8 * slot / max(len(series), 1)
    for g, group in enumerate(groups):
        x0 = LEFT + g * slot + 0.1 * slot
        for s, one in enumerate(series):
            known = one.values[g] if g < len(one.values) else None
            if known is None:
                continue
            value = known
            h = plot_h * min(value, top) / top if top else 0
            x = x0 + s * width
            shapes.append(Rect(x, BOTTOM, width * 0.95, h, COLOURS[s % len(COLOURS)]))
            if len(series) == 1:
                shapes.append(Text(x + width / 2, BOTTOM + h + 3, _number(value), 8))
        shapes.append(Text(LEFT + (g + 0.5) * slot, BOTTOM - 12, group, 7))
    for s, one in enumerate(series):
        x = LEFT + s * plot_w / max(len(series), 1)
        shapes.append(Rect(x, 18, 10, 8, COLOURS[s % len(COLOURS)]))
        shapes.append(Text(x + 14, 19, one.label, 8, 'start'))
    return shapes


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f'{value:.1f}'.replace('.', ',')


def to_svg(shapes: Sequence[Shape], alt: str) -> str:
    """The shapes as an SVG document (y flipped to SVG's top-down axis)."""
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH:g}pt" height="{HEIGHT:g}pt" '
        f'viewBox="0 0 {WIDTH:g} {HEIGHT:g}" role="img">',
        f'<title>{escape(alt)}</title>',
        '<g font-family="DejaVu Sans, sans-serif" stroke-width="0.8">',
    ]
    for shape in shapes:
        if isinstance(shape, Rect):
            out.append(f'<rect x="{shape.x:.2f}" y="{HEIGHT - shape.y - shape.h:.2f}" '
                       f'width="{shape.w:.2f}" height="{shape.h:.2f}" fill="{shape.colour}" '
                       'stroke="#333333"/>')
        elif isinstance(shape, Line):
            out.append(f'<path d="M {shape.x1:.2f} {HEIGHT - shape.y1:.2f} '
                       f'L {shape.x2:.2f} {HEIGHT - shape.y2:.2f}" stroke="#000000"/>')
        else:
            out.append(f'<text x="{shape.x:.2f}" y="{HEIGHT - shape.y:.2f}" '
                       f'font-size="{shape.size:g}" text-anchor="{shape.anchor}">'
                       f'{escape(shape.text)}</text>')
    out += ['</g>', '</svg>', '']
    return '\n'.join(out)


def _pdf_string(text: str) -> bytes:
    raw = text.encode('cp1252', 'replace')
    return b'(' + raw.replace(b'\\', b'\\\\').replace(b'(', b'\\(').replace(b')', b'\\)') + b')'


def _rgb(colour: str) -> str:
    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return f'{r:.3f} {g:.3f} {b:.3f}'


def to_pdf(shapes: Sequence[Shape]) -> bytes:
    """The shapes as a one-page PDF (Helvetica, WinAnsi), for pdflatex."""
    ops: list[bytes] = [b'0.8 w 0.2 0.2 0.2 RG']
    for shape in shapes:
        if isinstance(shape, Rect):
            ops.append(f'{_rgb(shape.colour)} rg {shape.x:.2f} {shape.y:.2f} {shape.w:.2f} '
                       f'{shape.h:.2f} re B'.encode())
        elif isinstance(shape, Line):
            ops.append(f'{shape.x1:.2f} {shape.y1:.2f} m {shape.x2:.2f} {shape.y2:.2f} l S'
                       .encode())
        else:
            width = 0.5 * shape.size * len(shape.text)  # Helvetica's average width
            x = shape.x - {'start': 0, 'middle': width / 2, 'end': width}[shape.anchor]
            ops.append(f'0 0 0 rg BT /F1 {shape.size:g} Tf {x:.2f} {shape.y:.2f} Td '.encode()
                       + _pdf_string(shape.text) + b' Tj ET')
    content = b'\n'.join(ops)
    objects = [
        b'<< /Type /Catalog /Pages 2 0 R >>',
        b'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
        f'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {WIDTH:g} {HEIGHT:g}] '
        '/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>'.encode(),
        b'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
        f'<< /Length {len(content)} >>\nstream\n'.encode() + content + b'\nendstream',
    ]
    out = bytearray(b'%PDF-1.4\n')
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f'{number} 0 obj\n'.encode() + body + b'\nendobj\n'
    xref = len(out)
    out += f'xref\n0 {len(objects) + 1}\n0000000000 65535 f \n'.encode()
    for offset in offsets:
        out += f'{offset:010d} 00000 n \n'.encode()
    out += (f'trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n'
            .encode())
    return bytes(out)
