"""Faults reproduced for real: a kill mid-grade, two instances at once, read-only files
and folders, a full disk, a missing folder, a clock that jumps, and Ctrl-C.

Processes are real processes, signals real signals. Nothing sleeps to wait for
something to happen: waits poll a condition with a bound. (The kill test does sleep
for a random moment before each kill: that moment is the point of the test.)
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import CONTENT, Clock

from quiz.deck import Deck
from quiz.errors import QuizError
from quiz.session import Session
from quiz.store import Store

REPO = Path(__file__).resolve().parent.parent
TZ = timezone(timedelta(hours=1))
START = datetime(2026, 3, 3, 10, 0, tzinfo=TZ)


def integrity(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def table(db: Path, name: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        order = "id" if name == "reviews" else "card_id"
        return conn.execute(f"SELECT * FROM {name} ORDER BY {order}").fetchall()
    finally:
        conn.close()


def assert_consistent(db: Path, deck: Deck, now: datetime) -> Session:
    """The database is sound and today's session works on it: the queue has each
    card once, matches the header's counts, and the cards table is exactly what
    replaying the log gives."""
    assert integrity(db) == "ok"
    store = Store.open(db)
    session = Session(store, deck, now=lambda: now)
    session.current()
    queue = [item.card.id for item in session.queue()]
    assert len(queue) == len(set(queue)) == session.progress().left
    cards = table(db, "cards")
    store.rebuild()
    assert table(db, "cards") == cards
    return session


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("quiz: error: ")
    return lines[0]


# -- killed mid-session -----------------------------------------------------------------

# Grades today's session as fast as it can, printing each review's id once record()
# has returned (committed). When the day is done the clock moves to the next day; a
# new run goes on from the time of the last grade in the database.
KILLED_GRADER = """
import random, sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from quiz.deck import load_deck
from quiz.session import Session
from quiz.store import Store

db, content, seed = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
rng = random.Random(seed)
tz = timezone(timedelta(hours=1))
store = Store.open(db)
last = store.last_review()
start = datetime(2026, 3, 3, 10, tzinfo=tz)
now = [datetime.fromtimestamp(last.ts_ms / 1000, tz) if last else start]
session = Session(store, load_deck(content), now=lambda: now[0])
store.db  # sqlite-utils loaded: from here on, the process does nothing but grade
print("ready", flush=True)
while True:
    now[0] += timedelta(seconds=30)
    if session.current() is None:
        now[0] += timedelta(days=1)
    elif rng.random() < 0.1:
        print(session.practice(rng.choice(list(session.deck)), rng.randrange(6)).id, flush=True)
    else:
        graded = session.grade(session.current().card.id, rng.choice([1, 2, 3, 4, 4, 5, 5]))
        print(graded.review.id, flush=True)
"""


def kill_rounds(db: Path, deck: Deck, rounds: int, seed: int) -> tuple[int, int]:
    """Starts the grader ``rounds`` times and SIGKILLs it at a random moment; checks
    the database after each kill. Returns (kills while grading, grades reported)."""
    rng = random.Random(seed)
    mid_grading = reported_total = 0
    for round_no in range(rounds):
        child = subprocess.Popen(
            [
                sys.executable,
                "-c",
                KILLED_GRADER,
                str(db),
                str(CONTENT),
                str(seed * 1000 + round_no),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None
        if rng.random() < 0.3:
            # Anywhere from start-up through opening (creating, migrating) the file.
            time.sleep(rng.uniform(0.0, 0.4))
        else:
            assert child.stdout.readline() == "ready\n", child.stderr and child.stderr.read()
            time.sleep(rng.uniform(0.0, 0.06))
            mid_grading += 1
        child.send_signal(signal.SIGKILL)
        out, err = child.communicate(timeout=30)
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


# -- two instances at once -------------------------------------------------------------

# Grades its half of the deck (every other card) ``n`` times once told to go.
HALF_GRADER = """
import sys
from datetime import date, timedelta
from quiz.deck import load_deck
from quiz.store import Store
db, content, half, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
from pathlib import Path
cards = [c.id for c in load_deck(Path(content))][half::2]
store = Store.open(db)
store.db
print("ready", flush=True)
sys.stdin.readline()
for i in range(n):
    mode = "practice" if i % 4 == 3 else "review"
    day = date(2026, 3, 3) + timedelta(days=i // len(cards))
    store.record(cards[i % len(cards)], i % 6, mode, day=day, ts_ms=i)
print("done", flush=True)
"""

# Reads today's session over and over, as a second window showing cards would.
READER = """
import sys, threading
from pathlib import Path
from quiz.deck import load_deck
from quiz.session import Session
from quiz.store import Store
session = Session(Store.open(sys.argv[1]), load_deck(Path(sys.argv[2])))
stop = threading.Event()
threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
print("ready", flush=True)
reads = 0
while not stop.is_set():
    session.current(); session.progress(); session.store.card_states()
    reads += 1
print(reads, flush=True)
"""


def test_two_instances_grade_one_database_at_once(tmp_path: Path, deck: Deck) -> None:
    db = tmp_path / "new" / "quiz.db"  # missing: both create it at the same moment
    n = 300
    graders = [
        subprocess.Popen(
            [sys.executable, "-c", HALF_GRADER, str(db), str(CONTENT), str(half), str(n)],
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
        [sys.executable, "-c", READER, str(db), str(CONTENT)],
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
    grades = []
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


# -- read-only files and folders ----------------------------------------------------------

# Root ignores file permissions (CAP_DAC_OVERRIDE); a user does not. As root, run the
# command without those capabilities: then permissions apply as they do to a user.
DROP_OVERRIDES = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--"]


def as_user(argv: list[str]) -> list[str]:
    return [*DROP_OVERRIDES, *argv] if os.geteuid() == 0 else argv


@pytest.fixture
def permissions_apply(tmp_path: Path) -> None:
    """Skips unless a read-only folder really stops the commands below from writing."""
    if os.geteuid() == 0 and shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv (util-linux): permissions would not apply")
    probe = tmp_path / "probe"
    probe.mkdir()
    probe.chmod(0o555)
    result = subprocess.run(
        as_user([sys.executable, "-c", f"open({str(probe / 'x')!r}, 'w')"]),
        capture_output=True,
        text=True,
    )
    probe.chmod(0o755)
    if result.returncode == 0:
        pytest.skip("this system lets the tests write into read-only folders")


def quiz_as_user(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        as_user([sys.executable, "-m", "quiz", *args]),
        capture_output=True,
        text=True,
        timeout=60,
    )


def saved_history(db: Path) -> None:
    with Store.open(db) as store:
        store.record("mlp", 4, "review", day=date(2026, 3, 3), ts_ms=0)
        store.record("softmax-relu", 2, "review", day=date(2026, 3, 3), ts_ms=1)


GRADE_ONE = """
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from quiz.deck import load_deck
from quiz.errors import QuizError
from quiz.session import Session
from quiz.store import Store
session = Session(Store.open(sys.argv[1]), load_deck(Path(sys.argv[2])))
try:
    session.grade(session.current().card.id, 5)
except QuizError as exc:
    print(exc)
    sys.exit(1)
"""


@pytest.mark.usefixtures("permissions_apply")
def test_a_read_only_database_can_be_read_but_a_grade_is_refused_cleanly(tmp_path: Path) -> None:
    db = tmp_path / "quiz.db"
    saved_history(db)
    db.chmod(0o444)
    content = db.read_bytes()

    listed = quiz_as_user("--db", str(db), "list")
    assert listed.returncode == 0, listed.stderr
    assert "Multilayer perceptron" in listed.stdout

    graded = subprocess.run(
        as_user([sys.executable, "-c", GRADE_ONE, str(db), str(CONTENT)]),
        capture_output=True,
        text=True,
    )
    assert graded.returncode == 1 and "Traceback" not in graded.stderr, graded.stderr
    assert graded.stdout.strip() == f"cannot write to {db}: the file is read-only"

    changed = quiz_as_user("--db", str(db), "config", "new-per-day", "5")
    line = one_line_error(changed)
    assert str(db) in line and "read-only" in line
    assert db.read_bytes() == content
    assert len(table(db, "reviews")) == 2


@pytest.mark.usefixtures("permissions_apply")
def test_a_database_in_a_read_only_folder_is_refused_with_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "quiz.db"
    saved_history(db)
    content = db.read_bytes()
    folder.chmod(0o555)
    try:
        line = one_line_error(quiz_as_user("--db", str(db), "stats"))
        assert str(db) in line and "folder is read-only" in line
        assert "damaged" not in line  # the file is fine: do not send the user to a backup
        # A command that writes creates a missing database (one that only reads
        # refuses it, creating nothing: see test_cli).
        new = quiz_as_user("--db", str(folder / "new.db"), "config", "new-per-day", "5")
        line = one_line_error(new)
        assert line == (
            f"quiz: error: cannot create {folder / 'new.db'}: the folder {folder} is "
            "read-only; pass --db with a file in a folder you can write to"
        )
        line = one_line_error(quiz_as_user("--db", str(db), "backup"))
        assert str(db) in line and "folder is read-only" in line
    finally:
        folder.chmod(0o755)
    assert db.read_bytes() == content
    assert sorted(p.name for p in folder.iterdir()) == ["quiz.db"]


# -- full disk, missing folder ------------------------------------------------------------


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
            session.grade(session.current().card.id, 4, answer="a long typed answer " * 20)
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
    session.grade(session.current().card.id, 5)
    assert len(table(db_path, "reviews")) == len(before[0]) + 1
    assert integrity(db_path) == "ok"


def test_a_folder_that_cannot_be_created_is_one_line(tmp_path: Path) -> None:
    # (Creating a missing folder is tested in test_store and test_cli.)
    blocker = tmp_path / "notes.txt"
    blocker.write_text("a file where a folder should be")
    # A command that writes, as only those create a missing database.
    write = ["config", "new-per-day", "5"]
    result = subprocess.run(
        [sys.executable, "-m", "quiz", "--db", str(blocker / "quiz" / "quiz.db"), *write],
        capture_output=True,
        text=True,
        timeout=60,
    )
    line = one_line_error(result)
    assert f"cannot create the folder {blocker / 'quiz'}" in line
    assert blocker.read_text() == "a file where a folder should be"


# -- time ---------------------------------------------------------------------------------


def test_the_clock_going_backwards_neither_crashes_nor_corrupts(
    db_path: Path, store: Store, deck: Deck
) -> None:
    clock = Clock(START)
    session = Session(store, deck, now=clock)
    day = session.today
    for grade in (5, 2, 4):
        session.grade(session.current().card.id, grade)
    on_day = table(db_path, "reviews")

    clock.advance(days=-3)  # the clock is set back (or a dead CMOS battery)
    assert session.today == day - timedelta(days=3)
    assert_consistent(db_path, deck, clock()).store.close()
    assert session.undo() is None, "undo must not reach into another day"
    assert table(db_path, "reviews") == on_day
    item = session.current()
    assert item is not None and item.card.id not in {r[1] for r in on_day}
    graded = session.grade(session.current().card.id, 3).review
    assert graded.day == day - timedelta(days=3)
    assert session.undo() == graded  # undo works within the (earlier) day

    session.grade(session.current().card.id, 4)
    clock.advance(days=3)  # and back to the right time
    assert session.today == day
    assert [r.grade for r in store.reviews_on(day)] == [5, 2, 4]
    item = session.current()
    assert item is not None
    assert_consistent(db_path, deck, clock()).store.close()


def test_a_time_zone_change_between_sessions_keeps_each_grade_on_its_own_day(
    db_path: Path, store: Store, deck: Deck
) -> None:
    late = datetime(2026, 3, 3, 23, 30, tzinfo=TZ)  # 23:30 in UTC+1: study day 3 March
    clock = Clock(late)
    first = Session(store, deck, now=clock)
    a = first.grade(first.current().card.id, 2).review  # comes back later today as a drill
    assert a.day == date(2026, 3, 3)

    # Flying west: ten minutes later it is 14:40 in UTC-8, still 3 March there.
    west = Clock((late + timedelta(minutes=10)).astimezone(timezone(timedelta(hours=-8))))
    second = Session(store, deck, now=west)
    assert second.today == date(2026, 3, 3)
    assert second.progress().done_today == 1
    assert second.undo() == a  # the same study day: undo reaches it
    b = second.grade(second.current().card.id, 4).review
    assert b.day == date(2026, 3, 3) and b.card_id == a.card_id

    # Flying east instead: 08:40 in UTC+9 is 4 March there, a new study day.
    east = Clock((late + timedelta(minutes=10)).astimezone(timezone(timedelta(hours=9))))
    third = Session(store, deck, now=east)
    assert third.today == date(2026, 3, 4)
    assert third.undo() is None, "undo must not reach into the day before"
    c = third.grade(third.current().card.id, 5).review
    assert c.day == date(2026, 3, 4)
    assert [r.ts_ms for r in (a, b, c)] == sorted(r.ts_ms for r in (a, b, c))
    assert_consistent(db_path, deck, east()).store.close()


# -- Ctrl-C -----------------------------------------------------------------------------

COMMANDS = {
    "list": ["list"],
    "stats": ["stats"],
    "demo learning-rate": ["demo", "learning-rate"],
}


def quiz_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A user's environment: output to a pipe is buffered (unlike under pytest here)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    env["QUIZ_DB"] = str(tmp_path / "quiz.db")
    return {**env, **extra}


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.005)


def assert_interrupted_cleanly(child: subprocess.Popen[bytes], err: bytes, prog: str) -> None:
    text = err.decode()
    assert "Traceback" not in text and "Exception ignored" not in text, text
    assert child.returncode == 130, text
    [line] = text.strip().splitlines()
    assert line.startswith(f"{prog}: interrupted")


@contextlib.contextmanager
def full_pipe() -> Iterator[tuple[int, int]]:
    """A pipe with one page of room, all but a few bytes of it taken: the first real
    write into it blocks until the other end reads."""
    read_end, write_end = os.pipe()
    try:
        fcntl.fcntl(write_end, 1031, 4096)  # F_SETPIPE_SZ (Linux)
        os.write(write_end, b"#" * 4090)
        yield read_end, write_end
    finally:
        for fd in (read_end, write_end):
            with contextlib.suppress(OSError):
                os.close(fd)


# read(2) and write(2) by number, for telling where a process is blocked.
SYSCALLS = {"x86_64": {"read": "0", "write": "1"}, "aarch64": {"read": "63", "write": "64"}}
needs_proc_syscall = pytest.mark.skipif(
    not sys.platform.startswith("linux") or os.uname().machine not in SYSCALLS,
    reason="tells where a process is blocked from /proc/PID/syscall (Linux, x86-64/arm64)",
)


def in_syscall(pid: int, name: str, fd: int | None = None) -> bool:
    """Whether process ``pid`` sits in system call ``name`` (on ``fd``, if given).

    Signalling a process only once it is blocked matters: a signal that lands just
    before a blocking call starts is noted by Python but acted on only when the call
    returns, which a stalled pipe never does.
    """
    try:
        fields = Path(f"/proc/{pid}/syscall").read_text().split()
    except OSError:
        return False
    number = SYSCALLS[os.uname().machine][name]
    return fields[:1] == [number] and (fd is None or fields[1:2] == [hex(fd)])


@needs_proc_syscall
@pytest.mark.parametrize("name", list(COMMANDS))
def test_ctrl_c_while_the_output_is_being_written(tmp_path: Path, name: str) -> None:
    """Ctrl-C as the command writes its output (here: to a reader that has stalled)."""
    Store.open(tmp_path / "quiz.db").close()  # list and stats read an existing database
    with full_pipe() as (read_end, write_end):
        child = subprocess.Popen(
            [sys.executable, "-m", "quiz", *COMMANDS[name]],
            stdout=write_end,
            stderr=subprocess.PIPE,
            env=quiz_env(tmp_path),
        )
        os.close(write_end)
        wait_until(lambda: in_syscall(child.pid, "write", 1), "the command to block writing")
        child.send_signal(signal.SIGINT)
        while os.read(read_end, 65536):
            pass
        _, err = child.communicate(timeout=30)
    prog = "quiz demo" if name.startswith("demo") else "quiz"
    assert_interrupted_cleanly(child, err, prog)


# quiz, with its first card read stalled as on a stalled disk: the read waits on a
# named pipe that nothing writes to. (A pipe as a card file is refused up front, so
# the stall is put in front of the card's read.)
STALLED_CARD = """
import sys
import quiz.deck
from quiz.cli import main
read_card = quiz.deck._read_card
def stalled(path):
    with open(sys.argv[1], "rb") as pipe:
        pipe.read(1)
    return read_card(path)
quiz.deck._read_card = stalled
sys.exit(main(sys.argv[2:]))
"""


@needs_proc_syscall
@pytest.mark.parametrize("name", ["list", "stats"])
def test_ctrl_c_while_reading_the_cards(tmp_path: Path, name: str) -> None:
    """Ctrl-C while the command reads the cards (here: a card on a stalled disk)."""
    stalled = tmp_path / "stalled"
    os.mkfifo(stalled)
    child = subprocess.Popen(
        [sys.executable, "-c", STALLED_CARD, str(stalled), *COMMANDS[name]],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=quiz_env(tmp_path, QUIZ_CONTENT=str(CONTENT)),
    )
    writer: list[int] = []

    def reading_the_card() -> bool:
        if not writer:
            try:  # opening the write end without blocking works once a reader has it
                writer.append(os.open(stalled, os.O_WRONLY | os.O_NONBLOCK))
            except OSError as exc:
                if exc.errno != errno.ENXIO:
                    raise
                return False
        return in_syscall(child.pid, "read")

    try:
        wait_until(reading_the_card, "the command to read the card")
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=30)
    finally:
        for fd in writer:
            os.close(fd)
    assert out == b""
    assert_interrupted_cleanly(child, err, "quiz")


def test_ctrl_c_in_a_long_demo_stops_it_at_once(tmp_path: Path) -> None:
    child = subprocess.Popen(
        [sys.executable, "-m", "quiz", "demo", "rnn-uses", "--set", "hidden=64"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=quiz_env(tmp_path, PYTHONUNBUFFERED="1"),
    )
    assert child.stdout is not None
    first = child.stdout.readline()
    assert first.strip(), "the demo printed nothing"
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=30)
    assert_interrupted_cleanly(child, err, "quiz demo")
    assert b"done: ok" not in out, "the demo ran to the end instead of stopping"
