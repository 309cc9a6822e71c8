"""The user's SQLite database: schema and migrations, grades, undo and replay.

Two tables hold everything:

- ``reviews``: an append-only log, one row per grade, with the SM-2 state before and
  after it. It is the source of truth.
- ``cards``: the current SM-2 state of every card that has had a review, derivable
  by replaying the log (:meth:`Store.rebuild`).

Reads go through the standard library's ``sqlite3`` so that showing the first card
does not import ``sqlite_utils`` (which pulls in NumPy); writes and migrations use
sqlite-utils, loaded on first use. Every grade is one ``BEGIN IMMEDIATE`` transaction,
committed (and synced to disk: ``synchronous=FULL``) before the call returns, in WAL
mode with a busy timeout so that two instances of the app can share one file.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import sqlite3
import stat
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from quiz import sm2
from quiz.errors import QuizError
from quiz.text import file_kind

if TYPE_CHECKING:
    import sqlite_utils

SCHEMA_VERSION = 2
SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000
MAX_ROWID = 2**63 - 1
Mode = Literal["review", "drill", "practice"]
MODES: tuple[Mode, ...] = ("review", "drill", "practice")
OUR_TABLES = {"cards", "reviews", "settings"}
# A sqlite3.Row, or a dict with the same keys (a row about to be inserted).
RowLike = sqlite3.Row | Mapping[str, Any]


@dataclass(frozen=True)
class CardState:
    """A card's schedule as the ``cards`` table holds it.

    Attributes:
        card_id: the content id.
        state: the SM-2 state after the last scheduling review.
        due: the study day of the next review.
        lapses: scheduling reviews failed (grade < 3) after at least one success.
        reviews: scheduling reviews so far (re-drills and practice not counted).
        last_grade: the grade of the last scheduling review.
        last_day: the study day of the last scheduling review.
        introduced: the study day of the first scheduling review.
    """

    card_id: str
    state: sm2.SM2State
    due: date
    lapses: int
    reviews: int
    last_grade: int
    last_day: date
    introduced: date


@dataclass(frozen=True)
class Review:
    """One row of the review log."""

    id: int
    card_id: str
    ts_ms: int
    day: date
    grade: int
    mode: Mode
    before: sm2.SM2State
    after: sm2.SM2State
    due_before: date | None
    due_after: date | None
    answer_ms: int | None
    answer: str


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


def apply(card: CardState | None, review: Review) -> CardState | None:
    """The card's state after ``review``: the one rule shared by grading and replay.

    Only ``review``-mode grades move the schedule; re-drills and practice leave it.
    """
    if review.mode != "review":
        return card
    return CardState(
        card_id=review.card_id,
        state=review.after,
        # The log's due date: the interview plan (or, in older logs, a cap to the day
        # before the interview) may have made it earlier than SM-2's.
        due=review.due_after or next_due(review.day, review.after.interval),
        lapses=(card.lapses if card else 0) + (review.grade < 3 and review.before.repetitions > 0),
        reviews=(card.reviews if card else 0) + 1,
        last_grade=review.grade,
        last_day=review.day,
        introduced=card.introduced if card else review.day,
    )


def next_due(day: date, interval: int) -> date:
    """The day SM-2 asks a card again after a review on ``day``: ``interval`` days on.

    An interview date does not change it: the plan (:mod:`quiz.plan`) may store an
    earlier day, and the log keeps the interval, so the SM-2 day is never lost.
    """
    # SM-2's intervals grow geometrically; a date stops at the year 9999.
    return day + timedelta(days=min(interval, (date.max - day).days))


# -- rows as quiz writes them ---------------------------------------------------------------
#
# A row read back is checked against what quiz writes before it is used: a row made
# by hand or by another program (a grade of 9, a date that is not one, text where a
# number goes) would otherwise fail deep inside the scheduler, or go on to be used.

MAX_EF_X100 = 100_000  # an E-Factor of 1000: ten thousand perfect grades away
# Days; the due dates stop at the year 9999 some 3.6 million days from now, and the
# next grade of a card at this interval still fits SQLite's 64-bit integers.
MAX_INTERVAL = (2**63 - 1) // MAX_EF_X100 * 100
MAX_COUNT = 10**9
MAX_TS_MS = 253_402_214_400_000  # 9999-12-31 00:00 UTC, in milliseconds


class _BadRow(Exception):
    """A row holds a value quiz never writes (the message says which and where)."""


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _column(row: RowLike, name: str, check: Callable[[Any], bool], expected: str) -> Any:
    """``row[name]``, if ``check`` accepts it; else raises _BadRow naming the row."""
    value = row[name]
    if check(value):
        return value
    keys = row.keys()
    which = f"review {row['id']}" if "id" in keys else f"the card row {row['card_id']!r}"
    raise _BadRow(f"{which} has {name} {_shown(value)}, not {expected}")


def _is_int(low: int, high: int) -> Callable[[Any], bool]:
    return lambda v: type(v) is int and low <= v <= high


def _is_day(value: Any) -> bool:
    try:
        return isinstance(value, str) and isinstance(date.fromisoformat(value), date)
    except ValueError:
        return False


def _is_day_or_none(value: Any) -> bool:
    return value is None or _is_day(value)


_is_grade = _is_int(0, 5)
_is_ef = _is_int(sm2.MIN_EF_X100, MAX_EF_X100)
_is_interval = _is_int(0, MAX_INTERVAL)
_is_count = _is_int(0, MAX_COUNT)
_DAY = "a date like 2026-03-03"


def _card_from_row(row: RowLike) -> CardState:
    """The card state of a ``cards`` row; raises _BadRow for a value quiz never writes."""
    for name, check in (("ef_x100", _is_ef), ("interval", _is_interval)):
        _column(row, name, check, "a number quiz writes")
    for name in ("repetitions", "lapses", "reviews"):
        _column(row, name, _is_count, "a count")
    _column(row, "last_grade", _is_grade, "a grade from 0 to 5")
    for name in ("due", "last_day", "introduced"):
        _column(row, name, _is_day, _DAY)
    return CardState(
        card_id=row["card_id"],
        state=sm2.SM2State.from_x100(row["ef_x100"], row["interval"], row["repetitions"]),
        due=date.fromisoformat(row["due"]),
        lapses=row["lapses"],
        reviews=row["reviews"],
        last_grade=row["last_grade"],
        last_day=date.fromisoformat(row["last_day"]),
        introduced=date.fromisoformat(row["introduced"]),
    )


def _card_to_row(card: CardState) -> dict[str, Any]:
    return {
        "card_id": card.card_id,
        "ef_x100": card.state.easiness_x100,
        "interval": card.state.interval,
        "repetitions": card.state.repetitions,
        "due": card.due.isoformat(),
        "lapses": card.lapses,
        "reviews": card.reviews,
        "last_grade": card.last_grade,
        "last_day": card.last_day.isoformat(),
        "introduced": card.introduced.isoformat(),
    }


def _opt_date(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def _log_day(value: Any) -> date:
    """A study day read from the log on its own (a count per day, the days)."""
    if not _is_day(value):
        raise _BadRow(f"the log has a review with day {_shown(value)}, not {_DAY}")
    return date.fromisoformat(value)


def _review_from_row(row: RowLike) -> Review:
    """The review of a ``reviews`` row; raises _BadRow for a value quiz never writes.

    The typed answer is free text: a NULL reads as empty, bytes as text.
    """
    _column(row, "grade", _is_grade, "a grade from 0 to 5")
    _column(row, "mode", lambda v: v in MODES, f"one of {', '.join(MODES)}")
    _column(row, "ts_ms", _is_int(0, MAX_TS_MS), "a time in milliseconds")
    _column(row, "day", _is_day, _DAY)
    for name in ("due_before", "due_after"):
        _column(row, name, _is_day_or_none, _DAY)
    for name in ("ef_before", "ef_after"):
        _column(row, name, _is_ef, "a number quiz writes")
    for name in ("interval_before", "interval_after"):
        _column(row, name, _is_interval, "a number quiz writes")
    for name in ("reps_before", "reps_after"):
        _column(row, name, _is_count, "a count")
    _column(row, "answer_ms", lambda v: v is None or type(v) is int, "milliseconds")
    answer = row["answer"]
    if isinstance(answer, bytes):
        answer = answer.decode("utf-8", "backslashreplace")
    return Review(
        id=row["id"],
        card_id=row["card_id"],
        ts_ms=row["ts_ms"],
        day=date.fromisoformat(row["day"]),
        grade=row["grade"],
        mode=row["mode"],
        before=sm2.SM2State.from_x100(row["ef_before"], row["interval_before"], row["reps_before"]),
        after=sm2.SM2State.from_x100(row["ef_after"], row["interval_after"], row["reps_after"]),
        due_before=_opt_date(row["due_before"]),
        due_after=_opt_date(row["due_after"]),
        answer_ms=row["answer_ms"],
        answer=answer if isinstance(answer, str) else "",
    )


# The SM-2 state a log row records before and after its grade. The schema lets them
# be empty (a row written by hand, or by an import): replay recomputes them.
STATE_COLUMNS = (
    "ef_before",
    "interval_before",
    "reps_before",
    "ef_after",
    "interval_after",
    "reps_after",
)


def _replay_review(row: RowLike) -> Review:
    """A log row as replay reads it: replay recomputes a scheduling review's states
    from the grades and ignores those of re-drills and practice, so an empty state
    column reads as the initial state instead of stopping the replay."""
    if all(row[column] is not None for column in STATE_COLUMNS):
        return _review_from_row(row)
    initial = sm2.SM2State()
    # keys(): a sqlite3.Row iterates over its values.
    filled = {column: row[column] for column in row.keys()}  # noqa: SIM118
    for when in ("before", "after"):
        filled[f"ef_{when}"] = initial.easiness_x100
        filled[f"interval_{when}"] = initial.interval
        filled[f"reps_{when}"] = initial.repetitions
    return _review_from_row(filled)


def _undone_review(row: RowLike, card: CardState | None) -> Review:
    """The undone row ``row`` with its empty state columns filled in from the card's
    replayed schedule ``card`` (the state before it)."""
    review = _replay_review(row)
    before = card.state if card else sm2.SM2State()
    after = sm2.review(before, review.grade) if review.mode == "review" else before
    return dataclasses.replace(review, before=before, after=after)


def _create_v1(db: sqlite_utils.Database) -> None:
    db["cards"].create(  # type: ignore[union-attr]
        {
            "card_id": str,
            "ef_x100": int,
            "interval": int,
            "repetitions": int,
            "due": str,
            "lapses": int,
            "reviews": int,
            "last_grade": int,
            "last_day": str,
            "introduced": str,
        },
        pk="card_id",
        not_null={"ef_x100", "interval", "repetitions", "due", "lapses", "reviews"},
    )
    db["reviews"].create(  # type: ignore[union-attr]
        {
            "id": int,
            "card_id": str,
            "ts_ms": int,
            "day": str,
            "grade": int,
            "mode": str,
            "ef_before": int,
            "interval_before": int,
            "reps_before": int,
            "due_before": str,
            "ef_after": int,
            "interval_after": int,
            "reps_after": int,
            "due_after": str,
            "answer_ms": int,
            "answer": str,
        },
        pk="id",
        not_null={"card_id", "ts_ms", "day", "grade", "mode"},
        defaults={"answer": ""},
    )
    db["reviews"].create_index(["day"])  # type: ignore[union-attr]
    db["reviews"].create_index(["card_id", "id"])  # type: ignore[union-attr]
    db["cards"].create_index(["due"])  # type: ignore[union-attr]
    db["settings"].create({"key": str, "value": str}, pk="key")  # type: ignore[union-attr]


def _indexes_v2(db: sqlite_utils.Database) -> None:
    """Covering indexes for the progress figures on a long log: per-day counts read
    (day, mode, grade, answer_ms) from the index alone, and a card's last scheduling
    grades skip its re-drills and practice."""
    db["reviews"].create_index(["day", "mode", "grade", "answer_ms"])  # type: ignore[union-attr]
    db["reviews"].create_index(["card_id", "mode", "id"])  # type: ignore[union-attr]


# MIGRATIONS[v] upgrades a database at schema version v to version v + 1.
MIGRATIONS: dict[int, Callable[[sqlite_utils.Database], None]] = {
    0: _create_v1,
    1: _indexes_v2,
}


class Store:
    """An open quiz database. Use :meth:`open`; close with :meth:`close` or ``with``."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        self._db: sqlite_utils.Database | None = None

    # -- opening -----------------------------------------------------------------

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, create: bool = True) -> Store:
        """Opens the database at ``path``, creating it (and its folder) if missing
        and ``create`` is True.

        A file that is not a quiz database is refused before anything is written to
        it, so it stays byte-for-byte as it was.

        Args:
            path: the database file.
            create: whether a missing file is created. Commands that only read pass
                False: a mistyped ``--db`` must not leave a new empty database (and
                its folders) behind.

        Raises:
            QuizError: the file or folder cannot be used, or (with ``create`` False)
                there is no file; the message says why.
        """
        path = Path(path)
        if _exists(path) or not create:
            require_database(path)
            _inspect_existing(path)
        else:
            try:
                make_private_folder(path.parent)
            except OSError as exc:
                raise QuizError(f"cannot create the folder {path.parent}: {_reason(exc)}") from None
            # SQLite would make the file 0644 (its -wal and -shm take the file's mode).
            # A file that cannot be made here is one SQLite cannot make: it says why.
            with contextlib.suppress(OSError):
                create_private_file(path)
        try:
            if create:
                conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            else:
                # mode=rw: SQLite itself will not create the file, even if it is
                # removed between the check above and this line.
                conn = sqlite3.connect(
                    f"{path.resolve().as_uri()}?mode=rw",
                    uri=True,
                    timeout=BUSY_TIMEOUT_MS / 1000,
                    isolation_level=None,
                )
        except sqlite3.Error as exc:
            if not path.exists() and not create:
                raise _no_database(path) from None
            if not path.exists() and not os.access(path.parent, os.W_OK):
                raise QuizError(
                    f"cannot create {path}: the folder {path.parent} is read-only; "
                    "pass --db with a file in a folder you can write to"
                ) from None
            raise QuizError(f"cannot open {path}: {_reason(exc, path)}") from None
        conn.row_factory = sqlite3.Row
        store = cls(conn, path)
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            _use_wal(conn)
            # FULL, not WAL's usual NORMAL: NORMAL syncs the log only at checkpoints,
            # so a power cut can take the last grades back; FULL syncs the log at each
            # commit, and a grade shown as saved is saved (tests/perf/bench_grade.py).
            conn.execute("PRAGMA synchronous = FULL")
            store._migrate()
        except sqlite3.Error as exc:
            conn.close()
            raise QuizError(f"cannot use {path}: {_reason(exc, path)}") from None
        except BaseException:
            conn.close()
            raise
        return store

    def _migrate(self) -> None:
        if self.schema_version() == SCHEMA_VERSION:
            return
        with self._write():
            # Read the version again under the write lock: another instance opening
            # the same new file at the same moment may have migrated it meanwhile.
            version = self.schema_version()
            while version < SCHEMA_VERSION:
                MIGRATIONS[version](self.db)
                version += 1
                self.conn.execute(f"PRAGMA user_version = {version}")

    def schema_version(self) -> int:
        """The schema version recorded in ``PRAGMA user_version``."""
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    @property
    def db(self) -> sqlite_utils.Database:
        """The sqlite-utils view of the connection, imported on first use."""
        if self._db is None:
            import sqlite_utils

            self._db = sqlite_utils.Database(
                self.conn, recursive_triggers=False, execute_plugins=False
            )
        return self._db

    def close(self) -> None:
        """Closes the connection; every grade is already committed."""
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _write(self) -> Iterator[None]:
        """One immediate transaction: the write lock is taken up front, so two app
        instances queue on the busy timeout instead of failing with "locked"."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise QuizError(f"cannot write to {self.path}: {_reason(exc, self.path)}") from None
        try:
            yield
            self.conn.execute("COMMIT")
        except BaseException as exc:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.OperationalError):
                reason = _reason(exc, self.path)
                raise QuizError(f"cannot write to {self.path}: {reason}") from None
            raise

    # -- reading -----------------------------------------------------------------

    # Each read below raises QuizError ("PATH is damaged: ...") for a row holding a
    # value quiz never writes.

    def card_states(self) -> dict[str, CardState]:
        """Every card with a schedule, by id (cards never reviewed are absent)."""
        rows = self.conn.execute("SELECT * FROM cards")
        with self._reading():
            return {row["card_id"]: _card_from_row(row) for row in rows}

    def card_state(self, card_id: str) -> CardState | None:
        """The schedule of one card, or None if it was never reviewed."""
        row = self.conn.execute("SELECT * FROM cards WHERE card_id = ?", (card_id,)).fetchone()
        with self._reading():
            return None if row is None else _card_from_row(row)

    def reviews_on(self, day: date) -> list[Review]:
        """The log rows of study day ``day``, oldest first."""
        rows = self.conn.execute(
            "SELECT * FROM reviews WHERE day = ? ORDER BY id", (day.isoformat(),)
        )
        with self._reading():
            return [_review_from_row(r) for r in rows]

    def reviews_of(self, card_id: str) -> list[Review]:
        """The whole log of one card, oldest first."""
        rows = self.conn.execute("SELECT * FROM reviews WHERE card_id = ? ORDER BY id", (card_id,))
        with self._reading():
            return [_review_from_row(r) for r in rows]

    def reviews_page(
        self, card_id: str, older_than: int | None = None, limit: int = 50
    ) -> list[Review]:
        """One page of a card's log, newest first: up to ``limit`` rows older than the
        row ``older_than`` (an id; None: from the newest). One range of the
        (card_id, id) index: the same few milliseconds whatever the log's length."""
        rows = self.conn.execute(
            "SELECT * FROM reviews WHERE card_id = ? AND id < ? ORDER BY id DESC LIMIT ?",
            (card_id, MAX_ROWID if older_than is None else older_than, limit),
        )
        with self._reading():
            return [_review_from_row(r) for r in rows]

    def review_count_of(self, card_id: str) -> int:
        """The number of log rows of one card. It counts the card's whole range of an
        index (some 35 ms for 670,000 rows): off the interface's thread on a long log."""
        row = self.conn.execute("SELECT count(*) FROM reviews WHERE card_id = ?", (card_id,))
        return int(row.fetchone()[0])

    def reader(self) -> Store:
        """A read-only connection of its own to this database, for reading in another
        thread (a connection belongs to the thread that opened it): open it, use it
        and close it in that thread. It sees every grade committed before each read.
        """
        try:
            conn = sqlite3.connect(
                f"{self.path.resolve().as_uri()}?mode=ro",
                uri=True,
                timeout=BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,
            )
        except sqlite3.Error as exc:
            raise QuizError(f"cannot read {self.path}: {_reason(exc)}") from None
        conn.row_factory = sqlite3.Row
        return Store(conn, self.path)

    def last_review(self) -> Review | None:
        """The newest row of the log, or None when it is empty."""
        row = self.conn.execute("SELECT * FROM reviews ORDER BY id DESC LIMIT 1").fetchone()
        with self._reading():
            return None if row is None else _review_from_row(row)

    @contextlib.contextmanager
    def _reading(self) -> Iterator[None]:
        try:
            yield
        except _BadRow as bad:
            raise QuizError(
                f"{self.path} is damaged: {bad}; restore a backup: quiz restore FILE"
            ) from None

    def review_count(self) -> int:
        """The number of rows in the log."""
        return int(self.conn.execute("SELECT count(*) FROM reviews").fetchone()[0])

    def has_review_on(self, day: date) -> bool:
        """True if any grade was logged on study day ``day`` (an index lookup)."""
        row = self.conn.execute(
            "SELECT 1 FROM reviews WHERE day = ? LIMIT 1", (day.isoformat(),)
        ).fetchone()
        return row is not None

    def review_days(self) -> list[date]:
        """The distinct study days with at least one review, newest first."""
        rows = self.conn.execute("SELECT DISTINCT day FROM reviews ORDER BY day DESC")
        with self._reading():
            return [_log_day(r[0]) for r in rows]

    def daily_counts(
        self, since: date, leave_out: Collection[str] = ()
    ) -> dict[date, tuple[int, int, int, int]]:
        """Per study day from ``since`` on: (grades, scheduling reviews, of those
        graded 3 or more, milliseconds spent).

        Args:
            since: the first study day counted.
            leave_out: card ids whose scheduling reviews are not counted (cards no
                longer in the deck); their grades and time still are, as work done.
        """
        rows = self.conn.execute(
            "SELECT day, count(*), sum(mode = 'review'), sum(mode = 'review' AND grade >= 3),"
            " sum(coalesce(answer_ms, 0)) FROM reviews WHERE day >= ? GROUP BY day",
            (since.isoformat(),),
        )
        with self._reading():
            counts = {_log_day(r[0]): (r[1], r[2], r[3], r[4]) for r in rows}
        if leave_out:
            # Taken off afterwards: few ids, found by the (card_id, mode) index,
            # while the counts above are read from an index that has no card id.
            marks = ", ".join("?" * len(leave_out))
            rows = self.conn.execute(
                "SELECT day, count(*), sum(grade >= 3) FROM reviews"
                f" WHERE card_id IN ({marks}) AND mode = 'review' AND day >= ? GROUP BY day",
                (*leave_out, since.isoformat()),
            )
            with self._reading():
                for r in rows:
                    day = _log_day(r[0])
                    grades, scheduled, passed, ms = counts[day]
                    counts[day] = (grades, scheduled - r[1], passed - r[2], ms)
        return counts

    def last_grades(self, card_id: str, count: int = 5) -> list[int]:
        """The card's last ``count`` scheduling grades, oldest first."""
        rows = self.conn.execute(
            "SELECT grade FROM reviews WHERE card_id = ? AND mode = 'review'"
            " ORDER BY id DESC LIMIT ?",
            (card_id, count),
        )
        return [r[0] for r in rows][::-1]

    def due_ids(self, day: date) -> list[str]:
        """Ids of the cards due on or before ``day``, most overdue first."""
        rows = self.conn.execute(
            "SELECT card_id FROM cards WHERE due <= ? ORDER BY due, card_id", (day.isoformat(),)
        )
        return [r[0] for r in rows]

    def setting(self, key: str) -> str | None:
        """A stored setting, or None if unset."""
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    # -- writing -----------------------------------------------------------------

    def set_setting(self, key: str, value: str | None) -> None:
        """Stores a setting; None removes it."""
        with self._write():
            if value is None:
                self.conn.execute("DELETE FROM settings WHERE key = ?", (key,))
            else:
                self.db["settings"].upsert({"key": key, "value": value}, pk="key")  # type: ignore[union-attr]

    def record(
        self,
        card_id: str,
        grade: int,
        mode: Mode,
        *,
        day: date,
        ts_ms: int,
        answer: str = "",
        answer_ms: int | None = None,
        schedule: Callable[[date], date] | None = None,
        check: Callable[[], None] | None = None,
    ) -> Review:
        """Logs a grade and, in ``review`` mode, moves the card's SM-2 schedule.

        Both happen in one transaction, committed before this returns.

        Args:
            check: called first inside the transaction, holding the write lock; what
                it raises rolls the transaction back (nothing is written) and is
                raised from here. It lets a caller make sure the grade still applies
                with no other instance writing in between.
            schedule: for a ``review`` grade, turns the day SM-2 says into the day
                to store (an interview plan may bring it forward). It is called inside
                the transaction, so it sees every other card as it is. Its answer is
                kept between ``day`` + 1 and the SM-2 day. None: the SM-2 day.

        Raises:
            ValueError: ``grade`` is not an int 0-5 or ``mode`` is unknown.
            QuizError: the database cannot be written.
        """
        sm2.check_grade(grade)
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
        with self._write():
            if check is not None:
                check()
            card = self.card_state(card_id)
            before = card.state if card else sm2.SM2State()
            after = sm2.review(before, grade) if mode == "review" else before
            row: dict[str, Any] = {
                "card_id": card_id,
                "ts_ms": ts_ms,
                "day": day.isoformat(),
                "grade": grade,
                "mode": mode,
                "ef_before": before.easiness_x100,
                "interval_before": before.interval,
                "reps_before": before.repetitions,
                "due_before": card.due.isoformat() if card else None,
                "ef_after": after.easiness_x100,
                "interval_after": after.interval,
                "reps_after": after.repetitions,
                "due_after": None,
                "answer_ms": answer_ms,
                "answer": answer,
            }
            if mode == "review":
                due = next_due(day, after.interval)
                if schedule is not None:
                    due = max(min(schedule(due), due), next_due(day, min(1, after.interval)))
                row["due_after"] = due.isoformat()
            elif card:
                row["due_after"] = card.due.isoformat()
            table = self.db["reviews"]
            table.insert(row)  # type: ignore[union-attr]
            row["id"] = table.last_rowid  # type: ignore[union-attr]
            review = _review_from_row(row)
            updated = apply(card, review)
            if updated is not card and updated is not None:
                self.db["cards"].upsert(_card_to_row(updated), pk="card_id")  # type: ignore[union-attr]
        return review

    def undo_last(self, on_day: date | None = None) -> Review | None:
        """Removes the newest log row and restores its card's schedule to before it.

        The row itself says what the schedule was before it (its ``*_before``
        columns), and the card's previous scheduling grade is one index lookup away:
        undo takes the same few lookups on a log of ten rows or ten million. The card
        is replayed from its whole log (:meth:`rebuild`'s way) only when the row
        cannot say: a state column left empty, or a ``cards`` row that does not hold
        this row's result.

        Args:
            on_day: only undo a row of this study day (None: any day).

        Returns:
            The removed row, or None if there was nothing (on that day) to undo.
        """
        with self._write(), self._reading():
            row = self.conn.execute("SELECT * FROM reviews ORDER BY id DESC LIMIT 1").fetchone()
            if row is None or (on_day is not None and row["day"] != on_day.isoformat()):
                return None
            self.conn.execute("DELETE FROM reviews WHERE id = ?", (row["id"],))
            card_id = row["card_id"]
            if any(row[column] is None for column in STATE_COLUMNS):
                card = self._replay_card(card_id)  # a row that cannot say
                return _undone_review(row, card)
            last = _review_from_row(row)
            if last.mode != "review":
                return last  # re-drills and practice never moved the schedule
            known, before = self._before(last)
            if not known:
                self._replay_card(card_id)
            elif before is None:
                self.conn.execute("DELETE FROM cards WHERE card_id = ?", (card_id,))
            else:
                self._put_card(before)
        return last

    def _before(self, last: Review) -> tuple[bool, CardState | None]:
        """The schedule of ``last``'s card before ``last``, its newest scheduling
        review (already deleted from the log), read from the row's before columns.

        Returns:
            (True, the schedule) or (True, None) for a card that was new before it;
            (False, None) when the ``cards`` table does not hold ``last``'s result
            (a table edited by hand, or a log appended to by other means): only a
            replay can tell then.
        """
        card = self.card_state(last.card_id)
        if card is None or (card.state, card.due, card.last_grade, card.last_day) != (
            last.after,
            last.due_after,
            last.grade,
            last.day,
        ):
            return False, None
        row = self.conn.execute(
            "SELECT * FROM reviews WHERE card_id = ? AND mode = 'review' ORDER BY id DESC LIMIT 1",
            (last.card_id,),
        ).fetchone()
        # Read as every row is (a grade of 9 is damage, said so), not copied into the
        # card as it stands.
        previous = None if row is None else _review_from_row(row)
        if previous is None:  # its first scheduling review: the card is new again
            return (card.reviews == 1 and last.due_before is None), None
        if last.due_before is None or card.reviews < 2:
            return False, None
        return True, CardState(
            card_id=card.card_id,
            state=last.before,
            due=last.due_before,
            lapses=card.lapses - (last.grade < 3 and last.before.repetitions > 0),
            reviews=card.reviews - 1,
            last_grade=previous.grade,
            last_day=previous.day,
            introduced=card.introduced,
        )

    def rebuild(self) -> None:
        """Recomputes the whole ``cards`` table by replaying the review log."""
        with self._write():
            self.conn.execute("DELETE FROM cards")
            ids = [r[0] for r in self.conn.execute("SELECT DISTINCT card_id FROM reviews")]
            for card_id in ids:
                self._replay_card(card_id)

    def _replay_card(self, card_id: str) -> CardState | None:
        """Replays one card's whole log into its ``cards`` row; returns the result."""
        rows = self.conn.execute("SELECT * FROM reviews WHERE card_id = ? ORDER BY id", (card_id,))
        card: CardState | None = None
        for review in self._replayed(_replay_review(r) for r in rows):
            card = apply(card, review)
        if card is None:
            self.conn.execute("DELETE FROM cards WHERE card_id = ?", (card_id,))
        else:
            self._put_card(card)
        return card

    def _put_card(self, card: CardState) -> None:
        values = _card_to_row(card)
        self.conn.execute(
            f"INSERT OR REPLACE INTO cards ({', '.join(values)})"
            f" VALUES ({', '.join('?' * len(values))})",
            tuple(values.values()),
        )

    @staticmethod
    def _replayed(reviews: Iterable[Review]) -> Iterator[Review]:
        """The log with each scheduling review's after-state recomputed by SM-2 from
        the grades alone, so the log, not the stored states, is the truth."""
        state = sm2.SM2State()
        for review in reviews:
            if review.mode == "review":
                after = sm2.review(state, review.grade)
                review = dataclasses.replace(review, before=state, after=after)
                state = after
            yield review

    def append_reviews(self, rows: Iterable[Mapping[str, Any]]) -> int:
        """Appends many grades to the log in one transaction, as :meth:`record` would
        one at a time (with SM-2's own due dates, no plan): for importing a history in bulk.

        Each row holds ``card_id``, ``day`` (a date), ``ts_ms``, ``grade`` and
        ``mode``, and may hold ``answer`` and ``answer_ms``. The SM-2 columns and the
        ``cards`` table are computed here, by the same rules as :meth:`record`,
        continuing from each card's state in the database; ``rows`` is consumed as it
        is written, so a long iterator needs little memory.

        Returns:
            The number of rows appended.

        Raises:
            ValueError: a row has a bad grade or mode; nothing is written.
            QuizError: the database cannot be written; nothing is written.
        """
        count = 0

        def log_rows() -> Iterator[tuple[Any, ...]]:
            nonlocal count
            for row in rows:
                card_id, day = row["card_id"], row["day"]
                grade, mode = sm2.check_grade(row["grade"]), row["mode"]
                if mode not in MODES:
                    raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
                card = cards.get(card_id)
                before = card.state if card else sm2.SM2State()
                after = sm2.review(before, grade) if mode == "review" else before
                due_before = card.due if card else None
                due_after = next_due(day, after.interval) if mode == "review" else due_before
                review = Review(
                    id=0,
                    card_id=card_id,
                    ts_ms=row["ts_ms"],
                    day=day,
                    grade=grade,
                    mode=mode,
                    before=before,
                    after=after,
                    due_before=due_before,
                    due_after=due_after,
                    answer_ms=row.get("answer_ms"),
                    answer=row.get("answer", ""),
                )
                updated = apply(card, review)
                if updated is not None:
                    cards[card_id] = updated
                count += 1
                yield (
                    card_id,
                    review.ts_ms,
                    day.isoformat(),
                    grade,
                    mode,
                    before.easiness_x100,
                    before.interval,
                    before.repetitions,
                    due_before.isoformat() if due_before else None,
                    after.easiness_x100,
                    after.interval,
                    after.repetitions,
                    due_after.isoformat() if due_after else None,
                    review.answer_ms,
                    review.answer,
                )

        with self._write():
            cards = self.card_states()
            self.conn.executemany(
                "INSERT INTO reviews (card_id, ts_ms, day, grade, mode, ef_before,"
                " interval_before, reps_before, due_before, ef_after, interval_after,"
                " reps_after, due_after, answer_ms, answer)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                log_rows(),
            )
            for card in cards.values():
                self._put_card(card)
        return count


def _use_wal(conn: sqlite3.Connection) -> None:
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


def _no_database(path: Path) -> QuizError:
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
    if not _exists(path):
        raise _no_database(path)
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise QuizError(f"cannot open {path}: {_reason(exc)}") from None
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


def _exists(path: Path) -> bool:
    """Whether ``path`` exists; a folder on the way that cannot be searched is an
    error the user can fix, not a traceback."""
    try:
        return path.exists()
    except OSError as exc:
        raise QuizError(f"cannot open {path}: {_reason(exc)}") from None


def _inspect_existing(path: Path, *, rolled_back: bool = False) -> None:
    """Refuses, without writing a byte, a file that is not a quiz database we can use
    (a write cut short is rolled back first, as SQLite does: see :func:`_roll_back`)."""
    try:
        with path.open("rb") as f:
            header = f.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise QuizError(f"cannot read {path}: {_reason(exc)}") from None
    if not header:
        return  # an empty file: SQLite treats it as a new database
    if header != SQLITE_HEADER:
        raise QuizError(
            f"{path} is not a quiz database (not an SQLite file); "
            "restore it from a backup or pass --db with another file"
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
            return _inspect_existing(path, rolled_back=True)
        if _is_damage(exc):
            raise QuizError(
                f"{path} is damaged ({_reason(exc)}); restore it from a backup"
            ) from None
        # Not the file's fault: a full disk (SQLite cannot make the shared-memory
        # file beside it), an I/O error, a lock, a permission.
        raise QuizError(f"cannot open {path}: {_reason(exc, path)}") from None
    if version > SCHEMA_VERSION:
        raise QuizError(
            f"{path} was written by a newer version of quiz (schema {version}, this one "
            f"knows {SCHEMA_VERSION}); upgrade quiz to open it"
        )
    if version == 0 and tables - OUR_TABLES - {"sqlite_sequence"}:
        raise QuizError(
            f"{path} is a database of another program, not of quiz; pass --db with another file"
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


def _is_damage(exc: sqlite3.Error) -> bool:
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


def _reason(exc: BaseException, path: Path | None = None) -> str:
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
