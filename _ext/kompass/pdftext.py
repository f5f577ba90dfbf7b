"""Text the PDF cannot print: a located warning, and a ``?`` in the PDF.

The PDFs are made with pdflatex, whose fonts (T1 and TS1 encodings) have
Latin letters, common punctuation and a few symbols (and the PDF's preamble
declares the minus sign and thin spaces: :data:`DECLARED`). Any other
character (an emoji, a Chinese or Greek letter) stops LaTeX with "Unicode
character ... not set up for use with LaTeX", so ``make latexpdf`` fails far
from its cause. In a report the character is a ``kompass.pdf`` warning at its
line when the document is read (so ``make check`` fails on it, in HTML too),
and in every LaTeX document (reports, data from the CSV files, sources from
``.bib`` files) it is written as ``?``. HTML shows it as written.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.transforms import SphinxTransform
from sphinx.util.texescape import tex_replacements, unicode_tex_replacements

from .domain import get_domain
from .logs import WARNING_TYPE, Kind, logger
from .sanitize import in_reports

if TYPE_CHECKING:
    from sphinx.application import Sphinx

_TABLE = Path(__file__).parent / 'data' / 'pdf-characters.txt'


def _printable() -> frozenset[str]:
    listed = ''.join(line for line in _TABLE.read_text(encoding='utf-8').splitlines()
                     if not line.startswith('#'))
    escaped = ''.join(c for c, _ in (*tex_replacements, *unicode_tex_replacements))
    return frozenset(listed + escaped + '\t\n\r' + ''.join(map(chr, range(0x20, 0x7F))))


#: Characters the PDF's preamble declares itself (``latex.py``), as LaTeX:
#: the minus sign the views write, and thin spaces.
DECLARED = {'\u2212': r'\textminus', '\u2009': r'\,', '\u202f': r'\,'}

#: Every character the PDF prints.
PRINTABLE = _printable() | frozenset(DECLARED)
#: What the PDF shows instead of a character it cannot print.
STAND_IN = '?'
_OTHER = re.compile('[^' + re.escape(''.join(sorted(PRINTABLE))) + ']')


def unprintable(text: str) -> list[str]:
    """The characters of *text* the PDF cannot print, each once, in order."""
    return list(dict.fromkeys(_OTHER.findall(text)))


def printable(text: str) -> str:
    """*text* as the PDF prints it."""
    return _OTHER.sub(STAND_IN, text)


def _named(char: str) -> str:
    return f'{char!r} (U+{ord(char):04X})'


class UnprintableInReports(SphinxTransform):
    """When a report's document is read: a warning at each paragraph (or other
    text block) with a character the PDF cannot print."""

    default_priority = 810  # after the report rule (800) has dropped raw output

    def apply(self, **kwargs: Any) -> None:
        if not in_reports(self.env, self.env.docname):
            return
        for rec in get_domain(self.env).data['evaluations'].get(self.env.docname, ()):
            chars = unprintable(' '.join((rec.municipality or '', *rec.evaluators)))
            if chars:
                logger.warning(
                    f'the PDF cannot print {", ".join(_named(c) for c in chars)} (in the '
                    f'evaluation\'s options); it shows {STAND_IN!r} there',
                    type=WARNING_TYPE, subtype=Kind.PDF.value,
                    location=(self.env.docname, rec.line))
        told: set[int] = set()
        for text in self.document.findall(nodes.Text):
            found = unprintable(str(text))
            block = text.parent
            while block is not None and block.line is None and block.parent is not None:
                block = block.parent
            if not found or block is None or id(block) in told:
                continue
            told.add(id(block))
            chars = unprintable(block.astext())
            logger.warning(
                f'the PDF cannot print {", ".join(_named(c) for c in chars)}; '
                f'it shows {STAND_IN!r} there (write it in words, or leave it out)',
                type=WARNING_TYPE, subtype=Kind.PDF.value, location=block)


def printable_in_latex(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """doctree-resolved, after the views are rendered (priority 900): in LaTeX
    output, each character the PDF cannot print becomes ``?``, whether it came
    from a report, a data file or a ``.bib`` entry."""
    if app.builder.format != 'latex':
        return
    for text in list(doctree.findall(nodes.Text)):
        if _OTHER.search(text) and text.parent is not None:
            text.parent.replace(text, nodes.Text(printable(str(text))))


def setup_pdftext(app: Sphinx) -> None:
    """Register the check and the LaTeX stand-in."""
    app.add_transform(UnprintableInReports)
    app.connect('doctree-resolved', printable_in_latex, priority=900)
