"""Suspend, unsuspend, bury and leeches: rows of the log that take cards out of the
queue, undone by ``u`` and kept by a replay; and a session limited to one tag."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import Clock

from quiz import export, integrity
from quiz.deck import Deck
from quiz.errors import QuizError
from quiz.session import Session
from quiz.stats import summary
from quiz.store import Store


def queue_ids(session: Session) -> list[str]:
    return [item.card.id for item in session.queue()]


def test_a_suspended_card_leaves_the_queue_until_unsuspended(session: Session) -> None:
    first = queue_ids(session)[0]
    session.mark(first, "suspend")
    assert first not in queue_ids(session)
    assert session.marks()[first].suspended
    session.mark(first, "unsuspend")
    assert queue_ids(session)[0] == first


def test_a_suspend_is_undone_by_u_and_the_card_is_asked_first(session: Session) -> None:
    second = queue_ids(session)[1]
    session.mark(second, "suspend")
    undone = session.undo()
    assert undone is not None and undone.mode == "suspend"
    assert session.current() is not None and session.current().card.id == second  # type: ignore[union-attr]
    assert session.marks() == {}


def test_a_buried_card_sits_out_today_and_comes_back_the_next_study_day(
    session: Session, clock: Clock
) -> None:
    first = queue_ids(session)[0]
    session.mark(first, "bury")
    assert first not in queue_ids(session)
    clock.advance(days=1)
    assert first in queue_ids(session)


def test_a_bury_is_undone(session: Session) -> None:
    first = queue_ids(session)[0]
    session.mark(first, "bury")
    assert session.undo() is not None
    assert first in queue_ids(session)


def test_marks_are_not_grades(session: Session, store: Store, deck: Deck) -> None:
    first = queue_ids(session)[0]
    session.mark(first, "suspend")
    session.mark(first, "unsuspend")
    session.mark(first, "bury")
    assert session.progress().done_today == 0
    assert session.streak() == 0
    figures = summary(session, deck)
    assert figures.reviews == 0 and figures.reviewed_today == 0
    assert store.review_count(grades_only=True) == 0
    rows = list(export.log_rows(store))
    assert [r["mode"] for r in rows] == ["suspend", "unsuspend", "bury"]
    assert all(r["grade"] is None for r in rows)


def lapse_to(session: Session, clock: Clock, card_id: str, lapses: int) -> None:
    """Grades ``card_id`` 5 (learnt) then 1 (a lapse), a day at a time."""
    for _ in range(lapses):
        for grade in (5, 1):
            while session.current() is None or session.current().card.id != card_id:  # type: ignore[union-attr]
                clock.advance(days=1)
            result = session.grade(session.current(), grade)  # type: ignore[arg-type]
            clock.advance(days=1)
    assert result.review.grade == 1


def test_a_card_becomes_a_leech_at_the_threshold(store: Store, deck: Deck, clock: Clock) -> None:
    card_id = deck.ids[0]
    session = Session(store, deck, now=clock, new_per_day=1, leech_lapses=3)
    lapse_to(session, clock, card_id, 2)
    assert card_id not in session.marks()
    for grade in (5, 1):
        while session.current() is None or session.current().card.id != card_id:  # type: ignore[union-attr]
            clock.advance(days=1)
        result = session.grade(session.current(), grade)  # type: ignore[arg-type]
    assert result.leech and not result.again_today
    mark = session.marks()[card_id]
    assert mark.suspended and mark.leech
    assert "leech" in session.tags_of(deck.cards[0])
    assert card_id not in queue_ids(session)
    assert store.card_state(card_id).lapses == 3  # type: ignore[union-attr]
    # u takes back the grade and the leech with it
    undone = session.undo()
    assert undone is not None and undone.mode == "review" and undone.grade == 1
    assert card_id not in session.marks()
    assert store.card_state(card_id).lapses == 2  # type: ignore[union-attr]


def test_the_leech_threshold_is_a_setting(db_path: Path) -> None:
    from quiz import config

    with Store.open(db_path) as store:
        assert config.load(store).leech_lapses == 8
        config.set_value(store, "leech-lapses", "4")
        assert config.load(store).leech_lapses == 4
        with pytest.raises(QuizError):
            config.set_value(store, "leech-lapses", "-1")


def test_replay_keeps_suspensions_burials_and_leeches(
    store: Store, deck: Deck, clock: Clock
) -> None:
    session = Session(store, deck, now=clock, new_per_day=2, leech_lapses=1)
    a, b = deck.ids[0], deck.ids[1]
    lapse_to(session, clock, a, 1)  # a leech at once
    session.mark(b, "bury")
    before = (store.card_states(), store.marks())
    store.rebuild()
    assert (store.card_states(), store.marks()) == before
    assert before[1][a].leech and before[1][b].buried == session.today
    checked = integrity.replay(store.conn)
    assert checked.differences == [] and checked.unreadable is None
    assert checked.grades == 2  # the two grades; the leech and bury rows are not grades


def test_a_session_of_one_tag_asks_only_its_cards(
    store: Store, full_deck: Deck, clock: Clock
) -> None:
    session = Session(store, full_deck, now=clock, new_per_day=100)
    tags = session.all_tags()
    tag = max(tags, key=lambda t: tags[t])
    session.tag = session.check_tag(tag)
    asked = [item.card for item in session.queue()]
    assert asked and all(tag in card.tags for card in asked)
    with pytest.raises(QuizError, match="tags: "):
        session.check_tag("no-such-tag")


def test_quiz_tag_unknown_is_one_line_listing_the_tags_exit_2(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [sys.executable, "-m", "quiz", "--db", str(tmp_path / "q.db"), "--tag", "nope"],
        capture_output=True,
        text=True,
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        timeout=60,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "no card has the tag 'nope'; tags: " in lines[0]


def test_an_unknown_tag_is_answered_with_the_likely_one_first(
    store: Store, full_deck: Deck
) -> None:
    session = Session(store, full_deck)
    with pytest.raises(QuizError) as refused:
        session.check_tag("optimization")
    message = str(refused.value)
    assert message.startswith(
        "no card has the tag 'optimization' (did you mean 'optimisation'?); tags: "
    )
    assert session.check_tag("optimisation") == "optimisation"


def test_a_row_of_an_unknown_mode_is_still_damage(store: Store) -> None:
    store.conn.execute(
        "INSERT INTO reviews (card_id, ts_ms, day, grade, mode, ef_before, interval_before,"
        " reps_before, ef_after, interval_after, reps_after)"
        " VALUES ('mlp', 0, '2026-03-03', 0, 'freeze', 250, 0, 0, 250, 0, 0)"
    )
    with pytest.raises(QuizError, match="mode 'freeze'"):
        store.reviews_of("mlp")
    assert isinstance(store.conn, sqlite3.Connection)


def test_a_suspended_card_leaves_the_forecast(session: Session, clock: Clock) -> None:
    from quiz.stats import forecast, next_due

    first = session.current()
    assert first is not None
    session.grade(first, 5)
    assert sum(count for _, count in forecast(session)) == 1
    session.mark(first.card.id, "suspend")
    assert sum(count for _, count in forecast(session)) == 0
    assert next_due(session) is None
    session.mark(first.card.id, "unsuspend")
    assert next_due(session) == session.today + timedelta(days=1)


def test_figures_and_lists_hold_a_suspended_card(session: Session, deck: Deck) -> None:
    from quiz.browsing import entries
    from quiz.stats import report, topics

    first = session.current()
    assert first is not None
    session.grade(first, 5)
    session.set_interview((session.today + timedelta(days=20)).isoformat())
    session.mark(first.card.id, "suspend")
    row = next(r for r in entries(session) if r.card.id == first.card.id)
    assert row.due is None
    assert next(t for t in topics(session) if t.card_id == first.card.id).due is None
    report(session)  # every figure of the progress screen, a suspended card in them
