"""Predict cards: the person commits to what a demo will do, the demo runs with the
card's preset parameters, and its own result decides which choice was right.

Pure functions over a card and the demo's ``done`` metrics; running the demo is the
caller's (the review screen runs it in its own process, :mod:`quiz.runner`).
"""

from __future__ import annotations

import math
import re
from typing import Any

from quiz.deck import Card, Condition

LETTERS = "abcdefgh"


def letter(index: int) -> str:
    """The letter a choice is picked by: a, b, c..."""
    return LETTERS[index]


def choice_of(card: Card, typed: str) -> int | None:
    """The choice a typed answer picks: its letter ("b", "b)", "(b)"), its number
    ("2"), or its text; None when it picks none (or the card predicts nothing)."""
    if card.predict is None:
        return None
    text = typed.strip().lower()
    count = len(card.predict.choices)
    found = re.fullmatch(r"\(?([a-h])[).:]?", text) or re.match(r"\(?([a-h])[).:]\s", text)
    if found and LETTERS.index(found.group(1)) < count:
        return LETTERS.index(found.group(1))
    if text.isdigit() and 1 <= int(text) <= count:
        return int(text) - 1
    for i, choice in enumerate(card.predict.choices):
        if text and text == choice.text.strip().lower():
            return i
    return None


def holds(condition: Condition, value: Any) -> bool:
    """Whether a metric's ``value`` meets a choice's ``condition``."""
    if isinstance(condition, bool):
        return isinstance(value, bool) and value is condition
    if isinstance(condition, str):
        return isinstance(value, str) and value == condition
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return False
    test, low, high = condition
    if test == "below":
        return value < low
    if test == "above":
        return value > low
    return low <= value <= high


def right_choice(card: Card, metrics: dict[str, Any]) -> int | None:
    """The first choice the demo's ``metrics`` bear out; None when none does (or the
    metric is missing: a demo that changed, which the deck's tests catch)."""
    if card.predict is None or card.predict.metric not in metrics:
        return None
    value = metrics[card.predict.metric]
    return next((i for i, c in enumerate(card.predict.choices) if holds(c.when, value)), None)


def choices_text(card: Card) -> str:
    """The choices as the question shows them: "a) ...", one a line."""
    if card.predict is None:
        return ""
    return "\n".join(f"{letter(i)}) {c.text}" for i, c in enumerate(card.predict.choices))
