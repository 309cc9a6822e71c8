"""Killed mid-session: SIGKILL at random moments loses no grade and the session
resumes. (The test sleeps for a random moment before each kill: that moment is the
point of the test.)"""

from __future__ import annotations

import random
import signal
import subprocess
import threading
import time
from datetime import datetime
from pathlib import Path

from conftest import CONTENT

from quiz.deck import Deck
from quiz.store import Store

from .helpers import START, TZ, assert_consistent, child_command, integrity


def kill_rounds(db: Path, deck: Deck, rounds: int, seed: int) -> tuple[int, int]:
    """Starts the grader ``rounds`` times and SIGKILLs it at a random moment; checks
    the database after each kill. Returns (kills while grading, grades reported)."""
    rng = random.Random(seed)
    mid_grading = reported_total = 0
    for round_no in range(rounds):
        child = subprocess.Popen(
            child_command("killed_grader", str(db), str(CONTENT), str(seed * 1000 + round_no)),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None
        seen = ""  # what was read of its output before the kill
        if rng.random() < 0.3:
            # Anywhere from start-up through opening (creating, migrating) the file.
            time.sleep(rng.uniform(0.0, 0.4))
        else:
            assert child.stdout.readline() == "ready\n", child.stderr and child.stderr.read()
            # A few grades in (counted, not timed: a slow machine grades as many),
            # then at a random moment of the next ones.
            for _ in range(rng.randint(2, 12)):
                seen += child.stdout.readline()
            time.sleep(rng.uniform(0.0, 0.03))
            mid_grading += 1
        child.send_signal(signal.SIGKILL)
        out, err = child.communicate(timeout=30)
        out = seen + out
        assert child.returncode == -signal.SIGKILL, err
        # Only whole lines: a line cut short was still being printed.
        reported = [
            int(line)
            for line in out.splitlines(keepends=True)
            if line.strip().isdigit() and line.endswith("\n")
        ]
        assert reported == sorted(reported)
        reported_total += len(reported)
        if not db.exists():
            assert not reported
            continue
        assert integrity(db) == "ok"
        # Opened as the next `quiz` would (a file killed while being created is
        # finished here), then every grade reported as saved must be in it.
        with Store.open(db) as store:
            ids = {row[0] for row in store.conn.execute("SELECT id FROM reviews")}
            review = store.last_review()
            now = datetime.fromtimestamp(review.ts_ms / 1000, TZ) if review else START
        missing = set(reported) - ids
        assert not missing, f"round {round_no}: grades reported as saved are gone: {missing}"
        assert_consistent(db, deck, now).store.close()
    return mid_grading, reported_total


def test_killed_mid_session_loses_no_grade_and_resumes(tmp_path: Path, deck: Deck) -> None:
    """30 SIGKILLs at random moments, in two lanes (two databases) at once to use both
    cores: after each, every grade the grader reported is there, the file passes
    integrity_check, and the session resumes with a consistent queue."""
    results: dict[int, tuple[int, int]] = {}
    errors: list[BaseException] = []

    def lane(number: int) -> None:
        try:
            results[number] = kill_rounds(
                tmp_path / f"lane{number}" / "quiz.db", deck, 15, number + 1
            )
        except BaseException as exc:  # reported by the test thread below
            errors.append(exc)

    threads = [threading.Thread(target=lane, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    mid_grading = sum(r[0] for r in results.values())
    reported = sum(r[1] for r in results.values())
    assert mid_grading >= 10, "too few kills landed while grading to prove anything"
    assert reported >= 100, f"only {reported} grades were made before the kills"
