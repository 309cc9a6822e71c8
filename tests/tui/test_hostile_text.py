"""Hostile text through every screen: a deck whose titles, questions, key points,
keywords, references and answers are markup (``[b]``, ``[/x``, ``[$5]``,
``[@click=app.quit]``), escapes, control characters, escape sequences, very long
words, emoji, wide and right-to-left text; answers typed (pasted) into the review box;
values typed into the interview date, the export file name and the demo's fields.

No screen may crash, and the text must be on screen as written: never read as markup
(``price [$5]`` shows as ``price [$5]``, not ``price ``), with every character that a
terminal would act on shown as an escape (``\\x1b``) instead of reaching the terminal.

Seeded (``QUIZ_FUZZ_SEED`` picks another seed) and bounded: about half a minute.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import Clock
from hostile import FIXED, hostile_deck, hostile_text
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.text import Text
from textual import events
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Markdown, OptionList, Static

from quiz.deck import Deck, load_deck
from quiz.session import Session
from quiz.store import Store
from quiz.text import printable
from quiz.tui.app import QuizApp
from quiz.tui.screens.browse import BrowseScreen
from quiz.tui.screens.browse import _clipped as browse_clipped
from quiz.tui.screens.card import CardScreen
from quiz.tui.screens.demo import DemoScreen
from quiz.tui.screens.export import ExportScreen
from quiz.tui.screens.history import HistoryScreen
from quiz.tui.screens.progress import InterviewDateScreen, ProgressScreen
from quiz.tui.screens.review import ReviewScreen
from quiz.tui.screens.summary import SummaryScreen
from quiz.tui.text import literal, literal_cell
from quiz.tui.widgets.keypoints import KeyPoints
from quiz.tui.widgets.param_form import ParamForm

from .helpers import history_text, make_app, screen_text, settle, text_of, until

SEED = int(os.environ.get("QUIZ_FUZZ_SEED", "13"))
RANDOM_CARDS = 8
PRICE = FIXED[0].title  # "price [$5] of f2(f1(x)) [/x": the bug report's strings


def shown(text: str) -> str:
    """How a screen must show ``text`` (a card field, a typed answer): as written,
    with what a terminal would act on escaped."""
    return printable(text, newlines=True)


@pytest.fixture
def hostile(tmp_path: Path, clock: Clock) -> Iterator[Session]:
    folder = tmp_path / "content"
    hostile_deck(folder, SEED, RANDOM_CARDS)
    deck = load_deck(folder)
    with Store.open(tmp_path / "hostile.db") as store:
        yield Session(store, deck, now=clock, new_per_day=len(deck))


def assert_literal_card(app: QuizApp, deck: Deck, card_id: str) -> None:
    """The card on screen shows its title, question and key points as written."""
    card = deck.get(card_id)
    assert card is not None
    assert text_of(app, "#mode").endswith(" · " + shown(card.title))
    assert text_of(app, "#question") == shown(card.question)
    points = app.screen.query_one(KeyPoints).text
    for point in card.key_points:
        assert shown(point.text) in points


def assert_clean_terminal(app: QuizApp) -> None:
    """Nothing on screen is a character the terminal would act on."""
    text = screen_text(app)
    assert printable(text, newlines=True) == text, "a control character reached the screen"


async def test_every_card_is_shown_as_written_and_typed_answers_too(
    hostile: Session, clock: Clock
) -> None:
    rng = random.Random(SEED)
    app = make_app(hostile)
    answers: dict[str, str] = {}
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for _ in range(3 * len(hostile.deck)):
            screen = app.screen
            if isinstance(screen, SummaryScreen):
                break
            assert isinstance(screen, ReviewScreen) and screen.card is not None
            card = screen.card
            assert text_of(app, "#question") == shown(card.question)
            if card.id == "price":
                assert PRICE in screen_text(app)  # the bug report's words, verbatim
            answer = "f2(f1(x)) [/x" if card.id == "price" else hostile_text(rng, 6)
            app.post_message(events.Paste(answer))
            await pilot.pause()
            assert_clean_terminal(app)  # the answer box, as it is being typed
            await pilot.press("enter")  # checks the answer: reveal

            def revealed(s: ReviewScreen = screen) -> bool:
                return s.revealed

            await until(pilot, revealed)
            assert_literal_card(app, hostile.deck, card.id)
            typed = text_of(app, "#typed")
            assert typed == "Your answer\n" + shown(screen.answer.strip())
            assert_clean_terminal(app)
            answers[card.id] = screen.answer
            grade = rng.choice([1, 4, 5, 5])
            await pilot.press(str(grade))
            await pilot.pause()
            clock.advance(minutes=2)  # a failed card comes back: the summary waits on none
        else:
            raise AssertionError("the session never ended")
        assert isinstance(app.screen, SummaryScreen)
        assert_clean_terminal(app)
    assert app.crash is None
    # Every answer as it was typed, in the log.
    for card_id, answer in answers.items():
        assert answer in [r.answer for r in hostile.store.reviews_of(card_id)]


async def test_a_card_waiting_to_come_back_is_named_as_written(hostile: Session) -> None:
    hostile.new_per_day = 1  # only the first card: PRICE
    app = make_app(hostile)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("escape", "space", "1")
        await until(pilot, lambda: isinstance(app.screen, SummaryScreen))
        await pilot.pause()
        assert f"“{PRICE}” comes back in" in text_of(app, "#summary-title")
        assert f"“{PRICE}” comes back in" in screen_text(app)


def table_titles(app: QuizApp, selector: str, column: int) -> list[str]:
    table = app.screen.query_one(selector, DataTable)
    titles = []
    for row in range(table.row_count):
        cell = table.get_row_at(row)[column]
        titles.append(cell.plain if isinstance(cell, Text) else str(cell))
    return titles


async def test_browse_and_every_card_screen_show_the_cards_as_written(
    hostile: Session,
) -> None:
    deck = hostile.deck
    app = make_app(hostile)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("escape", "b")
        await until(pilot, lambda: isinstance(app.screen, BrowseScreen))
        await pilot.pause()
        # Each topic's title as written, with its count of cards seen (clipped to the
        # column, as wide as the terminal leaves it, with "…").
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        assert table_titles(app, "#topics", 1) == [
            browse_clipped(f"{printable(c.title)} · 0/1 seen", screen.title_cells) for c in deck
        ]
        assert PRICE in screen_text(app)
        assert_clean_terminal(app)
        for index, card in enumerate(deck):
            app.screen.query_one("#topics", DataTable).move_cursor(row=index)
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, CardScreen))
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, CardScreen) and screen.card is card
            assert_literal_card(app, deck, card.id)
            assert_clean_terminal(app)
            if card.id == "price":
                # The references, at the end of the answer, are plain text too.
                markdown = screen.query_one("#model-answer", Markdown)

                def rendered(m: Markdown = markdown) -> bool:
                    return bool(m.children)

                await until(pilot, rendered)
                await pilot.press("end")
                await pilot.pause()
                text = screen_text(app)
                for reference in card.references:
                    assert reference in text
            await pilot.press("escape")
            await until(pilot, lambda: isinstance(app.screen, BrowseScreen))
    assert app.crash is None


async def test_progress_and_every_topic_history_show_titles_and_answers_as_written(
    hostile: Session,
) -> None:
    rng = random.Random(SEED + 1)
    deck = hostile.deck
    answers = {card.id: hostile_text(rng, 6) for card in deck}
    answers["price"] = "f2(f1(x)) [/x"
    for ts, (card_id, answer) in enumerate(answers.items()):
        hostile.store.record(card_id, 4, "review", day=hostile.today, ts_ms=ts, answer=answer)
    app = make_app(hostile)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("escape", "s")
        await until(pilot, lambda: isinstance(app.screen, ProgressScreen))
        app.screen.query_one("#progress-tabs").active = "topics"  # type: ignore[attr-defined]
        await pilot.pause()
        titles = table_titles(app, "#mastery", 1)
        for card, title in zip(deck, titles, strict=True):
            full = printable(card.title)
            assert title == (full if len(full) <= 20 else full[:19] + "…")
        assert "price [$5] of f2(f1…" in screen_text(app)  # cut at 20 characters
        for index, card in enumerate(deck):
            table = app.screen.query_one("#mastery", DataTable)
            table.focus()
            table.move_cursor(row=index)
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, HistoryScreen))
            # The history reads its page and its count in a thread: wait for both.
            await until(
                pilot, lambda: " · 1 grade" in history_text(app) and "“" in history_text(app)
            )
            history = history_text(app)
            assert history.startswith(shown(card.title) + " · 1 grade")
            assert f"“{shown(answers[card.id].strip())}”" in history
            assert_clean_terminal(app)
            await pilot.press("escape")
            await until(pilot, lambda: isinstance(app.screen, ProgressScreen))
    assert app.crash is None


def toasts(app: QuizApp) -> list[str]:
    return [str(note.message) for note in app._notifications]


async def type_into(pilot: Pilot[Any], field: Input, text: str) -> None:
    field.value = ""
    field.insert_text_at_cursor(text)
    await pilot.pause()


async def test_typed_dates_file_names_and_parameters_are_shown_as_typed(
    hostile: Session, tmp_path: Path
) -> None:
    rng = random.Random(SEED + 2)
    values = ["f2(f1(x)) [/x", "price [$5]", "[@click=app.quit]", "\x1b[2J", "\\"]
    values += [hostile_text(rng, 3) for _ in range(6)]
    app = make_app(hostile)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        # The interview date: a refused value is named in the error, as typed.
        await pilot.press("escape", "s", "i")
        await until(pilot, lambda: isinstance(app.screen, InterviewDateScreen))
        field = app.screen.query_one("#interview-input", Input)
        for value in values:
            await type_into(pilot, field, value)
            await pilot.press("enter")
            await pilot.pause()
            error = text_of(app, "#interview-error")
            assert error.startswith("✗ interview-date must be a date like 2026-12-01, not ")
            assert printable(repr(field.value.strip())) in error
            assert_clean_terminal(app)
        await pilot.press("escape", "escape")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))

        # The export's file name: written where it can be, refused where not, and
        # named as typed either way.
        names = ["price [$5].csv", "f2(f1(x)) [x.json", "[@click=app.quit].csv", "a\x1bb.csv"]
        names += [hostile_text(rng, 2) + ".csv" for _ in range(4)]
        for name in names:
            app.action_export()
            await until(pilot, lambda: bool(app.screen.query("#export-path")))
            field = app.screen.query_one("#export-path", Input)
            await type_into(pilot, field, str(tmp_path / name))
            await pilot.press("enter")
            await pilot.pause()
            if isinstance(app.screen, ExportScreen):
                error = text_of(app, "#export-error")
                assert error.startswith("✗ "), error
                await pilot.press("escape")
            else:
                path = Path(field.value.strip()).expanduser()
                assert path.exists()
                assert toasts(app)[-1] == printable(f"Wrote 0 reviews to {path}")
            await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
            assert_clean_terminal(app)
        assert (tmp_path / "price [$5].csv").exists()

        # The demo's parameters: a refused value is named in the error, as typed.
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, DemoScreen))
        await pilot.pause()
        form = app.screen.query_one(ParamForm)
        field = form.query(Input).first()
        for value in values:
            await type_into(pilot, field, value)
            errors = form.errors()
            if errors:
                expected = "\n".join(f"✗ {e}" for e in errors)
                assert str(form.query_one("#form-error", Static).render()) == printable(
                    expected, newlines=True
                )
            assert_clean_terminal(app)
        await pilot.press("escape", "escape")
    assert app.crash is None


async def test_the_palette_offers_a_hostile_cards_demo_without_reading_its_markup(
    hostile: Session,
) -> None:
    app = make_app(hostile)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.card is not None
        assert screen.card.id == "price"
        await pilot.press("ctrl+p")
        await until(pilot, lambda: type(app.screen).__name__ == "QuizPalette")
        await pilot.press(*"demo")

        def listed() -> bool:
            options = app.screen.query_one(OptionList)
            return any(
                "demo" in str(options.get_option_at_index(i).prompt).lower()
                for i in range(options.option_count)
            )

        await until(pilot, listed)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DemoScreen))
    assert app.crash is None


async def test_undoing_a_hostile_cards_grade_names_it_as_written(hostile: Session) -> None:
    app = make_app(hostile)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("escape", "space", "5")
        await pilot.pause()
        await pilot.press("escape", "u")
        await until(pilot, lambda: "Undid" in text_of(app, "#hint"))
        assert text_of(app, "#hint").startswith(f"↶ Undid grade 5 for “{PRICE}”")
    assert app.crash is None


@settings(max_examples=3000, deadline=None, derandomize=True)
@given(st.text())
def test_any_text_at_all_is_shown_exactly_as_printable_says(text: str) -> None:
    # The helpers every screen uses: no string is read as markup, none loses a
    # character, and none keeps one that a terminal would act on.
    shown_text = printable(text, newlines=True)
    assert str(Static(literal(text)).render()) == shown_text
    assert literal_cell(text).plain == printable(text)
    assert printable(shown_text, newlines=True) == shown_text
