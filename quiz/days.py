"""Study days: the local calendar day, rolling over at 4 a.m. by default.

A review at 1 a.m. still counts for the evening before, as in Anki: people who
study past midnight have not started a new day.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from quiz.store import Store

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


def current_streak(store: Store, today: date) -> int:
    """Consecutive study days with a review, ending today (or yesterday, when today
    has no review yet: the streak is not broken until the day is over).

    One index lookup per day of the streak, instead of reading every study day of
    the log. Here rather than in :mod:`quiz.stats` because the first screen shows
    it, and the rest of the statistics can load later.
    """
    day = today if store.has_review_on(today) else today - timedelta(days=1)
    count = 0
    while store.has_review_on(day):
        count += 1
        day -= timedelta(days=1)
    return count
