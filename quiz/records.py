"""The records of the database as Python values, and the rules that make them.

- :class:`CardState` (a row of ``cards``) and :class:`Review` (a row of ``reviews``);
- :func:`graded`: the one rule that turns a grade into a log row (the app's grades and
  bulk loading alike), and :func:`apply`: what a row does to its card (grading and
  replay alike);
- rows read back are checked against what quiz writes (:func:`review_from_row`).
"""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from typing import Any, Literal

from quiz import sm2
from quiz.frozen import frozen

Mode = Literal["review", "drill", "practice"]
MODES: tuple[Mode, ...] = ("review", "drill", "practice")
# Rows that are not grades: a card suspended (by hand, or as a leech: "leech"),
# unsuspended, or buried until the next study day. Their grade column holds 0 and
# their state columns the card's state unchanged; they never move a schedule, and
# nothing counts them as grades.
Action = Literal["suspend", "unsuspend", "bury", "leech"]
ACTIONS: tuple[Action, ...] = ("suspend", "unsuspend", "bury", "leech")
LogMode = Mode | Action
LOG_MODES: tuple[LogMode, ...] = (*MODES, *ACTIONS)
# SQL: a log row that is a grade (the same expression the schema's partial index of
# actions negates; keep the two in step).
IS_GRADE = "mode IN ('review', 'drill', 'practice')"
IS_ACTION = "mode IN ('suspend', 'unsuspend', 'bury', 'leech')"
# A sqlite3.Row, or a dict with the same keys (a row about to be inserted).
RowLike = sqlite3.Row | Mapping[str, Any]


@frozen
class CardState:
    """A card's schedule as the ``cards`` table holds it.

    Attributes:
        card_id: the content id.
        state: the SM-2 state after the last scheduling review.
        due: the study day of the next review.
        lapses: scheduling reviews failed (grade < 3) after at least one success.
        reviews: scheduling reviews so far (re-drills and practice not counted).
        last_grade: the grade of the last scheduling review.
        last_day: the study day of the last scheduling review.
        introduced: the study day of the first scheduling review.
    """

    card_id: str
    state: sm2.SM2State
    due: date
    lapses: int
    reviews: int
    last_grade: int
    last_day: date
    introduced: date


@frozen
class Review:
    """One row of the review log."""

    id: int
    card_id: str
    ts_ms: int
    day: date
    grade: int
    mode: LogMode
    before: sm2.SM2State
    after: sm2.SM2State
    due_before: date | None
    due_after: date | None
    answer_ms: int | None
    answer: str

    @property
    def is_grade(self) -> bool:
        """True for a grade; False for a suspend, unsuspend, bury or leech row."""
        return self.mode in MODES


def apply(card: CardState | None, review: Review) -> CardState | None:
    """The card's state after ``review``: the one rule shared by grading and replay.

    Only ``review``-mode grades move the schedule; re-drills and practice leave it.
    """
    if review.mode != "review":
        return card
    return CardState(
        card_id=review.card_id,
        state=review.after,
        # The log's due date: the interview plan (or, in older logs, a cap to the day
        # before the interview) may have made it earlier than SM-2's.
        due=review.due_after or next_due(review.day, review.after.interval),
        lapses=(card.lapses if card else 0) + (review.grade < 3 and review.before.repetitions > 0),
        reviews=(card.reviews if card else 0) + 1,
        last_grade=review.grade,
        last_day=review.day,
        introduced=card.introduced if card else review.day,
    )


def next_due(day: date, interval: int) -> date:
    """The day SM-2 asks a card again after a review on ``day``: ``interval`` days on.

    An interview date does not change it: the plan (:mod:`quiz.plan`) may store an
    earlier day, and the log keeps the interval, so the SM-2 day is never lost.
    """
    # SM-2's intervals grow geometrically; a date stops at the year 9999.
    return day + timedelta(days=min(interval, (date.max - day).days))


def graded(
    card: CardState | None,
    card_id: str,
    grade: int,
    mode: Mode,
    *,
    day: date,
    ts_ms: int,
    answer: str = "",
    answer_ms: int | None = None,
    schedule: Callable[[date], date] | None = None,
) -> Review:
    """The log row a grade makes (its ``id`` still 0): the one rule for the app's
    grades and for bulk loading alike.

    Args:
        card: the card's schedule before the grade (None: never scheduled).
        schedule: for a ``review`` grade, turns SM-2's day into the day to store (an
            interview plan may bring it forward); kept between ``day`` + 1 and SM-2's
            day. None: SM-2's day.

    Raises:
        ValueError: ``grade`` is not an int 0-5 or ``mode`` is unknown.
    """
    sm2.check_grade(grade)
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    before = card.state if card else sm2.SM2State()
    after = sm2.review(before, grade) if mode == "review" else before
    due_before = card.due if card else None
    due_after = due_before
    if mode == "review":
        due_after = next_due(day, after.interval)
        if schedule is not None:
            earliest = next_due(day, min(1, after.interval))
            due_after = max(min(schedule(due_after), due_after), earliest)
    return Review(
        id=0,
        card_id=card_id,
        ts_ms=ts_ms,
        day=day,
        grade=grade,
        mode=mode,
        before=before,
        after=after,
        due_before=due_before,
        due_after=due_after,
        answer_ms=answer_ms,
        answer=answer,
    )


def action(
    card: CardState | None, card_id: str, mode: Action, *, day: date, ts_ms: int, note: str = ""
) -> Review:
    """The log row of a suspend, unsuspend, bury or leech (its ``id`` still 0): grade
    0 (the column holds a number), the card's state unchanged, ``note`` as the answer."""
    if mode not in ACTIONS:
        raise ValueError(f"mode must be one of {ACTIONS}, not {mode!r}")
    state = card.state if card else sm2.SM2State()
    due = card.due if card else None
    return Review(
        id=0,
        card_id=card_id,
        ts_ms=ts_ms,
        day=day,
        grade=0,
        mode=mode,
        before=state,
        after=state,
        due_before=due,
        due_after=due,
        answer_ms=None,
        answer=note,
    )


def is_leech(lapses: int, threshold: int) -> bool:
    """Whether a card that just lapsed for the ``lapses``-th time becomes a leech: at
    the threshold, then every half threshold after it (as Anki does); 0 turns it off."""
    if threshold <= 0 or lapses < threshold:
        return False
    return (lapses - threshold) % max(1, threshold // 2) == 0


# The columns of a log row quiz writes, in the order of review_values().
REVIEW_COLUMNS = (
    "card_id",
    "ts_ms",
    "day",
    "grade",
    "mode",
    "ef_before",
    "interval_before",
    "reps_before",
    "due_before",
    "ef_after",
    "interval_after",
    "reps_after",
    "due_after",
    "answer_ms",
    "answer",
)


def review_values(review: Review) -> tuple[Any, ...]:
    """The values of :data:`REVIEW_COLUMNS` for ``review``, as the log stores them."""
    return (
        review.card_id,
        review.ts_ms,
        review.day.isoformat(),
        review.grade,
        review.mode,
        review.before.easiness_x100,
        review.before.interval,
        review.before.repetitions,
        review.due_before.isoformat() if review.due_before else None,
        review.after.easiness_x100,
        review.after.interval,
        review.after.repetitions,
        review.due_after.isoformat() if review.due_after else None,
        review.answer_ms,
        review.answer,
    )


# -- rows as quiz writes them ---------------------------------------------------------------
#
# A row read back is checked against what quiz writes before it is used: a row made
# by hand or by another program (a grade of 9, a date that is not one, text where a
# number goes) would otherwise fail deep inside the scheduler, or go on to be used.

MAX_EF_X100 = 100_000  # an E-Factor of 1000: ten thousand perfect grades away
# Days; the due dates stop at the year 9999 some 3.6 million days from now, and the
# next grade of a card at this interval still fits SQLite's 64-bit integers.
MAX_INTERVAL = (2**63 - 1) // MAX_EF_X100 * 100
MAX_COUNT = 10**9
MAX_TS_MS = 253_402_214_400_000  # 9999-12-31 00:00 UTC, in milliseconds


class BadRow(Exception):
    """A row holds a value quiz never writes (the message says which and where)."""


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _column(row: RowLike, name: str, check: Callable[[Any], bool], expected: str) -> Any:
    """``row[name]``, if ``check`` accepts it; else raises BadRow naming the row."""
    value = row[name]
    if check(value):
        return value
    keys = row.keys()
    which = f"review {row['id']}" if "id" in keys else f"the card row {row['card_id']!r}"
    raise BadRow(f"{which} has {name} {_shown(value)}, not {expected}")


def _is_int(low: int, high: int) -> Callable[[Any], bool]:
    return lambda v: type(v) is int and low <= v <= high


def _is_day(value: Any) -> bool:
    try:
        return isinstance(value, str) and isinstance(date.fromisoformat(value), date)
    except ValueError:
        return False


def _is_day_or_none(value: Any) -> bool:
    return value is None or _is_day(value)


_is_grade = _is_int(0, 5)
_is_ef = _is_int(sm2.MIN_EF_X100, MAX_EF_X100)
_is_interval = _is_int(0, MAX_INTERVAL)
_is_count = _is_int(0, MAX_COUNT)
_DAY = "a date like 2026-03-03"


def card_from_row(row: RowLike) -> CardState:
    """The card state of a ``cards`` row; raises BadRow for a value quiz never writes."""
    for name, check in (("ef_x100", _is_ef), ("interval", _is_interval)):
        _column(row, name, check, "a number quiz writes")
    for name in ("repetitions", "lapses", "reviews"):
        _column(row, name, _is_count, "a count")
    _column(row, "last_grade", _is_grade, "a grade from 0 to 5")
    for name in ("due", "last_day", "introduced"):
        _column(row, name, _is_day, _DAY)
    return CardState(
        card_id=row["card_id"],
        state=sm2.SM2State.from_x100(row["ef_x100"], row["interval"], row["repetitions"]),
        due=date.fromisoformat(row["due"]),
        lapses=row["lapses"],
        reviews=row["reviews"],
        last_grade=row["last_grade"],
        last_day=date.fromisoformat(row["last_day"]),
        introduced=date.fromisoformat(row["introduced"]),
    )


def card_to_row(card: CardState) -> dict[str, Any]:
    return {
        "card_id": card.card_id,
        "ef_x100": card.state.easiness_x100,
        "interval": card.state.interval,
        "repetitions": card.state.repetitions,
        "due": card.due.isoformat(),
        "lapses": card.lapses,
        "reviews": card.reviews,
        "last_grade": card.last_grade,
        "last_day": card.last_day.isoformat(),
        "introduced": card.introduced.isoformat(),
    }


def _opt_date(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def log_day(value: Any) -> date:
    """A study day read from the log on its own (a count per day, the days)."""
    if not _is_day(value):
        raise BadRow(f"the log has a review with day {_shown(value)}, not {_DAY}")
    return date.fromisoformat(value)


def review_from_row(row: RowLike) -> Review:
    """The review of a ``reviews`` row; raises BadRow for a value quiz never writes.

    The typed answer is free text: a NULL reads as empty, bytes as text.
    """
    _column(row, "grade", _is_grade, "a grade from 0 to 5")
    _column(row, "mode", lambda v: v in LOG_MODES, f"one of {', '.join(LOG_MODES)}")
    _column(row, "ts_ms", _is_int(0, MAX_TS_MS), "a time in milliseconds")
    _column(row, "day", _is_day, _DAY)
    for name in ("due_before", "due_after"):
        _column(row, name, _is_day_or_none, _DAY)
    for name in ("ef_before", "ef_after"):
        _column(row, name, _is_ef, "a number quiz writes")
    for name in ("interval_before", "interval_after"):
        _column(row, name, _is_interval, "a number quiz writes")
    for name in ("reps_before", "reps_after"):
        _column(row, name, _is_count, "a count")
    _column(row, "answer_ms", lambda v: v is None or type(v) is int, "milliseconds")
    answer = row["answer"]
    if isinstance(answer, bytes):
        answer = answer.decode("utf-8", "backslashreplace")
    return Review(
        id=row["id"],
        card_id=row["card_id"],
        ts_ms=row["ts_ms"],
        day=date.fromisoformat(row["day"]),
        grade=row["grade"],
        mode=row["mode"],
        before=sm2.SM2State.from_x100(row["ef_before"], row["interval_before"], row["reps_before"]),
        after=sm2.SM2State.from_x100(row["ef_after"], row["interval_after"], row["reps_after"]),
        due_before=_opt_date(row["due_before"]),
        due_after=_opt_date(row["due_after"]),
        answer_ms=row["answer_ms"],
        answer=answer if isinstance(answer, str) else "",
    )


# The SM-2 state a log row records before and after its grade. The schema lets them
# be empty (a row written by hand, or by an import): replay recomputes them.
STATE_COLUMNS = (
    "ef_before",
    "interval_before",
    "reps_before",
    "ef_after",
    "interval_after",
    "reps_after",
)


def replay_review(row: RowLike) -> Review:
    """A log row as replay reads it: replay recomputes a scheduling review's states
    from the grades and ignores those of re-drills and practice, so an empty state
    column reads as the initial state instead of stopping the replay."""
    if all(row[column] is not None for column in STATE_COLUMNS):
        return review_from_row(row)
    initial = sm2.SM2State()
    # keys(): a sqlite3.Row iterates over its values.
    filled = {column: row[column] for column in row.keys()}  # noqa: SIM118
    for when in ("before", "after"):
        filled[f"ef_{when}"] = initial.easiness_x100
        filled[f"interval_{when}"] = initial.interval
        filled[f"reps_{when}"] = initial.repetitions
    return review_from_row(filled)


def undone_review(row: RowLike, card: CardState | None) -> Review:
    """The undone row ``row`` with its empty state columns filled in from the card's
    replayed schedule ``card`` (the state before it)."""
    review = replay_review(row)
    before = card.state if card else sm2.SM2State()
    after = sm2.review(before, review.grade) if review.mode == "review" else before
    return dataclasses.replace(review, before=before, after=after)
