"""The garbage collector around a build (``heap.py``): paused while the
environment loads, its heap frozen during the build, everything collectable
again afterwards, and a frozen heap at exit."""

from __future__ import annotations

import gc
import multiprocessing
import subprocess
import sys
import textwrap
from typing import Any

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


@pytest.mark.sphinx('html', testroot='basic', freshenv=True, parallel=2,
                    srcdir='basic-heap-parallel')
def test_a_parallel_build_leaves_the_collector_as_it_found_it(app) -> None:
    frozen: list[int] = []
    app.connect('env-before-read-docs', lambda _app, _env, _docs: frozen.append(
        gc.get_freeze_count()), priority=999)
    app.connect('env-updated', lambda _app, _env: frozen.append(gc.get_freeze_count()))
    app.build()
    # The readers were forked with what the main process held then frozen too.
    assert len(frozen) == 2 and frozen[1] > frozen[0] > 0
    assert gc.isenabled() and gc.get_freeze_count() == 0
    assert not heap._READING and not heap._HELD


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


class _NoApp:
    """Enough of an application for ``setup_heap`` to register its handlers with."""

    def connect(self, *_args: Any, **_kwargs: Any) -> None:
        pass


def _report_frozen(conn: Any) -> None:
    conn.send(gc.get_freeze_count())


def test_a_forked_process_keeps_what_it_inherited_out_of_its_collections() -> None:
    """A writer forked while the main process holds resolved doctrees never
    walks them (``os.register_at_fork`` in ``setup_heap``)."""
    heap.setup_heap(_NoApp())  # type: ignore[arg-type]
    assert gc.get_freeze_count() == 0
    parent, child = multiprocessing.Pipe()
    process = multiprocessing.get_context('fork').Process(target=_report_frozen, args=(child,))
    process.start()
    frozen = parent.recv()
    process.join()
    assert frozen > 1000 and gc.get_freeze_count() == 0


class _Cycle:
    """Garbage only the cyclic collector frees."""

    def __init__(self) -> None:
        self.me = self


def test_a_reader_is_forked_after_the_last_readers_copy_is_collected() -> None:
    """While Sphinx reads in parallel, each fork first collects (the merged
    reader's environment, garbage now) and then freezes what lives on."""
    import weakref

    heap._READING[:] = [True]
    try:
        garbage = _Cycle()
        gone = weakref.ref(garbage)
        del garbage
        heap._before_fork()
        assert gone() is None and gc.get_freeze_count() > 0
    finally:
        heap._READING.clear()
        gc.unfreeze()
    heap._before_fork()  # not reading: a fork (the chart pool's) changes nothing
    assert gc.get_freeze_count() == 0


def test_a_parallel_write_holds_the_heap_frozen_until_the_build_ends() -> None:
    class Builder:
        parallel_ok = True

    thresholds = gc.get_threshold()
    heap.freeze_for_parallel_write(None, Builder())  # type: ignore[arg-type]
    try:
        with heap.shared_with_forks():  # the chart pool, the generated pages
            pass
        assert gc.get_freeze_count() > 0
        # Full collections come more rarely (the doctrees handed to writers).
        assert gc.get_threshold()[2] == thresholds[2] * heap._RARER
    finally:
        heap.thaw(None, None)  # type: ignore[arg-type]
    assert gc.get_freeze_count() == 0 and not heap._HELD
    assert gc.get_threshold() == thresholds
    Builder.parallel_ok = False
    heap.freeze_for_parallel_write(None, Builder())  # type: ignore[arg-type]
    assert gc.get_freeze_count() == 0


def test_a_serial_read_freezes_as_it_goes_and_writing_thaws() -> None:
    """Every _FREEZE_EVERY documents read one after another, what the last
    ones left is collected and the rest frozen; a serial write thaws it."""
    import weakref

    class Builder:
        parallel_ok = False

    try:
        garbage = _Cycle()
        gone = weakref.ref(garbage)
        del garbage
        for n in range(heap._FREEZE_EVERY - 1):
            heap.document_read(None, None, f'doc{n}')  # type: ignore[arg-type]
        assert gone() is not None and gc.get_freeze_count() == 0
        heap.document_read(None, None, 'last')  # type: ignore[arg-type]
        assert gone() is None and gc.get_freeze_count() > 0
        heap.thaw_for_serial_write(None, Builder())  # type: ignore[arg-type]
        assert gc.get_freeze_count() == 0 and heap._READ_SINCE == [0]
    finally:
        heap.thaw(None, None)  # type: ignore[arg-type]


def test_the_last_steps_of_a_build_keep_the_heap_frozen() -> None:
    thresholds = gc.get_threshold()
    try:
        assert heap.hold_for_finishing(None) == ()  # type: ignore[arg-type]
        with heap.shared_with_forks():
            pass
        assert gc.get_freeze_count() > 0 and gc.get_threshold() == thresholds
    finally:
        heap.thaw(None, None)  # type: ignore[arg-type]
    assert gc.get_freeze_count() == 0 and not heap._HELD
