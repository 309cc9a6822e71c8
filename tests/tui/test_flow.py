"""The daily flow through the app, driven with Pilot on a temporary database."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import Clock
from textual.app import App
from textual.widgets import Button

from quiz.deck import Deck
from quiz.session import Session
from quiz.store import Store
from quiz.tui.screens.browse import BrowseScreen
from quiz.tui.screens.card import CardScreen
from quiz.tui.screens.help import HelpScreen
from quiz.tui.screens.nothing_due import NothingDueScreen
from quiz.tui.screens.review import ReviewScreen
from quiz.tui.screens.summary import SummaryScreen
from quiz.tui.widgets.answer_box import AnswerBox
from quiz.tui.widgets.grades import GradeBar
from quiz.tui.widgets.keypoints import KeyPoints
from quiz.tui.widgets.session_bar import SessionBar

from .helpers import (
    finish_yesterday_and_before,
    grade_everything_today,
    make_app,
    screen_text,
    settle,
    text_of,
    until,
)


async def test_opens_on_the_first_due_card_then_reveal_and_grade(session: Session) -> None:
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, ReviewScreen)
        assert "What is deep learning?" in text_of(app, "#question")
        assert "15 left" in text_of(app, "#today")
        assert str(app.screen.query_one(SessionBar).render()).endswith(" 0/15")
        await pilot.press("escape", "5")  # not revealed yet: a grade saves nothing
        assert session.store.review_count() == 0
        await pilot.press("space")
        assert app.screen.query_one("#reveal").display
        assert "Grade your recall" in text_of(app, "#hint")
        await pilot.press("5")
        await pilot.pause()
        [review] = session.store.reviews_of("deep-learning")
        assert (review.grade, review.mode) == (5, "review")
        assert "neural network" in text_of(app, "#question").lower()
        assert "14 left" in text_of(app, "#today") and "1 done today" in text_of(app, "#today")
        assert "Graded 5: next review tomorrow" in text_of(app, "#hint")
        bar = app.screen.query_one(SessionBar).render()
        assert bar.plain.endswith(" 1/15")
        # 1 of 15 done: the first span (the bar's done part; the rest of the line is
        # its track, the same glyph in another colour) covers about a fifteenth.
        track = len(bar.plain) - len(" 1/15")
        done = bar.spans[0].end - bar.spans[0].start
        assert 0 < done <= track / 15 + 1


async def test_grade_buttons_work_with_the_mouse_even_when_revealed_at_once(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The grade buttons are built just after the first card shows; a reveal that
    # comes first must build them itself, with the suggested grade marked.
    async def not_yet(self: ReviewScreen) -> None:
        return None

    monkeypatch.setattr(ReviewScreen, "_mount_rest", not_yet)
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        assert not app.screen.query(GradeBar)
        await pilot.press("a", *"many layers learn the representation", "enter")
        await pilot.pause()
        suggested = app.screen.query(".suggested").results(Button)
        [button] = list(suggested)
        assert str(button.label).startswith("★")
        assert await pilot.click("#grade-3")
        await pilot.pause()
        [review] = session.store.reviews_of("deep-learning")
        assert review.grade == 3


async def test_a_typed_answer_ticks_key_points_and_suggests_a_grade(session: Session) -> None:
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"representation learned by gradient descent through many layers")
        await pilot.press("enter")
        points = app.screen.query_one(KeyPoints).text
        assert "✓" in points and "in your answer" in points
        assert re.search(r"★[0-5] suggested", text_of(app, "#hint"))
        await pilot.press("4")
        await pilot.pause()
        [review] = session.store.reviews_of("deep-learning")
        assert review.answer.startswith("representation learned")


async def test_a_low_grade_comes_back_after_other_cards_or_a_minute(
    store: Store, deck: Deck, clock: Clock
) -> None:
    session = Session(store, deck, now=clock, new_per_day=2)
    app = make_app(session)
    app.TICK = 0.05  # the app's look at the clock, sooner than once a second
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "2")
        await pilot.pause()
        assert "neural network" in text_of(app, "#question").lower()
        assert "Graded 2: back later today, then tomorrow" in text_of(app, "#hint")
        await pilot.press("enter", "5")
        # Only the failed card is left: it does not come straight back.
        await until(pilot, lambda: bool(app.screen.query("#summary-title")))
        assert isinstance(app.screen, SummaryScreen)
        assert "“Deep learning” comes back in 60 s" in text_of(app, "#summary-title")
        clock.advance(seconds=30)
        await until(pilot, lambda: "comes back in 30 s" in text_of(app, "#summary-title"))
        clock.advance(seconds=31)
        # The screen, then its card: it is filled in once mounted.
        await until(
            pilot,
            lambda: (
                isinstance(app.screen, ReviewScreen)
                and "What is deep learning?" in text_of(app, "#question")
            ),
        )
        assert "Again" in text_of(app, "#mode")
        await pilot.press("enter", "4")
        await until(pilot, lambda: bool(app.screen.query("#summary-title")))
        assert isinstance(app.screen, SummaryScreen)
        assert "Done for today." in text_of(app, "#summary-title")
        modes = [(r.grade, r.mode) for r in store.reviews_of("deep-learning")]
        assert modes == [(2, "review"), (4, "drill")]


async def test_the_app_left_open_past_the_rollover_starts_the_new_day(
    session: Session, clock: Clock
) -> None:
    app = make_app(session)
    app.TICK = 0.05
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(15):
            await pilot.press("enter", "5")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert "0 left" in text_of(app, "#today")
        clock.advance(days=1)  # 10:00 tomorrow: every card is due again (interval 1)
        await until(pilot, lambda: "15 left" in screen_text(app))
        assert isinstance(app.screen, ReviewScreen)
        assert "0 done today" in text_of(app, "#today")


async def test_undo_takes_the_grade_back_and_asks_the_card_again(session: Session) -> None:
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "5")
        await pilot.pause()
        await pilot.press("escape", "u")
        await pilot.pause()
        assert "Undid grade 5" in text_of(app, "#hint")
        assert session.store.review_count() == 0
        assert session.store.card_state("deep-learning") is None
        assert "What is deep learning?" in text_of(app, "#question")


async def test_grades_survive_quitting_and_reopening(
    db_path: Path, deck: Deck, clock: Clock
) -> None:
    with Store.open(db_path) as store:
        app = make_app(Session(store, deck, now=clock))
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("enter", "5", "enter", "3")
            await pilot.pause()
            await pilot.press("escape", "q")
        assert app.return_code in (0, None)
    with Store.open(db_path) as store:
        assert [r.grade for r in store.reviews_of("deep-learning")] == [5]
        assert [r.grade for r in store.reviews_of("neural-network")] == [3]
        app = make_app(Session(store, deck, now=clock))
        async with app.run_test(size=(80, 24)):
            # The third card is next; the re-drill of card 2 waits at the end.
            assert "multilayer perceptron" in text_of(app, "#question").lower()
            assert "2 done today" in text_of(app, "#today")


async def test_practice_is_logged_and_leaves_due_dates_alone(session: Session) -> None:
    finish_yesterday_and_before(session)
    before = session.store.card_states()
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, NothingDueScreen)
        assert "in 4 days" in text_of(app, "#next-due")
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert "not scheduled" in text_of(app, "#mode")
        await pilot.press("enter", "0", "enter", "1")
        await pilot.pause()
    assert session.store.card_states() == before
    practice = [
        r for c in session.deck for r in session.store.reviews_of(c.id) if r.mode == "practice"
    ]
    assert [r.grade for r in practice] == [0, 1] or sorted(r.grade for r in practice) == [0, 1]


async def test_browse_lists_every_topic_and_opens_a_card(session: Session) -> None:
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("escape", "b")
        await pilot.pause()
        assert isinstance(app.screen, BrowseScreen)
        from textual.widgets import DataTable

        table = app.screen.query_one(DataTable)
        assert table.row_count == 15
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, CardScreen)
        assert app.screen.card.number == 3
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)


async def test_help_lists_the_keys(session: Session) -> None:
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("escape", "question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        from textual.widgets import Static

        text = "\n".join(str(s.render()) for s in app.screen.query(Static))
        for key in ("space", "0-5", "u", "d", "q", "Undo", "Reveal"):
            assert key in text
        # The keys of one command share its row, so the list fits a small terminal.
        rows = text.splitlines()
        assert any(row.split() == ["j", "↓", "Scroll", "down"] for row in rows), rows
        assert any(row.split()[:3] == ["a", "tab", "Answer"] for row in rows), rows
        assert sum("Scroll down" in row for row in rows) == 1
        await pilot.press("escape")
        assert isinstance(app.screen, ReviewScreen)


def help_rows(app: App[None]) -> list[list[str]]:
    """The help's rows of keys, each split into words."""
    from textual.widgets import Static

    text = "\n".join(str(s.render()) for s in app.screen.query(Static))
    return [row.split() for row in text.splitlines() if row.startswith("  ") and row.split()]


async def test_help_names_each_key_once_as_it_is_typed_and_only_where_it_works(
    session: Session,
) -> None:
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("escape", "question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        rows = help_rows(app)
        # Suspend and bury are bound once before and once after a reveal: one row
        # each, under the key a person types.
        assert [row[:2] for row in rows if "Suspend" in row[:3]] == [["!", "Suspend"]]
        assert [row[:2] for row in rows if "Bury" in row[:3]] == [["-", "Bury"]]
        assert not any(row[0] in ("minus", "exclamation_mark") for row in rows), rows
        assert any(row[:2] == ["ctrl+c", "Quit"] for row in rows), rows
        assert not any("Back" in row[:3] for row in rows), "escape does not end a review"
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        app.action_practice()
        await until(pilot, lambda: len(app.screen_stack) == 3)
        await pilot.press("escape", "question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        rows = help_rows(app)
        assert any(row[:2] == ["escape", "Back"] for row in rows), rows
        assert not any("Suspend" in row or "Bury" in row for row in rows), rows


async def test_a_full_day_ends_on_the_summary_and_tomorrow_shows_only_whats_due(
    session: Session, clock: Clock
) -> None:
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(15):
            await pilot.press("enter", "5")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        figures = text_of(app, "#figures")
        assert "Cards reviewed   15" in figures and "Due tomorrow     15" in figures
    clock.advance(days=1)
    assert session.progress().due == 15 and session.progress().new == 0


async def test_a_grade_that_cannot_be_saved_is_an_error_on_screen_not_a_crash(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The store's own behaviour on a full disk is tested in tests/faults; here, what the
    # screen does when the store reports it.
    from quiz.errors import QuizError

    store = session.store
    real_record = store.record

    def full_disk(*args: object, **kwargs: object) -> None:
        raise QuizError(f"cannot write to {store.path}: the disk is full")

    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        monkeypatch.setattr(store, "record", full_disk)
        await pilot.press("5")
        await pilot.pause()
        assert store.review_count() == 0
        [note] = [n for n in app._notifications if n.title == "Not saved"]
        assert "the disk is full" in note.message
        assert "What is deep learning?" in text_of(app, "#question")  # still on the card
        monkeypatch.setattr(store, "record", real_record)
        await pilot.press("5")
        await pilot.pause()
        assert store.review_count() == 1


async def test_garbage_collection_is_back_on_once_the_first_card_shows(
    session: Session,
) -> None:
    # `quiz` turns the cyclic collector off for the start; left off, a long session's
    # reference cycles (Textual makes many) would never be freed.
    import gc

    gc.disable()
    try:
        app = make_app(session)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, ReviewScreen)
            assert gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()


async def test_keys_typed_right_behind_a_go_into_the_answer_box(session: Session) -> None:
    # A fast typist, or a paste: the terminal delivers "a" and the answer in one
    # read, and the app queues every key before the first one has been acted on.
    # None of them may be lost or act as a command (b browse, d demo, u undo...).
    from textual import events

    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("escape")  # out of the box: "a" is the key that goes back in
        await pilot.pause()
        for char in "abused deep nets, a dozen layers":
            app.post_message(events.Key(char, char))
        app.post_message(events.Key("enter", None))
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.answer == "bused deep nets, a dozen layers"
        assert "in your answer" in app.screen.query_one(KeyPoints).text


async def test_a_burst_of_keys_as_a_card_shows_all_lands_in_the_box(session: Session) -> None:
    # The keys of a fast typist who starts before the screen has settled, and those
    # typed right after a grade shows the next card: every one goes into the box.
    from textual import events

    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        for char in "sudden bursts: q, u, d":
            app.post_message(events.Key(char, char))
        await pilot.pause()
        assert app.screen.query_one("#answer", AnswerBox).text == "sudden bursts: q, u, d"
        await pilot.press("enter", "5")
        for char in "undo? no":
            app.post_message(events.Key(char, char))
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.query_one("#answer", AnswerBox).text == "undo? no"
        assert [r.grade for r in session.store.reviews_of("deep-learning")] == [5]


async def test_the_clock_waits_for_a_screen_to_be_up(session: Session) -> None:
    """The app's clock ticks once a second whatever is happening: a tick that lands
    while a screen is still being put up (switched to a moment before) must wait for
    it, not ask its widgets, which do not exist yet (that ended the app, found by CI:
    'No nodes match #summary-title')."""
    from quiz.tui.screens.summary import SummaryScreen

    grade_everything_today(session)  # nothing left: the summary stays up
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = SummaryScreen(session)
        waiting = app.push_screen(screen)  # not mounted until the loop runs
        assert not screen.is_mounted
        app._tick()  # the clock, at that moment
        await waiting
        await pilot.pause()
        assert app.screen is screen
        app._tick()  # and once it is up, the tick reaches it
        await pilot.pause()
    assert app.crash is None and app.problem is None


async def test_the_clock_leaves_a_summary_without_its_panel_alone(session: Session) -> None:
    """The screen can be mounted while the panel inside it is not (yet, or any
    more, as it is taken down): a tick then has nothing to update and must not ask
    for it (CI, again 'No nodes match #summary-title', with the check above in
    place)."""
    from quiz.tui.screens.summary import SummaryScreen

    grade_everything_today(session)
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = SummaryScreen(session)
        await app.push_screen(screen)
        await pilot.pause()
        await screen.query_one("#summary").remove()
        assert screen.is_mounted and not screen.query("#summary-title")
        app._tick()
        app._day = session.today - timedelta(days=1)
        app._tick()  # a new day too
        await pilot.pause()
        assert app.screen is screen
    assert app.crash is None
