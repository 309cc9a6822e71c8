"""Adversarial tests of backups, restore and exports: what issue 13 found broken.

A backup of a damaged file, rotation with no good backup left, a restore that drops
the source's ``-wal``, a writer opening during a restore, a symlinked database, a
backup holding a trigger, exports onto the database's own files, world-readable
files, and temporary files that a killed process leaves behind.

Processes are real processes and kills real SIGKILLs; nothing sleeps to wait for
something to happen (waits poll a condition, with a bound).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from dbtools import answers, big_history, corrupt_deep_page, mode, quick_check, rows

from quiz import cli
from quiz.backup import AutoBackup, auto_backup, backup, backup_dir, list_backups
from quiz.errors import QuizError
from quiz.export import save_log
from quiz.restore import restore
from quiz.store import Store

TZ = timezone(timedelta(hours=1))
DAY = date(2026, 3, 3)
CHILDREN = Path(__file__).resolve().parent / "children"  # the programs tests start


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


def test_restore_over_a_damaged_database_keeps_its_bytes_apart_from_the_good_backups(
    db_path: Path,
) -> None:
    big_history(db_path)
    good = backup(db_path, now=at(DAY))
    corrupt_deep_page(db_path)
    damaged = db_path.read_bytes()
    kept = restore(db_path, good, now=at(DAY, 11))
    assert kept is not None and kept.name.endswith("-damaged.db")
    # Byte for byte, but for the file header's counters and journal mode: the copy is
    # taken under the restore's lock, out of WAL mode, so it is whole without a -wal.
    copy = kept.read_bytes()
    assert len(copy) == len(damaged) and copy[100:] == damaged[100:]
    assert mode(kept) == 0o600
    assert quick_check(db_path) == "ok" and rows(db_path, "reviews") == rows(good, "reviews")
    # The damaged copy is not listed (nor rotated, nor offered) as a backup.
    assert [b.path for b in list_backups(backup_dir(db_path), "quiz")] == [good]


# -- restore reads the source whole --------------------------------------------------------


def test_restore_brings_back_the_grades_still_in_the_sources_wal(
    db_path: Path, tmp_path: Path
) -> None:
    source = tmp_path / "copied" / "quiz.db"
    source.parent.mkdir()
    big_history(source, 200)
    child = subprocess.Popen(
        [sys.executable, str(CHILDREN / "wal_grader.py"), str(source)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None and child.stdout.readline() == "done\n"
    child.kill()
    child.communicate(timeout=30)
    assert Path(f"{source}-wal").stat().st_size > 0, "the grades are not in a -wal"
    before = files_in(source.parent)

    big_history(db_path, 10)
    restore(db_path, source, now=at(DAY))

    assert {f"wal {i}" for i in range(300)} <= answers(db_path), "grades in the -wal were lost"
    assert len(rows(db_path, "reviews")) == 500
    assert files_in(source.parent) == before, "the restore changed the backup it read"


# -- restore while the database is in use --------------------------------------------------


def test_no_grade_committed_around_a_restore_is_lost(db_path: Path, tmp_path: Path) -> None:
    """A second process grades (opening the file each time) while the file is
    restored over and over: each restore is either refused (the file is open) or
    made under a lock, and every grade the writer saw committed is in the database
    or in the copy the restore made of it first."""
    big_history(db_path, 50)
    source = backup(db_path, tmp_path / "source", at(DAY))
    writer = subprocess.Popen(
        [sys.executable, str(CHILDREN / "looping_grader.py"), str(db_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    restored = refused = 0
    graded: list[str] = []  # what the writer has reported so far, read as it goes
    reader = threading.Thread(target=lambda: graded.extend(writer.stdout or ()), daemon=True)
    try:
        assert writer.stdout is not None and writer.stdout.readline() == "ready\n"
        reader.start()
        deadline = time.monotonic() + 60
        # Until both sides have done enough for the test to mean something: with
        # grades synced to disk (synchronous=FULL), 25 restores can be over before
        # the writer has committed 20 grades.
        while time.monotonic() < deadline and (
            restored < 25 or sum(line.strip().isdigit() for line in graded) < 25
        ):
            try:
                restore(db_path, source, now=at(DAY))
            except QuizError as exc:
                assert "open in another program" in str(exc), exc
                refused += 1
            else:
                restored += 1
    finally:
        writer.kill()
        writer.wait(timeout=30)
        if reader.ident is not None:  # started
            reader.join(timeout=30)
    assert writer.stderr is not None
    err = writer.stderr.read()
    out = "".join(graded)
    assert "Traceback" not in err, err
    assert restored >= 5, f"only {restored} restores went through ({refused} refused)"
    reported = {
        f"writer {line.strip()}"
        for line in out.splitlines(keepends=True)
        if line.strip().isdigit() and line.endswith("\n")
    }
    assert len(reported) >= 20, "the writer hardly graded: the test proves nothing"
    kept = answers(db_path)
    for item in list_backups(backup_dir(db_path), "quiz"):
        kept |= answers(item.path)
    lost = reported - kept
    assert not lost, f"{len(lost)} committed grades were lost by restores"


@contextlib.contextmanager
def holding_open(db: Path) -> Iterator[None]:
    """The database open in another process, between two reads, for the block."""
    holder = subprocess.Popen(
        [sys.executable, str(CHILDREN / "holder.py"), str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "open\n"
        yield
    finally:
        holder.kill()
        holder.communicate(timeout=30)


def test_restore_is_refused_while_another_process_has_the_file_open(
    db_path: Path, tmp_path: Path
) -> None:
    """Open in another process (idle, between grades): refused, whatever files are
    beside the database."""
    big_history(db_path, 50)
    source = backup(db_path, tmp_path / "source", at(DAY))
    before = rows(db_path, "reviews")
    with holding_open(db_path):
        Path(f"{db_path}-wal").unlink()  # no -wal beside it: still open
        with pytest.raises(QuizError, match="open in another program"):
            restore(db_path, source, now=at(DAY))
    assert rows(db_path, "reviews") == before


# -- symlinks ------------------------------------------------------------------------------


def test_restore_through_a_symlink_writes_the_target_and_keeps_the_link(tmp_path: Path) -> None:
    target = tmp_path / "real" / "quiz.db"
    target.parent.mkdir()
    link = tmp_path / "link.db"
    link.symlink_to(target)
    big_history(link, 50)
    saved = backup(link, tmp_path / "saved", at(DAY))
    big_history(link, 20, first=50)

    with Store.open(target) as running:  # an instance on the target's own path
        with pytest.raises(QuizError, match="open in another program"):
            restore(link, saved, now=at(DAY))
        assert running.review_count() == 70
    assert link.is_symlink() and link.resolve() == target

    restore(link, saved, now=at(DAY))
    assert link.is_symlink() and link.resolve() == target, "the link was replaced by a file"
    assert rows(target, "reviews") == rows(saved, "reviews")


# -- what a backup may hold ----------------------------------------------------------------

FOREIGN = {
    "trigger": "CREATE TRIGGER wipe AFTER INSERT ON reviews"
    " BEGIN DELETE FROM reviews WHERE id < new.id; END",
    "view": "CREATE VIEW recent AS SELECT * FROM reviews",
    "table": "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)",
    "index": "CREATE INDEX idx_reviews_answer ON reviews (answer)",
    "column": "ALTER TABLE cards ADD COLUMN extra TEXT",
}


@pytest.mark.parametrize("kind", list(FOREIGN))
def test_a_backup_holding_anything_but_quizs_schema_is_refused(
    db_path: Path, tmp_path: Path, kind: str
) -> None:
    big_history(db_path, 50)
    hostile = backup(db_path, tmp_path / "elsewhere", at(DAY))
    conn = sqlite3.connect(hostile)
    conn.execute(FOREIGN[kind])
    conn.commit()
    conn.close()
    before = files_in(tmp_path)
    with pytest.raises(QuizError) as info:
        restore(db_path, hostile, now=at(DAY, 11))
    message = str(info.value)
    assert str(hostile) in message and "nothing was changed" in message and "\n" not in message
    assert "not a quiz backup" in message or "holds" in message
    assert files_in(tmp_path) == before

    result = quiz("--db", str(db_path), "restore", str(hostile))
    assert one_line_error(result) == f"quiz: error: {message}"


# -- exports -------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "json", "apkg"])
def test_no_export_lands_on_the_databases_files_or_in_its_backups(db_path: Path, fmt: str) -> None:
    big_history(db_path, 20)
    backup(db_path, now=at(DAY))

    def files() -> dict[str, bytes]:  # but the -shm, which reading changes
        return {k: v for k, v in files_in(db_path.parent).items() if not k.endswith("-shm")}

    # Open in another process (reading the files here would drop this process's
    # locks on them: POSIX locks go with any descriptor closed), so the -wal and
    # -shm are there throughout.
    with holding_open(db_path):
        before = files()
        assert f"{db_path.name}-wal" in before
        targets = [
            db_path,
            Path(f"{db_path}-wal"),
            Path(f"{db_path}-shm"),
            Path(f"{db_path}-journal"),
            backup_dir(db_path) / f"export.{fmt}",
            backup_dir(db_path) / "sub" / f"export.{fmt}",
        ]
        for target in targets:
            result = quiz("--db", str(db_path), "export", "--format", fmt, "-o", str(target))
            line = one_line_error(result)
            assert str(target) in line, line
            assert "is your quiz database" in line or "backups folder" in line, line
        assert files() == before


def test_save_log_refuses_the_backups_folder(store: Store) -> None:
    big_history(store.path, 5)
    folder = backup_dir(store.path)
    folder.mkdir()
    with pytest.raises(QuizError, match="backups"):
        save_log(store, folder / "log.csv", "csv")
    assert list(folder.iterdir()) == []


# -- private files -------------------------------------------------------------------------


@pytest.fixture
def umask_022() -> Iterator[None]:
    """The usual umask: files 0644 and folders 0755 unless the code asks otherwise."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


@pytest.mark.usefixtures("umask_022")
def test_the_data_folder_database_backups_and_exports_are_private(tmp_path: Path) -> None:
    folder = tmp_path / "data" / "quiz"
    db = folder / "quiz.db"
    env = {**os.environ, "QUIZ_DB": str(db)}
    made = quiz("config", "new-per-day", "5", env=env)
    assert made.returncode == 0, made.stderr
    assert mode(folder) == 0o700 and mode(db) == 0o600
    big_history(db, 20)
    with Store.open(db):
        for side in ("-wal", "-shm"):
            assert mode(Path(f"{db}{side}")) == 0o600

    saved = Path(quiz("backup", env=env).stdout.strip())
    assert mode(backup_dir(db)) == 0o700 and mode(saved) == 0o600
    for fmt in ("csv", "json", "apkg"):
        out = tmp_path / f"out.{fmt}"
        result = quiz("export", "--format", fmt, "-o", str(out), env=env)
        assert result.returncode == 0, result.stderr
        assert mode(out) == 0o600, fmt

    result = quiz("restore", str(saved), env=env)
    assert result.returncode == 0, result.stderr
    assert mode(db) == 0o600, "restore changed the database's mode"
    for item in backup_dir(db).iterdir():
        assert mode(item) == 0o600, item.name

    db.chmod(0o640)  # the user's own choice is kept too
    assert quiz("restore", str(saved), env=env).returncode == 0
    assert mode(db) == 0o640


@pytest.mark.usefixtures("umask_022")
def test_a_restore_that_creates_the_database_makes_it_private(
    db_path: Path, tmp_path: Path
) -> None:
    big_history(db_path, 20)
    saved = backup(db_path, now=at(DAY))
    target = tmp_path / "new" / "quiz.db"
    assert restore(target, saved) is None
    assert mode(target.parent) == 0o700 and mode(target) == 0o600
    assert rows(target, "reviews") == rows(db_path, "reviews")


# -- temporary files of a killed process ---------------------------------------------------


def new_hidden_files(folders: list[Path], known: set[Path]) -> set[Path]:
    found = set()
    for folder in folders:
        if folder.is_dir():
            found |= {p for p in folder.iterdir() if p not in known and p.name.startswith(".")}
    return found


def kill_while_writing(argv: list[str], folders: list[Path], env: dict[str, str]) -> set[Path]:
    """Runs ``quiz`` with ``argv`` and SIGKILLs it as soon as it has made a new file
    in one of ``folders``; returns what it left there. Tries again when the command
    was quicker than the poll."""
    for _ in range(10):
        known = {p for folder in folders if folder.is_dir() for p in folder.iterdir()}
        child = subprocess.Popen(
            [sys.executable, "-m", "quiz", *argv],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
        )

        def made_one(known: set[Path] = known, child: subprocess.Popen[bytes] = child) -> bool:
            return bool(new_hidden_files(folders, known)) or child.poll() is not None

        wait_until(made_one, "a file to be made")
        child.send_signal(signal.SIGKILL)
        _, err = child.communicate(timeout=30)
        assert b"Traceback" not in err, err
        if child.returncode == -signal.SIGKILL:
            left = new_hidden_files(folders, known)
            if left:
                return left
    pytest.fail(f"quiz {' '.join(argv)} never left a file behind when killed")


def test_temporary_files_of_a_killed_backup_restore_or_export_go_at_the_next_start(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from quiz.tui.app import QuizApp

    big_history(db_path, 60_000)  # tens of MB: each command takes a while
    saved = backup(db_path, tmp_path / "saved", at(DAY))
    exports = tmp_path / "exports"
    exports.mkdir()
    # Files that look alike but are not quiz's: never touched.
    others = [
        backup_dir(db_path) / ".notes.tmp",
        db_path.parent / ".quiz.db.swp",
        exports / ".reviews.csv.partial~",
    ]
    backup_dir(db_path).mkdir(exist_ok=True)
    for path in others:
        path.write_text("not quiz's")
    env = {**os.environ, "QUIZ_DB": str(db_path)}

    left = kill_while_writing(["backup"], [backup_dir(db_path)], env)
    left |= kill_while_writing(["restore", str(saved)], [db_path.parent], env)
    left |= kill_while_writing(
        ["export", "--format", "csv", "-o", str(exports / "reviews.csv")], [exports], env
    )
    assert left

    def quits_at_once(self: QuizApp, *args: object, **kwargs: object) -> None:
        self.exit()

    monkeypatch.setattr(QuizApp, "run", quits_at_once)
    assert cli.main(["--db", str(db_path)]) == 0  # the next start

    still = {p for p in left if p.exists()}
    assert not still, f"left behind: {sorted(p.name for p in still)}"
    for path in others:
        assert path.read_text() == "not quiz's"
    assert quick_check(db_path) == "ok"
    hidden = [p.name for p in db_path.parent.rglob(".*") if p not in others]
    assert hidden == [], hidden


def hot(journal: Path) -> bool:
    """Whether ``journal`` is a rollback journal of a write under way (its header is
    written; SQLite zeroes it when the write commits)."""
    try:
        with journal.open("rb") as f:
            return f.read(8) == b"\xd9\xd5\x05\xf9\x20\xa1\x63\xd7"
    except OSError:
        return False


def test_a_restore_killed_while_writing_leaves_a_database_that_opens(
    db_path: Path, tmp_path: Path
) -> None:
    """Killed while the backup is being written into the database (its rollback
    journal is there): the next open rolls the write back, and quiz starts."""
    big_history(db_path, 60_000)
    saved = backup(db_path, tmp_path / "saved", at(DAY))
    restored = rows(saved, "reviews")
    journal = Path(f"{db_path}-journal")
    env = {**os.environ, "QUIZ_DB": str(db_path)}
    for _ in range(10):
        big_history(db_path, 10, first=60_000 + len(rows(db_path, "reviews")))
        before = rows(db_path, "reviews")
        child = subprocess.Popen(
            [sys.executable, "-m", "quiz", "restore", str(saved)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
        )

        def writing(child: subprocess.Popen[bytes] = child) -> bool:
            return hot(journal) or child.poll() is not None

        wait_until(writing, "the restore to write")
        child.send_signal(signal.SIGKILL)
        _, err = child.communicate(timeout=30)
        assert b"Traceback" not in err, err
        if child.returncode == -signal.SIGKILL and hot(journal):
            break
    else:
        pytest.fail("the restore was never caught writing")
    with Store.open(db_path, create=False) as store:  # as the next 'quiz' opens it
        assert store.review_count() in (len(before), len(restored))
    assert quick_check(db_path) == "ok"
    assert rows(db_path, "reviews") in (before, restored)
