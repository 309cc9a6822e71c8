"""quiz, with its first card read stalled as on a stalled disk: the read waits on the
named pipe FIFO, which nothing writes to. (A pipe as a card file is refused up front,
so the stall is put in front of the card's read.)

Usage: python stalled_card.py FIFO QUIZ-ARGS...
"""

from __future__ import annotations

import sys
from pathlib import Path

import quiz.deck
from quiz.cli import main

read_card = quiz.deck._read_card


def stalled(path: Path) -> str:
    with open(sys.argv[1], "rb") as pipe:
        pipe.read(1)
    return read_card(path)


if __name__ == "__main__":
    quiz.deck._read_card = stalled
    sys.exit(main(sys.argv[2:]))
