"""Predict cards on the review screen (issue 17): the person commits to a choice, the
card's demo runs with its preset, and the demo's own result decides the grade."""

from __future__ import annotations

from conftest import Clock, card_of

from quiz.deck import Deck
from quiz.session import Session
from quiz.store import Store
from quiz.tui.screens.review import ReviewScreen

from .helpers import make_app, screen_text, settle, text_of, until


async def predict(
    store: Store, full_deck: Deck, clock: Clock, typed: str
) -> tuple[str, int | None]:
    session = Session(store, full_deck, now=clock)
    app = make_app(session)
    card = card_of(full_deck, "predict-lr-above-threshold")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.action_practice([card])
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.card is card
        shown = screen_text(app)
        assert "a) It diverges" in shown and "b) It converges" in shown  # the choices
        await pilot.press(*typed, "enter")
        await until(pilot, lambda: "→" in text_of(app, "#prediction"), tries=400)
        return text_of(app, "#prediction"), screen.suggested


async def test_a_right_prediction_is_borne_out_by_the_demo(
    store: Store, full_deck: Deck, clock: Clock
) -> None:
    text, suggested = await predict(store, full_deck, clock, "a")
    assert "Your prediction: a) It diverges" in text
    assert "diverged = True → a) It diverges" in text and "✓ right" in text
    assert suggested == 5


async def test_a_wrong_prediction_is_shown_what_happened(
    store: Store, full_deck: Deck, clock: Clock
) -> None:
    text, suggested = await predict(store, full_deck, clock, "b")
    assert "Your prediction: b) It converges" in text
    assert "→ a) It diverges" in text and "✗ not what happened" in text
    assert suggested == 1
