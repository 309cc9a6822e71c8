"""Browse's search in memory: when a search typed on may go over only what the last
one kept (quiz.browsing.narrows)."""

from __future__ import annotations

import pytest

from quiz.browsing import narrows


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ("", "g", True),  # the first letter: every row the filters keep
        ("gra", "grad", True),  # a letter typed on
        ("grad", "grad des", True),  # a second word
        ("GRAD", "gradient", True),  # any case
        ("grad des", "des grad", True),  # the words in another order
        ("grad des", "gradient", False),  # a word deleted: more rows again
        ("grad", "gra", False),  # a backspace
        ("grad", "rad", False),
        ("grad", "", False),  # cleared
    ],
)
def test_narrows(before: str, after: str, expected: bool) -> None:
    assert narrows(before, after) is expected
