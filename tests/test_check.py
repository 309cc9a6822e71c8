"""`quiz check` finds what is wrong with a database; `quiz rebuild` repairs the cards
table from the review log, backing the file up first."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from dbtools import big_history, corrupt_deep_page, quick_check, rows

from quiz.backup import backup_dir, list_backups
from quiz.store import Store


def quiz(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "quiz", *args], capture_output=True, text=True, timeout=120
    )


def no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr and "unexpected error" not in result.stderr, (
        result.stderr
    )


def tamper(db: Path, sql: str) -> None:
    conn = sqlite3.connect(db)
    conn.execute(sql)
    conn.commit()
    conn.close()


def test_check_of_a_healthy_database_says_so_and_exits_0(db_path: Path) -> None:
    big_history(db_path, 300)
    before = db_path.read_bytes()
    result = quiz("--db", str(db_path), "check")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "integrity: ok",
        "schema: ok (version 3)",
        "review log: 300 grades of 5 cards",
        "cards table: matches a replay of the review log (5 cards)",
        f"{db_path} is healthy",
    ]
    assert db_path.read_bytes() == before, "check wrote to the database"


def test_check_finds_a_cards_table_that_disagrees_with_the_log_and_rebuild_repairs_it(
    db_path: Path,
) -> None:
    big_history(db_path, 300)
    expected = rows(db_path, "cards")
    tamper(db_path, "UPDATE cards SET interval = 999, ef_x100 = 130 WHERE card_id = 'mlp'")
    tamper(db_path, "DELETE FROM cards WHERE card_id = 'softmax-relu'")
    tamper(
        db_path,
        "INSERT INTO cards SELECT 'renamed-card', ef_x100, interval, repetitions, due, lapses,"
        " reviews, last_grade, last_day, introduced FROM cards WHERE card_id = 'deep-learning'",
    )

    found = quiz("--db", str(db_path), "check")
    no_traceback(found)
    assert found.returncode == 1
    text = found.stdout
    assert "cards table: 3 cards differ from a replay of the review log" in text
    assert "mlp: interval 999, the log says" in text
    assert "softmax-relu: missing" in text
    assert "renamed-card: not in the review log" in text
    assert "quiz rebuild" in text
    assert f"{db_path} needs attention" in text.splitlines()[-1]

    log = rows(db_path, "reviews")
    repaired = quiz("--db", str(db_path), "rebuild")
    assert repaired.returncode == 0, repaired.stderr
    assert rows(db_path, "cards") == expected
    assert rows(db_path, "reviews") == log, "rebuild touched the log"
    saved = [b for b in list_backups(backup_dir(db_path), "quiz") if b.kind == "pre-rebuild"]
    assert len(saved) == 1 and quick_check(saved[0].path) == "ok"
    assert ("renamed-card",) in [r[:1] for r in rows(saved[0].path, "cards")]
    lines = repaired.stdout.splitlines()
    assert lines[0] == f"rebuilt the cards table of {db_path} from 300 grades: 3 cards changed"
    assert lines[1] == f"the file as it was is saved as {saved[0].path}"

    again = quiz("--db", str(db_path), "check")
    assert again.returncode == 0, again.stdout
    nothing = quiz("--db", str(db_path), "rebuild")
    assert nothing.returncode == 0
    assert "already matches" in nothing.stdout
    assert len(list_backups(backup_dir(db_path), "quiz")) == 1, "a needless backup was made"


def test_check_of_a_damaged_database_names_the_damage_and_rebuild_refuses(db_path: Path) -> None:
    big_history(db_path)
    corrupt_deep_page(db_path)
    before = db_path.read_bytes()
    found = quiz("--db", str(db_path), "check")
    no_traceback(found)
    assert found.returncode == 1
    first = found.stdout.splitlines()[0]
    assert first.startswith("integrity: damaged") and "page" in first
    assert f"{db_path} needs attention" in found.stdout.splitlines()[-1]
    assert "quiz restore" in found.stdout

    refused = quiz("--db", str(db_path), "rebuild")
    no_traceback(refused)
    assert refused.returncode == 1
    [line] = refused.stderr.strip().splitlines()
    assert line.startswith(f"quiz: error: {db_path} is damaged") and "quiz restore" in line
    assert db_path.read_bytes() == before
    assert not backup_dir(db_path).exists() or not list(backup_dir(db_path).iterdir())


@pytest.mark.parametrize(
    "sql",
    [
        "CREATE TRIGGER wipe AFTER DELETE ON cards BEGIN DELETE FROM reviews; END",
        "CREATE VIEW recent AS SELECT * FROM reviews",
    ],
)
def test_check_reports_objects_quiz_did_not_make_and_rebuild_will_not_run_them(
    db_path: Path, sql: str
) -> None:
    big_history(db_path, 100)
    tamper(db_path, sql)
    log = rows(db_path, "reviews")
    found = quiz("--db", str(db_path), "check")
    no_traceback(found)
    assert found.returncode == 1
    name = sql.split()[2]
    assert any(line.startswith("schema:") and name in line for line in found.stdout.splitlines())
    tamper(db_path, "UPDATE cards SET interval = 999")
    refused = quiz("--db", str(db_path), "rebuild")
    no_traceback(refused)
    assert refused.returncode == 1 and name in refused.stderr
    assert rows(db_path, "reviews") == log, "the trigger ran"


def test_check_and_rebuild_without_a_database_create_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "none" / "quiz.db"
    for command in ("check", "rebuild"):
        result = quiz("--db", str(missing), command)
        assert result.returncode == 1 and "there is no database" in result.stderr
    assert not missing.parent.exists()


def test_rebuild_while_the_app_is_grading_loses_nothing(db_path: Path) -> None:
    """The rebuild is one transaction: a grade made just before it is in the log and
    in the rebuilt cards table."""
    big_history(db_path, 100)
    with Store.open(db_path) as store:
        tamper(db_path, "UPDATE cards SET interval = 999")
        from datetime import date

        store.record("mlp", 5, "review", day=date(2026, 3, 3), ts_ms=1)
        result = quiz("--db", str(db_path), "rebuild")
        assert result.returncode == 0, result.stderr
        assert store.review_count() == 101
    assert quiz("--db", str(db_path), "check").returncode == 0
