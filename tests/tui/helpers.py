"""Shared helpers for the TUI tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Static

from quiz.session import Session
from quiz.tui.app import QuizApp

if TYPE_CHECKING:
    from quiz.tui.screens.demo import DemoScreen


def make_app(session: Session) -> QuizApp:
    """The app as tests run it: no animation, so screens settle deterministically."""
    app = QuizApp(session)
    app.animation_level = "none"
    return app


def text_of(app: QuizApp, selector: str) -> str:
    """The plain text a Static shows."""
    return str(app.screen.query_one(selector, Static).render())


def history_text(app: QuizApp) -> str:
    """The topic history's text: its title, the grades loaded so far, the line under them."""
    from quiz.tui.screens.history import HistoryScreen

    screen = app.screen
    assert isinstance(screen, HistoryScreen)
    return "\n".join(str(s.render()) for s in screen.query("#history Static").results(Static))


def screen_text(app: App[Any]) -> str:
    """What the terminal shows right now, as lines of plain text (the last frame
    Textual composed: call after ``pilot.pause()``)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def footer_keys(app: App[Any]) -> dict[str, str]:
    """The keys the footer offers now, key display to description, and asserts that
    each one is inside the screen (not cut off at its right edge)."""
    from textual.widgets._footer import FooterKey

    keys = {}
    width = app.screen.size.width
    for key in app.screen.query(FooterKey).results(FooterKey):
        if key.has_class("-command-palette"):
            continue
        assert key.region.width > 0 and key.region.right <= width, (
            f"the footer key {key.key_display!r} is cut off at {width} columns"
        )
        keys[key.key_display] = key.description
    return keys


async def settle(pilot: Pilot[Any]) -> None:
    """Waits until the screen is as a user sees it a moment after it opens: workers
    done, and the parts the review screen adds after its first paint are in."""
    from quiz.tui.screens.review import ReviewScreen
    from quiz.tui.widgets.footer import QuizFooter
    from quiz.tui.widgets.grades import GradeBar

    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    for _ in range(100):
        screen = pilot.app.screen
        if not isinstance(screen, ReviewScreen) or (
            bool(screen.query(QuizFooter)) and bool(screen.query(GradeBar))
        ):
            break
        await pilot.pause()
    else:
        raise AssertionError("the review screen did not finish building")
    await pilot.pause()


def finish_yesterday_and_before(session: Session) -> None:
    """Every card reviewed twice, three and two days ago: next due in four days."""
    today = session.today
    for card in session.deck:
        for back in (3, 2):
            session.store.record(card.id, 5, "review", day=today - timedelta(days=back), ts_ms=0)


def grade_everything_today(session: Session) -> None:
    """Every topic's core card graded today straight in the store, with fixed answer
    times (a first day's work)."""
    grades = [5, 4, 4, 3, 5, 2, 5, 4, 5, 1, 4, 5, 3, 4, 5]
    for card, grade in zip(session.deck.topics, grades, strict=True):
        session.store.record(card.id, grade, "review", day=session.today, ts_ms=0, answer_ms=20_000)
        if grade < 4:
            session.store.record(card.id, 4, "drill", day=session.today, ts_ms=0, answer_ms=10_000)


def build_history(session: Session) -> None:
    """Three weeks of daily work with a missed day, typed answers and fixed times."""
    today = session.today
    grades = [5, 4, 3, 2, 4, 5, 1]
    for back in range(21, 0, -1):
        if back == 4:
            continue  # a missed day
        day = today - timedelta(days=back)
        for i, card in enumerate(session.deck.cards[: 3 + back % 5]):
            session.store.record(
                card.id,
                grades[(back + i) % len(grades)],
                "review",
                day=day,
                ts_ms=0,
                answer=f"answer {back} about {card.title.lower()}",
                answer_ms=10_000 + 1_000 * i,
            )


# The character a terminal sends with a named key, where it sends one.
_KEY_CHARACTERS = {"space": " ", "enter": "\r", "tab": "\t"}


def burst(app: App[Any], *keys: str) -> None:
    """Keys as a terminal sends them in one read: all in the app's queue before it
    handles the first (``pilot.press`` waits for each key to be handled)."""
    from textual import events

    assert app._driver is not None
    for key in keys:
        character = _KEY_CHARACTERS.get(key, key if len(key) == 1 else None)
        app._driver.send_message(events.Key(key, character))


async def until(pilot: Pilot[Any], condition: Callable[[], bool], tries: int = 200) -> None:
    """Polls the app until ``condition()`` holds (no fixed sleep); fails after
    ``tries`` short pauses (about ten seconds)."""
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("the app never reached the state the test waits for")


def plotted_series(screen: DemoScreen, only: str | None = None) -> dict[str, int]:
    """Points per line of a demo screen's runs, by its legend label (``only``: the
    series of that name, e.g. a run's main "loss" beside its comparison lines)."""
    return {
        f"{name} · {run.label}": len(xs)
        for run in screen.runs
        for name, (xs, _) in run.series.items()
        if only is None or name == only
    }
