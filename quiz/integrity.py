"""Is a database sound? The check behind backups.

- :func:`damage`: SQLite's own check of every page (``quick_check``, or the slower
  ``integrity_check`` that also compares each index with its table).
"""

from __future__ import annotations

import sqlite3

from quiz.store import _reason

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
