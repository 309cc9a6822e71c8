"""Today's session: due order, the new-card limit, re-drills, practice, undo, rollover."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from conftest import Clock

from quiz.deck import Deck
from quiz.session import Session
from quiz.store import Store


def ids(session: Session) -> list[str]:
    return [item.card.id for item in session.queue()]


def grade_all(session: Session, grade: int) -> None:
    while session.current() is not None:
        session.grade(grade)


def test_first_day_offers_every_card_in_deck_order(session: Session, deck: Deck) -> None:
    assert ids(session) == deck.ids
    assert {item.mode for item in session.queue()} == {"review"}
    progress = session.progress()
    assert (progress.due, progress.new, progress.drills, progress.done_today) == (0, 15, 0, 0)


def test_new_cards_are_limited_per_day(store: Store, deck: Deck, clock: Clock) -> None:
    session = Session(store, deck, now=clock, new_per_day=4)
    assert ids(session) == deck.ids[:4]
    session.grade(5)
    session.grade(5)
    # Two started today: only two more new ones, even after reopening.
    reopened = Session(store, deck, now=clock, new_per_day=4)
    assert ids(reopened) == deck.ids[2:4]
    grade_all(reopened, 5)
    assert reopened.current() is None
    clock.advance(days=1)
    assert len([i for i in ids(reopened) if i not in deck.ids[:4]]) == 4


def test_due_cards_come_first_most_overdue_first(store: Store, deck: Deck, clock: Clock) -> None:
    session = Session(store, deck, now=clock, new_per_day=3)
    a, b, c = deck.ids[:3]
    session.grade(5)  # a: due in 1 day
    session.grade(5)  # b: due in 1 day
    session.grade(5)  # c: due in 1 day
    clock.advance(days=1)
    session.grade(5)  # a again: now due in 6 days
    assert ids(session)[:2] == [b, c]
    clock.advance(days=9)  # b, c overdue by 9 days; a by 3
    due = [i for i in ids(session) if i in (a, b, c)]
    assert due == [b, c, a]
    assert ids(session)[:3] == [b, c, a]  # before any new card


def test_low_grades_come_back_until_graded_4_or_5(store: Store, deck: Deck, clock: Clock) -> None:
    session = Session(store, deck, now=clock, new_per_day=2)
    first, second = deck.ids[:2]
    result = session.grade(2)
    assert result.again_today and result.interval == 1
    assert ids(session) == [second, first]
    session.grade(5)
    item = session.current()
    assert item is not None and (item.card.id, item.mode) == (first, "drill")
    state_after_first_grade = store.card_state(first)
    session.grade(3)  # still below 4: again
    assert ids(session) == [first]
    session.grade(4)
    assert session.current() is None
    # Only the day's first grade moved SM-2; the drills are logged.
    assert store.card_state(first) == state_after_first_grade
    modes = [(r.grade, r.mode) for r in store.reviews_of(first)]
    assert modes == [(2, "review"), (3, "drill"), (4, "drill")]


def test_redrill_survives_quitting(store: Store, deck: Deck, clock: Clock) -> None:
    Session(store, deck, now=clock, new_per_day=1).grade(1)
    reopened = Session(store, deck, now=clock, new_per_day=1)
    item = reopened.current()
    assert item is not None and item.mode == "drill" and item.card.id == deck.ids[0]


def test_next_day_shows_only_what_sm2_says_is_due(session: Session, clock: Clock) -> None:
    grades = iter([5, 4, 3] * 5)
    while (item := session.current()) is not None:
        session.grade(next(grades) if item.mode == "review" else 5)
    clock.advance(days=1)
    # Every card was reviewed once: interval 1, so all are due tomorrow, none new.
    assert session.progress().due == 15 and session.progress().new == 0
    grade_all(session, 5)
    clock.advance(days=1)
    assert session.current() is None  # next reviews are 6 days out
    clock.advance(days=5)
    assert session.progress().due == 15


def test_practice_is_logged_and_leaves_the_schedule_alone(
    session: Session, store: Store, deck: Deck
) -> None:
    card = deck.cards[3]
    session.grade(5)
    before = store.card_states()
    queue_before = ids(session)
    session.practice(card, 0, answer="no idea")
    session.practice(deck.cards[0], 1)
    assert store.card_states() == before
    assert ids(session) == queue_before
    assert [r.mode for r in store.reviews_of(card.id)] == ["practice"]


def test_undo_brings_the_card_back_first_with_its_schedule(
    session: Session, store: Store, deck: Deck
) -> None:
    session.grade(5)
    session.grade(2)
    undone = session.undo()
    assert undone is not None and undone.card_id == deck.ids[1]
    assert store.card_state(deck.ids[1]) is None
    assert ids(session)[0] == deck.ids[1]
    session.undo()
    assert ids(session)[:2] == deck.ids[:2]
    assert session.undo() is None
    assert store.review_count() == 0


def test_undo_does_not_reach_into_yesterday(session: Session, clock: Clock) -> None:
    session.grade(5)
    clock.advance(days=1)
    assert session.undo() is None


def test_study_day_rolls_over_at_4am(store: Store, deck: Deck) -> None:
    tz = timezone(timedelta(hours=-5))
    clock = Clock(datetime(2026, 3, 3, 23, 30, tzinfo=tz))
    session = Session(store, deck, now=clock, new_per_day=1)
    session.grade(5)
    clock.advance(hours=4)  # 03:30 the next calendar day: still the same study day
    assert session.today.isoformat() == "2026-03-03"
    assert session.current() is None
    assert store.reviews_of(deck.ids[0])[0].day.isoformat() == "2026-03-03"
    clock.advance(minutes=31)  # 04:01: a new day, and the card is due
    assert session.today.isoformat() == "2026-03-04"
    item = session.current()
    assert item is not None and item.card.id == deck.ids[0] and item.mode == "review"


def test_rollover_hour_is_configurable(store: Store, deck: Deck) -> None:
    clock = Clock(datetime(2026, 3, 4, 1, 0, tzinfo=UTC))
    assert Session(store, deck, now=clock, rollover_hour=0).today.isoformat() == "2026-03-04"
    assert Session(store, deck, now=clock, rollover_hour=4).today.isoformat() == "2026-03-03"


def test_current_streak_from_the_database_matches_the_pure_rule(store: Store) -> None:
    from datetime import date

    from quiz.days import current_streak
    from quiz.stats import streak

    today = date(2026, 3, 10)
    for back in (0, 1, 2, 4, 5, 9):
        store.record("mlp", 4, "practice", day=today - timedelta(days=back), ts_ms=0)
    days = store.review_days()
    for offset in range(-1, 12):
        day = today - timedelta(days=offset)
        assert current_streak(store, day) == streak([d for d in days if d <= day], day)
    assert current_streak(store, today) == 3
    assert current_streak(store, today + timedelta(days=1)) == 3  # today not over yet
    assert current_streak(store, today + timedelta(days=2)) == 0
