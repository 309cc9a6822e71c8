"""Shown on start when nothing is due: when the next card is, and what to do now."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Button, Static

from quiz.days import in_days
from quiz.session import Session
from quiz.stats import next_due
from quiz.tui import messages
from quiz.tui.bindings import BROWSE, PRACTICE_ALL
from quiz.tui.widgets.footer import QuizFooter
from quiz.tui.widgets.today import TodayBar


class NothingDueScreen(Screen[None]):
    """Nothing due today: says when the next review is; offers practice and browse."""

    BINDINGS = [PRACTICE_ALL, BROWSE]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        yield TodayBar(id="today")
        with Vertical(id="nothing-due", classes="panel"):
            yield Static("[b]Nothing is due today.[/b]", classes="title")
            yield Static(id="next-due")
            with Center():
                yield Button("p  Practice anyway", id="practice", compact=True)
            with Center():
                yield Button("b  Browse the topics", id="browse", compact=True)
        yield QuizFooter(compact=True)

    def on_mount(self) -> None:
        if not self.is_attached:
            return  # quit in the same burst of keys that opened it: nothing to set up
        session = self.session
        self.query_one(TodayBar).refresh_from(session)
        day = next_due(session)
        if day is None:
            text = "No review is scheduled yet."
        else:
            when = in_days((day - session.today).days)
            text = f"The next card is due {when}, on {day:%A %-d %B}."
        self.query_one("#next-due", Static).update(text)

    def tick(self, new_day: bool) -> None:
        """The app's clock: on a new study day with cards due, go to them."""
        if new_day and self.session.current() is not None:
            self.post_message(messages.ShowToday())

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "practice":
            self.post_message(messages.PracticeRequested())
        elif event.button.id == "browse":
            self.post_message(messages.BrowseRequested())
