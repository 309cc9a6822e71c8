"""Two instances at once: two processes grading one database, a third reading it,
and two bulk loaders appending to it."""

from __future__ import annotations

import random
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import CONTENT

from quiz.deck import Deck
from quiz.store import Store

from .helpers import REPO, START, assert_consistent, child_command, integrity, table


def test_two_instances_grade_one_database_at_once(tmp_path: Path, deck: Deck) -> None:
    db = tmp_path / "new" / "quiz.db"  # missing: both create it at the same moment
    n = 300
    graders = [
        subprocess.Popen(
            child_command("half_grader", str(db), str(CONTENT), str(half), str(n)),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for half in (0, 1)
    ]
    for grader in graders:
        assert grader.stdout is not None and grader.stdout.readline() == "ready\n", (
            grader.communicate(timeout=30)
        )
    reader = subprocess.Popen(
        child_command("reader", str(db), str(CONTENT)),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert reader.stdout is not None and reader.stdout.readline() == "ready\n"
    for grader in graders:
        assert grader.stdin is not None
        grader.stdin.write("go\n")
        grader.stdin.flush()
    outcomes = [grader.communicate(timeout=60) for grader in graders]
    reads, reader_errors = reader.communicate("", timeout=60)
    for grader, (out, err) in zip(graders, outcomes, strict=True):
        assert grader.returncode == 0 and out == "done\n", err
        assert err == ""
    assert reader.returncode == 0 and reader_errors == "" and int(reads) > 0
    assert integrity(db) == "ok"
    with Store.open(db) as store:
        assert store.review_count() == 2 * n
        for half in (0, 1):
            ids = [c.id for c in deck][half::2]
            count = sum(len(store.reviews_of(cid)) for cid in ids)
            assert count == n, f"instance {half} logged {count} of its {n} grades"
    assert_consistent(db, deck, START).store.close()


def test_two_history_makers_append_to_one_database_at_once(tmp_path: Path) -> None:
    db = tmp_path / "history" / "quiz.db"
    script = REPO / "tests" / "perf" / "make_history.py"
    makers = [
        subprocess.Popen(
            [
                sys.executable,
                str(script),
                str(db),
                "3000",
                *("--chunk", "400", "--days", "40"),
                *("--seed", str(seed)),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for seed in (1, 2)
    ]
    for maker in makers:
        out, err = maker.communicate(timeout=120)
        assert maker.returncode == 0, err
        assert "appended 3,000 reviews" in out
    assert integrity(db) == "ok"
    with Store.open(db) as store:
        assert store.review_count() == 6000
        cards = store.card_states()
        store.rebuild()
        assert store.card_states() == cards


def test_append_reviews_is_record_in_bulk(tmp_path: Path, deck: Deck) -> None:
    """The bulk path logs exactly what grading one at a time does, and a bad row
    writes nothing."""
    rng = random.Random(7)
    grades: list[dict[str, Any]] = []
    for i in range(400):
        card = rng.choice(list(deck)).id
        mode = rng.choice(["review", "review", "drill", "practice"])
        day = date(2026, 1, 1) + timedelta(days=i // 10)
        grades.append(
            {
                "card_id": card,
                "day": day,
                "ts_ms": i,
                "grade": rng.randrange(6),
                "mode": mode,
                "answer_ms": i,
                "answer": f"a{i}",
            }
        )
    one, bulk = tmp_path / "one.db", tmp_path / "bulk.db"
    with Store.open(one) as store:
        for g in grades:
            store.record(
                g["card_id"],
                g["grade"],
                g["mode"],
                day=g["day"],
                ts_ms=g["ts_ms"],
                answer=g["answer"],
                answer_ms=g["answer_ms"],
            )
    with Store.open(bulk) as store:
        assert store.append_reviews(grades[:150]) == 150
        assert store.append_reviews(iter(grades[150:])) == 250
        with pytest.raises(ValueError):
            store.append_reviews([grades[0], {**grades[1], "grade": 9}])
    assert table(bulk, "reviews") == table(one, "reviews")
    assert table(bulk, "cards") == table(one, "cards")
