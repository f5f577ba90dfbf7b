"""Which files under the reports folder a build may use: safe names, no links.

A report file's name reaches outputs that do not escape it: Sphinx writes a
document's name into LaTeX labels and an image's into
``\\sphinxincludegraphics``, and latexmk hands the names of the files LaTeX
writes to makeindex through a shell. A symbolic link may point anywhere,
outside the repository too. So every file and folder under
``kompass_reports_dir`` has a safe name (:data:`SAFE_NAME`), is not a
symbolic link and is a regular file or folder; and no file takes a name the
build keeps for the charts it draws into the same output folders
(:data:`RESERVED`). Anything else is a ``kompass.file`` warning and is left
out of the build through ``exclude_patterns``, set at ``config-inited`` to a
value that changes only when such a file comes or goes, so that an unchanged
project is not read again. :mod:`.sanitize` holds the files a report names
(includes, images, downloads) to the same rule.
"""

from __future__ import annotations

import os
import re
import stat
import unicodedata
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from .logs import WARNING_TYPE, Kind, logger

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

#: A safe file or folder name: nothing a shell, LaTeX or a URL reads as syntax.
SAFE_NAME = re.compile(r'[A-Za-z0-9][A-Za-z0-9_.-]*')

#: File name prefixes of the charts the build draws (``charts.file_name``,
#: ``criterionchart.PREFIX``): a report file so named would replace a chart,
#: or be removed with the unused ones.
RESERVED = ('kompass-', 'kriterium-')


#: Files editors and file managers leave beside the files they open: swap,
#: backup, autosave and lock files, folder settings. None has a source suffix
#: (Sphinx itself leaves out ``.#*``), nothing the build reads can name one
#: (:mod:`.sanitize` refuses their names), and they come and go as an evaluator
#: works: passed over without a word, so ``make check`` stays quiet and
#: ``exclude_patterns`` stays the same while a report is open in an editor.
EDITOR_CLUTTER = re.compile(
    r'.*~|#.*#|\.#.*|\..*\.sw[a-p]|\.~lock\..*#|\.DS_Store|Thumbs\.db|desktop\.ini'
)


class NameProblem(Enum):
    """Why a name may not be used; the value names it ("... has <value>")."""

    HIDDEN = "a hidden name (starting with '.')"
    UNSAFE = ("a name other than letters a-z, digits, '-', '_' and '.' (starting with a "
              'letter or digit)')
    RESERVED = ("a name starting with 'kompass-' or 'kriterium-' (kept for the charts the "
                'build draws)')


def name_problem(name: str, *, is_file: bool) -> NameProblem | None:
    """What is wrong with the file or folder name *name*, if anything."""
    if name.startswith('.'):
        return NameProblem.HIDDEN
    if not SAFE_NAME.fullmatch(name):
        return NameProblem.UNSAFE
    if is_file and name.lower().startswith(RESERVED):
        return NameProblem.RESERVED
    return None


class Refused(NamedTuple):
    """An entry under the reports folder that the build leaves out."""

    #: Its path relative to the source folder, with ``/``.
    path: str
    #: Whether it is a folder (everything in it is left out with it).
    folder: bool
    #: Why, said after its name.
    reason: str


def refused_entries(srcdir: Path, reports_dir: str,
                    skip: frozenset[str] = frozenset()) -> list[Refused]:
    """Every entry under *reports_dir* the build may not use, in path order,
    but for the paths in *skip* (relative to *srcdir*, with ``/``).

    Walked without following links; a refused folder is one entry and is not
    looked into. The reports folder itself is refused if it is a link.
    """
    top = Path(srcdir)
    found: list[Refused] = []
    parts = [p for p in reports_dir.strip('/').split('/') if p not in ('', '.')]
    current = top
    for part in parts:
        current = current / part
        if current.is_symlink():
            rel = current.relative_to(top).as_posix()
            return [Refused(rel, True, 'is a symbolic link')]
    if not current.is_dir():
        return []
    _walk(top, current, found)
    return [entry for entry in found if entry.path not in skip]


def _walk(top: Path, folder: Path, found: list[Refused]) -> None:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return  # unreadable: Sphinx finds nothing in it either
    for entry in entries:
        rel = Path(entry.path).relative_to(top).as_posix()
        try:
            mode = entry.stat(follow_symlinks=False).st_mode
        except OSError:
            continue  # gone while walking
        is_dir = stat.S_ISDIR(mode)
        if not is_dir and EDITOR_CLUTTER.fullmatch(entry.name):
            continue  # a folder so named would be read: it is judged as any other
        if stat.S_ISLNK(mode):
            found.append(Refused(rel, False, 'is a symbolic link'))
            continue
        problem = name_problem(entry.name, is_file=not is_dir)
        if problem is not None:
            found.append(Refused(rel, is_dir, f'has {problem.value}'))
        elif is_dir:
            _walk(top, Path(entry.path), found)
        elif not stat.S_ISREG(mode):
            found.append(Refused(rel, False, 'is not a regular file'))


def exclude_pattern(path: str) -> str:
    """*path* as an ``exclude_patterns`` entry that matches it alone.

    Sphinx's patterns read ``*``, ``?`` and ``[`` as wildcards (a ``[c]``
    class matches ``c`` literally), and match names normalised to NFC. A
    ``[`` is ``[\\[]`` (a backslash too: ``[[]`` is a "possible nested set" to
    Python's ``re``), so that pattern also matches a name with a backslash
    there, which is refused as well.
    """
    escaped = ''.join('[\\[]' if c == '[' else f'[{c}]' if c in '*?' else c for c in path)
    return unicodedata.normalize('NFC', escaped)


def exclude_refused(app: Sphinx, config: Config) -> None:
    """config-inited: warn about each refused entry, and leave it out."""
    # The score data files are read (and checked) by the domain, not as
    # documents: leaving them out here would not keep them from being read.
    data = frozenset(os.path.normpath(name).replace(os.sep, '/') for name in
                     (config.kompass_score_data, config.kompass_published_averages))
    refused = refused_entries(Path(app.srcdir), config.kompass_reports_dir, data)
    for entry in refused:
        # As Sphinx names a configured path: in the message, quoted (the name
        # may hold anything, line breaks too), with no location (a name has
        # no line, and Sphinx reads a location without one as a document).
        what = 'folder' if entry.folder else 'file'
        left_out = 'nothing in it is built' if entry.folder else 'it is left out of the build'
        logger.warning(f'{what} {entry.path!r} {entry.reason}; {left_out}',
                       type=WARNING_TYPE, subtype=Kind.FILE.value)
    patterns = [exclude_pattern(entry.path) for entry in refused]
    new = [p for p in patterns if p not in config.exclude_patterns]
    if new:  # a new list, after the project's own patterns: the same on every run
        config.exclude_patterns = [*config.exclude_patterns, *new]


def data_file_problem(path: Path, root: Path) -> str | None:
    """Why the data file *path* (a catalogue, the score data, the register)
    must not be read, or ``None``.

    Within the repository *root*, the file and every folder on the way are
    no symbolic links and the file is a regular one: a pull request could
    otherwise make ``reports/scores.csv`` a link to a secret of the machine
    that builds it (its lines would come back in warnings) or to a device that
    never ends. A path the configuration puts outside the repository is the
    configuration's choice.
    """
    top = Path(os.path.abspath(root))
    full = Path(os.path.abspath(path))
    if not full.is_relative_to(top):
        return None
    current = top
    for part in full.relative_to(top).parts:
        current = current / part
        try:
            mode = current.lstat().st_mode
        except OSError:
            return None  # missing: no data, as the reader says
        if stat.S_ISLNK(mode):
            return 'is a symbolic link' if current == full else 'goes through a symbolic link'
    return None if stat.S_ISREG(mode) else 'is not a regular file'


def exclude_criteria_folder(app: Sphinx, config: Config) -> None:
    """config-inited: the criteria folder holds data (the catalogues' YAML),
    never pages. Left out whole, so that a Markdown file a pull request puts
    there is not read as a page with none of the reports' rules (its front
    matter could turn on MyST's templates), and a symbolic link there is
    not walked into."""
    folder = os.path.normpath(config.kompass_criteria_dir or '').replace(os.sep, '/')
    if folder in {'', '.'} or folder.startswith('../') or os.path.isabs(folder):
        return  # the project itself, or outside it: the configuration's choice
    patterns = [exclude_pattern(folder), exclude_pattern(folder) + '/**']
    new = [p for p in patterns if p not in config.exclude_patterns]
    if new:
        config.exclude_patterns = [*config.exclude_patterns, *new]


def setup_report_files(app: Sphinx) -> None:
    """Register the checks (before anything reads the project's files)."""
    app.connect('config-inited', exclude_refused)
    app.connect('config-inited', exclude_criteria_folder)
