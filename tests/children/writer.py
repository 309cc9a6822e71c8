"""A second process grading as fast as it can, printing each committed review's id,
until it is killed.

Usage: python writer.py DB
"""

from __future__ import annotations

import sys
from datetime import date, timedelta

from quiz.store import Store

CARDS = ["deep-learning", "neural-network", "mlp", "backpropagation", "softmax-relu"]


def main(db: str) -> None:
    store = Store.open(db)
    _ = store.db  # load sqlite-utils before saying ready
    print("ready", flush=True)
    i = 0
    while True:
        day = date(2026, 3, 4) + timedelta(days=i // 5)
        review = store.record(CARDS[i % 5], i % 6, "review", day=day, ts_ms=i)
        print(review.id, flush=True)
        i += 1


if __name__ == "__main__":
    main(sys.argv[1])
