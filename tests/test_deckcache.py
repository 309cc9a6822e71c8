"""The parsed-card cache: the same deck as a fresh parse, a changed card parsed
again, a broken card still refused, and a damaged cache ignored."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from quiz.deck import load_deck
from quiz.deckcache import cache_file
from quiz.errors import QuizError
from tests.conftest import CONTENT


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    copy = tmp_path / "cards"
    shutil.copytree(CONTENT, copy)
    return copy


def test_a_cached_deck_is_the_parsed_deck(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = load_deck(folder)  # parsed, and kept
    assert cache_file(folder).is_file()
    assert load_deck(folder) == first  # from the cache
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("QUIZ_CARD_CACHE", str(blocker / "cache"))  # cannot be written
    assert load_deck(folder) == first  # parsed every time, still the same deck


def test_a_changed_card_is_parsed_again_and_a_broken_one_refused(folder: Path) -> None:
    load_deck(folder)
    path = next(folder.glob("*softmax*.md"))
    text = path.read_text()
    path.write_text(text.replace('title = "', 'title = "Changed: ', 1))
    assert any(c.title.startswith("Changed: ") for c in load_deck(folder))
    path.write_text(text.replace("+++", "+++\nbroken = [", 1))
    with pytest.raises(QuizError, match=path.name):
        load_deck(folder)


def test_a_damaged_cache_is_ignored(folder: Path) -> None:
    first = load_deck(folder)
    cache_file(folder).write_bytes(b"\x00not marshal data")
    assert load_deck(folder) == first
