"""The answer box: several lines for a typed answer."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.widgets import TextArea

from quiz.text import control_pictures

NEWLINE_KEYS = ("ctrl+j", "shift+enter", "alt+enter")


class AnswerBox(TextArea):
    """A wrapping, multi-line text box for the user's answer.

    ``enter`` runs the screen's ``check`` action (the review screen reveals the answer
    and moves the focus on) instead of starting a new line, as a one-line box would;
    keys typed behind it then go where the focus went. An answer is a paragraph, and
    soft wrapping shows all of it; a new line is ``ctrl+j`` (or ``shift+enter`` /
    ``alt+enter`` where the terminal tells them apart), and a paste keeps every line.
    """

    DEFAULT_CSS = """
    AnswerBox {
        height: auto;
        min-height: 3;
        max-height: 10;
    }
    """

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
        if self.screen.focused is not self:
            # A key the app handed to the box before the focus moved on (typed right
            # behind enter, or a burst): given back to the app, it goes where the
            # focus is now, in the order it was typed.
            event.stop()
            event.prevent_default()
            self.app.post_message(events.Key(event.key, event.character))
        elif event.key == "enter":
            # Checked here, in the order the keys were typed, not by a binding: the
            # app runs bindings once a key has bubbled up to it, and by then the box
            # had taken the keys typed behind the enter (a grade went into the answer).
            event.stop()
            event.prevent_default()
            await self.run_action("screen.check")
        elif event.key == "escape":
            # Left here too, in the order typed: left to the screen's binding, escape
            # took effect once it had bubbled up, and a b typed right behind it went
            # into the box instead of opening Browse.
            if await self.app.run_action("screen.leave", self):
                event.stop()
                event.prevent_default()
        elif event.key in NEWLINE_KEYS and not self.read_only:
            event.stop()
            event.prevent_default()
            self.insert("\n")

    def get_line(self, line_index: int) -> Text:
        # A pasted escape sequence is drawn as ␛[31m, one character for one (the
        # cursor counts characters), not sent to the terminal to obey.
        line = self.document.get_line(line_index)
        return Text(control_pictures(line), end="", no_wrap=True)
