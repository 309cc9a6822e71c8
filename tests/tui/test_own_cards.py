"""The app with cards of the user's own: a broken one is a notice, not a stop, and
the others are asked."""

from __future__ import annotations

from pathlib import Path

from quiz.deck import Deck
from quiz.session import Session
from quiz.store import Store
from quiz.userdeck import with_user_cards

from .helpers import make_app, screen_text, settle, until

CARD = """+++
id = "{id}"
title = "Multi-head attention"
question = "Why use several attention heads?"
{extra}
[[key_points]]
text = "Each head attends to a different subspace"
phrases = ["different subspace*"]
+++
## Answer
Each head attends to a different representation subspace.
"""


async def test_a_broken_card_of_ones_own_is_a_notice_and_the_app_starts(
    store: Store, full_deck: Deck, tmp_path: Path
) -> None:
    folder = tmp_path / "cards"
    folder.mkdir()
    (folder / "bad.md").write_text(CARD.format(id="bad", extra='demo = "nope"'))
    (folder / "good.md").write_text(CARD.format(id="heads", extra=""))
    deck = with_user_cards(full_deck, folder)
    app = make_app(Session(store, deck))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        [note] = [n for n in app._notifications if n.title == "A card of yours was skipped"]
        assert str(note.message).startswith(f"{folder / 'bad.md'}:5: field 'demo'")
        assert "Topic 1 of 16" in screen_text(app)  # the fifteen and the good card


async def test_a_card_changed_since_the_last_start_is_shown_as_it_is_now(
    store: Store, tmp_path: Path
) -> None:
    # The start takes the cards as the last one placed them (not looking at 2,000
    # files before the first card); the look after the first paint finds the edit
    # and the card on screen is shown again as its file now says.
    folder = tmp_path / "cards"
    folder.mkdir()
    card = folder / "heads.md"
    card.write_text(CARD.format(id="heads", extra=""))
    with_user_cards(Deck(()), folder)  # the last start
    card.write_text(card.read_text().replace("several attention heads", "many heads at once"))
    deck = with_user_cards(Deck(()), folder, as_last_time=True)
    assert deck.unchecked
    app = make_app(Session(store, deck))
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: "Why use many heads at once?" in screen_text(app))
        assert "several attention heads" not in screen_text(app)
        assert app.session.deck.get("heads").question == "Why use many heads at once?"  # type: ignore[union-attr]
