"""Practice: a queue with the daily session's interface that never moves a schedule."""

from __future__ import annotations

import pytest

from quiz.deck import Deck
from quiz.practice import Practice, weakest_first
from quiz.session import Session, StaleGrade


def test_practice_goes_through_its_cards_in_order_and_moves_no_schedule(
    session: Session, deck: Deck
) -> None:
    cards = [deck.cards[2], deck.cards[0]]
    run = Practice(session, cards)
    seen: list[str] = []
    while (item := run.current()) is not None:
        assert item.mode == "practice"
        assert run.progress().left == len(cards) - len(seen)
        result = run.grade(item, 4, "an answer", 1200)
        assert result.due is None and result.days is None and not result.again_today
        seen.append(item.card.id)
    assert seen == [deck.cards[2].id, deck.cards[0].id]
    assert run.progress().done_today == 2
    assert session.states() == {}  # no schedule moved
    assert [r.mode for r in session.store.reviews_on(session.today)] == ["practice"] * 2


def test_a_grade_for_a_card_the_run_has_left_is_refused(session: Session, deck: Deck) -> None:
    run = Practice(session, [deck.cards[0], deck.cards[1]])
    first = run.current()
    assert first is not None
    run.grade(first, 5)
    with pytest.raises(StaleGrade):
        run.grade(first, 5)  # shown once, graded twice (a double key press)
    assert session.store.review_count() == 1


def test_undo_puts_the_practised_card_back_in_front(session: Session, deck: Deck) -> None:
    run = Practice(session, [deck.cards[0], deck.cards[1]])
    first = run.current()
    assert first is not None
    run.grade(first, 1)
    undone = run.undo()
    assert undone is not None and undone.card_id == deck.cards[0].id
    again = run.current()
    assert again is not None and again.card is deck.cards[0]
    assert session.store.review_count() == 0


def test_weakest_first_orders_by_easiness_then_lapses_and_puts_new_cards_last(
    session: Session, deck: Deck
) -> None:
    easy, hard = deck.cards[0], deck.cards[1]
    session.grade(easy.id, 5)
    session.grade(hard.id, 3)  # a lower easiness than a 5
    order = weakest_first(session)
    assert [c.id for c in order[:2]] == [hard.id, easy.id]
    assert [c.id for c in order[2:]] == [c.id for c in deck.cards[2:]]
