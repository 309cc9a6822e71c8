"""Browse: the fifteen topics with their state; open one to read or practise it."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from quiz.days import due_text
from quiz.session import Session
from quiz.stats import topics
from quiz.tui import messages
from quiz.tui.bindings import BACK
from quiz.tui.text import literal_cell
from quiz.tui.widgets.footer import QuizFooter


class BrowseScreen(Screen[None]):
    """A table of every topic: number, title, state, next review, easiness."""

    BINDINGS = [
        Binding("enter", "open", "Open", id="open", tooltip="Read the selected card"),
        Binding(
            "p",
            "practice",
            "Practice",
            id="practice",
            tooltip="Practise the selected card; its schedule does not move",
        ),
        Binding("d", "demo", "Demo", id="demo", tooltip="Run the selected card's demo"),
        BACK,
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        yield Static("[b]All topics[/b] · enter opens a card", id="browse-title")
        yield DataTable(id="topics", cursor_type="row", zebra_stripes=True)
        yield QuizFooter(compact=True)

    def on_mount(self) -> None:
        if not self.is_attached:
            return  # quit in the same burst of keys that opened it: nothing to set up
        table = self.query_one(DataTable)
        table.add_columns("#", "Topic", "State", "Next review", "Ease")
        table.focus()

    def on_screen_resume(self) -> None:
        if not self.is_attached:
            return  # the app is closing
        # Also runs when the screen is first shown: the one place its figures are read.
        self.fill()

    @on(messages.InterviewChanged)
    def fill(self) -> None:
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        session = self.session
        today = session.today
        for topic in topics(session):
            cells = (
                (topic.state, "—", "—")
                if topic.due is None or topic.easiness is None
                else (topic.state, due_text(topic.due, today), f"{topic.easiness:.2f}")
            )
            table.add_row(str(topic.number), literal_cell(topic.title), *cells, key=topic.card_id)
        table.move_cursor(row=row)

    def selected(self) -> str | None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return key.value

    @on(DataTable.RowSelected)
    def action_open(self) -> None:
        card = self.session.deck.get(self.selected() or "")
        if card is not None:
            self.post_message(messages.OpenCard(card))

    def action_practice(self) -> None:
        card = self.session.deck.get(self.selected() or "")
        if card is not None:
            self.post_message(messages.PracticeRequested([card]))

    def action_demo(self) -> None:
        card = self.session.deck.get(self.selected() or "")
        if card is not None:
            self.post_message(messages.OpenDemo(card))
