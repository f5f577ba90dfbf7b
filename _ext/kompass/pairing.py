"""Set adjacent "Styrkor" and "Förbättringsmöjligheter" side by side.

A read-time transform: pairing only looks at neighbours within one document,
so the stored doctree already holds the two-column table that every builder
renders (the seed's layout, in HTML and in PDF alike).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeGuard

from docutils import nodes
from sphinx.transforms import SphinxTransform

from .labels import _
from .tables import build_table

if TYPE_CHECKING:
    from sphinx.application import Sphinx

_TITLES = {'strengths': _('Styrkor'), 'improvements': _('Förbättringsmöjligheter')}


def _is_list(node: nodes.Node | None, kind: str | None = None) -> TypeGuard[nodes.container]:
    return (
        isinstance(node, nodes.container)
        and 'kompass_list' in node
        and (kind is None or node['kompass_list'] == kind)
    )


def _items(box: nodes.Element) -> list[list[nodes.Node]]:
    """A list's items as cell contents (or the whole content as one cell)."""
    if len(box) == 1 and isinstance(box[0], nodes.bullet_list):
        return [list(item.children) for item in box[0].children]
    return [list(box.children)] if len(box) else []


class PairStrengthsImprovements(SphinxTransform):
    """Turn each strengths/improvements block (alone or a pair) into a table."""

    default_priority = 400

    def apply(self, **kwargs: Any) -> None:
        consumed: set[int] = set()
        for box in list(self.document.findall(nodes.container)):
            if not _is_list(box) or id(box) in consumed:
                continue  # not ours, or already taken as the second of a pair
            partner = box.next_node(descend=False, siblings=True, ascend=False)
            kind = box['kompass_list']
            other = 'improvements' if kind == 'strengths' else 'strengths'
            boxes = [box]
            if _is_list(partner, other):
                boxes.append(partner)
                consumed.add(id(partner))
                partner.parent.remove(partner)
            columns = [_items(b) for b in boxes]
            depth = max(len(c) for c in columns)
            rows = [
                [column[i] if i < len(column) else '' for column in columns]
                for i in range(depth)
            ]
            # One row per item, so that LaTeX's longtable can break long lists
            # across pages; the lists still read as the seed's two columns.
            table = build_table(
                [50] * len(boxes),
                rows,
                head=[str(_TITLES[b['kompass_list']]) for b in boxes],
                classes=['kompass-strengths-improvements', 'longtable'],
            )
            table.source, table.line = box.source, box.line
            box.replace_self(table)


def setup_pairing(app: Sphinx) -> None:
    """Register the read-time pairing transform."""
    app.add_transform(PairStrengthsImprovements)
