"""Grades today's session as fast as it can, printing each review's id once record()
has returned (committed); the kill test SIGKILLs it at a random moment.

When the day is done the clock moves to the next day; a new run goes on from the time
of the last grade in the database.

Usage: python killed_grader.py DB CONTENT SEED
"""

from __future__ import annotations

import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from quiz.deck import load_deck
from quiz.session import Session
from quiz.store import Store


def main(db: str, content: Path, seed: int) -> None:
    rng = random.Random(seed)
    tz = timezone(timedelta(hours=1))
    store = Store.open(db)
    last = store.last_review()
    start = datetime(2026, 3, 3, 10, tzinfo=tz)
    now = [datetime.fromtimestamp(last.ts_ms / 1000, tz) if last else start]
    session = Session(store, load_deck(content), now=lambda: now[0])
    _ = store.db  # sqlite-utils loaded: from here on, the process does nothing but grade
    print("ready", flush=True)
    while True:
        now[0] += timedelta(seconds=30)
        item = session.current()
        if item is None:
            now[0] += timedelta(days=1)
        elif rng.random() < 0.1:
            practiced = session.practice(rng.choice(list(session.deck)), rng.randrange(6))
            print(practiced.id, flush=True)
        else:
            graded = session.grade(item.card.id, rng.choice([1, 2, 3, 4, 4, 5, 5]))
            print(graded.review.id, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]))
