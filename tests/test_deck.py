"""The deck loader: real cards load; broken ones are named with file, line and field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import CONTENT

from quiz.checker import point_made
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
    assert point_made(point, "It gives PROBABILITIES")
    assert not point_made(point, "it is an activation")


def test_the_shipped_deck_loads(deck: Deck) -> None:
    core = [c.number for c in deck if c.is_core]
    assert core == list(range(1, len(core) + 1))
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
    for card in folder.glob("01-*.md"):  # the first topic, its follow-ups with it
        card.unlink()
    monkeypatch.setenv("QUIZ_CONTENT", str(folder))
    ids = load_deck().ids
    assert "deep-learning" not in ids
    assert "mlp" in ids


# --- format, second version ---------------------------------------------------------

FOLLOW_UP = """+++
id = "softmax-ce-gradient"
topic = "softmax-relu"
kind = "derive"
title = "Gradient of softmax + cross-entropy"
question = "Derive the gradient of cross-entropy through a softmax."
tags = ["softmax", "derivation"]
demo = "softmax"
demo_params = { temperature = 1.0 }
references = ["Goodfellow et al. (2016) §6.2.2.3"]

[[key_points]]
text = "The gradient is p − y"
phrases = ["p - y", "probabilities minus the (one-hot )?target"]

[[key_points]]
text = "The log cancels the exponential"
phrases = ["log cancels the exp*"]

[[misconceptions]]
claim = "The softmax Jacobian is diagonal"
phrases = ["jacobian is diagonal", "each output depends only on its own"]
correction = "Every output depends on every logit."
contradicts = [1]
+++
## Answer
p − y.
"""


def test_a_follow_up_card_loads_with_every_new_field(tmp_path: Path) -> None:
    write(tmp_path, "12-softmax-relu.md", GOOD)
    write(tmp_path, "12a-gradient.md", FOLLOW_UP)
    core, card = load_deck(tmp_path).cards
    assert core.is_core and core.topic == "softmax-relu" and core.kind == "explain"
    assert (card.topic, card.kind, card.tags) == (
        "softmax-relu",
        "derive",
        ("softmax", "derivation"),
    )
    assert not card.is_core and card.number == 12  # its topic's number
    assert card.demo_preset() == {"temperature": 1.0}
    assert card.demo_settings() == ["temperature=1.0"]
    assert card.key_points[0].phrases == ("p - y", "probabilities minus the (one-hot )?target")
    [wrong] = card.misconceptions
    assert (wrong.claim, wrong.contradicts) == ("The softmax Jacobian is diagonal", (1,))
    assert wrong.correction.startswith("Every output")


def test_follow_ups_come_after_their_core_card_by_file_name(tmp_path: Path) -> None:
    write(tmp_path, "a.md", GOOD)
    other = GOOD.replace('"softmax-relu"', '"other"').replace("number = 12", "number = 3")
    write(tmp_path, "b.md", other)
    write(tmp_path, "z1.md", FOLLOW_UP.replace('"softmax-ce-gradient"', '"f-one"'))
    write(tmp_path, "c1.md", FOLLOW_UP.replace('"softmax-ce-gradient"', '"f-two"'))
    follow_other = FOLLOW_UP.replace('"softmax-ce-gradient"', '"f-three"')
    write(tmp_path, "d.md", follow_other.replace('topic = "softmax-relu"', 'topic = "other"'))
    assert load_deck(tmp_path).ids == ["other", "f-three", "softmax-relu", "f-two", "f-one"]


def test_a_card_without_demo_loads(tmp_path: Path) -> None:
    text = FOLLOW_UP.replace('demo = "softmax"\n', "").replace(
        "demo_params = { temperature = 1.0 }\n", ""
    )
    write(tmp_path, "a.md", GOOD)
    write(tmp_path, "b.md", text)
    assert load_deck(tmp_path).get("softmax-ce-gradient").demo == ""  # type: ignore[union-attr]


def test_old_keywords_still_tick_as_before(tmp_path: Path) -> None:
    write(tmp_path, "12.md", GOOD)
    point = load_deck(tmp_path).cards[0].key_points[0]
    assert point.keywords == ("probabilit", "sum to 1") and point.phrases == ()
    assert point_made(point, "the outputs are probabilities")
    assert point_made(point, "they sum to 1")


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            'topic = "softmax-relu"',
            'topic = "nope"',
            r"b\.md:3: field 'topic' names 'nope', which is no card",
        ),
        ('kind = "derive"', 'kind = "essay"', r"b\.md:4: field 'kind' is 'essay'; kinds: explain"),
        ('tags = ["softmax", "derivation"]', 'tags = ["Soft Max"]', r"b\.md:7: field 'tags\[0\]'"),
        (
            "demo_params = { temperature = 1.0 }",
            "demo_params = 3",
            r"b\.md:9: field 'demo_params' must be a table",
        ),
        (
            '"p - y", ',
            '"p - (y", ',
            r"b\.md:14: field 'key_points\[0\]\.phrases\[0\]' 'p - \(y' has a '\(' that is never",
        ),
        (
            '"log cancels the exp*"',
            '"log (|cancels)"',
            r"b\.md:18: field 'key_points\[1\]\.phrases\[0\]'.*empty alternative",
        ),
        (
            '"jacobian is diagonal", ',
            '"jacobian) is", ',
            r"b\.md:22: field 'misconceptions\[0\]\.phrases\[0\]'.*'\)' with no '\('",
        ),
        (
            "contradicts = [1]",
            "contradicts = [3]",
            r"b\.md:24: field 'misconceptions\[0\]\.contradicts' must list key points by .*1 to 2",
        ),
        ("contradicts = [1]", "contradicts = [0]", r"field 'misconceptions\[0\]\.contradicts'"),
        (
            'correction = "Every output depends on every logit."\n',
            "",
            r"b\.md:20: field 'misconceptions\[0\]' must have 'claim'",
        ),
        (
            'text = "The gradient is p − y"',
            'text = "The gradient is p − y"\nfoo = 1',
            r"b\.md:12: field 'key_points\[0\]' must have 'text' and 'phrases'",
        ),
        (
            'topic = "softmax-relu"',
            'topic = "softmax-relu"\nnumber = 4',
            r"b\.md:4: field 'number' is 4 but topic 'softmax-relu' is number 12",
        ),
        ('demo = "softmax"\n', "", r"b\.md:8: field 'demo_params' needs a demo"),
    ],
    ids=[
        "unknown-topic",
        "unknown-kind",
        "bad-tag",
        "params-not-table",
        "broken-phrase",
        "empty-alternative",
        "broken-misconception-phrase",
        "contradicts-out-of-range",
        "contradicts-zero",
        "misconception-without-correction",
        "unknown-key-point-field",
        "follow-up-with-another-number",
        "params-without-demo",
    ],
)
def test_a_broken_v2_card_is_named_with_its_line_and_field(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    assert old in FOLLOW_UP
    write(tmp_path, "a.md", GOOD)
    write(tmp_path, "b.md", FOLLOW_UP.replace(old, new, 1))
    with pytest.raises(QuizError, match=expected) as info:
        load_deck(tmp_path)
    assert "\n" not in str(info.value)


def test_a_topic_must_be_a_core_card(tmp_path: Path) -> None:
    write(tmp_path, "a.md", GOOD)
    write(tmp_path, "b.md", FOLLOW_UP)
    other = FOLLOW_UP.replace('"softmax-ce-gradient"', '"x"').replace(
        'topic = "softmax-relu"', 'topic = "softmax-ce-gradient"'
    )
    write(tmp_path, "c.md", other)
    with pytest.raises(
        QuizError,
        match=r"c\.md:3: field 'topic' names 'softmax-ce-gradient', a follow-up card of 'softmax",
    ):
        load_deck(tmp_path)


def test_a_core_card_needs_a_number(tmp_path: Path) -> None:
    write(tmp_path, "a.md", GOOD.replace("number = 12\n", ""))
    with pytest.raises(QuizError, match=r"a\.md: field 'number' is missing \(a core card"):
        load_deck(tmp_path)


def test_demo_params_are_checked_against_the_demos_parameters(tmp_path: Path) -> None:
    from quiz.deck import check_demo_params

    write(tmp_path, "a.md", GOOD)
    write(tmp_path, "b.md", FOLLOW_UP.replace("temperature = 1.0", "temprature = 1.0"))
    write(
        tmp_path, "c.md", FOLLOW_UP.replace('"softmax-ce-gradient"', '"c"').replace("1.0", "-5.0")
    )
    write(
        tmp_path,
        "d.md",
        FOLLOW_UP.replace('"softmax-ce-gradient"', '"d"').replace(
            "temperature = 1.0", "logits = [1, 2.5]"
        ),
    )
    deck = load_deck(tmp_path)  # loading does not import the demos
    with pytest.raises(
        QuizError,
        match=r"b\.md:9: field 'demo_params\.temprature' is not a parameter of demo 'softmax'",
    ):
        check_demo_params(deck.get("softmax-ce-gradient"))  # type: ignore[arg-type]
    with pytest.raises(
        QuizError, match=r"c\.md:9: field 'demo_params\.temperature' .*out of range"
    ):
        check_demo_params(deck.get("c"))  # type: ignore[arg-type]
    check_demo_params(deck.get("d"))  # type: ignore[arg-type]


def test_every_phrase_of_the_shipped_deck_compiles_and_every_preset_is_valid(deck: Deck) -> None:
    from quiz.checker import check_phrases
    from quiz.deck import check_demo_params

    check_phrases(deck)
    for card in deck:
        check_demo_params(card)
        if card.is_core:  # the built-in topics each stand on a demo
            assert card.demo, card.path.name
