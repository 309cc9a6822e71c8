"""Opening the progress screen on a long history: from the key press until its figures
are drawn, against opening the browse screen in the same run (both headless, 80x24).

    python tests/perf/bench_progress.py [--reviews N | --db DB] [--runs R]

Prints figures; asserts nothing. Goal: under 1 s with 1,000,000 reviews.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
for entry in (str(ROOT), str(Path(__file__).resolve().parent)):
    if entry not in sys.path:
        sys.path.insert(0, entry)

from make_history import append_history  # noqa: E402

from quiz.deck import load_deck  # noqa: E402
from quiz.session import Session  # noqa: E402
from quiz.store import Store  # noqa: E402

GOAL_S = 1.0


async def open_screen(db: Path, key: str) -> float:
    from quiz.tui.app import QuizApp

    with Store.open(db) as store:
        app = QuizApp(Session(store, load_deck()))
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("escape")  # out of the answer box: keys are commands
            await pilot.pause()
            start = time.perf_counter()
            await pilot.press(key)
            await pilot.pause()
            elapsed = time.perf_counter() - start
            await pilot.press("escape")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, help="a history to copy instead of making one")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "q.db"
        if args.db:
            shutil.copy(args.db, db)
        else:
            print(f"Making a history of {args.reviews:,} reviews...")
            append_history(db, args.reviews)
        with Store.open(db) as store:
            count = store.review_count()
        timings: dict[str, list[float]] = {"browse (b)": [], "progress (s)": []}
        for _ in range(args.runs):
            for label, key in (("browse (b)", "b"), ("progress (s)", "s")):
                timings[label].append(asyncio.run(open_screen(db, key)))
        base = statistics.median(timings["browse (b)"])
        print(f"\nOpening a screen on {count:,} reviews, {args.runs} runs (median, best):")
        for label, values in timings.items():
            median = statistics.median(values)
            print(
                f"  {label:<14} {median:6.3f} s  {min(values):6.3f} s  {median / base:5.2f}x browse"
            )
        progress = statistics.median(timings["progress (s)"])
        verdict = "meets it" if progress < GOAL_S else "misses it"
        print(f"  goal: under {GOAL_S:g} s: {verdict} ({progress:.3f} s)")


if __name__ == "__main__":
    main()
