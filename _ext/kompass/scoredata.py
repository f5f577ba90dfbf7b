"""Score data for evaluations without a report (``reports/scores.csv``) and
national averages as someone published them (``reports/published-averages.csv``).

Published results (earlier years, other municipalities) count in averages,
trends and the evaluation index; published averages are shown beside, never
mixed into, the computed ones. Both files are checked alike (real dates, whole
numbers within the catalogue's maxima, levels that agree); problems are
warnings located at ``<file>:<line>``.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

from . import values
from .catalogue import Catalogue
from .logs import Kind, Problem

REQUIRED_COLUMNS = ('slug', 'municipality', 'year', 'date', 'criteria', 'source')
AVERAGE_COLUMNS = ('label', 'date', 'criteria', 'source')


class DataRow(NamedTuple):
    """One evaluation known by its published scores."""

    slug: str
    municipality: str
    year: int
    #: ISO date, or None when only the year was published.
    date: str | None
    criteria: str
    source: str
    #: Criterion points given in the row.
    points: dict[str, int]
    #: Area scores: given, or the sum of all the area's criteria when all given.
    areas: dict[str, int]
    #: Total: given, or the sum of all areas when all are known.
    total: int | None
    #: Line of the row in the file.
    line: int


class ScoreData(NamedTuple):
    """The file's rows, its problems and its digest (for rewrites)."""

    rows: tuple[DataRow, ...]
    problems: tuple[Problem, ...]
    digest: str


class PublishedAverage(NamedTuple):
    """A national average as someone published it (e.g. SKR's "Sverigesnitt")."""

    label: str
    date: str
    criteria: str
    source: str
    areas: dict[str, int]
    total: int | None
    line: int


class _Levels(NamedTuple):
    points: dict[str, int]
    areas: dict[str, int]
    total: int | None


class _Row:
    """One CSV row being checked; its problems name the file and line."""

    def __init__(self, raw: dict[str | None, str | list[str] | None], line: int,
                 where: str, problems: list[Problem]) -> None:
        self.raw = raw
        self.line = line
        self.where = where
        self.problems = problems

    def warn(self, message: str) -> None:
        self.problems.append(Problem(Kind.DATA, message, f'{self.where}:{self.line}'))

    def text(self, column: str) -> str:
        value = self.raw.get(column)
        return value.strip() if isinstance(value, str) else ''

    def required(self, *columns: str) -> None:
        for column in columns:
            if not self.text(column):
                self.warn(f'row has no {column}')

    def year(self) -> int | None:
        text = self.text('year')
        if not text:
            return None
        try:
            return values.year(text)
        except values.BadValue as exc:
            self.warn(f'year {exc}')
            return None

    def date(self) -> str | None:
        text = self.text('date')
        if not text:
            return None
        try:
            return values.iso_date(text)
        except values.BadValue as exc:
            self.warn(f'date {exc}')
            return None

    def catalogue(self, catalogues: dict[str, Catalogue]) -> Catalogue | None:
        criteria = self.text('criteria')
        found = catalogues.get(criteria)
        if criteria and found is None:
            self.warn(f'unknown criteria catalogue {criteria!r}; known catalogues: '
                      f'{", ".join(sorted(catalogues)) or "none"}')
        return found

    def levels(self, catalogue: Catalogue, fixed: tuple[str, ...]) -> _Levels:
        """Criterion, area and total columns: checked, and summed upwards."""
        points: dict[str, int] = {}
        areas: dict[str, int] = {}
        total: int | None = None
        for column, cell in self.raw.items():
            if column is None or column in fixed:
                continue
            value = cell.strip() if isinstance(cell, str) else ''
            if not value:
                continue  # unknown, not zero
            area = catalogue.area(column)
            criterion = catalogue.criterion(column)
            if column == 'total':
                maximum = catalogue.max
            elif area is not None:
                maximum = area.max
            elif criterion is not None:
                maximum = criterion[1].max
            else:
                self.warn(f'unknown column {column!r}: not a criterion, area or total of '
                          f'{catalogue.id!r}')
                continue
            try:
                number = values.whole_number(value, minimum=0, maximum=maximum)
            except values.BadValue as exc:
                self.warn(f'{column}: {exc}')
                continue
            if column == 'total':
                total = number
            elif area is not None:
                areas[column] = number
            else:
                points[column] = number
        for area in catalogue.areas:
            ids = [c.id for c in area.criteria]
            if ids and all(c in points for c in ids):
                summed = sum(points[c] for c in ids)
                if area.id in areas and areas[area.id] != summed:
                    self.warn(f'area {area.id} is {areas[area.id]}, but its criteria '
                              f'add up to {summed}')
                areas.setdefault(area.id, summed)
        if catalogue.areas and all(a.id in areas for a in catalogue.areas):
            summed = sum(areas.values())
            if total is not None and total != summed:
                self.warn(f'total is {total}, but the areas add up to {summed}')
            total = summed if total is None else total
        return _Levels(points, areas, total)


def _read_rows(
    path: Path, required: tuple[str, ...], problems: list[Problem]
) -> tuple[Iterator[_Row], str]:
    """The rows of a CSV file, each with its line; the file's digest."""
    where = str(path)
    try:
        raw_bytes = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(Kind.DATA, f'cannot read the file: {exc.strerror or exc}',
                                f'{where}:1'))
        return iter(()), ''
    digest = hashlib.sha1(raw_bytes).hexdigest()
    try:
        text = raw_bytes.decode('utf-8-sig')
    except UnicodeDecodeError as exc:
        problems.append(Problem(Kind.DATA, f'not UTF-8 text: {exc}', f'{where}:1'))
        return iter(()), digest
    reader = csv.DictReader(io.StringIO(text, newline=''))
    try:
        missing = values.missing_columns(reader.fieldnames, required)
    except csv.Error as exc:
        problems.append(Problem(Kind.DATA, f'not a CSV file: {exc}', f'{where}:1'))
        return iter(()), digest
    if missing:
        problems.append(Problem(
            Kind.DATA, f'missing column(s): {", ".join(missing)}; the header must '
            f'start with {",".join(required)}', f'{where}:1',
        ))
        return iter(()), digest

    def rows() -> Iterator[_Row]:
        line = reader.line_num
        try:
            for raw in reader:
                row_line, line = line + 1, reader.line_num
                row = _Row(raw, row_line, where, problems)  # type: ignore[arg-type]
                if None in raw:
                    row.warn('row has more cells than the header has columns')
                yield row
        except csv.Error as exc:
            # The row that failed is the one after the last read.
            problems.append(Problem(Kind.DATA, f'not a CSV row: {exc}', f'{where}:{line + 1}'))

    return rows(), digest


def _parse_row(row: _Row, catalogues: dict[str, Catalogue],
               slug_base: Callable[[str], str]) -> DataRow | None:
    slug = row.text('slug')
    municipality = row.text('municipality')
    row.required('slug', 'municipality', 'year', 'criteria', 'source')
    year = row.year()
    date = row.date()
    if date is not None and year is not None and not date.startswith(f'{year}-'):
        row.warn(f'date {date} is not in the year {year}')
    catalogue = row.catalogue(catalogues)
    if slug and municipality and year is not None:
        expected = f'{slug_base(municipality)}-{year}'
        if slug != expected:
            row.warn(f'slug {slug!r} is not the slug of {municipality} {year}, '
                     f'{expected!r} (FORMAT.md); the row is ignored')
            return None
    if not slug or year is None or catalogue is None:
        return None
    levels = row.levels(catalogue, REQUIRED_COLUMNS)
    return DataRow(slug, municipality, year, date, catalogue.id, row.text('source'),
                   levels.points, levels.areas, levels.total, row.line)


def load_score_data(
    path: Path, catalogues: dict[str, Catalogue],
    slug_base: Callable[[str], str] = values.ascii_name,
) -> ScoreData:
    """Read and check the score data; a missing file is simply no data.

    *slug_base* gives a municipality's name in slugs (the register's).
    """
    if not path.is_file():
        return ScoreData((), (), '')
    problems: list[Problem] = []
    rows, digest = _read_rows(path, REQUIRED_COLUMNS, problems)
    found: list[DataRow] = []
    seen: dict[str, int] = {}
    for row in rows:
        parsed = _parse_row(row, catalogues, slug_base)
        if parsed is None:
            continue
        if parsed.slug in seen:
            row.warn(f'duplicate slug {parsed.slug!r}; first on line {seen[parsed.slug]}')
            continue
        seen[parsed.slug] = row.line
        found.append(parsed)
    return ScoreData(tuple(found), tuple(problems), digest)


def load_published_averages(
    path: Path, catalogues: dict[str, Catalogue]
) -> tuple[tuple[PublishedAverage, ...], tuple[Problem, ...]]:
    """Read published averages, checked like the score data."""
    if not path.is_file():
        return (), ()
    problems: list[Problem] = []
    rows, _ = _read_rows(path, AVERAGE_COLUMNS, problems)
    found: list[PublishedAverage] = []
    for row in rows:
        row.required('label', 'date', 'criteria', 'source')
        date = row.date()
        catalogue = row.catalogue(catalogues)
        if date is None or catalogue is None:
            continue
        levels = row.levels(catalogue, AVERAGE_COLUMNS)
        if levels.points:
            row.warn('a published average gives areas and a total, not criterion '
                     f'points ({", ".join(sorted(levels.points))})')
        found.append(PublishedAverage(
            row.text('label') or date, date, catalogue.id, row.text('source'),
            levels.areas, levels.total, row.line,
        ))
    return tuple(found), tuple(problems)
