"""What a parallel reader sends back of the per-document records (``perdoc.py``)."""

from __future__ import annotations

import copy
import multiprocessing
import pickle
from collections import defaultdict
from typing import Any

from kompass.perdoc import PerDocument, plain_again, readers_send_their_own


def _reader(records: PerDocument, conn: Any) -> None:
    records['read/here'] = ['new']
    records.setdefault('read/also', []).append('new too')
    records['inherited'].append('changed here')  # never sent: not this reader's
    conn.send(pickle.dumps(records))


def test_a_forked_reader_sends_back_only_the_documents_it_added() -> None:
    records = PerDocument({'inherited': ['before the fork']})
    records['merged/earlier'] = ['from an earlier reader']
    parent, child = multiprocessing.Pipe()
    reader = multiprocessing.get_context('fork').Process(target=_reader, args=(records, child))
    reader.start()
    sent = pickle.loads(parent.recv())
    reader.join()
    assert type(sent) is PerDocument
    assert sent == {'read/here': ['new'], 'read/also': ['new too']}
    # Where it was made, a pickle (the environment Sphinx saves) holds everything.
    assert pickle.loads(pickle.dumps(records)) == records == {
        'inherited': ['before the fork'], 'merged/earlier': ['from an earlier reader']}


def test_copies_hold_everything_and_stay_per_document() -> None:
    records = PerDocument(a=[1], b=[2])
    for twin in (copy.copy(records), copy.deepcopy(records)):
        assert type(twin) is PerDocument and twin == records
    unpickled = pickle.loads(pickle.dumps(records))
    unpickled['c'] = [3]  # made here now: everything is sent from here
    assert pickle.loads(pickle.dumps(unpickled)) == {'a': [1], 'b': [2], 'c': [3]}


def test_with_a_factory_a_missing_document_gets_a_new_value_as_in_a_defaultdict() -> None:
    records = PerDocument(factory=set)
    records['a'].add('x')
    assert records == {'a': {'x'}} and records.factory is set
    for twin in (copy.copy(records), pickle.loads(pickle.dumps(records))):
        assert twin.factory is set and twin == records
        twin['b'].add('y')
    plain = records.plain()
    assert type(plain) is defaultdict and plain.default_factory is set and plain == records
    assert type(PerDocument(a=1).plain()) is dict
    try:
        PerDocument()['missing']
    except KeyError:
        pass
    else:
        raise AssertionError('no factory: a missing document is a KeyError')


class _Env:
    """The environment's per-document mappings, as Sphinx makes them."""

    def __init__(self) -> None:
        self.tocs: dict[str, Any] = {'inherited': 'toc'}
        self.metadata: defaultdict[str, dict[str, Any]] = defaultdict(dict, inherited={'a': 1})
        self.files_to_rebuild: dict[str, set[str]] = {'inc': {'inherited'}}


class _App:
    parallel = 2


def _sphinx_reader(env: _Env, conn: Any) -> None:
    env.tocs['read/here'] = 'new toc'
    env.metadata['read/here']['title'] = 'T'  # made by the factory, as Sphinx's collector does
    conn.send(pickle.dumps(env))


def test_sphinx_own_mappings_are_sent_back_with_only_the_readers_documents() -> None:
    """env-before-read-docs: a parallel reader pickles Sphinx's per-document
    mappings with its own documents only; env-updated makes them plain again."""
    env = _Env()
    readers_send_their_own(_App(), env, [])  # type: ignore[arg-type]
    parent, child = multiprocessing.Pipe()
    reader = multiprocessing.get_context('fork').Process(target=_sphinx_reader,
                                                         args=(env, child))
    reader.start()
    sent = pickle.loads(parent.recv())
    reader.join()
    assert sent.tocs == {'read/here': 'new toc'}
    assert sent.metadata == {'read/here': {'title': 'T'}}
    assert sent.metadata['unread'] == {}  # still a defaultdict's behaviour, as merged
    assert sent.files_to_rebuild == {'inc': {'inherited'}}  # keyed by file: untouched
    plain_again(None, env)  # type: ignore[arg-type]
    assert type(env.tocs) is dict and env.tocs == {'inherited': 'toc'}
    assert type(env.metadata) is defaultdict and env.metadata.default_factory is dict
    assert env.metadata == {'inherited': {'a': 1}}


def test_a_serial_build_leaves_sphinx_mappings_as_they_are() -> None:
    env = _Env()
    tocs = env.tocs
    app = _App()
    app.parallel = 1
    readers_send_their_own(app, env, [])  # type: ignore[arg-type]
    assert env.tocs is tocs
