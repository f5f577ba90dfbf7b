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
"""

from __future__ import annotations

import atexit
import gc
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sphinx.application import Sphinx
    from sphinx.config import Config

#: Whether this module disabled the collector (and so must enable it again).
_PAUSED: list[bool] = []
_AT_EXIT: list[bool] = []


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
    object is collectable again (also what was frozen at builder-inited)."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def thaw(_app: Sphinx, _exception: BaseException | None) -> None:
    """build-finished: the build's objects are ordinary garbage again."""
    gc.unfreeze()


def setup_heap(app: Sphinx) -> None:
    """Pause collection while the environment loads, freeze it after, thaw at
    the end, and freeze once more at interpreter exit."""
    _resume()  # an earlier build stopped before its builder started
    app.connect('config-inited', pause, priority=900)
    app.connect('builder-inited', freeze, priority=100)
    app.connect('build-finished', thaw, priority=900)
    if not _AT_EXIT:
        atexit.register(gc.freeze)
        _AT_EXIT.append(True)
