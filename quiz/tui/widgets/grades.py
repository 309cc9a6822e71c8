"""The six grade buttons, each labelled with its meaning."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Button

from quiz.session import GRADE_MEANINGS

SHORT = {5: "perfect", 4: "hesitant", 3: "hard", 2: "familiar", 1: "wrong", 0: "blackout"}


class GradeBar(Horizontal):
    """Buttons 0-5; a click posts :class:`GradeBar.Chosen` like the digit keys do."""

    @dataclass
    class Chosen(Message):
        """A grade was picked with the mouse."""

        grade: int

    def compose(self) -> ComposeResult:
        for grade in range(6):
            button = Button(f"{grade} {SHORT[grade]}", id=f"grade-{grade}", compact=True)
            button.tooltip = f"{grade}: {GRADE_MEANINGS[grade]}"
            yield button

    def suggest(self, grade: int | None) -> None:
        """Marks the suggested grade (with a ★, not colour alone)."""
        for g in range(6):
            button = self.query_one(f"#grade-{g}", Button)
            button.label = f"{'★' if g == grade else ''}{g} {SHORT[g]}"
            button.set_class(g == grade, "suggested")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id:
            self.post_message(self.Chosen(int(event.button.id.removeprefix("grade-"))))
