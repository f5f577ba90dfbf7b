"""What a parallel reader sends back of the per-document records (``perdoc.py``)."""

from __future__ import annotations

import copy
import multiprocessing
import pickle
from typing import Any

from kompass.perdoc import PerDocument


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
