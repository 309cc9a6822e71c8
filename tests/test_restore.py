"""Restore: it brings back exactly what was backed up, and nothing is ever lost.

Days are simulated with explicit ``now`` values; nothing sleeps.
"""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from backuptools import DAY, at, grade, make_history, quiz, rows

from quiz.backup import backup, backup_dir
from quiz.errors import QuizError
from quiz.restore import restore
from quiz.schema import SCHEMA_VERSION
from quiz.store import Store


def files_in(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes: to show that nothing changed."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


# -- restore ------------------------------------------------------------------------


def test_restore_brings_back_exactly_the_backed_up_history(db_path: Path) -> None:
    make_history(db_path)
    saved = backup(db_path, now=at(DAY))
    expected = rows(db_path, "reviews"), rows(db_path, "cards")
    assert saved.parent == db_path.parent / "backups"
    assert (rows(saved, "reviews"), rows(saved, "cards")) == expected

    # Life goes on: more grades, an undo, a card rescheduled.
    with Store.open(db_path) as store:
        grade(store, "mlp", 0, DAY + timedelta(days=1))
        grade(store, "dropout-vs-batchnorm", 5, DAY + timedelta(days=1))
        store.undo_last()
        grade(store, "softmax-relu", 5, DAY + timedelta(days=2))
    assert rows(db_path, "reviews") != expected[0]

    restore(db_path, saved, now=at(DAY + timedelta(days=2)))
    assert (rows(db_path, "reviews"), rows(db_path, "cards")) == expected
    with Store.open(db_path) as store:  # and the app opens it as its own
        assert store.review_count() == len(expected[0])
        grade(store, "mlp", 4, DAY + timedelta(days=3))  # and can grade on
    assert sorted(p.name for p in db_path.parent.iterdir()) == ["backups", db_path.name]


def test_restore_first_backs_up_the_current_file(db_path: Path) -> None:
    make_history(db_path)
    old = backup(db_path, now=at(DAY))
    with Store.open(db_path) as store:
        grade(store, "backpropagation", 3, DAY + timedelta(days=1))
    current = rows(db_path, "reviews"), rows(db_path, "cards")

    previous = restore(db_path, old, now=at(DAY + timedelta(days=1)))

    assert previous is not None and previous.name.endswith("-pre-restore.db")
    assert (rows(previous, "reviews"), rows(previous, "cards")) == current
    # Going back on the restore is one more restore.
    restore(db_path, previous, now=at(DAY + timedelta(days=1), 11))
    assert (rows(db_path, "reviews"), rows(db_path, "cards")) == current


@pytest.mark.parametrize(
    "kind",
    ["text", "other-program", "newer-schema", "empty-sqlite", "damaged", "empty-file"],
)
def test_restoring_a_file_that_is_not_a_quiz_backup_is_refused_and_changes_nothing(
    db_path: Path, tmp_path: Path, kind: str
) -> None:
    make_history(db_path)
    backup(db_path, now=at(DAY))
    bad = tmp_path / "elsewhere" / "bad.db"
    bad.parent.mkdir()
    if kind == "text":
        bad.write_text("my notes\n" * 100)
    elif kind == "other-program":
        with sqlite3.connect(bad) as conn:
            conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    elif kind == "newer-schema":
        backup(db_path, bad.parent, at(DAY)).rename(bad)
        with sqlite3.connect(bad) as conn:
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    elif kind == "empty-sqlite":  # a valid SQLite file without a table
        with sqlite3.connect(bad) as conn:
            conn.execute("CREATE TABLE t (x)")
            conn.execute("DROP TABLE t")
    elif kind == "damaged":
        data = bytearray(backup(db_path, bad.parent, at(DAY)).read_bytes())
        data[4096:] = b"\xff" * (len(data) - 4096)
        bad.write_bytes(bytes(data))
    else:
        bad.write_bytes(b"")
    before = files_in(db_path.parent)
    with pytest.raises(QuizError) as info:
        restore(db_path, bad, now=at(DAY + timedelta(days=1)))
    message = str(info.value)
    assert str(bad) in message and "nothing was changed" in message and "\n" not in message
    assert files_in(db_path.parent) == before  # no pre-restore backup, no temporary file


def test_restore_is_refused_while_the_database_is_open(db_path: Path) -> None:
    make_history(db_path)
    saved = backup(db_path, now=at(DAY))
    with Store.open(db_path) as store:
        grade(store, "mlp", 5, DAY + timedelta(days=1))
        with pytest.raises(QuizError, match="open in another program"):
            restore(db_path, saved)
        assert store.review_count() == len(rows(saved, "reviews")) + 1


def test_restore_over_a_damaged_file_keeps_the_damaged_bytes(db_path: Path) -> None:
    make_history(db_path)
    saved = backup(db_path, now=at(DAY))
    db_path.write_bytes(b"SQLite format 3\x00" + b"\x00\xff" * 3000)
    damaged = db_path.read_bytes()
    previous = restore(db_path, saved, now=at(DAY + timedelta(days=1)))
    assert previous is not None and previous.read_bytes() == damaged
    assert rows(db_path, "reviews") == rows(saved, "reviews")


def test_restore_to_a_missing_database_creates_it(tmp_path: Path, db_path: Path) -> None:
    make_history(db_path)
    saved = backup(db_path, now=at(DAY))
    target = tmp_path / "new" / "place" / "quiz.db"
    assert restore(target, saved) is None
    assert rows(target, "reviews") == rows(db_path, "reviews")


# -- the command ------------------------------------------------------------------------


def test_quiz_backup_and_quiz_restore(db_path: Path) -> None:
    make_history(db_path)
    made = quiz("--db", str(db_path), "backup")
    assert made.returncode == 0, made.stderr
    saved = Path(made.stdout.strip())
    assert saved.parent == backup_dir(db_path) and saved.exists()
    expected = rows(db_path, "reviews")
    with Store.open(db_path) as store:
        grade(store, "mlp", 0, DAY + timedelta(days=1))

    result = quiz("restore", str(saved), "--db", str(db_path))
    assert result.returncode == 0, result.stderr
    assert rows(db_path, "reviews") == expected
    lines = result.stdout.splitlines()
    assert lines[0] == f"restored {db_path} from {saved}"
    previous = Path(lines[1].rsplit(" ", 1)[1])
    assert len(rows(previous, "reviews")) == len(expected) + 1


def test_quiz_restore_of_a_bad_file_is_one_line_and_exit_1(db_path: Path, tmp_path: Path) -> None:
    make_history(db_path)
    before = files_in(tmp_path)
    for bad in (tmp_path / "missing.db", tmp_path):
        result = quiz("--db", str(db_path), "restore", str(bad))
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert files_in(tmp_path) == before
