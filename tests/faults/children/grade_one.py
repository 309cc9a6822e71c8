"""Grades the first card of today's session; a refused grade is printed as its one-line
message, with exit status 1.

Usage: python grade_one.py DB CONTENT
"""

from __future__ import annotations

import sys
from pathlib import Path

from quiz.deck import load_deck
from quiz.errors import QuizError
from quiz.session import Session
from quiz.store import Store


def main(db: str, content: Path) -> int:
    session = Session(Store.open(db), load_deck(content))
    try:
        item = session.current()
        assert item is not None, "no card is due"
        session.grade(item.card.id, 5)
    except QuizError as exc:
        print(exc)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], Path(sys.argv[2])))
