"""Practice: any cards, any time, logged as ``practice``; no schedule moves.

:class:`Practice` has the interface of today's :class:`~quiz.session.Session` queue
(:class:`~quiz.session.Queue`: ``current``, ``grade``, ``progress``, ``undo``), so
the review screen asks either without knowing which. :func:`weakest_first` is the
order "practise everything" uses.
"""

from __future__ import annotations

from collections.abc import Sequence

from quiz.deck import Card
from quiz.records import Review
from quiz.session import Graded, Item, Progress, Session, StaleGrade


def weakest_first(session: Session) -> list[Card]:
    """Every card of the deck, lowest easiness (then most lapses) first; cards never
    reviewed last, in deck order."""
    states = session.states()
    order = {card.id: i for i, card in enumerate(session.deck)}

    def key(card: Card) -> tuple[int, float, int, int]:
        state = states.get(card.id)
        if state is None:
            return (1, 0.0, 0, order[card.id])
        return (0, state.state.easiness, -state.lapses, order[card.id])

    return sorted(session.deck, key=key)


class Practice:
    """A run through ``cards`` in order, each graded once.

    Args:
        session: today's session: grades are logged through it, in ``practice`` mode.
        cards: the cards to go through (default: every card, :func:`weakest_first`).
    """

    def __init__(self, session: Session, cards: Sequence[Card] | None = None) -> None:
        self.session = session
        self.cards = tuple(cards) if cards else tuple(weakest_first(session))
        self.position = 0

    def current(self) -> Item | None:
        """The card to practise now, or None when the run is over."""
        if self.position >= len(self.cards):
            return None
        return Item(self.cards[self.position], "practice", self.session.today)

    def progress(self) -> Progress:
        """Cards left in the run (as ``due``) and practised so far (as ``done_today``)."""
        return Progress(
            due=len(self.cards) - self.position, new=0, drills=0, done_today=self.position
        )

    def grade(
        self, shown: Item, grade: int, answer: str = "", answer_ms: int | None = None
    ) -> Graded:
        """Logs a practice grade for the card shown and moves on to the next one.

        Raises:
            StaleGrade: ``shown`` is not the card this run is at.
        """
        current = self.current()
        if current is None or current.card is not shown.card:
            raise StaleGrade(shown.card.id, "the practice run moved on")
        review = self.session.practice(shown.card, grade, answer, answer_ms)
        self.position += 1
        return Graded(review, again_today=False, due=None)

    def undo(self) -> Review | None:
        """Takes back today's last grade; a practice grade of this run puts its card
        back in front of the run."""
        review = self.session.undo()
        if (
            review is not None
            and review.mode == "practice"
            and self.position > 0
            and self.cards[self.position - 1].id == review.card_id
        ):
            self.position -= 1
        return review
