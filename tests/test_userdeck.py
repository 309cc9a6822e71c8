"""The user's own cards join the built-in deck: numbering, overrides, clashes, and a
broken user card skipped with one line while the others load."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import CONTENT

from quiz.checker import point_made
from quiz.deck import Deck, load_deck
from quiz.errors import QuizError
from quiz.userdeck import cards_folder, with_user_cards

OWN = """+++
id = "{id}"
title = "Multi-head attention"
question = "Why use several attention heads?"
{extra}
[[key_points]]
text = "Each head attends to a different subspace"
phrases = ["different subspace*"]
+++
## Answer
Each head attends to a different representation subspace.
"""


def own(folder: Path, name: str, card_id: str, extra: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(OWN.format(id=card_id, extra=extra), encoding="utf-8")
    return path


def test_a_card_of_ones_own_is_a_topic_numbered_after_the_built_in_ones(
    full_deck: Deck, tmp_path: Path
) -> None:
    own(tmp_path, "b.md", "heads")
    own(tmp_path, "a.md", "attention")  # file-name order: a.md first
    deck = with_user_cards(full_deck, tmp_path)
    assert deck.skipped == ()
    assert [(c.id, c.number, c.origin) for c in deck.topics[-2:]] == [
        ("attention", 16, "user"),
        ("heads", 17, "user"),
    ]
    assert deck.cards[-1].id == "heads"
    assert len(deck) == len(full_deck) + 2
    assert deck.get("heads").demo == ""  # type: ignore[union-attr]  # demo is optional


def test_a_user_follow_up_comes_after_its_topics_built_in_follow_ups(
    full_deck: Deck, tmp_path: Path
) -> None:
    own(tmp_path, "aaa.md", "my-softmax", 'topic = "softmax-relu"')
    own(tmp_path, "mine.md", "heads")
    own(tmp_path, "zz.md", "heads-more", 'topic = "heads"')
    deck = with_user_cards(full_deck, tmp_path)
    softmax = [c.id for c in deck.of_topic("softmax-relu")]
    assert softmax[0] == "softmax-relu" and softmax[-1] == "my-softmax"
    assert deck.get("my-softmax").number == 12  # type: ignore[union-attr]
    assert [c.id for c in deck.of_topic("heads")] == ["heads", "heads-more"]


def test_a_clash_with_a_built_in_id_is_refused_naming_both_files(
    full_deck: Deck, tmp_path: Path
) -> None:
    path = own(tmp_path, "clash.md", "softmax-relu")
    own(tmp_path, "fine.md", "heads")
    deck = with_user_cards(full_deck, tmp_path)
    [line] = deck.skipped
    assert line.startswith(f"{path}:2: field 'id' 'softmax-relu' is also the built-in card ")
    assert "12-softmax-relu.md" in line and "quiz edit softmax-relu" in line
    assert deck.get("softmax-relu").origin == "built-in"  # type: ignore[union-attr]
    assert deck.get("heads") is not None


def test_a_malformed_user_card_is_skipped_with_file_line_and_field(
    full_deck: Deck, tmp_path: Path
) -> None:
    bad = own(tmp_path, "bad.md", "bad", 'demo = "softmx"')
    (tmp_path / "toml.md").write_text('+++\nid = "x\n+++\nbody\n', encoding="utf-8")
    own(tmp_path, "good.md", "good")
    deck = with_user_cards(full_deck, tmp_path)
    assert len(deck.skipped) == 2
    assert deck.skipped[0].startswith(f"{bad}:5: field 'demo' names unknown demo 'softmx'")
    assert deck.skipped[1].startswith(f"{tmp_path / 'toml.md'}: invalid TOML")
    assert deck.get("good") is not None and deck.get("bad") is None


def test_two_user_cards_with_one_id_keep_the_first(full_deck: Deck, tmp_path: Path) -> None:
    first = own(tmp_path, "a.md", "heads")
    own(tmp_path, "b.md", "heads")
    deck = with_user_cards(full_deck, tmp_path)
    [line] = deck.skipped
    assert "b.md: id 'heads' is also used by" in line and str(first) in line


def test_a_number_or_an_unknown_topic_on_a_user_card_is_refused(
    full_deck: Deck, tmp_path: Path
) -> None:
    own(tmp_path, "n.md", "numbered", "number = 3")
    own(tmp_path, "t.md", "lost", 'topic = "no-such-topic"')
    deck = with_user_cards(full_deck, tmp_path)
    assert any("field 'number' is given" in line for line in deck.skipped)
    assert any("t.md:5: field 'topic' names 'no-such-topic'" in line for line in deck.skipped)
    assert len(deck) == len(full_deck)


def test_an_override_replaces_its_built_in_card_in_its_place(
    full_deck: Deck, tmp_path: Path
) -> None:
    text = (CONTENT / "12-softmax-relu.md").read_text(encoding="utf-8")
    (tmp_path / "overrides").mkdir()
    (tmp_path / "overrides" / "softmax-relu.md").write_text(
        text.replace("## Answer", "## Answer\nMy own words first.", 1), encoding="utf-8"
    )
    deck = with_user_cards(full_deck, tmp_path)
    card = deck.get("softmax-relu")
    assert card is not None and card.origin == "override" and card.number == 12
    assert "My own words first." in card.body
    assert deck.ids == full_deck.ids  # same place, same cards


def test_an_override_of_no_built_in_card_is_refused(full_deck: Deck, tmp_path: Path) -> None:
    own(tmp_path / "overrides", "heads.md", "heads")
    deck = with_user_cards(full_deck, tmp_path)
    [line] = deck.skipped
    assert "field 'id' 'heads' is no built-in card's" in line
    assert "move the file out of overrides/" in line


def test_no_folder_is_no_cards_and_a_file_in_its_place_says_so(
    full_deck: Deck, tmp_path: Path
) -> None:
    assert with_user_cards(full_deck, tmp_path / "none").skipped == ()
    (tmp_path / "file").write_text("x")
    deck = with_user_cards(full_deck, tmp_path / "file")
    assert deck.skipped == (
        f"the card folder {tmp_path / 'file'} is not a folder; no cards of yours",
    )
    assert len(deck) == len(full_deck)


def test_a_broken_built_in_card_still_stops_the_load(tmp_path: Path) -> None:
    (tmp_path / "01.md").write_text("+++\nid = 'x'\n+++\nbody\n", encoding="utf-8")
    with pytest.raises(QuizError, match="field 'title' is missing"):
        load_deck(tmp_path)


def test_the_folder_is_quiz_cards_else_the_setting_else_beside_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "data" / "quiz.db"
    assert cards_folder(db) == tmp_path / "data" / "cards"
    assert cards_folder(db, str(tmp_path / "mine")) == tmp_path / "mine"
    monkeypatch.setenv("QUIZ_CARDS", str(tmp_path / "env"))
    assert cards_folder(db, str(tmp_path / "mine")) == tmp_path / "env"


def test_comment_lines_above_the_card_are_skipped_and_counted_in_line_numbers(
    full_deck: Deck, tmp_path: Path
) -> None:
    path = own(tmp_path, "c.md", "heads", 'demo = "softmx"')
    path.write_text("# a note\n# another\n\n" + path.read_text(encoding="utf-8"))
    [line] = with_user_cards(full_deck, tmp_path).skipped
    assert line.startswith(f"{path}:8: field 'demo'")  # 5 + the three lines above


def test_a_user_cards_key_points_work_in_the_checker(full_deck: Deck, tmp_path: Path) -> None:
    own(tmp_path, "a.md", "heads")
    card = with_user_cards(full_deck, tmp_path).get("heads")
    assert card is not None
    assert point_made(card.key_points[0], "Each head looks at a different subspace.")


def cache_files(folder: Path) -> tuple[Path, Path]:
    """The card cache's index and details files for the card folder ``folder``."""
    from quiz import cardcache, deckcache

    where = deckcache.cache_dir()
    assert where is not None
    index, details, _ = cardcache.names(folder)
    return where / index, where / details


def test_a_second_start_reads_the_cards_from_the_cache_and_sees_changes(
    full_deck: Deck, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import quiz.userdeck

    own(tmp_path, "a.md", "heads", 'tags = ["attention"]')
    bad = own(tmp_path, "b.md", "bad", 'demo = "softmx"')
    first = with_user_cards(full_deck, tmp_path)
    index, details = cache_files(tmp_path)
    assert index.is_file() and details.is_file()
    # In the test run's own cache folder (QUIZ_CACHE), not the user's.
    assert str(index).startswith(os.environ["QUIZ_CACHE"])

    def no_parsing(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed again")

    with monkeypatch.context() as m:
        m.setattr(quiz.userdeck, "parse_card", no_parsing)
        second = with_user_cards(full_deck, tmp_path)
        cached = second.get("heads")
        assert cached is not None and "body" not in vars(cached)  # not read yet
        # Every field as parsed, the answer read from the cache when asked for.
        assert second == first  # the same cards, and the same line for the broken one
        assert "body" in vars(cached)
    bad.write_text(bad.read_text().replace("softmx", "softmax"))
    third = with_user_cards(full_deck, tmp_path)
    assert third.skipped == () and third.get("bad") is not None


def test_a_cached_cards_answer_comes_from_its_file_when_the_cache_goes(
    full_deck: Deck, tmp_path: Path
) -> None:
    own(tmp_path, "a.md", "heads")
    expected = with_user_cards(full_deck, tmp_path).get("heads")
    _, details = cache_files(tmp_path)
    for damage in ("gone", "another index's", "garbled"):
        with_user_cards(full_deck, tmp_path)  # (re)writes the cache
        card = with_user_cards(full_deck, tmp_path).get("heads")
        assert card is not None and "body" not in vars(card)
        if damage == "gone":
            details.unlink()
        elif damage == "another index's":
            details.write_bytes(b"0123456789abcdef" + details.read_bytes()[16:])
        else:
            details.write_bytes(details.read_bytes()[:16] + b"\x80garbage" * 40)
        assert expected is not None
        assert (card.body, card.key_points) == (expected.body, expected.key_points), damage


def test_a_damaged_cache_is_passed_over(full_deck: Deck, tmp_path: Path) -> None:
    own(tmp_path, "a.md", "heads")
    with_user_cards(full_deck, tmp_path)
    index, details = cache_files(tmp_path)
    index.write_bytes(b"not a pickle")
    assert with_user_cards(full_deck, tmp_path).get("heads") is not None
    for file in (index, details):
        file.unlink()
        file.mkdir()  # cannot be written either
    card = with_user_cards(full_deck, tmp_path).get("heads")
    assert card is not None and card.title == "Multi-head attention"


def test_quiz_list_shows_ones_own_topics_and_names_a_skipped_card(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    db = str(tmp_path / "q.db")

    def quiz(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "quiz", "--db", db, *args],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(root), **env},
            check=False,
        )

    own(tmp_path / "mine", "good.md", "heads")
    bad = own(tmp_path / "mine", "bad.md", "bad", 'demo = "softmx"')
    assert quiz("config", "cards-folder", str(tmp_path / "mine")).returncode == 0
    listed = quiz("list")
    assert listed.returncode == 0
    assert listed.stdout.splitlines()[-1].split() == ["16", "Multi-head", "attention", "new", "—"]
    [warning] = listed.stderr.splitlines()
    assert warning.startswith(f"quiz: warning: {bad}:5: field 'demo' names unknown demo")
    assert warning.endswith("(card skipped)")
    # QUIZ_CARDS wins over the setting; cards/ beside the database is the default.
    assert "Multi-head" not in quiz("list", QUIZ_CARDS=str(tmp_path / "none")).stdout


def test_a_start_takes_the_cards_as_the_last_load_placed_them_without_looking(
    full_deck: Deck, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import quiz.userdeck
    from quiz.userdeck import changed

    own(tmp_path, "a.md", "heads", 'tags = ["attention"]')
    own(tmp_path, "b.md", "bad", 'demo = "softmx"')
    own(tmp_path / "overrides", "softmax.md", "softmax-relu", 'topic = "softmax-relu"')
    full = with_user_cards(full_deck, tmp_path)
    assert not full.unchecked

    def no_looking(*args: object) -> None:
        raise AssertionError("the card folder was looked at")

    with monkeypatch.context() as m:
        m.setattr(quiz.userdeck, "card_files", no_looking)
        m.setattr(quiz.userdeck, "parse_card", no_looking)
        fast = with_user_cards(full_deck, tmp_path, as_last_time=True)
        assert fast.unchecked
        # The same deck: cards, order, numbers, the override in place, the skipped line.
        assert [(c.id, c.number, c.origin) for c in fast] == [
            (c.id, c.number, c.origin) for c in full
        ]
        assert fast == full and fast.skipped == full.skipped
    assert changed(fast) is None  # nothing changed since


def test_a_card_changed_since_the_last_start_is_seen_by_the_check_after_it(
    full_deck: Deck, tmp_path: Path
) -> None:
    from quiz.userdeck import changed

    card = own(tmp_path, "a.md", "heads")
    with_user_cards(full_deck, tmp_path)
    card.write_text(card.read_text().replace("Why use several", "Why use many"))
    fast = with_user_cards(full_deck, tmp_path, as_last_time=True)
    assert fast.get("heads").question.startswith("Why use several")  # type: ignore[union-attr]
    fresh = changed(fast)
    assert fresh is not None and not fresh.unchecked
    assert fresh.get("heads").question.startswith("Why use many")  # type: ignore[union-attr]
    # The check kept what it found: the next start has the new question.
    again = with_user_cards(full_deck, tmp_path, as_last_time=True)
    assert again.unchecked and again.get("heads").question.startswith("Why use many")  # type: ignore[union-attr]
    assert changed(again) is None
    # A card removed, one added broken: each seen.
    card.unlink()
    own(tmp_path, "c.md", "broken", 'demo = "softmx"')
    fresh = changed(with_user_cards(full_deck, tmp_path, as_last_time=True))
    assert fresh is not None and fresh.get("heads") is None and len(fresh.skipped) == 1


def test_cards_placed_against_other_built_in_cards_are_placed_again(
    full_deck: Deck, deck: Deck, tmp_path: Path
) -> None:
    own(tmp_path, "a.md", "heads")
    with_user_cards(full_deck, tmp_path)
    # Another set of built-in cards (an upgrade): the topic numbers may differ.
    other = with_user_cards(Deck(deck.cards[:3]), tmp_path, as_last_time=True)
    assert not other.unchecked
    assert [(c.id, c.number) for c in other][-1] == ("heads", 4)


def test_the_card_cache_keeps_every_field_of_a_card() -> None:
    # A field added to Card and left out of the cache would come back empty from it.
    import dataclasses

    from quiz.deck import HEAVY, LIGHT, Card

    kept = sorted((*LIGHT, *HEAVY, "path"))
    assert kept == sorted(f.name for f in dataclasses.fields(Card))


def test_a_start_after_every_card_of_ones_own_went_has_none(
    full_deck: Deck, tmp_path: Path
) -> None:
    card = own(tmp_path, "a.md", "heads")
    with_user_cards(full_deck, tmp_path)
    card.unlink()
    assert with_user_cards(full_deck, tmp_path).get("heads") is None
    # What was kept of the cards went with them: the next start does not bring it back.
    again = with_user_cards(full_deck, tmp_path, as_last_time=True)
    assert again.get("heads") is None and len(again) == len(full_deck)
