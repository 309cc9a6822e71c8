"""Today's session: due order, the new-card limit, re-drills, practice, undo, rollover."""

from __future__ import annotations

import itertools
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import CONTENT, Clock

from quiz.deck import Deck
from quiz.session import Session, StaleGrade
from quiz.store import Store


def ids(session: Session) -> list[str]:
    return [item.card.id for item in session.queue()]


def current_id(session: Session) -> str:
    item = session.current()
    assert item is not None
    return item.card.id


def grade_next(session: Session, grade: int) -> str:
    """Grades the card the session asks now; returns its id."""
    card_id = current_id(session)
    session.grade(card_id, grade)
    return card_id


def grade_all(session: Session, grade: int, clock: Clock) -> None:
    """Grades every card left today, waiting (on the clock) for failed ones to come back."""
    while True:
        if session.current() is None:
            waiting = session.waiting()
            if waiting is None:
                return
            clock.moment = waiting.ready_at
        grade_next(session, grade)


def test_first_day_offers_every_card_in_deck_order(session: Session, deck: Deck) -> None:
    assert ids(session) == deck.ids
    assert {item.mode for item in session.queue()} == {"review"}
    progress = session.progress()
    assert (progress.due, progress.new, progress.drills, progress.done_today) == (0, 15, 0, 0)


def test_new_cards_are_limited_per_day(store: Store, deck: Deck, clock: Clock) -> None:
    session = Session(store, deck, now=clock, new_per_day=4)
    assert ids(session) == deck.ids[:4]
    grade_next(session, 5)
    grade_next(session, 5)
    # Two started today: only two more new ones, even after reopening.
    reopened = Session(store, deck, now=clock, new_per_day=4)
    assert ids(reopened) == deck.ids[2:4]
    grade_all(reopened, 5, clock)
    assert reopened.current() is None
    clock.advance(days=1)
    assert len([i for i in ids(reopened) if i not in deck.ids[:4]]) == 4


def test_due_cards_come_first_most_overdue_first(store: Store, deck: Deck, clock: Clock) -> None:
    session = Session(store, deck, now=clock, new_per_day=3)
    a, b, c = deck.ids[:3]
    for card in (a, b, c):
        session.grade(card, 5)  # due in 1 day
    clock.advance(days=1)
    session.grade(a, 5)  # a again: now due in 6 days
    assert set(ids(session)[:2]) == {b, c}
    clock.advance(days=9)  # b, c overdue by 9 days; a by 3
    due = [i for i in ids(session) if i in (a, b, c)]
    assert set(due[:2]) == {b, c} and due[2] == a
    assert set(ids(session)[:3]) == {a, b, c}  # before any new card
    assert ids(session)[3:] == [i for i in deck.ids if i not in (a, b, c)][:3]  # deck order


PRINT_QUEUE = """
import sys
from datetime import datetime
from pathlib import Path
from quiz.deck import Deck, load_deck
from quiz.session import Session
from quiz.store import Store
moment = datetime.fromisoformat(sys.argv[3])
deck = Deck(tuple(load_deck(Path(sys.argv[2])).topics))  # the core cards, as the test's
session = Session(Store.open(sys.argv[1]), deck, now=lambda: moment)
print(" ".join(item.card.id for item in session.queue()))
"""


def test_cards_due_the_same_day_are_shuffled_per_day(
    store: Store, deck: Deck, clock: Clock, db_path: Path
) -> None:
    session = Session(store, deck, now=clock)
    grade_all(session, 5, clock)
    clock.advance(days=1)  # all fifteen due today, none more overdue than another
    first_day = ids(session)
    assert sorted(first_day) == sorted(deck.ids)
    assert first_day != deck.ids, "ties must not come in topic-number order"
    # Derived again on every call: the same all day, in this process and in another
    # one (the order must not rest on Python's per-process salted hash()).
    assert ids(session) == first_day
    clock.advance(hours=5)
    assert ids(Session(store, deck, now=clock)) == first_day
    other_process = subprocess.run(
        [sys.executable, "-c", PRINT_QUEUE, str(db_path), str(CONTENT), clock().isoformat()],
        capture_output=True,
        text=True,
        check=True,
    )
    assert other_process.stdout.split() == first_day
    clock.advance(days=1)  # skipped a day: still all due on the same (now earlier) day
    second_day = ids(session)
    assert sorted(second_day) == sorted(deck.ids) and second_day != first_day


def test_low_grades_come_back_until_graded_4_or_5(store: Store, deck: Deck, clock: Clock) -> None:
    session = Session(store, deck, now=clock, new_per_day=2)
    first, second = deck.ids[:2]
    result = session.grade(first, 2)
    assert result.again_today and result.interval == 1
    assert ids(session) == [second, first]
    session.grade(second, 5)
    # Nothing else is left: the failed card comes back a minute after its grade,
    # not at once.
    assert session.current() is None
    waiting = session.waiting()
    assert waiting is not None and waiting.item.card.id == first and waiting.item.mode == "drill"
    assert waiting.ready_at == clock() + timedelta(seconds=60)
    assert waiting.ready_at.tzinfo is not None
    assert session.progress().drills == 1 and session.progress().left == 1
    clock.advance(seconds=59)
    assert session.current() is None
    clock.advance(seconds=1)
    item = session.current()
    assert item is not None and (item.card.id, item.mode) == (first, "drill")
    assert session.waiting() is None
    state_after_first_grade = store.card_state(first)
    session.grade(first, 3)  # still below 4: again, and again not at once
    assert ids(session) == [first] and session.current() is None
    clock.advance(seconds=60)
    session.grade(current_id(session), 4)
    assert session.current() is None and session.waiting() is None
    # Only the day's first grade moved SM-2; the drills are logged.
    assert store.card_state(first) == state_after_first_grade
    modes = [(r.grade, r.mode) for r in store.reviews_of(first)]
    assert modes == [(2, "review"), (3, "drill"), (4, "drill")]


def test_a_failed_card_comes_back_after_three_other_cards(
    store: Store, deck: Deck, clock: Clock
) -> None:
    session = Session(store, deck, now=clock, new_per_day=6)
    failed = grade_next(session, 1)
    assert ids(session)[-1] == failed  # waiting, behind every other card
    clock.advance(minutes=10)  # time alone does not bring it back while others are left
    others = [grade_next(session, 5) for _ in range(3)]
    assert failed not in others
    item = session.current()
    assert item is not None and (item.card.id, item.mode) == (failed, "drill")
    assert ids(session)[1:] == deck.ids[4:6]  # then the new cards, in deck order


def test_redrill_survives_quitting(store: Store, deck: Deck, clock: Clock) -> None:
    Session(store, deck, now=clock, new_per_day=1).grade(deck.ids[0], 1)
    clock.advance(seconds=60)
    reopened = Session(store, deck, now=clock, new_per_day=1)
    item = reopened.current()
    assert item is not None and item.mode == "drill" and item.card.id == deck.ids[0]


def test_next_day_shows_only_what_sm2_says_is_due(session: Session, clock: Clock) -> None:
    grades = iter([5, 4, 3] * 5)
    while True:
        item = session.current()
        if item is None:
            if (waiting := session.waiting()) is None:
                break
            clock.moment = waiting.ready_at
            continue
        session.grade(item.card.id, next(grades) if item.mode == "review" else 5)
    clock.advance(days=1)
    # Every card was reviewed once: interval 1, so all are due tomorrow, none new.
    assert session.progress().due == 15 and session.progress().new == 0
    grade_all(session, 5, clock)
    clock.advance(days=1)
    assert session.current() is None  # next reviews are 6 days out
    clock.advance(days=5)
    assert session.progress().due == 15


def test_practice_is_logged_and_leaves_the_schedule_alone(
    session: Session, store: Store, deck: Deck
) -> None:
    card = deck.cards[3]
    grade_next(session, 5)
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
    grade_next(session, 5)
    grade_next(session, 2)
    undone = session.undo()
    assert undone is not None and undone.card_id == deck.ids[1]
    assert store.card_state(deck.ids[1]) is None
    assert ids(session)[0] == deck.ids[1]
    session.undo()
    assert ids(session)[:2] == deck.ids[:2]
    assert session.undo() is None
    assert store.review_count() == 0


def test_undo_does_not_reach_into_yesterday(session: Session, clock: Clock) -> None:
    grade_next(session, 5)
    clock.advance(days=1)
    assert session.undo() is None


def test_study_day_rolls_over_at_4am(store: Store, deck: Deck) -> None:
    tz = timezone(timedelta(hours=-5))
    clock = Clock(datetime(2026, 3, 3, 23, 30, tzinfo=tz))
    session = Session(store, deck, now=clock, new_per_day=1)
    grade_next(session, 5)
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


def _streak_of(days: set[date], today: date) -> int:
    """The rule, on a set of days: consecutive study days ending today, or yesterday
    when today has no review yet."""
    day = today if today in days else today - timedelta(days=1)
    count = 0
    while day in days:
        count += 1
        day -= timedelta(days=1)
    return count


def test_streak_from_the_database_matches_the_rule(store: Store, deck: Deck) -> None:
    today = date(2026, 3, 10)
    for back in (0, 1, 2, 4, 5, 9):
        store.record("mlp", 4, "practice", day=today - timedelta(days=back), ts_ms=0)
    days = set(store.review_days())

    def streak_on(day: date) -> int:
        noon = datetime(day.year, day.month, day.day, 12).astimezone()
        return Session(store, deck, now=lambda: noon).streak()

    for offset in range(-1, 12):
        day = today - timedelta(days=offset)
        assert streak_on(day) == _streak_of({d for d in days if d <= day}, day)
    assert streak_on(today) == 3
    assert streak_on(today + timedelta(days=1)) == 3  # today not over yet
    assert streak_on(today + timedelta(days=2)) == 0


# -- a grade names the card it grades ---------------------------------------------------


def test_a_grade_lands_on_the_card_it_names_not_on_the_current_one(
    session: Session, store: Store, deck: Deck
) -> None:
    shown = current_id(session)
    other = deck.ids[4]
    assert other != shown
    graded = session.grade(other, 5)
    assert graded.review.card_id == other and graded.review.mode == "review"
    assert store.reviews_of(shown) == []
    assert current_id(session) == shown  # still asked next


def test_a_card_graded_meanwhile_by_another_instance_is_refused_not_logged_as_a_drill(
    db_path: Path, store: Store, deck: Deck, clock: Clock
) -> None:
    mine = Session(store, deck, now=clock)
    shown = mine.current()
    assert shown is not None and shown.mode == "review"
    with Store.open(db_path) as other_store:  # a second app on the same file
        other = Session(other_store, deck, now=clock)
        other.grade(other.current(), 5)  # type: ignore[arg-type]
    with pytest.raises(StaleGrade) as refused:
        mine.grade(shown, 2)  # the key pressed on my screen, for the card on it
    assert refused.value.reason == "it was graded elsewhere"
    assert [(r.grade, r.mode) for r in store.reviews_of(shown.card.id)] == [(5, "review")]
    assert current_id(mine) != shown.card.id  # the screen shows the next card instead


def test_a_card_shown_as_a_review_and_failed_elsewhere_is_refused(
    db_path: Path, store: Store, deck: Deck, clock: Clock
) -> None:
    mine = Session(store, deck, now=clock)
    shown = mine.current()
    assert shown is not None
    with Store.open(db_path) as other_store:
        Session(other_store, deck, now=clock).grade(shown.card.id, 1)  # back later: a drill
    with pytest.raises(StaleGrade, match="graded elsewhere"):
        mine.grade(shown, 5)  # would have been logged as the drill's pass
    assert [r.grade for r in store.reviews_of(shown.card.id)] == [1]


def test_a_card_shown_before_the_rollover_and_graded_after_it_is_refused(
    store: Store, deck: Deck, clock: Clock
) -> None:
    session = Session(store, deck, now=clock, new_per_day=1)
    failed = grade_next(session, 2)  # Tuesday 10:00: failed, back later today
    clock.moment = clock.moment.replace(day=4, hour=3, minute=59, second=50)
    shown = session.current()  # 03:59:50: still Tuesday's study day
    assert shown is not None and (shown.card.id, shown.mode) == (failed, "drill")
    assert shown.day.isoformat() == "2026-03-03"
    clock.advance(seconds=15)  # 04:00:05 while it is on screen: Wednesday's study day
    with pytest.raises(StaleGrade) as refused:
        session.grade(shown, 4)
    assert refused.value.reason == "a new study day began"
    assert [r.mode for r in store.reviews_of(failed)] == ["review"]  # nothing logged
    current = session.current()  # what the screen shows instead: Wednesday's review
    assert current is not None and current.day.isoformat() == "2026-03-04"
    assert (current.card.id, current.mode) == (failed, "review")
    graded = session.grade(current, 4)
    assert (graded.review.mode, graded.review.day.isoformat()) == ("review", "2026-03-04")
    assert [r.mode for r in store.reviews_of(failed)] == ["review", "review"]


def test_a_new_card_shown_before_the_rollover_does_not_become_the_next_days_review(
    store: Store, deck: Deck, clock: Clock
) -> None:
    clock.moment = clock.moment.replace(day=4, hour=3, minute=59, second=50)
    session = Session(store, deck, now=clock)
    shown = session.current()
    assert shown is not None
    clock.advance(seconds=15)
    with pytest.raises(StaleGrade, match="a new study day began"):
        session.grade(shown, 0)  # a blackout on a card whose day is over: not logged
    assert store.review_count() == 0


def test_a_card_not_in_todays_queue_is_refused(store: Store, deck: Deck, clock: Clock) -> None:
    session = Session(store, deck, now=clock, new_per_day=1)
    beyond_the_limit = deck.ids[5]
    assert beyond_the_limit not in ids(session)
    with pytest.raises(StaleGrade, match="not in today's queue"):
        session.grade(beyond_the_limit, 4)
    assert store.review_count() == 0


def test_two_sessions_on_one_file_grading_alternately_log_only_what_each_showed(
    db_path: Path, store: Store, deck: Deck, clock: Clock
) -> None:
    """Two apps open on one database, a person at each, grading in turn over a week
    (a rollover now and then between showing a card and grading it): every grade
    logged is for the card, mode and day the grading session showed; a grade for a
    card that changed meanwhile is refused, and logs nothing."""
    grades = itertools.cycle([5, 2, 4, 3, 1, 5, 4, 2, 5, 5, 3, 4, 0])
    with Store.open(db_path) as other_store:
        sessions = [Session(store, deck, now=clock), Session(other_store, deck, now=clock)]
        logged, refused = 0, 0
        for turn in range(600):
            if turn % 50 == 49:  # the next day, ten seconds before the rollover
                clock.moment = (clock.moment + timedelta(days=1)).replace(
                    hour=3, minute=59, second=50
                )
            shown = [s.current() for s in sessions]  # each screen shows its card
            if shown == [None, None]:
                waiting = sessions[0].waiting()
                clock.moment = waiting.ready_at if waiting else clock.moment + timedelta(days=1)
                continue
            clock.advance(seconds=20)
            order = [0, 1] if turn % 2 else [1, 0]  # who presses first takes turns
            for i in order:
                item = shown[i]
                if item is None:
                    continue
                try:
                    review = sessions[i].grade(item, next(grades)).review
                except StaleGrade:
                    refused += 1
                    continue
                logged += 1
                assert (review.card_id, review.mode, review.day) == (
                    item.card.id,
                    item.mode,
                    item.day,
                )
        assert store.review_count(grades_only=True) == logged  # leeches add rows, not grades
        assert refused > 50 and logged > 200  # both paths taken, many times


def test_an_unknown_card_id_is_refused_and_nothing_is_logged(session: Session) -> None:
    with pytest.raises(LookupError):
        session.grade("no-such-card", 5)
    assert session.store.review_count() == 0


def test_undo_asks_the_card_again_first_even_a_failed_card_not_ready_yet(
    session: Session, store: Store
) -> None:
    first = current_id(session)
    session.grade(first, 2)
    session.grade(first, 2)  # graded again at once (its id named): a drill
    assert [r.mode for r in store.reviews_of(first)] == ["review", "drill"]
    assert current_id(session) != first  # failed just now: not ready
    undone = session.undo()
    assert undone is not None and undone.mode == "drill"
    item = session.current()
    assert item is not None and (item.card.id, item.mode) == (first, "drill")
    assert session.waiting() is None  # it is not waiting: it is asked now
    session.grade(first, 5)
    assert current_id(session) != first


def test_the_check_and_the_grade_are_one_transaction(
    db_path: Path, store: Store, deck: Deck, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another instance grading the card in the instant between the queue being read
    and the grade being written still gets the grade refused: the queue is read again
    under the write lock."""
    mine = Session(store, deck, now=clock)
    shown = mine.current()
    assert shown is not None
    record = store.record

    def record_after_the_other_instance(*args: object, **kwargs: object) -> object:
        with Store.open(db_path) as other_store:  # it commits just before this write
            Session(other_store, deck, now=clock).grade(shown.card.id, 5)
        return record(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "record", record_after_the_other_instance)
    with pytest.raises(StaleGrade, match="graded elsewhere"):
        mine.grade(shown, 3)
    assert [(r.grade, r.mode) for r in store.reviews_of(shown.card.id)] == [(5, "review")]


# -- follow-up cards (issue 17): introduced after their topic's core card ---------------


def test_follow_ups_wait_for_their_core_card_and_take_turns_by_topic(
    store: Store, full_deck: Deck, clock: Clock
) -> None:
    session = Session(store, full_deck, now=clock, new_per_day=20)
    cores = [c.id for c in full_deck.topics]
    first_day = ids(session)
    assert first_day[:15] == cores, "every core card before any follow-up"
    assert first_day[15:] == [], "no follow-up before its core card was seen"
    # Seeing two core cards opens their follow-ups, within today's allowance (20).
    grade_next(session, 5)
    grade_next(session, 5)
    assert session.progress().new == 13 + 5  # 13 cores left, then 5 more of the 20
    grade_all(session, 5, clock)
    clock.advance(days=1)
    # Every topic seen: the new cards are follow-ups, a topic at a time in turn (in
    # deck order, the first ten would all be the first topic's).
    new = [i.card for i in session.queue() if i.card.id not in session.states()]
    assert len(new) == 20 and all(not c.is_core for c in new)
    assert len({c.topic_id for c in new[:10]}) == 10


def test_the_core_deck_is_what_the_queue_tests_use(deck: Deck, full_deck: Deck) -> None:
    assert len(deck) == 15 and all(c.is_core for c in deck)
    assert len(full_deck) >= 90
    assert {c.topic_id for c in full_deck} == set(deck.ids)
