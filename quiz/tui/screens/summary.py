"""The end of today's session: what was done, and what tomorrow holds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Static

from quiz.session import GRADE_MEANINGS
from quiz.stats import day_summary
from quiz.tui.bindings import BROWSE, PRACTICE_ALL, UNDO
from quiz.tui.widgets.footer import QuizFooter
from quiz.tui.widgets.today import TodayBar

if TYPE_CHECKING:
    from quiz.tui.app import QuizApp


def _duration(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"


class SummaryScreen(Screen[None]):
    """Today's session summary: cards, grade spread, time spent, due tomorrow."""

    BINDINGS = [UNDO, PRACTICE_ALL, BROWSE]

    app: QuizApp

    def compose(self) -> ComposeResult:
        yield TodayBar(id="today")
        with Vertical(id="summary", classes="panel"):
            yield Static("[b]Done for today.[/b]", classes="title")
            yield Static(id="figures")
        yield QuizFooter(compact=True)

    def on_screen_resume(self) -> None:
        # Also runs when the screen is first shown: the one place its figures are read.
        self.refresh_figures()

    def refresh_figures(self) -> None:
        session = self.app.session
        self.query_one(TodayBar).refresh_from(session)
        day = day_summary(session)
        total = max(1, day.grades)
        lines = [
            f"Cards reviewed   {day.cards} ({day.grades} grades, re-drills included)",
            f"Time spent       {_duration(day.seconds)}",
            f"Due tomorrow     {day.due_tomorrow}",
            "",
            "Grades",
        ]
        for grade in range(5, -1, -1):
            count = day.spread.get(grade, 0)
            bar = "█" * round(20 * count / total)
            lines.append(f"  {grade} {GRADE_MEANINGS[grade]:<36} {count:>3} {bar}")
        self.query_one("#figures", Static).update("\n".join(lines))

    def action_undo(self) -> None:
        self.app.undo()
