"""The answer checker: how long a check takes, what it costs on the path to the first card,
and how well it agrees with the labelled answers.

Run by hand (pytest does not collect it)::

    python tests/perf/bench_checker.py [-n 200]

- time per check: :func:`quiz.checker.check_answer` on the card with the most phrases,
  for the longest labelled answer and for a long typed answer (the labelled answers of
  every card joined, some 10,000 characters), ``-n`` times each after one warm-up check;
  the first check of a card, which compiles its phrases, is reported on its own;
- the path to the first card: whether importing the app and loading the deck imports
  the checker or compiles a phrase (it must do neither), in a fresh interpreter;
- agreement: tick precision/recall/F1 and suggested grades by kind, for the tuning and
  the held-out answers (tests/answers/measure.py).

The goal (issue 15): a check under 30 ms. The script reports; it never fails.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
for entry in (str(ROOT), str(ROOT / "tests")):
    if entry not in sys.path:
        sys.path.insert(0, entry)

from answers.measure import PARTS, load, measure  # noqa: E402

from quiz import checker  # noqa: E402
from quiz.deck import Card, load_deck  # noqa: E402

GOAL_MS = 30.0

FIRST_CARD = """
import sys
from quiz.deck import load_deck
from quiz.tui.app import QuizApp
deck = load_deck()
print("quiz.checker" in sys.modules)
"""


def phrase_count(card: Card) -> int:
    return sum(len(p.phrases) + len(p.keywords) for p in card.key_points) + sum(
        len(m.phrases) for m in card.misconceptions
    )


def timed(card: Card, text: str, n: int) -> tuple[float, float, float]:
    """p50, p99 (or max, for fewer than 100 runs) and max of ``n`` checks, in ms."""
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        checker.check_answer(card, text)
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(n - 1, int(n * 0.99))], samples[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=200, help="checks per figure")
    args = parser.parse_args()
    deck = load_deck(ROOT / "content")
    card = max(deck, key=phrase_count)
    answers = [a for part in PARTS for a in load(part)]
    own = [a.text for a in answers if a.card == card.id]
    longest = max(own, key=len)
    huge = "\n".join(a.text for a in answers)

    start = time.perf_counter()
    checker.check_answer(card, longest)
    first = (time.perf_counter() - start) * 1000
    print(f"card with the most phrases: {card.id} ({phrase_count(card)} phrases)")
    print(f"first check (compiles the card's phrases): {first:.1f} ms")
    for label, text in (
        (f"longest labelled answer ({len(longest)} chars)", longest),
        (f"every labelled answer joined ({len(huge)} chars)", huge),
    ):
        p50, p99, worst = timed(card, text, args.n)
        verdict = "met" if p99 < GOAL_MS else "NOT met"
        print(f"{label}: p50 {p50:.2f} ms, p99 {p99:.2f} ms, max {worst:.2f} ms ({verdict})")
    every = []
    for other in deck:
        start = time.perf_counter()
        checker.compile_card(other)
        every.append((time.perf_counter() - start) * 1000)
    print(
        f"compiling the other cards: {sum(every):.1f} ms in all, at most {max(every):.1f} ms "
        "for one (done once per card, on its first check)"
    )

    out = subprocess.run(
        [sys.executable, "-c", FIRST_CARD],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": ""},
        check=False,
    )
    print(f"path to the first card imports the checker: {out.stdout.strip() or out.stderr}")
    for part in PARTS:
        print("\n".join(measure(part).lines(details=False)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
