"""Backups: a restore brings back exactly what was backed up, and nothing is ever lost.

Days are simulated with explicit ``now`` values; nothing sleeps.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from quiz import cli
from quiz.backup import (
    AutoBackup,
    auto_backup,
    backup,
    backup_dir,
    list_backups,
    restore,
)
from quiz.errors import QuizError
from quiz.schema import SCHEMA_VERSION
from quiz.store import Store

TZ = timezone(timedelta(hours=1))
DAY = date(2026, 3, 3)


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def grade(store: Store, card: str, g: int, day: date = DAY, mode: str = "review") -> None:
    store.record(card, g, mode, day=day, ts_ms=0, answer=f"{card} {g}")  # type: ignore[arg-type]


def rows(path: Path, table: str) -> list[tuple[object, ...]]:
    """Every row of ``table``, through a plain connection (not the code under test)."""
    conn = sqlite3.connect(path)
    try:
        order = "id" if table == "reviews" else "card_id"
        return conn.execute(f"SELECT * FROM {table} ORDER BY {order}").fetchall()
    finally:
        conn.close()


def files_in(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes: to show that nothing changed."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def make_history(db_path: Path) -> None:
    with Store.open(db_path) as store:
        for i, card in enumerate(("mlp", "softmax-relu", "cost-function")):
            grade(store, card, 4, DAY - timedelta(days=9))
            grade(store, card, 2 + i, DAY - timedelta(days=8))
            grade(store, card, 5, DAY - timedelta(days=8), mode="drill")
        grade(store, "mlp", 1, mode="practice")


# -- backup and restore ---------------------------------------------------------------


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
        [sys.executable, "-c", WRITER, str(db_path)],
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
        assert max(r[0] for r in log) >= first  # holds every grade committed before it
        # Consistent: its cards table is what replaying its own log gives.
        cards = rows(copy, "cards")
        with Store.open(copy) as store:
            store.rebuild()
        assert rows(copy, "cards") == cards
    assert len(final) > len(rows(copies[0][1], "reviews")), "the writer went on meanwhile"


# A second process grading as fast as it can, printing each committed review's id.
WRITER = """
import sys
from datetime import date, timedelta
from quiz.store import Store
store = Store.open(sys.argv[1])
store.db  # load sqlite-utils before saying ready
print("ready", flush=True)
cards = ["deep-learning", "neural-network", "mlp", "backpropagation", "softmax-relu"]
i = 0
while True:
    day = date(2026, 3, 4) + timedelta(days=i // 5)
    review = store.record(cards[i % 5], i % 6, "review", day=day, ts_ms=i)
    print(review.id, flush=True)
    i += 1
"""


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


def quiz(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "quiz", *args], capture_output=True, text=True, timeout=60
    )


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


def test_quiz_backup_without_a_database_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "none" / "quiz.db"
    result = quiz("--db", str(missing), "backup")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    line = result.stderr.strip()
    assert line.startswith(f"quiz: error: there is no database at {missing}:")
    assert "running 'quiz' starts one" in line and "\n" not in line
    assert not missing.parent.exists()
