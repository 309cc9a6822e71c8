"""Helpers for the backup and restore tests: a small history on fixed days, read back
through plain ``sqlite3`` connections (not the code under test), and the ``quiz``
command run as a user runs it."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from quiz.store import Store

TZ = timezone(timedelta(hours=1))
DAY = date(2026, 3, 3)


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def grade(store: Store, card: str, g: int, day: date = DAY, mode: str = "review") -> None:
    store.record(card, g, mode, day=day, ts_ms=0, answer=f"{card} {g}")  # type: ignore[arg-type]


def rows(path: Path, table: str) -> list[tuple[object, ...]]:
    """Every row of ``table``, through a plain connection (not the code under test)."""
    conn = sqlite3.connect(path)
    try:
        order = "id" if table == "reviews" else "card_id"
        return conn.execute(f"SELECT * FROM {table} ORDER BY {order}").fetchall()
    finally:
        conn.close()


def make_history(db_path: Path) -> None:
    with Store.open(db_path) as store:
        for i, card in enumerate(("mlp", "softmax-relu", "cost-function")):
            grade(store, card, 4, DAY - timedelta(days=9))
            grade(store, card, 2 + i, DAY - timedelta(days=8))
            grade(store, card, 5, DAY - timedelta(days=8), mode="drill")
        grade(store, "mlp", 1, mode="practice")


def quiz(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "quiz", *args], capture_output=True, text=True, timeout=60
    )
