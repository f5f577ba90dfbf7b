"""What the build environment stores must not change shape silently.

Sphinx pickles the domain's data between builds. When a record, the inputs or
the derived results change shape, an old pickle no longer fits, and only a
bumped ``data_version`` (domain) and ``env_version`` (extension) make Sphinx
start afresh. This test fails when the shape changes and the versions do not.
"""

from __future__ import annotations

import dataclasses
import hashlib
from typing import Any

from kompass import ENV_VERSION
from kompass.bibfiles import Place
from kompass.catalogue import Area, Catalogue, Criterion
from kompass.comparison import AverageIndex, Summary
from kompass.domain import PER_DOC, Derived, Example, Inputs, KompassDomain
from kompass.logs import Problem
from kompass.records import (
    AreaRecord,
    ChartRecord,
    EvaluationRecord,
    MentionRecord,
    MotivationRecord,
    ScoreRecord,
    ViewRecord,
)
from kompass.register import Municipality, Register
from kompass.scoredata import DataRow, PublishedAverage, ScoreData
from kompass.scoring import EvaluationResult

#: Every shape the stored data has had, under the versions that named it.
#: When the test fails: bump ``KompassDomain.data_version`` and
#: ``kompass.ENV_VERSION`` and add a line; never edit an earlier one.
HISTORY = {
    (2, 2): 'dac39fa381a1c761775023633249f11cf08d4ec1',
    (3, 3): '6f9f49b9724f52f78a384ab810c23bd92fbe41c4',  # Place and AverageIndex hashed too
}

STORED = (
    EvaluationRecord, ScoreRecord, AreaRecord, MentionRecord, MotivationRecord, ChartRecord,
    ViewRecord,
    Problem, Inputs, Derived, Example, EvaluationResult, Summary, DataRow, ScoreData,
    PublishedAverage, Catalogue, Area, Criterion, Register, Municipality, Place,
)


def _attributes(cls: type, instance: object) -> list[tuple[str, str]]:
    """A plain class's shape: the attributes an instance has (``AverageIndex``)."""
    return [(cls.__name__, name) for name in sorted(vars(instance))]


def _fields(cls: type) -> list[tuple[str, str]]:
    if dataclasses.is_dataclass(cls):
        return [(f.name, str(f.type)) for f in dataclasses.fields(cls)]
    annotations: dict[str, Any] = cls.__annotations__
    return [(name, str(annotations[name])) for name in cls._fields]  # type: ignore[attr-defined]


def shape() -> str:
    """A digest of every stored class's fields and types, and of the data keys."""
    parts: list[Any] = [(cls.__name__, _fields(cls)) for cls in STORED]
    parts.append(('AverageIndex', _attributes(AverageIndex, AverageIndex([], '2020-01-01'))))
    parts.append(('PER_DOC', PER_DOC))
    parts.append(('initial_data', sorted(KompassDomain.initial_data)))
    return hashlib.sha1(repr(parts).encode()).hexdigest()


def test_a_change_of_shape_bumps_the_versions() -> None:
    versions = (KompassDomain.data_version, ENV_VERSION)
    assert versions == max(HISTORY), (
        f'the versions {versions} are not the newest in HISTORY ({max(HISTORY)})')
    assert shape() == HISTORY[versions], (
        'the stored data changed shape: bump data_version and ENV_VERSION, then '
        'add the new versions and shape to HISTORY in this test')


def test_each_shape_has_its_own_versions() -> None:
    """A shape is never reused, and the versions only grow."""
    assert len(set(HISTORY.values())) == len(HISTORY)
    keys = list(HISTORY)
    assert all(a < b and a[0] < b[0] and a[1] < b[1] for a, b in zip(keys, keys[1:], strict=False))


def test_the_shape_sees_a_new_field() -> None:
    """The digest really depends on the fields (so the test above can fail)."""
    before = shape()
    original = ScoreRecord.__annotations__.copy()
    try:
        ScoreRecord.__annotations__['heading'] = 'int'
        assert shape() != before
    finally:
        ScoreRecord.__annotations__.clear()
        ScoreRecord.__annotations__.update(original)
