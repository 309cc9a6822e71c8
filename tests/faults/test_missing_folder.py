"""A database folder that cannot be created: one line, and nothing is written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .helpers import one_line_error


def test_a_folder_that_cannot_be_created_is_one_line(tmp_path: Path) -> None:
    # (Creating a missing folder is tested in test_store and test_cli.)
    blocker = tmp_path / "notes.txt"
    blocker.write_text("a file where a folder should be")
    # A command that writes, as only those create a missing database.
    write = ["config", "new-per-day", "5"]
    result = subprocess.run(
        [sys.executable, "-m", "quiz", "--db", str(blocker / "quiz" / "quiz.db"), *write],
        capture_output=True,
        text=True,
        timeout=60,
    )
    line = one_line_error(result)
    assert f"cannot create the folder {blocker / 'quiz'}" in line
    assert blocker.read_text() == "a file where a folder should be"
