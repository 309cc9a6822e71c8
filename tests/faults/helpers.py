"""Helpers shared by the fault tests: the child programs, and checks of a database
read through plain ``sqlite3`` connections."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from quiz.deck import Deck
from quiz.session import Session
from quiz.store import Store

REPO = Path(__file__).resolve().parents[2]
CHILDREN = Path(__file__).resolve().parent / "children"
TZ = timezone(timedelta(hours=1))
START = datetime(2026, 3, 3, 10, 0, tzinfo=TZ)


def child_command(name: str, *args: str) -> list[str]:
    """The command that runs the child program ``children/<name>.py`` with ``args``."""
    return [sys.executable, str(CHILDREN / f"{name}.py"), *args]


def integrity(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def table(db: Path, name: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        order = "id" if name == "reviews" else "card_id"
        return conn.execute(f"SELECT * FROM {name} ORDER BY {order}").fetchall()
    finally:
        conn.close()


def assert_consistent(db: Path, deck: Deck, now: datetime) -> Session:
    """The database is sound and today's session works on it: the queue has each
    card once, matches the header's counts, and the cards table is exactly what
    replaying the log gives."""
    assert integrity(db) == "ok"
    store = Store.open(db)
    session = Session(store, deck, now=lambda: now)
    session.current()
    queue = [item.card.id for item in session.queue()]
    assert len(queue) == len(set(queue)) == session.progress().left
    cards = table(db, "cards")
    store.rebuild()
    assert table(db, "cards") == cards
    return session


def current_id(session: Session) -> str:
    """The id of the card the session asks now (the test is wrong if there is none)."""
    item = session.current()
    assert item is not None, "no card is due"
    return item.card.id


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("quiz: error: ")
    return lines[0]


# Root ignores file permissions (CAP_DAC_OVERRIDE); a user does not. As root, run the
# command without those capabilities: then permissions apply as they do to a user.
DROP_OVERRIDES = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--"]


def as_user(argv: list[str]) -> list[str]:
    return [*DROP_OVERRIDES, *argv] if os.geteuid() == 0 else argv


@pytest.fixture
def permissions_apply(tmp_path: Path) -> None:
    """Skips unless a read-only folder really stops the tests' commands from writing."""
    if os.geteuid() == 0 and shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv (util-linux): permissions would not apply")
    probe = tmp_path / "probe"
    probe.mkdir()
    probe.chmod(0o555)
    result = subprocess.run(
        as_user([sys.executable, "-c", f"open({str(probe / 'x')!r}, 'w')"]),
        capture_output=True,
        text=True,
    )
    probe.chmod(0o755)
    if result.returncode == 0:
        pytest.skip("this system lets the tests write into read-only folders")
