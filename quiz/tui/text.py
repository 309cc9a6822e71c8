"""Text from outside the code, as the screens show it: literally.

A card's title, question, key points and answer, a typed answer, a file name or an
error message that quotes one is never read as Textual markup (where ``[/x`` raises
and ``[$5]`` is a variable that vanishes), and characters a terminal would act on
(escape sequences, bell, carriage return, bidi overrides) are shown as escapes
(:func:`quiz.text.printable`) instead of reaching the terminal.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions
from rich.measure import Measurement
from rich.segment import Segment
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
    return Cell(printable(text))


class Cell(Text):
    """One line of a DataTable cell, drawn and measured the quick way.

    A table draws every cell it shows again after each change of its rows (a search
    keystroke in Browse: some 200 cells), and measures each row it is given. A Text
    goes through Rich's word wrapping each time, though a cell is one line that is
    never wrapped: a plain Cell that fits its width is one segment, and its width is
    measured once. Anything else (a narrower column, a style, options that ask for
    more) is drawn as a Text. Not to be changed once made: the measure is kept.
    """

    def __init__(self, text: str, style: str = "") -> None:
        super().__init__(text, style=style, no_wrap=True, end="")
        self._cell_width = cell_len(text) if "\n" not in text and "\t" not in text else -1
        self._measured: Measurement | None = None

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterable[Segment]:
        if (
            0 < self._cell_width <= options.max_width
            and not self.style
            and not self.spans
            and self.justify is None
            and options.justify in (None, "default")
        ):
            return [Segment(self.plain)]
        return super().__rich_console__(console, options)

    def width(self) -> int | None:
        """How many cells wide the cell is (what a DataTable measures), when it is one
        line; None otherwise."""
        return self._cell_width if self._cell_width >= 0 else None

    def one_line(self, width: int) -> str | None:
        """The cell as ``width`` cells of plain text (padded with spaces), when it is
        drawn as its text alone: plain, one line, fitting. None otherwise."""
        if 0 <= self._cell_width <= width and not (self.style or self.spans or self.justify):
            return self.plain + " " * (width - self._cell_width)
        return None

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        if self._measured is None:
            self._measured = super().__rich_measure__(console, options)
        return self._measured
