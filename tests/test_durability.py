"""A grade shown as saved survives a power cut: each commit is synced to the disk.

In WAL mode with ``synchronous=NORMAL`` SQLite syncs the log only at checkpoints, so
the last grades before a power cut can be lost; with ``FULL`` every commit ends with
a sync of the log. A power cut cannot be staged in a test, so the test counts the
syncs themselves: a child process grades under ``strace``, and between two markers
it writes, each grade must be followed by its own ``fdatasync``/``fsync``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from quiz.store import Store

GRADES = 5

GRADER = f"""
import os, sys
from datetime import date
from quiz.store import Store
store = Store.open(sys.argv[1])
store.db  # sqlite-utils loaded before the markers
os.write(2, b"grading\\n")
for i in range({GRADES}):
    store.record("mlp", 4, "practice", day=date(2026, 3, 3), ts_ms=i)
os.write(2, b"graded\\n")
store.close()
"""


def test_every_grade_is_synced_to_disk_before_the_call_returns(db_path: Path) -> None:
    if shutil.which("strace") is None:
        pytest.skip("counts the syncs with strace, which is not installed")
    Store.open(db_path).close()  # created and migrated before the count
    trace = db_path.parent / "trace"
    strace = ["strace", "-f", "-o", str(trace), "-e", "trace=fsync,fdatasync,write"]
    result = subprocess.run(
        [*strace, sys.executable, "-c", GRADER, str(db_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode != 0 and "ptrace" in result.stderr:
        pytest.skip(f"strace cannot trace here: {result.stderr.strip()}")
    assert result.returncode == 0, result.stderr
    lines = trace.read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if '"grading\\n"' in line)
    end = next(i for i, line in enumerate(lines) if '"graded\\n"' in line)
    syncs = [line for line in lines[start:end] if re.search(r"\bf(data)?sync\(", line)]
    assert len(syncs) >= GRADES, f"{len(syncs)} syncs for {GRADES} grades:\n" + "\n".join(
        lines[start : end + 1]
    )
    with Store.open(db_path) as store:
        assert store.review_count() == GRADES


def test_every_connection_syncs_at_each_commit(db_path: Path) -> None:
    Store.open(db_path).close()
    for create in (True, False):  # the app's and the reading commands' connections
        with Store.open(db_path, create=create) as store:
            assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
