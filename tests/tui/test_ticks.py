"""The answer checker on the review screen (issue 15): each tick shows the words that
made it, a wrong claim is shown with its correction and caps the suggestion, and the
person can flip a tick (key or click) before grading, the suggestion following."""

from __future__ import annotations

from quiz.session import Session
from quiz.tui.screens.review import ReviewScreen
from quiz.tui.widgets.grades import GradeBar
from quiz.tui.widgets.keypoints import KeyPoints, Row

from .helpers import footer_keys, make_app, settle, until

# Card 1 (deep learning): three of its five points, in a candidate's words, and one of
# the wrong claims the card lists.
WRONG_BUT_WORDY = (
    "Deep learning mimics the human brain. It learns the representation from data with "
    "many layers, trained end to end by gradient descent and backprop."
)


def points(screen: ReviewScreen) -> KeyPoints:
    return screen.query_one(KeyPoints)


async def test_evidence_and_the_wrong_claim_are_on_screen(session: Session) -> None:
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*WRONG_BUT_WORDY, "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        text = points(screen).text
        assert "(3/5 in your answer)" in text
        assert "you wrote “learns the representation”" in text  # the words that made it
        assert "Wrong: Deep learning mimics the human brain" in text
        assert "→ Neuroscience gave the vocabulary" in text  # its correction
        # Three of five points is a 3, but a stated wrong claim caps it at 2.
        assert screen.suggested == 2
        assert screen.query_one(GradeBar).suggested == 2
        assert "t" in footer_keys(app)  # the footer offers the ticks


async def test_flipping_ticks_moves_the_suggestion(session: Session) -> None:
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*WRONG_BUT_WORDY, "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.suggested == 2
        await pilot.press("t")  # the first row has the keys
        assert isinstance(app.focused, Row) and app.focused.kind == "point"
        # Down to the wrong claim (after the five points) and dismiss it: 3/5 -> 3.
        await pilot.press("down", "down", "down", "down", "down")
        assert isinstance(app.focused, Row) and app.focused.kind == "wrong"
        await pilot.press("space")
        await until(pilot, lambda: screen.suggested == 3)
        assert "Dismissed: Deep learning mimics the human brain" in points(screen).text
        # Back up to point 4 (missed) and tick it: 4/5 -> 4.
        await pilot.press("up", "up", "space")
        await until(pilot, lambda: screen.suggested == 4)
        assert "(4/5 in your answer)" in points(screen).text
        # escape gives the keys back to the screen; enter grades with the suggestion.
        await pilot.press("escape")
        assert app.focused is None
        await pilot.press("enter")
        await until(pilot, lambda: session.store.review_count() == 1)
        assert session.store.reviews_on(session.today)[0].grade == 4


async def test_a_click_flips_a_tick(session: Session) -> None:
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*"many layers learn the representation", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        before = screen.suggested
        rows = [r for r in points(screen).query(Row) if r.kind == "point"]
        missed = next(r for r in rows if str(r.mark.render()) == "✗")
        missed.scroll_visible(immediate=True)
        await pilot.pause()
        await pilot.click(missed)
        await until(pilot, lambda: screen.suggested != before)
        assert str(missed.mark.render()) == "✓"


async def test_nothing_typed_offers_no_ticks(session: Session) -> None:
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("escape", "space")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.suggested is None
        assert "t" not in footer_keys(app)
        await pilot.press("t")  # no binding: nothing happens, nothing breaks
        assert not isinstance(app.focused, Row)
