"""Snapshots of each screen at 80×24, on a fixed clock and a temporary database.

Regenerate after an intended change with ``pytest tests/tui --snapshot-update`` and
review the SVGs in ``tests/tui/__snapshots__``.
"""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from quiz.session import Session

from .helpers import finish_yesterday_and_before, grade_everything_today, make_app


async def settle(pilot: Pilot[Any]) -> None:
    """Waits until the screen is as a user sees it a moment after it opens: workers
    done, and the parts the review screen adds after its first paint are in."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    for _ in range(100):
        if getattr(pilot.app.screen, "built", True):
            break
        await pilot.pause()
    else:
        raise AssertionError("the review screen did not finish building")
    await pilot.pause()


def test_question(snap_compare: Any, session: Session) -> None:
    assert snap_compare(make_app(session), run_before=settle)


def test_revealed_answer(snap_compare: Any, session: Session) -> None:
    async def reveal(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("space")
        await settle(pilot)

    assert snap_compare(make_app(session), run_before=reveal)


def test_nothing_due(snap_compare: Any, session: Session) -> None:
    finish_yesterday_and_before(session)
    assert snap_compare(make_app(session), run_before=settle)


def test_browse(snap_compare: Any, session: Session) -> None:
    finish_yesterday_and_before(session)

    async def browse(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)

    assert snap_compare(make_app(session), run_before=browse)


def test_summary(snap_compare: Any, session: Session) -> None:
    grade_everything_today(session)
    assert snap_compare(make_app(session), run_before=settle)


def test_demo_after_a_learning_rate_run(snap_compare: Any, session: Session) -> None:
    """A run at the default lr, then one just above the threshold 2/L ≈ 0.83.

    On the picture: the form (lr 0.9, steps 50, seed 0) and its command line; the
    plot on a log axis with two loss curves, one falling and one blowing up, told
    apart by the legend ("loss · lr=0.5, steps=50 (defaults)" and "loss · lr=0.9");
    the status line "✓ done with lr=0.9: 6 of 6 checks passed · ..., diverged=True";
    and a footer that fits 80 columns: r Run, esc Back, f2-f5 Tabs, q Quit, ? Help.
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

    assert snap_compare(make_app(session), run_before=run_demo)
