"""Is a database sound, and is it quiz's? The checks behind backups, restore and
``quiz check``.

- :func:`damage`: SQLite's own check of every page (``quick_check``, or the slower
  ``integrity_check`` that also compares each index with its table).
- :func:`foreign_objects`: what the file holds that quiz's migrations did not make: a
  trigger, a view, a table, index or column of its own. A restored trigger runs on the
  next grade, so a backup holding one is refused, and so is a rebuild that would run it.
- :func:`replay`: the ``cards`` table compared with what replaying the review log
  gives (:meth:`quiz.store.Store.rebuild` makes them equal).
"""

from __future__ import annotations

import functools
import itertools
import sqlite3
from dataclasses import dataclass, field, fields
from pathlib import Path

from quiz.dbfile import reason
from quiz.records import IS_GRADE, CardState, apply, card_from_row, review_from_row
from quiz.schema import MIGRATIONS, SCHEMA_VERSION
from quiz.store import Store

# Tables SQLite itself may add (AUTOINCREMENT, ANALYZE): not a user's doing.
SQLITE_OWN = {"sqlite_sequence", "sqlite_stat1", "sqlite_stat2", "sqlite_stat3", "sqlite_stat4"}
MAX_SHOWN = 10  # problems listed one by one; the rest are counted


def damage(conn: sqlite3.Connection, *, full: bool = False) -> list[str]:
    """The problems SQLite's check finds in the file, one line each; [] when sound.

    Args:
        full: ``integrity_check`` (also compares every index with its table) instead
            of the faster ``quick_check``.
    """
    pragma = "integrity_check" if full else "quick_check"
    try:
        found = [str(r[0]) for r in conn.execute(f"PRAGMA {pragma}({MAX_SHOWN})")]
    except sqlite3.DatabaseError as exc:
        return [reason(exc)]  # too damaged to finish the check
    if found == ["ok"]:
        return []
    lines = [
        line.strip()
        for text in found
        for line in text.splitlines()
        if line.strip() and line.strip() != "*** in database main ***"
    ]
    return lines or ["the check failed"]


def summary(problems: list[str]) -> str:
    """Problems as a short phrase for a one-line message."""
    first = problems[0] if len(problems[0]) <= 120 else problems[0][:117] + "..."
    if len(problems) >= MAX_SHOWN:
        return f"{first}, and more"  # the check stops counting there
    more = len(problems) - 1
    return first + (f", and {more} more" if more else "")


@dataclass(frozen=True)
class _Shape:
    """What matters of a table or an index: not the text of its SQL, which differs
    between versions of sqlite-utils, but its columns and what they are."""

    type: str
    table: str
    detail: tuple[object, ...]


def _shapes(conn: sqlite3.Connection) -> dict[str, _Shape]:
    shapes = {}
    for kind, name, table, sql in conn.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master"
    ).fetchall():
        detail: tuple[object, ...] = ()
        if kind == "table":
            if sql and sql.lstrip().upper().startswith("CREATE VIRTUAL"):
                kind = "virtual table"
            else:
                detail = tuple(
                    (r[1], str(r[2]).upper(), r[3], r[5], r[6])  # name, type, not null, pk, hidden
                    for r in conn.execute(f"PRAGMA table_xinfo({_quote(name)})")
                )
        elif kind == "index":
            listed = {
                r[1]: (r[2], r[4])  # unique, partial
                for r in conn.execute(f"PRAGMA index_list({_quote(table)})")
            }
            detail = (
                listed.get(name),
                tuple(
                    (r[2], r[3], r[4])  # column (None: an expression), descending, collation
                    for r in conn.execute(f"PRAGMA index_xinfo({_quote(name)})")
                    if r[5]  # key columns only
                ),
            )
        shapes[name] = _Shape(kind, table, detail)
    return shapes


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@functools.cache
def _expected(version: int) -> dict[str, _Shape]:
    """The objects quiz's migrations make up to schema ``version``."""
    import sqlite_utils

    conn = sqlite3.connect(":memory:")
    try:
        db = sqlite_utils.Database(conn)
        for step in range(version):
            MIGRATIONS[step](db)
        return _shapes(conn)
    finally:
        conn.close()


def foreign_objects(conn: sqlite3.Connection, version: int) -> list[str]:
    """What the file holds beyond (or instead of) quiz's schema at ``version``, one
    phrase each ("a trigger 'wipe' quiz did not make"); [] for exactly quiz's."""
    if not 1 <= version <= SCHEMA_VERSION:
        return [f"schema version {version}, not one of quiz's (1 to {SCHEMA_VERSION})"]
    expected = _expected(version)
    found = _shapes(conn)
    problems = []
    for name, shape in found.items():
        if name in SQLITE_OWN:
            continue
        want = expected.get(name)
        if want is None:
            problems.append(f"a {shape.type} '{name}' quiz did not make")
        elif want != shape:
            problems.append(f"a {shape.type} '{name}' that is not as quiz made it")
    problems += [
        f"no {shape.type} '{name}'" for name, shape in expected.items() if name not in found
    ]
    return problems


@dataclass
class Replay:
    """The ``cards`` table next to a replay of the review log.

    Attributes:
        grades: rows in the log.
        cards: cards with a schedule by the replay.
        differences: one line per card whose row differs ("mlp: interval 999, the
            log says 6").
        unreadable: why the log or the table could not be read to the end, or None.
    """

    grades: int = 0
    cards: int = 0
    differences: list[str] = field(default_factory=list)
    unreadable: str | None = None


def replay(conn: sqlite3.Connection) -> Replay:
    """Replays the log card by card, as :meth:`Store.rebuild` does, and compares the
    result with the ``cards`` table; writes nothing. Memory holds one card's log."""
    result = Replay()
    factory = conn.row_factory
    conn.row_factory = sqlite3.Row
    try:
        return _replay(conn, result)
    finally:
        conn.row_factory = factory


def _replay(conn: sqlite3.Connection, result: Replay) -> Replay:
    try:
        # Grades only: suspend, unsuspend, bury and leech rows move no schedule.
        result.grades = int(
            conn.execute(f"SELECT count(*) FROM reviews WHERE {IS_GRADE}").fetchone()[0]
        )
        expected: dict[str, CardState] = {}
        # Only scheduling grades move a card (re-drills and practice leave it), so only
        # they are replayed: on a long log most rows are practice (``tests/perf/bench_scale.py``).
        rows = conn.execute("SELECT * FROM reviews WHERE mode = 'review' ORDER BY card_id, id")
        for card_id, group in itertools.groupby(rows, key=lambda r: r["card_id"]):
            card: CardState | None = None
            for review in Store._replayed(review_from_row(r) for r in group):
                card = apply(card, review)
            if card is not None:
                expected[card_id] = card
        table = {r["card_id"]: card_from_row(r) for r in conn.execute("SELECT * FROM cards")}
    except sqlite3.Error as exc:
        result.unreadable = reason(exc)
        return result
    except (ValueError, TypeError, KeyError) as exc:
        result.unreadable = f"a row holds what quiz never writes ({exc})"
        return result
    result.cards = len(expected)
    for card_id in sorted(expected.keys() | table.keys()):
        if card_id not in table:
            result.differences.append(f"{card_id}: missing (the log has its grades)")
        elif card_id not in expected:
            result.differences.append(f"{card_id}: not in the review log")
        elif table[card_id] != expected[card_id]:
            result.differences.append(f"{card_id}: {_differing(table[card_id], expected[card_id])}")
    return result


_LABELS = {
    "due": "due",
    "lapses": "lapses",
    "reviews": "reviews",
    "last_grade": "last grade",
    "last_day": "last day",
    "introduced": "introduced",
}


def _differing(have: CardState, want: CardState) -> str:
    pairs = [
        ("interval", have.state.interval, want.state.interval),
        ("easiness", have.state.easiness, want.state.easiness),
        ("repetitions", have.state.repetitions, want.state.repetitions),
    ]
    pairs += [
        (label, getattr(have, f.name), getattr(want, f.name))
        for f in fields(CardState)
        if (label := _LABELS.get(f.name))
    ]
    return "; ".join(f"{label} {a}, the log says {b}" for label, a, b in pairs if a != b)


def check(path: Path) -> tuple[bool, list[str]]:
    """``quiz check``: whether the database at ``path`` is healthy, and what was found,
    as plain lines. Reads only; the caller has made sure it is a quiz database."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return _check(conn, path)
    finally:
        conn.close()


def _check(conn: sqlite3.Connection, path: Path) -> tuple[bool, list[str]]:
    lines: list[str] = []
    advice: list[str] = []
    damaged = damage(conn, full=True)
    if damaged:
        lines.append(f"integrity: damaged: {summary(damaged)}")
        lines += [f"  {problem}" for problem in damaged[1:MAX_SHOWN]]
        advice.append("restore a backup made before the damage: quiz restore FILE")
    else:
        lines.append("integrity: ok")
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        foreign = foreign_objects(conn, version)
    except sqlite3.Error as exc:
        lines.append(f"schema: cannot be read ({reason(exc)})")
        foreign = []
    else:
        if foreign:
            lines.append("schema: holds " + "; ".join(foreign))
            advice.append(
                "restore a backup made before those were added, or remove them with "
                "the sqlite3 shell (quiz rebuild will not run with them)"
            )
        else:
            lines.append(f"schema: ok (version {version})")
    found = replay(conn)
    if found.unreadable is not None:
        lines.append(f"review log: cannot be read to the end ({found.unreadable})")
        if not damaged:
            advice.append("restore a backup: quiz restore FILE")
    else:
        lines.append(f"review log: {found.grades} grades of {found.cards} cards")
        if found.differences:
            count = len(found.differences)
            lines.append(
                f"cards table: {count} card{'s' * (count != 1)} differ"
                f"{'s' * (count == 1)} from a replay of the review log:"
            )
            lines += [f"  {line}" for line in found.differences]
            advice.append("'quiz rebuild' rebuilds the cards table from the log")
        else:
            lines.append(f"cards table: matches a replay of the review log ({found.cards} cards)")
    healthy = not advice
    lines.append(
        f"{path} is healthy" if healthy else f"{path} needs attention: {'; '.join(advice)}"
    )
    return healthy, lines
