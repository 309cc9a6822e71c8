"""Today's study session: which card comes next, and what a grade does.

The queue is derived from the database every time it is asked for, so a session
that was quit (or killed) resumes exactly where it stopped:

1. cards due today or earlier, most overdue first;
2. new cards, in deck order, up to the daily limit (less those started today);
3. re-drills: cards whose latest grade today is below 4 come back, in the order
   they were graded, until graded 4 or 5 (SM-2's same-day rule). Only the day's
   first grade of a card moves its schedule; re-drills are logged as ``drill``.

Practice (any card, any time) is logged as ``practice`` and never moves a schedule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from quiz.days import DEFAULT_ROLLOVER_HOUR, local_now, study_day, to_ms
from quiz.deck import Card, Deck
from quiz.store import Mode, Review, Store

DEFAULT_NEW_PER_DAY = 15
PASSING_DRILL_GRADE = 4


@dataclass(frozen=True)
class Item:
    """A card in the queue and the mode its grade will be logged in."""

    card: Card
    mode: Mode


@dataclass(frozen=True)
class Graded:
    """What a grade did.

    Attributes:
        review: the logged row.
        again_today: the card comes back later in this session.
    """

    review: Review
    again_today: bool

    @property
    def interval(self) -> int:
        """Days until the next scheduled review (unchanged by drills and practice)."""
        return self.review.after.interval


@dataclass(frozen=True)
class Progress:
    """Today at a glance."""

    due: int
    new: int
    drills: int
    done_today: int

    @property
    def left(self) -> int:
        """Cards still to grade today (a re-drilled card counts once)."""
        return self.due + self.new + self.drills


GRADE_MEANINGS = {
    5: "perfect",
    4: "correct, after a pause",
    3: "correct, with serious difficulty",
    2: "wrong, but the answer felt familiar",
    1: "wrong, remembered on seeing it",
    0: "blackout",
}


def points_mentioned(card: Card, answer: str) -> list[bool]:
    """For each key point of ``card``, whether the typed ``answer`` mentions it."""
    return [point.mentioned_in(answer) for point in card.key_points]


def suggest_grade(card: Card, answer: str) -> int | None:
    """A grade suggested by the share of key points a typed answer mentions.

    None when nothing was typed: then only the user can judge their recall.
    """
    if not answer.strip():
        return None
    hits = points_mentioned(card, answer)
    share = sum(hits) / len(hits)
    if share == 1:
        return 5
    if share >= 0.75:
        return 4
    if share >= 0.5:
        return 3
    return 2 if share > 0 else 1


class Session:
    """Today's queue over a store and a deck.

    Args:
        store: the open database.
        deck: the cards.
        now: the clock (aware datetimes); injectable for tests.
        rollover_hour: the local hour at which a new study day starts.
        new_per_day: how many new cards to introduce per day.
        interview: the interview date, if set: next reviews are scheduled before it.
    """

    def __init__(
        self,
        store: Store,
        deck: Deck,
        *,
        now: Callable[[], datetime] = local_now,
        rollover_hour: int = DEFAULT_ROLLOVER_HOUR,
        new_per_day: int = DEFAULT_NEW_PER_DAY,
        interview: date | None = None,
    ) -> None:
        self.store = store
        self.interview = interview
        self.deck = deck
        self.now = now
        self.rollover_hour = rollover_hour
        self.new_per_day = new_per_day
        self._front: str | None = None  # an undone card is asked again first

    @property
    def today(self) -> date:
        """The current study day."""
        return study_day(self.now(), self.rollover_hour)

    def _parts(self) -> tuple[list[Item], list[Item], list[Item], int]:
        today = self.today
        states = self.store.card_states()
        todays = [r for r in self.store.reviews_on(today) if r.mode != "practice"]
        scheduled_today = {r.card_id for r in todays if r.mode == "review"}
        last_grade: dict[str, int] = {}
        for r in todays:  # oldest first: re-inserting keeps the latest grade's order
            last_grade.pop(r.card_id, None)
            last_grade[r.card_id] = r.grade
        due = sorted(
            (
                c
                for c in self.deck
                if c.id in states and states[c.id].due <= today and c.id not in scheduled_today
            ),
            key=lambda c: (states[c.id].due, c.number),
        )
        started_today = sum(1 for s in states.values() if s.introduced == today)
        allowance = max(0, self.new_per_day - started_today)
        new = [c for c in self.deck if c.id not in states][:allowance]
        by_id = {c.id: c for c in self.deck}
        drills = [
            Item(by_id[cid], "drill")
            for cid, grade in last_grade.items()
            if grade < PASSING_DRILL_GRADE and cid in by_id
        ]
        return (
            [Item(c, "review") for c in due],
            [Item(c, "review") for c in new],
            drills,
            len(todays),
        )

    def queue(self) -> list[Item]:
        """The cards left today, in the order they will be asked."""
        due, new, drills, _ = self._parts()
        items = due + new + drills
        if self._front is not None:
            front = [i for i in items if i.card.id == self._front]
            items = front + [i for i in items if i.card.id != self._front]
        return items

    def current(self) -> Item | None:
        """The card to ask now, or None when today's session is done."""
        items = self.queue()
        return items[0] if items else None

    def progress(self) -> Progress:
        """Counts for the header: due, new and re-drills left, and grades made today."""
        due, new, drills, done = self._parts()
        return Progress(len(due), len(new), len(drills), done)

    def grade(self, grade: int, answer: str = "", answer_ms: int | None = None) -> Graded:
        """Grades the current card, committing the grade before returning.

        Raises:
            LookupError: there is no card left today.
            ValueError: ``grade`` is not an int from 0 to 5.
        """
        item = self.current()
        if item is None:
            raise LookupError("no card is left today")
        moment = self.now()
        review = self.store.record(
            item.card.id,
            grade,
            item.mode,
            day=study_day(moment, self.rollover_hour),
            ts_ms=to_ms(moment),
            answer=answer,
            answer_ms=answer_ms,
            interview=self.interview,
        )
        self._front = None
        return Graded(review, again_today=grade < PASSING_DRILL_GRADE)

    def practice(
        self, card: Card, grade: int, answer: str = "", answer_ms: int | None = None
    ) -> Review:
        """Logs a practice grade for any card; its schedule does not move."""
        moment = self.now()
        return self.store.record(
            card.id,
            grade,
            "practice",
            day=study_day(moment, self.rollover_hour),
            ts_ms=to_ms(moment),
            answer=answer,
            answer_ms=answer_ms,
        )

    def undo(self) -> Review | None:
        """Takes back today's last grade; the card is asked again next.

        Returns:
            The removed review, or None if nothing was graded today.
        """
        review = self.store.undo_last(on_day=self.today)
        if review is not None and review.mode != "practice":
            self._front = review.card_id
        return review
