"""The review screen as a person uses it: what they type, what they can read, which
keys the footer offers and what those keys do."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Clock
from textual import events
from textual.containers import VerticalScroll

from quiz.deck import Deck
from quiz.session import Session
from quiz.store import Store
from quiz.tui.screens.review import ReviewScreen
from quiz.tui.widgets.answer_box import AnswerBox

from .helpers import footer_keys, make_app, screen_text, settle, text_of, until

# The last line of the first card's references, as content/01-deep-learning.md has it.
LAST_REFERENCE = "On the number of linear regions of"


def box_text(screen: object) -> str:
    assert isinstance(screen, ReviewScreen)
    return screen.query_one("#answer", AnswerBox).text


async def test_what_a_person_types_goes_into_the_box_and_runs_no_command(
    session: Session,
) -> None:
    # Every letter here is also a command key outside the box: u undo, s stats,
    # q quit, d demo, b browse, a answer, space reveal, digits grade, ? help.
    typed = "use sequence models? b d a q 5 0 s u"
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*typed)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and not screen.revealed
        assert box_text(screen) == typed
        assert typed in screen_text(app)
        assert session.store.review_count() == 0
        assert app.is_running


async def test_escape_leaves_the_box_then_keys_are_the_documented_commands(
    session: Session,
) -> None:
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert footer_keys(app) == {"⏎": "Check answer", "esc": "Leave box"}
        await pilot.press("escape")
        await pilot.pause()
        keys = footer_keys(app)
        assert keys["space"] == "Reveal" and keys["a"] == "Answer" and keys["d"] == "Demo"
        assert keys["s"] == "Stats" and keys["?"] == "Help" and keys["q"] == "Quit"
        assert "0-5" not in keys and "u" not in keys  # nothing to grade or undo yet
        await pilot.press("5")  # a grade before the reveal says what to do instead
        await pilot.pause()
        assert "Reveal the answer first" in text_of(app, "#hint")
        assert session.store.review_count() == 0
        await pilot.press("space")
        await pilot.pause()
        keys = footer_keys(app)
        assert "space" not in keys and keys["0-5"] == "Grade"
        await pilot.press("5")
        await pilot.pause()
        [review] = session.store.reviews_of("deep-learning")
        assert review.grade == 5
        # The next card: the box has the keys again.
        assert "neural network" in text_of(app, "#question").lower()
        assert app.focused is app.screen.query_one("#answer")


async def test_a_multi_line_paste_is_kept_whole_and_shown_from_its_start(
    session: Session,
) -> None:
    answer = "Deep learning learns representations.\nMany layers, trained end to end."
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.post_message(events.Paste(answer))
        await pilot.pause()
        assert box_text(app.screen) == answer
        await pilot.press("ctrl+j", *"By backprop.")
        await pilot.press("enter")
        await pilot.pause()
        shown = text_of(app, "#typed")
        assert shown.startswith("Your answer\nDeep learning learns representations.")
        assert "Many layers, trained end to end.\nBy backprop." in shown
        await pilot.press("3")
        await pilot.pause()
        [review] = session.store.reviews_of("deep-learning")
        assert review.answer == answer + "\nBy backprop."


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_whole_card_can_be_read_after_a_reveal(
    session: Session, size: tuple[int, int]
) -> None:
    app = make_app(session)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # an empty answer: reveal
        await settle(pilot)
        top = screen_text(app)
        assert "Key points" in top and LAST_REFERENCE not in top
        pane = app.screen.query_one("#card", VerticalScroll)
        assert pane.max_scroll_y > 0, "the card should be longer than the pane"
        await pilot.press("end")
        await pilot.pause()
        bottom = screen_text(app)
        # The last of the references (at 80×24 their heading is above, off the pane).
        assert LAST_REFERENCE in bottom
        if size[1] >= 40:
            assert "References" in bottom
        # The grade bar stays in view under the card.
        assert "0 blackout" in bottom and "5 perfect" in bottom
        await pilot.press("home")
        await pilot.pause()
        assert "What is deep learning?" in screen_text(app)
        for key in ("pagedown", "down", "j"):
            before = pane.scroll_y
            await pilot.press(key)
            await pilot.pause()
            assert pane.scroll_y > before, f"{key} did not scroll the card"
        before = pane.scroll_y
        await pilot.press("k")
        await pilot.pause()
        assert pane.scroll_y < before


async def test_end_pressed_with_the_reveal_wins_over_the_scroll_to_the_answer(
    session: Session,
) -> None:
    # Enter then End as fast hands deliver them: both keys arrive before the revealed
    # part is laid out, and End must still reach the end of the card. (The race that
    # tests/test_terminal.py caught under load, End handled between the reveal's
    # layout and its deferred scroll to the answer, needs a real terminal's timing.)
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app._driver is not None
        for key in ("enter", "end"):
            app._driver.send_message(events.Key(key, None))
        await settle(pilot)
        await until(pilot, lambda: LAST_REFERENCE in screen_text(app))
        assert "5 perfect" in screen_text(app)


async def test_the_mouse_wheel_scrolls_the_revealed_card(session: Session) -> None:
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        pane = app.screen.query_one("#card", VerticalScroll)
        x, y = pane.region.x + 5, pane.region.y + 5
        for _ in range(3):
            pane.post_message(
                events.MouseScrollDown(
                    pane, x, y, 0, 0, 0, False, False, False, screen_x=x, screen_y=y
                )
            )
        await pilot.pause()
        assert pane.scroll_y > 0


async def test_enter_outside_the_box_accepts_the_suggested_grade(session: Session) -> None:
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*"layers learn a representation from data, end to end")
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.revealed
        suggested = screen.suggested
        assert suggested is not None
        assert f"★{suggested} suggested" in text_of(app, "#hint")
        assert footer_keys(app)["⏎"] == "Accept ★"
        await pilot.press("enter")
        await pilot.pause()
        [review] = session.store.reviews_of("deep-learning")
        assert review.grade == suggested


async def test_enter_with_nothing_typed_says_to_grade_by_hand(session: Session) -> None:
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # reveal, nothing typed: no suggestion
        await pilot.pause()
        assert "⏎" not in footer_keys(app)
        await pilot.press("enter")
        await pilot.pause()
        assert "grade it with 0-5" in text_of(app, "#hint")
        assert session.store.review_count() == 0


async def test_undo_names_the_card_it_undid(session: Session) -> None:
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "4")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert footer_keys(app)["u"] == "Undo"
        await pilot.press("u")
        await pilot.pause()
        assert "Undid grade 4 for “Deep learning”" in text_of(app, "#hint")
        assert session.store.review_count() == 0


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
async def test_the_footer_fits_and_shows_help_and_stats(
    session: Session, size: tuple[int, int]
) -> None:
    app = make_app(session)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("enter", "4", "escape")  # something to undo: the widest footer
        await pilot.pause()
        keys = footer_keys(app)  # asserts every key is inside the screen
        assert {"space", "a", "u", "d", "s", "?", "q"} <= set(keys)
        await pilot.press("space")
        await pilot.pause()
        keys = footer_keys(app)
        assert {"0-5", "u", "d", "s", "?", "q"} <= set(keys)


async def test_the_footer_rebuilt_by_state_keeps_no_old_keys_alive(session: Session) -> None:
    # The footer is rebuilt on every change of state (typing, outside the box,
    # revealed): three times a card. Textual's footer kept every old key widget
    # alive (about 25 a card); a long session grew without bound and paused to
    # collect it.
    import gc

    from textual.widgets._footer import FooterKey

    def alive() -> int:
        gc.collect()
        return sum(1 for o in gc.get_objects() if isinstance(o, FooterKey))

    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        counts = []
        for _ in range(3):
            for key in ("escape", "space", "5") * 4:  # four cards, one state at a time
                await pilot.press(key)
                await settle(pilot)
            counts.append(alive())
        assert counts[-1] <= counts[0], f"footer keys alive after each round: {counts}"


async def test_reveal_and_grade_pressed_as_fast_as_keys_come_never_end_the_app(
    session: Session,
) -> None:
    # Each reveal renders the card's answer. Pairs of keys a few milliseconds apart
    # once cancelled a render half-way, and the CancelledError ended the app's
    # message loop: the app froze, then exited with status 0, a few dozen pairs in.
    # Grades of 3 keep the cards coming back, so the session lasts; every pair
    # must be one reveal and one grade, in order, none lost.
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app._driver is not None
        for _ in range(60):
            app._driver.send_message(events.Key("enter", None))
            app._driver.send_message(events.Key("3", "3"))
        await until(pilot, lambda: session.store.review_count() == 60, tries=600)
        await app.workers.wait_for_complete()
        assert app.is_running
        shown = app.screen
        assert isinstance(shown, ReviewScreen) and not shown.revealed
        assert box_text(shown) == "", "a key of the burst went into the answer box"


# -- a grade for a card that changed since it was shown -------------------------------


async def test_a_grade_after_the_rollover_is_refused_and_the_new_days_card_shown(
    store: Store, deck: Deck, clock: Clock
) -> None:
    clock.moment = clock.moment.replace(day=4, hour=3, minute=59, second=50)
    app = make_app(Session(store, deck, now=clock))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*"many layers", "enter")  # typed, then revealed at 03:59:5x
        await until(pilot, lambda: getattr(app.screen, "revealed", False))
        clock.advance(seconds=15)  # 04:00:05: a new study day while the answer shows
        await pilot.press("4")
        await until(pilot, lambda: "That card changed" in text_of(app, "#hint"))
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and not screen.revealed
        assert store.review_count() == 0  # the grade did not land anywhere
        hint = text_of(app, "#hint")
        assert hint.startswith(
            "That card changed since it was shown (a new study day began); here is the current one"
        )
        # The new day asks the same new card: it is shown again, the typed answer kept.
        assert screen.item is not None and screen.item.day.isoformat() == "2026-03-04"
        assert "What is deep learning?" in text_of(app, "#question")
        assert box_text(screen) == "many layers"
        assert "That card changed since it was shown" in screen_text(app)
        await pilot.press("enter", "4")  # graded on the new day, as shown
        await until(pilot, lambda: store.review_count() == 1)
        [review] = store.reviews_of("deep-learning")
        assert (review.grade, review.mode, review.day.isoformat()) == (4, "review", "2026-03-04")


async def test_a_card_graded_in_another_window_is_not_graded_again_from_this_one(
    db_path: Path, store: Store, deck: Deck, clock: Clock
) -> None:
    app = make_app(Session(store, deck, now=clock))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: getattr(app.screen, "revealed", False))
        with Store.open(db_path) as other:  # the same card, graded in a second app
            Session(other, deck, now=clock).grade("deep-learning", 5)
        await pilot.press("1")
        await until(pilot, lambda: "That card changed" in text_of(app, "#hint"))
        assert "(it was graded elsewhere); here is the current one" in text_of(app, "#hint")
        assert [(r.grade, r.mode) for r in store.reviews_of("deep-learning")] == [(5, "review")]
        assert "neural network" in text_of(app, "#question").lower()  # the next card
        assert box_text(app.screen) == ""
