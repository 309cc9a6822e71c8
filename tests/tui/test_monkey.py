"""A monkey at the keyboard: thousands of seeded random keys and resizes over every
screen, and the app must never end with an error.

Quitting is allowed (``q``, ``ctrl+c``, the palette's Quit): the monkey then starts
the app again on the same database and goes on. What is not allowed is an exception
anywhere in the app, which Textual re-raises when the test's ``run_test`` ends, and
the app recording a crash. The keys are drawn from what a person uses on these
screens (every bound key, letters and digits as typed answers and parameters,
navigation keys), weighted so that the monkey leaves text boxes often enough to
reach the other screens; the test checks that it did reach every screen.
"""

from __future__ import annotations

import os
import random
import string
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import Clock
from textual import events
from textual.app import App
from textual.keys import _character_to_key

from quiz.deck import Deck
from quiz.session import Session
from quiz.store import Store

from .helpers import (
    build_history,
    finish_yesterday_and_before,
    grade_everything_today,
    make_app,
)

SIZES = [(80, 24), (120, 40), (200, 60), (100, 30), (40, 12), (24, 8)]
NAVIGATION = [
    "escape", "escape", "escape", "enter", "enter", "tab", "shift+tab", "space", "space",
    "up", "down", "left", "right", "pageup", "pagedown", "home", "end", "backspace",
]  # fmt: skip
COMMANDS = [*"qsbpdu?ajkri!-012345", "f2", "f3", "f4", "f5", "ctrl+p", "ctrl+j"]
TYPED = [*string.ascii_lowercase, *string.digits, *".,=-", "space"]
# Screens the monkey must have seen, by class name.
EVERY_SCREEN = {
    "ReviewScreen",
    "SummaryScreen",
    "NothingDueScreen",
    "BrowseScreen",
    "CardScreen",
    "HelpScreen",
    "ProgressScreen",
    "DemoScreen",
    "QuizPalette",
}


def monkey_key(rng: random.Random) -> events.Key:
    """One key, as a person's hands might press it on these screens."""
    roll = rng.random()
    if roll < 0.35:
        name = rng.choice(NAVIGATION)
    elif roll < 0.75:
        name = rng.choice(COMMANDS)
    else:
        name = rng.choice(TYPED)
    if len(name) == 1:
        return events.Key(_character_to_key(name) if not name.isalnum() else name, name)
    return events.Key(name, " " if name == "space" else None)


async def run_monkey(
    session: Session, clock: Clock, seed: int, keys: int, seen: set[str]
) -> tuple[int, int]:
    """Presses ``keys`` random keys; returns (keys pressed, times the app was quit)."""
    rng = random.Random(seed)
    pressed = quits = 0
    while pressed < keys:
        app = make_app(session)
        try:
            async with app.run_test(size=rng.choice(SIZES)) as pilot:
                while pressed < keys and app.is_running:
                    seen.add(type(app.screen).__name__)
                    roll = rng.random()
                    if roll < 0.05:
                        await pilot.resize_terminal(*rng.choice(SIZES))
                    elif roll < 0.06:
                        clock.advance(hours=rng.choice([1, 6, 20]))  # days roll over too
                    # A burst, as fast hands, a paste or a held key deliver it: the
                    # app gets every key of it before it has acted on the first.
                    burst = min(rng.choice([1, 1, 2, 3, 5, 8]), keys - pressed)
                    for _ in range(burst):
                        assert app._driver is not None
                        app._driver.send_message(monkey_key(rng))
                    pressed += burst
                    await pilot.pause()
                running = app.is_running
        except Exception as exc:
            details = app.crash_log.read_text() if app.crash_log else repr(exc)
            raise AssertionError(f"the app crashed after {pressed} keys:\n{details}") from exc
        assert_no_crash(app)
        if not running:
            quits += 1
    return pressed, quits


def assert_no_crash(app: App[Any]) -> None:
    crash = getattr(app, "crash", None)
    assert crash is None, f"the app crashed: {crash!r}"
    assert app.return_code in (None, 0), f"the app exited with status {app.return_code}"


# Where each run starts, with its seed and keys: a history (the review screen, with
# figures on the progress screens), a day all graded (the summary), and a day with
# nothing due (the nothing-due screen). More keys: QUIZ_MONKEY_KEYS=N for each.
STARTS: list[tuple[str, Callable[[Session], None], int, int]] = [
    ("history", build_history, 1, 1500),
    ("all graded today", grade_everything_today, 2, 1000),
    ("nothing due", finish_yesterday_and_before, 3, 500),
]


async def test_thousands_of_random_keys_and_resizes_never_crash_the_app(
    tmp_path: Path, deck: Deck, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUIZ_DEMO_TIMEOUT", "5")
    extra = int(os.environ.get("QUIZ_MONKEY_KEYS", "0"))
    seen: set[str] = set()
    for name, prepare, seed, keys in STARTS:
        keys = extra or keys
        with Store.open(tmp_path / f"{name}.db") as store:
            session = Session(store, deck, now=clock)
            prepare(session)
            pressed, _ = await run_monkey(session, clock, seed, keys, seen)
            assert pressed == keys
    missing = EVERY_SCREEN - seen
    assert not missing, f"the monkey never reached {sorted(missing)}; seen {sorted(seen)}"
