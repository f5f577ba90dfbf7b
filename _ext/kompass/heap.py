"""The garbage collector and the build's large, long-lived heap.

A site of a few hundred evaluations keeps about a million objects alive for
the whole build (the environment, every report's records, the parsed
sources). Python's cyclic garbage collector walks all of them on every
full collection, and again several times while the interpreter shuts down:
at 300 evaluations that was about 1.4 s of an unchanged site's 9 s build,
and another 2.8 s between "build succeeded" and the end of the process
(a minute at 1000 evaluations), though none of them is garbage.

So the heap that exists once the environment is loaded is *frozen*
(``gc.freeze``: kept out of every later collection), the environment is
loaded without collections in between, and it is thawed again when the build
ends, so that a process that runs many builds (the tests, a live server)
collects everything of a finished build as before. When the process exits,
the heap is frozen once more: the operating system takes the memory back,
and no finaliser of ours waits for a collection at exit.

The heap is frozen for a fork too (the chart pool, at the start of writing):
a forked process's collector then never visits its parent's objects, so they
are not copied into it. It is thawed right after: writing makes garbage of
the doctrees read in this build, and garbage kept frozen until the end made a
full build at 100 evaluations 20 % slower and its peak memory half as large
again.

A serial build keeps every doctree it reads until it writes it, so the heap
grows document by document, and Python's full collections (one each time
the heap has grown by a quarter) walk it all again: at 1000 evaluations 33
of them took 67 s of the reading. So while Sphinx reads one document after
another, what the last documents left is collected and frozen every
``_FREEZE_EVERY`` documents (a collection that walks only those), and the
heap is thawed when writing starts, when written doctrees become garbage.

With ``-j``, the main process mostly merges and hands out: before each reader
is forked, the copy the last one sent back is collected and what is left
(the environment merged so far) frozen; from the start of a parallel write
the heap is held frozen (the doctrees read in this build are on disk, not
here) and full collections come more rarely. At 300 evaluations the main
process of a `-j 2` build had spent 47 s of its 123 s collecting.
"""

from __future__ import annotations

import atexit
import gc
import os
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.config import Config

#: Whether this module disabled the collector (and so must enable it again).
_PAUSED: list[bool] = []
_AT_EXIT: list[bool] = []
#: While the heap is held frozen until the build ends (a parallel write):
#: the collector's thresholds from before, when full collections became rarer.
_HELD: list[tuple[int, int, int]] = []
#: Whether Sphinx is reading, possibly in parallel (forks freeze the heap).
_READING: list[bool] = []
#: How much more rarely full collections come in a parallel write's main process.
_RARER = 10
#: Documents purged for reading since the heap was last frozen, and whether
#: reading froze it at all in this build.
_READ_SINCE: list[int] = [0]
_FROZE_READING: list[bool] = []
#: Read documents between freezes in a serial read (a few hundred thousand objects).
_FREEZE_EVERY = 20


def pause(_app: Sphinx, _config: Config) -> None:
    """config-inited (just before Sphinx loads the environment): no
    collection while a million objects are unpickled; none of them is garbage."""
    if gc.isenabled():
        gc.disable()
        _PAUSED.append(True)


def freeze(_app: Sphinx) -> None:
    """builder-inited (environment loaded): keep every object that exists now
    out of later collections; collect again."""
    gc.freeze()
    _resume()


def _resume() -> None:
    """Turn the collector on again if this module turned it off."""
    while _PAUSED:
        _PAUSED.pop()
        gc.enable()


@contextmanager
def shared_with_forks() -> Iterator[None]:
    """Processes forked inside share the heap as it is; afterwards every
    object is collectable again (also what was frozen at builder-inited),
    unless the heap is held frozen for a parallel write."""
    gc.freeze()
    try:
        yield
    finally:
        if not _HELD:
            gc.unfreeze()


def reading_starts(app: Sphinx, _env: object, _docnames: list[str]) -> None:
    """env-before-read-docs: when Sphinx may read in parallel, each reader is
    forked with the environment as merged so far frozen (``_before_fork``)."""
    _READING[:] = [app.parallel > 1]


def document_read(_app: Sphinx, _env: object, _docname: str) -> None:
    """env-purge-doc (before each document is read): every ``_FREEZE_EVERY``
    documents, collect what the last ones left and freeze the rest. Only
    what arrived since the last freeze is walked, and the full collections
    Python makes in between walk no more than that either. Not when Sphinx
    reads in parallel: it purges every document before the first reader is
    forked, and each fork freezes (``_before_fork``)."""
    if _READING and _READING[0]:
        return
    _READ_SINCE[0] += 1
    if _READ_SINCE[0] >= _FREEZE_EVERY:
        _READ_SINCE[0] = 0
        gc.collect()
        gc.freeze()
        _FROZE_READING[:] = [True]


def thaw_for_serial_write(_app: Sphinx, builder: Builder) -> None:
    """write-started, when Sphinx writes one page after another: the doctrees
    read in this build are freed as they are written, so what reading froze
    is collectable again."""
    if _FROZE_READING and not builder.parallel_ok:
        gc.unfreeze()
    _FROZE_READING.clear()
    _READ_SINCE[0] = 0


def reading_ends(_app: Sphinx, _env: object) -> None:
    """env-updated: reading is over; later forks (the chart pool's, the
    writers') freeze as they need to."""
    _READING[:] = [False]


def _before_fork() -> None:
    """Before a fork while Sphinx reads in parallel (``os.register_at_fork``).

    Sphinx forks the next reader only once it has merged the last one's
    environment. That pickled environment holds everything the reader
    inherited (Sphinx's own data, as its readers were forked after earlier
    merges): once merged, the copy is garbage, and the merged documents live
    to the end of the build. So the copy is collected now (a collection that
    walks only what arrived since the last fork) and what is left frozen: the
    collections while later copies arrive walk the merged environment no
    more (at 300 evaluations the main process spent 23 s in 62 of them), and
    the new reader's collector never visits what it inherits."""
    if _READING and _READING[0]:
        gc.collect()
        gc.freeze()


def _in_a_fork() -> None:
    """In a process forked from a build (a reader, a writer, a chart worker):
    what it inherited is frozen. Its collector then never walks the parent's
    heap, which for a writer holds the resolved doctrees of the chunks still
    waiting (a full collection of about two seconds in each writer at 300
    evaluations), and never copies the pages it would touch doing so."""
    gc.freeze()


def freeze_for_parallel_write(_app: Sphinx, builder: Builder) -> None:
    """write-started, when Sphinx writes in parallel: what the main process
    holds now is the environment merged from the readers (their doctrees
    are on disk, not here), alive to the end, so once the readers' leftovers
    are collected it stays frozen until the build ends. The main process then
    resolves every page and forks writers: its collections walk only what it
    made since, and the writers' never visit the environment they share.

    What it makes is the resolved doctrees it hands to the writers, freed a
    chunk at a time once written: full collections every ten of the middle
    generation's walked the chunks still waiting again and again (25 of them,
    21 s at 300 evaluations), so they come ten times more rarely until the
    build ends."""
    if builder.parallel_ok:
        gc.collect()
        gc.freeze()
        young, middle, old = gc.get_threshold()
        _HELD.append((young, middle, old))
        gc.set_threshold(young, middle, old * _RARER)


def hold_for_finishing(_app: Sphinx) -> tuple[()]:
    """html-collect-pages (first): the pages are written, what is left are the
    generated pages, the search index and the downloads, which make little
    that lives. The heap is frozen as it is until the build ends, so the
    full collections of these last steps walk only what they make (at 1000
    evaluations four of them walked the whole heap, 66 s). Adds no page."""
    if not _HELD:
        gc.freeze()
        _HELD.append(gc.get_threshold())
    return ()


def thaw(_app: Sphinx, _exception: BaseException | None) -> None:
    """build-finished: the build's objects are ordinary garbage again."""
    while _HELD:
        gc.set_threshold(*_HELD.pop())
    _READING.clear()
    _FROZE_READING.clear()
    _READ_SINCE[0] = 0
    gc.unfreeze()


def setup_heap(app: Sphinx) -> None:
    """Pause collection while the environment loads, freeze it after, thaw at
    the end, and freeze once more at interpreter exit."""
    _resume()  # an earlier build stopped before its builder started
    thaw(app, None)  # or before it finished
    app.connect('config-inited', pause, priority=900)
    app.connect('builder-inited', freeze, priority=100)
    app.connect('env-before-read-docs', reading_starts)
    app.connect('env-purge-doc', document_read)
    app.connect('write-started', thaw_for_serial_write, priority=100)
    app.connect('env-updated', reading_ends, priority=0)
    app.connect('write-started', freeze_for_parallel_write, priority=900)
    app.connect('html-collect-pages', hold_for_finishing, priority=100)
    app.connect('build-finished', thaw, priority=900)
    if not _AT_EXIT:
        atexit.register(gc.freeze)
        os.register_at_fork(before=_before_fork, after_in_child=_in_a_fork)
        _AT_EXIT.append(True)
