"""Pick one of a list (a tag, a topic): a typed modal that returns the choice."""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from quiz.tui.text import literal
from quiz.tui.widgets.footer import QuizFooter


class PickScreen(ModalScreen[str | None]):
    """A title and a list; ``enter`` (or a click) returns the chosen option's id, and
    ``escape`` returns None (nothing chosen).

    Args:
        title: what is asked ("Review one tag").
        choices: (id, label) pairs; an id of "" stands for "every one" (no filter).
        current: the id to start on.
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="cancel", tooltip="Close, choosing nothing"),
        Binding("j", "cursor('down')", "Down", show=False),
        Binding("k", "cursor('up')", "Up", show=False),
    ]

    HELP = "↑ ↓ (or j k) move, enter chooses, escape closes choosing nothing."

    def __init__(
        self, title: str, choices: Sequence[tuple[str, str]], current: str | None = None
    ) -> None:
        super().__init__()
        self.title_text = title
        self.choices = list(choices)
        self.current = current or ""

    def compose(self) -> ComposeResult:
        with Vertical(id="pick"):
            yield Static(literal(self.title_text), id="pick-title")
            yield OptionList(
                *(Option(literal(label), id=key or "-all-") for key, label in self.choices),
                id="pick-list",
            )
        yield QuizFooter(compact=True)

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        ids = [key for key, _ in self.choices]
        if self.current in ids:
            options.highlighted = ids.index(self.current)
        options.focus()

    def action_cursor(self, direction: str) -> None:
        options = self.query_one(OptionList)
        if direction == "down":
            options.action_cursor_down()
        else:
            options.action_cursor_up()

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(OptionList.OptionSelected)
    def _chosen(self, message: OptionList.OptionSelected) -> None:
        key = message.option.id or ""
        self.dismiss("" if key == "-all-" else key)
