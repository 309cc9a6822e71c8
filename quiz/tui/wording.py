"""The one-line results the screens show after a grade or an undo."""

from __future__ import annotations

from datetime import date

from quiz.days import in_days
from quiz.deck import Deck
from quiz.records import Review
from quiz.session import Graded


def next_review_text(days: int, due: date) -> str:
    """When a card comes back, in words and as a date: "in 13 days (Mon 14 Dec)"."""
    return f"{in_days(days)} ({due:%a %-d %b})"


def graded_text(grade: int, result: Graded) -> str:
    """What a grade did: "✓ Graded 4: next review in 6 days (Mon 7 Dec)"."""
    if result.due is None or result.days is None:
        return f"✓ Practice grade {grade} logged; schedule unchanged"
    when = next_review_text(result.days, result.due)
    if not result.again_today:
        return f"✓ Graded {grade}: next review {when}"
    if result.review.mode == "review":
        return f"✓ Graded {grade}: back later today, then {when}"
    return f"✓ Graded {grade}: back later today"


def undone_text(review: Review, deck: Deck) -> str:
    """What an undo did: "↶ Undid grade 3 for “Backpropagation”"."""
    card = deck.get(review.card_id)
    title = card.title if card else review.card_id
    if not review.is_grade:
        what = {"bury": "burial", "unsuspend": "unsuspension"}.get(review.mode, "suspension")
        return f"↶ Undid the {what} of “{title}”"
    return f"↶ Undid grade {review.grade} for “{title}”"


def mark_text(mode: str, title: str) -> str:
    """What ``!`` or ``-`` did: "⏸ Suspended “Backpropagation” · u undoes"."""
    what = {
        "suspend": "⏸ Suspended",
        "unsuspend": "▶ Unsuspended",
        "bury": "⤓ Buried until the next study day:",
    }.get(mode, mode)
    return f"{what} “{title}” · u undoes"


def leech_text(title: str, lapses: int) -> str:
    """What a grade that made a leech did (the hint line under the next card)."""
    return f"⚠ “{title}” lapsed {lapses} times: a leech, tagged leech and suspended · u undoes"
