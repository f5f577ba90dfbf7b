"""Docutils tables: the one shape every builder already knows how to write.

Computed views are made of standard table nodes, so HTML, LaTeX, text, man,
texinfo and epub all render them without visitors of ours.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeAlias

from docutils import nodes

#: A table cell: text, a node, or several nodes.
Cell: TypeAlias = str | int | nodes.Node | Sequence[nodes.Node]


def _entry(cell: Cell) -> nodes.entry:
    if isinstance(cell, (str, int)):
        children: list[nodes.Node] = [nodes.paragraph('', str(cell))]
    elif isinstance(cell, nodes.Node):
        children = [cell]
    else:
        children = list(cell)
    # Inline content (text, links, emphasis) must sit in a paragraph.
    if children and all(isinstance(c, (nodes.Inline, nodes.Text)) for c in children):
        children = [nodes.paragraph('', '', *children)]
    return nodes.entry('', *children)


def _row(cells: Sequence[Cell]) -> nodes.row:
    row = nodes.row()
    row.extend(_entry(cell) for cell in cells)
    return row


def build_table(
    widths: Sequence[int],
    rows: Sequence[Sequence[Cell]],
    head: Sequence[Cell] | None = None,
    title: str | None = None,
    classes: Sequence[str] = (),
) -> nodes.table:
    """A table with the given relative column *widths*, header and rows."""
    table = nodes.table(classes=['kompass-table', 'colwidths-given', *classes])
    if title:
        table += nodes.title('', title)
    group = nodes.tgroup(cols=len(widths))
    table += group
    group.extend(nodes.colspec(colwidth=w) for w in widths)
    if head is not None:
        group += nodes.thead('', _row(head))
    body = nodes.tbody()
    body.extend(_row(cells) for cells in rows)
    group += body
    return table


def bullet_list(items: Sequence[str]) -> nodes.bullet_list:
    """A plain bullet list of texts."""
    blist = nodes.bullet_list()
    for item in items:
        blist += nodes.list_item('', nodes.paragraph('', item))
    return blist


def compact(table: nodes.table) -> list[nodes.Node]:
    """*table* in a smaller type with narrower gaps in LaTeX, so that a table of
    many columns fits an A4 page (other builders ignore the LaTeX around it)."""
    return [
        nodes.raw('', r'\begingroup\footnotesize\setlength{\tabcolsep}{3pt}', format='latex'),
        table,
        nodes.raw('', r'\endgroup', format='latex'),
    ]
