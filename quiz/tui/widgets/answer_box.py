"""The answer box: several lines for a typed answer, Enter checks it."""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import TextArea

CHECK_KEY = "enter"
NEWLINE_KEYS = ("ctrl+j", "shift+enter", "alt+enter")


class AnswerBox(TextArea):
    """A wrapping, multi-line text box for the user's answer.

    ``enter`` checks the answer (posts :class:`AnswerBox.Submitted`) instead of starting
    a new line, as a one-line box would: an answer is a paragraph, and soft wrapping
    shows all of it. A new line is ``ctrl+j`` (or ``shift+enter``/``alt+enter`` where
    the terminal tells them apart), and a paste keeps every line it holds.
    """

    BINDINGS = [
        Binding(CHECK_KEY, "check", "Check answer", id="check", tooltip="Check the answer"),
        Binding("ctrl+j", "newline", "New line", id="newline", show=False),
    ]

    DEFAULT_CSS = """
    AnswerBox {
        height: auto;
        min-height: 3;
        max-height: 10;
    }
    """

    @dataclass
    class Submitted(Message):
        """The user asked for the answer to be checked."""

        box: AnswerBox

        @property
        def control(self) -> AnswerBox:
            return self.box

    def __init__(self, *, id: str | None = None, placeholder: str = "") -> None:  # noqa: A002
        super().__init__(
            id=id,
            soft_wrap=True,
            tab_behavior="focus",
            show_line_numbers=False,
            placeholder=placeholder,
            highlight_cursor_line=False,
        )

    async def _on_key(self, event: events.Key) -> None:
        # Runs before TextArea's own handler (Textual calls each class's, most
        # derived first, until one prevents the default).
        if event.key == CHECK_KEY:
            event.prevent_default()  # not a new line: left to the binding, which checks
        elif event.key in NEWLINE_KEYS and not self.read_only:
            event.stop()
            event.prevent_default()
            self.insert("\n")

    def action_check(self) -> None:
        """Asks for the answer to be checked."""
        self.post_message(self.Submitted(self))

    def action_newline(self) -> None:
        """Starts a new line."""
        if not self.read_only:
            self.insert("\n")
