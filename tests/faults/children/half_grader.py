"""Grades its half of the deck (every other card) ``N`` times once told to go (a line
on stdin): one of two instances grading one database at once.

Usage: python half_grader.py DB CONTENT HALF N
"""

from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Literal

from quiz.deck import load_deck
from quiz.store import Store


def main(db: str, content: Path, half: int, n: int) -> None:
    cards = [c.id for c in load_deck(content).topics][half::2]  # the core cards, as the test
    store = Store.open(db)
    _ = store.db  # sqlite-utils loaded before saying ready
    print("ready", flush=True)
    sys.stdin.readline()
    for i in range(n):
        mode: Literal["review", "practice"] = "practice" if i % 4 == 3 else "review"
        day = date(2026, 3, 3) + timedelta(days=i // len(cards))
        store.record(cards[i % len(cards)], i % 6, mode, day=day, ts_ms=i)
    print("done", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
