"""Grades into a database with checkpoints off, so every grade stays in its -wal, then
waits to be killed: the file and its -wal are what a copy of a live database holds.

Usage: python wal_grader.py DB
"""

from __future__ import annotations

import sys
from datetime import date

from quiz.store import Store


def main(db: str) -> None:
    store = Store.open(db)
    store.conn.execute("PRAGMA wal_autocheckpoint = 0")
    for i in range(300):
        store.record("mlp", 4, "practice", day=date(2026, 3, 4), ts_ms=i, answer=f"wal {i}")
    print("done", flush=True)
    sys.stdin.read()


if __name__ == "__main__":
    main(sys.argv[1])
