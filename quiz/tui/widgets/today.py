"""The one-line header: today at a glance."""

from __future__ import annotations

from textual.widgets import Static

from quiz.session import Progress, Session


class TodayBar(Static):
    """Cards left, new, done today and the current streak."""

    def refresh_from(self, session: Session, progress: Progress | None = None) -> None:
        """Recomputes the figures from the session (``progress``: its counts, when the
        caller has just read them)."""
        if progress is None:
            progress = session.progress()
        days = session.streak()
        self.update(
            f"[b]{progress.left}[/b] left · [b]{progress.new}[/b] new · "
            f"[b]{progress.done_today}[/b] done today · streak [b]{days}[/b] "
            f"day{'s' if days != 1 else ''}"
            # A tag is a lower-case word (checked as the deck loads): no markup in it.
            + (f" · tag [b]{session.tag}[/b]" if session.tag else "")
            + _interview_text(session)
        )


def _interview_text(session: Session) -> str:
    if session.interview is None:
        return ""  # and quiz.stats need not load before the first card
    from quiz.stats import interview

    coming = interview(session)
    if coming is None or coming.days_left < 0:
        return ""
    when = "today" if coming.days_left == 0 else f"in {coming.days_left}d"
    return f" · interview {when}, ready {coming.readiness:.0%}"
