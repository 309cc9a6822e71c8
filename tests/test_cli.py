"""The ``quiz`` command, run as a user runs it: a subprocess on a temporary database."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from quiz import __version__


def quiz(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "quiz", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        timeout=60,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], status: int) -> str:
    assert result.returncode == status
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 or (status == 2 and lines[0].startswith("usage:"))
    return lines[-1]


def test_version() -> None:
    result = quiz("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"quiz {__version__}"


def test_help_names_every_command() -> None:
    result = quiz("--help")
    assert result.returncode == 0
    for command in ("list", "stats", "demo", "--db"):
        assert command in result.stdout


def test_list_shows_every_topic_in_order_on_a_fresh_database(tmp_path: Path) -> None:
    db = tmp_path / "new" / "quiz.db"
    result = quiz("--db", str(db), "list", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["#", "Topic", "State", "Next", "review"]
    numbers = [int(line.split()[0]) for line in lines[1:]]
    assert numbers == list(range(1, 16))
    assert all(" new " in line for line in lines[1:])
    assert db.exists()


def test_list_shows_state_and_due_date_after_a_grade(tmp_path: Path) -> None:
    from datetime import timedelta

    from quiz.days import local_now, study_day
    from quiz.store import Store

    db = tmp_path / "quiz.db"
    today = study_day(local_now())
    with Store.open(db) as store:
        store.record("mlp", 5, "review", day=today - timedelta(days=3), ts_ms=0)
        store.record("softmax-relu", 4, "review", day=today, ts_ms=0)
    lines = quiz("--db", str(db), "list").stdout.splitlines()
    mlp = next(line for line in lines if line.lstrip().startswith("3 "))
    softmax = next(line for line in lines if line.lstrip().startswith("12 "))
    assert "learning" in mlp and "overdue 2d" in mlp
    assert "learning" in softmax and "tomorrow" in softmax


def test_stats_json_on_a_fresh_database(tmp_path: Path) -> None:
    result = quiz("stats", "--json", "--db", str(tmp_path / "q.db"))
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert figures["cards"] == 15 and figures["new"] == 15
    assert figures["reviews"] == 0 and figures["streak"] == 0 and figures["due_today"] == 0


def test_stats_counts_reviews_and_streak(tmp_path: Path) -> None:
    from datetime import timedelta

    from quiz.days import local_now, study_day
    from quiz.store import Store

    db = tmp_path / "quiz.db"
    today = study_day(local_now())
    with Store.open(db) as store:
        for back, card in ((2, "mlp"), (1, "softmax-relu"), (0, "cost-function")):
            store.record(card, 5, "review", day=today - timedelta(days=back), ts_ms=0)
    figures = json.loads(quiz("stats", "--json", "--db", str(db)).stdout)
    assert figures["reviews"] == 3 and figures["streak"] == 3 and figures["new"] == 12
    # Each first review sets a one-day interval: the cards of two days ago and of
    # yesterday are due, today's is not.
    assert figures["due_today"] == 2
    text = quiz("stats", "--db", str(db))
    assert text.returncode == 0 and "Streak: 3" in text.stdout


def test_quiz_db_environment_variable_picks_the_database(tmp_path: Path) -> None:
    db = tmp_path / "from-env.db"
    assert quiz("stats", env={"QUIZ_DB": str(db)}).returncode == 0
    assert db.exists()


def test_default_database_lives_in_the_user_data_folder(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "QUIZ_DB"}
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    env["HOME"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "quiz", "stats", "--json"], capture_output=True, text=True, env=env
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "data" / "quiz" / "quiz.db").exists()


@pytest.mark.parametrize("args", [["--bogus"], ["nonsense"], ["stats", "--jsn"]])
def test_usage_errors_exit_2(args: list[str]) -> None:
    assert_one_line_error(quiz(*args), 2)


def test_a_damaged_database_is_one_line_and_untouched(tmp_path: Path) -> None:
    db = tmp_path / "quiz.db"
    db.write_bytes(b"definitely not sqlite" * 100)
    line = assert_one_line_error(quiz("--db", str(db), "list"), 1)
    assert str(db) in line and "backup" in line
    assert db.read_bytes() == b"definitely not sqlite" * 100


def test_a_newer_database_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "quiz.db"
    assert quiz("--db", str(db), "list").returncode == 0
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA user_version = 99")
    line = assert_one_line_error(quiz("--db", str(db), "stats"), 1)
    assert "newer version" in line


def test_a_broken_card_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "content"
    folder.mkdir()
    (folder / "01-x.md").write_text("+++\nid = 'x'\nnumber = 1\n+++\nbody\n", encoding="utf-8")
    line = assert_one_line_error(
        quiz("list", "--db", str(tmp_path / "q.db"), env={"QUIZ_CONTENT": str(folder)}), 1
    )
    assert "01-x.md" in line and "'title' is missing" in line


def test_an_unwritable_location_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    line = assert_one_line_error(quiz("--db", str(blocker / "sub" / "q.db"), "list"), 1)
    assert "cannot create the folder" in line


def test_demo_delegates_to_the_solvers(tmp_path: Path) -> None:
    result = quiz("demo", "softmax", "--set", "logits=1000,1001", "--json")
    assert result.returncode == 0, result.stderr
    done = json.loads(result.stdout.splitlines()[-1])
    assert done["type"] == "done" and done["ok"]
    assert abs(sum(done["metrics"]["probabilities"]) - 1) < 1e-12
    bad = quiz("demo", "softmax", "--set", "temperature=hot")
    assert bad.returncode == 2 and "quiz demo" in bad.stderr and "temperature" in bad.stderr
    assert quiz("demo", "--help").stdout.startswith("usage: quiz demo")


def test_commands_work_from_any_folder(tmp_path: Path) -> None:
    result = quiz("list", "--db", str(tmp_path / "q.db"), cwd=Path("/"))
    assert result.returncode == 0 and len(result.stdout.splitlines()) == 16


def test_config_shows_sets_and_clears(tmp_path: Path) -> None:
    db = ["--db", str(tmp_path / "q.db")]
    shown = quiz("config", *db)
    assert shown.returncode == 0 and "interview-date  not set" in shown.stdout
    assert "new-per-day     15" in shown.stdout
    assert quiz("config", "interview-date", "2031-01-15", *db).returncode == 0
    assert quiz("config", "new-per-day", "3", *db).returncode == 0
    assert "interview-date  2031-01-15" in quiz("config", *db).stdout
    figures = json.loads(quiz("stats", "--json", *db).stdout)
    assert figures["interview"]["date"] == "2031-01-15" and figures["interview"]["ready"] == 0
    assert figures["new_today"] == 3
    assert "Interview 2031-01-15: in" in quiz("stats", *db).stdout
    assert quiz("config", "interview-date", "--clear", *db).returncode == 0
    assert json.loads(quiz("stats", "--json", *db).stdout)["interview"] is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["interview-date", "next tuesday"], "must be a date"),
        (["new-per-day", "500"], "from 0 to 100"),
        (["rollover-hour", "x"], "whole number"),
        (["colour", "blue"], "unknown setting"),
        (["new-per-day"], "give a VALUE"),
    ],
)
def test_config_refuses_bad_values(tmp_path: Path, args: list[str], message: str) -> None:
    line = assert_one_line_error(quiz("config", *args, "--db", str(tmp_path / "q.db")), 1)
    assert message in line


def test_due_prints_one_short_line(tmp_path: Path) -> None:
    result = quiz("due", "--db", str(tmp_path / "q.db"))
    assert result.returncode == 0 and result.stdout == "0 due, 15 new\n"


def test_export_writes_the_log_and_the_deck(tmp_path: Path) -> None:
    from datetime import date

    from quiz.store import Store

    db = tmp_path / "q.db"
    with Store.open(db) as store:
        store.record("mlp", 5, "review", day=date(2026, 1, 2), ts_ms=0, answer="xor")
    csv_text = quiz("export", "--format", "csv", "--db", str(db)).stdout
    assert csv_text.splitlines()[0].startswith("id,card_id,time") and ",xor" in csv_text
    out = tmp_path / "log.json"
    result = quiz("export", "--format", "json", "-o", str(out), "--db", str(db))
    assert result.returncode == 0 and json.loads(out.read_text())[0]["answer"] == "xor"
    result = quiz("export", "--format", "apkg", "--db", str(db), cwd=tmp_path)
    assert result.returncode == 0 and (tmp_path / "quiz-deck.apkg").stat().st_size > 1000
    bad = quiz("export", "--format", "csv", "-o", str(tmp_path / "no" / "dir.csv"), "--db", str(db))
    assert "cannot write" in assert_one_line_error(bad, 1)
