"""Holds a database open, idle between two reads, until its stdin closes.

Usage: python holder.py DB
"""

from __future__ import annotations

import sys

from quiz.store import Store


def main(db: str) -> None:
    store = Store.open(db)
    store.review_count()
    print("open", flush=True)
    sys.stdin.read()


if __name__ == "__main__":
    main(sys.argv[1])
