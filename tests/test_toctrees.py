"""Sphinx's toctree bookkeeping in linear time (``toctrees.py``): the same
ancestors as Sphinx's own lookup, and purges only of documents once read."""

from __future__ import annotations

import pytest
from sphinx.environment.adapters import toctree as adapter

from kompass import toctrees

#: A site whose toctrees name one page twice and loop once.
INCLUDES = {
    'index': ['a/index', 'b/index', 'shared'],
    'a/index': ['a/one', 'a/two', 'shared'],
    'b/index': ['b/one', 'loop'],
    'loop': ['b/index'],
}
DOCS = sorted({'index', 'orphan', *INCLUDES, *(c for cs in INCLUDES.values() for c in cs)})


def test_the_cached_ancestors_are_sphinxs_and_the_map_is_made_once(monkeypatch) -> None:
    assert toctrees.install()
    lookup = adapter._get_toctree_ancestors
    original = lookup.kompass_original  # type: ignore[attr-defined]
    made: list[int] = []
    parents = toctrees._parents

    def counted(includes: dict[str, list[str]]) -> dict[str, str]:
        made.append(1)
        return parents(includes)

    monkeypatch.setattr(toctrees, '_parents', counted)
    toctrees.writing_starts(None, None)  # type: ignore[arg-type]
    try:
        for doc in DOCS:
            assert list(lookup(INCLUDES, doc)) == list(original(INCLUDES, doc)), doc
        assert made == [1]
        # Another (or a changed) toctree_includes: made again, still Sphinx's answer.
        grown = {**INCLUDES, 'b/one': ['b/deep']}
        assert list(lookup(grown, 'b/deep')) == list(original(grown, 'b/deep'))
        assert made == [1, 1]
    finally:
        toctrees.writing_ends(None, None)  # type: ignore[arg-type]
    # Outside writing Sphinx's own function answers (the toctrees may change).
    assert list(lookup(INCLUDES, 'a/one')) == ['a/one', 'a/index']
    assert made == [1, 1]


@pytest.mark.sphinx('html', testroot='basic', freshenv=True)
def test_only_documents_once_read_are_purged_from_the_toctree_tables(app) -> None:
    app.build()
    env = app.env
    purge = next(listener.handler for listener in app.events.listeners['env-purge-doc']
                 if hasattr(listener.handler, 'kompass_original'))
    assert env.files_to_rebuild and env.toctree_includes
    before = {k: set(v) for k, v in env.files_to_rebuild.items()}
    parent = next(iter(env.toctree_includes))
    # Never read: nothing of it is in the tables, and nothing is walked.
    purge(app, env, 'never/read')
    assert {k: set(v) for k, v in env.files_to_rebuild.items()} == before
    # Read: purged as Sphinx does it.
    purge(app, env, parent)
    assert parent not in env.toctree_includes
    assert all(parent not in v for v in env.files_to_rebuild.values())
