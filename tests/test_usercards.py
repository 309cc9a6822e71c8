"""quiz add and quiz edit: the editor is scripted (an injected runner, or a tiny
script as $EDITOR), the card is checked as the deck loads it, and nothing typed is
lost when the editor, the folder or the card fails."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import CONTENT

from quiz.deck import Deck
from quiz.errors import QuizError
from quiz.usercards import TEMPLATE, add_card, edit_card, editor_command, run_editor
from quiz.userdeck import with_user_cards

ROOT = Path(__file__).resolve().parent.parent

FILLED = {
    'id = "my-card"': 'id = "bert-masking"',
    'title = ""': 'title = "BERT masking"',
    'question = ""': 'question = "Why does BERT mask tokens?"',
    'text = ""': 'text = "It learns context from both sides"',
    'phrases = [""]': 'phrases = ["both sides", "bidirectional*"]',
    "## Answer\n": "## Answer\nIt predicts masked tokens from both sides.\n",
}


@pytest.fixture(autouse=True)
def _drafts_in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Drafts (kept on purpose when something fails) go to the test's folder."""
    import tempfile

    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))


def fill(text: str, **more: str) -> str:
    for old, new in {**FILLED, **more}.items():
        text = text.replace(old, new)
    return text


class Editor:
    """An editor run by a script of edits: each run applies the next one to the file."""

    def __init__(self, *edits: Callable[[str], str]) -> None:
        self.edits = list(edits)
        self.seen: list[str] = []

    def __call__(self, path: Path) -> None:
        text = path.read_text(encoding="utf-8")
        self.seen.append(text)
        path.write_text(self.edits.pop(0)(text), encoding="utf-8")


def user_deck(full_deck: Deck, folder: Path) -> Deck:
    return with_user_cards(full_deck, folder)


def test_a_card_written_in_the_editor_is_saved_under_its_id(
    full_deck: Deck, tmp_path: Path
) -> None:
    folder = tmp_path / "cards"
    outcome = add_card(user_deck(full_deck, folder), Editor(fill))
    assert outcome.card_id == "bert-masking"
    assert outcome.path == folder / "bert-masking.md"
    text = outcome.path.read_text(encoding="utf-8")
    assert text.startswith('+++\nid = "bert-masking"')  # the comment block is not saved
    card = user_deck(full_deck, folder).get("bert-masking")
    assert card is not None and card.origin == "user" and card.number == 16


def test_a_mistake_reopens_the_editor_with_the_problem_on_top(
    full_deck: Deck, tmp_path: Path
) -> None:
    editor = Editor(
        lambda t: fill(t, **{"tags = []": 'tags = ["NLP"]'}),
        lambda t: t.replace('"NLP"', '"nlp"'),
    )
    outcome = add_card(user_deck(full_deck, tmp_path / "cards"), editor)
    assert outcome.card_id == "bert-masking"
    reopened = editor.seen[1].split("\n")
    assert reopened[0] == "# quiz: this card was not saved:"
    assert reopened[1] == (
        "# line 9: field 'tags[0]' 'NLP' must be a lower-case word (or words joined by '-')"
    )
    assert reopened[8].startswith('tags = ["NLP"]')  # line 9 of the file, as it says
    assert "# quiz" not in outcome.path.read_text(encoding="utf-8")  # type: ignore[union-attr]


def test_an_id_that_is_taken_is_a_mistake_to_fix(full_deck: Deck, tmp_path: Path) -> None:
    editor = Editor(
        lambda t: fill(t).replace('"bert-masking"', '"softmax-relu"'),
        lambda t: t.replace('"softmax-relu"', '"bert-masking"'),
    )
    add_card(user_deck(full_deck, tmp_path / "cards"), editor)
    assert "'softmax-relu' is taken by" in editor.seen[1].split("\n")[1]
    assert "quit and run 'quiz edit softmax-relu'" in editor.seen[1]


@pytest.mark.parametrize("edit", [lambda t: "", lambda t: "\n  \n", lambda t: t])
def test_an_empty_file_or_the_template_unchanged_cancels(
    full_deck: Deck, tmp_path: Path, edit: Callable[[str], str]
) -> None:
    outcome = add_card(user_deck(full_deck, tmp_path / "cards"), Editor(edit))
    assert outcome.card_id is None and outcome.message == "cancelled: no card added"
    assert list((tmp_path / "cards").iterdir()) == []


def test_saving_the_same_mistake_again_stops_and_keeps_the_text(
    full_deck: Deck, tmp_path: Path
) -> None:
    editor = Editor(lambda t: fill(t, **{"tags = []": "tags = [1]"}), lambda t: t)
    with pytest.raises(QuizError, match="the mistake is still there; your text is kept in") as e:
        add_card(user_deck(full_deck, tmp_path / "cards"), editor)
    kept = Path(str(e.value).rsplit(" ", 1)[1])
    assert "BERT masking" in kept.read_text(encoding="utf-8")


def test_an_editor_that_fails_loses_nothing(full_deck: Deck, tmp_path: Path) -> None:
    def crashes(path: Path) -> None:
        path.write_text(fill(TEMPLATE), encoding="utf-8")
        raise QuizError("the editor 'vim' failed (exit status 1)")

    with pytest.raises(QuizError) as e:
        add_card(user_deck(full_deck, tmp_path / "cards"), crashes)
    message = str(e.value)
    assert message.startswith("the editor 'vim' failed (exit status 1); your text is kept in ")
    assert "BERT masking" in Path(message.rsplit(" ", 1)[1]).read_text(encoding="utf-8")
    assert not (tmp_path / "cards" / "bert-masking.md").exists()


def test_an_editor_that_fails_before_anything_was_typed_just_says_so(
    full_deck: Deck, tmp_path: Path
) -> None:
    def fails(path: Path) -> None:
        raise QuizError("the editor 'vim' failed (exit status 1)")

    with pytest.raises(QuizError, match=r"^the editor 'vim' failed \(exit status 1\)$"):
        add_card(user_deck(full_deck, tmp_path / "cards"), fails)


def test_a_folder_that_cannot_be_written_is_said_before_the_editor_opens(
    full_deck: Deck, tmp_path: Path
) -> None:
    (tmp_path / "cards").write_text("a file where the folder should be")
    editor = Editor()
    with pytest.raises(QuizError, match=r"^cannot write cards in .*cards: .*; make it writable"):
        add_card(user_deck(full_deck, tmp_path / "cards"), editor)
    assert editor.seen == []


def test_a_save_that_fails_keeps_the_card_text(
    full_deck: Deck, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import quiz.usercards

    def denied(path: Path, text: str) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(quiz.usercards, "save_card", denied)
    with pytest.raises(QuizError, match="permission denied; your text is kept in") as e:
        add_card(user_deck(full_deck, tmp_path / "cards"), Editor(fill))
    kept = Path(str(e.value).rsplit(" ", 1)[1])
    assert 'id = "bert-masking"' in kept.read_text(encoding="utf-8")


def test_editing_a_user_card_rewrites_it_in_place(full_deck: Deck, tmp_path: Path) -> None:
    folder = tmp_path / "cards"
    add_card(user_deck(full_deck, folder), Editor(fill))
    deck = user_deck(full_deck, folder)
    outcome = edit_card(deck, "bert-masking", Editor(lambda t: t.replace("BERT masking", "MLM")))
    assert outcome.path == folder / "bert-masking.md"
    assert user_deck(full_deck, folder).get("bert-masking").title == "MLM"  # type: ignore[union-attr]
    unchanged = edit_card(deck, "bert-masking", Editor(lambda t: t))
    assert unchanged.card_id is None and unchanged.message.startswith("no change")


def test_editing_a_user_cards_id_is_refused(full_deck: Deck, tmp_path: Path) -> None:
    folder = tmp_path / "cards"
    add_card(user_deck(full_deck, folder), Editor(fill))
    editor = Editor(
        lambda t: t.replace('"bert-masking"', '"mlm"'),
        lambda t: t.replace('"mlm"', '"bert-masking"'),
    )
    edit_card(user_deck(full_deck, folder), "bert-masking", editor)
    assert "your progress is kept under the id" in editor.seen[1]


def test_editing_a_built_in_card_makes_an_override_with_a_note(
    full_deck: Deck, tmp_path: Path
) -> None:
    folder = tmp_path / "cards"
    editor = Editor(lambda t: t.replace("## Answer", "## Answer\nIn my words.", 1))
    outcome = edit_card(user_deck(full_deck, folder), "softmax-relu", editor)
    assert editor.seen[0].startswith("# softmax-relu is a built-in card: your copy is saved as")
    assert outcome.path == folder / "overrides" / "softmax-relu.md"
    assert "replaces the built-in card" in outcome.message
    card = user_deck(full_deck, folder).get("softmax-relu")
    assert card is not None and card.origin == "override" and "In my words." in card.body
    assert "In my words." not in (CONTENT / "12-softmax-relu.md").read_text(encoding="utf-8")
    # The saved copy says what it is to whoever opens the folder later, and says it
    # once however often it is edited again.
    note = (
        "# Your copy of the built-in card softmax-relu (12-softmax-relu.md): it replaces "
        "that card. Delete this file to go back to it.\n+++\n"
    )
    assert outcome.path is not None and outcome.path.read_text().startswith(note)
    again = Editor(lambda t: t.replace("In my words.", "In my own words."))
    edit_card(user_deck(full_deck, folder), "softmax-relu", again)
    assert again.seen[0].startswith("# Your card softmax-relu")
    saved = outcome.path.read_text()
    assert saved.startswith("# Your copy of the built-in card softmax-relu: it replaces that")
    assert saved.count("# Your copy") == 1 and "In my own words." in saved


def test_editing_a_built_in_card_without_a_change_makes_no_override(
    full_deck: Deck, tmp_path: Path
) -> None:
    outcome = edit_card(user_deck(full_deck, tmp_path / "cards"), "softmax-relu", Editor(str))
    assert outcome.card_id is None
    assert not (tmp_path / "cards" / "overrides").exists()


def test_an_unknown_card_cannot_be_edited(full_deck: Deck, tmp_path: Path) -> None:
    with pytest.raises(QuizError, match="no card 'nope'"):
        edit_card(user_deck(full_deck, tmp_path / "cards"), "nope", Editor())


def test_editor_comes_from_editor_split_like_a_shell(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EDITOR", f"'{sys.executable}' -X utf8")
    assert editor_command() == [sys.executable, "-X", "utf8"]


def test_a_missing_editor_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EDITOR", "no-such-editor --wait")
    with pytest.raises(
        QuizError, match=r"^the editor 'no-such-editor' \(\$EDITOR\) is not installed"
    ):
        editor_command()
    monkeypatch.delenv("EDITOR")
    monkeypatch.setenv("PATH", "")
    with pytest.raises(QuizError, match="neither nano nor vi is installed"):
        editor_command()


def test_a_failing_editor_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EDITOR", f"{sys.executable} -c 'raise SystemExit(3)'")
    with pytest.raises(QuizError, match=r"failed \(exit status 3\)"):
        run_editor(tmp_path / "x.md")


SCRIPT = """\
import sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
for old, new in {edits!r}.items():
    text = text.replace(old, new)
open(path, "w", encoding="utf-8").write(text)
"""


def quiz(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "quiz", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        check=False,
    )


def test_quiz_add_runs_editor_and_says_where_the_card_is(tmp_path: Path) -> None:
    script = tmp_path / "ed.py"
    script.write_text(SCRIPT.format(edits=FILLED), encoding="utf-8")
    env = {
        "EDITOR": f"{sys.executable} {script}",
        "QUIZ_CARDS": str(tmp_path / "cards"),
        "TMPDIR": str(tmp_path / "tmp"),
    }
    result = quiz("--db", str(tmp_path / "q.db"), "add", env=env)
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout == f"added card 'bert-masking' in {tmp_path / 'cards' / 'bert-masking.md'}\n"
    )
    assert not (tmp_path / "q.db").exists()  # adding a card makes no database
    missing = quiz("add", env={**env, "EDITOR": "no-such-editor"})
    assert missing.returncode == 1 and missing.stderr.count("\n") == 1
    assert missing.stderr.startswith("quiz: error: the editor 'no-such-editor' ($EDITOR)")


def test_the_deck_is_read_again_with_the_new_card(full_deck: Deck, tmp_path: Path) -> None:
    from quiz.userdeck import reloaded

    deck = user_deck(full_deck, tmp_path / "cards")
    add_card(deck, Editor(fill))
    again = reloaded(deck)
    assert again.get("bert-masking") is not None and again.user_folder == deck.user_folder
