"""Adding and editing the user's own cards in an editor: ``quiz add``, ``quiz edit ID``.

The card is written to a draft file, the editor runs on it, and what was saved is
checked as the deck would load it. A card with a mistake reopens in the editor with
the problem in a comment block on top (lines starting with ``#`` before the opening
``+++``, which the loader skips and which are not saved). An empty file, or one left
as it was, cancels. Only a card that loads is written into the card folder, under a
file name made from its id; until then, and whenever something fails, the draft is
kept and its path is named, so nothing typed is lost.

The editor is run by an :data:`EditorRunner`; :func:`run_editor` runs ``$EDITOR``
(split like a shell would), else ``nano``, else ``vi``. Tests pass their own.

The TUI calls :func:`add_card` and :func:`edit_card` with the terminal handed over
(``with app.suspend():``), then reloads the deck with :func:`quiz.userdeck.with_user_cards`.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from quiz.dbfile import reason
from quiz.deck import Card, Deck, comment_lines, parse_text, read_card, text_field_error
from quiz.errors import QuizError
from quiz.userdeck import OVERRIDES

EditorRunner = Callable[[Path], None]
"""Opens the editor on a file and returns once it is closed; raises QuizError when
the editor cannot be run or fails."""

TEMPLATE = """\
# A card of your own. Fill it in, save, and close the editor; an empty file cancels.
# Lines starting with '#' above the first +++ are not saved. Format: README, "Your own cards".
+++
id = "my-card"            # lower-case words joined by '-'; your progress is keyed on it
title = ""
question = ""
# topic = "softmax-relu"  # a topic's id makes this a follow-up of it; none: a topic of its own
tags = []                 # lower-case words, e.g. ["transformers"]
# demo = "softmax"        # a NumPy demo (quiz demo --list), optional

[[key_points]]
text = ""                 # a point a good answer makes
phrases = [""]            # how a typed answer shows it, e.g. "different subspace*"
+++
## Answer

"""


@dataclass(frozen=True)
class Outcome:
    """What ``quiz add``/``quiz edit`` did.

    Attributes:
        card_id: the card saved, or None when the user cancelled (or changed nothing).
        path: the file it was saved in, or None.
        message: one line to show the user.
    """

    card_id: str | None
    path: Path | None
    message: str


def editor_command() -> list[str]:
    """The editor: ``$EDITOR`` split like a shell would, else ``nano``, else ``vi``.

    Raises:
        QuizError: ``$EDITOR`` cannot be split or names no program there is, or no
            editor is set and neither fallback is installed.
    """
    value = os.environ.get("EDITOR", "").strip()
    if value:
        try:
            words = shlex.split(value)
        except ValueError as exc:
            raise QuizError(f"$EDITOR {value!r} cannot be read ({exc}); fix EDITOR") from None
        if not words or shutil.which(words[0]) is None:
            raise QuizError(
                f"the editor {words[0] if words else value!r} ($EDITOR) is not installed; "
                "set EDITOR to one that is, e.g. export EDITOR=nano"
            )
        return words
    for name in ("nano", "vi"):
        if shutil.which(name):
            return [name]
    raise QuizError(
        "no editor: EDITOR is not set and neither nano nor vi is installed; "
        "set EDITOR, e.g. export EDITOR=vim"
    )


def run_editor(path: Path) -> None:
    """Runs :func:`editor_command` on ``path`` in this terminal and waits for it.

    Raises:
        QuizError: the editor is missing, cannot start, or exits with a failure.
    """
    command = [*editor_command(), str(path)]
    try:
        status = subprocess.run(command, check=False).returncode
    except OSError as exc:
        raise QuizError(f"cannot run the editor {command[0]!r}: {reason(exc)}") from None
    if status != 0:
        raise QuizError(f"the editor {command[0]!r} failed (exit status {status})")


def add_card(deck: Deck, editor: EditorRunner = run_editor) -> Outcome:
    """``quiz add``: a new card from the template, saved in ``deck.user_folder``.

    Args:
        deck: the deck as loaded with the user's cards (for their folder, and the ids
            and topics a new card must fit among).
        editor: runs the editor on a file.

    Raises:
        QuizError: the folder is not writable, or the editor failed; the message names
            the draft when it holds text.
    """
    folder = card_folder(deck)
    text = _edit(TEMPLATE, "new-card", editor, lambda t: _check_new(t, deck, folder))
    if text is None:
        return Outcome(None, None, "cancelled: no card added")
    card = _parse(text, folder / "new.md")
    path = _free_name(folder, card.id)
    _save(path, text, draft=text)
    return Outcome(card.id, path, f"added card {card.id!r} in {path}")


def edit_card(deck: Deck, card_id: str, editor: EditorRunner = run_editor) -> Outcome:
    """``quiz edit ID``: edits the user's card in place; a built-in card is copied into
    ``overrides/`` of the user folder, and that copy replaces it from then on.

    Raises:
        QuizError: no card has this id, the folder is not writable, or the editor
            failed (the draft is named when it holds text).
    """
    card = deck.get(card_id)
    if card is None:
        raise QuizError(f"no card {card_id!r}; 'quiz add' makes a new one")
    folder = card_folder(deck)
    original = read_card(card.path)
    if card.origin == "built-in":
        note = (
            f"# {card_id} is a built-in card: your copy is saved as "
            f"{folder / OVERRIDES / (card_id + '.md')}\n"
            "# and replaces it from then on (delete that file to go back to the built-in card).\n"
        )
        start = note + _strip_comments(original)
        target = folder / OVERRIDES / f"{card_id}.md"
    else:
        start = (
            f"# Your card {card_id} ({card.path}). Save and close the editor; "
            "leave it unchanged to cancel.\n" + _strip_comments(original)
        )
        target = card.path
    text = _edit(start, card_id, editor, lambda t: _check_edit(t, card, deck, target))
    if text is None or (card.origin != "built-in" and text == _strip_comments(original)):
        return Outcome(None, None, f"no change: {card_id} is as it was")
    if card.origin != "user":  # the file says what it is to whoever opens it later
        text = _override_note(card_id, card.path if card.origin == "built-in" else None) + text
    _save(target, text, draft=text)
    if card.origin == "built-in":
        return Outcome(
            card_id,
            target,
            f"saved your copy of the built-in card {card_id!r} as {target}; it replaces the "
            "built-in card (delete the file to go back to it)",
        )
    return Outcome(card_id, target, f"saved card {card_id!r} in {target}")


def card_folder(deck: Deck) -> Path:
    """The user folder, made if missing, refused if it cannot be written (checked by
    writing: permission bits do not bind root, a read-only disk binds everyone)."""
    folder = deck.user_folder
    if folder is None:
        raise QuizError("no card folder; set QUIZ_CARDS or 'quiz config cards-folder DIR'")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise QuizError(
            f"cannot write cards in {folder}: {reason(exc)}; make it writable, or set "
            "QUIZ_CARDS (or 'quiz config cards-folder DIR') to another folder"
        ) from None
    return folder


def _override_note(card_id: str, builtin: Path | None) -> str:
    """The comment line atop a saved override (comment lines above ``+++`` are not
    part of the card)."""
    what = f"the built-in card {card_id}" + (f" ({builtin.name})" if builtin else "")
    return f"# Your copy of {what}: it replaces that card. Delete this file to go back to it.\n"


def _strip_comments(text: str) -> str:
    """``text`` without the comment block above its opening ``+++``."""
    lines = text.split("\n")
    return "\n".join(lines[comment_lines(lines) :])


ERROR_BLOCK = (
    "# quiz: this card was not saved:\n"
    "# {problem}\n"
    "# Fix it, then save and close the editor; empty the file to cancel. These lines go.\n"
)
ERROR_LINES = ERROR_BLOCK.count("\n")


def _edit(
    start: str, name: str, editor: EditorRunner, check: Callable[[str], str | None]
) -> str | None:
    """Runs the editor on ``start`` until what is saved passes ``check`` (which
    returns a problem, or None), the file is emptied (None), or the editor fails.

    Returns:
        The card text to save (its comment block stripped), or None: cancelled.
    """
    try:
        folder = Path(tempfile.mkdtemp(prefix="quiz-card-"))
    except OSError as exc:
        raise QuizError(f"cannot make a draft for the editor: {reason(exc)}") from None
    draft = folder / f"{name}.md"
    shown = start
    unchanged = _strip_comments(start)
    while True:
        try:
            draft.write_text(shown, encoding="utf-8")
        except OSError as exc:
            _give_up(folder, draft, unchanged, f"cannot write the draft {draft}: {reason(exc)}")
        try:
            editor(draft)
            saved = draft.read_text(encoding="utf-8")
        except (QuizError, OSError, UnicodeDecodeError) as exc:
            failure = str(exc) if isinstance(exc, QuizError) else reason(exc)
            _give_up(folder, draft, unchanged, failure)
        text = _strip_comments(saved.replace("\r\n", "\n"))
        if not text.strip() or (text == unchanged and shown == start):
            shutil.rmtree(folder, ignore_errors=True)
            return None
        if saved == shown:  # saved as it was shown: no way forward but to stop
            _give_up(folder, draft, unchanged, "the card was not saved: the mistake is still there")
        problem = check(ERROR_BLOCK.format(problem="") + text)
        if problem is None:
            shutil.rmtree(folder, ignore_errors=True)
            return text
        shown = ERROR_BLOCK.format(problem=_in_file(problem)) + text


def _give_up(folder: Path, draft: Path, unchanged: str, problem: str) -> NoReturn:
    """Raises QuizError for ``problem``, keeping the draft if it holds new text."""
    try:
        text = _strip_comments(draft.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        text = ""  # no draft to point to
    if text.strip() and text != unchanged:
        raise QuizError(f"{problem}; your text is kept in {draft}")
    shutil.rmtree(folder, ignore_errors=True)
    raise QuizError(problem)


DRAFT = Path("card.md")  # the name problems are checked under, shown as "line N"


def _in_file(problem: str) -> str:
    """A loader's message with the file name turned into "line N" of the draft."""
    message = re.sub(rf"^{re.escape(str(DRAFT))}:(\d+): ", r"line \1: ", problem)
    message = re.sub(rf"^{re.escape(str(DRAFT))}: ", "", message)
    return " ".join(message.split())


def _parse(text: str, path: Path) -> Card:
    from solvers import DEMOS

    return parse_text(path, text, DEMOS, user=True)


def _problem(text: str, deck: Deck, check_own: Callable[[Card], str | None]) -> str | None:
    try:
        card = _parse(text, DRAFT)
    except QuizError as exc:
        return str(exc)
    return check_own(card)


def _check_new(text: str, deck: Deck, folder: Path) -> str | None:
    """What is wrong with ``text`` as a new card of the user's, or None."""

    def fits(card: Card) -> str | None:
        other = deck.get(card.id)
        if other is not None:
            hint = (
                f"'quiz edit {card.id}' edits it"
                if other.origin == "user"
                else f"to change the built-in card, quit and run 'quiz edit {card.id}'"
            )
            return str(
                text_field_error(
                    DRAFT,
                    text,
                    "id",
                    f"{card.id!r} is taken by {other.path}; choose another ({hint})",
                )
            )
        return _fits(card, text, deck)

    return _problem(text, deck, fits)


def _check_edit(text: str, card: Card, deck: Deck, target: Path) -> str | None:
    """What is wrong with ``text`` as the new version of ``card``, or None."""

    def fits(new: Card) -> str | None:
        if new.id != card.id:
            return str(
                text_field_error(
                    DRAFT,
                    text,
                    "id",
                    f"is {new.id!r}, but this is card {card.id!r}: your progress is kept under "
                    "the id; put it back ('quiz add' makes a new card)",
                )
            )
        if card.origin != "user":  # an override keeps the built-in card's place
            if new.topic_id != card.topic_id:
                return str(
                    text_field_error(
                        DRAFT, text, "topic", f"must stay {card.topic_id!r} in a built-in card"
                    )
                )
            return None
        return _fits(new, text, deck)

    return _problem(text, deck, fits)


def _fits(card: Card, text: str, deck: Deck) -> str | None:
    """The rules of :mod:`quiz.userdeck` for a card of the user's own."""
    if card.number:
        return str(
            text_field_error(
                DRAFT, text, "number", "is set by quiz for your own cards: leave it out"
            )
        )
    if not card.is_core:
        home = deck.get(card.topic)
        if home is None or not home.is_core:
            topics = ", ".join(c.id for c in deck.topics[:20])
            return str(
                text_field_error(
                    DRAFT,
                    text,
                    "topic",
                    f"names {card.topic!r}, which is no topic; topics: {topics}",
                )
            )
    return None


def _free_name(folder: Path, card_id: str) -> Path:
    """``folder/ID.md``, or ``ID-2.md``... if a file has that name already."""
    path, n = folder / f"{card_id}.md", 1
    while os.path.lexists(path):
        n += 1
        path = folder / f"{card_id}-{n}.md"
    return path


def save_card(path: Path, text: str) -> None:
    """Writes ``text`` to ``path`` whole or not at all (a temporary file renamed).

    Raises:
        OSError: it could not be written.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".quiz-tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text if text.endswith("\n") else text + "\n")
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _save(path: Path, text: str, draft: str) -> None:
    """:func:`save_card`, keeping the text in a draft file when it fails."""
    try:
        save_card(path, text)
    except OSError as exc:
        problem = f"cannot save the card as {path}: {reason(exc)}"
        try:
            fd, kept = tempfile.mkstemp(prefix="quiz-card-", suffix=".md")
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(draft)
        except OSError:
            raise QuizError(f"{problem}, nor kept as a draft") from None
        raise QuizError(f"{problem}; your text is kept in {kept}") from None
