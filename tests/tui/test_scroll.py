"""Every scrolling key moves the view, however fast the keys come.

Textual defers a keyboard scroll to the next refresh and counts it from where the
view was before: six ``j`` typed in one burst (or a held key on a busy machine)
moved the card one line. The bursts here are sent as a terminal sends them: all
read before the app handles the first.
"""

from __future__ import annotations

from textual.widget import Widget

from quiz.deck import Deck
from quiz.session import Session
from quiz.store import Store
from quiz.tui.screens.card import CardScreen
from quiz.tui.screens.help import HelpScreen
from quiz.tui.screens.review import ReviewScreen

from .helpers import burst, make_app, settle, until


async def test_a_burst_of_keys_scrolls_the_card_view_once_per_key(
    session: Session, full_deck: Deck
) -> None:
    card = full_deck.by_id["residual-connections"]
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.call_later(app.push_screen, CardScreen(card))
        burst(app, *"jjjjjj")  # typed as the card opens
        await until(pilot, lambda: isinstance(app.screen, CardScreen))
        pane = app.screen.query_one("#card", Widget)
        await until(pilot, lambda: pane.scroll_y == 6)
        burst(app, "k", "up", "down", "down", "down")
        await until(pilot, lambda: pane.scroll_y == 7)
        page = pane.scrollable_content_region.height
        burst(app, "pagedown", "pagedown")
        await until(pilot, lambda: pane.scroll_y == 7 + 2 * page)
        burst(app, "pageup", "home", "down")
        await until(pilot, lambda: pane.scroll_y == 1)
        await pilot.pause()
        assert pane.scroll_y == 1


async def test_a_burst_of_keys_scrolls_the_revealed_answer_once_per_key(
    store: Store, full_deck: Deck
) -> None:
    app = make_app(Session(store, full_deck))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("escape", "space")
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.revealed
        await settle(pilot)
        pane = screen.query_one("#card", Widget)
        await until(pilot, lambda: pane.max_scroll_y > 20)
        await pilot.pause()
        start = pane.scroll_y
        burst(app, *"jjjj", "down", "down")
        await until(pilot, lambda: pane.scroll_y == start + 6)
        burst(app, "k", "up", "up")
        await until(pilot, lambda: pane.scroll_y == start + 3)


async def test_a_burst_of_keys_scrolls_the_help_once_per_key(session: Session) -> None:
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("escape", "question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        pane = app.screen.query_one("#help", Widget)
        await until(pilot, lambda: pane.max_scroll_y >= 3)
        burst(app, "down", "down", "down")
        await until(pilot, lambda: pane.scroll_y == 3)
        burst(app, "up", "up")
        await until(pilot, lambda: pane.scroll_y == 1)
        # End and Home: there at once, as the other keys (End slid there over
        # several frames).
        app.animation_level = "full"
        burst(app, "end")
        await pilot.pause()
        assert pane.scroll_y == pane.max_scroll_y > 3
        burst(app, "home")
        await pilot.pause()
        assert pane.scroll_y == 0
