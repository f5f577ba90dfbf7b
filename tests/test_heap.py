"""The garbage collector around a build (``heap.py``): paused while the
environment loads, its heap frozen during the build, everything collectable
again afterwards, and a frozen heap at exit."""

from __future__ import annotations

import gc
import subprocess
import sys
import textwrap

import pytest

from conftest import PROJECT
from kompass import heap


@pytest.mark.sphinx('html', testroot='basic', freshenv=True)
def test_a_build_leaves_the_collector_as_it_found_it(app, make_app) -> None:
    seen: list[tuple[bool, int]] = []
    app.connect('env-updated', lambda _app, _env: seen.append(
        (gc.isenabled(), gc.get_freeze_count())))
    app.build()
    # During the build: collecting, with the loaded heap kept out of it.
    assert seen and seen[0][0] and seen[0][1] > 0
    # After it: nothing frozen, collecting as before.
    assert gc.isenabled() and gc.get_freeze_count() == 0
    # A second build in the same process (the environment loaded this time).
    again = make_app('html', srcdir=app.srcdir)
    again.build()
    assert gc.isenabled() and gc.get_freeze_count() == 0


@pytest.mark.sphinx('html', testroot='basic')
def test_a_build_that_stops_before_its_builder_does_not_leave_the_collector_off(
        app) -> None:
    heap.pause(app, app.config)  # as at config-inited; then the build stopped
    assert not gc.isenabled()
    heap.setup_heap(app)  # the next build's setup turns it on again
    assert gc.isenabled()


def test_the_heap_is_frozen_at_exit() -> None:
    code = textwrap.dedent(f"""
        import atexit, gc, sys
        sys.path.insert(0, {str(PROJECT / '_ext')!r})
        # Registered first, so run last: after the handler of heap.py.
        atexit.register(lambda: print('frozen at exit:', gc.get_freeze_count() > 0))
        from kompass import heap
        class App:
            def connect(self, *args, **kwargs): pass
        before = atexit._ncallbacks()
        heap.setup_heap(App())
        heap.setup_heap(App())  # registered once
        print('handlers:', atexit._ncallbacks() - before)
        print('frozen before exit:', gc.get_freeze_count() > 0)
    """)
    done = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                          timeout=60, check=True)
    assert done.stdout.splitlines() == [
        'handlers: 1', 'frozen before exit: False', 'frozen at exit: True'], done.stdout


def test_a_fork_shares_the_heap_frozen_and_writing_collects_again() -> None:
    with heap.shared_with_forks():
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0 and gc.isenabled()
