"""The six grade buttons, each labelled with its meaning."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Button

from quiz.sm2 import GRADE_MEANINGS, GRADE_WORDS


class GradeBar(Horizontal):
    """Buttons 0-5; a click posts :class:`GradeBar.Chosen` like the digit keys do."""

    class Chosen(Message):
        """A grade was picked with the mouse."""

        def __init__(self, grade: int) -> None:
            super().__init__()
            self.grade = grade

    suggested: int | None = None  # set per instance by suggest()

    def compose(self) -> ComposeResult:
        for grade in range(6):
            button = Button(self._label(grade), id=f"grade-{grade}", compact=True)
            button.set_class(grade == self.suggested, "suggested")
            button.tooltip = f"{grade}: {GRADE_MEANINGS[grade]}"
            yield button

    def _label(self, grade: int) -> str:
        return f"{'★' if grade == self.suggested else ''}{grade} {GRADE_WORDS[grade]}"

    def suggest(self, grade: int | None) -> None:
        """Marks the suggested grade (with a ★, not colour alone). Works before the
        buttons exist too: they are made with the mark."""
        self.suggested = grade
        for button in self.query(Button).results(Button):
            g = _grade_of(button)
            button.label = self._label(g)
            button.set_class(g == grade, "suggested")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.Chosen(_grade_of(event.button)))


def _grade_of(button: Button) -> int:
    """The grade a button made by :meth:`GradeBar.compose` stands for."""
    return int((button.id or "").removeprefix("grade-"))
