"""The tricks that keep ``quiz`` quick to its first card, in one place.

What each saves is measured by the benchmarks under ``tests/perf/`` and reported in
the README's benchmark table, not here.

- :func:`collector_paused`: the start (Textual, our modules, the deck, the first
  screen) makes a great many objects and next to no garbage, so the cyclic garbage
  collector is off until the first screen is painted; :func:`after_first_paint`
  turns it back on, after freezing what the start made (it is kept for the whole
  run, so the collector's later passes need not walk it).
- Grades are written with the standard library's sqlite3 (one INSERT built from
  :data:`quiz.records.REVIEW_COLUMNS`), so neither sqlite-utils nor NumPy loads in a
  session: sqlite-utils serves the schema's migrations and the settings only.
- Textual's parsed CSS is kept between runs (:mod:`quiz.tui.csscache`): a start reads
  the rule sets back instead of parsing the app's and the widgets' CSS again.
- The first frame has a stand-in for the answer box, drawn as the empty box is; the
  box (Textual's TextArea, 10 ms of imports) takes its place just after, and the keys
  typed meanwhile wait for it (:mod:`quiz.tui.widgets.box_stand_in`).
- :func:`collect_garbage`: a full collection at a quiet moment (while a question is
  being read), instead of the collector's pauses at any moment.
- :func:`pause_collector` / :func:`resume_collector`: Browse turns the collector off
  while a search is being typed and back on once the typing stops, so that no
  collection (3-6 ms for the young generations) lands in a keystroke's frame.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


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


def pause_collector() -> bool:
    """Turns the cyclic garbage collector off; True if this call did (False: it was
    off already, and whoever turned it off turns it back on)."""
    if gc.isenabled():
        gc.disable()
        return True
    return False


def resume_collector() -> None:
    """Turns the collector back on after :func:`pause_collector` said it paused it."""
    gc.enable()
