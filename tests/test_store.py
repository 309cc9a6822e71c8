"""The store: grades survive, undo restores, replay rebuilds, bad files are refused untouched."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest

from quiz.dbfile import resolve_path
from quiz.errors import QuizError
from quiz.schema import SCHEMA_VERSION
from quiz.sm2 import SM2State
from quiz.store import MARKS_QUERY, Store

DAY = date(2026, 3, 3)


def grade(store: Store, card: str, g: int, day: date = DAY, mode: str = "review") -> None:
    store.record(card, g, mode, day=day, ts_ms=0, answer="typed", answer_ms=1200)  # type: ignore[arg-type]


def cards_table(path: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT * FROM cards ORDER BY card_id").fetchall()


def test_new_database_has_schema_wal_and_version(db_path: Path) -> None:
    with Store.open(db_path) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.card_states() == {}


def test_missing_folder_is_created(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "quiz.db"
    with Store.open(path):
        pass
    assert path.exists()


def test_a_grade_survives_closing_and_reopening(db_path: Path) -> None:
    with Store.open(db_path) as store:
        grade(store, "mlp", 5)
    with Store.open(db_path) as store:
        state = store.card_state("mlp")
        assert state is not None
        assert state.state == SM2State(2.6, 1, 1)
        assert state.due == DAY + timedelta(days=1)
        [row] = store.reviews_of("mlp")
        assert (row.grade, row.mode, row.answer, row.answer_ms) == (5, "review", "typed", 1200)


def test_grade_is_committed_before_record_returns(db_path: Path, store: Store) -> None:
    grade(store, "mlp", 4)
    # A second, independent connection sees it at once: nothing waits for close().
    with sqlite3.connect(db_path) as other:
        assert other.execute("SELECT count(*) FROM reviews").fetchone()[0] == 1


def test_drill_and_practice_are_logged_but_do_not_move_the_schedule(store: Store) -> None:
    grade(store, "mlp", 2)
    before = store.card_state("mlp")
    grade(store, "mlp", 5, mode="drill")
    grade(store, "mlp", 0, mode="practice")
    grade(store, "softmax-relu", 1, mode="practice")
    assert store.card_state("mlp") == before
    assert store.card_state("softmax-relu") is None
    assert store.review_count() == 4


def test_undo_restores_the_exact_before_state(db_path: Path, store: Store) -> None:
    grade(store, "mlp", 4)
    grade(store, "mlp", 4, day=DAY + timedelta(days=1))
    before = cards_table(db_path)
    grade(store, "mlp", 1, day=DAY + timedelta(days=7))
    assert cards_table(db_path) != before
    undone = store.undo_last()
    assert undone is not None and undone.grade == 1
    assert cards_table(db_path) == before
    assert store.review_count() == 2


def test_undo_of_a_first_review_makes_the_card_new_again(store: Store) -> None:
    grade(store, "mlp", 3)
    store.undo_last()
    assert store.card_state("mlp") is None
    assert store.undo_last() is None


def test_undo_can_be_limited_to_one_day(store: Store) -> None:
    grade(store, "mlp", 3)
    assert store.undo_last(on_day=DAY + timedelta(days=1)) is None
    assert store.review_count() == 1


def test_replaying_the_log_rebuilds_identical_cards(db_path: Path, store: Store) -> None:
    day = DAY
    for i, g in enumerate([4, 4, 2, 5, 3, 0, 4, 5]):
        for card in ("mlp", "softmax-relu", "dropout-vs-batchnorm")[: 1 + i % 3]:
            grade(store, card, g, day=day)
            if g < 4:
                grade(store, card, 4, day=day, mode="drill")
        day += timedelta(days=3)
    grade(store, "mlp", 2, mode="practice")
    before = cards_table(db_path)
    store.conn.execute("DELETE FROM cards")
    store.rebuild()
    assert cards_table(db_path) == before
    assert len(before) == 3


def test_an_interval_past_the_year_9999_is_due_on_the_last_day_there_is(
    store: Store,
) -> None:
    # SM-2 multiplies the interval at each perfect grade: a long enough run of them
    # (here all logged on one day) passes the last date Python can hold.
    for _ in range(25):
        store.record("deep-learning", 5, "review", day=DAY, ts_ms=0)
    card = store.card_state("deep-learning")
    assert card is not None and card.state.interval > (date.max - DAY).days
    assert card.due == date.max
    store.rebuild()  # the same state replayed from the log
    assert store.card_state("deep-learning") == card


def test_lapses_count_failures_after_a_success(store: Store) -> None:
    for g in (1, 4, 4, 2, 4, 0):
        grade(store, "mlp", g)
    state = store.card_state("mlp")
    assert state is not None and state.lapses == 2 and state.reviews == 6


def test_newer_schema_is_refused_with_a_clear_error(db_path: Path) -> None:
    with Store.open(db_path):
        pass
    with sqlite3.connect(db_path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    content = db_path.read_bytes()
    with pytest.raises(QuizError, match="newer version of quiz"):
        Store.open(db_path)
    assert db_path.read_bytes() == content


@pytest.mark.parametrize(
    "content",
    [
        b"this is not a database\n" * 50,
        b"SQLite format 3\x00" + b"\xff" * 4000,  # right header, damaged body
        bytes(range(256)) * 16,
    ],
    ids=["text", "damaged", "random-bytes"],
)
def test_a_file_that_is_not_a_database_is_refused_and_left_unchanged(
    db_path: Path, content: bytes
) -> None:
    db_path.write_bytes(content)
    with pytest.raises(QuizError) as info:
        Store.open(db_path)
    message = str(info.value)
    assert str(db_path) in message and "\n" not in message
    assert db_path.read_bytes() == content
    assert sorted(p.name for p in db_path.parent.iterdir()) == [db_path.name]


def test_another_programs_sqlite_file_is_refused_and_left_unchanged(db_path: Path) -> None:
    with sqlite3.connect(db_path) as conn:
        conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    content = db_path.read_bytes()
    with pytest.raises(QuizError, match="another program"):
        Store.open(db_path)
    assert db_path.read_bytes() == content


def test_a_folder_given_as_database_is_refused(tmp_path: Path) -> None:
    with pytest.raises(QuizError, match="is a folder"):
        Store.open(tmp_path)


def test_path_resolution_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUIZ_DB", str(tmp_path / "env.db"))
    assert resolve_path(tmp_path / "flag.db") == tmp_path / "flag.db"
    assert resolve_path(None) == tmp_path / "env.db"
    monkeypatch.delenv("QUIZ_DB")
    default = resolve_path(None)
    assert default.name == "quiz.db" and str(tmp_path / "xdg") in str(default)


def test_settings_round_trip(store: Store) -> None:
    assert store.setting("new_per_day") is None
    store.set_setting("new_per_day", "5")
    assert store.setting("new_per_day") == "5"
    store.set_setting("new_per_day", None)
    assert store.setting("new_per_day") is None


def test_a_version_1_database_is_migrated_keeping_its_history(db_path: Path) -> None:
    with Store.open(db_path) as store:
        grade(store, "mlp", 4)
    with sqlite3.connect(db_path) as conn:  # make it look like a database from version 1
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND sql LIKE '%mode%'"
        ).fetchall():
            conn.execute(f"DROP INDEX {name}")
        conn.execute("PRAGMA user_version = 1")
    with Store.open(db_path) as store:
        assert store.schema_version() == SCHEMA_VERSION == 3
        indexes = {
            r[0]
            for r in store.conn.execute("SELECT sql FROM sqlite_master WHERE type = 'index'")
            if r[0]
        }
        assert any("mode" in sql and "grade" in sql for sql in indexes)
        assert [r.grade for r in store.reviews_of("mlp")] == [4]


def test_a_version_2_database_is_migrated_and_its_cards_can_be_suspended(
    db_path: Path,
) -> None:
    with Store.open(db_path) as store:
        grade(store, "mlp", 4)
    with sqlite3.connect(db_path) as conn:  # as version 2 left it: no index of actions
        conn.execute("DROP INDEX idx_reviews_actions")
        conn.execute("PRAGMA user_version = 2")
    with Store.open(db_path) as store:
        assert store.schema_version() == SCHEMA_VERSION == 3
        assert store.marks() == {}
        store.mark("mlp", "suspend", day=date(2026, 3, 4), ts_ms=2)
        assert store.marks()["mlp"].suspended
        assert [r.grade for r in store.reviews_of("mlp") if r.is_grade] == [4]
        plan = store.conn.execute(f"EXPLAIN QUERY PLAN {MARKS_QUERY}").fetchall()
        assert "idx_reviews_actions" in " ".join(str(tuple(r)) for r in plan)


def test_a_planned_day_is_stored_but_never_after_sm2s_nor_before_the_next_day(
    store: Store,
) -> None:
    seen: list[date] = []

    def plan(days_earlier: int) -> Callable[[date], date]:
        def schedule(due: date) -> date:
            seen.append(due)
            return due - timedelta(days=days_earlier)

        return schedule

    grade(store, "mlp", 5)
    grade(store, "mlp", 5, day=DAY + timedelta(days=1))  # SM-2: due in 6 days
    day = DAY + timedelta(days=7)
    store.record("mlp", 5, "review", day=day, ts_ms=0, schedule=plan(5))  # SM-2: 17 days
    assert seen == [day + timedelta(days=17)]  # it is asked about SM-2's day
    assert store.card_state("mlp").due == day + timedelta(days=12)  # type: ignore[union-attr]
    [*_, last] = store.reviews_of("mlp")
    assert last.due_after == day + timedelta(days=12) and last.after.interval == 17
    store.undo_last()
    store.record("mlp", 5, "review", day=day, ts_ms=0, schedule=plan(-3))  # later: no
    assert store.card_state("mlp").due == day + timedelta(days=17)  # type: ignore[union-attr]
    store.undo_last()
    store.record("mlp", 5, "review", day=day, ts_ms=0, schedule=plan(40))  # the past: no
    assert store.card_state("mlp").due == day + timedelta(days=1)  # type: ignore[union-attr]
    # Drills and practice do not move the schedule, so there is nothing to plan.
    seen.clear()
    store.record("mlp", 2, "drill", day=day, ts_ms=0, schedule=plan(1))
    store.record("mlp", 2, "practice", day=day, ts_ms=0, schedule=plan(1))
    assert seen == []
