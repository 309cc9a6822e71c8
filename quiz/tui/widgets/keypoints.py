"""The card's key points as a checklist, ticked where a typed answer makes them, with
the words that show it, and the wrong claims the answer states, each with its
correction (:func:`quiz.checker.check_answer`).

The person can overrule the checker before grading: ``t`` (or a click) goes to the
checklist, ↑ ↓ move between its rows, ``space`` flips a tick or dismisses a wrong
claim, ``escape`` goes back. :class:`KeyPoints.Changed` tells the screen, which
suggests the grade the ticks now support.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from quiz.deck import Card
from quiz.tui.text import clipped, literal

if TYPE_CHECKING:
    from quiz.checker import CheckResult


class Row(Horizontal, can_focus=True):
    """One row of the checklist: a key point, or a wrong claim the answer states."""

    BINDINGS = [
        Binding("space,x", "flip", "Flip", id="flip", tooltip="Flip this tick"),
        Binding("down,j", "move(1)", "Next", show=False),
        Binding("up,k", "move(-1)", "Previous", show=False),
        Binding("escape,t", "leave", "Done", show=False),
    ]

    class Flipped(Message):
        """The person flipped this row."""

        def __init__(self, row: Row) -> None:
            super().__init__()
            self.row = row

    def __init__(self, mark: Static, text: Static, kind: str, index: int) -> None:
        super().__init__(mark, text, classes=f"point {kind}")
        self.mark, self.body, self.kind, self.index = mark, text, kind, index

    def action_flip(self) -> None:
        self.post_message(self.Flipped(self))

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.post_message(self.Flipped(self))

    def action_move(self, step: int) -> None:
        rows = [r for r in self.parent.query(Row) if r.display] if self.parent else []
        if self in rows:
            rows[(rows.index(self) + step) % len(rows)].focus()

    def action_leave(self) -> None:
        self.screen.set_focus(None)


class KeyPoints(Vertical):
    """✓ for a point the typed answer made (with the words that made it), ✗ for one it
    missed, • when nothing was typed; then each wrong claim it states, corrected.

    One row per point, the mark in a column of its own, so a point that wraps keeps
    its indent and the marks read as a list.
    """

    DEFAULT_CSS = """
    KeyPoints { height: auto; }
    KeyPoints .point { height: auto; }
    KeyPoints .point:focus { background: $boost; }
    KeyPoints .mark { width: 3; padding-left: 1; }
    KeyPoints .text { width: 1fr; }
    KeyPoints .wrong .mark { color: $error; }
    KeyPoints #points-note { color: $text-muted; }
    """

    class Changed(Message):
        """A tick was flipped or a claim dismissed: the grade to suggest now."""

        def __init__(self, suggested: int | None) -> None:
            super().__init__()
            self.suggested = suggested

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        # The rows shown: kept here, not queried, since a row mounted a moment ago may
        # not have its cells in the DOM yet.
        self._rows: list[Row] = []
        self.result: CheckResult | None = None
        self.made: list[bool] = []  # the ticks as they stand (the person may flip them)
        self.standing: list[bool] = []  # per wrong claim: not dismissed
        self._card: Card | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="points-title")
        yield Static(id="points-note")

    def show(self, card: Card, answer: str) -> CheckResult | None:
        """Renders the checklist for ``card`` against ``answer`` and returns what the
        checker found (None when nothing was typed).

        Synchronous: the rows there are are reused and the missing ones mounted
        without waiting, so a caller handling a key finishes before the next key.
        """
        self._card = card
        if answer.strip():
            from quiz.checker import check_answer  # compiled per card, on first use

            self.result = check_answer(card, answer)
            self.made = self.result.made
            self.standing = [True] * len(self.result.misconceptions)
        else:
            self.result, self.made, self.standing = None, [], []
        self._redraw()
        return self.result

    @property
    def suggested(self) -> int | None:
        """The grade the ticks as they stand support (None: nothing typed)."""
        if self.result is None:
            return None
        return self.result.regrade(self.made, misconceptions=any(self.standing))

    def focus_first(self) -> None:
        """Gives the first row the keys (``t``): ↑ ↓ move, space flips."""
        rows = [r for r in self._rows if r.display]
        if rows:
            rows[0].focus()

    def on_row_flipped(self, message: Row.Flipped) -> None:
        message.stop()
        row = message.row
        if self.result is None:
            return  # nothing typed: nothing to flip
        if row.kind == "wrong":
            self.standing[row.index] = not self.standing[row.index]
        else:
            self.made[row.index] = not self.made[row.index]
        self._redraw()
        self.post_message(self.Changed(self.suggested))

    # -- drawing ---------------------------------------------------------------------

    def _redraw(self) -> None:
        card = self._card
        if card is None:
            return
        result = self.result
        typed = result is not None
        count = f"  ({sum(self.made)}/{len(self.made)} in your answer)" if typed else ""
        self.query_one("#points-title", Static).update(
            Content.assemble(("Key points", "bold"), count)
        )
        note = self.query_one("#points-note", Static)
        note.display = typed
        if result is not None:
            note.update(
                "t goes to the ticks: ↑ ↓ choose, space flips a tick or dismisses a wrong "
                "claim (the suggestion follows), esc comes back"
                + ("" if result.has_sentence else " · a list of words, no sentence: ★2 at most")
            )
        lines: list[tuple[str, str, Content]] = []
        for index, point in enumerate(card.key_points):
            lines.append(("point", self._point_mark(index), self._point_text(index, point.text)))
        if result is not None:
            for index, wrong in enumerate(result.misconceptions):
                mark = "✗" if self.standing[index] else "·"
                text = Content.assemble(
                    ("Wrong: " if self.standing[index] else "Dismissed: ", "bold"),
                    literal(wrong.claim),
                    "\n",
                    ("  you wrote ", "dim"),
                    literal(f"“{clipped(wrong.evidence)}”"),
                    "\n",
                    ("  → ", "bold"),
                    literal(wrong.correction),
                )
                lines.append(("wrong", mark, text))
        if [row.kind for row in self._rows] == [kind for kind, _, _ in lines]:
            for row, (_, mark, text) in zip(self._rows, lines, strict=True):
                row.mark.update(mark)
                row.body.update(text)
            return
        for row in self._rows:
            row.remove()
        counts = {"point": 0, "wrong": 0}
        self._rows = []
        for kind, mark, text in lines:
            row = Row(
                Static(mark, classes="mark", markup=False),
                Static(text, classes="text"),
                kind,
                counts[kind],
            )
            counts[kind] += 1
            self._rows.append(row)
        self.mount_all(self._rows)

    def _point_mark(self, index: int) -> str:
        if self.result is None:
            return "•"
        return "✓" if self.made[index] else "✗"

    def _point_text(self, index: int, text: str) -> Content:
        # Not markup: a card's text is shown as written, brackets and all.
        shown = literal(text)
        if self.result is None:
            return shown
        check = self.result.points[index]
        if check.evidence is None:
            return shown
        if check.vetoed_by and not self.made[index]:
            said = ("  said with a wrong claim: ", "dim")
        else:
            said = ("  you wrote ", "dim")
        return Content.assemble(shown, "\n", said, literal(f"“{clipped(check.evidence)}”"))

    @property
    def text(self) -> str:
        """The checklist as plain text, one line per row."""
        lines = [str(self.query_one("#points-title", Static).render())]
        lines += [f"{row.mark.render()} {row.body.render()}" for row in self._rows]
        return "\n".join(lines)
