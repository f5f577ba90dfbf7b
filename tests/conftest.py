"""Shared pytest setup: Sphinx's testing fixtures and the test roots."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

pytest_plugins = ['sphinx.testing.fixtures']
collect_ignore = ['roots']

PROJECT = Path(__file__).resolve().parent.parent
# The extension lives in _ext/ (as in the project's conf.py), not in site-packages.
sys.path.insert(0, str(PROJECT / '_ext'))

_ANSI = re.compile(r'\x1b\[[0-9;]*m')


@pytest.fixture(scope='session')
def rootdir() -> Path:
    """Where ``testroot='x'`` finds ``roots/test-x``."""
    return Path(__file__).resolve().parent / 'roots'


def warnings_of(app: object) -> list[str]:
    """The build's warnings, one per line, with the source folder as ``{root}``."""
    text = _ANSI.sub('', app.warning.getvalue())  # type: ignore[attr-defined]
    text = text.replace(str(app.srcdir) + '/', '{root}/')  # type: ignore[attr-defined]
    return [line for line in text.splitlines() if line.strip()]
