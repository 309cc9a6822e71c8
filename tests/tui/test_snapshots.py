"""Snapshots of each screen at 80×24, on a fixed clock and a temporary database.

Regenerate after an intended change with ``pytest tests/tui --snapshot-update`` and
review the SVGs in ``tests/tui/__snapshots__``.
"""

from __future__ import annotations

from typing import Any

from conftest import Clock
from textual.pilot import Pilot

from quiz.deck import Deck
from quiz.session import Session
from quiz.store import Store

from .helpers import (
    finish_yesterday_and_before,
    grade_everything_today,
    make_app,
    screen_text,
    settle,
)


def test_question(snap_compare: Any, session: Session) -> None:
    """A person sees the header (15 left, 15 new), the question in its box, an empty
    answer box with its placeholder, the hint that enter checks and escape leaves the
    box, and a footer that offers only what works while typing (enter, esc)."""

    async def look(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        shown = screen_text(pilot.app)
        for text in ("15 left", "What is deep learning?", "Type your answer here", "esc"):
            assert text in shown, text
        assert "Reveal" not in shown  # no command key is offered while the box types

    assert snap_compare(make_app(session), run_before=look)


def test_revealed_answer(snap_compare: Any, session: Session) -> None:
    """After a typed answer and enter: the typed answer ("Your answer"), the key points
    ticked ✓/✗ against it, each ✓ with the words that made it ("you wrote “many
    layers”"), the note on how to flip a tick, the grade bar with the suggested grade
    starred, and the footer's grade keys and t Ticks. At 80×24 the key points fill the
    card pane: the answer and its later sections are reached by scrolling
    (test_review.py checks they can be)."""

    async def reveal(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press(*"many layers learn the representation", "enter")
        await settle(pilot)
        shown = screen_text(pilot.app)
        for text in ("Your answer", "many layers learn", "Key points", "✓", "★", "0-5"):
            assert text in shown, text
        for text in ("you wrote “many layers”", "t goes to the ticks", "Ticks"):
            assert text in shown, text

    assert snap_compare(make_app(session), run_before=reveal)


def test_answer_scrolled_to_its_end(snap_compare: Any, session: Session) -> None:
    """The same card scrolled to its end with End: the last of the references (each
    with a link a reader can open), with the grade bar still in view under them."""

    async def to_the_end(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("enter", "end")
        await settle(pilot)
        shown = screen_text(pilot.app)
        for text in ("linear regions", "arXiv:1402.1869", "5 perfect"):
            assert text in shown, text

    assert snap_compare(make_app(session), run_before=to_the_end)


def test_nothing_due(snap_compare: Any, session: Session) -> None:
    """Nothing due: the panel says so and when the next card is (in 4 days), with the
    practice and browse buttons and their keys in the footer."""
    finish_yesterday_and_before(session)

    async def look(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        shown = screen_text(pilot.app)
        for text in ("Nothing is due today", "in 4 days", "Practice", "Browse"):
            assert text in shown, text

    assert snap_compare(make_app(session), run_before=look)


def test_browse(snap_compare: Any, store: Store, full_deck: Deck, clock: Clock) -> None:
    """Browse on the whole deck after a first day: the search box and the filters line
    (state, tag, topic, sort: all, by topic) above the table; each topic in bold with
    its figures over all its cards ("Deep learning · 1/7 seen", learning, tomorrow, its
    ease), and under it each follow-up card with its kind ("derive: ..."), still new.
    At 80 columns a long title is cut with "…", so the state, next review, ease and
    lapses stay in view; the footer offers / Search, ! Suspend, - Bury, u Undo."""
    session = Session(store, full_deck, now=clock)
    grade_everything_today(session)

    async def browse(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        shown = screen_text(pilot.app)
        for text in (
            "All cards",
            "Deep learning · 1/",
            "tomorrow",
            "Ease",
            "Lapses",
            "new",
            "…",
            "f state: all",
            "/ search",
            "! Suspend",
        ):
            assert text in shown, text
        assert any(f"{kind}: " in shown for kind in ("derive", "explain", "trap", "debug"))

    assert snap_compare(make_app(session), run_before=browse)


def test_browse_searched_and_sorted(
    snap_compare: Any, store: Store, full_deck: Deck, clock: Clock
) -> None:
    """Browse after "/softmax", sorted by state, with one card suspended: the title
    says how many of the cards the search keeps ("Cards · N of 105"), the box holds
    "softmax", the filters line says "sort: by state", and the suspended card is last
    (the cursor on it: j to the end), its state "suspended"; the rows are flat (no topic rows)
    with their topic's number."""
    session = Session(store, full_deck, now=clock)
    grade_everything_today(session)
    session.mark("softmax-relu", "suspend")

    async def search(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("slash", *"softmax", "enter", "o", "o", *["j"] * 40)
        await settle(pilot)
        shown = screen_text(pilot.app)
        for text in ("Cards · ", "of 105", "softmax", "sort: by state", "suspended"):
            assert text in shown, text

    assert snap_compare(make_app(session), run_before=search)


def test_summary(snap_compare: Any, session: Session) -> None:
    """Done for today: cards reviewed, time spent, due tomorrow, and the grade spread
    as labelled bars with counts."""
    grade_everything_today(session)

    async def look(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        shown = screen_text(pilot.app)
        for text in ("Done for today.", "Cards reviewed   15", "Time spent", "5 perfect"):
            assert text in shown, text

    assert snap_compare(make_app(session), run_before=look)


def test_demo_after_a_learning_rate_run(snap_compare: Any, session: Session) -> None:
    """A run at the default lr, then one just above the threshold 2/L ≈ 0.83.

    On the picture: the form (lr 0.9, steps 50, seed 0, lr_factor, break) and its
    command line; the plot on a log axis: the first run's loss and every line of the
    second (its loss blowing up, the four regimes and the control that must fail),
    told apart by the legend ("loss · lr=0.5, steps=50 (defaults)", "loss · lr=0.9",
    "loss at η = 1/L · lr=0.9"...); the status line counting evidence apart from the
    control ("✓ done with lr=0.9: 6 of 6 checks passed, 1 of 1 controls failed as
    predicted · ..., diverged=True"); and a footer that fits 80 columns: r Run, esc
    Back, f2-f5 Tabs, s Stats, ? Help, q Quit.
    """

    async def run_demo(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        card = pilot.app.deck.get("learning-rate")  # type: ignore[attr-defined]
        from quiz.tui.screens.demo import DemoScreen

        screen = DemoScreen(card)
        await pilot.app.push_screen(screen)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("tab", *"0.9", "enter")
        await settle(pilot)
        await pilot.press("escape")  # out of the field: no cursor on the picture
        screen.redraw()
        await pilot.pause()
        shown = screen_text(pilot.app)
        for text in (
            "loss · lr=0.5, steps=50 (defaults)",
            "loss · lr=0.9",
            "1 of 1 controls failed as predicted",
            "diverged=True",
        ):
            assert text in shown, text

    assert snap_compare(make_app(session), run_before=run_demo)
