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
"""

from __future__ import annotations

import os
from typing import Any


class PerDocument(dict[str, Any]):
    """Docname -> the records of one kind that document declared."""

    __slots__ = ('_added', '_pid')

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: The process that made the mapping, and the documents added since
        #: by another (a reader forked from it): ``(pid, docnames)``.
        self._pid = os.getpid()
        self._added: tuple[int, set[str]] | None = None

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

    def setdefault(self, docname: str, default: Any = None) -> Any:
        if docname not in self:
            self._note(docname)
        return super().setdefault(docname, default)

    def sent(self) -> dict[str, Any]:
        """What a pickle of the mapping holds in this process."""
        pid = os.getpid()
        if pid == self._pid:
            return dict(self)
        added = self._added[1] if self._added is not None and self._added[0] == pid else set()
        return {docname: value for docname, value in self.items() if docname in added}

    def __reduce__(self) -> tuple[Any, ...]:
        return PerDocument, (self.sent(),)

    def __copy__(self) -> PerDocument:
        return PerDocument(self)
