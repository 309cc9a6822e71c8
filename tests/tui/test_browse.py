"""Browse at scale: search as you type, filters by state, tag and topic, sorts,
j/k, suspend and bury (and their undo); the same two keys on the review screen, the
leech message, and a session of one tag from the palette."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from conftest import Clock
from rich.text import Text
from textual.widgets import DataTable, Input, OptionList
from textual.widgets.data_table import ColumnKey

from quiz.deck import Deck
from quiz.session import Session
from quiz.store import Store
from quiz.tui.screens.browse import BrowseScreen
from quiz.tui.screens.card import CardScreen
from quiz.tui.screens.demo import DemoScreen
from quiz.tui.screens.pick import PickScreen
from quiz.tui.screens.review import ReviewScreen

from .helpers import burst, make_app, screen_text, settle, text_of, until
from .test_palette import run_command


def listed(app: object) -> list[str]:
    """The card ids of every row listed, top to bottom (the table takes them a page
    at a time)."""
    from textual.app import App

    assert isinstance(app, App)
    screen = app.screen
    assert isinstance(screen, BrowseScreen)
    return screen.listed_ids()


def titles(app: object) -> list[str]:
    from textual.app import App

    assert isinstance(app, App)
    table = app.screen.query_one(DataTable)
    cells = [table.get_row_at(i)[1] for i in range(table.row_count)]
    return [cell.plain if isinstance(cell, Text) else str(cell) for cell in cells]


async def open_browse(pilot: object) -> BrowseScreen:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    await settle(pilot)
    await pilot.press("escape", "b")
    await until(pilot, lambda: isinstance(pilot.app.screen, BrowseScreen))
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, BrowseScreen)
    return screen


async def test_search_narrows_the_list_as_you_type_and_escape_clears_it(
    store: Store, full_deck: Deck, clock: Clock
) -> None:
    session = Session(store, full_deck, now=clock)
    app = make_app(session)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_browse(pilot)
        assert len(listed(app)) == len(full_deck)  # grouped: every card once
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        counts = []
        for key in "jacobian":
            await pilot.press(key)
            await pilot.pause()
            counts.append(len(listed(app)))
        assert counts[0] > counts[-1] > 0  # each keystroke narrows the list
        for card_id in listed(app):
            card = full_deck.get(card_id)
            assert card is not None
            text = f"{card.title} {card.question} {card.body}".lower()
            text += " ".join(p.text for p in card.key_points).lower()
            assert "jacobian" in text
        assert f"{counts[-1]} of {len(full_deck)}" in screen_text(app)
        await pilot.press("escape")  # clears the box and goes to the list
        await pilot.pause()
        assert app.screen.query_one(Input).value == ""
        assert len(listed(app)) == len(full_deck)
        assert isinstance(app.focused, DataTable)
        table = app.screen.query_one(DataTable)
        start = table.cursor_row  # still on the card it was on in the search
        await pilot.press("j", "j")
        assert table.cursor_row == start + 2
        await pilot.press("k")
        assert table.cursor_row == start + 1
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, BrowseScreen))
    assert app.crash is None


async def test_keys_typed_in_the_same_burst_as_b_go_to_browse(
    store: Store, full_deck: Deck, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "b/resid" sent in one burst from the review screen: Browse opens and the search
    box holds "resid". Before, the keys behind b were handed on before Browse was up:
    / was lost, and the letters behind it ran Browse's keys (e opened the card editor).
    While the answer box has the keys, b is a letter of the answer; escape then b,
    in one burst, leaves the box and opens Browse."""

    from quiz.tui.screens.review import ReviewScreen

    edited: list[object] = []
    monkeypatch.setattr(BrowseScreen, "action_edit_card", lambda self: edited.append(self))
    app = make_app(Session(store, full_deck, now=clock))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        review = app.screen
        assert isinstance(review, ReviewScreen)
        answer = review.box
        burst(app, *"a b")  # typing an answer: b is a letter
        await until(pilot, lambda: answer.text == "a b")
        await pilot.pause()
        assert app.screen is review
        burst(app, "escape", "b", "slash", *"resid")
        await until(pilot, lambda: isinstance(app.screen, BrowseScreen))
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        box = screen.query_one(Input)
        await until(pilot, lambda: box.value == "resid")
        await pilot.pause()
        assert screen.focused is box and app.screen is screen
        assert answer.text == "a b" and not edited
        assert [type(s) for s in app.screen_stack].count(BrowseScreen) == 1
    assert app.crash is None


async def test_keys_typed_in_one_burst_go_where_the_key_before_sent_them(
    store: Store, full_deck: Deck, clock: Clock
) -> None:
    """A fast typist's "/resid", sent in one burst as a terminal sends it: every letter
    lands in the search box (e was the edit key, s the stats key while the focus
    still waited for the next cycle). ↓ then j moves in the list; escape then j too;
    j then enter opens the card j moved to."""

    app = make_app(Session(store, full_deck, now=clock))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_browse(pilot)
        box, table = screen.query_one(Input), screen.query_one(DataTable)
        burst(app, "slash", *"resid")
        await until(pilot, lambda: box.value == "resid")
        await pilot.pause()
        assert app.screen is screen and screen.focused is box
        burst(app, "down", "j")
        await until(pilot, lambda: table.cursor_row == 1)
        assert table.has_focus and box.value == "resid"
        burst(app, "slash", "escape", "j")
        await until(pilot, lambda: box.value == "" and table.cursor_row >= 1)
        await pilot.pause()
        assert table.has_focus and app.screen is screen
        # j then enter: enter opens the card j moved to, not the one before it.
        expected = listed(app)[table.cursor_row + 1]
        burst(app, "j", "enter")
        await until(pilot, lambda: isinstance(app.screen, CardScreen))
        card_screen = app.screen
        assert isinstance(card_screen, CardScreen) and card_screen.card.id == expected
    assert app.crash is None


async def test_enter_or_d_twice_opens_one_screen_and_the_palette_stays_on_top(
    store: Store, full_deck: Deck, clock: Clock
) -> None:
    """Found by the palette's seeded bursts: enter enter opened the card twice, and a
    ctrl+p between an enter and its card put the palette under the card; the next
    ctrl+p opened a second palette, which ended the app (same id). d d opened two
    demo screens the same way."""
    from textual.command import CommandPalette

    app = make_app(Session(store, full_deck, now=clock))
    async with app.run_test(size=(100, 30)) as pilot:
        await open_browse(pilot)
        burst(app, "enter", "enter")
        await until(pilot, lambda: isinstance(app.screen, CardScreen))
        await settle(pilot)
        assert [type(s) for s in app.screen_stack].count(CardScreen) == 1
        burst(app, "d", "d")  # the card's demo, twice: one demo screen
        await until(pilot, lambda: isinstance(app.screen, DemoScreen))
        await settle(pilot)
        assert [type(s) for s in app.screen_stack].count(DemoScreen) == 1
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, CardScreen))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, BrowseScreen))
        burst(app, "d", "d")  # from the list too
        await until(pilot, lambda: isinstance(app.screen, DemoScreen))
        await settle(pilot)
        assert [type(s) for s in app.screen_stack].count(DemoScreen) == 1
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, BrowseScreen))
        # ctrl+p is read ahead of the enter before it (a priority binding of the
        # app's): whatever the enter then does, there is never a second palette.
        burst(app, "enter", "ctrl+p", "ctrl+p")
        await settle(pilot)
        stack = app.screen_stack
        assert sum(isinstance(s, CommandPalette) for s in stack) <= 1
        assert sum(isinstance(s, CardScreen) for s in stack) <= 1
        assert app.is_running
    assert app.crash is None


async def test_typing_on_lists_what_a_fresh_search_lists(
    store: Store, full_deck: Deck, clock: Clock
) -> None:
    """A search typed on goes over only what the last one kept: with the title sort
    reversed, each keystroke (letters, a second word, backspaces) lists exactly the
    cards, in the order, that the whole search run afresh lists, and the table's rows
    are the first of them."""
    from quiz.browsing import select

    app = make_app(Session(store, full_deck, now=clock))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_browse(pilot)
        table = screen.query_one(DataTable)
        await pilot.press("o")  # by title
        screen.post_message(DataTable.HeaderSelected(table, ColumnKey("x"), 1, Text("Card")))
        await pilot.pause()
        assert screen.descending
        await pilot.press("slash")
        keys = ["e", "r", "space", "g", "r", "a", "backspace", "backspace", "backspace"]
        keys += ["backspace", "backspace", "t", "space", "l", "o", "s", "s"]
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
            query = screen.query_one(Input).value
            fresh = select(
                screen.rows, screen.session.today, query=query, sort="title", descending=True
            )
            ids = [row.card.id for row in fresh]
            assert listed(app) == ids, query
            assert [str(k.value) for k in table.rows] == ids[: table.row_count], query
            assert f"{len(ids)} of {len(full_deck)}" in screen_text(app), query
    assert app.crash is None


async def test_the_collector_is_off_only_while_a_search_is_typed(
    store: Store, full_deck: Deck, clock: Clock
) -> None:
    """No garbage collection in a keystroke's frame: the collector is off while a
    search is typed, on again once the typing stops, and when Browse is left."""
    import gc

    from quiz.tui.screens import browse

    app = make_app(Session(store, full_deck, now=clock))
    async with app.run_test(size=(100, 30)) as pilot:
        await open_browse(pilot)
        assert gc.isenabled()
        await pilot.press("slash", "s", "o")
        assert not gc.isenabled()
        await pilot.pause(browse.TYPING_PAUSE + 0.3)
        assert gc.isenabled()  # the typing stopped
        await pilot.press("f")
        assert not gc.isenabled()
        await pilot.press("escape", "escape")  # clears the box, leaves Browse
        await until(pilot, lambda: not isinstance(app.screen, BrowseScreen))
        assert gc.isenabled()
    assert app.crash is None
    assert gc.isenabled()


async def test_sort_by_title_and_reverse_by_clicking_the_header(
    store: Store, full_deck: Deck, clock: Clock
) -> None:
    app = make_app(Session(store, full_deck, now=clock))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_browse(pilot)
        await pilot.press("o")  # the first sort: by title
        await pilot.pause()
        assert "by title" in screen_text(app)
        shown = [full_deck.get(i).title.casefold() for i in listed(app)]  # type: ignore[union-attr]
        assert shown == sorted(c.title.casefold() for c in full_deck)
        assert titles(app)[0].split(": ", 1)[-1].casefold().startswith(shown[0][:20])
        table = screen.query_one(DataTable)
        screen.post_message(DataTable.HeaderSelected(table, ColumnKey("x"), 1, Text("Card")))
        await pilot.pause()
        assert [full_deck.get(i).title.casefold() for i in listed(app)] == shown[::-1]  # type: ignore[union-attr]
        screen.post_message(DataTable.HeaderSelected(table, ColumnKey("x"), 3, Text("Next review")))
        await pilot.pause()
        assert "by next review" in screen_text(app)
        await pilot.press("x")  # clears: grouped by topic again
        await pilot.pause()
        assert "by topic" in screen_text(app)
    assert app.crash is None


async def test_rows_come_a_page_at_a_time_as_the_cursor_goes_down(
    store: Store, full_deck: Deck, clock: Clock
) -> None:
    app = make_app(Session(store, full_deck, now=clock))
    async with app.run_test(size=(100, 30)) as pilot:
        await open_browse(pilot)
        table = app.screen.query_one(DataTable)
        first = table.row_count
        assert first < len(full_deck) == len(listed(app))
        for _ in range(first):
            await pilot.press("j")
        await pilot.pause()
        assert table.row_count > first
        assert table.cursor_row == first
    assert app.crash is None


async def test_suspend_in_browse_filters_unsuspends_and_undoes(
    store: Store, full_deck: Deck, clock: Clock
) -> None:
    session = Session(store, full_deck, now=clock)
    app = make_app(session)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_browse(pilot)
        await pilot.press("j")
        chosen = listed(app)[1]
        await pilot.press("exclamation_mark")
        await pilot.pause()
        assert session.marks()[chosen].suspended
        assert chosen not in [item.card.id for item in session.queue()]
        await pilot.press("f", "f", "f", "f")  # new, learning, due, suspended
        await pilot.pause()
        assert "state: suspended" in screen_text(app)
        assert listed(app) == [chosen]
        assert "suspended" in screen_text(app)
        await pilot.press("exclamation_mark")  # ! again unsuspends
        await pilot.pause()
        assert not session.marks()[chosen].suspended and listed(app) == []
        await pilot.press("u")  # takes the unsuspend back: suspended again
        await pilot.pause()
        assert session.marks()[chosen].suspended and listed(app) == [chosen]
        await pilot.press("minus")  # bury too, then u takes the bury back
        await pilot.pause()
        assert session.marks()[chosen].buried == session.today
        await pilot.press("u")
        await pilot.pause()
        assert session.marks()[chosen].buried is None
    assert app.crash is None


async def test_the_tag_and_topic_filters_keep_only_their_cards(
    store: Store, full_deck: Deck, clock: Clock
) -> None:
    session = Session(store, full_deck, now=clock)
    tags = session.all_tags()
    tag = max(tags, key=lambda t: tags[t])
    app = make_app(session)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_browse(pilot)
        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, PickScreen))
        options = app.screen.query_one(OptionList)
        options.highlighted = 1 + list(tags).index(tag)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, BrowseScreen))
        await pilot.pause()
        shown = listed(app)
        assert len(shown) == tags[tag]
        assert all(tag in full_deck.get(i).tags for i in shown)  # type: ignore[union-attr]
        await pilot.press("g")
        await until(pilot, lambda: isinstance(app.screen, PickScreen))
        await pilot.press("j", "enter")  # the first topic
        await until(pilot, lambda: isinstance(app.screen, BrowseScreen))
        await pilot.pause()
        topic = full_deck.topics[0].id
        assert all(full_deck.get(i).topic_id == topic for i in listed(app))  # type: ignore[union-attr]
    assert app.crash is None


async def test_the_card_view_scrolls(session: Session) -> None:
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_browse(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CardScreen))
        await settle(pilot)
        pane = app.screen.query_one("#card")
        await until(pilot, lambda: pane.max_scroll_y > 0)
        await pilot.press("j", "j", "j")
        await pilot.pause()
        assert pane.scroll_y > 0
        await pilot.press("end")
        await pilot.pause()
        assert pane.scroll_y == pane.max_scroll_y
    assert app.crash is None


async def test_review_screen_suspends_and_buries_and_u_brings_the_card_back(
    session: Session,
) -> None:
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        first = screen.card
        assert first is not None
        await pilot.press("escape", "exclamation_mark")
        await until(pilot, lambda: getattr(app.screen, "card", None) is not first)
        await settle(pilot)
        assert "Suspended" in text_of(app, "#hint")
        assert session.marks()[first.id].suspended
        await pilot.press("escape", "u")
        await until(pilot, lambda: getattr(app.screen, "card", None) is first)
        assert first.id not in session.marks() or not session.marks()[first.id].suspended
        await pilot.press("escape", "minus")
        await until(pilot, lambda: getattr(app.screen, "card", None) is not first)
        assert session.marks()[first.id].buried == session.today
    assert app.crash is None


async def test_a_leech_is_said_and_suspended(store: Store, deck: Deck, clock: Clock) -> None:
    session = Session(store, deck, now=clock, leech_lapses=1, new_per_day=1)
    first = session.current()
    assert first is not None
    session.grade(first, 5)  # learnt
    clock.advance(days=1)
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen) and app.screen.card is first.card
        await pilot.press("escape", "space")
        await pilot.pause()
        await pilot.press("1")
        await until(pilot, lambda: getattr(app.screen, "card", None) is not first.card)
        await pilot.pause()
        assert "leech" in screen_text(app)
        mark = session.marks()[first.card.id]
        assert mark.leech and mark.suspended
    assert app.crash is None


async def test_the_palette_reviews_one_tag(store: Store, full_deck: Deck, clock: Clock) -> None:
    session = Session(store, full_deck, now=clock, new_per_day=100)
    tags = session.all_tags()
    tag = max(tags, key=lambda t: tags[t])
    app = make_app(session)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("escape")
        await run_command(pilot, "review one tag")
        await until(pilot, lambda: isinstance(app.screen, PickScreen))
        app.screen.query_one(OptionList).highlighted = 1 + list(tags).index(tag)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await settle(pilot)
        assert session.tag == tag
        shown = app.screen
        assert isinstance(shown, ReviewScreen)
        card = shown.card
        assert card is not None and tag in card.tags
        assert f"tag {tag}" in screen_text(app)
    assert app.crash is None


OWN_CARD = """+++
id = "my-own-card"
topic = "softmax-relu"
title = "My own card about softmax"
question = "What does my own card ask?"
tags = ["mine"]

[[key_points]]
text = "It asks what I wrote"
phrases = ["what i wrote"]
+++
## Answer

What I wrote.
"""


async def test_n_writes_a_new_card_in_the_editor_and_browse_lists_it(
    store: Store, tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from conftest import CONTENT

    from quiz import usercards
    from quiz.deck import load_deck
    from quiz.userdeck import with_user_cards

    deck = with_user_cards(load_deck(CONTENT), tmp_path / "cards")
    monkeypatch.setattr(usercards, "run_editor", lambda path: path.write_text(OWN_CARD))
    session = Session(store, deck, now=clock)
    app = make_app(session)
    monkeypatch.setattr(app, "suspend", contextlib.nullcontext)  # no terminal to hand over
    async with app.run_test(size=(100, 30)) as pilot:
        await open_browse(pilot)
        before = len(listed(app))
        await pilot.press("n")
        await until(pilot, lambda: len(listed(app)) == before + 1)
        assert "my-own-card" in listed(app) and session.deck.get("my-own-card") is not None
        assert (tmp_path / "cards").is_dir()
    assert app.crash is None


async def test_a_hold_on_the_keys_ends_with_its_screen_not_with_an_earlier_hold_s_limit(
    session: Session,
) -> None:
    """Keys held for Browse go as soon as it is ready; the two-second limit of that
    hold is stopped then, so it cannot cut a later hold short (b, escape, b within two
    seconds: the second Browse would get the keys before its search box)."""
    from quiz.tui import messages

    app = make_app(session)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.hold_keys()
        first = app._hold_limit
        assert app._held_keys == [] and first is not None
        await pilot.press("x")  # held: no screen gets it
        held = app._held_keys
        assert held is not None and [getattr(k, "key", None) for k in held] == ["x"]
        app.post_message(messages.ScreenReady())
        await until(pilot, lambda: app._held_keys is None)
        assert app._hold_limit is None and first._task is None  # stopped
        app.hold_keys()
        assert app._hold_limit is not first and app._held_keys == []
        app.post_message(messages.ScreenReady())
        await until(pilot, lambda: app._held_keys is None)
    assert app.crash is None


@pytest.mark.parametrize("move", ["j", "down"])
async def test_a_move_typed_just_before_slash_moves_the_list_and_the_rest_is_searched(
    store: Store, full_deck: Deck, clock: Clock, move: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """/ runs as it is read; j and ↓ ran once handed down to the list and back up,
    by which time / had given the keys to the search box: the move was lost there."""
    selected_at_slash: list[str | None] = []
    real_search = BrowseScreen.action_search

    def search(screen: BrowseScreen) -> None:
        selected_at_slash.append(screen.selected())
        real_search(screen)

    monkeypatch.setattr(BrowseScreen, "action_search", search)
    app = make_app(Session(store, full_deck, now=clock))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_browse(pilot)
        table = screen.query_one(DataTable)
        box = screen.query_one(Input)
        start = table.cursor_row
        table.move_cursor(row=start + 2)
        two_down = screen.selected()
        table.move_cursor(row=start)
        await pilot.pause()
        assert two_down is not None and screen.selected() != two_down
        burst(app, move, move, "slash", *"res")
        await until(pilot, lambda: box.value == "res")
        assert selected_at_slash == [two_down]
        assert app.focused is box
        # In the box, j is a letter.
        burst(app, "j")
        await until(pilot, lambda: box.value == "resj")
