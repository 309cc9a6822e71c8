"""A topic's history on a long log: the newest page first, older pages as you scroll,
the interface free while a page is read."""

from __future__ import annotations

import re
import threading
from datetime import timedelta
from typing import Any

import pytest
from conftest import card_of

from quiz.records import Review
from quiz.session import Session
from quiz.store import Store
from quiz.tui.screens.history import PAGE, HistoryScreen

from .helpers import history_text, make_app, screen_text, until

GRADES = 2 * PAGE + 17  # two full pages and a part


def log_grades(session: Session, card: str = "mlp", count: int = GRADES) -> None:
    """``count`` practice grades of ``card`` (its schedule untouched), answer i typed
    on the i-th, one a day before today."""
    today = session.today
    for i in range(1, count + 1):
        day = today - timedelta(days=count - i + 1)
        session.store.record(
            card, i % 6, "practice", day=day, ts_ms=i * 86_400_000, answer=f"answer {i}."
        )


def answers(app_text: str) -> list[int]:
    """The numbers of the typed answers on screen, top to bottom."""
    return [int(n) for n in re.findall(r"“answer (\d+)\.”", app_text)]


def opened(app: object) -> bool:
    screen = getattr(app, "screen", None)
    return isinstance(screen, HistoryScreen) and not screen._loading and screen.count is not None


async def test_the_newest_page_comes_first_and_older_ones_as_you_scroll(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    log_grades(session)
    log_grades(session, "softmax-relu", 3)  # another card's grades never show
    reads: list[int] = []  # rows read from the log, read by read
    page = Store.reviews_page

    def counted(self: Store, *args: Any, **kwargs: Any) -> list[Review]:
        rows = page(self, *args, **kwargs)
        reads.append(len(rows))
        return rows

    monkeypatch.setattr(Store, "reviews_page", counted)
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(HistoryScreen(app.session, card_of(app.deck, "mlp")))
        await until(pilot, lambda: opened(app))
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        text = history_text(app)
        assert f"· {GRADES} grades" in text
        assert answers(text) == list(range(GRADES, GRADES - PAGE, -1)), "the newest page only"
        assert f"The newest {PAGE} of {GRADES} · scroll down" in text

        # At the end of what is loaded, End (or PgDn, ↓) brings the next page, and
        # the next, until the first grade.
        for shown in (2 * PAGE, GRADES):
            await pilot.press("end")
            await until(pilot, lambda n=shown: screen.shown == n and not screen._loading)  # type: ignore[misc]
        await until(pilot, lambda: screen.complete)
        text = history_text(app)
        assert answers(text) == list(range(GRADES, 0, -1)), "every grade, newest first, once"
        assert "scroll down" not in text and "Loading" not in text
        # Never the whole log at once: a page (and one row to know there is more).
        assert len(reads) == 3 and max(reads) <= PAGE + 1, reads


async def test_a_short_history_is_one_page(session: Session) -> None:
    log_grades(session, count=3)
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(HistoryScreen(app.session, card_of(app.deck, "mlp")))
        await until(pilot, lambda: opened(app))
        text = history_text(app)
        assert "· 3 grades" in text and answers(text) == [3, 2, 1]
        assert "scroll down" not in text


async def test_a_tall_screen_is_filled_without_a_key(session: Session) -> None:
    log_grades(session)
    app = make_app(session)
    async with app.run_test(size=(100, 2 * PAGE + 20)) as pilot:
        app.push_screen(HistoryScreen(app.session, card_of(app.deck, "mlp")))
        await until(pilot, lambda: opened(app) and app.screen.shown > PAGE)  # type: ignore[attr-defined]


async def test_the_screen_answers_keys_while_a_page_is_read(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page read that takes long (here: held until the test lets it go) never
    freezes the interface: the screen says it is loading, and escape goes back."""
    log_grades(session, count=5)
    gate = threading.Event()
    read = Session.history_page

    def slow_read(self: Session, card_id: str, older_than: int | None, limit: int) -> list[Review]:
        gate.wait(timeout=10)
        return read(self, card_id, older_than, limit)

    monkeypatch.setattr(Session, "history_page", slow_read)
    app = make_app(session)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("escape")
            under = app.screen
            app.push_screen(HistoryScreen(app.session, card_of(app.deck, "mlp")))
            await until(pilot, lambda: "Loading…" in history_text(app))
            await pilot.press("escape")
            await until(pilot, lambda: app.screen is under)
            app.push_screen(HistoryScreen(app.session, card_of(app.deck, "mlp")))
            await until(pilot, lambda: "Loading…" in history_text(app))
            gate.set()
            await until(pilot, lambda: opened(app))
            assert answers(history_text(app)) == [5, 4, 3, 2, 1]
    finally:
        gate.set()


async def test_a_page_that_cannot_be_read_says_so(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    log_grades(session, count=5)

    def broken(*args: object) -> list[Review]:
        from quiz.errors import QuizError

        raise QuizError("cannot read quiz.db: disk I/O error")

    monkeypatch.setattr(Session, "history_page", broken)
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(HistoryScreen(app.session, card_of(app.deck, "mlp")))
        await until(pilot, lambda: "could not be read" in history_text(app))
        assert "disk I/O error" in history_text(app)


async def test_help_says_how_older_grades_come(session: Session) -> None:
    log_grades(session, count=3)
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(HistoryScreen(app.session, card_of(app.deck, "mlp")))
        await until(pilot, lambda: opened(app))
        await pilot.press("question_mark")
        await until(pilot, lambda: "The newest 50 show first" in screen_text(app))
        assert "older ones are read as you" in screen_text(app)
