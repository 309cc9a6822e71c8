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
import sqlite3
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quiz import sm2
from quiz.dbfile import (
    BUSY_TIMEOUT_MS,
    create_private_file,
    database_error,
    inspect_existing,
    make_private_folder,
    no_database,
    path_exists,
    reason,
    require_database,
    use_wal,
)
from quiz.errors import QuizError
from quiz.frozen import frozen
from quiz.records import (
    IS_ACTION,
    IS_GRADE,
    REVIEW_COLUMNS,
    STATE_COLUMNS,
    Action,
    BadRow,
    CardState,
    Mode,
    Review,
    action,
    apply,
    card_from_row,
    card_to_row,
    graded,
    is_leech,
    log_day,
    replay_review,
    review_from_row,
    review_values,
    undone_review,
)
from quiz.schema import MIGRATIONS, SCHEMA_VERSION

if TYPE_CHECKING:
    import sqlite_utils

MAX_ROWID = 2**63 - 1
# INDEXED BY: the planner would scan a small log in id order; the partial index
# holds the action rows alone whatever the log's length.
MARKS_QUERY = (
    "SELECT id, card_id, mode, day FROM reviews INDEXED BY idx_reviews_actions"
    f" WHERE {IS_ACTION} ORDER BY id"
)
LEECH_NOTE = "lapsed {lapses} times"  # the answer column of a leech row
INSERT_REVIEW = (
    f"INSERT INTO reviews ({', '.join(REVIEW_COLUMNS)})"
    f" VALUES ({', '.join('?' for _ in REVIEW_COLUMNS)})"
)


@frozen
class Marks:
    """What the log's suspend, unsuspend, bury and leech rows say of one card.

    Attributes:
        suspended: no reviews until unsuspended (by hand, or as a leech).
        buried: the study day it was last buried on (it sits out that day), or None.
        leech: it lapsed the leech threshold's number of times (it stays one).
    """

    suspended: bool = False
    buried: date | None = None
    leech: bool = False


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
        if path_exists(path) or not create:
            require_database(path)
            inspect_existing(path)
        else:
            try:
                make_private_folder(path.parent)
            except OSError as exc:
                raise QuizError(f"cannot create the folder {path.parent}: {reason(exc)}") from None
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
                raise no_database(path) from None
            if not path.exists() and not os.access(path.parent, os.W_OK):
                raise QuizError(
                    f"cannot create {path}: the folder {path.parent} is read-only; "
                    "pass --db with a file in a folder you can write to"
                ) from None
            raise QuizError(f"cannot open {path}: {reason(exc, path)}") from None
        conn.row_factory = sqlite3.Row
        store = cls(conn, path)
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            use_wal(conn)
            # FULL, not WAL's usual NORMAL: NORMAL syncs the log only at checkpoints,
            # so a power cut can take the last grades back; FULL syncs the log at each
            # commit, and a grade shown as saved is saved (tests/perf/bench_grade.py).
            conn.execute("PRAGMA synchronous = FULL")
            store._migrate()
        except sqlite3.Error as exc:
            conn.close()
            raise database_error(exc, path, "use") from None
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
        except sqlite3.Error as exc:
            raise database_error(exc, self.path, "write to") from None
        try:
            yield
            self.conn.execute("COMMIT")
        except BaseException as exc:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise database_error(exc, self.path, "write to") from None
            raise

    # -- reading -----------------------------------------------------------------

    # Each read below raises QuizError ("PATH is damaged: ...") for a row holding a
    # value quiz never writes.

    def card_states(self) -> dict[str, CardState]:
        """Every card with a schedule, by id (cards never reviewed are absent)."""
        with self._reading():
            rows = self.conn.execute("SELECT * FROM cards")
            return {row["card_id"]: card_from_row(row) for row in rows}

    def card_state(self, card_id: str) -> CardState | None:
        """The schedule of one card, or None if it was never reviewed."""
        with self._reading():
            row = self.conn.execute("SELECT * FROM cards WHERE card_id = ?", (card_id,)).fetchone()
            return None if row is None else card_from_row(row)

    def reviews_on(self, day: date) -> list[Review]:
        """The grades of study day ``day``, oldest first (suspensions and burials left out)."""
        with self._reading():
            rows = self.conn.execute(
                f"SELECT * FROM reviews WHERE day = ? AND {IS_GRADE} ORDER BY id",
                (day.isoformat(),),
            )
            return [review_from_row(r) for r in rows]

    def reviews_of(self, card_id: str) -> list[Review]:
        """The whole log of one card, oldest first."""
        with self._reading():
            rows = self.conn.execute(
                "SELECT * FROM reviews WHERE card_id = ? ORDER BY id", (card_id,)
            )
            return [review_from_row(r) for r in rows]

    def reviews_page(
        self, card_id: str, older_than: int | None = None, limit: int = 50
    ) -> list[Review]:
        """One page of a card's log, newest first: up to ``limit`` rows older than the
        row ``older_than`` (an id; None: from the newest). One range of the
        (card_id, id) index: the same few milliseconds whatever the log's length."""
        with self._reading():
            rows = self.conn.execute(
                "SELECT * FROM reviews WHERE card_id = ? AND id < ? ORDER BY id DESC LIMIT ?",
                (card_id, MAX_ROWID if older_than is None else older_than, limit),
            )
            return [review_from_row(r) for r in rows]

    def review_count_of(self, card_id: str) -> int:
        """The number of log rows of one card. It counts the card's whole range of an
        index: on a long log, call it off the interface's thread."""
        with self._reading():
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
            raise database_error(exc, self.path, "read") from None
        conn.row_factory = sqlite3.Row
        return Store(conn, self.path)

    def last_review(self) -> Review | None:
        """The newest row of the log, or None when it is empty."""
        with self._reading():
            row = self.conn.execute("SELECT * FROM reviews ORDER BY id DESC LIMIT 1").fetchone()
            return None if row is None else review_from_row(row)

    @contextlib.contextmanager
    def _reading(self) -> Iterator[None]:
        """Every read: a row quiz never writes, or an error from SQLite, becomes a
        :class:`QuizError` in the one wording of :func:`quiz.dbfile.database_error`."""
        try:
            yield
        except BadRow as bad:
            raise QuizError(
                f"{self.path} is damaged: {bad}; restore a backup: quiz restore FILE"
            ) from None
        except sqlite3.Error as exc:
            raise database_error(exc, self.path, "read") from None

    def review_count(self, *, grades_only: bool = False) -> int:
        """The number of rows in the log (``grades_only``: of grades, the suspend,
        unsuspend, bury and leech rows left out)."""
        where = f" WHERE {IS_GRADE}" if grades_only else ""
        with self._reading():
            return int(self.conn.execute(f"SELECT count(*) FROM reviews{where}").fetchone()[0])

    def marks(self) -> dict[str, Marks]:
        """Each card the log has suspended, unsuspended, buried or made a leech, by id:
        what those rows, oldest first, leave it as. Read from a partial index of just
        those rows (schema version 3): a long log of grades does not slow it."""
        marks: dict[str, Marks] = {}
        with self._reading():
            rows = self.conn.execute(MARKS_QUERY)
            for _, card_id, mode, day in rows:
                mark = marks.get(card_id, Marks())
                if mode == "suspend":
                    mark = dataclasses.replace(mark, suspended=True)
                elif mode == "unsuspend":
                    mark = dataclasses.replace(mark, suspended=False)
                elif mode == "bury":
                    mark = dataclasses.replace(mark, buried=log_day(day))
                else:  # leech
                    mark = dataclasses.replace(mark, suspended=True, leech=True)
                marks[card_id] = mark
        return marks

    def has_review_on(self, day: date) -> bool:
        """True if any grade was logged on study day ``day`` (an index lookup)."""
        with self._reading():
            row = self.conn.execute(
                f"SELECT 1 FROM reviews WHERE day = ? AND {IS_GRADE} LIMIT 1", (day.isoformat(),)
            ).fetchone()
            return row is not None

    def review_days(self) -> list[date]:
        """The distinct study days with at least one review, newest first."""
        with self._reading():
            rows = self.conn.execute(
                f"SELECT DISTINCT day FROM reviews WHERE {IS_GRADE} ORDER BY day DESC"
            )
            return [log_day(r[0]) for r in rows]

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
        with self._reading():
            rows = self.conn.execute(
                f"SELECT day, sum({IS_GRADE}), sum(mode = 'review'),"
                " sum(mode = 'review' AND grade >= 3),"
                " sum(coalesce(answer_ms, 0)) FROM reviews WHERE day >= ? GROUP BY day",
                (since.isoformat(),),
            )
            counts = {log_day(r[0]): (r[1], r[2], r[3], r[4]) for r in rows}
        if leave_out:
            # Taken off afterwards: few ids, found by the (card_id, mode) index,
            # while the counts above are read from an index that has no card id.
            marks = ", ".join("?" * len(leave_out))
            with self._reading():
                rows = self.conn.execute(
                    "SELECT day, count(*), sum(grade >= 3) FROM reviews"
                    f" WHERE card_id IN ({marks}) AND mode = 'review' AND day >= ? GROUP BY day",
                    (*leave_out, since.isoformat()),
                )
                for r in rows:
                    day = log_day(r[0])
                    grades, scheduled, passed, ms = counts[day]
                    counts[day] = (grades, scheduled - r[1], passed - r[2], ms)
        return counts

    def last_grades(self, card_id: str, count: int = 5) -> list[int]:
        """The card's last ``count`` scheduling grades, oldest first."""
        with self._reading():
            rows = self.conn.execute(
                "SELECT grade FROM reviews WHERE card_id = ? AND mode = 'review'"
                " ORDER BY id DESC LIMIT ?",
                (card_id, count),
            )
            return [r[0] for r in rows][::-1]

    def due_ids(self, day: date) -> list[str]:
        """Ids of the cards due on or before ``day``, most overdue first."""
        with self._reading():
            rows = self.conn.execute(
                "SELECT card_id FROM cards WHERE due <= ? ORDER BY due, card_id",
                (day.isoformat(),),
            )
            return [r[0] for r in rows]

    def setting(self, key: str) -> str | None:
        """A stored setting, or None if unset."""
        with self._reading():
            row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
            return None if row is None else str(row[0])

    # -- writing -----------------------------------------------------------------

    def set_setting(self, key: str, value: str | None) -> None:
        """Stores a setting; None removes it."""
        with self._write():
            if value is None:
                self.conn.execute("DELETE FROM settings WHERE key = ?", (key,))
            else:
                self.db.table("settings").upsert({"key": key, "value": value}, pk="key")

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
        leech_lapses: int = 0,
    ) -> Review:
        """Logs a grade and, in ``review`` mode, moves the card's SM-2 schedule.

        Both happen in one transaction, committed before this returns. A lapse that
        makes the card a leech (:func:`quiz.records.is_leech` with ``leech_lapses``;
        0: never) also logs a ``leech`` row, in the same transaction: the card is
        suspended. :meth:`leeched` says whether it did; undo takes both back.

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
        with self._write():
            if check is not None:
                check()
            card = self.card_state(card_id)
            review = graded(
                card,
                card_id,
                grade,
                mode,
                day=day,
                ts_ms=ts_ms,
                answer=answer,
                answer_ms=answer_ms,
                schedule=schedule,
            )
            review = self._insert(review)
            updated = apply(card, review)
            if updated is not card and updated is not None:
                self._put_card(updated)
                lapsed = updated.lapses > (card.lapses if card else 0)
                if lapsed and is_leech(updated.lapses, leech_lapses):
                    note = LEECH_NOTE.format(lapses=updated.lapses)
                    self._insert(action(updated, card_id, "leech", day=day, ts_ms=ts_ms, note=note))
        return review

    def leeched(self, review: Review) -> bool:
        """Whether the grade ``review`` made its card a leech (a leech row follows it)."""
        with self._reading():
            row = self.conn.execute(
                "SELECT mode FROM reviews WHERE card_id = ? AND id > ? ORDER BY id LIMIT 1",
                (review.card_id, review.id),
            ).fetchone()
            return row is not None and row[0] == "leech"

    def mark(self, card_id: str, mode: Action, *, day: date, ts_ms: int) -> Review:
        """Logs a suspend, unsuspend or bury of ``card_id`` (one row, committed before
        this returns); the card's schedule does not move. Undo takes it back as it
        takes back a grade.

        Raises:
            ValueError: ``mode`` is not an action.
            QuizError: the database cannot be written.
        """
        with self._write():
            return self._insert(
                action(self.card_state(card_id), card_id, mode, day=day, ts_ms=ts_ms)
            )

    def _insert(self, review: Review) -> Review:
        cursor = self.conn.execute(INSERT_REVIEW, review_values(review))
        return dataclasses.replace(review, id=int(cursor.lastrowid or 0))

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
            if row["mode"] == "leech":
                # Made by the grade before it, in the same transaction: both go.
                row = self.conn.execute("SELECT * FROM reviews ORDER BY id DESC LIMIT 1").fetchone()
                if row is None:
                    return None
                self.conn.execute("DELETE FROM reviews WHERE id = ?", (row["id"],))
            card_id = row["card_id"]
            if any(row[column] is None for column in STATE_COLUMNS):
                card = self._replay_card(card_id)  # a row that cannot say
                return undone_review(row, card)
            last = review_from_row(row)
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
        previous = None if row is None else review_from_row(row)
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
        for review in self._replayed(replay_review(r) for r in rows):
            card = apply(card, review)
        if card is None:
            self.conn.execute("DELETE FROM cards WHERE card_id = ?", (card_id,))
        else:
            self._put_card(card)
        return card

    def _put_card(self, card: CardState) -> None:
        values = card_to_row(card)
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
                card_id = row["card_id"]
                card = cards.get(card_id)
                review = graded(
                    card,
                    card_id,
                    row["grade"],
                    row["mode"],
                    day=row["day"],
                    ts_ms=row["ts_ms"],
                    answer=row.get("answer", ""),
                    answer_ms=row.get("answer_ms"),
                )
                updated = apply(card, review)
                if updated is not None:
                    cards[card_id] = updated
                count += 1
                yield review_values(review)

        with self._write():
            cards = self.card_states()
            self.conn.executemany(INSERT_REVIEW, log_rows())
            for card in cards.values():
                self._put_card(card)
        return count
