"""Per-document records, as a parallel reader sends them back.

Sphinx's parallel reading forks a process for each chunk of documents and
pickles that process's whole environment back to the main process, which
merges the chunk's documents (``merge_domaindata``). The readers are forked
one after another from a main process that has merged the chunks before, so
a later reader's environment also holds every earlier chunk's records, and
pickling them again makes reading quadratic in the number of chunks: at 300
evaluations the readers sent back 130 MB for an environment of 24 MB, and
the main process spent longer unpickling it and collecting the copies than
the readers spent reading.

So each kind of record is kept in a :class:`PerDocument` mapping which,
pickled in a process forked from the one that made it, holds only the
documents that process added (those it read). Anywhere else (the environment
Sphinx saves, a serial build) it holds every document.

Sphinx's own per-document mappings of the environment (the tables of
contents, titles, metadata...) grow the same way: at 300 evaluations the
readers of a `-j 2` build still sent back 185 MB for a saved environment of 25 MB,
and the main process, which starts the next reader only once it has merged
the last one's, unpickled and collected it all with one reader at work
instead of two. So for a parallel read they are held in :class:`PerDocument`
mappings too (readers then sent 60 MB; the parallel read took 32 s, not 47 s;
:func:`readers_send_their_own`), and made plain again once every reader is
merged (:func:`plain_again`), so the environment Sphinx saves is Sphinx's.
The project's own mappings that only the main process fills (the ``.bib``
files' readings) are :class:`PerDocument` as well: a reader sends none of it.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment


class PerDocument(dict[str, Any]):
    """Docname -> the records of one kind that document declared. With a
    *factory*, a missing docname gets a new value, as in a ``defaultdict``."""

    __slots__ = ('_added', '_factory', '_pid')

    def __init__(self, *args: Any, factory: Callable[[], Any] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: The process that made the mapping, and the documents added since
        #: by another (a reader forked from it): ``(pid, docnames)``.
        self._pid = os.getpid()
        self._added: tuple[int, set[str]] | None = None
        self._factory = factory

    @property
    def factory(self) -> Callable[[], Any] | None:
        """What a missing docname gets (None: a ``KeyError``)."""
        return self._factory

    def _note(self, docname: str) -> None:
        pid = os.getpid()
        if pid == self._pid:
            return
        if self._added is None or self._added[0] != pid:
            self._added = (pid, set())
        self._added[1].add(docname)

    def __setitem__(self, docname: str, value: Any) -> None:
        self._note(docname)
        super().__setitem__(docname, value)

    def __missing__(self, docname: str) -> Any:
        if self._factory is None:
            raise KeyError(docname)
        value = self[docname] = self._factory()
        return value

    def setdefault(self, docname: str, default: Any = None) -> Any:
        if docname not in self:
            self._note(docname)
        return super().setdefault(docname, default)

    def update(self, *args: Any, **kwargs: Any) -> None:
        for docname, value in dict(*args, **kwargs).items():
            self[docname] = value

    def sent(self) -> dict[str, Any]:
        """What a pickle of the mapping holds in this process."""
        pid = os.getpid()
        if pid == self._pid:
            return dict(self)
        added = self._added[1] if self._added is not None and self._added[0] == pid else set()
        return {docname: value for docname, value in self.items() if docname in added}

    def __reduce__(self) -> tuple[Any, ...]:
        if self._factory is None:
            return PerDocument, (self.sent(),)
        return _remade, (self.sent(), self._factory)

    def __copy__(self) -> PerDocument:
        return PerDocument(self, factory=self._factory)

    def plain(self) -> dict[str, Any]:
        """The same entries in the kind of mapping Sphinx made."""
        if self._factory is None:
            return dict(self)
        return defaultdict(self._factory, self)


def _remade(entries: dict[str, Any], factory: Callable[[], Any]) -> PerDocument:
    """Unpickle a :class:`PerDocument` with a factory."""
    return PerDocument(entries, factory=factory)


#: The environment's mappings that hold one entry per document read, set (or
#: made, for the ``defaultdict`` ones) only while that document is read, and
#: merged from a reader by docname alone (``merge_info_from`` and Sphinx's
#: collectors). ``files_to_rebuild`` is keyed by the included file, so not here.
#: A reader notes an entry when it makes it: each document's entry must be new
#: in its reader (Sphinx purges every document it reads before the first fork),
#: so no handler may make one for a document still to be read in between.
SPHINX_PER_DOC = ('all_docs', 'included', 'dependencies', 'metadata', 'titles', 'longtitles',
                  'tocs', 'toc_num_entries', 'toctree_includes')


def readers_send_their_own(app: Sphinx, env: BuildEnvironment, _docnames: list[str]) -> None:
    """env-before-read-docs: when Sphinx may read in parallel, each reader
    sends back only the entries of the documents it read."""
    if app.parallel <= 1:
        return
    for name in SPHINX_PER_DOC:
        current = getattr(env, name, None)
        if type(current) is dict or type(current) is defaultdict:
            factory = current.default_factory if isinstance(current, defaultdict) else None
            setattr(env, name, PerDocument(current, factory=factory))


def plain_again(_app: Sphinx, env: BuildEnvironment) -> None:
    """env-updated (first): every reader is merged; Sphinx's mappings are
    Sphinx's again, as the environment is saved and later builds load it."""
    for name in SPHINX_PER_DOC:
        current = getattr(env, name, None)
        if isinstance(current, PerDocument):
            setattr(env, name, current.plain())


def setup_perdoc(app: Sphinx) -> None:
    """Readers of a parallel read send back only their own documents' entries."""
    app.connect('env-before-read-docs', readers_send_their_own)
    app.connect('env-updated', plain_again, priority=0)
