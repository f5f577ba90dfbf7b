"""Values read from text: the one place that decides what a year, a date, a
whole number or a slug is.

Directive options, ``reports/scores.csv``, ``reports/published-averages.csv``
and the configuration all go through these functions, so that ``-1``,
``2021-02-30`` or ``1e3`` get the same answer (and the same message) wherever
they are written. Each parser returns the value, or raises :class:`BadValue`
whose message says what was expected; callers turn that into a located warning.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence

#: Longest whole number we read: far beyond any score, and short enough that
#: ``int()`` never meets Python's limit on digits.
_MAX_DIGITS = 9
# re.ASCII: \d alone also matches other scripts' digits ('٢٠٢٢'), which int()
# reads but which have no place in a number, a year or a file name.
_WHOLE = re.compile(r'[+-]?\d+', re.ASCII)
_YEAR = re.compile(r'\d{4}', re.ASCII)
_ISO_DATE = re.compile(r'\d{4}-\d{2}-\d{2}', re.ASCII)
_SLUG = re.compile(r'[a-z0-9]+(?:-[a-z0-9]+)*-\d{4}', re.ASCII)


class BadValue(ValueError):
    """A value that is not of the expected form; ``str()`` says what was expected."""


def whole_number(text: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """A whole number such as ``11`` (optionally within *minimum*..*maximum*)."""
    value = text.strip()
    if not _WHOLE.fullmatch(value):
        raise BadValue(f'{value!r} is not a whole number')
    if len(value.lstrip('+-')) > _MAX_DIGITS:
        raise BadValue(f'{value[:12]}… is too large a number')
    number = int(value)
    if (minimum is not None and number < minimum) or (
        maximum is not None and number > maximum
    ):
        low = '' if minimum is None else str(minimum)
        high = '' if maximum is None else str(maximum)
        raise BadValue(f'{number} is outside {low}..{high}')
    return number


def year(text: str) -> int:
    """A four-digit year such as ``2022``."""
    value = text.strip()
    if not _YEAR.fullmatch(value):
        raise BadValue(f'{value!r} is not a four-digit year')
    return int(value)


def iso_date(text: str) -> str:
    """A real calendar date written ``YYYY-MM-DD``; returned in that form."""
    value = text.strip()
    try:
        if not _ISO_DATE.fullmatch(value):
            raise ValueError(value)
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise BadValue(f'{value!r} is not an ISO date (YYYY-MM-DD)') from None


def ascii_name(name: str) -> str:
    """``Karlskrona`` -> ``karlskrona``; å, ä -> a, ö -> o, anything else -> ``-``."""
    plain = unicodedata.normalize('NFKD', name.lower()).encode('ascii', 'ignore').decode('ascii')
    return re.sub(r'[^a-z0-9]+', '-', plain).strip('-')


def make_slug(name: str, year: int | None) -> str:
    """``Karlskrona``, 2022 -> ``karlskrona-2022`` (FORMAT.md's rule)."""
    base = ascii_name(name)
    return f'{base}-{year}' if year is not None else base


def is_slug(text: str) -> bool:
    """Whether *text* has the form of an evaluation slug (``name-2022``)."""
    return bool(_SLUG.fullmatch(text))


def missing_columns(found: Sequence[str] | None, required: Sequence[str]) -> list[str]:
    """The *required* CSV columns that the header *found* lacks, in order."""
    have = set(found or ())
    return [column for column in required if column not in have]


def closest(wanted: str, known: Iterable[str]) -> list[str]:
    """Up to three of *known* that look like *wanted*, closest first."""
    return difflib.get_close_matches(wanted.strip(), sorted(known), n=3, cutoff=0.6)


def did_you_mean(wanted: str, known: Iterable[str]) -> str:
    """`` (did you mean a, b?)`` for the closest of *known*, or nothing."""
    close = closest(wanted, known)
    return f' (did you mean {", ".join(close)}?)' if close else ''
