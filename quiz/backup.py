"""Backups of the database: made with SQLite's online backup API, checked, rotated.

Backups go to a ``backups/`` folder beside the database (created 0700), one complete
database file each (0600, rollback-journal mode, no ``-wal`` beside it), named
``<stem>-<YYYYmmdd-HHMMSS>-<kind>.db`` after the local time it was made, where the
kind is

- ``auto``: made when the app starts, at most one a calendar day, and rotated;
- ``manual``: made by ``quiz backup``; never deleted by quiz;
- ``pre-restore``: the file a restore overwrote; never deleted by quiz;
- ``pre-rebuild``: the file ``quiz rebuild`` repaired; never deleted by quiz.

Every backup is checked before it is kept: the copy must pass SQLite's
``quick_check`` and be a quiz database, or it is deleted and the backup fails with
a one-line error. So a damaged database is never backed up over and over while its
good backups are rotated away: a failed day's backup rotates nothing. (A damaged
file a restore overwrites is kept all the same: see :mod:`quiz.restore`.)

Rotation keeps, of the automatic backups only (like ``borg prune --keep-daily 7
--keep-weekly 4``), newest first:

1. daily: the newest backup of each of the 7 most recent days that have one;
2. weekly: going on to older ISO weeks (Monday to Sunday), the newest backup of each
   week, when it is not already kept as a daily one, until 4 more are kept.

Every other automatic backup is deleted. With one backup a day that is the last
week day by day, then one a week for about four more weeks; days without a backup
(days the app was not opened, or whose backup failed its check) are skipped, not
counted. Rotation runs only after a backup passed its check, so the newest good
backup is always kept.

Restoring one is :mod:`quiz.restore`'s.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Hashable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Literal

from quiz import tempfiles
from quiz.days import local_now
from quiz.dbfile import (
    BUSY_TIMEOUT_MS,
    create_private_file,
    inspect_existing,
    make_private_folder,
    reason,
)
from quiz.errors import QuizError
from quiz.frozen import frozen
from quiz.schema import SCHEMA_VERSION

Kind = Literal["auto", "manual", "pre-restore", "pre-rebuild"]
KEEP_DAILY = 7
KEEP_WEEKLY = 4
FOLDER = "backups"
START_DELAY_S = 2.0  # how long the automatic backup waits for the app to start
STEP_PAGES = 1024  # pages a stoppable copy takes at a time (4 MB with 4 kB pages)
# As text: re compiles (and keeps) it when first used, after the start.
_NAME = (
    r"^(?P<stem>.+)-(?P<stamp>\d{8}-\d{6})-(?P<kind>auto|manual|pre-restore|pre-rebuild)"
    r"(?:-\d+)?\.db$"
)


class Damaged(QuizError):
    """A backup was not kept: the database failed its check."""


class BackupFailed(QuizError):
    """A backup could not be written (its folder, its file, the disk): nothing was kept.

    The message is :attr:`problem` alone; a caller that did more than back up (a
    restore) words its own message from it, saying what that means for its work.

    Attributes:
        problem: what failed and why, naming the files ("cannot back up X to F: why").
    """

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


class BackupStopped(QuizError):
    """A backup stopped on request before it was complete: no file was kept."""


@frozen
class Backup:
    """A backup file and what its name says about it.

    Attributes:
        path: the file.
        moment: when it was made (local wall-clock time, naive).
        kind: ``auto``, ``manual`` or ``pre-restore``.
    """

    path: Path
    moment: datetime
    kind: Kind


def backup_dir(db_path: str | os.PathLike[str]) -> Path:
    """The folder that holds the backups of the database at ``db_path``."""
    return Path(db_path).parent / FOLDER


def list_backups(folder: Path, stem: str) -> list[Backup]:
    """The backups of database ``stem`` (its file name without ``.db``) in ``folder``,
    oldest first. Files named otherwise are ignored."""
    found = []
    with contextlib.suppress(FileNotFoundError, NotADirectoryError):
        for path in folder.iterdir():
            match = re.match(_NAME, path.name)
            if match is None or match["stem"] != stem:
                continue
            try:
                moment = datetime.strptime(match["stamp"], "%Y%m%d-%H%M%S")
            except ValueError:
                continue
            kind: Kind = match["kind"]  # type: ignore[assignment]
            found.append(Backup(path, moment, kind))
    return sorted(found, key=lambda b: (b.moment, b.path.name))


def backup(
    db_path: str | os.PathLike[str],
    dest_dir: str | os.PathLike[str] | None = None,
    now: datetime | None = None,
    *,
    kind: Kind = "manual",
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Copies the database into a new backup file, safely while it is in use, and
    keeps it only if the copy passes its check.

    SQLite's online backup API copies one consistent snapshot (other instances may
    go on grading meanwhile). The copy is written under a temporary name, checked
    (``quick_check``, and that it is a quiz database), and renamed when it passes,
    so a backup file is never half-written or damaged.

    Args:
        db_path: the database.
        dest_dir: where to put the backup (default: :func:`backup_dir`).
        now: the time in the file's name (default: now, local time).
        kind: what the backup is for (see the module docstring).
        progress: called with (pages copied, pages in all) as the copy goes, which
            is then made a step at a time; what it raises stops the copy, leaves no
            file behind and is raised from here.

    Returns:
        The new backup file.

    Raises:
        QuizError: there is no usable database, the copy failed its check (the
            database is damaged: nothing is kept), or the backup cannot be written.
    """
    db_path = Path(db_path)
    if not db_path.is_file():
        raise QuizError(f"there is no database at {db_path} to back up")
    inspect_existing(db_path)
    folder = Path(dest_dir) if dest_dir is not None else backup_dir(db_path)
    clean_temporary_files(db_path, folder)
    try:
        source = sqlite3.connect(db_path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except sqlite3.Error as exc:
        raise QuizError(f"cannot back up {db_path}: {reason(exc)}") from None
    try:
        return backup_from(source, db_path, folder, now, kind, progress)
    finally:
        source.close()


def backup_from(
    source: sqlite3.Connection,
    shown: Path,
    folder: Path,
    now: datetime | None,
    kind: Kind,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Backs up what ``source`` (the database ``shown`` to the user) holds into a new
    checked file in ``folder``; see :func:`backup`. A restore calls it with the
    connection that holds its database locked.

    Raises:
        Damaged: the copy failed its check; it was deleted.
        BackupFailed: the folder or the file could not be written.
        BackupStopped: ``progress`` stopped the copy; the partial file goes.
    """
    try:
        make_private_folder(folder)
    except OSError as exc:
        raise BackupFailed(f"cannot create the backup folder {folder}: {reason(exc)}") from None
    target = free_name(folder, shown.stem, now or local_now(), kind)
    temp = tempfiles.path_for(folder, target.name)
    try:
        create_private_file(temp)
        copy = sqlite3.connect(temp, isolation_level=None)
        try:
            if progress is None:
                source.backup(copy)  # all pages in one step: one consistent snapshot
            else:
                _copy_in_steps(source, copy, progress)
            # A file that stands alone: no -wal beside it is needed to read it.
            copy.execute("PRAGMA journal_mode = DELETE")
        finally:
            copy.close()
        fsync(temp)
        problem = _unsound(temp)
        if problem is not None:
            raise _damaged(shown, problem)
        os.replace(temp, target)
        fsync(folder)
    except sqlite3.Error as exc:
        if type(exc) is sqlite3.DatabaseError:  # SQLITE_CORRUPT, SQLITE_NOTADB
            raise _damaged(shown, reason(exc)) from None
        raise BackupFailed(f"cannot back up {shown} to {folder}: {reason(exc)}") from None
    except OSError as exc:
        raise BackupFailed(f"cannot back up {shown} to {folder}: {reason(exc)}") from None
    except BackupStopped:
        _delete_in_background(temp)
        raise
    finally:
        tempfiles.remove(temp)
    return target


def _damaged(shown: Path, problem: str) -> Damaged:
    return Damaged(
        f"{shown} is damaged ({problem}), so no backup was made and the earlier ones are "
        "kept; 'quiz check' says more; go back to a backup with: quiz restore FILE"
    )


def _unsound(copy: Path) -> str | None:
    """Why the backup file ``copy`` cannot be kept, or None: it must pass
    ``quick_check`` and hold quiz's tables at a schema this quiz knows. It is read
    through a new connection, so the check reads the file, not a cache."""
    from quiz.integrity import damage, summary

    try:
        conn = sqlite3.connect(f"{copy.resolve().as_uri()}?mode=ro", uri=True)
        try:
            problems = damage(conn)
            if problems:
                return f"integrity check: {summary(problems)}"
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return reason(exc)
    if not 1 <= version <= SCHEMA_VERSION or not {"reviews", "cards"} <= tables:
        return "it holds no quiz review log"
    return None


def retained(
    backups: Iterable[Backup], keep_daily: int = KEEP_DAILY, keep_weekly: int = KEEP_WEEKLY
) -> list[Backup]:
    """The backups rotation keeps, newest first (the rule is in the module docstring)."""
    newest_first = sorted(backups, key=lambda b: (b.moment, b.path.name), reverse=True)
    keep: list[Backup] = []
    rules: list[tuple[Callable[[datetime], Hashable], int]] = [
        (lambda m: m.date(), keep_daily),
        (lambda m: m.isocalendar()[:2], keep_weekly),
    ]
    for period_of, count in rules:
        taken = 0
        last: Hashable = None
        for item in newest_first:
            if taken == count:
                break
            period = period_of(item.moment)
            if period == last:
                continue  # not the newest of its period
            last = period
            if item not in keep:
                keep.append(item)
                taken += 1
    return sorted(keep, key=lambda b: (b.moment, b.path.name), reverse=True)


def rotate(folder: Path, stem: str) -> list[Path]:
    """Deletes the automatic backups of ``stem`` that rotation does not keep; returns
    them. Called only right after a backup passed its check: the newest is good."""
    autos = [b for b in list_backups(folder, stem) if b.kind == "auto"]
    keep = set(retained(autos))
    removed = [b.path for b in autos if b not in keep]
    for path in removed:
        _unlink_quietly(path)
    return removed


def clean_temporary_files(db_path: str | os.PathLike[str], *folders: Path) -> list[Path]:
    """Deletes what killed backups, restores and exports of the database at
    ``db_path`` left behind (and only that: see :mod:`quiz.tempfiles`); returns it.

    Args:
        folders: more folders to look in (a backup to a folder of its own).
    """
    db_path = Path(db_path)
    real = Path(os.path.realpath(db_path))
    return tempfiles.clean([db_path.parent, real.parent, backup_dir(db_path), *folders])


def auto_backup(
    db_path: str | os.PathLike[str],
    now: datetime | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> Path | None:
    """Makes the day's automatic backup and rotates, unless one was made today.

    A database with no reviews yet has nothing to protect and is not backed up.
    ``progress`` is :func:`backup`'s.

    Returns:
        The new backup, or None when none was needed.

    Raises:
        QuizError: the backup could not be made.
    """
    db_path = Path(db_path)
    moment = now if now is not None else local_now()
    folder = backup_dir(db_path)
    made_today = [
        b
        for b in list_backups(folder, db_path.stem)
        if b.kind == "auto" and b.moment.date() == _wall_clock(moment).date()
    ]
    if made_today or not _has_reviews(db_path):
        return None
    made = backup(db_path, folder, moment, kind="auto", progress=progress)
    rotate(folder, db_path.stem)
    return made


class AutoBackup:
    """The day's automatic backup, made in a background thread.

    Time to the first card is part of the product, and copying a large database
    takes a while and a core: on two cores it delayed the first card of a long log
    (``tests/perf/bench_startup.py --reviews``). So the thread waits
    ``delay`` seconds (the first card is on screen well before) and then copies,
    with its priority lowered. :meth:`finish`, called when the app has quit, starts
    the copy at once if it has not started yet and waits for it: the thread is not
    a daemon, so a backup is never left half done by a normal exit. A failure never
    stops the app: :meth:`finish` returns it, to be shown once the screen is back.

    The copy goes a step of :data:`STEP_PAGES` at a time, so that quitting need not
    wait for it (seconds for a very long log: README, benchmarks): :meth:`stop` ends it at
    the next step and deletes the partial copy; the next start makes the backup.
    :attr:`copied` and :meth:`seconds_left` tell how far it is.
    """

    def __init__(
        self,
        db_path: str | os.PathLike[str],
        now: datetime | None = None,
        *,
        delay: float = START_DELAY_S,
    ) -> None:
        self.db_path = Path(db_path)
        self.now = now
        self.made: Path | None = None
        self.error: str | None = None
        self.stopped = False  # by stop(), before it was complete; error says how far it got
        self.copied: tuple[int, int] | None = None  # (pages copied, pages in all)
        self._started = 0.0  # time.monotonic() when the copy started
        self._stop = threading.Event()
        self._go = threading.Event()
        self._delay = delay
        self._thread = threading.Thread(target=self._run, name="quiz-auto-backup")
        self._thread.start()

    def _run(self) -> None:
        self._go.wait(self._delay)
        _lower_thread_priority()
        self._started = time.monotonic()
        try:
            clean_temporary_files(self.db_path)  # what killed backups and restores left
            if self._stop.is_set():
                raise BackupStopped("not started")
            self.made = auto_backup(self.db_path, self.now, progress=self._step)
        except BackupStopped as exc:
            self.stopped = True
            self.error = str(exc)
        except QuizError as exc:
            self.error = str(exc)
        except (OSError, sqlite3.Error) as exc:
            self.error = f"cannot back up {self.db_path}: {reason(exc)}"

    def _step(self, copied: int, total: int) -> None:
        self.copied = (copied, total)
        if self._stop.is_set():  # even after the last page: flushing it takes a while
            raise BackupStopped(f"{copied / total:.0%} copied")

    @property
    def done(self) -> bool:
        """Whether the backup is over: made, not needed, failed or stopped."""
        return not self._thread.is_alive()

    def seconds_left(self) -> float | None:
        """How long the backup should take to finish, at the copy's pace so far: the
        pages left, and flushing the file to disk, counted as long as copying it;
        None before the copy's first step."""
        if self.copied is None or not self.copied[0]:
            return None
        copied, total = self.copied
        return (time.monotonic() - self._started) * (2 * total - copied) / copied

    def start(self) -> None:
        """Starts the copy now if it has not started (it waits ``delay`` seconds)."""
        self._go.set()

    def stop(self) -> None:
        """Stops the copy at its next step (one step of STEP_PAGES), deleting the partial
        file; a backup not started yet is not made. :meth:`finish` says so."""
        self._stop.set()
        self._go.set()

    def finish(self, timeout: float | None = None) -> str | None:
        """Makes the backup now if it has not started, waits for it, and returns what
        went wrong, or None.

        Args:
            timeout: stop the backup (:meth:`stop`) if it is not over after this
                many seconds; None waits for it however long it takes.
        """
        self._go.set()
        self._thread.join(timeout)
        if self._thread.is_alive():
            self.stop()
            self._thread.join()
        return self.error


# -- helpers -----------------------------------------------------------------------


def _wall_clock(moment: datetime) -> datetime:
    """``moment`` as naive local wall-clock time, as backup names record it."""
    return moment.replace(tzinfo=None) if moment.tzinfo else moment


def free_name(folder: Path, stem: str, moment: datetime, kind: str) -> Path:
    """A file name in ``folder`` no file has yet, for a ``kind`` of copy of database
    ``stem`` made at ``moment``: ``<stem>-<stamp>-<kind>.db``, numbered if need be."""
    base = f"{stem}-{_wall_clock(moment):%Y%m%d-%H%M%S}-{kind}"
    target = folder / f"{base}.db"
    number = 1
    while target.exists():
        number += 1
        target = folder / f"{base}-{number}.db"
    return target


def _copy_in_steps(
    source: sqlite3.Connection, copy: sqlite3.Connection, progress: Callable[[int, int], None]
) -> None:
    """Copies ``source`` into ``copy`` :data:`STEP_PAGES` at a time, calling
    ``progress`` after each step; what it raises stops the copy.

    One read transaction is held across the steps: they copy one snapshot, as the
    single step does. Without it, a grade committed between two steps (by the app's
    own connection) would restart the copy from its first page.

    The copy keeps no rollback journal (a stopped copy is deleted, not rolled back:
    rolling back would first shrink the file, slow for a large one) and does not flush
    its last step to disk (:func:`backup` flushes the file before it names it a
    backup): a stop is never held up by a flush of the whole file.
    """
    copy.execute("PRAGMA journal_mode = OFF")
    copy.execute("PRAGMA synchronous = OFF")
    source.execute("BEGIN")
    try:
        source.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the snapshot
        source.backup(
            copy,
            pages=STEP_PAGES,
            progress=lambda _status, remaining, total: progress(total - remaining, total),
        )
    finally:
        source.execute("ROLLBACK")


def _has_reviews(db_path: Path) -> bool:
    try:
        conn = sqlite3.connect(db_path, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            return conn.execute("SELECT 1 FROM reviews LIMIT 1").fetchone() is not None
        finally:
            conn.close()
    except sqlite3.Error:
        return True  # let backup() say what is wrong


def fsync(path: Path) -> None:
    """Flushes a file, or a folder's entries, to disk (where the platform allows)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # folders cannot be fsynced everywhere (Windows)
    finally:
        os.close(fd)


# Deletes the file named by its argument once the process that started it has
# exited (the pipe on its stdin closes), or after 2 s, at the lowest priority: the
# kernel's work then takes nothing from that process's last moments. (select on a
# pipe and os.nice are POSIX only: elsewhere it deletes at once.)
_DELETE = """import os, select, sys
try:
    select.select([sys.stdin], [], [], 2.0)
except (OSError, ValueError):
    pass
if hasattr(os, "nice"):
    os.nice(19)
os.unlink(sys.argv[1])
"""
# Kept until this process exits: their stdin pipes stay open until then, and a Popen
# collected while its process runs warns.
_deleters: list[subprocess.Popen[bytes]] = []


def _delete_in_background(path: Path) -> None:
    """Deletes ``path`` without waiting for it to go.

    The kernel takes a while to free a large file (a stopped copy of a very long
    log can hold gigabytes), and quitting should not wait on
    it: the file is renamed out of the way at once and deleted by a process of its
    own, once this one has exited (or 2 s on). Should that process not run, the file
    keeps a temporary file's name (:mod:`quiz.tempfiles`), which the next start's
    clean-up removes.
    """
    doomed = tempfiles.path_for(path.parent, f"{path.name}.stopped")
    try:
        os.replace(path, doomed)
    except OSError:
        return  # no file yet: nothing to delete
    try:
        _deleters.append(
            subprocess.Popen(
                [sys.executable, "-I", "-S", "-c", _DELETE, doomed],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        )
    except OSError:
        _unlink_quietly(doomed)


def _unlink_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


def _lower_thread_priority() -> None:
    """Lets the interface thread go first. On Linux a thread's nice value is its own
    (elsewhere it would be the whole process's, so leave it)."""
    if sys.platform == "linux":
        with contextlib.suppress(OSError, AttributeError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
