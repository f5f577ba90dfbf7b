"""Sphinx's toctree bookkeeping, in time that grows as the site does.

Two steps of Sphinx (9.0) walk the whole site once per page, so their time
grows with the square of the number of pages; plain Sphinx pays both too.
Each is replaced by a lookup that gives the same answer.

**A page's toctree ancestors, from one map per build, not one per call.**

Sphinx (9.0) finds the ancestors of a page by first making a child -> parent
map of the whole site (``sphinx.environment.adapters.toctree.
_get_toctree_ancestors``), and does so for every toctree it resolves;
pydata-sphinx-theme asks twice more for every page's sidebar. Each call walks
every page, so writing a site walks it once per page: at 1000 evaluations
(9300 pages) that was 92 s of an 1100 s build timed step by step, the largest part of what grew
faster than the number of evaluations (plain Sphinx pays it too).

While pages are written the toctrees no longer change (Sphinx changes
``env.toctree_includes`` only while reading), so from write-started to
build-finished the map is made once for the ``toctree_includes`` object it
was asked about and reused while that same object, with as many entries, is
asked about again. The answer is Sphinx's own: the map is made the same way
and walked the same way. Outside writing, or for any other object, Sphinx's
function answers. If a later Sphinx renames the function, nothing is
replaced and the build is as fast as Sphinx makes it.

**Purging a document Sphinx never read.** Before it reads a document Sphinx
purges what it knew of it; its toctree collector then walks every included
page of the site (``TocTreeCollector.clear_doc``). In a first build every
document is new, and at 1000 evaluations the purges took 66 s. A document
not in ``env.all_docs`` was never read into this environment, so it is in
none of the collector's tables (Sphinx's own ``env.clear_doc`` makes the
same test): the collector is asked only about documents that were read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sphinx.environment.adapters import toctree as _toctree
from sphinx.environment.collectors.toctree import TocTreeCollector

if TYPE_CHECKING:
    from collections.abc import Callable, KeysView, Mapping, Sequence

    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment

_NAME = '_get_toctree_ancestors'

#: While pages are written: the toctree_includes object, its length, and its
#: child -> parent map.
_MAP: list[tuple[Mapping[str, Sequence[str]], int, dict[str, str]]] = []
_WRITING: list[bool] = []


def _parents(toctree_includes: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """Child -> parent, the last toctree that names a child winning (as Sphinx)."""
    parent: dict[str, str] = {}
    for p, children in toctree_includes.items():
        parent.update(dict.fromkeys(children, p))
    return parent


def _make_cached(original: Callable[..., KeysView[str]]) -> Callable[..., KeysView[str]]:
    def ancestors(toctree_includes: Mapping[str, Sequence[str]], docname: str) -> KeysView[str]:
        if not _WRITING:
            return original(toctree_includes, docname)
        if not (_MAP and _MAP[0][0] is toctree_includes
                and _MAP[0][1] == len(toctree_includes)):
            _MAP[:] = [(toctree_includes, len(toctree_includes), _parents(toctree_includes))]
        parent = _MAP[0][2]
        found: list[str] = []
        d = docname
        while d in parent and d not in found:
            found.append(d)
            d = parent[d]
        return dict.fromkeys(found).keys()

    ancestors.kompass_original = original  # type: ignore[attr-defined]
    return ancestors


def install() -> bool:
    """Put the cached lookup in place of Sphinx's (once per process); whether
    it is in place."""
    current = getattr(_toctree, _NAME, None)
    if current is None:
        return False
    if not hasattr(current, 'kompass_original'):
        setattr(_toctree, _NAME, _make_cached(current))
    return True


def writing_starts(_app: Sphinx, _builder: Builder) -> None:
    """write-started: from now on the toctrees stay as they are."""
    _WRITING[:] = [True]
    _MAP.clear()


def writing_ends(_app: Sphinx, _exception: BaseException | None = None) -> None:
    """build-finished (and builder-inited, should a build have stopped
    before it finished): the next build reads again; forget the map."""
    _WRITING.clear()
    _MAP.clear()


def _read_ones_only(
    clear_doc: Callable[[Sphinx, BuildEnvironment, str], None],
) -> Callable[[Sphinx, BuildEnvironment, str], None]:
    def purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
        read = getattr(env, 'all_docs', None)
        if read is None or docname in read:
            clear_doc(app, env, docname)

    purge.kompass_original = clear_doc  # type: ignore[attr-defined]
    return purge


def purge_read_documents_only(app: Sphinx) -> bool:
    """Wrap the toctree collector's env-purge-doc listener (connected by
    Sphinx before any extension loads); whether it was found."""
    listeners = getattr(getattr(app, 'events', None), 'listeners', {}).get('env-purge-doc', [])
    for i, listener in enumerate(listeners):
        handler = listener.handler
        if (getattr(handler, '__func__', None) is TocTreeCollector.clear_doc
                and isinstance(getattr(handler, '__self__', None), TocTreeCollector)):
            listeners[i] = listener._replace(handler=_read_ones_only(handler))
            return True
    return False


def setup_toctrees(app: Sphinx) -> None:
    """Install the cached ancestors (scoped to writing) and the purge that
    skips documents never read."""
    purge_read_documents_only(app)
    if install():
        app.connect('builder-inited', writing_ends)
        app.connect('write-started', writing_starts, priority=100)
        app.connect('build-finished', writing_ends, priority=100)
