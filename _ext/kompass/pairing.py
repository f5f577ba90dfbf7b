"""Set adjacent "Styrkor" and "Förbättringsmöjligheter" side by side.

A read-time transform: pairing only looks at neighbours within one document,
so the stored doctree already holds the two-column table that every builder
renders (the seed's layout, in HTML and in PDF alike).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.transforms import SphinxTransform

from .labels import _
from .tables import build_table

if TYPE_CHECKING:
    from sphinx.application import Sphinx

_TITLES = {'strengths': 'Styrkor', 'improvements': 'Förbättringsmöjligheter'}


def _is_list(node: nodes.Node | None, kind: str | None = None) -> bool:
    return (
        isinstance(node, nodes.container)
        and 'kompass_list' in node
        and (kind is None or node['kompass_list'] == kind)
    )


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
            table = build_table(
                [50] * len(boxes),
                [[list(b.children) for b in boxes]],
                head=[_(_TITLES[b['kompass_list']]) for b in boxes],
                classes=['kompass-strengths-improvements'],
            )
            table.source, table.line = box.source, box.line
            box.replace_self(table)


def setup_pairing(app: Sphinx) -> None:
    """Register the read-time pairing transform."""
    app.add_transform(PairStrengthsImprovements)
