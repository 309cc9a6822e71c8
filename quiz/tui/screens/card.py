"""One card to read: question, model answer, key points and references."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from quiz.deck import Card
from quiz.tui import messages
from quiz.tui.bindings import BACK, DEMO
from quiz.tui.text import literal
from quiz.tui.widgets.answer_view import AnswerView
from quiz.tui.widgets.card_text import answer_markdown
from quiz.tui.widgets.footer import QuizFooter
from quiz.tui.widgets.keypoints import KeyPoints
from quiz.tui.widgets.scroll import KeyScroll, scroll_now


class CardScreen(Screen[None]):
    """Reads a card; ``p`` practises it, ``d`` runs its demo."""

    BINDINGS = [
        Binding(
            "p",
            "practice",
            "Practice",
            id="practice",
            tooltip="Practise this card; its schedule does not move",
        ),
        DEMO,
        BACK,
        Binding("j", "scroll('down')", "Scroll down", show=False),
        Binding("k", "scroll('up')", "Scroll up", show=False),
    ]

    HELP = (
        "The card scrolls with ↑ ↓ PageUp PageDown Home End, j k and the mouse wheel. "
        "p practises it (its schedule does not move), d runs its demo, escape goes back."
    )

    def __init__(self, card: Card) -> None:
        super().__init__()
        self.card = card

    def compose(self) -> ComposeResult:
        card = self.card
        with KeyScroll(id="card"):
            yield Static(literal(f"Topic {card.number} · {card.title}"), id="mode")
            yield Static(literal(card.question), id="question")
            yield KeyPoints(id="points")
            yield AnswerView(answer_markdown(card), id="model-answer")
        yield QuizFooter(compact=True)

    def on_mount(self) -> None:
        if not self.is_attached:
            return  # quit in the same burst of keys that opened it: nothing to set up
        self.query_one(KeyPoints).show(self.card, "")
        self.query_one("#card").focus()

    def action_scroll(self, direction: str) -> None:
        scroll_now(self.query_one("#card", KeyScroll), "down" if direction == "down" else "up")

    def action_practice(self) -> None:
        self.post_message(messages.PracticeRequested([self.card]))

    def action_demo(self) -> None:
        from quiz.tui.screens.demo import open_demo  # loads NumPy and the plot library

        open_demo(self.app, self.card)
