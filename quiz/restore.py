"""Restoring the database from a backup, under an exclusive lock.

A restore writes the backup *into* the live database through SQLite's backup API, so
the file keeps its inode, its mode and any symlink to it, under an exclusive lock that
also proves no other program has the file open; see :func:`restore`. The database is
backed up first (a ``pre-restore`` backup, see :mod:`quiz.backup`); a damaged one is
kept as its bytes, as ``<stem>-<stamp>-damaged.db``, which is not a backup: it is
never offered, rotated or deleted.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import stat
from datetime import datetime
from pathlib import Path

from quiz import tempfiles
from quiz.backup import (
    BackupFailed,
    Damaged,
    backup_dir,
    backup_from,
    clean_temporary_files,
    free_name,
    fsync,
)
from quiz.days import local_now
from quiz.dbfile import (
    PRIVATE_FILE,
    FileRefused,
    create_private_file,
    inspect_existing,
    make_private_folder,
    reason,
)
from quiz.errors import QuizError
from quiz.schema import SCHEMA_VERSION
from quiz.store import Store

LOCK_WAIT_S = 1.0  # a grade commits in milliseconds; longer is an open app


def restore(
    db_path: str | os.PathLike[str],
    backup_file: str | os.PathLike[str],
    now: datetime | None = None,
) -> Path | None:
    """Writes a backup into the database, after backing up the database first.

    In this order; nothing is changed before the last step:

    1. The backup is copied, with its ``-wal`` (grades not yet checkpointed into the
       file itself) and any ``-journal``, to a temporary file beside the database,
       where SQLite brings them in: the backup file itself is only read. The copy
       must be a sound quiz database (``quick_check``), not from a newer quiz, with
       quiz's tables, indexes and columns and nothing else: a trigger in it would run
       on the next grade. An older schema is migrated.
    2. The database is locked exclusively. Taking the lock is the test that no other
       program has it open (leaving WAL mode needs every other connection closed),
       and until the restore ends another quiz cannot read or commit: it waits, or
       stops with "locked".
    3. Under that lock the database is backed up and checked (kind ``pre-restore``);
       a damaged one is kept as its file is (taken out of WAL mode, so whole
       without a ``-wal``), as ``<stem>-<stamp>-damaged.db``.
    4. SQLite's backup API writes the copy into the database in one transaction, so
       the file keeps its inode, its mode and any symlink to it (a symlinked path is
       resolved: the target is written), and a restore killed half-way is rolled
       back when the file is next opened.

    A database SQLite cannot open at all (its header is damaged) is no one's to lock
    out: it is kept as ``...-damaged.db`` and the copy is renamed over it, with its
    mode. A missing database is created (0600, its folder 0700).

    Returns:
        The copy of the database that was overwritten (None if there was none).

    Raises:
        QuizError: the backup is not usable, the database is open in another
            program, or a file cannot be written. Nothing was changed.
    """
    given, source = Path(db_path), Path(backup_file)
    if not source.is_file():
        raise QuizError(f"there is no backup file {source}; nothing was changed")
    real = Path(os.path.realpath(given))
    if given.is_dir() or real.is_dir():
        raise QuizError(f"{given} is a folder, not a database file; pass --db FILE")
    if real.exists() and not real.is_file():
        raise QuizError(f"{given} is not a regular file; pass --db FILE; nothing was changed")
    if real.exists() and os.path.samefile(source, real):
        raise QuizError(f"{source} is the database itself; nothing was changed")
    folder = real.parent
    try:
        make_private_folder(folder)
    except OSError as exc:
        raise QuizError(f"cannot create the folder {folder}: {reason(exc)}") from None
    clean_temporary_files(given)
    temp = tempfiles.path_for(folder, f"{real.name}.restore")
    created = False
    try:
        _prepare(source, temp)
        try:
            created = create_private_file(real)
        except OSError as exc:
            raise QuizError(f"cannot create {given}: {reason(exc)}") from None
        return _write_into(real, given, temp, now)
    except BaseException:
        with contextlib.suppress(OSError):
            if created and real.stat().st_size == 0:
                real.unlink()  # made for this restore, which did not happen
        raise
    finally:
        tempfiles.remove(temp)


# -- helpers -----------------------------------------------------------------------


def _copy_private(origin: Path, target: Path) -> None:
    """Copies the file ``origin`` to the new file ``target``, readable by the user alone."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    with os.fdopen(fd, "wb") as out, origin.open("rb") as src:
        shutil.copyfileobj(src, out, 1 << 20)
        out.flush()
        os.fsync(out.fileno())


def _prepare(source: Path, temp: Path) -> None:
    """Copies the backup ``source`` to ``temp`` with its journals, then checks and
    migrates the copy (step 1 of :func:`restore`)."""
    from quiz.integrity import damage, foreign_objects, summary

    def refuse(why: str) -> QuizError:
        return QuizError(f"{source} {why}; nothing was changed")

    real = Path(os.path.realpath(source))  # SQLite keeps the -wal beside the real file
    try:
        for side in ("", "-wal", "-journal"):
            if side == "" or Path(f"{real}{side}").is_file():
                _copy_private(Path(f"{real}{side}"), Path(f"{temp}{side}"))
    except OSError as exc:
        raise QuizError(
            f"cannot copy {source} to {temp.parent}: {reason(exc)}; nothing was changed"
        ) from None
    try:
        inspect_existing(temp)
    except FileRefused as exc:  # said of the backup, not of the copy checked
        raise refuse(exc.problem) from None
    try:
        conn = sqlite3.connect(temp, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode = DELETE")  # the -wal's grades into the file
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            if version == 0 or not {"reviews", "cards"} <= tables:
                raise refuse("is not a quiz backup (it holds no review log)")
            problems = damage(conn)
            if problems:
                raise refuse(f"is damaged (integrity check: {summary(problems)})")
            foreign = foreign_objects(conn, version)
            if foreign:
                raise refuse(
                    f"is not a quiz backup as quiz makes them: it holds {', '.join(foreign)}"
                )
        finally:
            conn.close()
        if version < SCHEMA_VERSION:
            Store.open(temp).close()  # an older quiz's backup: bring its schema up to date
            conn = sqlite3.connect(temp, isolation_level=None)
            try:
                conn.execute("PRAGMA journal_mode = DELETE")
            finally:
                conn.close()
    except sqlite3.Error as exc:
        raise refuse(f"is damaged ({reason(exc)})") from None


def _write_into(real: Path, given: Path, temp: Path, now: datetime | None) -> Path | None:
    """Steps 2 to 4 of :func:`restore`: locks the database, backs it up, and writes
    the checked copy ``temp`` into it."""
    empty = real.stat().st_size == 0
    try:
        dst = sqlite3.connect(real, timeout=LOCK_WAIT_S, isolation_level=None)
    except sqlite3.Error as exc:
        raise QuizError(f"cannot open {given}: {reason(exc)}; nothing was changed") from None
    try:
        try:
            locked = _lock(dst)
        except sqlite3.OperationalError as exc:
            if not _busy(exc):
                raise QuizError(
                    f"cannot restore {given}: {reason(exc)}; nothing was changed"
                ) from None
            locked = False
        except sqlite3.DatabaseError:
            dst.close()  # not a database SQLite can open: no one can be using it
            return _replace_unreadable(real, given, temp, now)
        if not locked:
            raise QuizError(
                f"{given} is open in another program (is quiz running?); close it and "
                "run the restore again; nothing was changed"
            )
        previous = None if empty else _save_locked(dst, given, real, now)
        try:
            src = sqlite3.connect(temp, isolation_level=None)
            try:
                src.backup(dst)  # one transaction: all of it, or (killed) none of it
            finally:
                src.close()
        except sqlite3.Error as exc:
            raise QuizError(f"cannot restore {given}: {reason(exc)}; it is as it was") from None
    finally:
        dst.close()
    fsync(real.parent)
    return previous


def _lock(conn: sqlite3.Connection) -> bool:
    """Takes an exclusive lock on the database and keeps it until ``conn`` closes;
    returns False when another connection has the file open.

    In exclusive locking mode a connection never gives back a lock it took. Leaving
    WAL mode (a no-op for a file not in it) fails while any other connection has
    the file open, so it is the test; the empty write transaction after it takes
    the lock that also keeps readers out.
    """
    conn.execute("PRAGMA locking_mode = EXCLUSIVE")
    if conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0] != "delete":
        return False
    conn.execute("BEGIN EXCLUSIVE")
    conn.execute("COMMIT")
    return True


def _busy(exc: sqlite3.Error) -> bool:
    return getattr(exc, "sqlite_errorname", "").startswith(("SQLITE_BUSY", "SQLITE_LOCKED"))


def _save_locked(dst: sqlite3.Connection, given: Path, real: Path, now: datetime | None) -> Path:
    """Backs up the database a restore holds locked (step 3): a checked backup, or,
    when it is damaged, its bytes."""
    try:
        return backup_from(dst, given, backup_dir(given), now, "pre-restore")
    except Damaged:
        return _keep_damaged(real, given, now)
    except BackupFailed as exc:
        raise QuizError(f"{exc.problem}; nothing was changed") from None


def _keep_damaged(real: Path, given: Path, now: datetime | None) -> Path:
    """Copies the damaged database file (and its -wal, if any) as it is beside the
    backups, under a name no backup has; returns the copy."""
    folder = backup_dir(given)
    try:
        make_private_folder(folder)
        target = free_name(folder, given.stem, now or local_now(), "damaged")
        for side in ("", "-wal"):
            origin = Path(f"{real}{side}")
            if side and not origin.is_file():
                continue
            temp = tempfiles.path_for(folder, f"{target.name}{side}")
            try:
                _copy_private(origin, temp)
                os.replace(temp, Path(f"{target}{side}"))
            finally:
                tempfiles.remove(temp)
        fsync(folder)
    except OSError as exc:
        raise QuizError(
            f"cannot keep a copy of {given} before restoring: {reason(exc)}; nothing was changed"
        ) from None
    return target


def _replace_unreadable(real: Path, given: Path, temp: Path, now: datetime | None) -> Path:
    """Restores over a file SQLite cannot open: keeps its bytes, then renames the
    checked copy over it, with its mode."""
    previous = _keep_damaged(real, given, now)
    try:
        os.chmod(temp, stat.S_IMODE(real.stat().st_mode))
        fsync(temp)
        for side in tempfiles.SIDES:
            Path(f"{real}{side}").unlink(missing_ok=True)
        os.replace(temp, real)
        fsync(real.parent)
    except OSError as exc:
        raise QuizError(f"cannot replace {given}: {reason(exc)}") from None
    return previous
