"""The card's key points as a checklist, ticked where a typed answer mentions them."""

from __future__ import annotations

from rich.markup import escape
from textual.widgets import Static

from quiz.deck import Card
from quiz.session import points_mentioned


class KeyPoints(Static):
    """✓ for a point the typed answer made, ✗ for one it missed, • when nothing was typed."""

    def show(self, card: Card, answer: str) -> None:
        """Renders the checklist for ``card`` against ``answer``."""
        typed = bool(answer.strip())
        hits = points_mentioned(card, answer)
        lines = [
            "[b]Key points[/b]" + (f"  ({sum(hits)}/{len(hits)} in your answer)" if typed else "")
        ]
        for point, hit in zip(card.key_points, hits, strict=True):
            mark = ("✓" if hit else "✗") if typed else "•"
            lines.append(f" {mark} {escape(point.text)}")
        self.update("\n".join(lines))
