"""The plural helper shared by the command line and the TUI."""

from __future__ import annotations

import pytest

from quiz.text import plural


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, "0 days"), (1, "1 day"), (2, "2 days"), (-1, "-1 day"), (-2, "-2 days"), (21, "21 days")],
)
def test_plural(count: int, expected: str) -> None:
    assert plural(count, "day") == expected


def test_an_irregular_plural() -> None:
    assert plural(1, "mouse", "mice") == "1 mouse"
    assert plural(3, "mouse", "mice") == "3 mice"
