"""The answer checker: concepts, not substrings; negation; misconceptions; the grade."""

from __future__ import annotations

from pathlib import Path

import pytest

from quiz.checker import check_answer, point_made, suggest
from quiz.deck import Card, Deck, KeyPoint, Misconception


def card(points: list[list[str]], wrong: list[tuple[list[str], list[int]]] = ()) -> Card:  # type: ignore[assignment]
    return Card(
        id="c",
        number=1,
        title="t",
        question="q?",
        demo="",
        key_points=tuple(KeyPoint(f"point {i}", (), tuple(p)) for i, p in enumerate(points)),
        references=(),
        body="b",
        path=Path("c.md"),
        misconceptions=tuple(
            Misconception(f"claim {i}", tuple(p), f"fix {i}", tuple(c))
            for i, (p, c) in enumerate(wrong)
        ),
    )


def made(c: Card, answer: str) -> list[bool]:
    return check_answer(c, answer).made


@pytest.mark.parametrize(
    ("phrase", "answer", "expected"),
    [
        ("nan", "the dominant term", False),
        ("compute", "it is used in computer vision", False),
        ("mean", "the meaning of it is clear", False),
        ("sum to 1", "the outputs sums to 1 here", True),
        ("mini-batch", "we use a mini batch of data", True),
        ("mini-batch", "we use minibatches of data", True),
        ("layers", "there is one hidden layer here", True),
        ("update the weights", "it updated the weights", True),
        ("normalise", "we normalize it and then", True),
        ("regularisation", "we add regularization to it", True),
        ("optimiser", "the optimizers do it", True),
        ("p - y", "the gradient is p − y for it", True),
        ("1/(1 - p)", "the survivors are scaled by 1/(1−p) here", True),
        ("probabilities minus the (one-hot )?target", "it is probabilities minus the target", True),
        ("backprop* ... weights", "backpropagation then changes all the weights", True),
        ("backprop* ... weights", "backpropagation ends. The weights are changed", False),
        ("stop", "it stopped learning", True),
    ],
)
def test_phrases_match_concepts_not_substrings(phrase: str, answer: str, expected: bool) -> None:
    assert made(card([[phrase]]), answer) == [expected]


def test_a_negation_before_a_phrase_unmakes_it() -> None:
    c = card([["update the weights"]])
    assert made(c, "Backprop does not update the weights.") == [False]
    assert made(c, "Backprop doesn't update the weights.") == [False]
    assert made(c, "It never updates the weights.") == [False]
    assert made(c, "It is not only that; the optimiser updates the weights.") == [True]
    assert made(c, "It computes gradients, and the optimiser updates the weights.") == [True]


def test_a_phrase_that_says_not_is_taken_as_written() -> None:
    c = card([["(does not|doesn't) update the weights", "only computes (the )?gradients"]])
    assert made(c, "backprop does not update the weights") == [True]
    assert made(c, "backprop only computes gradients; the optimiser updates") == [True]
    assert made(c, "backprop updates the weights") == [False]


def test_a_misconception_vetoes_its_points_and_caps_the_grade() -> None:
    c = card(
        [["computes (the )?gradient"], ["chain rule"]],
        [(["backprop* ... update* ... weights"], [1])],
    )
    result = check_answer(
        c, "With the chain rule, backprop computes the gradient and updates the weights."
    )
    assert result.made == [False, True]
    assert (
        result.points[0].vetoed_by == (0,) and result.points[0].evidence == "computes the gradient"
    )
    [wrong] = result.misconceptions
    assert (wrong.claim, wrong.correction, wrong.contradicts) == ("claim 0", "fix 0", (1,))
    assert wrong.evidence.startswith("backprop")
    assert result.suggested_grade == 2
    # Negated, the same words are no misconception.
    result = check_answer(
        c, "Backprop computes the gradient with the chain rule; it does not update the weights."
    )
    assert result.made == [True, True] and not result.misconceptions and result.suggested_grade == 5


def test_a_list_of_words_makes_no_point_and_gets_at_most_two() -> None:
    c = card([["energy"], ["gibbs"], ["likelihood"]])
    result = check_answer(c, "energy stochastic rbm likelihood gibbs")
    assert not result.has_sentence and result.made == [False, False, False]
    assert result.suggested_grade == 1
    assert (
        check_answer(
            c, "It is energy based and trained by likelihood with Gibbs sampling."
        ).suggested_grade
        == 5
    )


def test_the_evidence_is_the_answers_own_text() -> None:
    result = check_answer(card([["p - y"]]), "The gradient is P − Y, simply.")
    assert result.points[0].evidence == "P − Y"
    start, end = result.points[0].span  # type: ignore[misc]
    assert "The gradient is P − Y, simply."[start:end] == "P − Y"


def test_an_empty_answer_suggests_nothing() -> None:
    assert check_answer(card([["x"]]), "  \n").suggested_grade is None


@pytest.mark.parametrize(
    ("made_", "wrong", "sentence", "grade"),
    [
        ([True] * 4, False, True, 5),
        ([True, True, True, False], False, True, 4),
        ([True, True, False, False], False, True, 3),
        ([True, False, False, False], False, True, 2),
        ([False] * 4, False, True, 1),
        ([True] * 4, True, True, 2),
        ([True] * 4, False, False, 2),
    ],
)
def test_the_grade_follows_the_share_of_points(
    made_: list[bool], wrong: bool, sentence: bool, grade: int
) -> None:
    assert suggest(made_, wrong, sentence) == grade


def test_flipping_a_tick_regrades() -> None:
    c = card([["alpha"], ["beta"]])
    result = check_answer(c, "It is about alpha, I think.")
    assert result.suggested_grade == 3
    assert result.regrade([True, True]) == 5
    assert result.to_json() == {
        "points": [True, False],
        "matched": ["alpha", None],
        "misconceptions": [],
        "suggested_grade": 3,
    }


def test_old_keywords_match_from_the_start_of_a_word() -> None:
    point = KeyPoint("p", ("probabilit", "nan"))
    assert point_made(point, "probabilities")
    assert not point_made(point, "a dominant term")


@pytest.mark.parametrize(
    ("phrase", "problem"),
    [
        ("gpus?", "'?' that does not follow ')'"),
        ("h_{t-1}", "brackets in answers are ignored"),
        ("(clash|conflict)*", "put it on each word"),
        ("(a|b", "never closed"),
        ("a|b", "outside brackets"),
        ("(a||b)", "empty alternative"),
        ("  ", "is empty"),
    ],
)
def test_a_phrase_that_cannot_work_is_refused(phrase: str, problem: str) -> None:
    from quiz.phrases import syntax_error

    assert problem in (syntax_error(phrase) or "")


@pytest.mark.parametrize(
    ("card_id", "answer", "made", "claim"),
    [
        ("boltzmann-machine", "energy stochastic rbm likelihood gibbs", [], None),
        ("backpropagation", "Backprop updates the weights.", [], "Backprop updates the weights"),
        (
            "backpropagation",
            "Backprop computes the gradient with the chain rule and then updates the weights.",
            [1, 2],
            "Backprop updates the weights",
        ),
        (
            "backpropagation",
            "Backprop only computes gradients; the optimiser updates.",
            [1, 4],
            None,
        ),
        (
            "boltzmann-machine",
            "Nodes are linked across layers, but no nodes in the same layer are linked.",
            [],
            "Units in the same layer are never connected",
        ),
        (
            "gradient-descent",
            "The goal is to find a function's local-global minima.",
            [],
            "It finds the global minimum",
        ),
    ],
)
def test_the_issues_examples_on_the_shipped_cards(
    deck: Deck, card_id: str, answer: str, made: list[int], claim: str | None
) -> None:
    card = deck.get(card_id)
    assert card is not None
    result = check_answer(card, answer)
    assert [i + 1 for i, m in enumerate(result.made) if m] == made
    if claim is None:
        assert not result.misconceptions
    else:
        assert any(m.claim.startswith(claim) for m in result.misconceptions)
        assert result.suggested_grade is not None and result.suggested_grade <= 2
