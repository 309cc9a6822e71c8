"""The ``quiz`` command, run as a user runs it: a subprocess on a temporary database."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from quiz import __version__
from quiz.deck import load_deck


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


def new_database(path: Path) -> Path:
    """A database as the first run of ``quiz`` leaves it: no reviews, no settings."""
    from quiz.store import Store

    Store.open(path).close()
    return path


def files_under(folder: Path) -> set[Path]:
    return set(folder.rglob("*"))


def test_list_shows_every_topic_in_order_on_a_fresh_database(tmp_path: Path) -> None:
    db = new_database(tmp_path / "quiz.db")
    result = quiz("--db", str(db), "list", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["#", "Topic", "State", "Next", "review", "Suspended"]
    numbers = [int(line.split()[0]) for line in lines[1:]]
    assert numbers == list(range(1, 16))
    assert all(" new " in line for line in lines[1:])


def test_a_new_user_is_told_how_to_start_and_nothing_is_created(tmp_path: Path) -> None:
    # A first 'quiz list', before ever running 'quiz': no --db, no QUIZ_DB.
    env = {k: v for k, v in os.environ.items() if k != "QUIZ_DB"}
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    env["HOME"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "quiz", "list"], capture_output=True, text=True, env=env
    )
    line = assert_one_line_error(result, 1)
    assert result.stdout == ""
    default = tmp_path / "data" / "quiz" / "quiz.db"
    assert line == (
        f"quiz: error: there is no database at {default}: running 'quiz' starts one there; "
        "to use another file, pass --db PATH or set QUIZ_DB"
    )
    assert files_under(tmp_path) == set()


READ_ONLY_COMMANDS = [
    ["list"],
    ["due"],
    ["stats"],
    ["stats", "--json"],
    ["export", "--format", "csv"],
    ["export", "--format", "json", "-o", "log.json"],
    ["config"],
    ["config", "interview-date"],
    ["config", "theme"],
    ["backup"],
]


@pytest.mark.parametrize("args", READ_ONLY_COMMANDS, ids=" ".join)
def test_a_command_that_only_reads_never_creates_a_database(
    tmp_path: Path, args: list[str]
) -> None:
    typo = tmp_path / "sub" / "typo.db"
    result = quiz("--db", str(typo), *args, cwd=tmp_path)
    line = assert_one_line_error(result, 1)
    assert f"there is no database at {typo}:" in line
    assert "running 'quiz' starts one" in line and "--db" in line and "QUIZ_DB" in line
    assert files_under(tmp_path) == set()  # no file, no folder, no -wal or -shm, no output


@pytest.mark.parametrize("args", [["list"], ["stats"], ["backup"], ["config"]])
def test_a_folder_given_as_the_database_is_refused(tmp_path: Path, args: list[str]) -> None:
    line = assert_one_line_error(quiz("--db", str(tmp_path), *args), 1)
    assert line == f"quiz: error: {tmp_path} is a folder, not a database file; pass --db FILE"
    assert files_under(tmp_path) == set()


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


def suspended_column(lines: list[str]) -> dict[int, str]:
    """The Suspended column of ``quiz list``'s rows, by topic number."""
    start = lines[0].index("Suspended")
    return {int(line.split()[0]): line[start:].strip() for line in lines[1:]}


def test_list_says_how_many_cards_of_a_topic_are_suspended_and_leeches(tmp_path: Path) -> None:
    from datetime import timedelta

    from rich.cells import cell_len

    from quiz.days import local_now, study_day
    from quiz.session import Session
    from quiz.store import Store

    db = tmp_path / "quiz.db"
    deck = load_deck()
    softmax = [card.id for card in deck.of_topic("softmax-relu")]
    today = study_day(local_now())
    with Store.open(db) as store:
        session = Session(store, deck, leech_lapses=1)
        session.mark("mlp", "suspend")  # ! in the app
        session.mark(softmax[1], "suspend")
        # Learnt, then lapsed once with a leech threshold of 1: a leech, suspended.
        store.record(softmax[0], 5, "review", day=today - timedelta(days=9), ts_ms=0)
        store.record(softmax[0], 5, "review", day=today - timedelta(days=8), ts_ms=0)
        store.record(softmax[0], 1, "review", day=today, ts_ms=0, leech_lapses=1)
        assert session.marks()[softmax[0]].leech
    result = quiz("--db", str(db), "list")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    column = suspended_column(lines)
    assert column[3] == "1"
    assert column[12] == "2, 1 leech"
    assert all(column[n] == "" for n in column if n not in (3, 12))
    assert all(cell_len(line) <= 80 for line in lines)


def test_list_shows_no_suspended_count_when_nothing_is_suspended(tmp_path: Path) -> None:
    from quiz.session import Session
    from quiz.store import Store

    db = tmp_path / "quiz.db"
    with Store.open(db) as store:
        session = Session(store, load_deck())
        session.mark("mlp", "suspend")
        session.mark("mlp", "unsuspend")  # ! twice: back in the schedule
        session.mark("dropout-vs-batchnorm", "bury")  # sits out today: not suspended
    result = quiz("--db", str(db), "list")
    assert result.returncode == 0, result.stderr
    column = suspended_column(result.stdout.splitlines())
    assert sorted(column) == list(range(1, 16)) and set(column.values()) == {""}


def test_stats_json_on_a_fresh_database(tmp_path: Path) -> None:
    result = quiz("stats", "--json", "--db", str(new_database(tmp_path / "q.db")))
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    # Every card is new; the first day offers the fifteen core cards, one per topic.
    assert figures["cards"] >= 90 and figures["new"] == figures["cards"]
    assert figures["new_today"] == 15 and len(figures["topics"]) == 15
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
    # Three cards seen: every other card of the deck is new.
    new = len(load_deck()) - 3
    assert figures["reviews"] == 3 and figures["streak"] == 3 and figures["new"] == new
    # Each first review sets a one-day interval: the cards of two days ago and of
    # yesterday are due, today's is not.
    assert figures["due_today"] == 2
    text = quiz("stats", "--db", str(db))
    assert text.returncode == 0 and "Streak: 3" in text.stdout


def test_quiz_db_environment_variable_picks_the_database(tmp_path: Path) -> None:
    db = tmp_path / "from-env.db"
    assert quiz("config", "new-per-day", "3", env={"QUIZ_DB": str(db)}).returncode == 0
    assert db.exists()
    figures = json.loads(quiz("stats", "--json", env={"QUIZ_DB": str(db)}).stdout)
    assert figures["new_today"] == 3


def test_default_database_lives_in_the_user_data_folder(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "QUIZ_DB"}
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    env["HOME"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "quiz", "config", "new-per-day", "3"],
        capture_output=True,
        text=True,
        env=env,
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
    db = new_database(tmp_path / "quiz.db")
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
    db = blocker / "sub" / "q.db"
    line = assert_one_line_error(quiz("--db", str(db), "config", "new-per-day", "3"), 1)
    assert "cannot create the folder" in line
    line = assert_one_line_error(quiz("--db", str(db), "list"), 1)
    assert "there is no database" in line


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
    result = quiz("list", "--db", str(new_database(tmp_path / "q.db")), cwd=Path("/"))
    assert result.returncode == 0 and len(result.stdout.splitlines()) == 16


def test_config_shows_sets_and_clears(tmp_path: Path) -> None:
    db = ["--db", str(tmp_path / "q.db")]
    # Setting a value is a write: it creates the database.
    set_date = quiz("config", "interview-date", "20310115", *db)
    assert set_date.returncode == 0 and set_date.stdout == "interview-date set to 2031-01-15\n"
    shown = quiz("config", *db)
    assert shown.returncode == 0 and "interview-date  2031-01-15" in shown.stdout
    assert "new-per-day     15" in shown.stdout
    assert quiz("config", "new-per-day", "3", *db).returncode == 0
    figures = json.loads(quiz("stats", "--json", *db).stdout)
    assert figures["interview"]["date"] == "2031-01-15" and figures["interview"]["ready"] == 0
    assert figures["new_today"] == 3
    assert "Interview 2031-01-15: in" in quiz("stats", *db).stdout
    cleared = quiz("config", "interview-date", "--clear", *db)
    assert cleared.returncode == 0 and cleared.stdout == "interview-date cleared\n"
    assert json.loads(quiz("stats", "--json", *db).stdout)["interview"] is None
    assert "interview-date  not set" in quiz("config", *db).stdout


def test_config_help_names_every_setting() -> None:
    from quiz import config

    result = quiz("config", "--help")
    assert result.returncode == 0
    assert all(key in result.stdout for key in config.KEYS)


def test_config_key_shows_that_one_setting(tmp_path: Path) -> None:
    db = ["--db", str(new_database(tmp_path / "q.db"))]
    one = quiz("config", "interview-date", *db)
    assert one.returncode == 0 and one.stdout == "not set\n"
    assert quiz("config", "new-per-day", "7", *db).returncode == 0
    assert quiz("config", "interview-date", "2031-01-15", *db).returncode == 0
    assert quiz("config", "new-per-day", *db).stdout == "7\n"
    assert quiz("config", "interview-date", *db).stdout == "2031-01-15\n"
    # Each one as 'quiz config' shows it among the others.
    every = quiz("config", *db).stdout.splitlines()
    for key in ("interview-date", "new-per-day", "rollover-hour", "theme"):
        [line] = [line for line in every if line.split()[0] == key]
        alone = quiz("config", key, *db)
        assert alone.returncode == 0 and alone.stdout == line[len(key) :].lstrip() + "\n"


@pytest.mark.parametrize("args", [["foo"], ["foo", "bar"], ["foo", "--clear"]])
def test_config_refuses_an_unknown_setting_as_a_usage_error(
    tmp_path: Path, args: list[str]
) -> None:
    result = quiz("config", *args, "--db", str(tmp_path / "q.db"))
    line = assert_one_line_error(result, 2)
    assert result.stderr == (
        "quiz: error: unknown setting 'foo'; "
        "settings: interview-date, new-per-day, rollover-hour, theme, cards-folder,"
        " leech-lapses\n"
    )
    assert line.startswith("quiz: error:")
    assert files_under(tmp_path) == set()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["interview-date", "next tuesday"], "must be a date"),
        (["interview-date", "2020-01-01"], "is in the past"),
        (["new-per-day", "500"], "from 0 to 100"),
        (["new-per-day", "abc"], "must be a whole number from 0 to 100, not 'abc'"),
        (["rollover-hour", "99"], "must be from 0 to 23, not 99"),
        (["rollover-hour", "x"], "whole number"),
        (["theme", "Nord!"], "theme must be a theme name"),
        (["theme", "nordd"], "there is no theme 'nordd'"),
    ],
)
def test_config_refuses_bad_values(tmp_path: Path, args: list[str], message: str) -> None:
    line = assert_one_line_error(quiz("config", *args, "--db", str(tmp_path / "q.db")), 1)
    assert message in line
    assert files_under(tmp_path) == set()  # refused before a database was made


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--clear"], "--clear needs a KEY"),
        (["new-per-day", "3", "--clear"], "give a VALUE or --clear, not both"),
    ],
)
def test_config_misused_is_a_usage_error(tmp_path: Path, args: list[str], message: str) -> None:
    db = new_database(tmp_path / "q.db")
    line = assert_one_line_error(quiz("config", *args, "--db", str(db)), 2)
    assert message in line


def test_a_past_interview_date_is_refused(tmp_path: Path) -> None:
    from quiz.days import local_now, study_day

    db = ["--db", str(new_database(tmp_path / "q.db"))]
    before = study_day(local_now())
    refused = quiz("config", "interview-date", "2020-01-01", *db)
    after = study_day(local_now())
    line = assert_one_line_error(refused, 1)
    assert line in {
        f"quiz: error: interview-date 2020-01-01 is in the past (today is {day}); "
        "give today or a later date, or --clear"
        for day in (before, after)
    }
    assert quiz("config", "interview-date", *db).stdout == "not set\n"
    yesterday = (after - timedelta(days=1)).isoformat()
    assert "is in the past" in assert_one_line_error(
        quiz("config", "interview-date", yesterday, *db), 1
    )
    today = quiz("config", "interview-date", after.isoformat(), *db)
    assert today.returncode == 0, today.stderr


def test_today_for_an_interview_date_follows_the_stored_rollover_hour(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from quiz import cli, days

    # 22:00 on 3 March: with the day starting at 23:00, it is still 2 March.
    evening = datetime(2026, 3, 3, 22, 0, tzinfo=timezone(timedelta(hours=1)))
    monkeypatch.setattr(days, "local_now", lambda: evening)
    db = ["--db", str(new_database(tmp_path / "q.db"))]
    assert cli.main(["config", "interview-date", "2026-03-02", *db]) == 1
    assert "(today is 2026-03-03)" in capsys.readouterr().err
    assert cli.main(["config", "rollover-hour", "23", *db]) == 0
    assert cli.main(["config", "interview-date", "2026-03-02", *db]) == 0
    assert capsys.readouterr().out.endswith("interview-date set to 2026-03-02\n")


def test_stats_after_the_interview_says_how_long_ago(tmp_path: Path) -> None:
    from quiz.days import local_now, study_day
    from quiz.store import Store

    db = tmp_path / "q.db"
    yesterday = study_day(local_now()) - timedelta(days=1)
    with Store.open(db) as store:  # set while it was still ahead
        store.set_setting("interview-date", yesterday.isoformat())
    result = quiz("stats", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert f"Interview {yesterday.isoformat()}: was 1 day ago" in result.stdout.splitlines()
    assert "in -" not in result.stdout and "(s)" not in result.stdout
    assert quiz("config", "interview-date", "--db", str(db)).stdout == f"{yesterday}\n"


def stats_figures(**changes: object) -> dict[str, object]:
    """A ``quiz stats --json`` document, written out by hand: one review, today."""
    figures: dict[str, object] = {
        "today": "2026-12-01",
        "due_today": 0,
        "new_today": 14,
        "reviewed_today": 1,
        "cards": 15,
        "new": 14,
        "learning": 1,
        "mature": 0,
        "reviews": 1,
        "streak": 1,
        "best_streak": 1,
        "retention_30d": None,
        "interview": None,
        "heatmap": {"2026-12-01": 1},
        "forecast": [{"day": f"2026-12-{d:02}", "due": int(d == 2)} for d in range(1, 31)],
    }
    return {**figures, **changes}


def test_stats_counts_of_one_are_singular() -> None:
    from quiz.cli import stats_text

    lines = stats_text(stats_figures())
    assert "Streak: 1 day, best 1 day" in lines
    assert "Due in the next 30 days (1 review):" in lines
    more = stats_text(stats_figures(streak=2, best_streak=0, forecast=[{"due": 2}] * 30))
    assert "Streak: 2 days, best 0 days" in more
    assert "Due in the next 30 days (60 reviews):" in more
    assert not any("(s)" in line for line in lines + more)


@pytest.mark.parametrize(
    ("days_left", "expected"),
    [
        (-3, "Interview 2026-11-28: was 3 days ago"),
        (-1, "Interview 2026-11-30: was 1 day ago"),
        (0, "Interview 2026-12-01: today; ready 3 of 15 topics (20%)"),
        (1, "Interview 2026-12-02: in 1 day; ready 3 of 15 topics (20%)"),
        (14, "Interview 2026-12-15: in 14 days; ready 3 of 15 topics (20%)"),
    ],
)
def test_stats_interview_line(days_left: int, expected: str) -> None:
    from quiz.cli import stats_text

    day = date(2026, 12, 1) + timedelta(days=days_left)
    interview = {
        "date": day.isoformat(),
        "days_left": days_left,
        "ready": 3,
        "readiness": 0.2,
        "forecast_index": days_left if 0 <= days_left < 30 else None,
    }
    assert expected in stats_text(stats_figures(interview=interview))


def test_theme_is_set_shown_and_cleared(tmp_path: Path) -> None:
    from quiz import config
    from quiz.store import Store

    db = new_database(tmp_path / "q.db")
    assert quiz("config", "theme", "--db", str(db)).stdout == "not set (Textual's default)\n"
    chosen = quiz("config", "theme", "nord", "--db", str(db))
    assert chosen.returncode == 0 and chosen.stdout == "theme set to nord\n"
    assert quiz("config", "theme", "--db", str(db)).stdout == "nord\n"
    every = quiz("config", "--db", str(db)).stdout.splitlines()
    assert ["theme", "nord"] in [line.split() for line in every]
    with Store.open(db) as store:
        assert config.load(store).theme == "nord"  # what the app applies when it starts
    assert quiz("config", "theme", "--clear", "--db", str(db)).stdout == "theme cleared\n"
    with Store.open(db) as store:
        assert config.load(store).theme is None


def test_an_unknown_theme_is_refused_with_the_valid_names(tmp_path: Path) -> None:
    from textual.theme import BUILTIN_THEMES

    db = new_database(tmp_path / "q.db")
    line = assert_one_line_error(quiz("config", "theme", "nordd", "--db", str(db)), 1)
    assert "'nordd'" in line
    assert all(name in line for name in BUILTIN_THEMES)
    assert quiz("config", "theme", "--db", str(db)).stdout == "not set (Textual's default)\n"


def test_a_folder_that_cannot_be_searched_is_one_line(tmp_path: Path) -> None:
    # Root reads any folder; without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH it does not.
    prefix = []
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: permissions would not apply")
        prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"]
    locked = tmp_path / "locked"
    locked.mkdir()
    backup = tmp_path / "backup.db"
    backup.write_bytes(b"")
    db = locked / "q.db"
    locked.chmod(0)
    try:
        for args in (
            ["stats"],
            ["backup"],
            ["config", "new-per-day", "3"],
            ["restore", str(backup)],
        ):
            result = subprocess.run(
                [*prefix, sys.executable, "-m", "quiz", "--db", str(db), *args],
                capture_output=True,
                text=True,
                timeout=60,
            )
            line = assert_one_line_error(result, 1)
            assert str(db) in line and "permission denied" in line, args
    finally:
        locked.chmod(0o755)


def test_due_prints_one_short_line(tmp_path: Path) -> None:
    result = quiz("due", "--db", str(new_database(tmp_path / "q.db")))
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
    assert result.stderr == f"wrote 1 review to {out}\n"
    result = quiz("export", "--format", "apkg", "--db", str(db), cwd=tmp_path)
    assert result.returncode == 0 and (tmp_path / "quiz-deck.apkg").stat().st_size > 1000
    cards = len(load_deck())  # every card: the fifteen topics and their follow-ups
    assert result.stderr == f"wrote {cards} cards to quiz-deck.apkg\n"
    bad = quiz("export", "--format", "csv", "-o", str(tmp_path / "no" / "dir.csv"), "--db", str(db))
    assert "cannot write" in assert_one_line_error(bad, 1)


def test_the_anki_deck_needs_no_database(tmp_path: Path) -> None:
    # The deck holds the cards only, none of a user's progress.
    missing = tmp_path / "none" / "quiz.db"
    result = quiz(
        "export", "--format", "apkg", "-o", "deck.apkg", "--db", str(missing), cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert files_under(tmp_path) == {tmp_path / "deck.apkg"}


@pytest.mark.parametrize("fmt", ["csv", "json", "apkg"])
def test_export_never_writes_over_the_database(tmp_path: Path, fmt: str) -> None:
    db = new_database(tmp_path / "q.db")
    before = db.read_bytes()
    result = quiz("--db", str(db), "export", "--format", fmt, "-o", str(db))
    assert "is your quiz database" in assert_one_line_error(result, 1)
    assert db.read_bytes() == before
    assert quiz("--db", str(db), "list").returncode == 0


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--db", "q.db"],
        ["--db=q.db"],
        ["--db="],
        ["--tag", "optimisation", "--db", "x.db"],
        ["--tag=rnn", "--tag", "cnn"],  # the last one wins, as in argparse
        ["--db", "list"],  # a value, not the command
        ["--db", "a=b.db"],
        ["--db", "-1"],  # argparse takes it as a value; the fast path leaves it
        ["--ta", "rnn"],  # an abbreviation: only argparse knows it
        ["--db", "q.db", "list"],
        ["stats", "--json", "--db", "q.db"],
        ["--", "--db"],
    ],
)
def test_the_command_line_reads_as_the_parser_reads_it(argv: list[str]) -> None:
    # `quiz` and `quiz --db F` skip building the parser (4 ms of a start): what they
    # read must be what the parser reads.
    from quiz.cli import build_parser, parse_args

    try:
        expected = build_parser().parse_args(argv)
    except SystemExit as exc:
        with pytest.raises(SystemExit) as raised:
            parse_args(argv)
        assert raised.value.code == exc.code
        return
    assert vars(parse_args(argv)) == vars(expected)


@pytest.mark.parametrize("argv", [["--db"], ["--tag"], ["--db", "--tag", "x"], ["-h"], ["nope"]])
def test_a_command_line_the_parser_refuses_is_still_refused(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    from quiz.cli import build_parser, parse_args

    with pytest.raises(SystemExit) as expected:
        build_parser().parse_args(argv)
    said = capsys.readouterr()
    with pytest.raises(SystemExit) as raised:
        parse_args(argv)
    assert raised.value.code == expected.value.code
    assert capsys.readouterr() == said


def test_todays_session_is_read_without_building_the_parser(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import quiz.cli

    def refuse() -> None:
        raise AssertionError("the parser of every command was built")

    monkeypatch.setattr(quiz.cli, "build_parser", refuse)
    args = quiz.cli.parse_args(["--db", "q.db", "--tag", "rnn"])
    assert (args.command, args.db, args.tag) == (None, "q.db", "rnn")
