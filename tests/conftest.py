"""Shared fixtures: every test gets its own database and a fixed clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from quiz.deck import Card, Deck, load_deck
from quiz.session import Session
from quiz.store import Store

# Benchmarks are run by hand (see README), never collected as tests.
collect_ignore = ["perf"]

CONTENT = Path(__file__).resolve().parent.parent / "content"


class Clock:
    """A settable clock: tests move time instead of sleeping."""

    def __init__(self, start: datetime) -> None:
        self.moment = start

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the user's real database or settings, and nothing a
    test writes by a relative name (an export named in the app, a screenshot) lands
    in the checkout."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("QUIZ_DB", str(tmp_path / "env.db"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.setenv("QUIZ_LOG_DIR", str(tmp_path / "logs"))
    # Beside tmp_path, not in it: tests that a command leaves tmp_path as it was look
    # there, and the deck cache (quiz.deckcache) is no file of theirs.
    monkeypatch.setenv("QUIZ_CACHE", str(tmp_path.parent / f"{tmp_path.name}-cache"))
    monkeypatch.delenv("QUIZ_CONTENT", raising=False)
    monkeypatch.delenv("QUIZ_CARDS", raising=False)  # the cards beside the test's database


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "quiz.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    with Store.open(db_path) as s:
        yield s


@pytest.fixture(scope="session")
def deck() -> Deck:
    """The fifteen core cards: the queue's rules on a deck of known size, as before
    the follow-up cards (``full_deck`` has them all)."""
    return Deck(tuple(load_deck(CONTENT).topics))


@pytest.fixture(scope="session")
def full_deck() -> Deck:
    """Every built-in card: the fifteen core cards and their follow-ups."""
    return load_deck(CONTENT)


@pytest.fixture
def clock() -> Clock:
    # 10:00 in UTC+1, a Tuesday: well clear of the 4 a.m. rollover.
    return Clock(datetime(2026, 3, 3, 10, 0, tzinfo=timezone(timedelta(hours=1))))


@pytest.fixture
def session(store: Store, deck: Deck, clock: Clock) -> Session:
    return Session(store, deck, now=clock)


def card_of(deck: Deck, card_id: str) -> Card:
    """The deck's card with this id (the test is wrong if there is none)."""
    card = deck.get(card_id)
    assert card is not None, f"no card {card_id!r} in the deck"
    return card
