"""Backups: a backup is a checked snapshot of the database, made while it is in use,
at most once a day automatically, and rotated.

Days are simulated with explicit ``now`` values; nothing sleeps.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import cast

import pytest
from backuptools import DAY, at, grade, make_history, quiz, rows

from quiz import cli
from quiz.backup import AutoBackup, auto_backup, backup, backup_dir, list_backups
from quiz.store import Store

CHILDREN = Path(__file__).resolve().parent / "children"  # the programs tests start

# -- backup ---------------------------------------------------------------------------


def test_a_backup_stands_alone_and_keeps_the_live_database_in_use(db_path: Path) -> None:
    make_history(db_path)
    with Store.open(db_path) as store:  # open, WAL in use, while backing up
        grade(store, "mlp", 5, DAY + timedelta(days=1))
        saved = backup(db_path, now=at(DAY))
        grade(store, "mlp", 3, DAY + timedelta(days=2))
    assert not Path(f"{saved}-wal").exists()
    assert saved.read_bytes()[18:20] == b"\x01\x01"  # rollback journal: one file is all
    with Store.open(saved) as copy:
        assert copy.review_count() == len(rows(db_path, "reviews")) - 1


def test_backing_up_while_another_process_is_grading(db_path: Path, tmp_path: Path) -> None:
    make_history(db_path)
    with Store.open(db_path) as store:  # a few MB, so that each copy takes a while
        store.append_reviews(
            {
                "card_id": "mlp",
                "day": DAY,
                "ts_ms": i,
                "grade": 4,
                "mode": "practice",
                "answer": "x" * 2000,
            }
            for i in range(2_000)
        )
    writer = subprocess.Popen(
        [sys.executable, str(CHILDREN / "writer.py"), str(db_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "ready"
        copies = []
        for i in range(8):
            first = int(writer.stdout.readline())  # it has committed a grade just now
            copies.append((first, backup(db_path, tmp_path / "copies", at(DAY, 10, i))))
    finally:
        writer.kill()
        _, errors = writer.communicate(timeout=30)
    assert "Traceback" not in errors and "locked" not in errors, errors
    final = rows(db_path, "reviews")
    for first, copy in copies:
        conn = sqlite3.connect(copy)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()
        log = rows(copy, "reviews")
        assert log == final[: len(log)], "a backup is a snapshot of the log, in order"
        assert max(cast(int, r[0]) for r in log) >= first  # holds every grade committed before it
        # Consistent: its cards table is what replaying its own log gives.
        cards = rows(copy, "cards")
        with Store.open(copy) as store:
            store.rebuild()
        assert rows(copy, "cards") == cards
    assert len(final) > len(rows(copies[0][1], "reviews")), "the writer went on meanwhile"


# -- automatic backups and rotation ----------------------------------------------------


def test_at_most_one_automatic_backup_a_day(db_path: Path) -> None:
    Store.open(db_path).close()
    assert auto_backup(db_path, at(DAY)) is None, "an empty database has nothing to back up"
    make_history(db_path)
    first = auto_backup(db_path, at(DAY, 9))
    assert first is not None and first.exists()
    assert auto_backup(db_path, at(DAY, 9, 1)) is None
    assert auto_backup(db_path, at(DAY, 23, 59)) is None
    backup(db_path, now=at(DAY, 12))  # a manual one does not count
    second = auto_backup(db_path, at(DAY + timedelta(days=1), 0, 1))
    assert second is not None
    kinds = [(b.moment.date(), b.kind) for b in list_backups(backup_dir(db_path), "quiz")]
    assert kinds == [(DAY, "auto"), (DAY, "manual"), (DAY + timedelta(days=1), "auto")]


def auto_days(db_path: Path) -> list[str]:
    return [
        b.moment.date().isoformat()
        for b in list_backups(backup_dir(db_path), db_path.stem)
        if b.kind == "auto"
    ]


def test_rotation_keeps_the_last_7_days_and_4_weeks_before_them(db_path: Path) -> None:
    make_history(db_path)
    start = date(2026, 1, 5)  # a Monday
    manual = None
    for offset in range(60):  # every day to Thursday 5 March, twice on some
        day = start + timedelta(days=offset)
        auto_backup(db_path, at(day, 8))
        if offset % 3 == 0:
            auto_backup(db_path, at(day, 20))
        if offset == 10:
            manual = backup(db_path, now=at(day, 12))
        assert len(auto_days(db_path)) <= 7 + 4
    assert auto_days(db_path) == [
        # Weekly: the newest of each of the four ISO weeks before the daily ones'.
        "2026-02-01",
        "2026-02-08",
        "2026-02-15",
        "2026-02-22",
        # Daily: the last seven days.
        "2026-02-27",
        "2026-02-28",
        "2026-03-01",
        "2026-03-02",
        "2026-03-03",
        "2026-03-04",
        "2026-03-05",
    ]
    assert manual is not None and manual.exists(), "manual backups are never rotated away"

    # A month away: days without a backup are skipped, not counted, so coming back
    # does not wipe out the old ones.
    auto_backup(db_path, at(date(2026, 4, 6), 8))
    assert auto_days(db_path) == [
        "2026-02-01",
        "2026-02-08",
        "2026-02-15",
        "2026-02-22",
        "2026-02-28",
        "2026-03-01",
        "2026-03-02",
        "2026-03-03",
        "2026-03-04",
        "2026-03-05",
        "2026-04-06",
    ]


def test_a_failed_automatic_backup_is_reported_not_raised(db_path: Path) -> None:
    make_history(db_path)
    backup_dir(db_path).write_text("a file where the backups folder should be")
    worker = AutoBackup(db_path, at(DAY))
    problem = worker.finish()
    assert problem is not None and "backup folder" in problem and "\n" not in problem


def test_starting_the_app_makes_the_days_backup(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``quiz`` backs up in the background while the TUI runs (here: a TUI that quits
    at once), and a failure is one warning line once the TUI has closed."""
    from quiz.tui.app import QuizApp

    make_history(db_path)

    def quits_at_once(self: QuizApp, *args: object, **kwargs: object) -> None:
        self.exit()

    monkeypatch.setattr(QuizApp, "run", quits_at_once)
    assert cli.main(["--db", str(db_path)]) == 0
    assert cli.main(["--db", str(db_path)]) == 0
    made = list_backups(backup_dir(db_path), "quiz")
    assert [b.kind for b in made] == ["auto"]
    assert rows(made[0].path, "reviews") == rows(db_path, "reviews")
    assert capsys.readouterr().err == ""

    other = db_path.with_name("other.db")
    make_history(other)
    for item in made:
        item.path.unlink()
    backup_dir(db_path).rmdir()
    backup_dir(db_path).write_text("in the way")
    assert cli.main(["--db", str(other)]) == 0
    err = capsys.readouterr().err.strip()
    assert err.startswith("quiz: warning: no automatic backup today") and "\n" not in err


# -- the commands ----------------------------------------------------------------------


def test_quiz_backup_without_a_database_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "none" / "quiz.db"
    result = quiz("--db", str(missing), "backup")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    line = result.stderr.strip()
    assert line.startswith(f"quiz: error: there is no database at {missing}:")
    assert "running 'quiz' starts one" in line and "\n" not in line
    assert not missing.parent.exists()
