"""Quitting while the day's backup is being made: the copy stops between two steps,
leaves nothing behind, and ``quiz`` says so in one line."""

from __future__ import annotations

import sqlite3
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from quiz import backup as backups
from quiz import cli
from quiz.backup import AutoBackup, BackupStopped, backup, backup_dir, list_backups
from quiz.store import Store

TZ = timezone(timedelta(hours=1))
DAY = date(2026, 3, 3)
NOW = datetime(2026, 3, 3, 10, 0, tzinfo=TZ)


def make_history(db_path: Path, grades: int = 300) -> None:
    """A database of some hundred pages (the typed answers take room)."""
    with Store.open(db_path) as store:
        for i in range(grades):
            store.record(
                ("mlp", "softmax-relu", "cost-function")[i % 3],
                4,
                "practice",
                day=DAY - timedelta(days=1),
                ts_ms=i,
                answer=f"answer {i} " + "x" * 1500,
            )


def reviews(path: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT * FROM reviews ORDER BY id").fetchall()
    finally:
        conn.close()


def test_a_copy_stopped_half_way_leaves_no_file(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_history(db_path)
    before = reviews(db_path)
    monkeypatch.setattr(backups, "STEP_PAGES", 4)
    seen: list[tuple[int, int]] = []

    def stop_half_way(copied: int, total: int) -> None:
        seen.append((copied, total))
        if copied * 2 >= total:
            raise BackupStopped(f"{copied / total:.0%} copied")

    folder = tmp_path / "backups"
    with pytest.raises(BackupStopped):
        backup(db_path, folder, NOW, kind="auto", progress=stop_half_way)
    assert len(seen) > 2 and seen[-1][0] < seen[-1][1], "it stopped between two steps"
    # The partial copy goes at once from where backups are looked for, and from
    # the disk a moment later (a process of its own deletes it: a big file takes
    # the kernel a while to free, and quitting does not wait for that).
    assert [p.name for p in folder.iterdir() if ".stopped." not in p.name] == []
    for _ in range(1000):
        if not any(folder.iterdir()):
            break
        time.sleep(0.01)  # polling a process of its own: no event to wait on
    assert list(folder.iterdir()) == [], "no partial copy, no journal"
    assert reviews(db_path) == before


def test_a_copy_in_steps_is_one_snapshot_while_grades_go_on(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Grades committed by the app during the copy neither end up in it nor make it
    start again (which, at a grade every few seconds, could keep a long copy from
    ever finishing)."""
    make_history(db_path)
    at_start = reviews(db_path)
    monkeypatch.setattr(backups, "STEP_PAGES", 1)
    steps: list[int] = []
    with Store.open(db_path) as app_store:

        def grade_meanwhile(copied: int, total: int) -> None:
            steps.append(copied)
            if len(steps) <= 10:
                app_store.record("mlp", 5, "practice", day=DAY, ts_ms=10**6 + len(steps))

        made = backup(db_path, tmp_path / "backups", NOW, progress=grade_meanwhile)
    assert reviews(made) == at_start
    conn = sqlite3.connect(made)
    try:  # a sound file that stands alone, as a one-step copy is
        assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    finally:
        conn.close()
    assert steps == sorted(steps) and len(steps) == steps[-1], "every page copied once"
    assert len(reviews(db_path)) == len(at_start) + 10


def slow_backup(calls: list[int], steps: int = 10_000_000) -> object:
    """A fake :func:`quiz.backup.auto_backup` whose copy takes ``steps`` steps of
    nothing: far longer than quitting may wait, with no sleep. It calls ``progress``
    after each step, as the real copy does, and records how many it made."""

    def auto_backup(db_path: Path, now: datetime | None = None, *, progress: object = None) -> Path:
        assert callable(progress)
        for step in range(1, steps + 1):
            calls[0] = step
            progress(step, steps + 1)
        return Path(db_path).with_name("made.db")

    return auto_backup


def test_finish_stops_a_backup_that_outlasts_its_timeout(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_history(db_path, 3)
    calls = [0]
    monkeypatch.setattr(backups, "auto_backup", slow_backup(calls))
    worker = AutoBackup(db_path, NOW)
    problem = worker.finish(timeout=0.05)
    assert worker.stopped and worker.made is None
    assert problem is not None and problem.endswith("% copied")
    assert 0 < calls[0] < 10_000_000, "stopped part way, not waited for"


def test_a_backup_stopped_before_it_started_is_not_made(db_path: Path) -> None:
    make_history(db_path, 3)
    worker = AutoBackup(db_path, NOW)  # waits 2 s for the app to start
    worker.stop()
    assert worker.finish() == "not started" and worker.stopped
    assert list_backups(backup_dir(db_path), "quiz") == []


def test_quiz_quits_at_once_and_says_the_backup_was_stopped(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``quiz`` on a file whose backup takes long: the app closes, the copy is
    stopped instead of waited for, and one line says so."""
    from quiz.tui.app import QuizApp

    make_history(db_path, 3)
    calls = [0]
    monkeypatch.setattr(backups, "auto_backup", slow_backup(calls))

    def quits_at_once(self: QuizApp, *args: object, **kwargs: object) -> None:
        assert self.backup is not None
        self.backup.start()  # as quitting does
        self.exit()

    monkeypatch.setattr(QuizApp, "run", quits_at_once)
    assert cli.main(["--db", str(db_path)]) == 0
    assert 0 < calls[0] < 10_000_000, "stopped part way, not waited for"
    err = capsys.readouterr().err
    assert err.startswith("quiz: today's backup was stopped at quit (") and err.count("\n") == 1
    assert "% copied); the next start makes it" in err
