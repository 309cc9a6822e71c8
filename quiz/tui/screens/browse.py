"""Browse: every topic, with its figures over all its cards, and under it each card
(its question, then its follow-ups); open one to read or practise it."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from quiz.days import due_text
from quiz.session import Session
from quiz.stats import CardRow, card_rows, topics
from quiz.text import printable
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
        """One row per topic (its figures over all its cards; it opens the topic's
        question), then a row per follow-up card of it, with its kind."""
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        session = self.session
        today = session.today
        by_topic: dict[str, list[CardRow]] = {}
        for card_row in card_rows(session):
            by_topic.setdefault(card_row.card.topic_id, []).append(card_row)
        for topic in topics(session):
            # The topic's row stands for its core card (enter opens its question); its
            # figures are the topic's, over all its cards.
            table.add_row(
                str(topic.number),
                Text(
                    _clipped(f"{printable(topic.title)} · {topic.seen}/{topic.cards} seen"),
                    style="bold",
                ),
                topic.state,
                due_text(topic.due, today) if topic.due else "—",
                f"{topic.easiness:.2f}" if topic.easiness is not None else "—",
                key=topic.card_id,
            )
            for card_row in by_topic.get(topic.card_id, []):
                card = card_row.card
                if card.is_core:
                    continue
                table.add_row(
                    "",
                    literal_cell(_clipped(f"  {card.kind}: {card.title}")),
                    card_row.state,
                    due_text(card_row.due, today) if card_row.due else "—",
                    f"{card_row.easiness:.2f}" if card_row.easiness is not None else "—",
                    key=card.id,
                )
        table.move_cursor(row=row)

    def selected(self) -> str | None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

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


TITLE_CELLS = 44  # the topic column's width: at 80 columns the figures stay in view


def _clipped(text: str) -> str:
    """``text`` cut to :data:`TITLE_CELLS` cells, with "…" where it was cut."""
    if cell_len(text) <= TITLE_CELLS:
        return text
    while cell_len(text) > TITLE_CELLS - 1:
        text = text[:-1]
    return text.rstrip() + "…"
