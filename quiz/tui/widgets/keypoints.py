"""The card's key points as a checklist, ticked where a typed answer mentions them."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Static

from quiz.deck import Card
from quiz.session import points_mentioned
from quiz.tui.text import literal


class KeyPoints(Vertical):
    """✓ for a point the typed answer made, ✗ for one it missed, • when nothing was typed.

    One row per point, the mark in a column of its own, so a point that wraps keeps
    its indent and the marks read as a list.
    """

    DEFAULT_CSS = """
    KeyPoints { height: auto; }
    KeyPoints .point { height: auto; }
    KeyPoints .mark { width: 3; padding-left: 1; }
    KeyPoints .text { width: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        # (row, mark cell, text cell) per point shown: kept here, not queried, since a
        # row mounted a moment ago may not have its cells in the DOM yet.
        self._rows: list[tuple[Horizontal, Static, Static]] = []

    def compose(self) -> ComposeResult:
        yield Static(id="points-title")

    def show(self, card: Card, answer: str) -> None:
        """Renders the checklist for ``card`` against ``answer``.

        Synchronous: the rows there are are reused and the missing ones mounted
        without waiting, so a caller handling a key finishes before the next key.
        """
        typed = bool(answer.strip())
        hits = points_mentioned(card, answer)
        count = f"  ({sum(hits)}/{len(hits)} in your answer)" if typed else ""
        self.query_one("#points-title", Static).update(
            Content.assemble(("Key points", "bold"), count)
        )
        for row, _, _ in self._rows[len(hits) :]:
            row.remove()
        del self._rows[len(hits) :]
        for index, (point, hit) in enumerate(zip(card.key_points, hits, strict=True)):
            mark = ("✓" if hit else "✗") if typed else "•"
            # Not markup: a card's text is shown as written, brackets and all.
            text = literal(point.text)
            if index < len(self._rows):
                _, mark_cell, text_cell = self._rows[index]
                mark_cell.update(mark)
                text_cell.update(text)
            else:
                mark_cell = Static(mark, classes="mark", markup=False)
                text_cell = Static(text, classes="text")
                row = Horizontal(mark_cell, text_cell, classes="point")
                self._rows.append((row, mark_cell, text_cell))
                self.mount(row)

    @property
    def text(self) -> str:
        """The checklist as plain text, one line per point."""
        lines = [str(self.query_one("#points-title", Static).render())]
        lines += [f"{mark.render()} {text.render()}" for _, mark, text in self._rows]
        return "\n".join(lines)
