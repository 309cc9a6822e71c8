"""Progress figures computed from the database: counts and streaks.

Plain functions over a :class:`~quiz.store.Store` and a :class:`~quiz.deck.Deck`,
shared by ``quiz stats`` and the TUI's header.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from quiz.deck import Deck
from quiz.session import Session
from quiz.store import Store


def streak(days: Iterable[date], today: date) -> int:
    """Consecutive study days with a review, ending today (or yesterday, when
    today has no review yet: the streak is not broken until the day is over)."""
    have = set(days)
    day = today if today in have else today - timedelta(days=1)
    count = 0
    while day in have:
        count += 1
        day -= timedelta(days=1)
    return count


def current_streak(store: Store, today: date) -> int:
    """:func:`streak` straight from the database, one index lookup per day of the
    streak, instead of reading every study day of the log."""
    day = today if store.has_review_on(today) else today - timedelta(days=1)
    count = 0
    while store.has_review_on(day):
        count += 1
        day -= timedelta(days=1)
    return count


def best_streak(days: Iterable[date]) -> int:
    """The longest run of consecutive study days with a review."""
    best = run = 0
    previous: date | None = None
    for day in sorted(set(days)):
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        best = max(best, run)
        previous = day
    return best


@dataclass(frozen=True)
class Summary:
    """The figures ``quiz stats`` prints."""

    today: str
    cards: int
    new: int
    learning: int
    mature: int
    due_today: int
    new_today: int
    reviewed_today: int
    reviews: int
    streak: int
    best_streak: int

    def as_dict(self) -> dict[str, Any]:
        """The figures as a JSON-ready dict."""
        return asdict(self)


MATURE_DAYS = 21  # Anki's line between young and mature cards


def summary(session: Session, deck: Deck) -> Summary:
    """Today's figures for the deck over the session's store."""
    store = session.store
    today = session.today
    states = store.card_states()
    in_deck = [states[c.id] for c in deck if c.id in states]
    days = store.review_days()
    progress = session.progress()
    return Summary(
        today=today.isoformat(),
        cards=len(deck),
        new=sum(1 for c in deck if c.id not in states),
        learning=sum(1 for s in in_deck if s.state.interval < MATURE_DAYS),
        mature=sum(1 for s in in_deck if s.state.interval >= MATURE_DAYS),
        due_today=progress.due + progress.drills,
        new_today=progress.new,
        reviewed_today=progress.done_today,
        reviews=store.review_count(),
        streak=current_streak(store, today),
        best_streak=best_streak(days),
    )


@dataclass(frozen=True)
class DaySummary:
    """What today's session amounted to, for the summary screen."""

    cards: int
    grades: int
    spread: dict[int, int]
    seconds: float
    due_tomorrow: int


def day_summary(session: Session) -> DaySummary:
    """Today's graded cards, grade spread and time, and tomorrow's load."""
    today = session.today
    rows = [r for r in session.store.reviews_on(today) if r.mode != "practice"]
    tomorrow = today + timedelta(days=1)
    due = session.store.due_ids(tomorrow)
    return DaySummary(
        cards=len({r.card_id for r in rows}),
        grades=len(rows),
        spread=dict(sorted(Counter(r.grade for r in rows).items())),
        seconds=sum((r.answer_ms or 0) for r in rows) / 1000,
        due_tomorrow=len([cid for cid in due if session.deck.get(cid) is not None]),
    )


def next_due(session: Session) -> date | None:
    """The study day of the earliest scheduled review after today, or None."""
    states = session.store.card_states()
    days = [s.due for cid, s in states.items() if session.deck.get(cid) is not None]
    later = [d for d in days if d > session.today]
    return min(later) if later else None
