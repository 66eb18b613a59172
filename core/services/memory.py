"""A worker's start-up objects kept out of the collector's way (:func:`settle`), and a web worker gives back the
memory of a large piece of work (a 10,000-row export makes some 100 MB of short-lived objects): after the
response, a full collection and glibc's ``malloc_trim`` return the freed heap to the system, so the worker's
resident size falls back instead of staying at its peak (issue 23, W5).
The same after a large background job that ran in a long-lived process (the in-process job threads):
:func:`core.jobs.runner.run_job` calls :func:`trim_if_asked` when the job ends.
"""
from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import threading
from collections.abc import Iterator

from flask import Flask, g, has_request_context


def _malloc_trim():
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc (musl, macOS): the collection alone
        return None


_MALLOC_TRIM = _malloc_trim()
#: per thread: the background job running in it asked for :func:`trim` when it ends
_job = threading.local()
#: this process has set an app's start-up objects aside (:func:`settle`)
_settled = False


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Run a block without the cyclic garbage collector: for work that allocates hundreds of thousands of
    short-lived containers and frees them by reference counting (an import, a score recompute), where the
    collector would only rescan them and the whole heap (a third of a 1,000-row import, measured). It runs
    again when the block ends, however it ends."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def trim() -> None:
    """Collect garbage and give the heap's free pages back to the system now."""
    gc.collect()
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


def trim_after_request() -> None:
    """:func:`trim` once the current request is done (a large workbook was built or read); outside a
    request, once the background job running in this thread ends (:func:`trim_if_asked`)."""
    if has_request_context():
        g.greenmfg_trim = True
    else:
        _job.trim = True


def trim_if_asked() -> bool:
    """:func:`trim` if the work that just ended in this thread asked for it; whether it did."""
    if not getattr(_job, "trim", False):
        return False
    _job.trim = False
    trim()
    return True


def settle(app: Flask) -> None:
    """Once ``app`` is built: collect, then set every object alive now aside from the cyclic collector
    (``gc.freeze``), when ``GREENMFG_GC_FREEZE`` is on, once per process and not under ``TESTING``.

    A worker's start makes some 220,000 long-lived objects (modules, plugin rules, translations, the URL map,
    the API schemas) that every full collection would otherwise rescan: 0.27-0.43 ms a list page on average,
    measured over 500 city lists and province notices (issue 46, W1). They are still freed when nothing refers
    to them; only a cycle among them would stay, which is why a process that builds app after app (a test
    suite) does it at most once, and never for a testing app."""
    global _settled
    if _settled or app.testing or not app.config.get("GREENMFG_GC_FREEZE"):
        return
    _settled = True
    gc.collect()
    gc.freeze()


def settle_warmed(app: Flask) -> None:
    """:func:`settle` again, once a settled ``app`` has been warmed before its workers are forked
    (:mod:`core.serving`): what the warming made (compiled templates, statements, loaded modules) is set aside too,
    so that no worker's collector writes to the pages it shares with the others."""
    if _settled and not app.testing and app.config.get("GREENMFG_GC_FREEZE"):
        gc.collect()
        gc.freeze()


def init_app(app: Flask) -> None:
    @app.teardown_request
    def _trim_if_asked(_exc):
        if g.pop("greenmfg_trim", False):
            trim()
