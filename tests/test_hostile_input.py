"""Hostile input at the command line: files, folders, names, output and rows that
are not what ``quiz`` expects.

Each ends with one clear line on stderr (``quiz: error: ...``) and a non-zero
status, without a traceback, without a hang, and without changing anything the user
made. Commands run as a user runs them: a subprocess, with a timeout so that a hang
fails the test instead of stalling it.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from conftest import CONTENT, Clock, card_of
from faults.helpers import as_user, permissions_apply  # noqa: F401  (a fixture)
from hostile import FIXED, HostileCard, write_card

from quiz.deck import Deck
from quiz.errors import QuizError
from quiz.session import Session
from quiz.store import Store
from quiz.text import printable
from quiz.tui.app import QuizApp

LONG_NAME = "x" * 300  # longer than any file system allows a name to be


def quiz(
    *args: str,
    env: dict[str, str] | None = None,
    stdout: int | None = subprocess.PIPE,
    user: bool = False,
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-m", "quiz", *args]
    return subprocess.run(
        as_user(argv) if user else argv,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=timeout,
    )


def one_line(result: subprocess.CompletedProcess[str], status: int = 1) -> str:
    """The one error line of a command that failed as promised."""
    assert "Traceback" not in result.stderr, result.stderr
    assert "unexpected error" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("quiz: error: "), lines[0]
    assert result.returncode == status, (result.returncode, result.stderr)
    return lines[0]


def history(db: Path) -> Path:
    """A database with a few grades."""
    with Store.open(db) as store:
        store.record("mlp", 4, "review", day=date(2026, 3, 2), ts_ms=1, answer="layers")
        store.record("softmax-relu", 2, "review", day=date(2026, 3, 2), ts_ms=2, answer="exp")
    return db


def new_database(db: Path) -> Path:
    Store.open(db).close()
    return db


def copy_content(folder: Path) -> Path:
    shutil.copytree(CONTENT, folder)
    return folder


# -- cards ------------------------------------------------------------------------------


def test_a_line_separator_inside_a_cards_text_is_text(tmp_path: Path) -> None:
    # U+2028, U+0085 and the other separators Python's splitlines() splits on are
    # allowed as they are inside a TOML string: the card must load with them.
    from quiz.deck import load_deck

    folder = tmp_path / "content"
    folder.mkdir()
    title = "One\u2028two\x85three\x1cfour"
    write_card(folder, HostileCard("sep", 1, title, "Why\u2029?", ("p",), ("k",), (), "Body"))
    [card] = load_deck(folder)
    assert card.title == title and card.question == "Why\u2029?"


# -- file names and folders ---------------------------------------------------------------


def test_an_export_to_a_name_too_long_is_one_line(tmp_path: Path) -> None:
    db = history(tmp_path / "quiz.db")
    for fmt in ("csv", "json", "apkg"):
        target = tmp_path / f"{LONG_NAME}.{fmt}"
        line = one_line(quiz("--db", str(db), "export", "--format", fmt, "-o", str(target)))
        assert line == f"quiz: error: cannot write {target}: file name too long"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["quiz.db"]


@pytest.mark.usefixtures("permissions_apply")
def test_an_export_into_a_folder_without_permission_is_one_line(tmp_path: Path) -> None:
    db = history(tmp_path / "quiz.db")
    closed = tmp_path / "closed"
    closed.mkdir()
    closed.chmod(0o000)
    try:
        for target in (closed / "log.csv", closed / "sub" / "log.json"):
            fmt = target.suffix[1:]
            result = quiz("--db", str(db), "export", "--format", fmt, "-o", str(target), user=True)
            assert one_line(result) == f"quiz: error: cannot write {target}: permission denied"
    finally:
        closed.chmod(0o755)
    assert list(closed.iterdir()) == []


def test_an_export_name_the_system_refuses_is_a_quiz_error(tmp_path: Path) -> None:
    # Typed in the app's export box, a name can hold what no command line can: a NUL.
    from quiz.errors import QuizError
    from quiz.export import save_log

    with Store.open(history(tmp_path / "quiz.db")) as store:
        for name in ("a\x00b.csv", f"{LONG_NAME}.csv", f"{LONG_NAME}/log.csv"):
            with pytest.raises(QuizError, match=r"^cannot write "):
                save_log(store, tmp_path / name, "csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["quiz.db"]


# -- what reaches the terminal ----------------------------------------------------------


def active_characters(text: str) -> list[str]:
    """Characters a terminal would act on (line feeds aside)."""
    return sorted({c for c in text if c != "\n" and printable(c) != c})


def test_list_shows_a_cards_escape_sequences_instead_of_sending_them(tmp_path: Path) -> None:
    folder = tmp_path / "content"
    folder.mkdir()
    for card in FIXED:
        write_card(folder, card)
    write_card(
        folder,
        HostileCard("lines", 3, "two\nlines\rand\u202eback", "Q?", ("p",), ("k",), (), "B"),
    )
    db = new_database(tmp_path / "quiz.db")
    result = quiz("--db", str(db), "list", env={"QUIZ_CONTENT": str(folder)})
    assert result.returncode == 0, result.stderr
    assert active_characters(result.stdout) == []
    lines = result.stdout.splitlines()
    assert len(lines) == 4  # the header and one line per card
    assert "price [$5] of f2(f1(x)) [/x" in lines[1]
    assert r"red \x1b[31mtitle\x1b[0m \u202eevil" in lines[2]
    assert r"two\x0alines\x0dand\u202eback" in lines[3]


def test_an_error_naming_a_hostile_file_is_still_one_line_and_sends_nothing(
    tmp_path: Path,
) -> None:
    folder = copy_content(tmp_path / "content")
    (folder / "99-\x1b]2;pwned\x07\nname.md").write_text("not a card\n")
    db = new_database(tmp_path / "quiz.db")
    line = one_line(quiz("--db", str(db), "list", env={"QUIZ_CONTENT": str(folder)}))
    assert active_characters(line) == []
    assert r"99-\x1b]2;pwned\x07\x0aname.md:1: a card must start with a '+++' line" in line


OUTPUT_COMMANDS = [
    ["list"],
    ["due"],
    ["stats"],
    ["stats", "--json"],
    ["config"],
    ["config", "new-per-day"],
    ["export", "--format", "csv"],
    ["export", "--format", "json"],
    ["demo", "--list"],
    ["demo", "softmax", "--json"],
]


@pytest.mark.parametrize("args", OUTPUT_COMMANDS, ids=" ".join)
def test_output_to_a_full_device_is_one_line(tmp_path: Path, args: list[str]) -> None:
    db = history(tmp_path / "quiz.db")
    before = db.read_bytes()
    with open("/dev/full", "w") as full:
        result = quiz("--db", str(db), *args, stdout=full.fileno())
    line = one_line(result)
    assert line == "quiz: error: cannot write the output: no space left on device"
    assert db.read_bytes() == before


@pytest.mark.parametrize("args", OUTPUT_COMMANDS, ids=" ".join)
def test_a_reader_that_goes_away_ends_the_command_quietly(tmp_path: Path, args: list[str]) -> None:
    # As Unix tools do under `| head -1`: no error, no traceback.
    db = history(tmp_path / "quiz.db")
    read, write = os.pipe()
    os.close(read)  # the reader is gone before the first line
    try:
        result = quiz("--db", str(db), *args, stdout=write)
    finally:
        os.close(write)
    assert (result.returncode, result.stderr) == (0, "")


# -- what --db points at --------------------------------------------------------------------

DB_COMMANDS = [["list"], ["stats"], ["due"], ["config", "new-per-day", "5"], ["backup"]]


@pytest.mark.parametrize("args", DB_COMMANDS, ids=" ".join)
def test_a_fifo_as_the_database_is_refused_without_opening_it(
    tmp_path: Path, args: list[str]
) -> None:
    # Opening a FIFO to read it waits for a writer that never comes: the command hung.
    fifo = tmp_path / "quiz.db"
    os.mkfifo(fifo)
    line = one_line(quiz("--db", str(fifo), *args, timeout=20))
    assert line == (
        f"quiz: error: {fifo} is a named pipe, not a database file; pass --db with a file"
    )
    assert [p.name for p in tmp_path.iterdir()] == ["quiz.db"]


@pytest.mark.parametrize("device", ["/dev/null", "/dev/zero"])
def test_a_device_as_the_database_is_refused(device: str) -> None:
    line = one_line(quiz("--db", device, "stats", timeout=20))
    assert line == f"quiz: error: {device} is a device, not a database file; pass --db with a file"


def test_a_symlink_to_a_database_is_still_a_database(tmp_path: Path) -> None:
    db = history(tmp_path / "real.db")
    (tmp_path / "link.db").symlink_to(db)
    result = quiz("--db", str(tmp_path / "link.db"), "due")
    assert result.returncode == 0, result.stderr


# -- what the content folder holds ------------------------------------------------------


def list_with(content: Path, tmp_path: Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    db = new_database(tmp_path / "quiz.db")
    env = {"QUIZ_CONTENT": str(content)}
    return quiz("--db", str(db), "list", env=env, timeout=20, **kwargs)  # type: ignore[arg-type]


def test_a_card_symlinked_to_dev_zero_is_refused_without_reading_it(tmp_path: Path) -> None:
    folder = copy_content(tmp_path / "content")
    (folder / "99-zero.md").symlink_to("/dev/zero")
    line = one_line(list_with(folder, tmp_path))
    assert line == f"quiz: error: {folder / '99-zero.md'}: a card must be a file, not a device"


def test_a_fifo_or_a_folder_named_like_a_card_is_refused_without_opening_it(
    tmp_path: Path,
) -> None:
    folder = copy_content(tmp_path / "content")
    os.mkfifo(folder / "99-pipe.md")
    line = one_line(list_with(folder, tmp_path))
    assert line == f"quiz: error: {folder / '99-pipe.md'}: a card must be a file, not a named pipe"
    (folder / "99-pipe.md").unlink()
    (folder / "99-folder.md").mkdir()
    line = one_line(list_with(folder, tmp_path))
    assert line == f"quiz: error: {folder / '99-folder.md'}: a card must be a file, not a folder"


def test_a_card_file_too_large_is_refused(tmp_path: Path) -> None:
    folder = copy_content(tmp_path / "content")
    huge = folder / "99-huge.md"
    with huge.open("w") as f:
        f.write("+++\n")
        f.write("x" * 2_000_000)
    line = one_line(list_with(folder, tmp_path))
    assert line == (f"quiz: error: {huge}: the card is 2.0 MB; a card file can be at most 1 MB")


@pytest.mark.parametrize(
    "value", ["[" * 5000 + "]" * 5000, "{a = " * 3000 + "1" + "}" * 3000], ids=["array", "table"]
)
def test_deeply_nested_toml_is_one_line(tmp_path: Path, value: str) -> None:
    folder = copy_content(tmp_path / "content")
    card = folder / "99-nested.md"
    card.write_text(f"+++\nx = {value}\n+++\nBody\n")
    line = one_line(list_with(folder, tmp_path))
    assert line == f"quiz: error: {card}: invalid TOML: nested too deeply"


def test_a_card_that_is_not_utf8_is_named_with_why(tmp_path: Path) -> None:
    folder = copy_content(tmp_path / "content")
    (folder / "99-latin1.md").write_bytes("+++\ntitle = 'caf\xe9'\n".encode("latin-1"))
    line = one_line(list_with(folder, tmp_path))
    assert line == (
        f"quiz: error: {folder / '99-latin1.md'}: cannot read the card: it is not UTF-8 text "
        "(byte 0xe9 at position 16)"
    )


@pytest.mark.usefixtures("permissions_apply")
def test_a_content_folder_or_card_without_permission_is_named_as_such(tmp_path: Path) -> None:
    folder = copy_content(tmp_path / "content")
    folder.chmod(0o300)  # can be entered, not listed: glob() used to find "no cards"
    try:
        line = one_line(list_with(folder, tmp_path, user=True))
    finally:
        folder.chmod(0o755)
    assert line == f"quiz: error: cannot read the content folder {folder}: permission denied"
    card = next(folder.glob("05-*.md"))
    card.chmod(0o000)
    line = one_line(list_with(folder, tmp_path, user=True))
    assert line == f"quiz: error: {card}: cannot read the card: permission denied"


def test_a_content_folder_name_too_long_is_one_line(tmp_path: Path) -> None:
    folder = tmp_path / LONG_NAME
    line = one_line(list_with(folder, tmp_path))
    assert line == f"quiz: error: cannot read the content folder {folder}: file name too long"


def test_an_editors_hidden_lock_file_is_not_a_card(tmp_path: Path) -> None:
    folder = copy_content(tmp_path / "content")
    (folder / ".#01-deep-learning.md").symlink_to("root@host.1234:1700000000")  # dangling
    result = list_with(folder, tmp_path)
    assert result.returncode == 0, result.stderr


# -- a full disk --------------------------------------------------------------------------

# In a mount namespace of its own (nothing outside it sees the mount), a 2 MB tmpfs
# holds a copy of a healthy database, and a file fills the rest of it.
FULL_DISK = """
set -e
mount -t tmpfs -o size=2m quiz-full "$1"
cp "$2" "$1/quiz.db"
cp "$1/quiz.db" "$1/before.db"
head -c 4000000 /dev/zero > "$1/filler" 2>/dev/null || true
shift 2
for args in "$@"; do
    eval "set -- $args"
    "$PYTHON" -m quiz --db "$MNT/quiz.db" "$@" >/dev/null 2>>"$MNT/../errors" || true
done
cmp "$MNT/quiz.db" "$MNT/before.db" && echo unchanged
"""


def full_disk_supported() -> bool:
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(not full_disk_supported(), reason="needs root and unshare for a private tmpfs")
def test_a_healthy_database_on_a_real_full_disk_is_not_called_damaged(tmp_path: Path) -> None:
    db = history(tmp_path / "quiz.db")
    mount = tmp_path / "mnt"
    mount.mkdir()
    commands = ["list", "stats", "due", "'config' 'new-per-day' '5'"]
    result = subprocess.run(
        ["unshare", "-m", "sh", "-c", FULL_DISK, "sh", str(mount), str(db), *commands],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHON": sys.executable, "MNT": str(mount)},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "unchanged"
    lines = (tmp_path / "errors").read_text().splitlines()
    full = mount / "quiz.db"
    assert len(lines) == len(commands), lines
    for line in lines:
        assert "damaged" not in line
        assert (
            line
            == f"quiz: error: cannot open {full}: the disk is full; free some space and try again"
        )


@pytest.mark.parametrize(
    ("error", "message"),
    [
        ("SQLITE_FULL", "the disk is full; free some space and try again"),
        ("SQLITE_IOERR_SHMSIZE", "the disk is full; free some space and try again"),
        ("SQLITE_IOERR_WRITE", "the disk is full; free some space and try again"),
    ],
)
def test_a_full_disk_on_opening_is_called_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: str, message: str
) -> None:
    # As SQLite reports it when it cannot even make the shared-memory file beside a
    # database in WAL mode: an I/O error, on a disk with no space left.
    import shutil as shutil_module

    from quiz.errors import QuizError

    db = history(tmp_path / "quiz.db")

    def connect(*args: object, **kwargs: object) -> sqlite3.Connection:
        exc = sqlite3.OperationalError("disk I/O error")
        exc.sqlite_errorname = error
        raise exc

    monkeypatch.setattr(sqlite3, "connect", connect)
    usage = shutil_module.disk_usage(tmp_path)
    monkeypatch.setattr(shutil_module, "disk_usage", lambda _: usage._replace(free=0))
    with pytest.raises(QuizError) as raised:
        Store.open(db)
    assert str(raised.value) == f"cannot open {db}: {message}"


def test_an_io_error_with_space_left_is_not_called_damaged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from quiz.errors import QuizError

    db = history(tmp_path / "quiz.db")

    def connect(*args: object, **kwargs: object) -> sqlite3.Connection:
        exc = sqlite3.OperationalError("disk I/O error")
        exc.sqlite_errorname = "SQLITE_IOERR_READ"
        raise exc

    monkeypatch.setattr(sqlite3, "connect", connect)
    with pytest.raises(QuizError) as raised:
        Store.open(db)
    assert str(raised.value) == f"cannot open {db}: disk I/O error"


# -- rows quiz never wrote ------------------------------------------------------------------

# SQL a person (or another program) could run on the file: each makes a row no quiz
# writes. The cards table is rebuilt without its constraints for a NULL due date.
CRAFTED = {
    "a grade of 9": ["UPDATE reviews SET grade = 9"],
    "an unknown mode": ["UPDATE reviews SET mode = 'cram' WHERE card_id = 'mlp'"],
    "a time past any date": ["UPDATE reviews SET ts_ms = 9223372036854775807"],
    "an answer that is bytes": ["UPDATE reviews SET answer = x'00ff1b'"],
    "a NULL answer": ["UPDATE reviews SET answer = NULL"],
    "a day that is not a date": ["UPDATE reviews SET day = 'someday' WHERE card_id = 'mlp'"],
    "a due date that is not a date": ["UPDATE cards SET due = 'soon' WHERE card_id = 'mlp'"],
    "a NULL due date": [
        "CREATE TABLE loose AS SELECT * FROM cards",
        "DROP TABLE cards",
        "ALTER TABLE loose RENAME TO cards",
        "UPDATE cards SET due = NULL WHERE card_id = 'mlp'",
    ],
    "no last day": ["UPDATE cards SET last_day = NULL WHERE card_id = 'mlp'"],
    "an easiness that is text": ["UPDATE cards SET ef_x100 = 'high' WHERE card_id = 'mlp'"],
    "an interval past any date": [
        "UPDATE cards SET interval = 9223372036854775807, repetitions = 5 WHERE card_id = 'mlp'"
    ],
    "a card id not in the deck": [
        "UPDATE reviews SET card_id = 'renamed' WHERE card_id = 'mlp'",
        "UPDATE cards SET card_id = 'renamed' WHERE card_id = 'mlp'",
    ],
    "an enormous answer": ["UPDATE reviews SET answer = printf('%.*c', 5000000, 'x')"],
}


def crafted(db: Path, statements: list[str]) -> Path:
    history(db)
    conn = sqlite3.connect(db)
    try:
        for statement in statements:
            conn.execute(statement)
        conn.commit()
    finally:
        conn.close()
    return db


@pytest.mark.parametrize("craft", CRAFTED)
def test_a_crafted_row_is_one_line_or_works_and_changes_nothing(tmp_path: Path, craft: str) -> None:
    db = crafted(tmp_path / "quiz.db", CRAFTED[craft])
    before = db.read_bytes()
    for args in (["list"], ["stats"], ["stats", "--json"], ["due"]):
        result = quiz("--db", str(db), *args)
        if result.returncode != 0:
            line = one_line(result)
            assert line.startswith(f"quiz: error: {db} is damaged: "), line
            assert line.endswith("; restore a backup: quiz restore FILE"), line
    # The log can always be taken out, to mend or to keep.
    for fmt in ("csv", "json"):
        result = quiz("--db", str(db), "export", "--format", fmt, "-o", str(tmp_path / f"x.{fmt}"))
        assert result.returncode == 0, result.stderr
    assert db.read_bytes() == before


async def use_the_app(session: Session) -> QuizApp:
    """Grades a card and undoes it (which replays the card's log), grades what is
    due, and opens the progress screen and the history of every card graded, as far
    as the app goes on; returns the app once it has ended."""
    from textual.pilot import Pilot
    from textual.widgets import DataTable
    from tui.helpers import until

    from quiz.tui.screens.history import HistoryScreen
    from quiz.tui.screens.progress import ProgressScreen

    app = QuizApp(session)
    app.animation_level = "none"

    def going() -> bool:
        return app.is_running and app.problem is None

    async def started() -> bool:
        # Polled without the pilot, whose waits time out on an app that ended while
        # starting (as it does when the first card cannot be read).
        for _ in range(1000):
            if app.problem is not None or len(app.screen_stack) > 1:
                break
            await asyncio.sleep(0.01)
        return going()

    async def press(pilot: Pilot[None], *keys: str) -> bool:
        """Presses ``keys`` while the app goes on; False once it has ended."""
        for key in keys:
            if not going():
                return False
            await pilot.press(key)
        if going():
            await pilot.pause()
        return going()

    async def reach(pilot: Pilot[None], screen: type[object]) -> bool:
        await until(pilot, lambda: isinstance(app.screen, screen) or not going())
        return going()

    try:
        async with app.run_test(size=(80, 24)) as pilot:
            keys = ["escape", "space", "4", "escape", "u"] + ["escape", "space", "4"] * 3
            if (
                await started()
                and await press(pilot, *keys)
                and await press(pilot, "escape", "s")
                and await reach(pilot, ProgressScreen)
            ):
                table = app.screen.query_one("#mastery", DataTable)
                graded = {r.card_id for r in session.store.reviews_on(session.today)}
                graded |= {"mlp", "softmax-relu"}  # graded the day before (history())
                rows = [i for i, c in enumerate(session.deck) if c.id in graded]
                for row in rows:
                    app.screen.query_one("#progress-tabs").active = "topics"  # type: ignore[attr-defined]
                    table.focus()
                    table.move_cursor(row=row)
                    if not (await press(pilot, "enter") and await reach(pilot, HistoryScreen)):
                        break
                    if not (await press(pilot, "escape") and await reach(pilot, ProgressScreen)):
                        break
            await press(pilot, "q")
    except QuizError:
        # Textual's run_test raises what ended the app: here, the problem it says.
        assert app.problem is not None
    except Exception as exc:
        details = app.crash_log.read_text() if app.crash_log else repr(exc)
        raise AssertionError(f"the app crashed:\n{details}") from exc
    return app


def log_of(db: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT * FROM reviews ORDER BY id").fetchall()
    finally:
        conn.close()


@pytest.mark.parametrize("craft", CRAFTED)
async def test_a_crafted_row_never_crashes_the_app(
    tmp_path: Path, craft: str, deck: Deck, clock: Clock
) -> None:
    db = crafted(tmp_path / "quiz.db", CRAFTED[craft])
    before = log_of(db)
    with Store.open(db) as store:
        session = Session(store, deck, now=clock)
        try:
            session.current()  # what the first screen reads
        except QuizError as exc:
            # The app would end before its first screen, saying this (see the
            # real-terminal test below): Textual's run_test cannot drive that.
            problem: QuizError | None = exc
        else:
            app = await use_the_app(session)
            assert app.crash_log is None, app.crash_log.read_text()
            problem = getattr(app, "problem", None)
    if problem is not None:
        # The app ends and says what is wrong with the file, as the commands do.
        assert str(problem).startswith(f"{db} is damaged: ")
    # Whatever was graded meanwhile, the log holds every row it held, as it was.
    assert log_of(db)[: len(before)] == before


def test_the_app_on_a_damaged_first_card_ends_with_one_line(tmp_path: Path) -> None:
    from test_terminal import Terminal

    db = crafted(tmp_path / "quiz.db", CRAFTED["a due date that is not a date"])
    term = Terminal(tmp_path)
    try:
        term.start([sys.executable, "-m", "quiz", "--db", str(db)])
        assert term.wait_for_exit(timeout=30) == 1
        term.assert_restored()
        shown = term.joined()
    finally:
        term.kill()
    assert "Traceback" not in shown and "unexpected" not in shown
    assert (
        f"quiz: error: {db} is damaged: the card row 'mlp' has due 'soon', not a date like "
        "2026-03-03; restore a backup: quiz restore FILE"
    ) in shown


# -- cards renamed: their old ids stay in the log ------------------------------------------


def test_orphaned_card_ids_count_in_the_log_but_not_in_today_or_retention(
    tmp_path: Path, deck: Deck, clock: Clock
) -> None:
    from quiz import stats

    with Store.open(tmp_path / "quiz.db") as store:
        session = Session(store, deck, now=clock, new_per_day=2)
        today = session.today
        # Cards since renamed: graded well for ten days, and three times today.
        for back in range(10, 0, -1):
            store.record("old-name", 5, "review", day=today - date.resolution * back, ts_ms=0)
        for i in range(3):
            store.record(f"gone-{i}", 5, "review", day=today, ts_ms=0)
        # A card of the deck, failed once.
        store.record("mlp", 1, "review", day=today - date.resolution * 2, ts_ms=0)

        progress = session.progress()
        assert progress.new == 2  # the daily allowance is whole
        assert progress.done_today == 0  # no card of the deck graded today
        figures = stats.report(session)
        assert figures["retention_30d"] == 0.0  # the one scheduled review of the deck: failed
        assert figures["reviews"] == 14  # the log keeps every grade
        day = stats.day_summary(session)
        assert (day.cards, day.grades) == (0, 0)
        assert [r["card_id"] for r in export_rows(store)].count("old-name") == 10


def export_rows(store: Store) -> list[dict[str, object]]:
    from quiz.export import log_rows

    return list(log_rows(store))


# -- what the exports carry ---------------------------------------------------------------


def anki_fields(package: Path) -> list[str]:
    """Every field of every note in an .apkg, as Anki will show it (HTML)."""
    import zipfile

    with zipfile.ZipFile(package) as archive:
        (package.parent / "collection.anki2").write_bytes(archive.read("collection.anki2"))
    conn = sqlite3.connect(package.parent / "collection.anki2")
    try:
        return [f for (flds,) in conn.execute("SELECT flds FROM notes") for f in flds.split("\x1f")]
    finally:
        conn.close()


def test_the_anki_export_carries_no_html_from_a_card(tmp_path: Path) -> None:
    from quiz.deck import load_deck
    from quiz.export import write_apkg

    folder = tmp_path / "content"
    folder.mkdir()
    body = (
        "## Answer\n\nA <b>raw</b> tag, <script>alert('body')</script> and\n"
        '<img src=x onerror="alert(1)">\n\n<iframe src="https://example.com"></iframe>\n\n'
        "[a link](javascript:alert(2)) and `<code>` stay text.\n"
    )
    write_card(
        folder,
        HostileCard(
            "html", 1, "<i>Title</i>", "Why <script>?", ("A <b>point</b>",), ("k",), (), body
        ),
    )
    assert write_apkg(load_deck(folder), tmp_path / "deck.apkg") == 1
    html = "\n".join(anki_fields(tmp_path / "deck.apkg"))
    for tag in ("<script", "<img", "<iframe", "<b>", "<i>", 'href="javascript:'):
        assert tag not in html, tag
    assert "&lt;script&gt;alert('body')&lt;/script&gt;" in html  # shown as text
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    assert "<code>&lt;code&gt;</code>" in html  # Markdown's own markup still renders
    assert "<h2>Answer</h2>" in html


FORMULAS = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def test_csv_export_neutralises_cells_a_spreadsheet_would_run(tmp_path: Path) -> None:
    # OWASP's CSV injection advice: a cell that starts with = + - @, a tab or a
    # carriage return gets a leading single quote, so a spreadsheet shows it as text.
    import csv

    db = tmp_path / "quiz.db"
    with Store.open(db) as store:
        for i, answer in enumerate([*FORMULAS, "plain", "a=b", "'quoted"]):
            store.record("mlp", 4, "practice", day=date(2026, 3, 2), ts_ms=i, answer=answer)
    out = tmp_path / "log.csv"
    result = quiz("--db", str(db), "export", "--format", "csv", "-o", str(out))
    assert result.returncode == 0, result.stderr
    with out.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    answers = [row["answer"] for row in rows]
    assert answers == [*("'" + f for f in FORMULAS), "plain", "a=b", "'quoted"]
    for row in rows:  # no other cell starts like a formula either
        assert not any(v[:1] in ("=", "+", "-", "@", "\t", "\r") for v in row.values())
    # JSON is data, not a sheet: the answers as typed.
    result = quiz("--db", str(db), "export", "--format", "json")
    assert [r["answer"] for r in json.loads(result.stdout)][: len(FORMULAS)] == FORMULAS


# -- settings ---------------------------------------------------------------------------------

HOSTILE_VALUES = [
    "f2(f1(x)) [/x",
    "price [$5]",
    "[@click=app.quit]",
    "\x1b]2;pwned\x07",
    "9\u202e1",
]


@pytest.mark.parametrize("key", ["interview-date", "new-per-day", "rollover-hour", "theme"])
def test_a_hostile_setting_value_is_refused_in_one_line_that_shows_it(
    tmp_path: Path, key: str
) -> None:
    db = new_database(tmp_path / "quiz.db")
    for value in HOSTILE_VALUES:
        line = one_line(quiz("--db", str(db), "config", key, value))
        assert active_characters(line) == [], line
        assert printable(repr(value)) in line or printable(value) in line, line


async def test_hostile_settings_in_the_database_fall_back_and_the_app_runs(
    tmp_path: Path, deck: Deck, clock: Clock
) -> None:
    # Written by hand into the settings table: each is read as unset.
    from quiz import config

    with Store.open(tmp_path / "quiz.db") as store:
        for key, value in zip(config.KEYS, HOSTILE_VALUES, strict=False):
            store.set_setting(key, value)
        assert config.load(store) == config.Config()
        result = quiz("--db", str(tmp_path / "quiz.db"), "config")
        assert result.returncode == 0 and active_characters(result.stdout) == []
        app = await use_the_app(Session(store, deck, now=clock))
    assert app.crash is None and app.problem is None


async def test_an_enormous_answer_is_shown_in_part_in_the_history(
    tmp_path: Path, deck: Deck, clock: Clock
) -> None:
    from tui.helpers import history_text, make_app, until

    from quiz.tui.screens.history import HistoryScreen

    db = crafted(tmp_path / "quiz.db", CRAFTED["an enormous answer"])
    with Store.open(db) as store:
        app = make_app(Session(store, deck, now=clock))
        async with app.run_test(size=(80, 24)) as pilot:
            app.push_screen(HistoryScreen(app.session, card_of(app.deck, "mlp")))
            await until(pilot, lambda: isinstance(app.screen, HistoryScreen))
            # The page is read in a thread: wait for its grade.
            await until(pilot, lambda: "”" in history_text(app))
            history = history_text(app)
    assert f"“{'x' * 2000}… (4,998,000 more characters; quiz export has them all)”" in history
    assert len(history) < 3000


@pytest.mark.parametrize("args", [["--list"], ["softmax", "--json"], ["softmax"]], ids=" ".join)
def test_the_demo_runner_on_its_own_says_a_full_output_in_one_line(args: list[str]) -> None:
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "solvers", *args],
            stdout=full.fileno(),
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    assert (result.returncode, result.stderr) == (
        1,
        "python -m solvers: error: cannot write the output: no space left on device\n",
    )
