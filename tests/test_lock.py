"""One writer per database: the lock beside it, held by another process, refused here.

The holders are real processes (a child that takes the lock and waits on its stdin),
so the tests exercise the OS lock itself, not this process's own bookkeeping; the
app's whole path (a second ``quiz`` in a real terminal) is in test_terminal.py.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from quiz import cli
from quiz.errors import QuizError
from quiz.lock import DatabaseInUse, hold_writer_lock, lock_path
from quiz.store import Store

# Takes the lock of argv[1], says so, and holds it until its stdin closes.
HOLDER = """
import sys
from quiz.lock import hold_writer_lock
with hold_writer_lock(sys.argv[1]):
    print("held", flush=True)
    sys.stdin.readline()
"""


class Holder:
    """Another process holding the writer lock of a database."""

    def __init__(self, db: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(db)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()  # blocks until the lock is taken
        assert line == "held\n", self.process.communicate()[1]

    @property
    def pid(self) -> int:
        return self.process.pid

    def release(self) -> None:
        """Ends the holder normally (leaves the ``with`` block)."""
        self.process.communicate("\n", timeout=30)
        assert self.process.returncode == 0

    def kill(self) -> None:
        """kill -9: no ``finally`` runs; only the kernel can let go of the lock."""
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.communicate(timeout=30)
        assert self.process.returncode == -signal.SIGKILL


@pytest.fixture
def holders() -> Iterator[list[Holder]]:
    started: list[Holder] = []
    yield started
    for holder in started:
        if holder.process.poll() is None:
            holder.kill()


def hold(holders: list[Holder], db: Path) -> Holder:
    holder = Holder(db)
    holders.append(holder)
    return holder


def test_a_second_writer_is_refused_with_the_holders_pid(
    db_path: Path, holders: list[Holder]
) -> None:
    holder = hold(holders, db_path)
    with pytest.raises(DatabaseInUse) as refused, hold_writer_lock(db_path):
        pass
    assert refused.value.pid == holder.pid
    message = str(refused.value)
    assert message == (
        f"{db_path} is open in another quiz (pid {holder.pid}); quit that one first "
        "(list, due, stats and export work while it is open)"
    )
    assert "\n" not in message
    holder.release()
    with hold_writer_lock(db_path):  # free once the holder has quit
        pass


def test_the_lock_dies_with_a_killed_holder(db_path: Path, holders: list[Holder]) -> None:
    holder = hold(holders, db_path)
    with pytest.raises(DatabaseInUse), hold_writer_lock(db_path):
        pass
    holder.kill()
    with hold_writer_lock(db_path) as lock:
        # The file stays (never removed: see quiz.lock), now naming this process.
        assert lock.read_text() == f"{os.getpid()}\n"
        assert lock.stat().st_mode & 0o777 == 0o600


def test_a_symlinked_database_is_locked_beside_its_target(
    tmp_path: Path, holders: list[Holder]
) -> None:
    real = tmp_path / "data" / "quiz.db"
    real.parent.mkdir()
    Store.open(real).close()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    link = elsewhere / "my.db"
    link.symlink_to(real)
    assert lock_path(link) == lock_path(real) == real.parent / "quiz.db.lock"
    holder = hold(holders, link)  # the app opened through the link...
    with pytest.raises(DatabaseInUse), hold_writer_lock(real):  # ...a restore of the target
        pass
    holder.kill()
    holder = hold(holders, real)  # and the other way round
    with pytest.raises(DatabaseInUse), hold_writer_lock(link):
        pass
    assert not (elsewhere / "my.db.lock").exists()


def test_the_lock_is_reentrant_in_its_process_and_released_by_the_outermost_exit(
    db_path: Path, holders: list[Holder]
) -> None:
    with hold_writer_lock(db_path):
        with hold_writer_lock(db_path):  # e.g. a restore run from inside the app
            pass
        # Still held after the inner exit: another process is refused.
        child = subprocess.run(
            [sys.executable, "-c", HOLDER, str(db_path)],
            input="\n",
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert child.returncode == 1 and "DatabaseInUse" in child.stderr
    hold(holders, db_path).release()  # free after the outer exit


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="reads /proc/self/fd (Linux)")
def test_the_lock_is_not_inherited_by_a_child_process(db_path: Path) -> None:
    """A child the app starts (a demo) must not hold the database locked after the
    app has gone; even one started with close_fds=False does not get it."""
    with hold_writer_lock(db_path) as lock:
        [fd] = [
            int(entry.name)
            for entry in Path("/proc/self/fd").iterdir()
            if os.path.realpath(entry) == str(lock)
        ]
        code = "import os, sys; os.fstat(int(sys.argv[1]))"
        child = subprocess.run(
            [sys.executable, "-c", code, str(fd)], capture_output=True, close_fds=False
        )
        assert child.returncode != 0, "the child inherited the lock file's descriptor"


def test_a_missing_folder_is_made_only_when_asked(tmp_path: Path) -> None:
    db = tmp_path / "new" / "quiz.db"
    with pytest.raises(QuizError, match="does not exist"), hold_writer_lock(db):
        pass
    assert not db.parent.exists()
    with hold_writer_lock(db, create=True):
        assert db.parent.stat().st_mode & 0o777 == 0o700


# -- the commands ----------------------------------------------------------------------


def quiz(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "quiz", *args], capture_output=True, text=True, timeout=120
    )


def test_commands_that_write_are_refused_and_readers_work_while_quiz_is_open(
    db_path: Path, tmp_path: Path, holders: list[Holder]
) -> None:
    with Store.open(db_path) as store:
        store.record("mlp", 4, "review", day=date(2026, 3, 3), ts_ms=0)
    saved = tmp_path / "saved.db"
    saved.write_bytes(db_path.read_bytes())
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    holder = hold(holders, db_path)
    db = ["--db", str(db_path)]
    expected = (
        f"quiz: error: {db_path} is open in another quiz (pid {holder.pid}); quit that one "
        "first (list, due, stats and export work while it is open)\n"
    )
    for args in ([], ["backup"], ["restore", str(saved)], ["config", "new-per-day", "3"]):
        result = quiz(*db, *args)
        assert (result.returncode, result.stderr, result.stdout) == (1, expected, ""), args
    for args in (
        ["list"],
        ["due"],
        ["stats", "--json"],
        ["export", "--format", "csv"],
        ["config", "new-per-day"],
        ["config"],
    ):
        result = quiz(*db, *args)
        assert result.returncode == 0 and result.stderr == "", (args, result.stderr)
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    after.pop("quiz.db.lock")
    assert after == before  # nothing was touched: no backup made, no setting stored
    assert not (tmp_path / "backups").exists()
    holder.release()
    assert cli.main([*db, "config", "new-per-day", "3"]) == 0  # free once it has quit
