"""A full disk: the grade that does not fit is refused whole, and once there is room
the next one goes through."""

from __future__ import annotations

from pathlib import Path

from conftest import Clock

from quiz.errors import QuizError
from quiz.session import Session

from .helpers import current_id, integrity, table


def test_a_full_disk_refuses_the_grade_whole_and_the_next_one_goes_through(
    db_path: Path, session: Session, clock: Clock
) -> None:
    store = session.store
    # SQLite's own cap on the file's size: past it, writing fails as on a full disk.
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages + 2}")
    failure = None
    for _ in range(5000):
        before = table(db_path, "reviews"), table(db_path, "cards")
        if session.current() is None:
            clock.advance(days=1)
            continue
        try:
            session.grade(current_id(session), 4, answer="a long typed answer " * 20)
        except QuizError as exc:
            failure = exc
            break
    assert failure is not None, "the capped file never filled up"
    assert (
        str(failure)
        == f"cannot write to {db_path}: the disk is full; free some space and try again"
    )
    assert (table(db_path, "reviews"), table(db_path, "cards")) == before
    assert not store.conn.in_transaction

    store.conn.execute("PRAGMA max_page_count = 1073741823")  # space freed
    card = session.current()
    assert card is not None
    session.grade(current_id(session), 5)
    assert len(table(db_path, "reviews")) == len(before[0]) + 1
    assert integrity(db_path) == "ok"
