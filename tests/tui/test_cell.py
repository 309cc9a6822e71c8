"""quiz.tui.text.Cell: a DataTable cell drawn the quick way must draw and measure
exactly as the Text it stands for, at every width."""

from __future__ import annotations

import pytest
from rich.console import Console
from rich.segment import Segment
from rich.text import Text

from quiz.tui.text import Cell


def lines(console: Console, cell: Text, width: int) -> list[list[Segment]]:
    options = console.options.update_dimensions(width, 1).update(no_wrap=True)
    return console.render_lines(cell, options, pad=True)


@pytest.mark.parametrize(
    "text",
    ["", "—", "12", "explain: Why does the gradient vanish?", "日本語のカード", "a\tb", "a\nb"],
)
@pytest.mark.parametrize("style", ["", "bold"])
def test_a_cell_draws_and_measures_as_its_text(text: str, style: str) -> None:
    console = Console(width=80, color_system="truecolor", legacy_windows=False)
    cell = Cell(text, style=style)
    plain = Text(text, style=style, no_wrap=True, end="")
    assert cell.plain == text
    for width in (1, 3, 8, 20, 40, 80):
        assert lines(console, cell, width) == lines(console, plain, width), width
    measured = cell.__rich_measure__(console, console.options)
    assert measured == plain.__rich_measure__(console, console.options)
    assert cell.__rich_measure__(console, console.options) == measured  # kept
