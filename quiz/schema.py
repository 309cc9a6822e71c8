"""The database's tables, and the migrations from each schema version to the next."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils

SCHEMA_VERSION = 3
OUR_TABLES = {"cards", "reviews", "settings"}


def _create_v1(db: sqlite_utils.Database) -> None:
    db.table("cards").create(
        {
            "card_id": str,
            "ef_x100": int,
            "interval": int,
            "repetitions": int,
            "due": str,
            "lapses": int,
            "reviews": int,
            "last_grade": int,
            "last_day": str,
            "introduced": str,
        },
        pk="card_id",
        not_null={"ef_x100", "interval", "repetitions", "due", "lapses", "reviews"},
    )
    db.table("reviews").create(
        {
            "id": int,
            "card_id": str,
            "ts_ms": int,
            "day": str,
            "grade": int,
            "mode": str,
            "ef_before": int,
            "interval_before": int,
            "reps_before": int,
            "due_before": str,
            "ef_after": int,
            "interval_after": int,
            "reps_after": int,
            "due_after": str,
            "answer_ms": int,
            "answer": str,
        },
        pk="id",
        not_null={"card_id", "ts_ms", "day", "grade", "mode"},
        defaults={"answer": ""},
    )
    db.table("reviews").create_index(["day"])
    db.table("reviews").create_index(["card_id", "id"])
    db.table("cards").create_index(["due"])
    db.table("settings").create({"key": str, "value": str}, pk="key")


def _indexes_v2(db: sqlite_utils.Database) -> None:
    """Covering indexes for the progress figures on a long log: per-day counts read
    (day, mode, grade, answer_ms) from the index alone, and a card's last scheduling
    grades skip its re-drills and practice."""
    db.table("reviews").create_index(["day", "mode", "grade", "answer_ms"])
    db.table("reviews").create_index(["card_id", "mode", "id"])


def _actions_v3(db: sqlite_utils.Database) -> None:
    """Suspend, unsuspend, bury and leech rows join the log (:data:`quiz.records.ACTIONS`).
    Which cards are suspended or buried is read from them alone: a partial index holds
    just those rows, so the read is as quick on ten million grades as on ten."""
    db.execute(
        "CREATE INDEX idx_reviews_actions ON reviews (card_id, id)"
        " WHERE mode IN ('suspend', 'unsuspend', 'bury', 'leech')"
    )


# MIGRATIONS[v] upgrades a database at schema version v to version v + 1.
MIGRATIONS: dict[int, Callable[[sqlite_utils.Database], None]] = {
    0: _create_v1,
    1: _indexes_v2,
    2: _actions_v3,
}
