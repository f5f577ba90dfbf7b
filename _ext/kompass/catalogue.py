"""Criteria catalogues: read the YAML files in ``criteria/`` and check them.

A catalogue is data, not a document, so its problems are warnings located at
``criteria/<id>.yaml:<line>``. A catalogue with mistakes is still loaded with
whatever was usable, so the reports that use it go on building.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .logs import Kind, Problem
from .reportfiles import data_file_problem

_LINE = '__line__'
_ID = re.compile(r'[0-9A-Za-z]+(?:[._-][0-9A-Za-z]+)*')
#: The largest maximum a catalogue may give (Kommunkompassen's is 800).
_MAX_POINTS = 100_000
_CATALOGUE_KEYS = frozenset({'id', 'title', 'areas', 'description'})
_AREA_KEYS = frozenset({'id', 'title', 'short', 'aliases', 'max', 'criteria'})
_CRITERION_KEYS = frozenset({'id', 'title', 'aliases', 'max'})


@dataclass(frozen=True)
class Criterion:
    """A sub-area (delområde) with its maximum points."""

    #: The criterion id, e.g. ``"1.1"``.
    id: str
    #: The title shown in reports.
    title: str
    #: Maximum points.
    max: int
    #: Other names SKR's reports use for it.
    aliases: tuple[str, ...] = ()

    def is_named(self, name: str) -> bool:
        """Whether *name* is this criterion's title or an alias (any case)."""
        wanted = ' '.join(name.split()).casefold()
        return bool(wanted) and any(
            wanted == ' '.join(n.split()).casefold() for n in (self.title, *self.aliases)
        )


@dataclass(frozen=True)
class Area:
    """An area (område): its criteria's maxima add up to its own."""

    id: str
    title: str
    max: int
    criteria: tuple[Criterion, ...] = ()
    aliases: tuple[str, ...] = ()
    #: A short name for charts; the title when not given.
    short: str = ''

    @property
    def label(self) -> str:
        """``"1 Demokrati"``: number and short title, as charts name areas."""
        return f'{self.id} {self.short or self.title}'


@dataclass(frozen=True)
class Catalogue:
    """One revision of Kommunkompassen's criteria."""

    #: The id evaluations name in ``:criteria:``; also the file's stem.
    id: str
    title: str
    #: Absolute path of the YAML file.
    path: str
    areas: tuple[Area, ...] = ()
    #: SHA-1 of the file's bytes: a changed catalogue re-reads its reports.
    digest: str = ''
    #: False when the file could not be parsed at all.
    usable: bool = True
    _criteria: dict[str, tuple[Area, Criterion]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        for area in self.areas:
            for crit in area.criteria:
                self._criteria.setdefault(crit.id, (area, crit))

    @property
    def max(self) -> int:
        """The catalogue's maximum total (800 for Kommunkompassen)."""
        return sum(area.max for area in self.areas)

    def area(self, area_id: str) -> Area | None:
        """The area with *area_id*, if the catalogue has it."""
        return next((a for a in self.areas if a.id == area_id), None)

    def criterion(self, criterion_id: str) -> tuple[Area, Criterion] | None:
        """The criterion with *criterion_id* and its area, if any."""
        return self._criteria.get(criterion_id)

    def criterion_ids(self) -> list[str]:
        """Every criterion id, in catalogue order."""
        return [c.id for a in self.areas for c in a.criteria]


class _LineLoader(yaml.SafeLoader):
    """A safe loader that records each mapping's line, for located warnings,
    and every key given twice in one mapping (YAML keeps only the last)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicates: list[tuple[int, str]] = []

    def compose_node(self, parent: Any, index: Any) -> Any:
        # An alias repeats a part of the file any number of times: a few
        # lines could make millions of criteria. A catalogue writes each out.
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, 'aliases (*name) are not allowed; write each area and '
                'criterion out', event.start_mark)
        return super().compose_node(parent, index)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> Any:
        seen: set[Any] = set()
        for key_node, _value in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue
            key = key_node.value
            if key in seen:
                self.duplicates.append((key_node.start_mark.line + 1, key))
            seen.add(key)
        mapping = super().construct_mapping(node, deep=deep)
        mapping[_LINE] = node.start_mark.line + 1
        return mapping


def _parse(text: str) -> tuple[Any, list[tuple[int, str]]]:
    """The YAML document and the keys given twice (line, key)."""
    loader = _LineLoader(text)
    try:
        return loader.get_single_data(), loader.duplicates
    finally:
        loader.dispose()


class _Checker:
    """Collects the problems of one catalogue file while it is converted."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def warn(self, line: int, message: str) -> None:
        self.problems.append(
            Problem(Kind.CATALOGUE, message, f'{self.path}:{line}')
        )

    def keys(self, data: dict[str, Any], allowed: frozenset[str], what: str) -> None:
        line = data.get(_LINE, 1)
        for key in data:
            if key != _LINE and key not in allowed:
                self.warn(
                    line,
                    f'unknown key {key!r} in {what}; '
                    f'expected one of: {", ".join(sorted(allowed))}',
                )

    def identifier(self, data: dict[str, Any], what: str) -> str | None:
        """An id: ASCII letters and digits, parts joined by ``.``, ``-`` or ``_``
        (it becomes part of links and file names)."""
        found = self.text(data, 'id', what)
        if found is not None and not _ID.fullmatch(found):
            self.warn(data.get(_LINE, 1), f'{what} id {found!r} must be ASCII letters and '
                      'digits, parts joined by ".", "-" or "_" (e.g. "1.1")')
            return None
        return found

    def text(self, data: dict[str, Any], key: str, what: str) -> str | None:
        value = data.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if key == 'id' and isinstance(value, int):
                return str(value)
            self.warn(
                data.get(_LINE, 1),
                f'{what} {key} {value!r} must be a quoted string, e.g. "{value}"',
            )
            return str(value)
        if not isinstance(value, str) or not value.strip():
            self.warn(data.get(_LINE, 1), f'{what} has no {key} (a text is expected)')
            return None
        return value.strip()

    def aliases(self, data: dict[str, Any], what: str) -> tuple[str, ...]:
        value = data.get('aliases', [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.warn(data.get(_LINE, 1), f'{what} aliases must be a list of texts')
            return ()
        return tuple(value)

    def maximum(self, data: dict[str, Any], what: str) -> int | None:
        value = data.get('max')
        if value is None:
            self.warn(data.get(_LINE, 1), f'{what} has no max (a positive whole number)')
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            self.warn(
                data.get(_LINE, 1),
                f'{what} max {value!r} is not a positive whole number',
            )
            return None
        if value > _MAX_POINTS:
            self.warn(data.get(_LINE, 1), f'{what} max {value} is more than {_MAX_POINTS}')
            return None
        return value


def _criterion(check: _Checker, data: Any, area_id: str, line: int) -> Criterion | None:
    if not isinstance(data, dict):
        check.warn(line, f'a criterion of area {area_id} is not a mapping')
        return None
    cid = check.identifier(data, f'a criterion of area {area_id}')
    what = f'criterion {cid}' if cid else f'a criterion of area {area_id}'
    check.keys(data, _CRITERION_KEYS, what)
    title = check.text(data, 'title', what)
    maximum = check.maximum(data, what)
    if cid and not cid.startswith(f'{area_id}.'):
        check.warn(
            data[_LINE],
            f'criterion id {cid!r} does not start with its area id "{area_id}."',
        )
    if cid is None or maximum is None:
        return None
    return Criterion(cid, title or cid, maximum, check.aliases(data, what))


def _area(check: _Checker, data: Any, line: int) -> Area | None:
    if not isinstance(data, dict):
        check.warn(line, 'an area is not a mapping')
        return None
    aid = check.identifier(data, 'an area')
    what = f'area {aid}' if aid else 'an area'
    check.keys(data, _AREA_KEYS, what)
    title = check.text(data, 'title', what)
    maximum = check.maximum(data, what)
    raw = data.get('criteria')
    if not isinstance(raw, list) or not raw:
        check.warn(data[_LINE], f'{what} has no criteria (a list is expected)')
        raw = []
    criteria = tuple(
        c
        for c in (_criterion(check, item, aid or '?', data[_LINE]) for item in raw)
        if c is not None
    )
    total = sum(c.max for c in criteria)
    if maximum is not None and criteria and total != maximum:
        check.warn(
            data[_LINE],
            f'{what} has max {maximum}, but its criteria add up to {total}',
        )
    if aid is None:
        return None
    short = data.get('short', '')
    if not isinstance(short, str):
        check.warn(data[_LINE], f'{what} short must be a text')
        short = ''
    return Area(
        aid, title or aid, maximum if maximum is not None else total, criteria,
        check.aliases(data, what), short.strip(),
    )


def load_catalogue(path: Path) -> tuple[Catalogue, list[Problem]]:
    """Read and check one catalogue file; never raises on bad content."""
    check = _Checker(path)
    stem = path.stem
    try:
        raw_bytes = path.read_bytes()
        data, duplicates = _parse(raw_bytes.decode('utf-8'))
    except (OSError, UnicodeDecodeError) as exc:
        check.warn(1, f'cannot read catalogue: {exc}')
        return Catalogue(stem, stem, str(path), usable=False), check.problems
    except yaml.YAMLError as exc:
        mark = getattr(exc, 'problem_mark', None)
        line = mark.line + 1 if mark is not None else 1
        reason = getattr(exc, 'problem', None) or str(exc)
        check.warn(line, f'catalogue is not valid YAML: {reason}')
        return Catalogue(stem, stem, str(path), usable=False), check.problems
    except RecursionError:
        check.warn(1, 'catalogue is nested too deeply to be read')
        return Catalogue(stem, stem, str(path), usable=False), check.problems
    except ValueError as exc:  # e.g. an integer with more digits than Python reads
        check.warn(1, f'catalogue has a value that cannot be read: {exc}')
        return Catalogue(stem, stem, str(path), usable=False), check.problems
    for line, key in duplicates:
        check.warn(line, f'key {key!r} is given twice in one mapping (YAML keeps the last)')
    digest = hashlib.sha1(raw_bytes).hexdigest()
    if not isinstance(data, dict):
        check.warn(1, 'a catalogue must be a mapping with id, title and areas')
        return Catalogue(stem, stem, str(path), digest=digest, usable=False), check.problems

    check.keys(data, _CATALOGUE_KEYS, 'the catalogue')
    cat_id = check.text(data, 'id', 'the catalogue') or stem
    if cat_id != stem:
        check.warn(
            data[_LINE],
            f'catalogue id {cat_id!r} differs from its file name {path.name!r}; '
            f'evaluations find it as {stem!r}',
        )
        cat_id = stem
    title = check.text(data, 'title', 'the catalogue') or cat_id
    raw_areas = data.get('areas')
    if not isinstance(raw_areas, list) or not raw_areas:
        check.warn(data[_LINE], 'the catalogue has no areas (a list is expected)')
        raw_areas = []
    areas = [a for a in (_area(check, item, data[_LINE]) for item in raw_areas) if a]

    # Ids must be unique across areas and criteria alike.
    seen: set[str] = set()
    for area_data in raw_areas:
        if not isinstance(area_data, dict):
            continue
        items = [area_data, *(area_data.get('criteria') or [])]
        for item in items:
            if not isinstance(item, dict) or item.get('id') is None:
                continue
            ident = str(item['id'])
            if ident in seen:
                check.warn(item[_LINE], f'id {ident!r} is used twice in the catalogue')
            seen.add(ident)
    catalogue = Catalogue(cat_id, title, str(path), tuple(areas), digest)
    return catalogue, check.problems


def load_catalogues(folder: Path, root: Path | None = None
                    ) -> tuple[dict[str, Catalogue], list[Problem]]:
    """Load every ``*.yaml``/``*.yml`` in *folder*, keyed by catalogue id; in
    the repository *root*, links and other than regular files are refused."""
    catalogues: dict[str, Catalogue] = {}
    problems: list[Problem] = []
    if not folder.is_dir():
        return catalogues, problems
    for path in sorted([*folder.glob('*.yaml'), *folder.glob('*.yml')]):
        refused = data_file_problem(path, root) if root is not None else None
        if refused is not None:
            problems.append(Problem(Kind.CATALOGUE, f'the catalogue {refused}; it is not read',
                                    f'{path}:1'))
            continue
        catalogue, found = load_catalogue(path)
        catalogues[catalogue.id] = catalogue
        problems.extend(found)
    return catalogues, problems
