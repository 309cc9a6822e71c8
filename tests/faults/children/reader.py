"""Reads today's session over and over, as a second window showing cards would, until
its stdin closes; then prints how many times it read.

Usage: python reader.py DB CONTENT
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from quiz.deck import load_deck
from quiz.session import Session
from quiz.store import Store


def main(db: str, content: Path) -> None:
    session = Session(Store.open(db), load_deck(content))
    stop = threading.Event()

    def wait_for_eof() -> None:
        sys.stdin.read()
        stop.set()

    threading.Thread(target=wait_for_eof, daemon=True).start()
    print("ready", flush=True)
    reads = 0
    while not stop.is_set():
        session.current()
        session.progress()
        session.store.card_states()
        reads += 1
    print(reads, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
