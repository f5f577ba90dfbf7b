"""A report's front matter configures nothing.

MyST reads a document's YAML front matter, and its ``myst:`` key (and the
older top-level ``substitutions`` and ``html_meta``) changes how that one
document is parsed: ``enable_extensions: [substitution]`` turns on Jinja2
templates, which can run any Python. In a report (a Markdown document under
``kompass_reports_dir``) the front matter keeps only the keys that mark a
page for Sphinx (:data:`ALLOWED`); any other key is a ``kompass.frontmatter``
warning and is blanked before MyST reads the text (``source-read``), line by
line, so every line keeps its number. The file on disk is never changed.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from .logs import WARNING_TYPE, Kind, logger
from .sanitize import in_reports, shown

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: The front matter keys a report may set: Sphinx's page flags, read for
#: their presence only.
ALLOWED = ('nosearch', 'orphan')


def _is_markdown(app: Sphinx, docname: str) -> bool:
    suffixes = app.config.source_suffix
    suffix = app.env.doc2path(docname).suffix
    return isinstance(suffixes, dict) and suffixes.get(suffix) == 'markdown'


def _key_lines(block: str) -> dict[str, int]:
    """The line (counted from 0 in *block*) of each top-level key, as YAML
    composes it; empty if it cannot."""
    import yaml

    try:
        node = yaml.compose(block, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(key.value): key.start_mark.line for key, _ in node.value
            if isinstance(key, yaml.ScalarNode)}


def neutralised(text: str) -> tuple[str, list[tuple[str, int]]]:
    """*text* with its front matter's keys other than :data:`ALLOWED` taken
    out, and each key taken out with its line (1 is the opening ``---``).

    The front matter is found, and read, exactly as MyST finds and reads it
    for the document's configuration (``read_topmatter``: its lines as
    ``str.splitlines`` splits them). Its lines are emptied, each keeping its
    line break; the kept keys are written back on the first of them, as
    JSON (which YAML reads): ``{}`` if none, so MyST still reads a mapping.
    """
    from myst_parser.config.main import TopmatterReadError, read_topmatter

    try:
        data = read_topmatter(text)
    except TopmatterReadError:
        return text, []  # MyST applies nothing from it (and warns itself)
    if not data:
        return text, []
    dropped = [str(key) for key in data if key not in ALLOWED]
    if not dropped:
        return text, []
    lines = text.splitlines(keepends=True)
    end = next((i for i, line in enumerate(lines[1:], 1)
                if line.startswith(('---', '...'))), len(lines))
    block = ''.join(line.splitlines()[0].rstrip() + '\n' for line in lines[1:end])
    where = _key_lines(block)
    kept: dict[str, Any] = {key: True for key in ALLOWED if key in data}
    for index in range(1, end):
        line = lines[index]
        content = line.splitlines()[0] if line.splitlines() else ''
        ending = line[len(content):]
        lines[index] = (json.dumps(kept) if index == 1 else '') + ending
    return ''.join(lines), [(key, where.get(key, 0) + 2) for key in dropped]


def read_report_front_matter(app: Sphinx, docname: str, source: list[str]) -> None:
    """source-read: a report's front matter keeps only :data:`ALLOWED`."""
    if not in_reports(app.env, docname) or not _is_markdown(app, docname):
        return
    text, dropped = neutralised(source[0])
    if not dropped:
        return
    source[0] = text
    allowed = ', '.join(ALLOWED)
    for key, line in dropped:
        logger.warning(
            f'front matter key {shown(key)} is not read in a report (a report may set only '
            f'{allowed}); it was left out',
            type=WARNING_TYPE, subtype=Kind.FRONTMATTER.value, location=(docname, line))


def setup_frontmatter(app: Sphinx) -> None:
    """Register the source-read handler, first: before any other reads the text."""
    app.connect('source-read', read_report_front_matter, priority=100)
