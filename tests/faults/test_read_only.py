"""Read-only files and folders: what can be read is, a write is refused with one
line, and nothing changes."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from conftest import CONTENT

from quiz.store import Store

from .helpers import (
    as_user,
    child_command,
    one_line_error,
    permissions_apply,  # noqa: F401  (a fixture)
    table,
)


def quiz_as_user(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        as_user([sys.executable, "-m", "quiz", *args]),
        capture_output=True,
        text=True,
        timeout=60,
    )


def saved_history(db: Path) -> None:
    with Store.open(db) as store:
        store.record("mlp", 4, "review", day=date(2026, 3, 3), ts_ms=0)
        store.record("softmax-relu", 2, "review", day=date(2026, 3, 3), ts_ms=1)


@pytest.mark.usefixtures("permissions_apply")
def test_a_read_only_database_can_be_read_but_a_grade_is_refused_cleanly(tmp_path: Path) -> None:
    db = tmp_path / "quiz.db"
    saved_history(db)
    db.chmod(0o444)
    content = db.read_bytes()

    listed = quiz_as_user("--db", str(db), "list")
    assert listed.returncode == 0, listed.stderr
    assert "Multilayer perceptron" in listed.stdout

    graded = subprocess.run(
        as_user(child_command("grade_one", str(db), str(CONTENT))),
        capture_output=True,
        text=True,
    )
    assert graded.returncode == 1 and "Traceback" not in graded.stderr, graded.stderr
    assert graded.stdout.strip() == f"cannot write to {db}: the file is read-only"

    changed = quiz_as_user("--db", str(db), "config", "new-per-day", "5")
    line = one_line_error(changed)
    assert str(db) in line and "read-only" in line
    assert db.read_bytes() == content
    assert len(table(db, "reviews")) == 2


@pytest.mark.usefixtures("permissions_apply")
def test_a_database_in_a_read_only_folder_is_refused_with_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "quiz.db"
    saved_history(db)
    content = db.read_bytes()
    folder.chmod(0o555)
    try:
        line = one_line_error(quiz_as_user("--db", str(db), "stats"))
        assert str(db) in line and "folder is read-only" in line
        assert "damaged" not in line  # the file is fine: do not send the user to a backup
        # A command that writes creates a missing database (one that only reads
        # refuses it, creating nothing: see test_cli).
        new = quiz_as_user("--db", str(folder / "new.db"), "config", "new-per-day", "5")
        line = one_line_error(new)
        assert line == (
            f"quiz: error: cannot create {folder / 'new.db'}: the folder {folder} is "
            "read-only; pass --db with a file in a folder you can write to"
        )
        line = one_line_error(quiz_as_user("--db", str(db), "backup"))
        assert str(db) in line and "folder is read-only" in line
    finally:
        folder.chmod(0o755)
    assert db.read_bytes() == content
    assert sorted(p.name for p in folder.iterdir()) == ["quiz.db"]
