"""Grades one card after another, opening and closing the database for each (as the
app starting and quitting would), and prints each grade's number once committed, or
the refusal's message; until it is killed.

Usage: python looping_grader.py DB
"""

from __future__ import annotations

import sys
from datetime import date

from quiz.errors import QuizError
from quiz.store import Store


def main(db: str) -> None:
    warm = Store.open(db)
    _ = warm.db  # sqlite-utils loaded before saying ready
    warm.close()
    print("ready", flush=True)
    i = 0
    while True:
        try:
            with Store.open(db) as store:
                store.record(
                    "mlp", 4, "practice", day=date(2026, 3, 5), ts_ms=i, answer=f"writer {i}"
                )
        except QuizError as exc:
            print("refused:", exc, flush=True)
            continue
        print(i, flush=True)
        i += 1


if __name__ == "__main__":
    main(sys.argv[1])
