"""Study days: the local calendar day, rolling over at 4 a.m. by default.

A review at 1 a.m. still counts for the evening before, as in Anki: people who
study past midnight have not started a new day.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

DEFAULT_ROLLOVER_HOUR = 4


def local_now() -> datetime:
    """The current time, aware, in the machine's local time zone."""
    return datetime.now().astimezone()


def study_day(moment: datetime, rollover_hour: int = DEFAULT_ROLLOVER_HOUR) -> date:
    """The study day ``moment`` belongs to, in its own (local) time zone.

    Args:
        moment: an aware datetime; a naive one is taken as local time.
        rollover_hour: the hour (0-23) at which a new day starts.
    """
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return (moment - timedelta(hours=rollover_hour)).date()


def to_ms(moment: datetime) -> int:
    """Milliseconds since the Unix epoch (UTC) for an aware ``moment``."""
    return int(moment.astimezone(UTC).timestamp() * 1000)


def in_days(days: int) -> str:
    """A number of days from today in words: "today", "tomorrow", "in 13 days",
    "yesterday", "3 days ago"."""
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "yesterday"
    return f"in {days} days" if days > 0 else f"{-days} days ago"


def due_text(due: date, today: date, with_date: bool = False) -> str:
    """A due date relative to today, in the short words of a table column:
    "overdue 2d", "today", "tomorrow", "in 6d" (with ``with_date``,
    "2026-03-09 (in 6d)")."""
    days = (due - today).days
    if days < 0:
        return f"overdue {-days}d"
    if days <= 1:
        return in_days(days)
    return f"{due.isoformat()} (in {days}d)" if with_date else f"in {days}d"
