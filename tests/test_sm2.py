"""SM-2: the golden vectors of the design, grade validation, and invariants."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quiz.sm2 import SM2State, review

GOLDEN = [
    ("4444444", [1, 6, 15, 38, 95, 238, 595], 2.5),
    ("555555", [1, 6, 17, 48, 140, 420], 3.1),
    ("3333333", [1, 6, 14, 30, 59, 107, 178], 1.52),
    ("44422444", [1, 6, 15, 1, 1, 1, 6, 12], 1.86),
    ("0444", [1, 1, 6, 11], 1.7),
    ("00553", [1, 1, 1, 6, 9], 1.36),
]


@pytest.mark.parametrize(("grades", "intervals", "easiness"), GOLDEN)
def test_golden_vectors(grades: str, intervals: list[int], easiness: float) -> None:
    state = SM2State()
    seen = []
    for g in grades:
        state = review(state, int(g))
        seen.append(state.interval)
    assert seen == intervals
    assert state.easiness == easiness


@pytest.mark.parametrize("bad", [6, -1, 2.5, True, False, "4", None, 4.0])
def test_grade_must_be_an_int_from_0_to_5(bad: object) -> None:
    with pytest.raises(ValueError):
        review(SM2State(), bad)  # type: ignore[arg-type]


def test_review_is_pure() -> None:
    state = SM2State(2.36, 6, 2)
    assert review(state, 4) == review(state, 4)
    assert state == SM2State(2.36, 6, 2)


grades = st.lists(st.integers(0, 5), min_size=1, max_size=40)


def replay(seq: list[int]) -> list[SM2State]:
    states = [SM2State()]
    for g in seq:
        states.append(review(states[-1], g))
    return states


@given(grades)
def test_easiness_never_below_1_3_and_interval_at_least_1(seq: list[int]) -> None:
    for state in replay(seq)[1:]:
        assert state.easiness >= 1.3
        assert state.interval >= 1
        assert state.easiness == state.easiness_x100 / 100  # whole hundredths, no drift


@given(grades, st.integers(0, 2))
def test_a_failure_always_resets_to_one_day(seq: list[int], fail: int) -> None:
    after = review(replay(seq)[-1], fail)
    assert after.interval == 1
    assert after.repetitions == 0


@given(st.lists(st.integers(3, 5), min_size=2, max_size=30), grades)
def test_intervals_never_shrink_across_successful_reviews(
    seq: list[int], prefix: list[int]
) -> None:
    states = replay(prefix + seq)[len(prefix) + 1 :]
    intervals = [s.interval for s in states]
    assert intervals == sorted(intervals)
