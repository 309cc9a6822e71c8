"""The answer checker against the labelled answers (tests/answers): the goals of issue 15
hold on the part the card phrases were tuned on, on the held-out part, and on the fresh
answers written after tuning."""

from __future__ import annotations

import pytest
from answers.measure import CORRECT, FRESH, KINDS, PARTS, WRONG, load, measure


@pytest.mark.parametrize("part", PARTS)
def test_the_answer_set_is_complete(part: str) -> None:
    by_card: dict[str, set[str]] = {}
    for answer in load(part):
        by_card.setdefault(answer.card, set()).add(answer.kind)
    assert by_card
    for card, kinds in by_card.items():
        assert kinds == set(KINDS), card


@pytest.mark.parametrize("part", [*PARTS, FRESH])
def test_the_checker_meets_its_goals(part: str) -> None:
    report = measure(part)
    print("\n".join(report.lines()))  # the figures, with -s
    assert report.f1 >= 0.85
    for kind in WRONG:
        assert all(g is None or g < 3 for g in report.grades[kind]), kind
    assert not report.problems, report.problems
    assert all(g is not None for kind in CORRECT for g in report.grades[kind])
