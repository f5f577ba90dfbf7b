"""Placeholder nodes: where computed views go, filled in after reading.

Directives cannot know totals while a document is read (the other documents of
the evaluation may not be read yet), so they leave these placeholders; the
``render`` post-transform replaces every one with standard docutils nodes for
every builder. Their visitors only skip, in case a placeholder ever survives.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx.errors import ExtensionError

from . import charts, logs

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.writers.html5 import HTML5Translator
    from sphinx.writers.latex import LaTeXTranslator


#: The attribute a ``{score}`` sets on its box and on its section: the
#: criterion that good examples standing there are counted for.
CRITERION_ATTRIBUTE = 'kompass_criterion'


class kompass_placeholder(nodes.General, nodes.Element):  # noqa: N801
    """Base of the placeholders; ``render`` replaces each of them."""


class evaluation_header(kompass_placeholder):  # noqa: N801
    """The report's header: municipality, date, evaluators, total."""


class area_box(kompass_placeholder):  # noqa: N801
    """An area's box: title, sub-areas and score (``area`` attribute)."""


class score_points(kompass_placeholder):  # noqa: N801
    """A criterion's points against its maximum (``criterion``, ``points``)."""


class score_overview(kompass_placeholder):  # noqa: N801
    """The evaluation's points per criterion and area with maxima and totals."""


class catalogue_tables(kompass_placeholder):  # noqa: N801
    """The catalogue as tables (``catalogue`` attribute, or every one)."""


class score_chart(kompass_placeholder):  # noqa: N801
    """A chart (``kind``; ``evaluation``: a slug, or the folder's evaluation)."""


class evaluation_index(kompass_placeholder):  # noqa: N801
    """Every evaluation with its area scores and total."""


class good_examples_index(kompass_placeholder):  # noqa: N801
    """Every good example, by area and criterion, then municipality."""


class municipality_index(kompass_placeholder):  # noqa: N801
    """Every municipality that has a page."""


class score_changes(kompass_placeholder):  # noqa: N801
    """The changes since the previous evaluation (``changes.py``)."""


class calibration_tables(kompass_placeholder):  # noqa: N801
    """The calibration tables (``calibrationview.py``; ``catalogue`` attribute)."""


class compare_app(kompass_placeholder):  # noqa: N801
    """The comparison of evaluations, run in the browser (``comparepage.py``)."""


PLACEHOLDERS = (
    evaluation_header, area_box, score_points, score_overview, catalogue_tables,
    score_chart, evaluation_index, good_examples_index, municipality_index,
    score_changes, calibration_tables, compare_app,
)


class kompass_chart(nodes.General, nodes.Element):  # noqa: N801
    """A drawn chart: ``spec`` (the data) and ``alt``. Its visitors draw the
    file for the builder's format on demand, as sphinx.ext.graphviz does.
    ``imgpath`` (optional) is the image folder relative to the page, for pages
    that Sphinx does not write itself (municipality pages)."""


def _skip(self: nodes.NodeVisitor, node: nodes.Element) -> None:
    raise nodes.SkipNode


def _unrendered(self: nodes.NodeVisitor, node: nodes.Element) -> None:
    # render.py replaces every placeholder before writing; one that reaches a
    # writer is a bug that would silently drop content.
    raise ExtensionError(
        f'kompass: placeholder {type(node).__name__!r} reached the writer unrendered '
        f'({node.source}:{node.line})'
    )


def _draw(node: kompass_chart, folder: Path, fmt: str) -> str | None:
    """Draw the chart (or find it drawn); on failure warn at its directive."""
    try:
        name, _ = charts.ensure_file(node['spec'], folder, fmt)
    except Exception as exc:  # noqa: BLE001 - any drawing failure is a warning
        logs.emit(logs.Problem(
            logs.Kind.CHART,
            f'the chart could not be drawn ({type(exc).__name__}: {exc}); '
            'its numbers are in its text alternative',
            f'{node.source}:{node.line}' if node.source else 'kompass',
        ))
        return None
    return name


def visit_chart_html(self: HTML5Translator, node: kompass_chart) -> None:
    name = _draw(node, Path(self.builder.outdir, self.builder.imagedir), 'svg')
    if name is None:
        self.body.append(f'<p class="kompass-chart-missing">{escape(node["alt"])}</p>')
    else:
        folder = node.get('imgpath') or self.builder.imgpath
        self.body.append(
            f'<img src="{folder}/{name}" alt="{escape(node["alt"])}" class="kompass-chart" />'
        )
    raise nodes.SkipNode


def visit_chart_latex(self: LaTeXTranslator, node: kompass_chart) -> None:
    name = _draw(node, Path(self.builder.outdir), 'pdf')
    if name is None:
        self.body.append('\n' + self.encode(node['alt']) + '\n')
    else:
        self.body.append(
            # Full width, but never taller than half the page: with its
            # caption a figure must fit on one page.
            '\n\\noindent\\sphinxincludegraphics'
            f'[width=\\linewidth,height=0.5\\textheight,keepaspectratio]{{{name}}}\n'
        )
    raise nodes.SkipNode


def setup_nodes(app: Sphinx) -> None:
    """Register the placeholders with a visitor that fails loudly for every
    format, and the chart node with visitors that draw it."""
    visitors = {
        fmt: (_unrendered, None)
        for fmt in ('html', 'latex', 'text', 'man', 'texinfo')
    }
    for node_class in PLACEHOLDERS:
        app.add_node(node_class, **visitors)  # type: ignore[arg-type]
    app.add_node(
        kompass_chart,
        html=(visit_chart_html, None),
        latex=(visit_chart_latex, None),
        text=(_skip, None),
        man=(_skip, None),
        texinfo=(_skip, None),
    )
