"""Score data for evaluations without a report: ``reports/scores.csv``.

Published results (earlier years, other municipalities) count in averages,
trends and the evaluation index. Each row is checked like a report; problems
are warnings located at ``reports/scores.csv:<line>``.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from pathlib import Path
from typing import NamedTuple

from .catalogue import Catalogue
from .logs import Kind, Problem

REQUIRED_COLUMNS = ('slug', 'municipality', 'year', 'date', 'criteria', 'source')
_WHOLE = re.compile(r'\d+')


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


def _parse_row(
    raw: dict[str, str],
    line: int,
    where: str,
    catalogues: dict[str, Catalogue],
    problems: list[Problem],
) -> DataRow | None:
    def warn(message: str) -> None:
        problems.append(Problem(Kind.DATA, message, f'{where}:{line}'))

    slug = (raw.get('slug') or '').strip()
    municipality = (raw.get('municipality') or '').strip()
    criteria = (raw.get('criteria') or '').strip()
    for column in ('slug', 'municipality', 'year', 'criteria', 'source'):
        if not (raw.get(column) or '').strip():
            warn(f'row has no {column}')
    year_text = (raw.get('year') or '').strip()
    year = int(year_text) if re.fullmatch(r'\d{4}', year_text) else None
    if year_text and year is None:
        warn(f'year {year_text!r} is not a four-digit year')
    date_text = (raw.get('date') or '').strip()
    date = None
    if date_text:
        try:
            if not re.fullmatch(r'\d{4}-\d{2}-\d{2}', date_text):
                raise ValueError
            date = dt.date.fromisoformat(date_text).isoformat()
        except ValueError:
            warn(f'date {date_text!r} is not an ISO date (YYYY-MM-DD)')
    catalogue = catalogues.get(criteria)
    if criteria and catalogue is None:
        warn(f'unknown criteria catalogue {criteria!r}; known catalogues: '
             f'{", ".join(sorted(catalogues)) or "none"}')
    if not slug or year is None or catalogue is None:
        return None

    points: dict[str, int] = {}
    areas: dict[str, int] = {}
    total: int | None = None
    for column, cell in raw.items():
        if column in REQUIRED_COLUMNS or column is None:
            continue
        value = (cell or '').strip()
        if not value:
            continue  # unknown, not zero
        if not _WHOLE.fullmatch(value):
            warn(f'{column}: {value!r} is not a whole number')
            continue
        number = int(value)
        if column == 'total':
            maximum = catalogue.max
            total = number
        elif catalogue.area(column) is not None:
            maximum = catalogue.area(column).max  # type: ignore[union-attr]
            areas[column] = number
        elif catalogue.criterion(column) is not None:
            maximum = catalogue.criterion(column)[1].max  # type: ignore[index]
            points[column] = number
        else:
            warn(f'unknown column {column!r}: not a criterion, area or total of '
                 f'{catalogue.id!r}')
            continue
        if number > maximum:
            warn(f'{column}: {number} is over the maximum {maximum}')

    for area in catalogue.areas:
        ids = [c.id for c in area.criteria]
        if all(c in points for c in ids):
            summed = sum(points[c] for c in ids)
            if area.id in areas and areas[area.id] != summed:
                warn(f'area {area.id} is {areas[area.id]}, but its criteria '
                     f'add up to {summed}')
            areas.setdefault(area.id, summed)
    if all(a.id in areas for a in catalogue.areas):
        summed = sum(areas.values())
        if total is not None and total != summed:
            warn(f'total is {total}, but the areas add up to {summed}')
        total = summed if total is None else total
    return DataRow(
        slug, municipality, year, date, criteria,
        (raw.get('source') or '').strip(), points, areas, total, line,
    )


def load_score_data(path: Path, catalogues: dict[str, Catalogue]) -> ScoreData:
    """Read and check the score data; a missing file is simply no data."""
    if not path.is_file():
        return ScoreData((), (), '')
    problems: list[Problem] = []
    raw_bytes = path.read_bytes()
    digest = hashlib.sha1(raw_bytes).hexdigest()
    where = str(path)
    try:
        text = raw_bytes.decode('utf-8-sig')
    except UnicodeDecodeError as exc:
        problems.append(Problem(Kind.DATA, f'not UTF-8 text: {exc}', f'{where}:1'))
        return ScoreData((), tuple(problems), digest)
    reader = csv.DictReader(io.StringIO(text, newline=''))
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        problems.append(Problem(
            Kind.DATA, f'missing column(s): {", ".join(missing)}; the header must '
            f'start with {",".join(REQUIRED_COLUMNS)}', f'{where}:1',
        ))
        return ScoreData((), tuple(problems), digest)
    rows: list[DataRow] = []
    seen: dict[str, int] = {}
    line = reader.line_num
    for raw in reader:
        row_line, line = line + 1, reader.line_num
        if None in raw:
            problems.append(Problem(
                Kind.DATA, 'row has more cells than the header has columns',
                f'{where}:{row_line}',
            ))
        row = _parse_row(raw, row_line, where, catalogues, problems)
        if row is None:
            continue
        if row.slug in seen:
            problems.append(Problem(
                Kind.DATA, f'duplicate slug {row.slug!r}; first on line '
                f'{seen[row.slug]}', f'{where}:{row_line}',
            ))
            continue
        seen[row.slug] = row_line
        rows.append(row)
    return ScoreData(tuple(rows), tuple(problems), digest)


class PublishedAverage(NamedTuple):
    """A national average as someone published it (e.g. SKR's "Sverigesnitt")."""

    label: str
    date: str
    criteria: str
    source: str
    areas: dict[str, int]
    total: int | None
    line: int


AVERAGE_COLUMNS = ('label', 'date', 'criteria', 'source')


def load_published_averages(
    path: Path, catalogues: dict[str, Catalogue]
) -> tuple[tuple[PublishedAverage, ...], tuple[Problem, ...]]:
    """Read published averages; shown beside, never mixed into, computed ones."""
    if not path.is_file():
        return (), ()
    where = str(path)
    problems: list[Problem] = []
    found: list[PublishedAverage] = []
    with path.open(encoding='utf-8-sig', newline='') as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in AVERAGE_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            problems.append(Problem(
                Kind.DATA, f'missing column(s): {", ".join(missing)}', f'{where}:1'
            ))
            return (), tuple(problems)
        line = reader.line_num
        for raw in reader:
            row_line, line = line + 1, reader.line_num
            date = (raw.get('date') or '').strip()
            catalogue = catalogues.get((raw.get('criteria') or '').strip())
            if not re.fullmatch(r'\d{4}-\d{2}-\d{2}', date) or catalogue is None:
                problems.append(Problem(
                    Kind.DATA, 'a published average needs an ISO date and a known '
                    'criteria catalogue', f'{where}:{row_line}',
                ))
                continue
            areas: dict[str, int] = {}
            for area in catalogue.areas:
                value = (raw.get(area.id) or '').strip()
                if _WHOLE.fullmatch(value) and int(value) <= area.max:
                    areas[area.id] = int(value)
                elif value:
                    problems.append(Problem(
                        Kind.DATA, f'{area.id}: {value!r} is not a whole number from '
                        f'0 to {area.max}', f'{where}:{row_line}',
                    ))
            total_text = (raw.get('total') or '').strip()
            total = int(total_text) if _WHOLE.fullmatch(total_text) else None
            found.append(PublishedAverage(
                (raw.get('label') or '').strip() or date, date, catalogue.id,
                (raw.get('source') or '').strip(), areas, total, row_line,
            ))
    return tuple(found), tuple(problems)
