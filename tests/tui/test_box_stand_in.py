"""The answer box's stand-in (shown in the first frame, while the real box loads) is
drawn cell for cell as the focused, empty box is: a person sees no change when the
real box takes its place."""

from __future__ import annotations

from typing import Any

import pytest
from rich.style import Style
from textual import events
from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.pilot import Pilot
from textual.widget import Widget

from quiz.session import Session
from quiz.tui import app as app_module
from quiz.tui.screens import review
from quiz.tui.screens.review import ReviewScreen
from quiz.tui.widgets.answer_box import AnswerBox
from quiz.tui.widgets.box_stand_in import AnswerBoxStandIn

from .helpers import burst, make_app, screen_text, settle, until

PLACEHOLDERS = [
    "Type your answer here; enter checks it (optional)",
    "Type the letter of your prediction (a, b…); enter runs the demo",
    "A placeholder much longer than the box is wide, so that it has to be wrapped onto "
    "more lines than the box shows at its smallest",
]


class OneBox(App[None]):
    def __init__(self, box: Widget, theme: str) -> None:
        super().__init__()
        self.box = box
        self.theme = theme

    def compose(self) -> ComposeResult:
        with Vertical():
            yield self.box


def cells(app: App[Any]) -> list[list[tuple[str, Style | None]]]:
    """Every cell of the screen: its character and its style (as drawn: without the
    offsets Textual attaches for the mouse)."""
    rows = []
    for strip in app.screen._compositor.render_strips():
        row: list[tuple[str, Style | None]] = []
        for segment in strip:
            style = segment.style.clear_meta_and_links() if segment.style else None
            row.extend((char, style) for char in segment.text)
        rows.append(row)
    return rows


async def drawn(box: Widget, theme: str, width: int) -> list[list[tuple[str, Style | None]]]:
    app = OneBox(box, theme)
    async with app.run_test(size=(width, 8)) as pilot:
        box.focus()
        if isinstance(box, AnswerBox):
            box.cursor_blink = False  # the cursor shown, as in the first frame
        await pilot.pause()
        await pilot.pause()
        assert app.focused is box
        return cells(app)


@pytest.mark.parametrize("placeholder", PLACEHOLDERS)
@pytest.mark.parametrize("width", [40, 80])
async def test_the_stand_in_is_drawn_as_the_empty_focused_box(placeholder: str, width: int) -> None:
    real = await drawn(AnswerBox(placeholder=placeholder), "textual-dark", width)
    stand_in = await drawn(AnswerBoxStandIn(placeholder), "textual-dark", width)
    assert "".join(char for char, _ in real[1]).strip("▊▎ ").startswith(placeholder[:10])
    assert stand_in == real


@pytest.mark.parametrize("theme", sorted(App().available_themes))
async def test_the_stand_in_looks_the_same_in_every_theme(theme: str) -> None:
    real = await drawn(AnswerBox(placeholder=PLACEHOLDERS[0]), theme, 80)
    stand_in = await drawn(AnswerBoxStandIn(PLACEHOLDERS[0]), theme, 80)
    assert stand_in == real


# -- the run's first review screen: the stand-in, then the box -----------------------


class Gate:
    """Keeps the run's first review screen on its stand-in until :meth:`open` (the
    box is put in after the first frame; here, when the test says)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.screens: list[ReviewScreen] = []
        monkeypatch.setattr(review, "answer_box_loaded", lambda: False)
        self.real = ReviewScreen._mount_rest

        async def gated(screen: ReviewScreen) -> None:
            self.screens.append(screen)

        monkeypatch.setattr(ReviewScreen, "_mount_rest", gated)

    def open(self) -> None:
        assert self.screens, "no review screen waits for its box"
        for screen in self.screens:
            screen.call_later(self.real, screen)


async def on_stand_in(pilot: Pilot[Any]) -> AnswerBoxStandIn:
    app = pilot.app
    await until(pilot, lambda: bool(app.screen.query(AnswerBoxStandIn)))
    stand_in = app.screen.query_one(AnswerBoxStandIn)
    assert app.focused is stand_in
    return stand_in


async def test_keys_typed_before_the_box_is_in_go_into_it_in_order(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = Gate(monkeypatch)
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await on_stand_in(pilot)
        assert "What is deep learning?" in screen_text(app)
        # Letters that are commands outside the box (b Browse, q quit, space reveal).
        burst(app, *"relu", "space", "b", "q", "s")
        assert app._driver is not None
        app._driver.send_message(events.Paste(" and a paste"))
        burst(app, "!")
        await pilot.pause()
        assert app.screen.query(AnswerBoxStandIn)  # still the stand-in: keys wait
        gate.open()
        await until(pilot, lambda: bool(app.screen.query(AnswerBox)))
        box = app.screen.query_one(AnswerBox)
        await until(pilot, lambda: box.text == "relu bqs and a paste!")
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and not screen.revealed
        assert app.focused is box
        assert not app.screen.query(AnswerBoxStandIn)
        burst(app, "enter")  # the box's own keys work as ever: enter checks
        await until(pilot, lambda: screen.revealed)
        assert "relu bqs and a paste!" in screen_text(app)


async def test_the_box_takes_the_stand_ins_place_without_a_cell_changing(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = Gate(monkeypatch)
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        stand_in = await on_stand_in(pilot)
        await pilot.pause()
        region = stand_in.region
        before = cells(app)[region.y : region.bottom]
        gate.open()
        await until(pilot, lambda: bool(app.screen.query(AnswerBox)))
        box = app.screen.query_one(AnswerBox)
        box.cursor_blink = False  # the cursor shown, as in the box's first frame
        await settle(pilot)
        assert box.region == region
        assert cells(app)[region.y : region.bottom] == before
        assert "Type your answer here" in screen_text(app)


async def test_keys_the_hold_let_go_of_too_soon_still_go_into_the_box(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A first frame slower than the app holds keys for (a loaded machine): the keys
    # reach the stand-in, which keeps them for the box.
    monkeypatch.setattr(app_module, "HOLD_KEYS_AT_MOST", 0.01)
    gate = Gate(monkeypatch)
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await on_stand_in(pilot)
        await until(pilot, lambda: app._held_keys is None)  # the hold is over
        burst(app, *"gelu", "space", "b")
        assert app._driver is not None
        app._driver.send_message(events.Paste(" pasted"))
        burst(app, "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and not screen.revealed
        gate.open()
        await until(pilot, lambda: screen.revealed)
        assert screen.answer == "gelu b pasted"


async def test_asking_for_the_box_early_puts_it_in_at_once(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = Gate(monkeypatch)
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await on_stand_in(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        box = screen.box  # e.g. the card's file changed before the first frame was out
        assert isinstance(box, AnswerBox) and str(box.placeholder).startswith("Type your answer")
        assert app.focused is box
        await until(pilot, lambda: not screen.query(AnswerBoxStandIn))
        burst(app, *"tanh")
        await until(pilot, lambda: box.text == "tanh")
        gate.open()  # the rest of the screen comes in; the box stays
        await settle(pilot)
        assert screen.query_one(AnswerBox) is box and box.text == "tanh"
