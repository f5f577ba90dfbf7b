"""Fill the placeholders with computed views, for whichever builder writes.

Runs on ``doctree-resolved``, i.e. when a document is written (or assembled
into a LaTeX document), after every document has been read and
``env-updated`` has computed the results; so the views are current whether or
not this document was re-read.

:data:`RENDERERS` is the one table from placeholder type to view function. A
placeholder type without one is an error (a programming mistake, not bad input),
never silently dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx.errors import ExtensionError

from . import calibrationview, changes, comparepage, siteviews, views
from . import nodes as kn
from .domain import get_domain
from .examples import good_example
from .labels import _
from .views import ViewContext

if TYPE_CHECKING:
    from sphinx.application import Sphinx

View = Callable[[ViewContext], list[nodes.Node]]

#: Placeholder type -> the view that replaces it.
RENDERERS: dict[type[kn.kompass_placeholder], View] = {
    # One evaluation (views.py).
    kn.evaluation_header: views.header,
    kn.area_box: views.area_box,
    kn.score_points: views.score_points,
    kn.score_overview: views.overview,
    kn.score_chart: views.score_chart,
    # Every evaluation (siteviews.py).
    kn.catalogue_tables: siteviews.catalogue_tables,
    kn.evaluation_index: siteviews.evaluation_index,
    kn.good_examples_index: siteviews.good_examples,
    kn.municipality_index: siteviews.municipality_index,
    # Learning from each other (changes.py, calibrationview.py, comparepage.py).
    kn.score_changes: changes.changes_view,
    kn.calibration_tables: calibrationview.calibration_tables,
    kn.compare_app: comparepage.compare_view,
}


def render_placeholders(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """doctree-resolved: replace each placeholder with standard docutils nodes."""
    domain = get_domain(app.env)
    for node in list(doctree.findall(kn.kompass_placeholder)):
        view = RENDERERS.get(type(node))
        if view is None:
            raise ExtensionError(
                f'kompass: no view renders the placeholder {type(node).__name__!r} '
                f'(add it to render.RENDERERS)'
            )
        rendered = view(ViewContext.of(domain, app.builder, node, docname))
        if node['ids']:
            # Anchors (a score's) become a target, which every builder labels.
            rendered.insert(0, nodes.target('', '', ids=node['ids']))
            node['ids'] = []
        for new in rendered:
            for part in new.findall(nodes.Element):
                # Warnings about what a view holds (a chart) point at its directive.
                if part.source is None:
                    part.source, part.line = node.source, node.line
            if isinstance(new, nodes.figure) or (
                isinstance(new, nodes.table)
                and any(isinstance(c, nodes.title) for c in new.children)
            ):
                # Figures and titled tables are numbered in HTML: they need an id.
                doctree.set_id(new)
        node.replace_self(rendered)


def link_good_examples(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """doctree-resolved: a good example's text links to its municipality's page
    where the builder writes those pages; elsewhere it stays plain text."""
    if app.builder.name not in siteviews.PAGE_BUILDERS:
        return
    domain = get_domain(app.env)
    with_pages = domain.memo('with_pages', lambda: set(domain.municipalities_with_pages()))
    for node in list(doctree.findall(good_example)):
        name = node['municipality']
        if name not in with_pages:
            continue
        link = siteviews.municipality_link(
            domain, app.builder, node.get('docname') or docname, name, *node.children,
            reftitle=_('Goda exempel från %s') % name,
        )
        node.children = []
        node += link


def setup_render(app: Sphinx) -> None:
    """Fill placeholders whenever a document is resolved for writing."""
    app.connect('doctree-resolved', render_placeholders)
    app.connect('doctree-resolved', link_good_examples)
