"""The end of today's session: what was done, and what tomorrow holds."""

from __future__ import annotations

import math

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from quiz.session import Session
from quiz.sm2 import GRADE_MEANINGS
from quiz.stats import day_summary
from quiz.textcharts import meter
from quiz.tui import messages
from quiz.tui.bindings import BROWSE, PRACTICE_ALL, UNDO
from quiz.tui.text import literal
from quiz.tui.widgets.footer import QuizFooter
from quiz.tui.widgets.today import TodayBar


def _duration(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"


class SummaryScreen(Screen[None]):
    """Today's session summary: cards, grade spread, time spent, due tomorrow."""

    BINDINGS = [UNDO, PRACTICE_ALL, BROWSE]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        yield TodayBar(id="today")
        with Vertical(id="summary", classes="panel"):
            yield Static(id="summary-title", classes="title")
            yield Static(id="figures")
        yield QuizFooter(compact=True)

    def on_screen_resume(self) -> None:
        if not self.is_attached:
            return  # the app is closing
        # Also runs when the screen is first shown: the one place its figures are read.
        if not self.tick(new_day=False):
            self.refresh_figures()

    def tick(self, new_day: bool) -> bool:
        """The app's clock: back to the cards when one is ready (a failed card's
        minute is up, or a new study day began); else the countdown moves on.

        Returns:
            True if the app moved on to a card.
        """
        if self.session.current() is not None:
            self.post_message(messages.ShowToday())
            return True
        if not self.query("#summary-title"):
            # Being put up (its panel not mounted yet: the app's own check sees the
            # screen mounted) or taken down: nothing to show the time on. When it
            # shows, on_screen_resume reads the figures, a new day's included.
            return False
        if new_day:
            self.refresh_figures()
        else:
            self._show_waiting()
        return False

    def _show_waiting(self) -> None:
        waiting = self.session.waiting()
        title = self.query_one("#summary-title", Static)
        if waiting is None:
            title.update(Content.styled("Done for today.", "bold"))
            return
        seconds = max(0, math.ceil((waiting.ready_at - self.session.now()).total_seconds()))
        title.update(
            Content.assemble(
                ("Almost done: ", "bold"),
                literal(
                    f"“{waiting.item.card.title}” comes back in {seconds} s "
                    "(it was graded below 4; a failed card is asked again after a minute "
                    "when no other card is left)."
                ),
            )
        )

    @on(messages.InterviewChanged)
    def refresh_figures(self) -> None:
        session = self.session
        self._show_waiting()
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
            bar = meter(count / total, 20, empty="")
            lines.append(f"  {grade} {GRADE_MEANINGS[grade]:<36} {count:>3} {bar}")
        self.query_one("#figures", Static).update("\n".join(lines))

    def action_undo(self) -> None:
        self.post_message(messages.UndoRequested())
