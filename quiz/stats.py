"""Progress figures computed from the database: counts and streaks.

Plain functions over a :class:`~quiz.store.Store` and a :class:`~quiz.deck.Deck`,
shared by ``quiz stats`` and the TUI's header.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from quiz.deck import Deck
from quiz.session import Session
from quiz.store import Store


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


def stage(interval: int | None) -> str:
    """ "new" (never reviewed, None), "learning", or "mature" (an interval of 21+ days)."""
    if interval is None:
        return "new"
    return "mature" if interval >= MATURE_DAYS else "learning"


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
        learning=sum(1 for s in in_deck if stage(s.state.interval) == "learning"),
        mature=sum(1 for s in in_deck if stage(s.state.interval) == "mature"),
        due_today=progress.due + progress.drills,
        new_today=progress.new,
        reviewed_today=progress.done_today,
        reviews=store.review_count(grades_only=True),
        streak=session.streak(),
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
    """Today's graded cards, grade spread and time, and tomorrow's load (by the dates
    the schedule really asks cards on, :meth:`Session.due_dates`)."""
    today = session.today
    deck = set(session.deck.ids)  # a renamed card's old grades are not today's cards
    rows = [
        r for r in session.store.reviews_on(today) if r.mode != "practice" and r.card_id in deck
    ]
    tomorrow = today + timedelta(days=1)
    return DaySummary(
        cards=len({r.card_id for r in rows}),
        grades=len(rows),
        spread=dict(sorted(Counter(r.grade for r in rows).items())),
        seconds=sum((r.answer_ms or 0) for r in rows) / 1000,
        due_tomorrow=sum(1 for d in session.due_dates(today).values() if d <= tomorrow),
    )


def next_due(session: Session) -> date | None:
    """The study day of the earliest scheduled review after today, or None."""
    today = session.today
    later = [d for d in session.due_dates(today).values() if d > today]
    return min(later) if later else None


# -- the progress view: per-day figures, forecast, topics, readiness -----------------

HEATMAP_DAYS = 182  # about six months
WINDOW_DAYS = 30


@dataclass(frozen=True)
class Day:
    """One study day's work.

    Attributes:
        day: the study day.
        reviews: every grade logged (re-drills and practice included).
        scheduled: first grades of the day that moved a schedule.
        passed: of those, graded 3 or more.
        seconds: time spent on the cards.
    """

    day: date
    reviews: int
    scheduled: int
    passed: int
    seconds: float

    @property
    def retention(self) -> float | None:
        """Share of scheduling grades of 3 or more; None on a day without any."""
        return self.passed / self.scheduled if self.scheduled else None


def daily(
    store: Store, today: date, days: int = WINDOW_DAYS, deck: Deck | None = None
) -> list[Day]:
    """The last ``days`` study days up to ``today``, oldest first, zero-filled.

    With the ``deck``, the scheduling reviews (and so retention) are those of its
    cards: a card renamed or removed keeps its grades in the log, and they count as
    work done, not as what is remembered of the deck.
    """
    start = today - timedelta(days=days - 1)
    counts = store.daily_counts(start, leave_out=[] if deck is None else orphans(store, deck))
    result = []
    for i in range(days):
        day = start + timedelta(days=i)
        reviews, scheduled, passed, ms = counts.get(day, (0, 0, 0, 0))
        result.append(Day(day, reviews, scheduled, passed, ms / 1000))
    return result


@dataclass(frozen=True)
class Activity:
    """What was done: the heatmap's days and the streaks.

    Attributes:
        days: the last :data:`HEATMAP_DAYS` study days, oldest first, zero-filled.
        studied: every study day with a review, newest first.
        streak: the current streak (:meth:`Session.streak`).
        best: the longest streak.
        reviews: grades logged in all.
    """

    days: list[Day]
    studied: list[date]
    streak: int
    best: int
    reviews: int


def activity(session: Session) -> Activity:
    """The progress screen's first tab: the heatmap and the streaks."""
    store = session.store
    studied = store.review_days()
    return Activity(
        days=daily(store, session.today, HEATMAP_DAYS, session.deck),
        studied=studied,
        streak=session.streak(),
        best=best_streak(studied),
        reviews=store.review_count(grades_only=True),
    )


def orphans(store: Store, deck: Deck) -> list[str]:
    """Ids with a schedule in the database but no card in the deck (renamed or
    removed cards), sorted."""
    return sorted(set(store.card_states()) - set(deck.ids))


def retention(days: Iterable[Day]) -> float | None:
    """Share of scheduling grades of 3 or more over ``days``; None when there were none."""
    days = list(days)
    scheduled = sum(d.scheduled for d in days)
    return sum(d.passed for d in days) / scheduled if scheduled else None


def forecast(session: Session, days: int = WINDOW_DAYS) -> list[tuple[date, int]]:
    """Cards due on each of the next ``days`` days, by the dates the schedule really
    asks them on (an interview plan included); overdue cards count for today."""
    today = session.today
    counts = Counter(max(due, today) for due in session.due_dates(today).values())
    return [(today + timedelta(days=i), counts[today + timedelta(days=i)]) for i in range(days)]


def forecast_column(days: Sequence[tuple[date, int]], day: date | None) -> int | None:
    """The position of ``day`` (e.g. the interview) in a :func:`forecast`, or None
    when it is not one of its days."""
    return next((i for i, (d, _) in enumerate(days) if d == day), None)


@dataclass(frozen=True)
class Topic:
    """A topic's standing over all its cards (its core card and its follow-ups), for
    the mastery table.

    Attributes:
        number: the topic's number; card_id and title are its core card's.
        state: new (no card seen), mature (every card seen, every one mature) or learning.
        easiness: the mean easiness of its cards seen (None: none seen).
        interval: the shortest interval among its cards seen.
        due: the earliest day one of its cards is asked.
        lapses: over all its cards.
        last_grades: its core card's last scheduling grades.
        cards: how many cards it has; seen: how many have been graded.
        mastery: the mean over all its cards (a card never seen counts 0).
    """

    number: int
    card_id: str
    title: str
    state: str
    easiness: float | None
    interval: int | None
    due: date | None
    lapses: int
    last_grades: list[int]
    mastery: float
    cards: int = 1
    seen: int = 0


def mastery(interval: int | None) -> float:
    """How far a card is along the way to a mature (21-day) interval, 0 to 1."""
    return 0.0 if not interval else min(1.0, interval / MATURE_DAYS)


def topics(session: Session) -> list[Topic]:
    """Every topic of the deck, in deck order, over all its cards; due when the
    schedule really asks it. The one set of topic rows that ``quiz list``, Browse and
    the progress screen show."""
    states = session.states()
    dates = session.due_dates()
    result = []
    for core in session.deck.topics:
        cards = session.deck.of_topic(core.id)
        seen = [states[c.id] for c in cards if c.id in states]
        if not seen:
            stage_text = "new"
        elif len(seen) == len(cards) and all(stage(s.state.interval) == "mature" for s in seen):
            stage_text = "mature"
        else:
            stage_text = "learning"
        result.append(
            Topic(
                number=core.number,
                card_id=core.id,
                title=core.title,
                state=stage_text,
                easiness=sum(s.state.easiness for s in seen) / len(seen) if seen else None,
                interval=min(s.state.interval for s in seen) if seen else None,
                # A suspended card has no next review (Session.due_dates).
                due=min((dates[s.card_id] for s in seen if s.card_id in dates), default=None),
                lapses=sum(s.lapses for s in seen),
                last_grades=session.store.last_grades(core.id) if core.id in states else [],
                mastery=sum(mastery(s.state.interval) for s in seen) / len(cards),
                cards=len(cards),
                seen=len(seen),
            )
        )
    return result


@dataclass(frozen=True)
class Interview:
    """Countdown and readiness for the interview date.

    Attributes:
        ready: topics whose every card was last graded 4 or 5 and is not overdue.
        topics: how many topics there are.
        readiness: the share of ready cards, averaged over the topics (0 to 1): a topic
            of seven cards with three ready counts 3/7.
    """

    day: date
    days_left: int
    ready: int
    topics: int
    readiness: float


def interview(session: Session) -> Interview | None:
    """The countdown and readiness figure, or None when no interview date is set."""
    if session.interview is None:
        return None
    today = session.today
    states = session.states()
    dates = session.due_dates(today)

    def is_ready(card_id: str) -> bool:
        state = states.get(card_id)
        due = dates.get(card_id)  # None: suspended
        return state is not None and state.last_grade >= 4 and due is not None and due >= today

    shares = []
    for core in session.deck.topics:
        cards = session.deck.of_topic(core.id)
        shares.append(sum(is_ready(c.id) for c in cards) / len(cards))
    return Interview(
        session.interview,
        (session.interview - today).days,
        ready=sum(1 for share in shares if share == 1),
        topics=len(shares),
        readiness=sum(shares) / len(shares) if shares else 0.0,
    )


def report(session: Session) -> dict[str, Any]:
    """Everything the progress screen shows, as one JSON-ready document."""
    today = session.today
    heat = daily(session.store, today, HEATMAP_DAYS, session.deck)
    window = heat[-WINDOW_DAYS:]
    figures = summary(session, session.deck).as_dict()
    coming = interview(session)
    ahead = forecast(session)
    figures.update(
        retention_30d=retention(window),
        last_30_days=[
            {
                "day": d.day.isoformat(),
                "reviews": d.reviews,
                "retention": d.retention,
                "seconds": d.seconds,
            }
            for d in window
        ],
        forecast=[{"day": day.isoformat(), "due": n} for day, n in ahead],
        heatmap={d.day.isoformat(): d.reviews for d in heat if d.reviews},
        topics=[
            {**asdict(t), "due": t.due.isoformat() if t.due else None} for t in topics(session)
        ],
        interview=None
        if coming is None
        else {
            "date": coming.day.isoformat(),
            "days_left": coming.days_left,
            "ready": coming.ready,
            "readiness": coming.readiness,
            # Where to mark the interview under the forecast (None: not in it).
            "forecast_index": forecast_column(ahead, coming.day),
        },
    )
    return figures
