"""One writer per database, as Anki does: an OS lock held while quiz writes to it.

The lock is ``flock(2)`` on a file beside the database (``quiz.db.lock`` for
``quiz.db``), taken without waiting. The app holds it for its whole life, and so do
the commands that write (``backup``, ``restore``, ``config KEY VALUE``); a second one
on the same file stops at once with one line, before it touches anything. Commands
that only read never take it, so they work while the app is open.

- The kernel lets go of the lock when its holder exits, killed or crashed included:
  nothing stale is ever left to clean up. The file itself stays (removing it would
  let a process that opened it just before lock a file nobody else looks at); it
  holds the pid of the last holder, for the message.
- A symlinked database is locked beside its target, so every path to one file
  takes the same lock.
- A file of its own, not the database: SQLite's locks on the database are
  ``fcntl`` locks (any ``close()`` of the file in the process drops them), and a
  restore may put a new file in the database's place; the lock file stays.
- Re-entrant within a process: code that already holds the lock (the app) can call
  something that takes it again (a restore, a backup) without refusing itself.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import threading
from collections.abc import Iterator
from pathlib import Path

from quiz.dbfile import reason
from quiz.errors import QuizError

SUFFIX = ".lock"


class DatabaseInUse(QuizError):
    """Another process holds the database's writer lock.

    Attributes:
        path: the database, as it was named.
        pid: the holder's process id, if it could be read.
    """

    def __init__(self, path: Path, pid: int | None) -> None:
        who = f"another quiz (pid {pid})" if pid is not None else "another quiz"
        super().__init__(
            f"{path} is open in {who}; quit that one first "
            "(list, due, stats and export work while it is open)"
        )
        self.path = path
        self.pid = pid


def lock_path(db_path: str | os.PathLike[str]) -> Path:
    """The lock file of ``db_path``: beside the file it names, symlinks resolved."""
    target = Path(db_path).expanduser().resolve()
    return target.with_name(target.name + SUFFIX)


# Locks this process holds: lock file -> [descriptor, depth].
_held: dict[Path, list[int]] = {}
_held_guard = threading.Lock()


@contextlib.contextmanager
def hold_writer_lock(db_path: str | os.PathLike[str], *, create: bool = False) -> Iterator[Path]:
    """Holds the writer lock of the database ``db_path`` for the ``with`` block.

    Args:
        db_path: the database (it need not exist yet).
        create: make the database's folder (mode 0700) if it is missing, as a first
            run does; otherwise a missing folder is an error.

    Yields:
        The lock file.

    Raises:
        DatabaseInUse: another process holds it (the message is one line, with the
            holder's pid when known). Nothing was changed.
        QuizError: the lock file cannot be made (a read-only or missing folder).
    """
    from quiz.dbfile import require_database

    path = Path(db_path)
    try:
        present = path.exists()
    except OSError:  # a folder on the way that cannot be searched: said below
        present = False
    if present:
        # A pipe, a device or a folder where the database should be: refused by its
        # type before a lock file is made beside it.
        require_database(path)
    try:
        lock = lock_path(path)
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop
        raise QuizError(f"cannot open {path}: {reason(exc)}") from None
    with _held_guard:
        held = _held.get(lock)
        if held is not None:
            held[1] += 1
        else:
            held = _held[lock] = [_acquire(path, lock, create), 1]
    try:
        yield lock
    finally:
        with _held_guard:
            held[1] -= 1
            if held[1] == 0:
                del _held[lock]
                os.close(held[0])  # the lock goes with the last descriptor


def _acquire(path: Path, lock: Path, create: bool) -> int:
    """Opens ``lock`` and takes its lock without waiting; returns the descriptor."""
    if create and not lock.parent.exists():
        try:
            lock.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise QuizError(f"cannot create the folder {lock.parent}: {reason(exc)}") from None
    try:
        # Not O_TRUNC: the holder's pid is in it. Not inherited by children (a demo).
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        raise _cannot_create(path, lock, exc) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        pid = _read_pid(fd)
        os.close(fd)
        raise DatabaseInUse(path, pid) from None
    except OSError as exc:  # e.g. ENOLCK: a file system without locks
        os.close(fd)
        raise QuizError(f"cannot lock {lock} for {path}: {reason(exc)}") from None
    with contextlib.suppress(OSError):  # the pid is for the message only
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    return fd


def _read_pid(fd: int) -> int | None:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", errors="replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def _cannot_create(path: Path, lock: Path, exc: OSError) -> QuizError:
    """The error for a lock file that cannot be made, in the terms Store.open uses
    for the same folder."""
    folder = path.parent
    read_only = exc.errno == errno.EROFS or (
        exc.errno in (errno.EACCES, errno.EPERM)
        and os.access(folder, os.X_OK)
        and not os.access(folder, os.W_OK)
    )
    if read_only and not path.exists():
        return QuizError(
            f"cannot create {path}: the folder {folder} is read-only; "
            "pass --db with a file in a folder you can write to"
        )
    if read_only:
        return QuizError(
            f"cannot write to {path}: its folder is read-only "
            f"(quiz keeps a lock file, {lock.name}, beside the database)"
        )
    if exc.errno == errno.ENOENT:
        return QuizError(f"cannot open {path}: the folder {folder} does not exist")
    return QuizError(f"cannot open {path}: {reason(exc)}")
