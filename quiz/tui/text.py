"""Text from outside the code, as the screens show it: literally.

A card's title, question, key points and answer, a typed answer, a file name or an
error message that quotes one is never read as Textual markup (where ``[/x`` raises
and ``[$5]`` is a variable that vanishes), and characters a terminal would act on
(escape sequences, bell, carriage return, bidi overrides) are shown as escapes
(:func:`quiz.text.printable`) instead of reaching the terminal.
"""

from __future__ import annotations

from rich.text import Text
from textual.content import Content

from quiz.text import printable


def literal(text: str) -> Content:
    """``text`` for a Static, a Label or ``Content.assemble``: shown as written,
    lines and all."""
    return Content(printable(text, newlines=True))


def clipped(text: str, limit: int = 2_000) -> str:
    """``text`` cut at ``limit`` characters, saying how much more there is: a typed
    answer may be a paste of megabytes, which no screen can lay out in time."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit:,} more characters; quiz export has them all)"


def literal_cell(text: str) -> Text:
    """``text`` for a DataTable cell (which reads a plain string as markup): one line."""
    return Text(printable(text), no_wrap=True, end="")
