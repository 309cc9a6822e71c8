"""The interview plan: reviews spread over the days left, every topic in the final
window, and the day told to the user is the day the card is asked."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import Clock
from hypothesis import given, settings
from hypothesis import strategies as st

from quiz import plan
from quiz.deck import Deck
from quiz.plan import FINAL_DAYS, due_dates, final_window, place
from quiz.records import CardState
from quiz.session import Graded, Session
from quiz.sm2 import SM2State, review
from quiz.stats import day_summary, forecast, interview, next_due, topics
from quiz.store import Store

TZ = timezone(timedelta(hours=1))
START = datetime(2026, 3, 3, 10, 0, tzinfo=TZ)  # a Tuesday, 10:00
TODAY = START.date()
DAY = timedelta(days=1)


# -- a fortnight of daily use before an interview ------------------------------------------


def realistic_history(store: Store, deck: Deck, rng: random.Random) -> None:
    """Eleven of the fifteen cards started over the last three months, one every
    eight days, each reviewed on the day SM-2 said with mostly good grades: the
    oldest are mature (intervals of weeks), the youngest still learning; four are new."""
    started = deck.ids[:]
    rng.shuffle(started)
    for k, card_id in enumerate(started[:11]):
        day = TODAY - timedelta(days=90 - 8 * k)
        state = SM2State()
        while day < TODAY:
            grade = rng.choice([3, 4, 4, 5, 5, 5]) if rng.random() > 0.08 else rng.choice([1, 2])
            store.record(card_id, grade, "review", day=day, ts_ms=0)
            state = review(state, grade)
            day += timedelta(days=state.interval)


def due_of(graded: Graded) -> date:
    """The day a review's grade said its card is asked (only practice has none)."""
    assert graded.due is not None
    return graded.due


def study_every_day(
    session: Session, clock: Clock, rng: random.Random, days: int
) -> tuple[Counter[date], dict[str, list[date]], list[tuple[str, date, date]]]:
    """Every card the session asks is graded, every day, failed ones when they come
    back; grades 3 to 5, now and then lower.

    Returns:
        Scheduling grades per day; the days each card was graded (review mode); and
        each promise made on grading, (card, day graded, day it said the card is due).
    """
    loads: Counter[date] = Counter()
    asked: dict[str, list[date]] = {}
    promises: list[tuple[str, date, date]] = []
    for offset in range(days):
        clock.moment = START + timedelta(days=offset)
        while True:
            item = session.current()
            if item is None:
                waiting = session.waiting()
                if waiting is None:
                    break
                clock.moment = waiting.ready_at
                continue
            grade = rng.choice([3, 4, 4, 5, 5]) if rng.random() > 0.1 else rng.choice([1, 2])
            graded = session.grade(item.card.id, grade)
            if item.mode == "review":
                loads[session.today] += 1
                asked.setdefault(item.card.id, []).append(session.today)
                promises.append((item.card.id, session.today, due_of(graded)))
            clock.advance(seconds=40)
    return loads, asked, promises


@pytest.mark.parametrize("lead", [13, 14])
@pytest.mark.parametrize("seed", range(6))
def test_a_fortnight_before_the_interview(store: Store, deck: Deck, seed: int, lead: int) -> None:
    rng = random.Random(seed)
    realistic_history(store, deck, rng)
    exam = TODAY + timedelta(days=lead)
    states = store.card_states()
    intervals = [s.state.interval for s in states.values()]
    # The history is mixed: new, learning and mature cards, and SM-2 alone would not
    # ask some of them again before the interview.
    assert len(states) == 11 and min(intervals) < 21 <= max(intervals)
    assert any(s.due >= exam for s in states.values())

    clock = Clock(START)
    session = Session(store, deck, now=clock, interview=exam)
    loads, asked, promises = study_every_day(session, clock, rng, lead)

    # Spread: over the days left, no day has more than twice the mean number of
    # reviews, plus one because with two or three reviews a day on average one card
    # more is a rounding matter (e.g. 6 on a day against a mean of 2.5).
    per_day = [loads[TODAY + timedelta(days=i)] for i in range(lead)]
    mean = sum(per_day) / lead
    assert max(per_day) <= 2 * mean + 1, per_day
    # Every topic comes up in the final window.
    window = {exam - timedelta(days=k) for k in range(1, FINAL_DAYS + 1)}
    seen = {card_id for card_id, days in asked.items() if window & set(days)}
    assert seen == set(deck.ids), sorted(set(deck.ids) - seen)
    # Each "next review on ..." was the truth: the card was next asked on that day.
    checked = 0
    for card_id, graded_on, due in promises:
        later = [d for d in asked[card_id] if d > graded_on]
        if due < exam:
            assert later and later[0] == due, (card_id, graded_on, due, later)
            checked += 1
        else:
            assert not later
    assert checked >= 15


def test_the_old_cap_piles_reviews_on_the_day_before_the_interview(
    store: Store, deck: Deck, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The control: with the old rule (cap each due date to the day before the
    interview, bring nothing else in) the same checks fail."""

    def cap(card_id: str, day: date, due: date, states: object, exam: date | None) -> date:
        assert exam is not None
        return min(due, max(day + DAY, exam - DAY))

    def stored(states: dict[str, CardState], today: date, exam: date | None) -> dict[str, date]:
        return {card_id: card.due for card_id, card in states.items()}

    monkeypatch.setattr(plan, "place", cap)
    monkeypatch.setattr(plan, "due_dates", stored)
    rng = random.Random(0)
    realistic_history(store, deck, rng)
    exam = TODAY + timedelta(days=14)
    clock = Clock(START)
    session = Session(store, deck, now=clock, interview=exam)
    loads, asked, _ = study_every_day(session, clock, rng, 14)
    per_day = [loads[TODAY + timedelta(days=i)] for i in range(14)]
    assert max(per_day) > 2 * sum(per_day) / 14 + 1
    assert per_day.index(max(per_day)) == 13  # the day before the interview
    window = {exam - timedelta(days=k) for k in range(1, FINAL_DAYS + 1)}
    assert {c for c, days in asked.items() if window & set(days)} != set(deck.ids)


def test_cards_graded_together_are_not_all_asked_on_one_day(store: Store, deck: Deck) -> None:
    cohort = deck.ids[:12]
    for card_id in cohort:  # started together yesterday: SM-2 asks them all in 6 days
        store.record(card_id, 5, "review", day=TODAY - DAY, ts_ms=0)
    clock = Clock(START)
    session = Session(store, deck, now=clock, interview=TODAY + timedelta(days=20))
    graded = [session.grade(card_id, 5) for card_id in cohort]
    assert {g.interval for g in graded} == {6}
    said = {g.review.card_id: due_of(g) for g in graded}
    # Brought forward, never later: 12 reviews over the 6 days up to SM-2's day are
    # at best 2 a day.
    assert all(TODAY + DAY <= day <= TODAY + timedelta(days=6) for day in said.values())
    assert max(Counter(said.values()).values()) == 2
    dates = session.due_dates()
    assert {card_id: dates[card_id] for card_id in cohort} == said  # as said, still


# -- the message, clearing the date, undo and replay --------------------------------------


def ids_due(session: Session) -> list[str]:
    return [i.card.id for i in session.queue() if i.mode == "review"]


def three_perfect_reviews(session: Session, clock: Clock, card_id: str) -> None:
    """Graded 5 on each day SM-2 says: intervals 1 and 6; the next one is 17 days."""
    session.grade(card_id, 5)
    clock.advance(days=1)
    session.grade(card_id, 5)
    clock.advance(days=6)


def test_the_day_said_is_the_day_the_card_is_asked_not_the_sm2_interval(
    store: Store, deck: Deck
) -> None:
    clock = Clock(START)
    session = Session(store, deck, now=clock)
    card = deck.ids[0]
    three_perfect_reviews(session, clock, card)
    today = session.today
    session.interview = today + timedelta(days=14)
    graded = session.grade(card, 5)
    assert graded.interval == 17  # SM-2's interval is kept...
    assert graded.due is not None
    # ...but the card is asked in the final window, before the interview.
    assert final_window(session.interview) <= graded.due < session.interview
    assert graded.days == (graded.due - today).days < 17
    assert store.card_state(card).due == graded.due  # type: ignore[union-attr]
    while session.today < graded.due:  # not asked before the day said...
        assert card not in ids_due(session), session.today
        clock.advance(days=1)
    assert card in ids_due(session)  # ...and asked on it


def test_clearing_the_date_restores_plain_sm2_and_undo_and_replay_are_exact(
    db_path: Path, store: Store, deck: Deck
) -> None:
    clock = Clock(START)
    session = Session(store, deck, now=clock)
    card = deck.ids[0]
    three_perfect_reviews(session, clock, card)
    today = session.today
    before = store.card_states()
    session.interview = today + timedelta(days=14)
    planned = due_of(session.grade(card, 5))
    sm2_day = today + timedelta(days=17)
    assert planned < sm2_day
    # Replaying the log gives the same cards, the planned day included.
    store.rebuild()
    assert store.card_state(card).due == planned  # type: ignore[union-attr]
    # Clearing the date: plain SM-2 at once, in the queue and in the figures.
    session.interview = None
    assert session.due_dates()[card] == sm2_day
    assert {t.card_id: t.due for t in topics(session)}[card] == sm2_day
    # Undo restores the card exactly as it was before the grade.
    session.interview = today + timedelta(days=14)
    assert session.undo() is not None
    assert store.card_states() == before


def test_a_due_date_capped_by_an_older_version_stays_valid(store: Store, deck: Deck) -> None:
    card = deck.ids[0]
    exam = TODAY + timedelta(days=10)
    for back, grade in ((8, 5), (7, 5)):
        store.record(card, grade, "review", day=TODAY - timedelta(days=back), ts_ms=0)
    # What the old code logged: SM-2 said 17 days, the cap said the day before the interview.
    store.record(card, 5, "review", day=TODAY, ts_ms=0, schedule=lambda due: exam - DAY)
    store.rebuild()
    assert store.card_state(card).due == exam - DAY  # type: ignore[union-attr]
    states = store.card_states()
    assert due_dates(states, TODAY, exam)[card] == exam - DAY
    assert due_dates(states, TODAY, None)[card] == TODAY + timedelta(days=17)


def test_a_card_due_long_after_the_interview_is_brought_into_the_plan(
    store: Store, deck: Deck
) -> None:
    clock = Clock(START)
    mature = deck.ids[0]
    day = TODAY - timedelta(days=30)
    for grade in (5, 5, 5):  # due in 1, 6, then 17 days: last review 23 days ago
        store.record(mature, grade, "review", day=day, ts_ms=0)
    store.record(mature, 5, "review", day=TODAY - timedelta(days=3), ts_ms=0)  # 48 days
    assert store.card_state(mature).due == TODAY + timedelta(days=45)  # type: ignore[union-attr]
    exam = TODAY + timedelta(days=14)
    session = Session(store, deck, now=clock, interview=exam)
    due = session.due_dates()[mature]
    assert final_window(exam) <= due < exam
    assert dict(forecast(session))[due] == 1
    assert {t.card_id: t.due for t in topics(session)}[mature] == due
    ready = interview(session)
    assert ready is not None and ready.ready == 1
    assert next_due(session) == due
    clock.moment = datetime.combine(due, START.timetz())
    assert mature in ids_due(session)
    clock.moment = START
    session.interview = TODAY + timedelta(days=2)  # two days left: asked today or tomorrow
    assert session.due_dates()[mature] <= TODAY + DAY
    assert day_summary(session).due_tomorrow == 1


# -- invariants ---------------------------------------------------------------------------


@st.composite
def schedules(draw: st.DrawFn) -> tuple[dict[str, CardState], date, date | None]:
    """Cards with any history, a study day, and an interview date (or none)."""
    today = TODAY + timedelta(days=draw(st.integers(0, 60)))
    states = {}
    for i in range(draw(st.integers(0, 25))):
        last_day = today - timedelta(days=draw(st.integers(0, 90)))
        interval = draw(st.integers(1, 400))
        sm2_day = last_day + timedelta(days=interval)
        # The stored day: SM-2's, or one a plan brought forward.
        due = sm2_day - timedelta(days=draw(st.integers(0, interval - 1)))
        card_id = f"card-{i}"
        states[card_id] = CardState(
            card_id, SM2State(2.5, interval, 3), due, 0, 3, 4, last_day, last_day
        )
    exam = draw(st.none() | st.integers(-10, 120).map(lambda n: today + timedelta(days=n)))
    return states, today, exam


@settings(max_examples=300, deadline=None)
@given(schedules())
def test_effective_due_dates_keep_the_plans_promises(
    case: tuple[dict[str, CardState], date, date | None],
) -> None:
    states, today, exam = case
    dates = due_dates(states, today, exam)
    assert dates.keys() == states.keys()
    # The same answer whatever the order the cards are read in.
    assert due_dates(dict(reversed(states.items())), today, exam) == dates
    for card_id, card in states.items():
        sm2_day = card.last_day + timedelta(days=card.state.interval)
        if exam is None or today >= exam:
            assert dates[card_id] == sm2_day
            continue
        assert dates[card_id] <= card.due  # never later than stored
        assert dates[card_id] >= min(card.due, today)  # nothing new put in the past
        if card.last_day < final_window(exam):
            assert dates[card_id] <= exam - DAY  # not yet seen in the window: before it
        else:
            assert dates[card_id] == card.due


@settings(max_examples=300, deadline=None)
@given(schedules(), st.integers(1, 400))
def test_a_placed_review_is_never_later_than_sm2_nor_before_the_next_day(
    case: tuple[dict[str, CardState], date, date | None], interval: int
) -> None:
    states, today, exam = case
    sm2_day = today + timedelta(days=interval)
    day = place("new-card", today, sm2_day, states, exam)
    assert today + DAY <= day <= sm2_day
    if exam is None or today >= final_window(exam):
        assert day == sm2_day
    elif sm2_day >= final_window(exam):
        assert final_window(exam) <= day < exam
