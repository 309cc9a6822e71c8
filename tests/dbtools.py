"""Helpers for the tests that damage, copy and inspect database files.

Everything here reads the files through plain ``sqlite3`` connections, not through
the code under test.
"""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

from quiz.store import Store

CARDS = ("deep-learning", "neural-network", "mlp", "backpropagation", "softmax-relu")


def big_history(
    db: Path, n: int = 5000, *, answer: int = 200, first: int = 0, start: date | None = None
) -> None:
    """Appends ``n`` grades (reviews and practice, 50 a day from ``start``) with typed
    answers of ``answer`` characters: a file of many pages, so that one of them can be
    damaged deep inside it."""
    start = start or date(2025, 1, 1)
    with Store.open(db) as store:
        store.append_reviews(
            {
                "card_id": CARDS[i % len(CARDS)],
                "day": start + timedelta(days=i // 50),
                "ts_ms": i,
                "grade": (i * 7) % 6,
                "mode": "review" if i % 3 == 0 else "practice",
                "answer": f"answer {i} " + "x" * answer,
                "answer_ms": 1000 + i,
            }
            for i in range(first, first + n)
        )


def quick_check(db: Path) -> str:
    """What ``PRAGMA quick_check`` says: "ok", or the problems (or the error raised)."""
    conn = sqlite3.connect(db)
    try:
        return "\n".join(r[0] for r in conn.execute("PRAGMA quick_check"))
    except sqlite3.DatabaseError as exc:
        return f"error: {exc}"
    finally:
        conn.close()


def corrupt_deep_page(db: Path, btree: str = "reviews", fill: bytes = b"\x00") -> int:
    """Overwrites the middle of a leaf page of ``btree`` (a table or index) halfway
    through the file, as a failing disk does; returns the page number.

    The file still opens and its first pages read fine: only a read (or a check) of
    that page finds the damage.
    """
    conn = sqlite3.connect(db)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        pages: list[int] = [
            r[0]
            for r in conn.execute(
                "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno",
                (btree,),
            )
        ]
        size = conn.execute("PRAGMA page_size").fetchone()[0]
    finally:
        conn.close()
    assert len(pages) >= 10, f"{btree} has only {len(pages)} leaf pages: make a bigger history"
    page = pages[len(pages) // 2]
    with db.open("r+b") as f:
        f.seek((page - 1) * size + size // 2)
        f.write(fill * 512)
    assert quick_check(db) != "ok", "the damage was not found by quick_check"
    return page


def rows(db: Path, table: str) -> list[tuple[object, ...]]:
    """Every row of ``table``, in a fixed order."""
    conn = sqlite3.connect(db)
    try:
        order = {"reviews": "id", "cards": "card_id"}.get(table, "rowid")
        return conn.execute(f"SELECT * FROM {table} ORDER BY {order}").fetchall()
    finally:
        conn.close()


def answers(db: Path) -> set[str]:
    """The typed answers in the log: grades made by a test carry unique ones."""
    conn = sqlite3.connect(db)
    try:
        return {r[0] for r in conn.execute("SELECT answer FROM reviews")}
    finally:
        conn.close()


def mode(path: Path) -> int:
    """The permission bits of ``path``."""
    return path.stat().st_mode & 0o777
