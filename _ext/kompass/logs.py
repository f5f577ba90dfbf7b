"""The catalogue of warning subtypes, and the one function that emits them.

Every problem in a report, a catalogue or the score data is a Sphinx warning of
type ``kompass`` with one of these subtypes, so that ``suppress_warnings =
['kompass.stated']`` silences exactly one kind and ``-W`` fails on all of them.
"""

from __future__ import annotations

from enum import Enum
from typing import NamedTuple

from sphinx.util import logging

logger = logging.getLogger('kompass')

WARNING_TYPE = 'kompass'


class Kind(Enum):
    """Warning subtypes; each is what a user puts after ``kompass.``."""

    CATALOGUE = 'catalogue'
    """A criteria catalogue that cannot be read or is inconsistent, or an
    evaluation that names a catalogue which does not exist."""

    OPTION = 'option'
    """A required directive option is missing, or an option is malformed
    (``municipality``, ``year``, ``criteria``, ``date``, ``status``, ``stated``)."""

    SCORE = 'score'
    """A ``{score}`` without points, with points that are not a whole number, or
    with points outside 0 to the criterion's maximum."""

    UNKNOWN = 'unknown'
    """A criterion or area id that the evaluation's catalogue does not have."""

    DUPLICATE = 'duplicate'
    """A criterion scored twice, or an area box given twice, in one evaluation."""

    UNSCORED = 'unscored'
    """A ``final`` evaluation that leaves criteria without a score."""

    STATED = 'stated'
    """An area's ``stated`` total that differs from the computed one."""

    ORPHAN = 'orphan'
    """A score, area box or overview in a folder without an evaluation."""

    EVALUATION = 'evaluation'
    """Two evaluations in one folder, or two evaluations with one slug."""

    PREVIOUS = 'previous'
    """A ``previous`` that names no known evaluation."""

    DATA = 'data'
    """A problem in the score data file (``reports/scores.csv``)."""

    MUNICIPALITY = 'municipality'
    """A municipality name that is not in the register of Sweden's 290."""

    EXAMPLE = 'example'
    """A good example without a criterion (no enclosing score, none named)."""

    FOLDER = 'folder'
    """A report folder whose name is not the slug of the evaluation it holds
    (FORMAT.md: the municipality in lower-case ASCII and the year). Such a
    folder gets no PDF of its own."""

    CHART = 'chart'
    """A chart that names an unknown evaluation, or that could not be drawn."""

    PAGE = 'page'
    """A hand-written page where the extension would generate one (for example
    ``kommuner/<name>.md``): the hand-written page is kept, nothing is generated."""

    RAW = 'raw'
    """Raw HTML or LaTeX in a report (MyST HTML, a ``{raw}`` block, an
    ``http-equiv`` meta tag, ``{tabularcolumns}``): it is left out of every
    output; math, LaTeX too, is shown as text."""

    LINK = 'link'
    """A link whose target is not http(s) or mailto (``javascript:``, ``ftp:``,
    ...), in a report or from a data file: the text stays, the link goes."""

    INCLUDE = 'include'
    """A report's ``{include}``, ``{literalinclude}``, image, figure, download
    or ``{csv-table}`` file outside the repository, through a symbolic link,
    from the web, through a hidden name (``.git``) or a name that is not safe
    (see ``file``), an include with a ``:parser:``, or an image or download of
    a type a browser runs (SVG, HTML): nothing is read from it and nothing is
    published."""

    FILE = 'file'
    """A file or folder under the reports folder that the build may not use: a
    name other than letters a-z, digits, ``-``, ``_`` and ``.`` (starting
    with a letter or digit), a hidden name, a symbolic link, something that is
    not a regular file, or a file named ``kompass-*`` or ``kriterium-*`` (kept
    for the charts the build draws). It is left out of the build."""

    FRONTMATTER = 'frontmatter'
    """A key in a report's YAML front matter other than ``orphan`` and
    ``nosearch`` (``myst:`` would change how the report is parsed): it is
    not read."""

    PDF = 'pdf'
    """A character in a report that the PDF cannot print (pdflatex's fonts):
    the PDF shows ``?`` instead."""

    BIB = 'bib'
    """A ``.bib`` file that cannot be read, a key defined twice (in one file or
    in two reports' files), or a report citing a document that is not in its
    own folder's ``.bib`` files."""


#: Where a problem is: a ``(docname, line)`` pair, or a ``"path:line"`` string
#: for data files outside the documents.
Location = tuple[str, int] | str


class Problem(NamedTuple):
    """A warning kept until it is emitted, so that it survives pickling and
    parallel merges and is told on every build until it is fixed."""

    #: The subtype.
    kind: Kind
    #: The message, in English like Sphinx's own.
    message: str
    #: Where the problem is.
    location: Location


def emit(problem: Problem) -> None:
    """Log *problem* as a located, typed Sphinx warning."""
    logger.warning(
        problem.message,
        type=WARNING_TYPE,
        subtype=problem.kind.value,
        location=problem.location,
    )


def emit_all(problems: list[Problem]) -> None:
    """Emit *problems* in a stable order (by file, line, then message)."""

    def key(p: Problem) -> tuple[str, int, str]:
        if isinstance(p.location, tuple):
            return (p.location[0], p.location[1], p.message)
        path, _, line = p.location.rpartition(':')
        return (path, int(line) if line.isdigit() else 0, p.message)

    for problem in sorted(problems, key=key):
        emit(problem)
