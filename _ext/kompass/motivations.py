"""The motivation of each score: the first paragraph of the text under a
``{score}`` (inside the directive, else right after it in its section).

Recorded while a document is read, so that criterion pages can quote it
without reading stored doctrees back (see ``criterionpages.py``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms import SphinxTransform

from . import nodes as kn
from .domain import get_domain
from .records import MotivationRecord

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: Footnote and citation marks mean nothing outside their report.
_MARKS = (nodes.footnote_reference, nodes.citation_reference)


def _dropped(node: nodes.Node) -> bool:
    """What a quoted motivation leaves out: marks, citations ({cite:p} shows
    its bare key before it is resolved) and references without a text of
    their own (they show their target); an explicit reference keeps its text."""
    if isinstance(node, (*_MARKS, nodes.raw)):  # raw: see sanitize.text_without_raw
        return True
    if isinstance(node, addnodes.pending_xref):
        return node.get('refdomain') == 'cite' or not node.get('refexplicit')
    return False
_SPACE_BEFORE_PUNCTUATION = re.compile(r'\s+([.,;:!?)])')


def motivation(doctree: nodes.document, anchor: str) -> str:
    """The first paragraph of the text under the ``{score}`` whose anchor is
    *anchor*: inside the directive, else right after it in its section."""
    found = next((n for n in doctree.findall(kn.score_points) if anchor in n['ids']), None)
    if found is None or not isinstance(found.parent, nodes.Element):
        return ''
    box = found.parent
    candidates = list(box.children[box.index(found) + 1:])
    section = box.parent
    if isinstance(section, nodes.Element):
        for sibling in section.children[section.index(box) + 1:]:
            if isinstance(sibling, nodes.section) or (
                isinstance(sibling, nodes.container)
                and ('kompass-score' in sibling['classes'] or sibling.get('kompass_list'))
            ):
                break
            candidates.append(sibling)
    para = next((c for c in candidates if isinstance(c, nodes.paragraph)), None)
    if para is None:
        return ''
    copy = para.deepcopy()
    for node in list(copy.findall(_dropped)):
        node.parent.remove(node)
    return _SPACE_BEFORE_PUNCTUATION.sub(r'\1', ' '.join(copy.astext().split()))




class RecordMotivations(SphinxTransform):
    """After parsing (and after strengths and improvements are paired): record
    the motivation of every score of the document."""

    default_priority = 470

    def apply(self, **kwargs: Any) -> None:
        domain = get_domain(self.env)
        for score in self.document.findall(kn.score_points):
            for anchor in score['ids']:
                text = motivation(self.document, anchor)
                if text:
                    domain.add_motivation(MotivationRecord(
                        self.env.docname, score.line or 0, anchor, text))


def setup_motivations(app: Sphinx) -> None:
    """Register the transform that records motivations."""
    app.add_transform(RecordMotivations)
