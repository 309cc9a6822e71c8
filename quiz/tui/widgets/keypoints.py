"""The card's key points as a checklist, ticked where a typed answer mentions them."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Static

from quiz.deck import Card
from quiz.session import points_mentioned


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

    def compose(self) -> ComposeResult:
        yield Static(id="points-title")

    async def show(self, card: Card, answer: str) -> None:
        """Renders the checklist for ``card`` against ``answer``."""
        typed = bool(answer.strip())
        hits = points_mentioned(card, answer)
        count = f"  ({sum(hits)}/{len(hits)} in your answer)" if typed else ""
        self.query_one("#points-title", Static).update(
            Content.assemble(("Key points", "bold"), count)
        )
        await self.query(".point").remove()
        rows = []
        for point, hit in zip(card.key_points, hits, strict=True):
            mark = ("✓" if hit else "✗") if typed else "•"
            # Content, not markup: a card's text is shown as written, brackets and all.
            rows.append(
                Horizontal(
                    Static(mark, classes="mark", markup=False),
                    Static(Content(point.text), classes="text"),
                    classes="point",
                )
            )
        await self.mount_all(rows)

    @property
    def text(self) -> str:
        """The checklist as plain text, one line per point."""
        lines = [str(self.query_one("#points-title", Static).render())]
        for row in self.query(".point"):
            mark, text = row.query(Static)
            lines.append(f"{mark.render()} {text.render()}")
        return "\n".join(lines)
