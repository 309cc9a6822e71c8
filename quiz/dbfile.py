"""The database file on disk: where it is, whether it is one of ours, its folder and
mode, and what an OS or SQLite error on it means in the user's terms.

Every check here runs before SQLite writes anything: a file that is not a quiz
database stays byte-for-byte as it was.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import time
from pathlib import Path

from quiz.errors import QuizError
from quiz.schema import OUR_TABLES, SCHEMA_VERSION
from quiz.text import file_kind

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000


def default_path() -> Path:
    """Where the database lives unless ``--db`` or ``QUIZ_DB`` says otherwise."""
    import platformdirs  # only needed when no path is given

    return platformdirs.user_data_path("quiz", appauthor=False) / "quiz.db"


def resolve_path(explicit: str | os.PathLike[str] | None) -> Path:
    """The database path: ``explicit`` (``--db``), else ``$QUIZ_DB``, else the default."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get("QUIZ_DB")
    if env:
        return Path(env).expanduser()
    return default_path()


def use_wal(conn: sqlite3.Connection) -> None:
    """Puts the file in WAL mode (a no-op once it is).

    Two instances opening a new file at once race here, and the loser's switch fails
    at once with SQLITE_BUSY: SQLite does not wait on the busy timeout for it. By
    then the winner has usually switched the file already; look again, and retry,
    within the busy timeout.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        try:
            conn.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError as exc:
            if getattr(exc, "sqlite_errorname", "") != "SQLITE_BUSY" or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def no_database(path: Path) -> QuizError:
    """The error for a command that needs a database where there is none."""
    return QuizError(
        f"there is no database at {path}: running 'quiz' starts one there; "
        "to use another file, pass --db PATH or set QUIZ_DB"
    )


def require_database(path: Path) -> None:
    """Refuses, creating and opening nothing, a ``path`` that is not an existing
    regular file (a symlink to one is one).

    Judged by the file's type alone: opening a named pipe to read it would wait for
    a writer that never comes, and a device is no place for a database.

    Raises:
        QuizError: ``path`` is a folder, a pipe, a device or a socket, or nothing is
            there.
    """
    if not path_exists(path):
        raise no_database(path)
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise QuizError(f"cannot open {path}: {reason(exc)}") from None
    if stat.S_ISDIR(mode):
        raise QuizError(f"{path} is a folder, not a database file; pass --db FILE")
    if not stat.S_ISREG(mode):
        raise QuizError(f"{path} is {file_kind(mode)}, not a database file; pass --db with a file")


PRIVATE_FILE, PRIVATE_FOLDER = 0o600, 0o700  # every typed answer is in the file


def make_private_folder(path: Path) -> None:
    """Creates the folder ``path`` (and missing parents) if missing. One quiz creates
    is the user's alone; an existing folder keeps its mode."""
    path.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)


def create_private_file(path: Path) -> bool:
    """Creates ``path`` empty, readable and writable by the user alone, unless it
    exists; returns whether it was created (SQLite takes an empty file as a new
    database, and gives its journals the file's mode).

    Raises:
        OSError: the file cannot be created.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    except FileExistsError:
        return False
    os.close(fd)
    return True


def path_exists(path: Path) -> bool:
    """Whether ``path`` exists; a folder on the way that cannot be searched is an
    error the user can fix, not a traceback."""
    try:
        return path.exists()
    except OSError as exc:
        raise QuizError(f"cannot open {path}: {reason(exc)}") from None


class FileRefused(QuizError):
    """A file that is not a quiz database quiz can use, refused before anything was
    written to it.

    Attributes:
        path: the file.
        problem: what is wrong, worded to follow the file's name ("is damaged (...)").
        advice: what to do ("restore it from a backup"), or empty.
    """

    def __init__(self, path: Path, problem: str, advice: str = "", *, text: str = "") -> None:
        super().__init__(text or f"{path} {problem}" + (f"; {advice}" if advice else ""))
        self.path, self.problem, self.advice = path, problem, advice


def inspect_existing(path: Path, *, rolled_back: bool = False) -> None:
    """Refuses, without writing a byte, a file that is not a quiz database we can use
    (a write cut short is rolled back first, as SQLite does: see :func:`_roll_back`)."""
    try:
        with path.open("rb") as f:
            header = f.read(len(SQLITE_HEADER))
    except OSError as exc:
        why = reason(exc)
        raise FileRefused(
            path, f"cannot be read ({why})", text=f"cannot read {path}: {why}"
        ) from None
    if not header:
        return  # an empty file: SQLite treats it as a new database
    if header != SQLITE_HEADER:
        raise FileRefused(
            path,
            "is not a quiz database (not an SQLite file)",
            "restore it from a backup or pass --db with another file",
        )
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            tables = {
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
        finally:
            conn.close()
    except sqlite3.Error as exc:
        name = getattr(exc, "sqlite_errorname", "")
        if name == "SQLITE_READONLY_ROLLBACK" and not rolled_back and _roll_back(path):
            return inspect_existing(path, rolled_back=True)
        if is_damage(exc):
            raise FileRefused(
                path, f"is damaged ({reason(exc)})", "restore it from a backup"
            ) from None
        # Not the file's fault: a full disk (SQLite cannot make the shared-memory
        # file beside it), an I/O error, a lock, a permission.
        why = reason(exc, path)
        raise FileRefused(
            path, f"cannot be opened ({why})", text=f"cannot open {path}: {why}"
        ) from None
    if version > SCHEMA_VERSION:
        raise FileRefused(
            path,
            f"was written by a newer version of quiz (schema {version}, this one "
            f"knows {SCHEMA_VERSION})",
            "upgrade quiz to open it",
        )
    if version == 0 and tables - OUR_TABLES - {"sqlite_sequence"}:
        raise FileRefused(
            path, "is a database of another program, not of quiz", "pass --db with another file"
        )


def _roll_back(path: Path) -> bool:
    """Rolls back a write that was cut short (a restore killed half-way leaves a hot
    rollback journal, which a read-only connection cannot undo), as any connection
    that can write does on its first read; returns whether that worked."""
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            conn.execute("PRAGMA user_version").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return True


# SQLite errors that say the file cannot be reached or written, not that it is damaged.
ACCESS_ERRORS = ("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_BUSY")
FULL_BELOW = 1 << 20  # bytes free under which an I/O error is taken for a full disk


def is_damage(exc: sqlite3.Error) -> bool:
    """Whether SQLite says the file itself is bad (corrupt, or not a database), as
    opposed to the disk, the folder or another process standing in the way."""
    name = getattr(exc, "sqlite_errorname", "")
    if name:
        return name.startswith("SQLITE_CORRUPT") or name == "SQLITE_NOTADB"
    return type(exc) is sqlite3.DatabaseError


def _disk_full(path: Path) -> bool:
    try:
        return shutil.disk_usage(path.parent).free < FULL_BELOW
    except OSError:
        return False


def reason(exc: BaseException, path: Path | None = None) -> str:
    """A short, lower-case reason from an OS or SQLite error, in the user's terms.

    With the ``path`` of the file, an I/O error on a disk with (next to) no space
    left is called what it is: the disk is full.
    """
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    name = getattr(exc, "sqlite_errorname", "")
    if name.startswith("SQLITE_IOERR") and path is not None and _disk_full(path):
        name = "SQLITE_FULL"
    if name == "SQLITE_READONLY_DIRECTORY":
        return "its folder is read-only (SQLite keeps a journal beside the database)"
    if name.startswith("SQLITE_READONLY"):
        return "the file is read-only"
    if name == "SQLITE_FULL":
        return "the disk is full; free some space and try again"
    return str(exc).rstrip(".") or type(exc).__name__


def database_error(exc: sqlite3.Error, path: Path, doing: str) -> QuizError:
    """An error from SQLite on the database, in the one wording the user sees: damage
    says so and how to recover; anything else, what could not be done and why.

    Args:
        doing: what failed, as a verb: "read", "write to", "open", "use".
    """
    if is_damage(exc):
        return QuizError(f"{path} is damaged ({reason(exc)}); restore a backup: quiz restore FILE")
    return QuizError(f"cannot {doing} {path}: {reason(exc, path)}")
