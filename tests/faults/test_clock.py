"""A clock that jumps: set back by days, or a time zone changed between sessions."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from conftest import Clock

from quiz.deck import Deck
from quiz.session import Session
from quiz.store import Store

from .helpers import START, TZ, assert_consistent, current_id, table


def test_the_clock_going_backwards_neither_crashes_nor_corrupts(
    db_path: Path, store: Store, deck: Deck
) -> None:
    clock = Clock(START)
    session = Session(store, deck, now=clock)
    day = session.today
    for grade in (5, 2, 4):
        session.grade(current_id(session), grade)
    on_day = table(db_path, "reviews")

    clock.advance(days=-3)  # the clock is set back (or a dead CMOS battery)
    assert session.today == day - timedelta(days=3)
    assert_consistent(db_path, deck, clock()).store.close()
    assert session.undo() is None, "undo must not reach into another day"
    assert table(db_path, "reviews") == on_day
    item = session.current()
    assert item is not None and item.card.id not in {r[1] for r in on_day}
    graded = session.grade(current_id(session), 3).review
    assert graded.day == day - timedelta(days=3)
    assert session.undo() == graded  # undo works within the (earlier) day

    session.grade(current_id(session), 4)
    clock.advance(days=3)  # and back to the right time
    assert session.today == day
    assert [r.grade for r in store.reviews_on(day)] == [5, 2, 4]
    item = session.current()
    assert item is not None
    assert_consistent(db_path, deck, clock()).store.close()


def test_a_time_zone_change_between_sessions_keeps_each_grade_on_its_own_day(
    db_path: Path, store: Store, deck: Deck
) -> None:
    late = datetime(2026, 3, 3, 23, 30, tzinfo=TZ)  # 23:30 in UTC+1: study day 3 March
    clock = Clock(late)
    first = Session(store, deck, now=clock)
    a = first.grade(current_id(first), 2).review  # comes back later today as a drill
    assert a.day == date(2026, 3, 3)

    # Flying west: ten minutes later it is 14:40 in UTC-8, still 3 March there.
    west = Clock((late + timedelta(minutes=10)).astimezone(timezone(timedelta(hours=-8))))
    second = Session(store, deck, now=west)
    assert second.today == date(2026, 3, 3)
    assert second.progress().done_today == 1
    assert second.undo() == a  # the same study day: undo reaches it
    b = second.grade(current_id(second), 4).review
    assert b.day == date(2026, 3, 3) and b.card_id == a.card_id

    # Flying east instead: 08:40 in UTC+9 is 4 March there, a new study day.
    east = Clock((late + timedelta(minutes=10)).astimezone(timezone(timedelta(hours=9))))
    third = Session(store, deck, now=east)
    assert third.today == date(2026, 3, 4)
    assert third.undo() is None, "undo must not reach into the day before"
    c = third.grade(current_id(third), 5).review
    assert c.day == date(2026, 3, 4)
    assert [r.ts_ms for r in (a, b, c)] == sorted(r.ts_ms for r in (a, b, c))
    assert_consistent(db_path, deck, east()).store.close()
