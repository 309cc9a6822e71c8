"""Predict cards (issue 17): each one's demo, run with its preset, bears out exactly one
of its choices; the rules that read a typed choice and a metric."""

from __future__ import annotations

import pytest

from quiz.deck import Card, Deck
from quiz.predict import choice_of, holds, right_choice


def predict_cards(deck: Deck) -> list[Card]:
    return [c for c in deck if c.kind == "predict"]


def test_the_deck_has_predict_cards(full_deck: Deck) -> None:
    assert len(predict_cards(full_deck)) >= 5


def test_each_predict_card_is_decided_by_its_demo(full_deck: Deck) -> None:
    """Runs each card's demo in-process with its preset: the demo succeeds, reports the
    card's metric, and exactly one choice holds for the value it reports."""
    import solvers
    from solvers.cli import execute
    from solvers.params import resolve

    for card in predict_cards(full_deck):
        assert card.predict is not None
        module = solvers.load(card.demo)
        values = resolve(module.PARAMS, card.demo_settings())
        done = list(execute(module, values))[-1]
        assert done["type"] == "done" and done["ok"], (card.id, done)
        metrics = done["metrics"]
        assert card.predict.metric in metrics, (card.id, sorted(metrics))
        value = metrics[card.predict.metric]
        holding = [i for i, c in enumerate(card.predict.choices) if holds(c.when, value)]
        assert len(holding) == 1, (card.id, value, holding)
        assert right_choice(card, metrics) == holding[0]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("a", 0),
        ("B", 1),
        (" b) ", 1),
        ("(a)", 0),
        ("2", 1),
        ("c", None),
        ("maybe", None),
        ("", None),
    ],
)
def test_a_typed_choice_is_read_by_letter_number_or_text(
    full_deck: Deck, typed: str, expected: int | None
) -> None:
    card = next(c for c in predict_cards(full_deck) if c.predict and len(c.predict.choices) == 2)
    assert choice_of(card, typed) == expected


def test_conditions() -> None:
    assert holds(True, True) and not holds(True, False) and not holds(True, 1)
    assert holds(("below", 0.5, 0.0), 0.4) and not holds(("below", 0.5, 0.0), 0.5)
    assert holds(("above", 100.0, 0.0), 405.0) and not holds(("above", 100.0, 0.0), float("nan"))
    assert holds(("between", 0.5, 2.0), 1.0) and not holds(("between", 0.5, 2.0), 2.5)
    assert not holds(("below", 1.0, 0.0), True)  # a bool is not a number here
