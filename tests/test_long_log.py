"""A long log: undo restores exactly what a replay of the log gives, and neither undo
nor a page of a topic's history reads a card's whole log."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quiz.records import Mode, Review
from quiz.store import Store

DAY = date(2026, 3, 3)
CARDS = ("mlp", "softmax-relu", "backprop")

Table = list[tuple[object, ...]]


def cards_table(store: Store) -> Table:
    return [tuple(r) for r in store.conn.execute("SELECT * FROM cards ORDER BY card_id")]


def replayed_table(store: Store) -> Table:
    """What a replay of the whole log makes of the cards table (the table is put back)."""
    kept = cards_table(store)
    store.rebuild()
    replayed = cards_table(store)
    with store.conn:
        store.conn.execute("DELETE FROM cards")
        store.conn.executemany(f"INSERT INTO cards VALUES ({', '.join('?' * 10)})", kept)
    return replayed


# One grade: the card, the grade, the mode, days on from the previous grade, and how
# many days an interview plan brings a scheduling review forward (0: SM-2's day).
Step = tuple[int, int, Mode, int, int]
steps = st.lists(
    st.tuples(
        st.integers(0, len(CARDS) - 1),
        st.integers(0, 5),
        st.sampled_from(["review", "review", "drill", "practice"]),
        st.sampled_from([0, 0, 1, 3, 20]),
        st.sampled_from([0, 0, 0, 2, 9]),
    ),
    max_size=30,
)


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """One database for every example (emptied at the start of each): a new file an
    example would spend most of the test's time on the schema."""
    with Store.open(tmp_path_factory.mktemp("undo") / "quiz.db") as store:
        yield store


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=steps)
def test_undo_restores_what_a_replay_gives(shared_store: Store, steps: list[Step]) -> None:
    """Every grade undone, newest first, leaves the cards table exactly as it was
    before that grade, and as a replay of the log that is left makes it: first
    reviews (the card is new again), lapses, re-drills and practice (no schedule
    moved), days skipped and plan-shortened due dates included."""
    store = shared_store
    with store.conn:
        store.conn.execute("DELETE FROM reviews")
        store.conn.execute("DELETE FROM cards")
    day = DAY
    tables: list[Table] = []
    for card, grade, mode, gap, earlier in steps:
        day += timedelta(days=gap)
        tables.append(cards_table(store))

        def shift(due: date, k: int = earlier) -> date:
            return due - timedelta(days=k)

        store.record(CARDS[card], grade, mode, day=day, ts_ms=0, schedule=shift)
    for (card, grade, mode, _, _), before in zip(reversed(steps), reversed(tables), strict=True):
        undone = store.undo_last()
        assert undone is not None and (undone.card_id, undone.grade, undone.mode) == (
            CARDS[card],
            grade,
            mode,
        )
        assert cards_table(store) == before
        assert cards_table(store) == replayed_table(store)
    assert store.undo_last() is None


def test_a_row_with_empty_state_columns_is_undone_by_replay(store: Store) -> None:
    """The schema lets a row's SM-2 columns be empty (a row written by hand or by an
    import): undo then replays the card's log, whose grades are the truth."""
    for grade, day in ((4, DAY), (5, DAY + timedelta(days=1)), (2, DAY + timedelta(days=7))):
        store.record("mlp", grade, "review", day=day, ts_ms=0)
    store.record("mlp", 3, "review", day=DAY + timedelta(days=8), ts_ms=0)
    store.record("mlp", 5, "drill", day=DAY + timedelta(days=8), ts_ms=0)
    with store.conn:
        store.conn.execute(
            "UPDATE reviews SET ef_before = NULL, interval_after = NULL, reps_before = NULL"
            " WHERE grade IN (4, 3, 5)"
        )
    undone = store.undo_last()  # the drill: nothing moves
    assert undone is not None and (undone.grade, undone.mode) == (5, "drill")
    undone = store.undo_last()  # the 3, after 4 5 2: back to 4 5 2
    assert undone is not None and undone.grade == 3
    # 4 5 2 by SM-2: reps 1 2 then a failure: interval 1, reps 0; EF 2.5 2.6 2.28.
    assert undone.before.interval == 1 and undone.before.repetitions == 0
    assert undone.before.easiness == pytest.approx(2.28)
    state = store.card_state("mlp")
    assert state is not None and state.state == undone.before
    assert (state.lapses, state.reviews, state.last_grade) == (1, 3, 2)
    assert state.due == DAY + timedelta(days=8)
    assert cards_table(store) == replayed_table(store)


def test_a_cards_table_that_does_not_hold_the_last_grade_is_replayed(store: Store) -> None:
    store.record("mlp", 4, "review", day=DAY, ts_ms=0)
    expected = cards_table(store)
    store.record("mlp", 5, "review", day=DAY + timedelta(days=1), ts_ms=0)
    with store.conn:
        store.conn.execute("DELETE FROM cards")  # e.g. emptied by hand
    store.undo_last()
    assert cards_table(store) == expected


def vm_steps(store: Store, action: Callable[[], object]) -> int:
    """SQLite virtual-machine instructions ``action`` runs (in hundreds): the work a
    query does, the same on any machine, unlike its time."""
    count = 0

    def tick() -> int:
        nonlocal count
        count += 1
        return 0

    store.conn.set_progress_handler(tick, 100)
    try:
        action()
    finally:
        store.conn.set_progress_handler(None, 0)
    return count


def long_log(path: Path, grades: int) -> None:
    rows = [
        (
            "mlp",
            0,
            (DAY + timedelta(days=i // 3)).isoformat(),
            # Every third scheduling review fails: an interval that only grew would
            # soon pass the last date there is.
            (4, 5, 2)[i // 3 % 3] if i % 3 == 0 else 5,
            ("review", "drill", "practice")[i % 3],
        )
        for i in range(grades)
    ]
    with Store.open(path) as store:
        store.append_reviews(
            {"card_id": c, "ts_ms": t, "day": date.fromisoformat(d), "grade": g, "mode": m}
            for c, t, d, g, m in rows
        )


@pytest.mark.parametrize("mode", ["review", "drill", "practice"])
def test_undo_does_not_read_the_cards_whole_log(tmp_path: Path, mode: Mode) -> None:
    """Undo on a card with 6,000 grades does the work it does on one with 6: a long
    history never makes ``u`` wait (it replayed the whole log: seconds at 10M)."""
    work = {}
    for grades in (6, 6_000):
        path = tmp_path / f"{grades}.db"
        long_log(path, grades)
        with Store.open(path) as store:
            day = DAY + timedelta(days=grades)
            store.record("mlp", 4, mode, day=day, ts_ms=0)
            work[grades] = vm_steps(store, store.undo_last)
            assert store.review_count() == grades
            assert cards_table(store) == replayed_table(store)
    assert work[6_000] <= 2 * work[6] + 5, work


def two_pages(store: Store) -> tuple[int, list[int], list[int]]:
    """The work of reading a card's newest 20 grades and the 20 before them, and
    the ids read, newest first."""
    newest = store.reviews_page("mlp", limit=20)
    pages: list[list[Review]] = []
    steps = vm_steps(store, lambda: pages.append(store.reviews_page("mlp", limit=20)))
    steps += vm_steps(
        store,
        lambda: pages.append(store.reviews_page("mlp", older_than=newest[-1].id, limit=20)),
    )
    return steps, [r.id for r in pages[0]], [r.id for r in pages[1]]


def test_a_history_page_does_not_read_the_cards_whole_log(tmp_path: Path) -> None:
    """The newest page, and one further back, cost the same on 6,000 grades as on
    60: the topic history opens at once on any log (it read it all: 9 s at 1M)."""
    work = {}
    for grades in (60, 6_000):
        path = tmp_path / f"{grades}.db"
        long_log(path, grades)
        with Store.open(path) as store:
            ids = [r[0] for r in store.conn.execute("SELECT id FROM reviews ORDER BY id DESC")]
            work[grades], newest, older = two_pages(store)
            assert newest == ids[:20] and older == ids[20:40]
    assert work[6_000] <= 2 * work[60] + 5, work
