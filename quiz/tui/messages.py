"""What screens ask of the app: each screen reports up with one of these, and the
app (:class:`quiz.tui.app.QuizApp`) handles them all in one place. No screen imports
the app."""

from __future__ import annotations

from collections.abc import Sequence

from textual.message import Message

from quiz.deck import Card


class ShowToday(Message):
    """Show what today's session asks now: its next card, or the end of the day.

    Attributes:
        status: a one-line result of what was just done, for the next card's hint
            line ("✓ Graded 4: next review in 6 days").
    """

    def __init__(self, status: str = "") -> None:
        super().__init__()
        self.status = status


class ScreenReady(Message):
    """The screen the app held the keys for (:meth:`quiz.tui.app.QuizApp.hold_keys`)
    is built: the keys read meanwhile can go to it."""


class UndoRequested(Message):
    """Take back today's last grade and ask that card again."""


class PracticeRequested(Message):
    """Practise these cards (None: every card, weakest first); no schedule moves."""

    def __init__(self, cards: Sequence[Card] | None = None) -> None:
        super().__init__()
        self.cards = cards


class PracticeOver(Message):
    """A practice run went through its last card.

    Attributes:
        status: the result of its last grade.
    """

    def __init__(self, status: str = "") -> None:
        super().__init__()
        self.status = status


class BrowseRequested(Message):
    """Show every topic."""


class InterviewChanged(Message):
    """The interview date was set or cleared: figures on screen may have moved."""


class WriteCard(Message):
    """Write a card of one's own in $EDITOR: a new one (None), or this one (a built-in
    card is copied into the user's folder as an override)."""

    def __init__(self, card: Card | None = None) -> None:
        super().__init__()
        self.card = card


class CardsChanged(Message):
    """The deck was read again (a card added or edited): lists on screen may change."""
