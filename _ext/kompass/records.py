"""Immutable records of what the directives and roles declared, each with its origin.

Records carry their docname and line, so purging a document, merging parallel
readers' data and locating warnings need nothing else. They are what the
environment stores per document (see ``domain.py``); their field names are part
of the environment's shape (``tests/test_env_shape.py``).
"""

from __future__ import annotations

import functools
import posixpath
from typing import NamedTuple

from .values import make_slug

__all__ = [
    'AreaRecord', 'ChartRecord', 'EvaluationRecord', 'MentionRecord', 'MotivationRecord',
    'ScoreRecord', 'ViewRecord', 'folder_chain', 'make_slug',
]


class EvaluationRecord(NamedTuple):
    """An ``{evaluation}`` directive."""

    #: The document holding the directive; its folder is the evaluation's.
    docname: str
    #: Line of the directive.
    line: int
    municipality: str | None
    year: int | None
    #: ISO date (``YYYY-MM-DD``), if given and valid.
    date: str | None
    #: Catalogue id, if given.
    criteria: str | None
    evaluators: tuple[str, ...]
    #: Slug of the previous evaluation, if given.
    previous: str | None
    #: ``final`` or ``draft``.
    status: str

    @property
    def folder(self) -> str:
        """The evaluation folder, e.g. ``reports/karlskrona-2022``."""
        return posixpath.dirname(self.docname)

    @property
    def slug(self) -> str:
        """The folder's name, or one made from municipality and year at the root.

        Only a slug that :func:`scoring.compute` accepted (the folder's name is
        the slug of municipality and year) ever becomes a file name.
        """
        if self.folder:
            return posixpath.basename(self.folder)
        return make_slug(self.municipality or 'utvardering', self.year)


class ScoreRecord(NamedTuple):
    """A ``{score}`` directive."""

    docname: str
    line: int
    #: The criterion id as written.
    criterion: str
    #: The points, or None when missing or not a whole number (already warned).
    points: int | None
    #: The node id of the score, for links from the overview.
    anchor: str
    #: The title of the section the score stands in (the report's own name
    #: for the sub-area), or '' when it stands outside a titled section.
    heading: str


class AreaRecord(NamedTuple):
    """An ``{area}`` directive (the area's box)."""

    docname: str
    line: int
    area: str
    #: The total the text claims, if any.
    stated: int | None


class MentionRecord(NamedTuple):
    """A ``{good-example}`` role: a municipality named as a good example."""

    docname: str
    line: int
    #: The municipality's registered name (or the name as written if unknown).
    municipality: str
    #: Its code in the register, if found.
    code: str | None
    #: The criterion id, if known.
    criterion: str | None
    #: The node id of the mention, for links back to it.
    anchor: str
    #: The sentence the mention stands in.
    sentence: str


class MotivationRecord(NamedTuple):
    """The first paragraph under a ``{score}``, quoted on its criterion's page."""

    docname: str
    line: int
    #: The score's anchor (``ScoreRecord.anchor``).
    anchor: str
    text: str


class ChartRecord(NamedTuple):
    """A ``{score-chart}`` directive: which chart a page shows, so charts can be
    drawn ahead of writing and stale chart files removed after it."""

    docname: str
    line: int
    #: ``areas``, ``profile``, ``trend`` or ``totals``.
    kind: str
    #: The ``:evaluation:`` slug, or '' for the folder's evaluation.
    evaluation: str
    #: The ``:criteria:`` of a ``totals`` chart, or '' for the most used catalogue.
    criteria: str = ''


class ViewRecord(NamedTuple):
    """A view that shows the evaluation of its folder (an overview, a chart),
    so that one outside every evaluation folder is warned about."""

    docname: str
    line: int
    #: What it is, in a warning: ``score overview``, ``score chart``.
    what: str


@functools.lru_cache(maxsize=65536)
def folder_chain(docname: str) -> tuple[str, ...]:
    """The folders that may hold *docname*'s evaluation, nearest first (asked
    for every record of every build: kept)."""
    chain = []
    folder = posixpath.dirname(docname)
    while True:
        chain.append(folder)
        if not folder:
            return tuple(chain)
        folder = posixpath.dirname(folder)
