"""Is a database sound, and is it quiz's? The checks behind backups and restore.

- :func:`damage`: SQLite's own check of every page (``quick_check``, or the slower
  ``integrity_check`` that also compares each index with its table).
- :func:`foreign_objects`: what the file holds that quiz's migrations did not make: a
  trigger, a view, a table, index or column of its own. A restored trigger runs on the
  next grade, so a backup holding one is refused.
"""

from __future__ import annotations

import functools
import sqlite3
from dataclasses import dataclass

from quiz.store import MIGRATIONS, SCHEMA_VERSION, _reason

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
        return [_reason(exc)]  # too damaged to finish the check
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
