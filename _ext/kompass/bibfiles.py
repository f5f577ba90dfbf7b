"""Read every report's ``.bib`` files before sphinxcontrib-bibtex does.

sphinxcontrib-bibtex 2.7 reads them in pybtex's strict mode: the first broken
entry, or a file that is not UTF-8, ended the build in a traceback. Here each
file is read on its own first, and every problem is a warning at its file and
line: a broken entry, a key defined twice (in one file, or in two reports'
files: a key names one document in the whole repository), a ``url`` that is
not http(s) or mailto (the field is dropped). sphinxcontrib-bibtex then reads
past the broken entries, without the files that cannot be read at all, and
without a report's files that :mod:`.reportfiles` refuses (a symbolic link,
whose target is never opened nor named, or an unsafe name).
"""

from __future__ import annotations

import bisect
import os
import re
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, NamedTuple

from .logs import WARNING_TYPE, Kind, logger
from .perdoc import PerDocument
from .sanitize import confinement, shown, unpublished_link

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: Where the keys are defined, on the environment: folded key -> places.
KEYS = 'kompass_bib_keys'


class Place(NamedTuple):
    """Where a ``.bib`` entry is defined."""

    path: Path
    line: int


_ENTRY = re.compile(r'@\s*([A-Za-z]+)\s*[{(]\s*([^\s,{}()]+)\s*,')


class _Lines:
    """Line numbers of positions in a text, without rescanning it each time."""

    def __init__(self, text: str) -> None:
        self.starts = [m.end() for m in re.finditer('\n', text)]

    def at(self, position: int) -> int:
        return bisect.bisect_right(self.starts, position) + 1


def _entry_lines(text: str, lines: _Lines | None = None) -> list[tuple[str, int]]:
    """``(key, line)`` of every entry in a .bib text, in order."""
    lines = lines or _Lines(text)
    return [(m[2], lines.at(m.start())) for m in _ENTRY.finditer(text)
            if m[1].lower() not in ('comment', 'preamble', 'string')]


def _warn(message: str, location: Any, kind: Kind = Kind.BIB) -> None:
    logger.warning(message, type=WARNING_TYPE, subtype=kind.value, location=location)


Problem = tuple[Kind, str, int]


class _Read(NamedTuple):
    """What reading one .bib file found."""

    #: Its text; None when it cannot be read at all (and that was reported).
    text: str | None
    #: Each problem: its kind, message and line.
    problems: list[Problem]
    #: Fields to drop: (folded key, folded field name).
    dropped: list[tuple[str, str]]


def _read_bibfile(path: Path, encoding: str) -> _Read:
    """Read one .bib file as pybtex would, collecting every problem."""
    import pybtex.errors  # type: ignore[import-untyped]
    from pybtex.database import BibliographyDataError  # type: ignore[import-untyped]
    from pybtex.database.input.bibtex import Parser  # type: ignore[import-untyped]
    from pybtex.scanner import PybtexSyntaxError  # type: ignore[import-untyped]

    try:
        data = path.read_bytes()
    except OSError as exc:
        _warn(f'cannot read this .bib file: {exc.strerror}', f'{path}:1')
        return _Read(None, [], [])
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        line = data.count(b'\n', 0, getattr(exc, 'start', 0)) + 1
        _warn(f'this .bib file is not {encoding} text; its sources are left out',
              f'{path}:{line}')
        return _Read(None, [], [])
    problems: list[Problem] = []
    parser = Parser(encoding)
    with pybtex.errors.capture() as errors:
        try:
            parser.parse_string(text)
        except Exception as exc:  # noqa: BLE001 - pybtex's own bugs end here, not in a traceback
            _warn(f'cannot read this .bib file: {exc}; its sources are left out', f'{path}:1')
            return _Read(None, [], [])
    lines = _Lines(text)
    seen: dict[str, int] = {}
    repeated: list[int] = []
    for key, line in _entry_lines(text, lines):
        if key.lower() in seen:
            repeated.append(line)
        seen.setdefault(key.lower(), line)
    for error in errors:
        if isinstance(error, PybtexSyntaxError):
            # Reported where the broken entry starts, not where pybtex gave up
            # (for an unclosed brace, the end of the file).
            line = error.lineno or 1
            offset = (getattr(error, 'error_context_info', None) or (None,))[0]
            entry = _ENTRY.match(text, offset) if isinstance(offset, int) else None
            if entry is None or offset is None:
                problems.append((Kind.BIB, f'broken .bib text: {error.args[0]}', line))
                continue
            start = lines.at(offset)
            problems.append((Kind.BIB, f'broken .bib entry {entry[2]!r}: {error.args[0]} '
                             f'(line {line})', start))
        elif isinstance(error, BibliographyDataError) and repeated:
            key = str(error).rpartition(': ')[2]
            line = repeated.pop(0)
            problems.append((Kind.BIB, f'the key {key!r} is defined twice in this file (first '
                             f'on line {seen.get(key.lower(), 1)}); the second entry is ignored',
                             line))
        else:
            problems.append((Kind.BIB, f'broken .bib entry: {error}', 1))
    links, dropped = _unpublished_links(text, lines, parser.data.entries)
    return _Read(text, sorted([*problems, *links], key=lambda p: p[2]), dropped)


_LINK_IN_TEXT = re.compile(r'\\(?:url|href)\s*\{([^{}]*)\}')


def _unpublished_links(
    text: str, lines: _Lines, entries: Any
) -> tuple[list[Problem], list[tuple[str, str]]]:
    """Links in .bib fields that may not be published: the field is dropped
    (so the address reaches no link, text or tooltip), with a warning at it."""
    problems: list[Problem] = []
    dropped = []
    spans = _EntrySpans(text)
    for key, entry in entries.items():
        for field, value in list(entry.fields.items()):
            uris = [value] if field.lower() == 'url' else _LINK_IN_TEXT.findall(value)
            bad = next((u for u in uris if unpublished_link(u)), None)
            if bad is None:
                continue
            dropped.append((key.lower(), field.lower()))
            message = (f'{key}: {field} {shown(bad)} is not a link that is published (only '
                       'http, https and mailto are); the field is left out')
            problems.append((Kind.LINK, message, _field_line(text, lines, spans, key, field)))
    return problems, dropped


class _EntrySpans:
    """Where each entry of a .bib text starts and ends, from one scan."""

    def __init__(self, text: str) -> None:
        self.starts: list[int] = []
        self.first: dict[str, int] = {}
        for match in _ENTRY.finditer(text):
            self.starts.append(match.start())
            self.first.setdefault(match[2].lower(), match.start())
        self.size = len(text)

    def span(self, key: str) -> tuple[int, int]:
        """The first entry *key*'s text: up to the next entry (or the end)."""
        start = self.first.get(key.lower(), 0)
        after = bisect.bisect_right(self.starts, start)
        return start, self.starts[after] if after < len(self.starts) else self.size


def _field_line(text: str, lines: _Lines, spans: _EntrySpans, key: str, field: str) -> int:
    """The line of *field* in the entry *key* (the entry's line if not found).

    Looked for in that entry's text only: a file with many dropped fields is
    read once, not once per field.
    """
    start, end = spans.span(key)
    found = re.compile(rf'\b{re.escape(field)}\s*=', re.I).search(text, start, end)
    return lines.at(found.start() if found else start)


def check_bibfiles(app: Sphinx) -> None:
    """builder-inited, before sphinxcontrib-bibtex reads the files: warn about
    each problem at its file and line, and let that reading go on past them."""
    import pybtex.errors  # type: ignore[import-untyped]

    configured = list(app.config.bibtex_bibfiles or [])
    encoding = app.config.bibtex_encoding
    keys: dict[str, list[Place]] = {}
    readable = []
    dropped: list[tuple[Path, str, str]] = []
    known: dict[str, tuple[object, _Read]] = {}
    for name in configured:
        if _refused(app, name):
            continue  # kompass.file told where it is, without following it
        path = (Path(app.confdir) / name).resolve()
        if not path.is_file():
            readable.append(name)  # sphinxcontrib-bibtex warns about a missing file
            continue
        read = _read_known(app, path, encoding, known)
        if read.text is None:
            continue
        readable.append(name)
        for kind, message, line in read.problems:
            _warn(message, f'{path}:{line}', kind)
        dropped += [(path, key, field) for key, field in read.dropped]
        own: set[str] = set()
        for key, line in _entry_lines(read.text):
            folded = key.lower()
            if folded in own:
                continue  # reported above, as twice in one file
            own.add(folded)
            first = keys.setdefault(folded, [])
            if first:
                where = shown_path(app, first[0].path)
                _warn(f'the key {key!r} is also defined in {where}:{first[0].line}; a key '
                      'names one document in the whole repository, so this entry is ignored '
                      '(give it a key of its own, e.g. starting with the folder name)',
                      f'{path}:{line}')
            first.append(Place(path, line))
    # Made here, in the main process: a parallel reader sends none of it back.
    setattr(app.env, KEYS, PerDocument(keys))
    setattr(app.env, _KNOWN, PerDocument(known))  # the files of this build only
    # sphinxcontrib-bibtex reads in pybtex's strict mode, where the first
    # broken entry raises; collected instead (they were reported above), and
    # without the files that cannot be read at all. Undone right after it.
    capture = pybtex.errors.capture()
    capture.__enter__()
    _READING[id(app)] = _Reading(capture, configured, dropped)
    if readable != configured:
        app.config.bibtex_bibfiles = readable


#: Where the environment keeps each ``.bib`` file's reading, by path.
_KNOWN = 'kompass_bib_reads'


def _read_known(app: Sphinx, path: Path, encoding: str,
                known: dict[str, tuple[object, _Read]]) -> _Read:
    """:func:`_read_bibfile`, or its result from the last build while the file
    is unchanged (size and time): pybtex parsing every report's sources was a
    good part of every build, an unchanged one too. A file that could not be
    read is read (and warned about) again each time."""
    try:
        status = path.stat()
    except OSError:
        return _read_bibfile(path, encoding)
    stamp = (encoding, status.st_size, status.st_mtime_ns)
    before = getattr(app.env, _KNOWN, {}).get(str(path))
    unchanged = before is not None and before[0] == stamp
    read = before[1] if unchanged else _read_bibfile(path, encoding)  # type: ignore[index]
    if read.text is not None:
        known[str(path)] = (stamp, read)
    return read


def _refused(app: Sphinx, name: str) -> bool:
    """Whether the configured .bib file *name* is in the reports folder and
    refused there (a link, an unsafe name: :mod:`.reportfiles`)."""
    srcdir = os.path.abspath(app.srcdir)
    path = os.path.abspath(os.path.join(app.confdir, name))
    folder = os.path.join(srcdir, app.config.kompass_reports_dir.strip('/'))
    if os.path.commonpath([path, folder]) != folder:
        return False
    return confinement(Path(srcdir), PurePosixPath(), os.path.relpath(path, srcdir)) is not None


class _Reading(NamedTuple):
    """What :func:`end_bibfile_check` undoes and applies."""

    #: pybtex's error capture, entered for sphinxcontrib-bibtex's reading.
    capture: Any
    #: ``bibtex_bibfiles`` as configured.
    configured: list[str]
    #: Fields to drop from the entries read: (file, folded key, field).
    dropped: list[tuple[Path, str, str]]


#: Per application, between :func:`check_bibfiles` and :func:`end_bibfile_check`.
_READING: dict[int, _Reading] = {}


def end_bibfile_check(app: Sphinx) -> None:
    """builder-inited, after sphinxcontrib-bibtex: undo the reading mode."""
    reading = _READING.pop(id(app), None)
    if reading is None:
        return
    reading.capture.__exit__(None, None, None)
    if app.config.bibtex_bibfiles != reading.configured:
        app.config.bibtex_bibfiles = reading.configured
    bibdata = app.env.get_domain('cite').bibdata  # type: ignore[attr-defined]
    for path, key, field in reading.dropped:
        read = bibdata.bibfiles.get(path)
        if read is None or not any(k.lower() == key for k in read.keys):
            continue  # an entry ignored as a duplicate: the other one stays as it is
        bibdata.data.entries[key].fields.pop(field, None)


def shown_path(app: Sphinx, path: Path) -> str:
    """*path* relative to the project, as warnings name files."""
    try:
        return path.relative_to(Path(app.srcdir).resolve()).as_posix()
    except ValueError:
        return str(path)


