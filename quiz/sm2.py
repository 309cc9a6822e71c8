"""SM-2 as a pure function: SuperMemo's 1990 algorithm, with exact arithmetic.

The variant is the one of SuperMemo's reference Pascal code (and of the
``supermemo2`` package). In order:

1. ``grade`` must be an ``int`` from 0 to 5 (``bool`` is refused).
2. A grade below 3 resets ``repetitions`` to 0 and ``interval`` to 1. Otherwise the
   interval is 1 after the first success, 6 after the second, and then
   ``ceil(interval * EF)`` with the E-Factor from *before* this review.
3. ``EF' = EF + (0.1 - (5 - g) * (0.08 + (5 - g) * 0.02))``, floored at 1.3, after
   every grade (failures included).

The E-Factor is kept in integer hundredths: float arithmetic turns ``ceil(140 * 3.0)``
into 421 days by accident.
"""

from __future__ import annotations

from quiz.frozen import frozen

MIN_EF_X100 = 130

GRADE_MEANINGS = {
    5: "perfect",
    4: "correct, after a pause",
    3: "correct, with serious difficulty",
    2: "wrong, but the answer felt familiar",
    1: "wrong, remembered on seeing it",
    0: "blackout",
}
"""What each grade of SM-2's 0-5 scale means: the one wording screens and help use."""

GRADE_WORDS = {5: "perfect", 4: "hesitant", 3: "hard", 2: "familiar", 1: "wrong", 0: "blackout"}
"""One word per grade, where a line has no room for :data:`GRADE_MEANINGS`."""


@frozen
class SM2State:
    """The scheduling state of one card.

    Attributes:
        easiness: the E-Factor; always a multiple of 0.01.
        interval: days from this review to the next one.
        repetitions: successful reviews (grade >= 3) in a row.
    """

    easiness: float = 2.5
    interval: int = 0
    repetitions: int = 0

    @property
    def easiness_x100(self) -> int:
        """The E-Factor in integer hundredths, the unit the arithmetic uses."""
        return round(self.easiness * 100)

    @classmethod
    def from_x100(cls, easiness_x100: int, interval: int, repetitions: int) -> SM2State:
        """Builds a state from an E-Factor given in integer hundredths."""
        return cls(easiness_x100 / 100, interval, repetitions)


def ef_change_x100(grade: int) -> int:
    """The E-Factor change for ``grade``, in hundredths: +10 for 5 down to -80 for 0."""
    q = 5 - grade
    return 10 - q * (8 + q * 2)


def check_grade(grade: object) -> int:
    """Returns ``grade`` if it is an int from 0 to 5, else raises ValueError."""
    if type(grade) is not int or not 0 <= grade <= 5:
        raise ValueError(f"grade must be an int from 0 to 5, not {grade!r}")
    return grade


def review(state: SM2State, grade: int) -> SM2State:
    """Applies one graded review to ``state`` and returns the next state.

    Args:
        state: the card's state before this review.
        grade: the self-grade, 0 (blackout) to 5 (perfect).

    Returns:
        The state after the review; ``interval`` is the days until the next one.

    Raises:
        ValueError: ``grade`` is not an int from 0 to 5.
    """
    check_grade(grade)
    ef = state.easiness_x100
    if grade < 3:
        repetitions, interval = 0, 1
    else:
        if state.repetitions == 0:
            interval = 1
        elif state.repetitions == 1:
            interval = 6
        else:
            interval = -(-state.interval * ef // 100)  # ceil, in integers
        repetitions = state.repetitions + 1
    ef = max(MIN_EF_X100, ef + ef_change_x100(grade))
    return SM2State.from_x100(ef, interval, repetitions)
