"""Placeholder nodes: where computed views go, filled in after reading.

Directives cannot know totals while a document is read (the other documents of
the evaluation may not be read yet), so they leave these placeholders; the
``render`` post-transform replaces every one with standard docutils nodes for
every builder. Their visitors only skip, in case a placeholder ever survives.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes

if TYPE_CHECKING:
    from sphinx.application import Sphinx


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


PLACEHOLDERS = (
    evaluation_header, area_box, score_points, score_overview, catalogue_tables,
)


def _skip(self: nodes.NodeVisitor, node: nodes.Element) -> None:
    raise nodes.SkipNode


def setup_nodes(app: Sphinx) -> None:
    """Register the placeholders with a skipping visitor for every format."""
    visitors = {
        fmt: (_skip, None)
        for fmt in ('html', 'latex', 'text', 'man', 'texinfo')
    }
    for node_class in PLACEHOLDERS:
        app.add_node(node_class, **visitors)
