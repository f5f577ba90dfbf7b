"""Immutable records of what the directives declared, each with its origin.

Records carry their docname and line, so purging a document, merging parallel
readers' data and locating warnings need nothing else.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from typing import NamedTuple


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
        """The folder's name, or one made from municipality and year at the root."""
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


class AreaRecord(NamedTuple):
    """An ``{area}`` directive (the area's box)."""

    docname: str
    line: int
    area: str
    #: The total the text claims, if any.
    stated: int | None


def make_slug(municipality: str, year: int | None) -> str:
    """``Karlskrona``, 2022 -> ``karlskrona-2022`` (å, ä -> a, ö -> o)."""
    ascii_name = (
        unicodedata.normalize('NFKD', municipality.lower())
        .encode('ascii', 'ignore')
        .decode('ascii')
    )
    name = re.sub(r'[^a-z0-9]+', '-', ascii_name).strip('-')
    return f'{name}-{year}' if year is not None else name


def folder_chain(docname: str) -> list[str]:
    """The folders that may hold *docname*'s evaluation, nearest first."""
    chain = []
    folder = posixpath.dirname(docname)
    while True:
        chain.append(folder)
        if not folder:
            return chain
        folder = posixpath.dirname(folder)
