"""Adversarial tests of backups, restore and exports: what issue 13 found broken.

A backup of a damaged file, and rotation with no good backup left.

Processes are real processes and kills real SIGKILLs; nothing sleeps to wait for
something to happen (waits poll a condition, with a bound).
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from dbtools import big_history, corrupt_deep_page, quick_check

from quiz.backup import AutoBackup, auto_backup, backup, backup_dir, list_backups
from quiz.errors import QuizError

TZ = timezone(timedelta(hours=1))
DAY = date(2026, 3, 3)


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


def quiz(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "quiz", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("quiz: error: ")
    return lines[0]


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.001)


def files_in(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


# -- backups of a damaged database ---------------------------------------------------------


def test_a_damaged_database_is_never_backed_up_and_rotation_keeps_the_good_backups(
    db_path: Path,
) -> None:
    """Ten good days, then a page goes bad deep in the file, then 40 more days of
    opening the app: every backup after the damage is refused (and said so), no bad
    copy is kept, and the backups from before the damage are all still there."""
    big_history(db_path)
    start = date(2026, 1, 5)
    for offset in range(10):
        assert auto_backup(db_path, at(start + timedelta(days=offset))) is not None
    good = {b.path for b in list_backups(backup_dir(db_path), "quiz")}
    newest_good = max(good)
    corrupt_deep_page(db_path)

    for offset in range(10, 50):
        worker = AutoBackup(db_path, at(start + timedelta(days=offset)), delay=0)
        problem = worker.finish()
        assert problem is not None and "damaged" in problem and "\n" not in problem
    with pytest.raises(QuizError, match="damaged"):
        backup(db_path, now=at(start + timedelta(days=50)))

    kept = list_backups(backup_dir(db_path), "quiz")
    assert newest_good.exists(), "rotation deleted the newest good backup"
    # No copy of the damaged file was kept, and none of the good ones was rotated away.
    assert {b.path for b in kept} == good
    for item in kept:
        assert quick_check(item.path) == "ok"
    assert sorted(p.name for p in backup_dir(db_path).iterdir()) == sorted(
        b.path.name for b in kept
    ), "a temporary or bad file was left in the backups folder"


def test_quiz_backup_of_a_damaged_database_is_one_line_and_keeps_nothing(db_path: Path) -> None:
    big_history(db_path)
    corrupt_deep_page(db_path)
    line = one_line_error(quiz("--db", str(db_path), "backup"))
    assert str(db_path) in line and "damaged" in line
    folder = backup_dir(db_path)
    assert not folder.exists() or list(folder.iterdir()) == []


def test_quiz_stats_on_a_damaged_database_says_damaged(db_path: Path) -> None:
    """Damage in the index the statistics read: one line that says "damaged" and
    what to do, not an unexpected error."""
    # The last 160 days, as the statistics read them.
    big_history(db_path, 8000, start=date.today() - timedelta(days=160))
    corrupt_deep_page(db_path, "idx_reviews_day_mode_grade_answer_ms")
    for args in (["stats"], ["stats", "--json"]):
        line = one_line_error(quiz("--db", str(db_path), *args))
        assert f"{db_path} is damaged" in line and "quiz restore" in line, line
