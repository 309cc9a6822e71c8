"""The one-line header: today at a glance."""

from __future__ import annotations

from textual.widgets import Static

from quiz.session import Session
from quiz.stats import current_streak


class TodayBar(Static):
    """Cards left, new, done today and the current streak."""

    def refresh_from(self, session: Session) -> None:
        """Recomputes the figures from the session."""
        progress = session.progress()
        days = current_streak(session.store, session.today)
        self.update(
            f"[b]{progress.left}[/b] left · [b]{progress.new}[/b] new · "
            f"[b]{progress.done_today}[/b] done today · streak [b]{days}[/b] "
            f"day{'s' if days != 1 else ''}"
        )
