"""Hostile input at the command line: files, folders, names, output and rows that
are not what ``quiz`` expects.

Each ends with one clear line on stderr (``quiz: error: ...``) and a non-zero
status, without a traceback, without a hang, and without changing anything the user
made. Commands run as a user runs them: a subprocess, with a timeout so that a hang
fails the test instead of stalling it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

from conftest import CONTENT
from hostile import HostileCard, write_card
from test_faults import as_user, permissions_apply  # noqa: F401  (a fixture)

from quiz.store import Store

LONG_NAME = "x" * 300  # longer than any file system allows a name to be


def quiz(
    *args: str,
    env: dict[str, str] | None = None,
    stdout: int | None = subprocess.PIPE,
    user: bool = False,
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-m", "quiz", *args]
    return subprocess.run(
        as_user(argv) if user else argv,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=timeout,
    )


def one_line(result: subprocess.CompletedProcess[str], status: int = 1) -> str:
    """The one error line of a command that failed as promised."""
    assert "Traceback" not in result.stderr, result.stderr
    assert "unexpected error" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("quiz: error: "), lines[0]
    assert result.returncode == status, (result.returncode, result.stderr)
    return lines[0]


def history(db: Path) -> Path:
    """A database with a few grades."""
    with Store.open(db) as store:
        store.record("mlp", 4, "review", day=date(2026, 3, 2), ts_ms=1, answer="layers")
        store.record("softmax-relu", 2, "review", day=date(2026, 3, 2), ts_ms=2, answer="exp")
    return db


def copy_content(folder: Path) -> Path:
    shutil.copytree(CONTENT, folder)
    return folder


# -- cards ------------------------------------------------------------------------------


def test_a_line_separator_inside_a_cards_text_is_text(tmp_path: Path) -> None:
    # U+2028, U+0085 and the other separators Python's splitlines() splits on are
    # allowed as they are inside a TOML string: the card must load with them.
    from quiz.deck import load_deck

    folder = tmp_path / "content"
    folder.mkdir()
    title = "One\u2028two\x85three\x1cfour"
    write_card(folder, HostileCard("sep", 1, title, "Why\u2029?", ("p",), ("k",), (), "Body"))
    [card] = load_deck(folder)
    assert card.title == title and card.question == "Why\u2029?"
