"""The parsed-deck cache: a second start does not parse the cards; any change to a card
parses them again; a cache that cannot be trusted or read is ignored, never fatal."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import CONTENT

from quiz import deck as deck_module
from quiz import deckcache
from quiz.deck import load_deck


@pytest.fixture
def cards(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(CONTENT, folder)
    return folder


def no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object) -> object:
        raise AssertionError("the deck was parsed, not read from the cache")

    monkeypatch.setattr(deck_module, "parse_card", refuse)


def test_the_second_load_reads_the_cache(cards: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = load_deck(cards)
    no_parsing(monkeypatch)
    assert load_deck(cards) == first
    folder = deckcache.cache_dir()
    assert folder is not None and (folder / "deck.pickle").is_file()
    assert oct(folder.stat().st_mode & 0o777) == "0o700"


def test_a_changed_card_is_parsed_again(cards: Path) -> None:
    load_deck(cards)
    card = cards / "01-deep-learning.md"
    card.write_text(card.read_text().replace('title = "Deep learning"', 'title = "Deep nets"'))
    assert load_deck(cards).cards[0].title == "Deep nets"


def test_a_damaged_cache_is_ignored_and_replaced(cards: Path) -> None:
    expected = load_deck(cards)
    folder = deckcache.cache_dir()
    assert folder is not None
    (folder / "deck.pickle").write_bytes(b"not a pickle")
    assert load_deck(cards) == expected  # parsed again, no error
    assert (folder / "deck.pickle").read_bytes() != b"not a pickle"


def test_a_cache_others_can_write_is_not_read(cards: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_deck(cards)
    folder = deckcache.cache_dir()
    assert folder is not None
    os.chmod(folder / "deck.pickle", 0o666)
    calls = []
    parse = deck_module.parse_card

    def counted(*args: object) -> object:
        calls.append(1)
        return parse(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(deck_module, "parse_card", counted)
    load_deck(cards)
    assert calls, "a world-writable cache file must not be loaded"


def test_no_cache_when_quiz_cache_is_empty_or_unwritable(
    cards: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUIZ_CACHE", "")
    assert deckcache.cache_dir() is None
    assert len(load_deck(cards)) > 15
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder would go")
    monkeypatch.setenv("QUIZ_CACHE", str(blocked))
    assert len(load_deck(cards)) > 15  # the cache cannot be made: no error


def test_a_cached_deck_reads_a_cards_answer_when_asked_and_from_its_file_if_the_cache_went(
    cards: Path,
) -> None:
    parsed = load_deck(cards)
    cached = load_deck(cards)
    first = cached.cards[0]
    assert "body" not in vars(first) and "key_points" not in vars(first)  # not read yet
    assert first.body == parsed.cards[0].body  # read now, from the details file
    folder = deckcache.cache_dir()
    assert folder is not None
    again = load_deck(cards)
    (folder / deck_module.DECK_DETAILS).unlink()  # gone after the start
    assert again.cards[1].key_points == parsed.cards[1].key_points  # parsed from its file
    assert load_deck(cards) == parsed  # and the next start parses and keeps it again
    assert (folder / deck_module.DECK_DETAILS).is_file()


def test_every_field_of_every_card_comes_back_from_the_cache_as_parsed(cards: Path) -> None:
    # Field by field, not by ==: a cached card's equality reads the same fields, and
    # Card's fields with a default (predict, misconceptions, demo_params) are class
    # attributes a lazy card must not fall back on.
    import dataclasses

    from quiz.deck import Card

    parsed = load_deck(cards)
    assert any(c.predict for c in parsed) and any(c.misconceptions for c in parsed)
    assert any(c.demo_params for c in parsed)
    for field in dataclasses.fields(Card):
        cached = load_deck(cards)  # this field is the first one each card is asked for
        for was, now in zip(parsed, cached, strict=True):
            assert type(now).__name__ == "CachedCard"
            assert getattr(now, field.name) == getattr(was, field.name), (was.id, field.name)
