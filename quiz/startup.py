"""The tricks that keep ``quiz`` quick to its first card, in one place.

What each saves is measured by the benchmarks under ``tests/perf/`` and reported in
the README's benchmark table, not here.

- :func:`collector_paused`: the start (Textual, our modules, the deck, the first
  screen) makes a great many objects and next to no garbage, so the cyclic garbage
  collector is off until the first screen is painted; :func:`after_first_paint`
  turns it back on, after freezing what the start made (it is kept for the whole
  run, so the collector's later passes need not walk it).
- :func:`preload_writer`: grades are written through sqlite-utils, which imports
  NumPy; it is imported in a thread once an answer is revealed, off the path to the
  first card and out of the way of the first grade.
- :func:`collect_garbage`: a full collection at a quiet moment (while a question is
  being read), instead of the collector's pauses at any moment.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

_writer = threading.Lock()
_writer_started = False


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off for the start (back on at the end at the
    latest, if :func:`after_first_paint` never ran)."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def after_first_paint() -> None:
    """The first screen is on: freezes what the start made and turns the collector
    back on, if :func:`collector_paused` turned it off."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def collect_garbage() -> None:
    """A full collection now: the previous card's Markdown blocks are garbage in
    reference cycles that only a full collection frees."""
    gc.collect()


def preload_writer() -> None:
    """Imports sqlite-utils (and with it NumPy) in a thread, once per process."""
    global _writer_started
    with _writer:
        if _writer_started:
            return
        _writer_started = True
    threading.Thread(target=_import_writer, daemon=True, name="preload-writer").start()


def _import_writer() -> None:
    import sqlite_utils  # noqa: F401
