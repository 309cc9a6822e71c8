"""How well the answer checker agrees with the labelled answers in this folder.

``tuning/`` holds the answers the card phrases were tuned on; ``heldout/`` holds answers
to five other cards, never looked at while tuning. ``fresh/`` holds three answers per card
(other words, partial, wrong) written in another voice after the tuning was done, and
measured as they are: it estimates how the checker does on answers its author did not
tune on. Each file is one card's answers, each labelled with its kind and the key points
(counted from 1) it really makes.

    python tests/answers/measure.py            # both parts: P/R/F1 and grades by kind
    python tests/answers/measure.py --show     # and every tuning answer the checker gets wrong

Goals (issue 15): tick F1 >= 0.85; no wrong-but-wordy answer or keyword dump suggested 3 or
more; on every card, each correct answer (complete, other words) suggested strictly more
than each wrong one (wrong, keywords).
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
KINDS = ("complete", "other-words", "partial", "one-liner", "wrong", "keywords")
CORRECT = ("complete", "other-words")
WRONG = ("wrong", "keywords")
PARTS = ("tuning", "heldout")  # each has every kind for each of its cards
FRESH = "fresh"
GOAL_F1 = 0.85


@dataclass(frozen=True)
class Answer:
    card: str
    kind: str
    points: frozenset[int]  # counted from 1
    text: str
    source: str


@dataclass
class Report:
    part: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    grades: dict[str, list[int | None]] = field(default_factory=lambda: {k: [] for k in KINDS})
    problems: list[str] = field(default_factory=list)  # goals not met, one line each
    misses: list[str] = field(default_factory=list)  # answers whose ticks are off

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def lines(self, details: bool = True) -> list[str]:
        out = [
            f"{self.part}: {sum(len(g) for g in self.grades.values())} answers, ticks "
            f"P {self.precision:.3f} R {self.recall:.3f} F1 {self.f1:.3f} "
            f"(tp {self.tp}, fp {self.fp}, fn {self.fn})"
        ]
        for kind in KINDS:
            grades = self.grades[kind]
            known = [g for g in grades if g is not None]
            mean = sum(known) / len(known) if known else float("nan")
            shown = " ".join("-" if g is None else str(g) for g in grades)
            out.append(f"  {kind:<12} mean {mean:.2f}  [{shown}]")
        out.append("  goals: " + ("met" if not self.problems else f"{len(self.problems)} not met"))
        if details:
            out += [f"    {p}" for p in self.problems]
        return out


def load(part: str) -> list[Answer]:
    """The labelled answers of one part."""
    answers = []
    for path in sorted((HERE / part).glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for i, raw in enumerate(data["answers"]):
            if raw["kind"] not in KINDS:
                raise ValueError(f"{path.name}: answer {i + 1} has kind {raw['kind']!r}")
            answers.append(
                Answer(
                    data["card"],
                    raw["kind"],
                    frozenset(raw["points"]),
                    raw["text"],
                    f"{part}/{path.name}#{i + 1}",
                )
            )
    return answers


def measure(part: str) -> Report:
    """Checks every answer of ``part`` and compares ticks and grades with the labels."""
    from quiz.checker import check_answer
    from quiz.deck import load_deck

    deck = load_deck(ROOT / "content")
    report = Report(part)
    by_card: dict[str, list[tuple[str, int | None]]] = {}
    for answer in load(part):
        card = deck.get(answer.card)
        if card is None:
            raise ValueError(f"{answer.source}: no card {answer.card!r}")
        result = check_answer(card, answer.text)
        ticked = {i + 1 for i, made in enumerate(result.made) if made}
        report.tp += len(ticked & answer.points)
        report.fp += len(ticked - answer.points)
        report.fn += len(answer.points - ticked)
        grade = result.suggested_grade
        report.grades[answer.kind].append(grade)
        by_card.setdefault(answer.card, []).append((answer.kind, grade))
        if answer.kind in WRONG and grade is not None and grade >= 3:
            report.problems.append(f"{answer.source} ({answer.kind}) suggested {grade}")
        if ticked != answer.points:
            claims = "; ".join(m.claim for m in result.misconceptions)
            report.misses.append(
                f"{answer.source} {answer.kind}: ticked {sorted(ticked)}, labelled "
                f"{sorted(answer.points)}, grade {grade}"
                + (f", misconceptions: {claims}" if claims else "")
            )
    for card_id, graded in by_card.items():
        right = [g or 0 for k, g in graded if k in CORRECT]
        wrong = [g or 0 for k, g in graded if k in WRONG]
        if right and wrong and min(right) <= max(wrong):
            report.problems.append(
                f"{card_id}: correct answers suggested {right}, wrong ones {wrong}"
            )
    if report.f1 < GOAL_F1:
        report.problems.append(f"F1 {report.f1:.3f} < {GOAL_F1}")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--show", action="store_true", help="list the tuning answers whose ticks are off"
    )
    parser.add_argument(
        "--all", action="store_true", help="also name the held-out answers that miss a goal"
    )
    args = parser.parse_args(argv)
    failed = False
    for part in (*PARTS, FRESH):
        report = measure(part)
        # The held-out part's answers are never shown while tuning: figures only.
        print("\n".join(report.lines(details=part == "tuning" or args.all)))
        if args.show and part == "tuning":
            print("\n".join(f"  ~ {m}" for m in report.misses))
        failed |= bool(report.problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
