"""Browse: every card, grouped by topic; searched as you type, filtered by state, tag
and topic, sorted by any column; suspend, bury, open, practise.

With no search, filter or sort, each topic is a bold row with its figures over all
its cards, and its follow-up cards follow it. Anything else lists the cards it keeps
flat. The rows are read once when the screen shows (:func:`quiz.browsing.entries`);
a keystroke only filters them in memory.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from itertools import zip_longest
from typing import Any

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import on
from textual._types import SegmentLines
from textual.app import ComposeResult
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.css.styles import RenderStyles
from textual.geometry import Region, Size
from textual.screen import Screen
from textual.strip import Strip
from textual.timer import Timer
from textual.widgets import DataTable, Input, Static
from textual.widgets.data_table import DuplicateKey, Row, RowKey

from quiz import startup
from quiz.browsing import SORT_NAMES, SORTS, STATES, Entry, entries, matching, narrows, select
from quiz.days import due_text
from quiz.records import Action
from quiz.session import Session
from quiz.stats import Topic, topics
from quiz.text import plural, printable
from quiz.tui import messages
from quiz.tui.saving import Failed, attempt
from quiz.tui.screens.pick import PickScreen
from quiz.tui.text import Cell, literal_cell
from quiz.tui.widgets.footer import QuizFooter
from quiz.tui.wording import mark_text, undone_text

# Column index -> the sort a click on its header asks for.
COLUMN_SORTS = ("number", "title", "state", "due", "ease", "lapses")
COLUMNS = ("#", "Card", "State", "Next review", "Ease", "Lapses")
PAGE = 60  # rows given to the table at a time (more than a tall terminal shows)
TYPING_PAUSE = 0.5  # seconds without a keystroke in the search box: typing has stopped


class SearchBox(Input):
    """The search box: an Input whose typing asks for no layout of the screen.

    An Input keeps how wide its text is (its virtual size) in a reactive that asks for
    a layout of the whole screen when it changes: every keystroke. Textual's layout
    repaints every scroll bar on the screen, which it asks for after the frame that
    shows the keystroke, so a second frame followed, 17 to 33 ms later (the screen's
    update timer): the search took that long to settle. The box is one row as wide as
    the screen (app.tcss), whatever its text: it needs no layout.

    ``typed`` is called with the new value as the key is handled, before the box's own
    repaint is sent: the lines and the table it changes are then repainted in the same
    frame as the box. Left to its Changed message, the box's frame went first and the
    rest a second frame later, again 17 to 33 ms.

    It validates nothing: an Input validates every change by default, and with no
    validator to run, the first change only marks the box "-valid", a CSS class, which
    restyled the box on the first keystroke of every search: 5 ms of it.
    """

    def __init__(self, typed: Callable[[str], None], **kwargs: Any) -> None:
        super().__init__(validate_on=(), **kwargs)
        self._typed = typed

    def _watch_value(self, value: str) -> None:
        self.set_reactive(Input.virtual_size, Size(self.content_width, 1))
        super()._watch_value(value)  # the size it sets is the same: no layout
        self._typed(value)


class _DrawnStyles(RenderStyles):
    """A component's styles whose Rich style was looked up once, for one set of lines
    (see :class:`CardTable`)."""

    def __init__(self, styles: RenderStyles, rich_style: Style) -> None:
        node = styles.node
        assert node is not None
        super().__init__(node, styles.base, styles.inline)
        self._drawn_style = rich_style

    @property
    def rich_style(self) -> Style:
        return self._drawn_style


class _Drawing:
    """What stays the same while a table draws one set of lines: its settings, read
    once (each a reactive, read for every cell otherwise), and its styles, looked up
    once (see :class:`CardTable`)."""

    __slots__ = (
        "background_css",
        "cell_styles",
        "components",
        "cursor_type",
        "foreground_css",
        "padding",
        "plain",
        "rich_style",
        "show_cursor",
        "show_hover_cursor",
    )

    def __init__(self, table: CardTable) -> None:
        self.plain = not (table.fixed_rows or table.fixed_columns)
        self.padding = table.cell_padding
        self.show_cursor = table.show_cursor
        self.show_hover_cursor = table._show_hover_cursor
        self.foreground_css = table.cursor_foreground_priority == "css"
        self.background_css = table.cursor_background_priority == "css"
        self.rich_style: Style | None = None
        self.components: dict[tuple[str, ...], _DrawnStyles] = {}
        self.cell_styles: dict[tuple[Style, bool, bool], Style] = {}
        self.cursor_type = table.cursor_type


class CardTable(DataTable[object]):
    """The table of cards: a DataTable that measures the rows it is given at once and
    draws a one-line cell the short way.

    Two costs of a plain DataTable on opening Browse and on a search keystroke that
    changes the rows on screen (most keystrokes on a short list), some 50 ms each on
    a slow machine (``tests/perf/bench_browse.py``):

    - It measures new rows (column widths, its height) when its message queue next
      goes idle, and the screen was drawn before that: every row on screen was drawn
      with the columns as wide as their headers, thrown away and drawn again.
      :meth:`measure_now` does that work when the rows are added.
    - Any change of its rows makes it draw every cell on screen anew, each through
      Rich's padding, styling, line splitting and cropping: some 0.15 ms a cell. A
      plain :class:`~quiz.tui.text.Cell` that fits its column (every card's cell in
      Browse) comes out of all that as one run of text in one style: the cell's text
      padded to the column's width, in the row's style with the cursor's on top.
      :meth:`_render_cell` makes that run directly, and :meth:`_render_line_in_row` a
      whole row of such cells at once. Anything else (a header, a topic row's bold
      title, a cell too wide) is drawn the table's own way.
      ``tests/tui/test_card_table.py`` holds the two ways to the same look.

    And one cost of drawing any line: the table looks up its own style, its row's
    (odd or even) and its header's again for every line it draws, each a walk up
    every node above it blending backgrounds: three walks a line, a quarter of the
    time the first keystroke of a search took to draw 36 new rows. The styles cannot
    change while one set of lines is drawn, so :meth:`render_lines` looks each up
    once for the set.
    """

    _drawing: _Drawing | None = None  # while render_lines runs

    def render_lines(self, crop: Region) -> list[Strip]:
        self._drawing = _Drawing(self)
        try:
            return super().render_lines(crop)
        finally:
            self._drawing = None

    @property
    def rich_style(self) -> Style:
        drawing = self._drawing
        if drawing is None:
            return super().rich_style
        if drawing.rich_style is None:
            drawing.rich_style = super().rich_style
        return drawing.rich_style

    def get_component_styles(self, *names: str) -> RenderStyles:
        drawing = self._drawing
        if drawing is None:
            return super().get_component_styles(*names)
        styles = drawing.components.get(names)
        if styles is None:
            found = super().get_component_styles(*names)
            styles = drawing.components[names] = _DrawnStyles(found, found.rich_style)
        return styles

    def action_select_cursor(self) -> None:
        """enter in the list: Browse opens the card at once (the table would post a
        RowSelected message and the card be put up later: enter enter opened it twice)."""
        screen = self.screen
        if isinstance(screen, BrowseScreen):
            self._set_hover_cursor(False)
            screen.action_open()
        else:
            super().action_select_cursor()

    def add_keyed_rows(self, rows: list[tuple[str, tuple[object, ...]]]) -> None:
        """Adds ``rows`` (key, cells) at the end, one line high, as ``add_row`` would
        one by one, with the cursor checked once for them all. ``add_row`` sets the
        cursor again for each row (through its watchers): some 0.2 ms a row, half a
        second for the 2,000 rows a sort can need (the selected card last)."""
        if not rows:
            return
        columns = self.ordered_columns
        was_empty = self.row_count == 0
        for key, cells in rows:
            row_key = RowKey(key)
            if row_key in self._row_locations:
                raise DuplicateKey(f"The row key {row_key!r} already exists.")
            if len(cells) > len(columns):
                raise ValueError("More values provided than there are columns.")
            self._row_locations[row_key] = len(self.rows)
            self._data[row_key] = {column.key: cell for column, cell in zip_longest(columns, cells)}
            self.rows[row_key] = Row(row_key, 1, None, False)
            self._new_rows.add(row_key)
        self._require_update_dimensions = True
        self.cursor_coordinate = self.cursor_coordinate
        if was_empty and columns and self.show_cursor and self.cursor_type != "none":
            self._highlight_cursor()  # a cursor can show where none could
        self._update_count += 1
        self.check_idle()

    def measure_now(self) -> None:
        """Measures the rows added since the last measuring (what the table's idle
        handler would do later; it then finds nothing left to do). A row of plain
        one-line :class:`~quiz.tui.text.Cell` objects is measured by the widths the cells
        know; any other row the table's own way."""
        if self._updated_cells or not self._require_update_dimensions:
            return  # cells updated in place are measured the table's own way
        self._require_update_dimensions = False
        new_rows = self._new_rows.copy()
        self._new_rows.clear()
        columns = self.ordered_columns
        others = set()
        for row_key in new_rows:
            cells = self._data.get(row_key)
            if cells is None:
                continue  # removed since
            widths = [cell.width() if isinstance(cell, Cell) else None for cell in cells.values()]
            row = self.rows[row_key]
            if None in widths or len(widths) != len(columns) or row.label or row.auto_height:
                others.add(row_key)
                continue
            for column, width in zip(columns, widths, strict=True):
                column.content_width = max(column.content_width, width or 0)
        self._update_dimensions(others)  # also the table's scrollable size

    def _cell_style(self, drawing: _Drawing, row_style: Style, hover: bool, cursor: bool) -> Style:
        """A plain cell's style but its click target: the row's, with the cursor's or
        the hover's on top. The same for every cell of a row: made once a frame."""
        key = (row_style, hover, cursor)
        style = drawing.cell_styles.get(key)
        if style is None:
            component_style, post_style = self._get_styles_to_render_cell(
                False,
                False,
                False,
                hover,
                cursor,
                drawing.show_cursor,
                drawing.show_hover_cursor,
                drawing.foreground_css,
                drawing.background_css,
            )
            style = drawing.cell_styles[key] = row_style + component_style + post_style
        return style

    def _render_line_in_row(
        self,
        row_key: RowKey,
        line_no: int,
        base_style: Style,
        cursor_location: Coordinate,
        hover_location: Coordinate,
    ) -> tuple[SegmentLines, SegmentLines]:
        """A row of plain one-line cells, with a row cursor, drawn the short way: what
        the table's own method makes of it (its cells as :meth:`_render_cell` draws
        them, then the space to the right edge in the row's style), without asking
        for each cell whether the cursor is on it and how wide its column is."""
        drawing = self._drawing
        row_index = self._row_locations.get(row_key)
        if (
            drawing is None
            or row_index is None
            or line_no != 0
            or drawing.cursor_type != "row"
            or not drawing.plain
            or (self._labelled_row_exists and self.show_row_labels)
        ):
            return super()._render_line_in_row(
                row_key, line_no, base_style, cursor_location, hover_location
            )
        cache_key = (
            row_key,
            line_no,
            base_style,
            cursor_location,
            hover_location,
            drawing.cursor_type,
            drawing.show_cursor,
            drawing.show_hover_cursor,
            self._update_count,
            self._pseudo_class_state,
        )
        cached = self._row_render_cache.get(cache_key)
        if cached is not None:
            return cached
        row = self.rows.get(row_key)
        values = self._data.get(row_key)
        columns = self.ordered_columns
        if row is None or row.height != 1 or values is None or len(values) != len(columns):
            return super()._render_line_in_row(
                row_key, line_no, base_style, cursor_location, hover_location
            )
        padding = drawing.padding
        pad = " " * padding
        texts: list[str] = []
        widths: list[int] = []
        for column in columns:
            value = values.get(column.key)
            width = column.get_render_width(self)
            text = value.one_line(width - 2 * padding) if isinstance(value, Cell) else None
            if text is None:
                return super()._render_line_in_row(
                    row_key, line_no, base_style, cursor_location, hover_location
                )
            texts.append(f"{pad}{text}{pad}")
            widths.append(width)
        row_style = self._get_row_style(row_index, base_style)
        cursor = cursor_location.row == row_index
        hover = hover_location.row == row_index
        style = self._cell_style(drawing, row_style, hover, cursor)
        scrollable: list[list[Segment]] = [
            [Segment(text, style + Style.from_meta({"row": row_index, "column": index}))]
            for index, text in enumerate(texts)
        ]
        # The rest of the line, as the table extends a row with a row cursor.
        remaining = max(0, self.size.width - sum(widths) - self._row_label_column_width)
        extend_style, _ = self._get_styles_to_render_cell(
            False,
            False,
            False,
            hover,
            cursor,
            drawing.show_cursor,
            drawing.show_hover_cursor,
            False,
            False,
        )
        extend_style = row_style + extend_style
        extend_style += Style.from_meta({"row": row_index, "column": 0, "out_of_bounds": True})
        scrollable.append([Segment(" " * remaining, extend_style)])
        pair: tuple[SegmentLines, SegmentLines] = ([], scrollable)
        self._row_render_cache[cache_key] = pair
        return pair

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ) -> list[list[Segment]]:
        drawing = self._drawing or _Drawing(self)
        value = None
        if row_index >= 0 and column_index >= 0 and drawing.plain:
            row_key = self._row_locations.get_key(row_index)
            column_key = self._column_locations.get_key(column_index)
            if row_key is not None and column_key is not None and self.rows[row_key].height == 1:
                value = self._data[row_key][column_key]
        padding = drawing.padding
        text = value.one_line(width - 2 * padding) if isinstance(value, Cell) else None
        if text is None:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        style = self._cell_style(drawing, base_style, hover, cursor)
        style += Style.from_meta({"row": row_index, "column": column_index})
        pad = " " * padding
        return [[Segment(f"{pad}{text}{pad}", style)]]


class BrowseScreen(Screen[None]):
    """A table of every card: number, title, state, next review, ease, lapses."""

    # The table has the keys from the start. Left to the app's "*", the search box
    # (the first focusable widget) was focused first and the table a moment later:
    # both restyled and every row on screen drawn a second time.
    AUTO_FOCUS = "#topics"

    # The footer has room for the card's keys; the filter keys are named in the line
    # above the table (and every key in help, ?).
    BINDINGS = [
        # enter, /, ↓ and escape move the focus between the search box and the list.
        # They are priority bindings: run as the app reads the key, before it hands
        # the next key of the same burst to whatever has the focus. Left to bubble up
        # from the focused widget, the focus moved only after the keys behind them had
        # been handed to the old place: a fast "/resid" lost its letters, "↓j" typed j.
        # In the list, enter is the list's own (check_action). enter is named in the
        # title line; in the footer it would push Quit off an 80-column screen.
        Binding(
            "enter",
            "open",
            "Open",
            id="open",
            tooltip="Read the selected card",
            priority=True,
            show=False,
        ),
        Binding(
            "slash",
            "search",
            "Search",
            key_display="/",
            id="search",
            tooltip="Search questions, answers and key points as you type",
            priority=True,
        ),
        Binding("down", "to_list", "To the list", show=False, priority=True),
        # In the list, the moves are run as each key is read, as / is: left to the
        # list, a j or ↓ typed just before / was handled after / had moved the keys
        # to the search box, and was lost there.
        Binding("down", "cursor('down')", "Down", show=False, priority=True),
        Binding("up", "cursor('up')", "Up", show=False, priority=True),
        Binding("f", "state", "State", id="state", show=False),
        Binding("t", "tag", "Tag", id="tag", show=False),
        Binding("g", "topic", "Topic", id="topic", show=False),
        Binding("o", "sort", "Sort", id="sort", show=False),
        Binding("x", "clear", "Clear filters", id="clear", show=False),
        Binding(
            "exclamation_mark",
            "suspend",
            "Suspend",
            key_display="!",
            id="suspend",
            tooltip="Suspend the selected card, or unsuspend a suspended one; u undoes",
        ),
        Binding(
            "minus",
            "bury",
            "Bury",
            key_display="-",
            id="bury",
            tooltip="Bury the selected card until the next study day; u undoes",
        ),
        Binding("p", "practice", "Practice", id="practice", show=False),
        Binding("n", "new_card", "New card", id="new-card", show=False),
        Binding("e", "edit_card", "Edit card", id="edit-card", show=False),
        Binding("d", "demo", "Demo", id="demo", show=False),
        Binding("u", "undo", "Undo", id="undo", tooltip="Take back today's last action"),
        Binding("j", "cursor('down')", "Down", show=False, priority=True),
        Binding("k", "cursor('up')", "Up", show=False, priority=True),
        Binding(
            "escape",
            "leave",
            "Back",
            id="back",
            tooltip="Clear the search box, or go back",
            priority=True,
        ),
    ]

    HELP = (
        "Every card, grouped by topic: each topic in bold with its figures over all its "
        "cards, then its follow-ups. / searches the questions, answers and key points as "
        "you type (every word must appear); enter or ↓ goes to the list, escape clears "
        "the search. f cycles the state filter (new, learning, due, suspended, leech), t "
        "shows one tag, g one topic, o cycles the sort (title, state, next review, ease, "
        "lapses; a click on a column's header sorts by it, a second click reverses), x "
        "clears them all. ↑ ↓ (or j k) move, enter opens the card, p practises it, d runs "
        "its demo. ! suspends the card (! again unsuspends it), - buries it until the "
        "next study day, u takes back today's last action. n writes a new card of your "
        "own in $EDITOR, e edits the selected one (a built-in card is copied into your "
        "folder first); the app steps aside while the editor runs."
    )

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.rows: list[Entry] = []
        self.query_text = ""
        self.state: str | None = None
        self.tag: str | None = None
        self.topic: str | None = None
        self.sort: str | None = None
        self.descending = False
        self.pending: list[tuple[str, Topic | Entry, str]] = []  # rows not in the table yet
        self.listed = 0  # rows listed, in the table or pending
        self._by_id: dict[str, Entry] = {}
        self.title_cells = TITLE_CELLS  # the card column's width, from the terminal's
        self._table_grouped = True  # what the table's rows are: topics and cards, or cards
        self._lines: dict[str, str | Text] = {}  # what the lines above the table say
        # The last search and filters, and the rows they kept (see _select).
        self._kept: tuple[list[Entry], tuple[object, ...], str, list[Entry]] | None = None
        # A card's cells by (id, prefix, day), made once while the rows and widths hold.
        self._cell_cache: dict[tuple[str, str, date], tuple[Text, ...]] = {}
        # The garbage collector is off while a search is typed (see _search).
        self._collector_paused = False
        self._typing_stopped: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Static("[b]All cards[/b]", id="browse-title")
        yield SearchBox(
            self._search,
            placeholder="/ search questions, answers and key points",
            id="browse-search",
            select_on_focus=False,
        )
        yield Static("", id="browse-filters")
        yield CardTable(id="topics", cursor_type="row", zebra_stripes=True)
        yield QuizFooter(compact=True)

    def on_mount(self) -> None:
        if not self.is_attached:
            return  # quit in the same burst of keys that opened it: nothing to set up
        table = self.query_one(DataTable)
        table.add_columns(*COLUMNS)

    def on_resize(self) -> None:
        if self.rows and max(TITLE_CELLS, self.app.size.width - 47) != self.title_cells:
            self.show()  # the card column follows the terminal's width

    def on_screen_resume(self) -> None:
        if not self.is_attached:
            return  # the app is closing
        # Also runs when the screen is first shown: the one place its rows are read.
        self.load()
        self.app.post_message(messages.ScreenReady())  # the keys typed behind b

    @property
    def grouped(self) -> bool:
        """No search, filter or sort: the topics with their cards under them."""
        return not (self.query_text.strip() or self.state or self.tag or self.topic or self.sort)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.query("#topics"):
            # Keys typed in the same burst as b, before the screen is built.
            return action == "leave"
        if isinstance(self.focused, Input):
            # The search box has the keys: letters (and /) type; enter, ↓ and escape
            # leave it.
            return action in ("leave", "open", "to_list")
        if action == "cursor":
            return isinstance(self.focused, DataTable)  # a picker's keys are its own
        # In the list, ↓ moves down it, and enter is the list's own
        # (CardTable.action_select_cursor): in its turn after the keys before it. As a
        # priority binding it ran ahead of them: a quick "j enter" opened the card j
        # had not yet moved off.
        return action not in ("to_list", "open")

    @on(messages.InterviewChanged)
    @on(messages.CardsChanged)
    def load(self, keep: str | None = None) -> None:
        """Reads every card's standing again and shows the rows."""
        self.rows = entries(self.session)
        self._cell_cache.clear()
        self.show(keep)

    def show(self, keep: str | None = None, reuse: bool = False) -> None:
        """Lists what the search, filters and sort keep; the cursor stays on ``keep``
        (default: the selected card) when it is still listed. ``reuse``: the rows
        already in the table are current (a search narrowed), keep those that stay.

        The table gets the rows a page at a time (:data:`PAGE`), the next page once
        the cursor nears the last row: making a row's cells, adding the row and
        measuring it cost some 0.15 ms on a slow machine (0.5 ms with a plain
        DataTable), so 2,000 rows at once would take a third of a second a keystroke.

        The cyclic garbage collector is off while the rows are made: a sort that
        keeps the cursor on a card near the end makes the cells of 2,000 rows (12,000
        objects), and the collections that many new objects set off took 250 of its
        400 ms. Nothing made here is garbage in a cycle.
        """
        paused = startup.pause_collector()
        try:
            self._show(keep, reuse)
        finally:
            if paused:
                startup.resume_collector()

    def _show(self, keep: str | None, reuse: bool) -> None:
        table = self.query_one(DataTable)
        keep = keep or self.selected()
        today = self.session.today
        # The card column takes what the figures leave (47 cells of a row).
        cells = max(TITLE_CELLS, self.app.size.width - 47)
        if cells != self.title_cells:
            # A column keeps the widest cell it ever had: start the columns afresh.
            self.title_cells, reuse = cells, False
            self._cell_cache.clear()
            table.clear(columns=True)
            table.add_columns(*COLUMNS)
        if self.grouped:
            self.pending = self._grouped()
        else:
            kept = self._select(today)
            self.pending = [
                (row.card.id, row, "" if row.card.is_core else f"{row.card.kind}: ") for row in kept
            ]
        self.listed = len(self.pending)
        where = next((i for i, (key, _, _) in enumerate(self.pending) if key == keep), None)
        in_table = [str(key.value) for key in table.rows]
        if (
            not reuse
            or self.grouped
            or self._table_grouped
            or not self._same_start(in_table)
            or (where is not None and where >= len(in_table))
        ):
            table.clear()
            self.pending.reverse()  # taken from the end, a page at a time
            self._add_rows(max(PAGE, (where or 0) + PAGE // 2))
        else:
            # Typing on in a long list: its first rows, the ones on screen, are those
            # already in the table. Only the rows still to come change.
            self.pending = self.pending[len(in_table) :][::-1]
        self._table_grouped = self.grouped
        self._describe(self.listed)
        if where is not None:
            table.move_cursor(row=where)

    def _select(self, today: date) -> list[Entry]:
        """What the search and filters keep (:func:`quiz.browsing.select`). A search
        typed on, with the same rows and filters, goes over only what the last one
        kept, in its order: each keystroke of a word narrows the list."""
        filters = (self.state, self.tag, self.topic, self.sort, self.descending, today)
        last = self._kept
        if (
            last is not None
            and last[0] is self.rows
            and last[1] == filters
            and narrows(last[2], self.query_text)
        ):
            kept = matching(last[3], self.query_text)
        else:
            kept = select(
                self.rows,
                today,
                query=self.query_text,
                state=self.state,
                tag=self.tag,
                topic=self.topic,
                sort=self.sort,
                descending=self.descending,
            )
        self._kept = (self.rows, filters, self.query_text, kept)
        return kept

    def listed_ids(self) -> list[str]:
        """The ids of every row listed, top to bottom: those in the table, then those
        still to come."""
        in_table = [str(key.value) for key in self.query_one(DataTable).rows]
        return in_table + [key for key, _, _ in reversed(self.pending)]

    def _same_start(self, in_table: list[str]) -> bool:
        """Whether the table's rows are the first rows of the list (same cards, same
        order), and the list is long enough that re-adding them would be the cost."""
        if len(in_table) < PAGE or len(self.pending) < len(in_table):
            return False
        return all(key == listed[0] for key, listed in zip(in_table, self.pending, strict=False))

    def _add_rows(self, count: int) -> None:
        """Moves up to ``count`` pending rows into the table, measured."""
        table = self.query_one(CardTable)
        today = self.session.today
        rows: list[tuple[str, tuple[object, ...]]] = []
        for _ in range(min(count, len(self.pending))):
            key, what, prefix = self.pending.pop()
            if isinstance(what, Topic):
                rows.append((key, self._topic_cells(what, today)))
            else:
                cells = self._cells(what, prefix)
                rows.append((key, (NO_NUMBER, *cells[1:]) if self.grouped else cells))
        table.add_keyed_rows(rows)
        table.measure_now()

    @on(DataTable.RowHighlighted)
    def _near_the_end(self, message: DataTable.RowHighlighted) -> None:
        table = self.query_one(DataTable)
        if self.pending and message.cursor_row >= table.row_count - PAGE // 3:
            self._add_rows(PAGE)

    def _cells(self, row: Entry, prefix: str = "") -> tuple[Text, ...]:
        """The row's cells, made once while the rows and the card column's width hold
        (a search keystroke lists the same cards again and again). Text, not str: the
        table would read a str as markup each time it draws it."""
        today = self.session.today
        key = (row.card.id, prefix, today)  # the state and "in 3 days" are today's
        cells = self._cell_cache.get(key)
        if cells is None:
            cells = self._cell_cache[key] = (
                _cell(str(row.card.number)),
                literal_cell(_clipped(prefix + row.card.title, self.title_cells)),
                _cell(row.state(today)),
                _cell(due_text(row.due, today) if row.due else "—"),
                _cell(f"{row.easiness:.2f}" if row.easiness is not None else "—"),
                _cell(str(row.lapses) if row.lapses else "—"),
            )
        return cells

    def _topic_cells(self, topic: Topic, today: date) -> tuple[object, ...]:
        core = self._by_id.get(topic.card_id)
        state = topic.state
        if core is not None and core.state(today) in ("suspended", "buried"):
            state = core.state(today)  # what sits out matters more than the figures
        return (
            str(topic.number),
            Text(
                _clipped(
                    f"{printable(topic.title)} · {topic.seen}/{topic.cards} seen",
                    self.title_cells,
                ),
                style="bold",
            ),
            state,
            due_text(topic.due, today) if topic.due else "—",
            f"{topic.easiness:.2f}" if topic.easiness is not None else "—",
            str(topic.lapses) if topic.lapses else "—",
        )

    def _grouped(self) -> list[tuple[str, Topic | Entry, str]]:
        """One row per topic (its figures over all its cards; it opens the topic's
        question), then a row per follow-up card of it, with its kind."""
        by_topic: dict[str, list[Entry]] = {}
        for row in self.rows:
            by_topic.setdefault(row.card.topic_id, []).append(row)
        self._by_id = {row.card.id: row for row in self.rows}
        listed: list[tuple[str, Topic | Entry, str]] = []
        for topic in topics(self.session):
            listed.append((topic.card_id, topic, ""))
            listed += [
                (row.card.id, row, f"  {row.card.kind}: ")
                for row in by_topic.get(topic.card_id, [])
                if not row.card.is_core
            ]
        return listed

    def _describe(self, shown: int) -> None:
        """The title line (how many cards) and the filters line (what is in force)."""
        total = len(self.rows)
        if self.grouped:
            title = f"[b]All cards[/b] · {total:,} by topic"
        else:
            title = f"[b]Cards[/b] · {shown:,} of {total:,}"
        title += " · enter open · p practise · d demo · n new · e edit"
        self._set_line("#browse-title", title)
        topic = self.session.deck.get(self.topic or "")
        parts = [] if self.grouped else ["x clears"]
        parts += [
            f"f state: {self.state or 'all'}",
            f"t tag: {self.tag or 'all'}",
            f"g topic: {printable(topic.title) if topic else 'all'}",
            f"o sort: {SORT_NAMES[self.sort]}{' ↓' if self.descending else ''}",
        ]
        self._set_line("#browse-filters", Text(" · ".join(parts)))

    def _set_line(self, selector: str, content: str | Text) -> None:
        """Puts ``content`` in one of the one-line Statics above the table, if it
        changed. Without a layout: their size is fixed (height 1, the screen's width,
        in app.tcss), and a layout asked for here came after the frame that showed the
        keystroke's rows and cost a second frame, some 30 ms later."""
        line = self.query_one(selector, Static)
        if self._lines.get(selector) != content:
            self._lines[selector] = content
            line.update(content, layout=False)

    def selected(self) -> str | None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def _entry(self) -> Entry | None:
        card_id = self.selected()
        return next((row for row in self.rows if row.card.id == card_id), None)

    # -- search and filters ----------------------------------------------------------

    def action_search(self) -> None:
        # Focused now, not on the next cycle as widget.focus() does: the letters typed
        # right after / (already on their way) are searched for, never run as keys.
        self.set_focus(self.query_one(Input))

    @on(Input.Changed, "#browse-search")
    def _typed(self, message: Input.Changed) -> None:
        self._search(message.value)  # already done as the key was handled (SearchBox)

    def _search(self, value: str) -> None:
        """The search box holds ``value``: lists what it keeps.

        The cyclic garbage collector is off while the search is being typed, back on
        :data:`TYPING_PAUSE` after the last keystroke (or when the screen goes): a
        collection of the young objects, 3-6 ms, otherwise landed in a keystroke
        every few keys and made the slowest of them (``tests/perf/bench_browse.py``).
        What is freed by reference counting is freed as ever."""
        if not self._collector_paused:
            self._collector_paused = startup.pause_collector()
        if self._collector_paused:
            if self._typing_stopped is not None:
                self._typing_stopped.stop()
            self._typing_stopped = self.set_timer(TYPING_PAUSE, self._resume_collector)
        if value != self.query_text:
            self.query_text = value
            self.show(reuse=True)

    def _resume_collector(self) -> None:
        if self._typing_stopped is not None:
            self._typing_stopped.stop()
            self._typing_stopped = None
        if self._collector_paused:
            self._collector_paused = False
            startup.resume_collector()

    def on_screen_suspend(self) -> None:
        self._resume_collector()

    def on_unmount(self) -> None:
        self._resume_collector()

    def action_to_list(self) -> None:
        """↓ in the search box: to the list."""
        self.set_focus(self.query_one(DataTable))

    def action_leave(self) -> None:
        """escape: in the search box, clears it and goes to the list; else goes back."""
        search = self.focused
        if isinstance(search, Input):
            search.value = ""
            self.set_focus(self.query_one(DataTable))
        else:
            self.app.pop_screen()

    def action_state(self) -> None:
        self.state = STATES[(STATES.index(self.state) + 1) % len(STATES)]
        self.show()

    def action_sort(self) -> None:
        current = self.sort if self.sort in SORTS else None
        self.sort = SORTS[(SORTS.index(current) + 1) % len(SORTS)]
        self.descending = False
        self.show()

    @on(DataTable.HeaderSelected)
    def _header(self, message: DataTable.HeaderSelected) -> None:
        sort = COLUMN_SORTS[message.column_index]
        self.descending = not self.descending if sort == self.sort else False
        self.sort = sort
        self.show()

    def action_tag(self) -> None:
        tags = self.session.all_tags()
        choices = [("", f"Every tag ({plural(len(self.rows), 'card')})")]
        choices += [(tag, f"{tag} ({count})") for tag, count in tags.items()]
        self.app.push_screen(PickScreen("Show one tag", choices, self.tag), self._tag_chosen)

    def _tag_chosen(self, tag: str | None) -> None:
        if tag is not None:
            self.tag = tag or None
            self.show()

    def action_topic(self) -> None:
        choices = [("", "Every topic")]
        choices += [(c.id, f"{c.number}. {c.title}") for c in self.session.deck.topics]
        self.app.push_screen(PickScreen("Show one topic", choices, self.topic), self._topic_chosen)

    def _topic_chosen(self, topic: str | None) -> None:
        if topic is not None:
            self.topic = topic or None
            self.show()

    def action_clear(self) -> None:
        self.state = self.tag = self.topic = self.sort = None
        self.descending = False
        self.query_one(Input).value = ""  # its Changed message shows the rows
        self.query_text = ""
        self.show()

    def action_cursor(self, direction: str) -> None:
        table = self.query_one(DataTable)
        if direction == "down":
            table.action_cursor_down()
        else:
            table.action_cursor_up()

    # -- what the selected card does ----------------------------------------------

    @on(DataTable.RowSelected)
    def action_open(self) -> None:
        if isinstance(self.focused, Input):
            self.set_focus(self.query_one(DataTable))
            return
        card = self.session.deck.get(self.selected() or "")
        if card is not None:
            from quiz.tui.screens.card import CardScreen

            # Pushed now, not through a message to the app: the card is then on top
            # before the next key of a burst is read. A second enter opened a second
            # copy, and a ctrl+p between them put the palette under the cards (a
            # third key then opened another palette and ended the app: the palette
            # test, seed 1).
            self.app.push_screen(CardScreen(card))

    def action_practice(self) -> None:
        card = self.session.deck.get(self.selected() or "")
        if card is not None:
            self.post_message(messages.PracticeRequested([card]))

    def action_demo(self) -> None:
        card = self.session.deck.get(self.selected() or "")
        if card is not None:
            from quiz.tui.screens.demo import open_demo  # loads NumPy and the plot library

            open_demo(self.app, card)

    def action_new_card(self) -> None:
        self.post_message(messages.WriteCard(None))

    def action_edit_card(self) -> None:
        card = self.session.deck.get(self.selected() or "")
        if card is not None:
            self.post_message(messages.WriteCard(card))

    def action_suspend(self) -> None:
        row = self._entry()
        if row is not None:
            self._mark(row, "unsuspend" if row.suspended else "suspend")

    def action_bury(self) -> None:
        row = self._entry()
        if row is not None:
            self._mark(row, "bury")

    def _mark(self, row: Entry, mode: Action) -> None:
        if isinstance(attempt(self, self.session.mark, row.card.id, mode), Failed):
            return
        self.notify(mark_text(mode, printable(row.card.title)), markup=False)
        self.load(row.card.id)

    def action_undo(self) -> None:
        review = attempt(self, self.session.undo)
        if isinstance(review, Failed):
            return
        if review is None:
            self.notify("Nothing to undo today.", severity="warning")
            return
        self.notify(printable(undone_text(review, self.session.deck)), markup=False)
        self.load()


TITLE_CELLS = 33  # the card column's least width: at 80 columns every figure stays in view


def _cell(text: str) -> Text:
    """A cell of figures or a state: one line, no markup."""
    return Cell(text)


NO_NUMBER = _cell("")  # a follow-up's number cell under its topic


def _clipped(text: str, cells: int = TITLE_CELLS) -> str:
    """``text`` cut to ``cells`` cells, with "…" where it was cut."""
    if len(text) <= cells // 2 or cell_len(text) <= cells:
        return text
    return set_cell_size(text, cells - 1).rstrip() + "…"
