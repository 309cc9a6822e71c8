"""Browse's CardTable takes, draws and measures rows exactly as a DataTable does,
only sooner and with less work: the same rows, the same lines (text, colours and the
row/column labels a click reads) in every state a row can be in, the same column
widths, and Browse's first frame already the final one."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import Clock
from rich.style import Style
from rich.text import Text
from textual.app import App, ComposeResult
from textual.coordinate import Coordinate
from textual.geometry import Region
from textual.widgets import DataTable
from textual.widgets.data_table import DuplicateKey

from quiz.deck import Deck
from quiz.session import Session
from quiz.store import Store
from quiz.tui.screens.browse import BrowseScreen, CardTable
from quiz.tui.text import Cell

from .helpers import make_app, settle, until

ROWS: list[tuple[object, ...]] = [
    (Cell("1"), Cell("What is deep learning?"), Cell("new"), Cell("—")),
    (Cell(""), Cell("explain: Why does the gradient vanish in deep sigmoid nets?"), Cell("due")),
    ("3", Text("Topic row · 1/7 seen", style="bold"), "learning", "tomorrow"),
    (Cell("4"), Cell("日本語のカード"), Cell("suspended"), Cell("in 3 days")),
    (Cell("5"), Cell("bold", style="bold"), Cell("a\tb"), Cell("—")),
    (Cell("6"), Cell("x" * 70), Cell("leech"), Cell("in 12 days")),
]


class Both(App[None]):
    """A CardTable and a DataTable, the same size, given the same rows."""

    CSS = "DataTable { height: 9; width: 60; }"
    AUTO_FOCUS = ""  # each table is looked at focused and not (looks)

    def compose(self) -> ComposeResult:
        yield CardTable(id="fast", cursor_type="row", zebra_stripes=True)
        yield DataTable(id="plain", cursor_type="row", zebra_stripes=True)

    def fill(self, narrow_title: bool) -> None:
        """The rows, given to the DataTable one by one, to the CardTable at once."""
        for table in self.query(DataTable):
            table.clear(columns=True)
            table.add_column("#")
            table.add_column("Card", width=20 if narrow_title else None)
            table.add_columns("State", "Next review")
        for n, row in enumerate(ROWS):
            self.query_one("#plain", DataTable).add_row(*row, key=str(n))
        fast = self.query_one(CardTable)
        fast.add_keyed_rows([(str(n), row) for n, row in enumerate(ROWS[:2])])
        fast.add_keyed_rows([(str(n), row) for n, row in enumerate(ROWS) if n >= 2])
        fast.measure_now()


Look = list[list[tuple[str, Style | None]]]


async def looks(pilot: Any, tables: tuple[DataTable[Any], ...]) -> list[Look]:
    """How each table looks unfocused and focused."""
    seen = []
    for table in tables:
        for focused in (None, table):
            pilot.app.set_focus(focused)
            await pilot.pause()
            seen.append(drawn(table))
    return seen


STATES = (
    "as filled",
    "cursor on row 3",
    "cursor on the last row",
    "hovered",
    "mouse hover shown",
    "cursor hidden",
)


def change(table: DataTable[Any], state: str) -> None:
    """Puts ``table`` in ``state`` (each on top of the ones before)."""
    if state == "cursor on row 3":
        table.move_cursor(row=3)
    elif state == "cursor on the last row":
        table.move_cursor(row=len(ROWS) - 1)
    elif state == "hovered":
        table.hover_coordinate = Coordinate(1, 1)
    elif state == "mouse hover shown":  # as the mouse moving over the table sets it
        table._show_hover_cursor = True
        table.refresh()
    elif state == "cursor hidden":
        table.show_cursor = False


def drawn(table: DataTable[Any]) -> Look:
    """Every character on the table's screen with its style (colours and meta)."""
    lines = table.render_lines(Region(0, 0, table.size.width, table.size.height))
    return [[(char, segment.style) for segment in line for char in segment.text] for line in lines]


async def test_a_card_table_draws_and_measures_as_a_data_table() -> None:
    app = Both()
    async with app.run_test(size=(70, 24)) as pilot:
        fast, plain = app.query_one(CardTable), app.query_one("#plain", DataTable)
        for narrow_title in (False, True):  # True: a title wider than its column
            app.fill(narrow_title)
            await until(pilot, lambda: not plain._require_update_dimensions)
            await pilot.pause()
            assert [c.content_width for c in fast.ordered_columns] == [
                c.content_width for c in plain.ordered_columns
            ]
            assert fast.virtual_size == plain.virtual_size
            assert fast.rows == plain.rows
            assert [list(r.values()) for r in fast._data.values()] == [
                list(r.values()) for r in plain._data.values()
            ]
            locations = [(k, fast._row_locations.get(k)) for k in fast.rows]
            assert locations == [(k, plain._row_locations.get(k)) for k in plain.rows]
            assert fast.cursor_coordinate == plain.cursor_coordinate
            with pytest.raises(DuplicateKey):
                fast.add_keyed_rows([("0", ROWS[0])])
            for name in STATES:
                for table in (fast, plain):
                    change(table, name)
                await pilot.pause()
                unfocused, focused, *plain_looks = await looks(pilot, (fast, plain))
                assert [unfocused, focused] == plain_looks, (narrow_title, name)
                assert unfocused != focused  # the focus shows (the check can see styles)
            for table in (fast, plain):
                table.show_cursor = True


async def test_the_fast_way_is_taken_for_plain_cells(monkeypatch: pytest.MonkeyPatch) -> None:
    """The check above would pass with the fast way never taken: plain one-line cells
    must not go through the table's own drawing."""
    taken: list[int] = []
    rows_taken: list[int] = []
    app = Both()
    async with app.run_test(size=(70, 24)) as pilot:
        app.fill(narrow_title=False)
        await pilot.pause()
        fast = app.query_one(CardTable)
        original = DataTable._render_cell
        original_row = DataTable._render_line_in_row

        def counted(self: DataTable[Any], row: int, column: int, *a: Any, **kw: Any) -> Any:
            if self is fast and row >= 0:
                taken.append(row)
            return original(self, row, column, *a, **kw)

        def counted_row(self: DataTable[Any], row_key: Any, *a: Any, **kw: Any) -> Any:
            if self is fast and row_key in self.rows:
                row = self._row_locations.get(row_key)
                rows_taken.append(-1 if row is None else row)
            return original_row(self, row_key, *a, **kw)

        monkeypatch.setattr(DataTable, "_render_cell", counted)
        monkeypatch.setattr(DataTable, "_render_line_in_row", counted_row)
        fast._update_count += 1  # draw it all again
        fast._styles_cache.clear()
        drawn(fast)
        monkeypatch.undo()
    # Only a missing cell (row 1's last), the topic row (markup strings, a bold Text),
    # row 4's styled cell and tab: nothing else.
    assert sorted(taken) == [1, 2, 2, 2, 2, 4, 4]
    # A row of plain cells only is drawn whole the short way: rows 0, 3 and 5.
    assert sorted(rows_taken) == [1, 2, 4]


async def test_browse_draws_its_first_frame_once_at_the_final_widths(
    store: Store, full_deck: Deck, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Opening Browse draws every row on screen once, with the columns at their
    measured widths and the table focused: not first at the headers' widths and with
    the search box focused, then again."""
    calls: list[tuple[int | None, int, bool]] = []
    original = CardTable._render_line_in_row

    def recorded(self: CardTable, row_key: Any, *a: Any, **kw: Any) -> Any:
        if row_key in self.rows:
            width = self.ordered_columns[1].get_render_width(self)
            row = self._row_locations.get(row_key)
            calls.append((row, width, self._pseudo_class_state.focus))
        return original(self, row_key, *a, **kw)

    app = make_app(Session(store, full_deck, now=clock))
    monkeypatch.setattr(CardTable, "_render_line_in_row", recorded)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("escape", "b")
        await until(pilot, lambda: isinstance(app.screen, BrowseScreen))
        await settle(pilot)
        table = app.screen.query_one(CardTable)
        final = table.ordered_columns[1].get_render_width(table)
    monkeypatch.undo()
    assert calls
    assert {width for _, width, _ in calls} == {final}
    assert all(focused for _, _, focused in calls)
    rows = [row for row, _, _ in calls]
    assert len(rows) == len(set(rows)), "a row was drawn twice"
    assert app.crash is None
