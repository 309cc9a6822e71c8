"""Browse's ``e``: the selected card in $EDITOR, with a real editor process.

$EDITOR is a small shell script written in the test's folder: it keeps a copy of
what it was shown (``seen.md``) and rewrites the card's title and question, as a
person would in an editor. Nothing of quiz is patched; only Textual's headless
driver is told that it can step aside (see :func:`can_step_aside`).
"""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
from conftest import CONTENT, Clock
from textual.drivers.headless_driver import HeadlessDriver

from quiz.deck import load_deck
from quiz.session import Session
from quiz.store import Store
from quiz.tui.app import QuizApp
from quiz.userdeck import with_user_cards

from .helpers import make_app, screen_text, until
from .test_browse import listed, open_browse, titles

OWN_CARD = """+++
id = "zebrafish-card"
topic = "softmax-relu"
title = "Zebrafish card"
question = "What does the zebrafish card ask?"
tags = ["mine"]

[[key_points]]
text = "It asks what I wrote"
phrases = ["what i wrote"]
+++
## Answer

What I wrote.
"""

NEW_QUESTION = "What does the platypus ask?"  # "platypus" is in no built-in card

# Appends " (edited)" to the title (its words stay, so a search for them still
# lists the card) and puts NEW_QUESTION in place of the question.
EDIT = rf"""cp "$1" "$(dirname "$0")/seen.md"
sed -e 's/^title = "\(.*\)"$/title = "\1 (edited)"/' \
    -e 's/^question = .*/question = "{NEW_QUESTION}"/' "$1" > "$1.new"
mv "$1.new" "$1"
"""


@pytest.fixture
def can_step_aside(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lets ``App.suspend()`` run in a headless test.

    Textual's HeadlessDriver says it cannot suspend, so ``App.suspend()`` raises
    SuspendNotSupported and the app only says that this terminal cannot hand itself
    to an editor (:func:`test_e_where_the_terminal_cannot_step_aside_says_so`). Its
    ``suspend_application_mode``/``resume_application_mode`` are harmless headless
    (they stop and restart application mode, which writes nothing), so claiming the
    capability runs the app's real ``with self.suspend():`` path around the editor.
    That one property is all that is patched (the ``n`` test in test_browse.py
    replaces ``app.suspend`` and ``usercards.run_editor`` instead).
    """
    monkeypatch.setattr(HeadlessDriver, "can_suspend", property(lambda self: True))


def use_editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str) -> None:
    """$EDITOR is a shell script in ``tmp_path`` running ``body`` on the file ("$1")."""
    script = tmp_path / "editor.sh"
    script.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    script.chmod(0o755)
    monkeypatch.setenv("EDITOR", shlex.quote(str(script)))


def app_with_own_card(store: Store, tmp_path: Path, clock: Clock) -> tuple[QuizApp, Path]:
    """The app on the built-in deck and one card of the user's; the card's file."""
    folder = tmp_path / "cards"
    folder.mkdir()
    path = folder / "zebrafish-card.md"
    path.write_text(OWN_CARD, encoding="utf-8")
    deck = with_user_cards(load_deck(CONTENT), folder)
    assert deck.get("zebrafish-card") is not None
    return make_app(Session(store, deck, now=clock)), path


async def select(pilot: object, word: str, card_id: str) -> None:
    """Searches Browse for ``word`` and goes to the list, on the one card it finds."""
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    await pilot.press("slash", *word, "enter")
    await until(pilot, lambda: listed(pilot.app) == [card_id])


async def test_e_edits_a_card_of_ones_own_and_browse_lists_it_changed(
    store: Store,
    tmp_path: Path,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
    can_step_aside: None,
) -> None:
    use_editor(tmp_path, monkeypatch, EDIT)
    app, path = app_with_own_card(store, tmp_path, clock)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await open_browse(pilot)
        await select(pilot, "zebrafish", "zebrafish-card")
        assert titles(app) == ["explain: Zebrafish card"]
        await pilot.press("e")
        await until(pilot, lambda: titles(app) == ["explain: Zebrafish card (edited)"])
        await pilot.pause()
        shown = screen_text(app)
        assert "Zebrafish card (edited)" in shown and "saved card 'zebrafish-card'" in shown
        # The editor was shown the card's file, and what it saved is the card now.
        assert "What does the zebrafish card ask?" in (tmp_path / "seen.md").read_text()
        card = app.session.deck.get("zebrafish-card")
        assert card is not None and card.question == NEW_QUESTION
        assert f'question = "{NEW_QUESTION}"' in path.read_text()
        # A search reads the new question: its new word finds the card.
        await pilot.press("slash", "ctrl+u", *"platypus", "enter")
        await until(pilot, lambda: listed(app) == ["zebrafish-card"])
    assert app.crash is None


async def test_e_on_a_built_in_card_makes_an_override_with_a_note(
    store: Store,
    tmp_path: Path,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
    can_step_aside: None,
) -> None:
    use_editor(tmp_path, monkeypatch, EDIT)
    app, _ = app_with_own_card(store, tmp_path, clock)
    built_in = CONTENT / "05-hopfield-vs-boltzmann.md"
    before = built_in.read_bytes()
    override = tmp_path / "cards" / "overrides" / "hopfield-vs-boltzmann.md"
    # 120 columns: the card column is wide enough for the longer title unclipped.
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await open_browse(pilot)
        await select(pilot, "hopfield", "hopfield-vs-boltzmann")
        await pilot.press("e")
        await until(pilot, override.exists)
        edited = "explain: Hopfield network vs Boltzmann machine (edited)"
        await until(pilot, lambda: titles(app) == [edited])
        await pilot.pause()
        assert "saved your copy of the built-in card" in screen_text(app)
        # The editor opened a copy with the note on top saying where it goes.
        seen = (tmp_path / "seen.md").read_text()
        assert seen.startswith("# hopfield-vs-boltzmann is a built-in card: your copy is saved as")
        assert str(override) in seen.splitlines()[0]
        # The override holds the change, under a line saying what the file is;
        # content/ is never written to.
        saved = override.read_text()
        assert f'question = "{NEW_QUESTION}"' in saved
        assert saved.startswith("# Your copy of the built-in card hopfield-vs-boltzmann")
        assert built_in.read_bytes() == before
        card = app.session.deck.get("hopfield-vs-boltzmann")
        assert card is not None and card.question == NEW_QUESTION
        assert card.number == 5 and card.topic_id == "boltzmann-machine"  # its place kept
    assert app.crash is None


async def test_an_editor_that_fails_leaves_the_card_as_it_was_and_says_so(
    store: Store,
    tmp_path: Path,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
    can_step_aside: None,
) -> None:
    use_editor(tmp_path, monkeypatch, EDIT + "exit 1\n")  # edits, then fails
    app, path = app_with_own_card(store, tmp_path, clock)
    before = path.read_bytes()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await open_browse(pilot)
        await select(pilot, "zebrafish", "zebrafish-card")
        await pilot.press("e")
        await until(pilot, lambda: any(n.title == "Not saved" for n in app._notifications))
        await pilot.pause()
        [note] = [n for n in app._notifications if n.title == "Not saved"]
        message = str(note.message)
        assert "\n" not in message and "Traceback" not in message
        assert message.startswith(
            f"the editor {str(tmp_path / 'editor.sh')!r} failed (exit status 1)"
        )
        assert "Not saved" in screen_text(app)
        # The card is as it was, on disk, in the deck and in the list.
        assert path.read_bytes() == before
        card = app.session.deck.get("zebrafish-card")
        assert card is not None and card.question == "What does the zebrafish card ask?"
        assert titles(app) == ["explain: Zebrafish card"]
    # Nothing typed is lost: the message names the draft holding the edited text.
    kept = re.search(r"your text is kept in (\S+\.md)$", message)
    assert kept is not None, message
    draft = Path(kept.group(1))
    assert NEW_QUESTION in draft.read_text()
    shutil.rmtree(draft.parent)
    assert app.crash is None


async def test_e_where_the_terminal_cannot_step_aside_says_so(
    store: Store, tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No patch: the headless driver cannot suspend, as some terminals cannot.
    use_editor(tmp_path, monkeypatch, EDIT)
    app, path = app_with_own_card(store, tmp_path, clock)
    before = path.read_bytes()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await open_browse(pilot)
        await select(pilot, "zebrafish", "zebrafish-card")
        await pilot.press("e")
        await until(pilot, lambda: "cannot hand itself to an editor" in screen_text(app))
        assert not (tmp_path / "seen.md").exists()  # the editor never ran
        assert path.read_bytes() == before
    assert app.crash is None
