"""The deck loader: real cards load; broken ones are named with file, line and field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import CONTENT

from quiz.deck import Deck, load_deck
from quiz.errors import QuizError

GOOD = """+++
id = "softmax-relu"
number = 12
title = "Softmax and ReLU"
question = "What are the functions of Softmax and ReLU?"
demo = "softmax"
references = ["Goodfellow, Bengio & Courville, Deep Learning (2016), §6.2.2.3"]

[[key_points]]
text = "Softmax turns logits into a probability distribution"
keywords = ["probabilit", "sum to 1"]
+++
## Answer
It normalises.
"""


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_valid_card_loads_with_every_field(tmp_path: Path) -> None:
    write(tmp_path, "12-softmax-relu.md", GOOD)
    [card] = load_deck(tmp_path).cards
    assert (card.id, card.number, card.demo) == ("softmax-relu", 12, "softmax")
    assert card.key_points[0].keywords == ("probabilit", "sum to 1")
    assert card.references[0].startswith("Goodfellow")
    assert card.body.startswith("## Answer")


def test_keywords_match_typed_answers_case_insensitively(tmp_path: Path) -> None:
    write(tmp_path, "12.md", GOOD)
    point = load_deck(tmp_path).cards[0].key_points[0]
    assert point.mentioned_in("It gives PROBABILITIES")
    assert not point.mentioned_in("it is an activation")


def test_the_shipped_deck_loads(deck: Deck) -> None:
    assert [c.number for c in deck] == list(range(1, len(deck) + 1))
    assert len(set(deck.ids)) == len(deck)


def test_cards_are_ordered_by_number_not_file_name(tmp_path: Path) -> None:
    write(tmp_path, "a.md", GOOD.replace("number = 12", "number = 2"))
    write(
        tmp_path, "b.md", GOOD.replace("number = 12", "number = 1").replace('"softmax-relu"', '"x"')
    )
    assert [c.id for c in load_deck(tmp_path)] == ["x", "softmax-relu"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (GOOD.replace('demo = "softmax"', 'demo = "softmx"'), r"12\.md:6: field 'demo'.*softmx"),
        (GOOD.replace('title = "Softmax and ReLU"\n', ""), r"12\.md: field 'title' is missing"),
        (GOOD.replace("number = 12", 'number = "12"'), r"12\.md:3: field 'number'"),
        (GOOD.replace('id = "softmax-relu"', 'id = "Softmax ReLU"'), r"12\.md:2: field 'id'"),
        (GOOD.replace('ReLU?"', "ReLU?"), r"12\.md: invalid TOML.*line 5"),
        (GOOD.replace("keywords = [", "keywords = 3 #["), r"field 'key_points\[0\]\.keywords'"),
        (GOOD.replace('title = "', 'titel = "'), r"field 'title' is missing"),
        (GOOD.replace("## Answer\nIt normalises.\n", ""), r"12\.md: the card has no answer"),
        (GOOD.replace("+++\n", "", 1), r"12\.md:1: a card must start with a '\+\+\+' line"),
        (GOOD.rsplit("+++", 1)[0], r"12\.md: the front matter has no closing"),
    ],
    ids=[
        "unknown-demo",
        "missing-field",
        "wrong-type",
        "bad-id",
        "invalid-toml",
        "bad-keywords",
        "typo-field",
        "no-body",
        "no-front-matter",
        "unclosed",
    ],
)
def test_a_broken_card_is_named_with_its_line_and_field(
    tmp_path: Path, text: str, expected: str
) -> None:
    write(tmp_path, "12.md", text)
    with pytest.raises(QuizError, match=expected) as info:
        load_deck(tmp_path)
    assert "\n" not in str(info.value)


def test_a_duplicate_id_names_both_files(tmp_path: Path) -> None:
    write(tmp_path, "a.md", GOOD)
    write(tmp_path, "b.md", GOOD.replace("number = 12", "number = 13"))
    with pytest.raises(QuizError, match=r"b\.md: id 'softmax-relu' is also used by a\.md"):
        load_deck(tmp_path)


def test_a_duplicate_number_names_both_files(tmp_path: Path) -> None:
    write(tmp_path, "a.md", GOOD)
    write(tmp_path, "b.md", GOOD.replace('"softmax-relu"', '"other"'))
    with pytest.raises(QuizError, match=r"b\.md: number 12 is also used by a\.md"):
        load_deck(tmp_path)


def test_an_empty_or_missing_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(QuizError, match="no cards"):
        load_deck(tmp_path)
    with pytest.raises(QuizError, match="does not exist"):
        load_deck(tmp_path / "nope")


def test_quiz_content_points_at_another_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "mine"
    shutil.copytree(CONTENT, folder)
    (folder / "01-deep-learning.md").unlink()
    monkeypatch.setenv("QUIZ_CONTENT", str(folder))
    assert "deep-learning" not in load_deck().ids
