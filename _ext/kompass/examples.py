"""Good examples: ``{good-example}`Burlövs kommun <Burlöv#1.4>``.

The role marks a municipality named as a good example. A read-time transform
finds its criterion (the enclosing ``{score}`` or scored section, unless the
target names one) and the sentence it stands in, and records the mention in
the domain, so indexes and municipality pages can list and link back to it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.transforms import SphinxTransform
from sphinx.util.docutils import SphinxRole

from .domain import get_domain
from .logs import Kind, Problem
from .nodes import CRITERION_ATTRIBUTE
from .records import MentionRecord
from .register import unknown_message
from .sanitize import text_without_raw

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.writers.latex import LaTeXTranslator

_SENTENCE_END = re.compile(r'(?<=[.!?])\s+(?=[A-ZÅÄÖ0-9"”])')


def explicit_target(source: str) -> tuple[str, str]:
    """``Burlövs kommun <Burlöv#1.4>`` -> (``Burlövs kommun``, ``Burlöv#1.4``);
    text without a target is its own target. Linear (no backtracking regex)."""
    if source.endswith('>'):
        start = source.rfind('<')
        target = source[start + 1:-1]
        text = source[:start].rstrip()
        if start > 0 and text and target and '<' not in target and '>' not in target:
            return text, target
    return source, source


class good_example(nodes.inline):  # noqa: N801
    """A marked mention. As an ``inline`` it renders in every builder; HTML
    builders turn its text into a link to the municipality's page."""


class GoodExampleRole(SphinxRole):
    """``{good-example}`Text <Name#criterion>``."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        text, target = explicit_target(self.text)
        name, _, criterion = target.partition('#')
        node = good_example(self.rawtext, text, classes=['kompass-good-example'])
        node['municipality'] = name.strip()
        node['criterion'] = criterion.strip() or None
        node['docname'] = self.env.docname
        self.set_source_info(node)
        serial = self.env.new_serialno('kompass-good-example')
        node['ids'] = [f'gott-exempel-{serial}']
        return [node], []


def _enclosing_criterion(node: nodes.Node) -> str | None:
    """The criterion of the ``{score}`` the node is in, or of the section a
    ``{score}`` marked (see ``directives.ScoreDirective``)."""
    parent = node.parent
    while parent is not None:
        if isinstance(parent, (nodes.container, nodes.section)):
            criterion = parent.get(CRITERION_ATTRIBUTE)
            if criterion:
                return str(criterion)
            if isinstance(parent, nodes.section):
                return None
        parent = parent.parent
    return None


def _sentence(node: nodes.Node) -> str:
    """The sentence of the paragraph (or list item) that holds *node*."""
    block = node.parent
    while block is not None and not isinstance(block, (nodes.paragraph, nodes.Body)):
        block = block.parent
    if not isinstance(block, nodes.Element):
        return node.astext()
    text = ' '.join(text_without_raw(block).split())
    mention = ' '.join(node.astext().split())
    for sentence in _SENTENCE_END.split(text):
        if mention in sentence:
            return sentence
    return text


class RecordGoodExamples(SphinxTransform):
    """After parsing: give each mention its criterion and sentence, record it."""

    default_priority = 450

    def apply(self, **kwargs: Any) -> None:
        domain = get_domain(self.env)
        register = domain.register
        docname = self.env.docname
        for node in self.document.findall(good_example):
            written = node['municipality']
            found = register.find(written) if register is not None else None
            line = node.line or 0
            if register is not None and found is None:
                domain.add_problem(docname, Problem(
                    Kind.MUNICIPALITY,
                    f'good example: {unknown_message(written, register)}',
                    (docname, line),
                ))
            criterion = node['criterion'] or _enclosing_criterion(node)
            if criterion is None:
                domain.add_problem(docname, Problem(
                    Kind.EXAMPLE,
                    f'good example {written!r} has no criterion: place it in a '
                    f'section with a {{score}}, or name one as <{written}#1.4>',
                    (docname, line),
                ))
            node['criterion'] = criterion
            if found is not None:
                node['municipality'] = found.name
            domain.add_mention(MentionRecord(
                docname, line, found.name if found else written,
                found.code if found else None, criterion, node['ids'][0],
                _sentence(node),
            ))


def visit_good_example_latex(self: LaTeXTranslator, node: good_example) -> None:
    """A mention as a LaTeX target, so that the good-examples index and the
    municipality sections of the site PDF link back to its sentence (Sphinx
    writes no label for an inline's ids)."""
    self.body.append(''.join(self.hypertarget(node_id) for node_id in node['ids']))
    self.visit_inline(node)


def depart_good_example_latex(self: LaTeXTranslator, node: good_example) -> None:
    self.depart_inline(node)


def setup_examples(app: Sphinx) -> None:
    """Register the role and the transform that records mentions."""
    app.add_role('good-example', GoodExampleRole())
    app.add_node(good_example, latex=(visit_good_example_latex, depart_good_example_latex))
    app.add_transform(RecordGoodExamples)
