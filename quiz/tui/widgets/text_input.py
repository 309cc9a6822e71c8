"""A one-line text field that shows control characters instead of sending them to
the terminal."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Input

from quiz.text import control_pictures


class TextInput(Input):
    """An Input whose value is drawn with ``␛`` for an escape (and so on), one
    character for one, so that a pasted escape sequence is seen, not obeyed by the
    terminal. The value itself is kept as it was typed."""

    @property
    def _value(self) -> Text:
        if self.password:
            return super()._value
        text = Text(control_pictures(self.value), no_wrap=True, overflow="ignore", end="")
        return self.highlighter(text) if self.highlighter is not None else text
