"""Appends a synthetic review history to a quiz database, for benchmarks and tests.

Run by hand (pytest does not collect it)::

    python tests/perf/make_history.py DB N [--days 180] [--seed 1] [--chunk 50000]

``N`` reviews are appended across the fifteen cards over the ``--days`` study days
that end yesterday, through the project's own store (:meth:`Store.append_reviews`:
the same SM-2 rules as a grade in the app). DB is created if it is missing.

The history reads like a (very keen) user's: each day every card that is due gets
its scheduled review, graded 0-5 with most grades 3-5; a card graded below 4 is
drilled again the same day until it gets a 4 or 5; and the rest of the day's share
of N is practice, which SM-2 leaves alone. Grades and answer times are random but
fixed by ``--seed``.

The rows are written in transactions of ``--chunk`` rows, so that another program
using the database (the app, or a second copy of this script) waits at most one
chunk for its turn; two copies appending to one database at once both land in full.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # this checkout's quiz, not an installed copy

from quiz import sm2  # noqa: E402
from quiz.days import local_now, study_day, to_ms  # noqa: E402
from quiz.deck import load_deck  # noqa: E402
from quiz.errors import QuizError  # noqa: E402
from quiz.records import CardState  # noqa: E402
from quiz.store import Store  # noqa: E402

GRADE_WEIGHTS = (1, 1, 2, 4, 6, 6)  # 0..5: mostly remembered, some lapses
DAY_START_HOUR, DAY_HOURS = 8, 14  # a day's grades are spread over 08:00-22:00


def history(
    n: int,
    card_ids: list[str],
    states: dict[str, CardState],
    last_day: date,
    days: int,
    seed: int,
) -> Iterator[dict[str, Any]]:
    """``n`` review rows over the ``days`` study days ending on ``last_day``.

    ``states`` are the cards' schedules in the database already: a card is reviewed
    on the days it is due by them, then by its own (mirrored) SM-2 schedule.
    """
    rng = random.Random(seed)
    state = {cid: states[cid].state if cid in states else sm2.SM2State() for cid in card_ids}
    due: dict[str, date | None] = {
        cid: states[cid].due if cid in states else None for cid in card_ids
    }
    days = max(1, min(days, n))
    first = last_day - timedelta(days=days - 1)
    made = 0
    for offset in range(days):
        day = first + timedelta(days=offset)
        quota = n * (offset + 1) // days - made
        plan: list[tuple[str, str, int]] = []
        for cid in card_ids:
            if due[cid] is None or due[cid] <= day:  # type: ignore[operator]
                grade = rng.choices(range(6), weights=GRADE_WEIGHTS)[0]
                plan.append((cid, "review", grade))
                state[cid] = sm2.review(state[cid], grade)
                due[cid] = day + timedelta(days=state[cid].interval)
                while grade < 4:  # SM-2's same-day rule: again until it is known
                    grade = rng.choices(range(6), weights=GRADE_WEIGHTS)[0]
                    plan.append((cid, "drill", grade))
        while len(plan) < quota:
            plan.append((rng.choice(card_ids), "practice", rng.choices(range(6), GRADE_WEIGHTS)[0]))
        plan = plan[:quota]
        start = datetime(day.year, day.month, day.day, DAY_START_HOUR).astimezone()
        step = DAY_HOURS * 3600 / max(1, len(plan))
        for i, (cid, mode, grade) in enumerate(plan):
            moment = start + timedelta(seconds=i * step)
            yield {
                "card_id": cid,
                "day": day,
                "ts_ms": to_ms(moment),
                "grade": grade,
                "mode": mode,
                "answer_ms": rng.randrange(5_000, 120_000),
            }
        made += len(plan)


def append_history(
    path: Path, n: int, *, days: int = 180, seed: int = 1, chunk: int = 50_000
) -> int:
    """Appends ``n`` synthetic reviews to the database at ``path``; returns the new total."""
    card_ids = [card.id for card in load_deck()]
    with Store.open(path) as store:
        yesterday = study_day(local_now()) - timedelta(days=1)
        rows = history(n, card_ids, store.card_states(), yesterday, days, seed)
        while store.append_reviews(islice(rows, chunk)):
            pass
        return store.review_count()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path, help="the database (created if missing)")
    parser.add_argument("n", type=int, help="how many reviews to append")
    parser.add_argument("--days", type=int, default=180, help="over how many days (180)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (1)")
    parser.add_argument("--chunk", type=int, default=50_000, help="rows per transaction (50000)")
    args = parser.parse_args()
    t0 = time.perf_counter()
    try:
        total = append_history(args.db, args.n, days=args.days, seed=args.seed, chunk=args.chunk)
    except QuizError as exc:
        print(f"make_history: error: {exc}", file=sys.stderr)
        return 1
    elapsed = time.perf_counter() - t0
    rate = args.n / elapsed if elapsed else float("inf")
    print(
        f"appended {args.n:,} reviews to {args.db} in {elapsed:.1f} s ({rate:,.0f} a second); "
        f"it now holds {total:,}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
