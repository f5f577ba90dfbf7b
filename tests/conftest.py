"""Shared pytest setup: Sphinx's testing fixtures and the test roots."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

pytest_plugins = ['sphinx.testing.fixtures']
collect_ignore = ['roots', 'benchmark.py']

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


def next_app(make_app, previous, *args, **kwargs):  # type: ignore[no-untyped-def]
    """A second app in the same test: first clear the global state the previous
    one registered (docutils directives, translators), as the fixtures do between
    tests, so that the new app's setup does not warn about re-registration."""
    previous.cleanup()
    return make_app(*args, **kwargs)


def status_of(app: object) -> str:
    """The build's status output without colour codes."""
    return _ANSI.sub('', app.status.getvalue())  # type: ignore[attr-defined]
