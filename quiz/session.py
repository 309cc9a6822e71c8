"""Today's study session: which card comes next, and what a grade does.

The queue is derived from the database every time it is asked for, so a session
that was quit (or killed) resumes exactly where it stopped:

1. re-drills that are ready: cards whose latest grade today is below 4 come back,
   in the order they were graded, until graded 4 or 5 (SM-2's same-day rule). Only
   the day's first grade of a card moves its schedule; re-drills are logged as
   ``drill``. A failed card is ready once 3 other cards have been graded since, or,
   when nothing else is left to show, 60 seconds after its grade: never at once;
2. cards due today or earlier (by the interview plan's dates, :mod:`quiz.plan`),
   most overdue first; cards due on the same day in an order shuffled per study day;
3. new cards, up to the daily limit (less those started today): the topics' core cards
   in deck order, then follow-up cards of the topics whose core card has been seen, a
   topic at a time in turn (:func:`_new_cards`);
4. re-drills not ready yet, soonest first (:meth:`Session.waiting`).

Suspended cards (by hand, or as leeches) and cards buried today sit out of all four;
a session limited to a tag (:attr:`Session.tag`) asks only the cards with that tag.
Suspending, unsuspending and burying are rows of the log (:meth:`Session.mark`), so
undo takes them back as it takes back a grade.

An undone card is asked again first. Practice (any card, any time) is logged as
``practice`` and never moves a schedule.

A grade names what was shown: the :class:`Item` (card, mode, study day) that
:meth:`Session.current` returned. If the queue no longer has that card in that mode
on that day (another instance graded it meanwhile, or the day rolled over while it
was on screen), the grade is refused with :class:`StaleGrade` and nothing is logged;
the check and the write are one transaction.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, date, datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import Protocol

from quiz import config, plan
from quiz.config import DEFAULT_LEECH_LAPSES, DEFAULT_NEW_PER_DAY
from quiz.days import DEFAULT_ROLLOVER_HOUR, local_now, study_day, to_ms
from quiz.deck import Card, Deck
from quiz.errors import QuizError
from quiz.frozen import frozen
from quiz.records import Action, CardState, Mode, Review
from quiz.store import Marks, Store

LEECH_TAG = "leech"

PASSING_DRILL_GRADE = 4
DRILL_AFTER_CARDS = 3  # a failed card comes back once this many others were graded
DRILL_AFTER = timedelta(seconds=60)  # ... or after this, when nothing else is left


@frozen
class Item:
    """A card in the queue, the mode its grade will be logged in, and the study day
    whose queue it is in: what a screen shows, and passes back to grade it."""

    card: Card
    mode: Mode
    day: date


class StaleGrade(QuizError):
    """A grade for a card the queue no longer holds as it was shown: nothing was logged.

    Attributes:
        card_id: the card the grade named.
        reason: why, in a few words ("a new study day began").
    """

    def __init__(self, card_id: str, reason: str) -> None:
        super().__init__(f"not graded: the card {card_id!r} changed since it was shown ({reason})")
        self.card_id = card_id
        self.reason = reason


@frozen
class Graded:
    """What a grade did.

    Attributes:
        review: the logged row.
        again_today: the card comes back later in this session.
        due: the study day of the card's next scheduled review, as the schedule will
            really ask it (an interview plan may make it earlier than SM-2's interval);
            None for a practice grade, which moves no schedule.
        leech: the grade made the card a leech: tagged leech and suspended.
        lapses: the card's lapses after the grade.
    """

    review: Review
    again_today: bool
    due: date | None
    leech: bool = False
    lapses: int = 0

    @property
    def interval(self) -> int:
        """SM-2's interval in days (unchanged by drills and practice); :attr:`due`
        is when the card is really asked."""
        return self.review.after.interval

    @property
    def days(self) -> int | None:
        """Days from the grade's study day to :attr:`due` (None for practice)."""
        return None if self.due is None else (self.due - self.review.day).days


@frozen
class Waiting:
    """A failed card that is not ready to come back yet.

    Attributes:
        item: the card, in ``drill`` mode.
        ready_at: when it comes back if nothing else is left to show (aware).
    """

    item: Item
    ready_at: datetime


@frozen
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


class Queue(Protocol):
    """What the review screen asks: today's :class:`Session`, or a practice run
    (:class:`quiz.practice.Practice`)."""

    def current(self) -> Item | None:
        """The card to ask now, or None when there is none."""
        ...

    def progress(self) -> Progress:
        """The counts for the header."""
        ...

    def grade(
        self, shown: Item, grade: int, answer: str = "", answer_ms: int | None = None
    ) -> Graded:
        """Logs a grade for the card shown (:class:`StaleGrade` if it changed)."""
        ...

    def undo(self) -> Review | None:
        """Takes back today's last grade, if any."""
        ...


@frozen
class _Today:
    """One reading of today's queue, in its parts."""

    day: date
    due: list[Item]
    new: list[Item]
    ready: list[Item]  # re-drills ready now
    waiting: list[Waiting]  # re-drills not ready yet, soonest first
    done: int  # grades today (practice not counted)
    scheduled: set[str]  # cards with a scheduling grade today

    def items(self) -> Iterator[Item]:
        """Every card left, in the order they will be asked (undo aside)."""
        yield from self.ready
        yield from self.due
        yield from self.new
        for waiting in self.waiting:
            yield waiting.item


def _new_cards(deck: Deck, states: Mapping[str, CardState]) -> Iterator[Card]:
    """The cards never scheduled that may be introduced, in the order they are: every
    topic's core card first (deck order); a follow-up card only once its topic's core
    card has been seen, the follow-ups taken a topic at a time in turn, so that a day's
    new cards span the topics instead of exhausting the first one
    (:attr:`Deck.introduction_order`)."""
    for card in deck.introduction_order:
        if card.id not in states and (card.is_core or card.topic_id in states):
            yield card


def _shuffle_key(day: date, card_id: str) -> int:
    """A per-day order for cards due on the same day: the same all day long (the
    queue is derived again on every call), another the next day. crc32, not
    ``hash()``, whose value for a string changes with each process."""
    return zlib.crc32(f"{day.isoformat()}/{card_id}".encode())


class Session:
    """Today's queue over a store and a deck.

    Args:
        store: the open database.
        deck: the cards.
        now: the clock (aware datetimes); injectable for tests.
        rollover_hour: the local hour at which a new study day starts.
        new_per_day: how many new cards to introduce per day.
        interview: the interview date, if set: reviews are planned before it
            (:mod:`quiz.plan`).
        tag: ask only the cards with this tag (None: every card).
        leech_lapses: lapses that make a card a leech (0: never).
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
        tag: str | None = None,
        leech_lapses: int = DEFAULT_LEECH_LAPSES,
    ) -> None:
        self.store = store
        self.tag = tag
        self.leech_lapses = leech_lapses
        self.interview = interview
        self.deck = deck
        self.now = now
        self.rollover_hour = rollover_hour
        self.new_per_day = new_per_day
        self._front: str | None = None  # an undone card is asked again first

    @property
    def path(self) -> Path:
        """The database file."""
        return self.store.path

    @property
    def today(self) -> date:
        """The current study day."""
        return study_day(self.now(), self.rollover_hour)

    def states(self) -> dict[str, CardState]:
        """The schedules of the deck's cards (cards no longer in the deck left out)."""
        states = self.store.card_states()
        return {c.id: states[c.id] for c in self.deck if c.id in states}

    def due_dates(self, day: date | None = None) -> dict[str, date]:
        """Each scheduled card's effective due date (:func:`quiz.plan.due_dates`): the
        day it is really asked, which is what lists and figures should show.

        Args:
            day: the study day to plan from (default: today).
        """
        dates = plan.due_dates(self.states(), day or self.today, self.interview)
        # A suspended card has no next review until it is unsuspended: not in the
        # forecast, nor in "next review" anywhere.
        suspended = {card_id for card_id, mark in self.marks().items() if mark.suspended}
        return {k: v for k, v in dates.items() if k not in suspended} if suspended else dates

    def marks(self) -> dict[str, Marks]:
        """What the log says of each suspended, buried or leech card, by id."""
        return self.store.marks()

    def tags_of(self, card: Card, marks: Mapping[str, Marks] | None = None) -> tuple[str, ...]:
        """The card's tags, with ``leech`` once it has become one."""
        mark = (self.marks() if marks is None else marks).get(card.id)
        if mark is not None and mark.leech and LEECH_TAG not in card.tags:
            return (*card.tags, LEECH_TAG)
        return card.tags

    def all_tags(self) -> dict[str, int]:
        """Every tag of the deck (``leech`` included once a card is one), with how many
        cards carry it, by name."""
        marks = self.marks()
        counts: dict[str, int] = {}
        for card in self.deck:
            for tag in self.tags_of(card, marks):
                counts[tag] = counts.get(tag, 0) + 1
        return dict(sorted(counts.items()))

    def check_tag(self, tag: str) -> str:
        """``tag`` if a card carries it; else QuizError listing the tags there are."""
        tags = self.all_tags()
        if tag not in tags:
            from difflib import get_close_matches

            # The deck's tags run to hundreds: the likely one first.
            close = get_close_matches(tag, tags, n=3, cutoff=0.8)
            hint = f" (did you mean {' or '.join(map(repr, close))}?)" if close else ""
            listed = ", ".join(tags) or "none"
            raise QuizError(f"no card has the tag {tag!r}{hint}; tags: {listed}")
        return tag

    def mark(self, card_id: str, mode: Action) -> Review:
        """Suspends, unsuspends or buries (until the next study day) a card: one row
        of the log, committed before this returns; no schedule moves.

        Raises:
            LookupError: no card of the deck has this id.
            QuizError: the database cannot be written.
        """
        if self.deck.get(card_id) is None:
            raise LookupError(f"no card {card_id!r} in the deck")
        moment = self.now()
        review = self.store.mark(
            card_id, mode, day=study_day(moment, self.rollover_hour), ts_ms=to_ms(moment)
        )
        if mode == "unsuspend" and self._front == card_id:
            self._front = None
        return review

    def _today(self, moment: datetime) -> _Today:
        day = study_day(moment, self.rollover_hour)
        states = self.states()
        marks = self.marks()
        # Suspended cards, those buried today and (in a session of one tag) those
        # without it sit out: of the queue, and of the grades it allows.
        out = {card_id for card_id, mark in marks.items() if mark.suspended or mark.buried == day}
        tag = self.tag
        in_deck = self.deck.by_id
        by_id: Mapping[str, Card]
        if out or tag is not None:
            by_id = {
                c.id: c
                for c in self.deck
                if c.id not in out and (tag is None or tag in self.tags_of(c, marks))
            }
        else:
            by_id = in_deck
        # Grades of cards no longer in the deck (renamed) stay in the log, out of today.
        todays = [
            r for r in self.store.reviews_on(day) if r.mode != "practice" and r.card_id in in_deck
        ]
        scheduled = {r.card_id for r in todays if r.mode == "review"}
        latest: dict[str, int] = {}  # card -> index in todays of its latest grade
        for i, r in enumerate(todays):  # re-inserting keeps the latest grades' order
            latest.pop(r.card_id, None)
            latest[r.card_id] = i
        dates = plan.due_dates(states, day, self.interview)
        due_ids = {card_id for card_id, due in dates.items() if due <= day} - scheduled
        due = sorted(
            (c for c in self.deck if c.id in due_ids and c.id in by_id),
            key=lambda c: (dates[c.id], _shuffle_key(day, c.id)),
        )
        started_today = sum(1 for s in states.values() if s.introduced == day)
        allowance = max(0, self.new_per_day - started_today)
        if tag is None:
            introduced = (c for c in _new_cards(self.deck, states) if c.id in by_id)
            new = list(islice(introduced, allowance))
        else:  # asked for by tag: its cards in deck order, their topics seen or not
            new = [c for c in self.deck if c.id in by_id and c.id not in states][:allowance]
        failed = [
            (Item(by_id[cid], "drill", day), len(todays) - 1 - i, todays[i].ts_ms)
            for cid, i in latest.items()
            if todays[i].grade < PASSING_DRILL_GRADE and cid in by_id
        ]
        if due or new or any(since >= DRILL_AFTER_CARDS for _, since, _ in failed):
            is_ready = [since >= DRILL_AFTER_CARDS for _, since, _ in failed]
        else:  # nothing else to show: a failed card comes back after a while
            now_ms = to_ms(moment)
            gap_ms = DRILL_AFTER // timedelta(milliseconds=1)
            is_ready = [now_ms >= ts + gap_ms for _, _, ts in failed]
        tz = moment.astimezone().tzinfo
        waiting = sorted(
            (
                Waiting(item, datetime.fromtimestamp(ts / 1000, UTC).astimezone(tz) + DRILL_AFTER)
                for (item, _, ts), ready in zip(failed, is_ready, strict=True)
                if not ready
            ),
            key=lambda w: w.ready_at,
        )
        return _Today(
            day=day,
            due=[Item(c, "review", day) for c in due],
            new=[Item(c, "review", day) for c in new],
            ready=[item for (item, _, _), ready in zip(failed, is_ready, strict=True) if ready],
            waiting=waiting,
            done=len(todays),
            scheduled=scheduled,
        )

    def queue(self) -> list[Item]:
        """Every card left today, in the order they will be asked; drills that are
        not ready yet come last, and :meth:`current` does not return them."""
        items = list(self._today(self.now()).items())
        if self._front is not None:
            front = [i for i in items if i.card.id == self._front]
            items = front + [i for i in items if i.card.id != self._front]
        return items

    def current(self) -> Item | None:
        """The card to ask now, or None when none is ready (see :meth:`waiting` for
        a failed card still to come back today)."""
        today = self._today(self.now())
        if self._front is not None:
            front = next((i for i in today.items() if i.card.id == self._front), None)
            if front is not None:
                return front
        return next(iter([*today.ready, *today.due, *today.new]), None)

    def waiting(self) -> Waiting | None:
        """The failed card that comes back soonest, while it is not ready yet; None
        when no card is waiting. When :meth:`current` is None and this is not, the
        session goes on at ``ready_at``."""
        today = self._today(self.now())
        return next((w for w in today.waiting if w.item.card.id != self._front), None)

    def progress(self) -> Progress:
        """Counts for the header: due, new and re-drills left (waiting ones included),
        and grades made today."""
        today = self._today(self.now())
        return Progress(
            len(today.due), len(today.new), len(today.ready) + len(today.waiting), today.done
        )

    def grade(
        self, shown: Item | str, grade: int, answer: str = "", answer_ms: int | None = None
    ) -> Graded:
        """Grades the card on screen, committing the grade before returning.

        Args:
            shown: the :class:`Item` shown (as :meth:`current` returned it). The grade
                is logged in its mode, and only if today's queue still holds that card
                in that mode on that study day. A bare card id (scripts, tests) asks
                only that the card be in today's queue, in the mode it has there.
            grade: 0-5.
            answer: the typed answer.
            answer_ms: how long the answer took.

        Raises:
            StaleGrade: the queue no longer holds the card as shown: another instance
                graded it (or undid its grade) meanwhile, or a new study day began.
                Nothing is logged; :meth:`current` has the card to show now.
            LookupError: no card of the deck has this id.
            ValueError: ``grade`` is not an int from 0 to 5.
        """
        card_id = shown.card.id if isinstance(shown, Item) else shown
        if self.deck.get(card_id) is None:
            raise LookupError(f"no card {card_id!r} in the deck")
        moment = self.now()
        if isinstance(shown, Item):
            expected = shown
        else:
            found = self._find(self._today(moment), card_id)
            if found is None:
                raise StaleGrade(card_id, "it is not in today's queue")
            expected = found
        day = expected.day

        def check() -> None:
            # Inside the grade's transaction: no other instance writes between this
            # reading of the queue and the grade it allows.
            today = self._today(moment)
            if today.day != expected.day:
                raise StaleGrade(card_id, "a new study day began")
            now = self._find(today, card_id)
            if now is None:
                graded = card_id in today.scheduled
                raise StaleGrade(
                    card_id, "it was graded elsewhere" if graded else "it is not in today's queue"
                )
            if now.mode != expected.mode:
                raise StaleGrade(
                    card_id,
                    "it was graded elsewhere" if now.mode == "drill" else "a grade was undone",
                )

        def schedule(due: date) -> date:
            # Called inside the grade's transaction: every other card as it is now.
            return plan.place(card_id, day, due, self.states(), self.interview)

        review = self.store.record(
            card_id,
            grade,
            expected.mode,
            day=day,
            ts_ms=to_ms(moment),
            answer=answer,
            answer_ms=answer_ms,
            schedule=None if self.interview is None else schedule,
            check=check,
            leech_lapses=self.leech_lapses,
        )
        if self._front == card_id:
            self._front = None
        due = self.due_dates(day).get(card_id) or review.due_after or day
        leech = review.mode == "review" and review.grade < 3 and self.store.leeched(review)
        state = self.store.card_state(card_id) if review.mode == "review" else None
        return Graded(
            review,
            again_today=grade < PASSING_DRILL_GRADE and not leech,
            due=due,
            leech=leech,
            lapses=state.lapses if state else 0,
        )

    def _find(self, today: _Today, card_id: str) -> Item | None:
        """``card_id``'s place in today's queue (re-drills not ready yet included: an
        undone one is asked at once), or None."""
        return next((i for i in today.items() if i.card.id == card_id), None)

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

    def streak(self) -> int:
        """Consecutive study days with a review, ending today (or yesterday, when today
        has no review yet: the streak is not broken until the day is over).

        One index lookup per day of the streak, not a read of every study day.
        """
        day = self.today
        if not self.store.has_review_on(day):
            day -= timedelta(days=1)
        count = 0
        while self.store.has_review_on(day):
            count += 1
            day -= timedelta(days=1)
        return count

    def set_interview(self, text: str | None) -> date | None:
        """Sets the interview date from what the person typed (None or empty clears
        it), saves it, and plans the reviews before it from now on.

        Raises:
            QuizError: not a date, or a day before today.
        """
        stored = config.set_value(self.store, "interview-date", text or None, today=self.today)
        self.interview = None if stored is None else date.fromisoformat(stored)
        return self.interview

    # -- reads for another thread: each opens a connection of its own ---------------

    def history_page(self, card_id: str, older_than: int | None, limit: int) -> list[Review]:
        """Up to ``limit`` grades of one card, newest first, older than the row id
        ``older_than`` (None: from the newest). Safe to call in another thread."""
        with self.store.reader() as reader:
            return reader.reviews_page(card_id, older_than, limit)

    def history_count(self, card_id: str) -> int:
        """How many grades one card has. Safe to call in another thread."""
        with self.store.reader() as reader:
            return reader.review_count_of(card_id)

    def export_log(
        self, path: Path, fmt: str, progress: Callable[[int, int], None] | None = None
    ) -> int:
        """Writes the whole review log to ``path`` (:func:`quiz.export.save_log`).
        Safe to call in another thread; returns the number of rows written."""
        from quiz.export import save_log

        with self.store.reader() as reader:
            return save_log(reader, path, fmt, progress=progress)
