"""The whole path in a real terminal, as a person uses it.

``quiz`` runs inside a detached tmux session (80x24, TERM=xterm-256color) on its own
tmux server (``tmux -L <unique socket>``), so parallel runs never share a server. Keys
go in with ``tmux send-keys``; the screen comes back with ``tmux capture-pane -p``.
Nothing sleeps for a fixed time: every step waits for the text it expects, and a
timeout fails with the last screen in the message. The grades are then read back from
the database with :class:`quiz.store.Store`.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from quiz.store import Store

if shutil.which("tmux") is None:
    pytest.skip("tmux is not installed; the real-terminal tests need it", allow_module_level=True)

REPO = Path(__file__).resolve().parent.parent
WIDTH, HEIGHT = 80, 24
POLL_S = 0.05
EXIT_MARKER = "quiz-test-exit-status="
# The first screen needs the interpreter to start and import Textual: give a cold,
# loaded CI machine more room than the steps after it.
LAUNCH_TIMEOUT_S = 30.0

# The deck's first three cards, in the order a new database asks them.
Q_DEEP_LEARNING = "What is deep learning?"
Q_NEURAL_NETWORK = "What is a neural network?"
Q_MLP = "What is a multilayer perceptron (MLP)?"
REVEALED = "Grade your recall"
# In the footer once the answer box (which has the keys when a card shows) is ready.
ANSWER_BOX_READY = "Check answer"

# tmux's own settings, not the user's ~/.tmux.conf: the pane stays after the app exits
# (so its exit status and last screen can be read), no status line takes a row, and
# the command runs under a known shell.
TMUX_CONF = """\
set -g remain-on-exit on
set -g status off
set -g default-shell /bin/sh
set -g history-limit 2000
"""


class Terminal:
    """One tmux server with one 80x24 pane running a command."""

    def __init__(self, workdir: Path) -> None:
        self.socket = f"quiz-test-{os.getpid()}-{uuid.uuid4().hex[:12]}"
        self.target = "quiz"
        self.conf = workdir / "tmux.conf"
        self.conf.write_text(TMUX_CONF)
        self.env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "TMUX_PANE")}
        self.env["TERM"] = "xterm-256color"
        self.socket_path = ""

    def tmux(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.socket, "-f", str(self.conf), *args],
            capture_output=True,
            text=True,
            env=self.env,
            timeout=30,
        )
        if result.returncode != 0:
            raise AssertionError(f"tmux {' '.join(args)} failed: {result.stderr.strip()}")
        return result.stdout

    def start(self, argv: list[str]) -> None:
        """Runs ``argv`` in the pane under ``sh``, which prints its exit status after it.

        The status is read from the screen, not from tmux's ``#{pane_dead_status}``:
        tmux (3.3a, built with libutempter) can miss the SIGCHLD of a pane process that
        exits just as its terminal closes, leaving a zombie and no status for good.
        """
        command = f"TERM=xterm-256color {shlex.join(argv)}; echo {EXIT_MARKER}$?"
        size_args = ["-x", str(WIDTH), "-y", str(HEIGHT)]
        self.tmux("new-session", "-d", "-s", self.target, *size_args, "-c", str(REPO), command)
        self.socket_path = self.info("#{socket_path}")
        size = self.info("#{pane_width}x#{pane_height}")
        assert size == f"{WIDTH}x{HEIGHT}", f"the pane is {size}, not {WIDTH}x{HEIGHT}"

    def info(self, fmt: str) -> str:
        return self.tmux("display-message", "-p", "-t", self.target, fmt).strip()

    def send(self, *keys: str) -> None:
        """Sends tmux key names (``space``, ``5``, ``C-c``), one key each."""
        for key in keys:
            self.tmux("send-keys", "-t", self.target, key)

    def type_text(self, text: str) -> None:
        """Types ``text`` literally."""
        self.tmux("send-keys", "-t", self.target, "-l", text)

    def screen(self) -> str:
        """The visible screen."""
        return self.tmux("capture-pane", "-p", "-t", self.target)

    def scrollback(self) -> str:
        """The visible screen and everything scrolled off above it."""
        return self.tmux("capture-pane", "-p", "-S", "-", "-t", self.target)

    def joined(self) -> str:
        """The scrollback with the lines the terminal wrapped joined again."""
        return self.tmux("capture-pane", "-p", "-J", "-S", "-", "-t", self.target)

    def dead(self) -> bool:
        return self.info("#{pane_dead}") == "1"

    def wait_until(self, check: Callable[[str], bool], what: str, timeout: float = 15.0) -> str:
        """Polls the screen until ``check(screen)`` holds; returns that screen.

        Fails with the last screen when ``timeout`` seconds pass, or at once if the
        app has exited (the screen can no longer change).
        """
        deadline = time.monotonic() + timeout
        while True:
            dead = self.dead()  # before the capture, so a dead pane's last screen is read
            screen = self.screen()
            if check(screen):
                return screen
            if dead:
                pytest.fail(f"the app exited waiting for {what}; last screen:\n{self.scrollback()}")
            if time.monotonic() > deadline:
                pytest.fail(f"no {what} after {timeout} s; last screen:\n{screen}")
            time.sleep(POLL_S)

    def wait_for(self, text: str, timeout: float = 15.0) -> str:
        """Polls the screen until ``text`` is on it; returns that screen."""
        return self.wait_until(lambda screen: text in screen, repr(text), timeout)

    def wait_for_exit(self, timeout: float = 15.0) -> int:
        """Polls until the command has exited; returns its exit status.

        Reads the scrollback too: when the shell exits, tmux's "Pane is dead" line can
        scroll the status line off the top of the screen.
        """
        deadline = time.monotonic() + timeout
        while True:
            dead = self.dead()  # before the capture, as in wait_until
            found = re.search(rf"^{EXIT_MARKER}(\d+)$", self.scrollback(), re.MULTILINE)
            if found:
                return int(found.group(1))
            if dead:
                pytest.fail(f"the pane died without an exit status:\n{self.scrollback()}")
            if time.monotonic() > deadline:
                pytest.fail(f"the app still runs after {timeout} s; screen:\n{self.screen()}")
            time.sleep(POLL_S)

    def assert_restored(self) -> None:
        """The app gave the terminal back: main screen, no mouse reporting."""
        assert self.info("#{alternate_on}") == "0", "the terminal was left on the alternate screen"
        assert self.info("#{mouse_any_flag}") == "0", "the terminal was left in mouse mode"

    def kill(self) -> None:
        """Stops this test's tmux server and the pane's processes (none: a no-op), and
        removes its socket file, which tmux leaves behind."""
        subprocess.run(
            ["tmux", "-L", self.socket, "kill-server"],
            capture_output=True,
            env=self.env,
            timeout=30,
            check=False,
        )
        if self.socket_path:
            Path(self.socket_path).unlink(missing_ok=True)


@pytest.fixture
def term(tmp_path: Path) -> Iterator[Terminal]:
    terminal = Terminal(tmp_path)
    try:
        yield terminal
    finally:
        terminal.kill()


def start_quiz(term: Terminal, db: Path) -> None:
    term.start([sys.executable, "-m", "quiz", "--db", str(db)])


def reveal_and_grade(term: Terminal, question: str, grade: str, timeout: float = 15.0) -> None:
    """Waits for ``question``, reveals the answer with enter (nothing typed), and
    grades it."""
    term.wait_for(question, timeout=timeout)
    term.wait_for(ANSWER_BOX_READY)
    term.send("Enter")
    term.wait_for(REVEALED)
    term.send(grade)


def grades(db: Path) -> dict[str, list[tuple[int, str]]]:
    """Every logged grade, by card: (grade, mode), oldest first."""
    with Store.open(db) as store:
        ids = {row[0] for row in store.conn.execute("SELECT card_id FROM reviews")}
        return {
            card_id: [(r.grade, r.mode) for r in store.reviews_of(card_id)]
            for card_id in sorted(ids)
        }


def test_grade_undo_regrade_and_quit(term: Terminal, tmp_path: Path) -> None:
    db = tmp_path / "q.db"
    start_quiz(term, db)

    reveal_and_grade(term, Q_DEEP_LEARNING, "5", timeout=LAUNCH_TIMEOUT_S)
    # Below 4: the card would come back as a re-drill later today.
    reveal_and_grade(term, Q_NEURAL_NETWORK, "2")

    term.wait_for(Q_MLP)
    # Typed in the box, "u" is a letter of the answer; outside it, it undoes.
    term.send("Escape")
    # The footer of the state outside the box (the last card's footer offered
    # "u Undo" too), and not u straight behind escape: a terminal sends escape and
    # a key within a few milliseconds as one alt+key.
    term.wait_for("space Reveal")
    term.send("u")  # takes the 2 back: the same card, asked again as a scheduled review
    screen = term.wait_for(Q_NEURAL_NETWORK)
    assert "Topic 2 of 15" in screen, f"the undone card is not asked as a review:\n{screen}"
    reveal_and_grade(term, Q_NEURAL_NETWORK, "4")

    term.wait_for(Q_MLP)
    term.send("Escape")
    # The footer of the state outside the box (a "q Quit" may still be the last
    # card's). And not q straight behind escape: a terminal sends escape and a key
    # within a few milliseconds as one alt+key.
    term.wait_for("space Reveal")
    term.send("q")
    status = term.wait_for_exit()
    output = term.scrollback()
    assert status == 0, f"quiz exited with status {status}:\n{output}"
    assert "Traceback" not in output, output
    term.assert_restored()

    assert grades(db) == {"deep-learning": [(5, "review")], "neural-network": [(4, "review")]}
    with Store.open(db) as store:
        assert store.review_count() == 2
        states = store.card_states()
    assert sorted(states) == ["deep-learning", "neural-network"]
    assert states["deep-learning"].last_grade == 5
    assert states["neural-network"].last_grade == 4
    assert states["neural-network"].lapses == 0


def test_ctrl_c_mid_answer_exits_cleanly_and_keeps_the_grades(
    term: Terminal, tmp_path: Path
) -> None:
    db = tmp_path / "q.db"
    start_quiz(term, db)

    reveal_and_grade(term, Q_DEEP_LEARNING, "5", timeout=LAUNCH_TIMEOUT_S)
    reveal_and_grade(term, Q_NEURAL_NETWORK, "3")

    # Half-way through typing an answer to the third card: every key of it, written
    # in one go as a fast typist or a paste sends them, lands in the box (the "d" of
    # "stacked" is the demo key outside the box, "s" stats, "a" the box's own key).
    term.wait_for(Q_MLP)
    term.wait_for(ANSWER_BOX_READY)
    term.type_text("stacked perceptrons")
    term.wait_for("stacked perceptrons")
    term.send("C-c")

    status = term.wait_for_exit()
    output = term.scrollback()
    assert "Traceback" not in output, output
    # Ctrl-C is the app's quit key (a priority binding), not a KeyboardInterrupt.
    assert status == 0, f"quiz exited with status {status}:\n{output}"
    term.assert_restored()

    assert grades(db) == {"deep-learning": [(5, "review")], "neural-network": [(3, "review")]}


def test_typing_runs_no_command_a_paste_stays_whole_and_the_card_reads_to_its_end(
    term: Terminal, tmp_path: Path
) -> None:
    db = tmp_path / "q.db"
    start_quiz(term, db)
    term.wait_for(Q_DEEP_LEARNING, timeout=LAUNCH_TIMEOUT_S)
    term.wait_for(ANSWER_BOX_READY)
    # Outside the box each of these letters is a command (u undo, s stats, q quit,
    # d demo, b browse): typed as an answer, they all go into the box.
    term.type_text("use sequence models, quickly")
    screen = term.wait_for("use sequence models, quickly")
    assert "Heatmap" not in screen and "Demo deep-learning" not in screen
    # A multi-line paste, as the terminal sends it (bracketed), keeps every line.
    term.tmux("set-buffer", "-b", "answer", "\nlayers learn representations\nend to end")
    term.tmux("paste-buffer", "-p", "-b", "answer", "-t", term.target)
    screen = term.wait_for("end to end")
    assert "layers learn representations" in screen, screen
    term.send("Enter")  # check: reveal, with the typed answer shown from its start
    screen = term.wait_for("Your answer")
    assert "use sequence models, quickly" in screen, screen
    term.send("End")
    screen = term.wait_for("linear regions")  # the last reference of the card
    assert "5 perfect" in screen, f"the grade bar left the screen:\n{screen}"
    term.send("4")
    term.wait_for(Q_NEURAL_NETWORK)
    term.send("C-c")
    assert term.wait_for_exit() == 0
    [review] = [r for r in Store.open(db).reviews_of("deep-learning")]
    assert review.grade == 4
    assert review.answer == (
        "use sequence models, quickly\nlayers learn representations\nend to end"
    )


CRASHING_QUIZ = """
import sys
from quiz.cli import main
from quiz.tui.screens import review

reveal = review.ReviewScreen.action_reveal

def reveal_with_a_bug(self):
    if self.card.number == 2:
        raise RuntimeError("a bug in the reveal")
    reveal(self)

review.ReviewScreen.action_reveal = reveal_with_a_bug
sys.exit(main())
"""


def test_an_unexpected_error_prints_one_line_and_a_log_and_exits_1(
    term: Terminal, tmp_path: Path
) -> None:
    # A bug planted in the reveal (the app has none known): what a person sees when
    # one happens, and that their grades are safe.
    db, logs = tmp_path / "q.db", tmp_path / "logs"
    script = tmp_path / "crashing_quiz.py"
    script.write_text(CRASHING_QUIZ)
    term.env["QUIZ_LOG_DIR"] = str(logs)
    term.start(["env", f"QUIZ_LOG_DIR={logs}", sys.executable, str(script), "--db", str(db)])
    reveal_and_grade(term, Q_DEEP_LEARNING, "5", timeout=LAUNCH_TIMEOUT_S)
    term.wait_for(Q_NEURAL_NETWORK)
    term.send("Escape")
    term.wait_for("space Reveal")
    term.send("space")
    status = term.wait_for_exit()
    output = term.joined()
    assert status == 1, output
    assert "Traceback" not in output, output
    [line] = [text for text in output.splitlines() if text.startswith("quiz: unexpected error")]
    assert "a bug in the reveal" in line and "your grades are saved" in line
    [log] = list(logs.glob("quiz-crash-*.log"))
    assert str(log) in line
    assert "RuntimeError: a bug in the reveal" in log.read_text()
    term.assert_restored()
    assert grades(db) == {"deep-learning": [(5, "review")]}


def test_a_second_quiz_on_the_database_is_refused_and_the_lock_dies_with_the_first(
    term: Terminal, tmp_path: Path
) -> None:
    db = tmp_path / "q.db"
    start_quiz(term, db)
    term.wait_for(Q_DEEP_LEARNING, timeout=LAUNCH_TIMEOUT_S)
    pid = int((tmp_path / "q.db.lock").read_text())  # the app's own process
    files = [db, Path(f"{db}-wal")]
    before = [f.read_bytes() for f in files]

    second = subprocess.run(
        [sys.executable, "-m", "quiz", "--db", str(db)], capture_output=True, text=True, timeout=60
    )
    assert second.returncode == 1, second.stderr
    assert second.stderr == (
        f"quiz: error: {db} is open in another quiz (pid {pid}); quit that one first "
        "(list, due, stats and export work while it is open)\n"
    )
    assert [f.read_bytes() for f in files] == before  # it touched nothing
    listed = subprocess.run(
        [sys.executable, "-m", "quiz", "--db", str(db), "due"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (listed.returncode, listed.stdout) == (0, "0 due, 15 new\n"), listed.stderr

    reveal_and_grade(term, Q_DEEP_LEARNING, "5")  # the first app goes on as before
    term.wait_for(Q_NEURAL_NETWORK)
    os.kill(pid, signal.SIGKILL)  # no clean exit: only the kernel can release the lock
    assert term.wait_for_exit() == 128 + signal.SIGKILL
    third = subprocess.run(
        [sys.executable, "-m", "quiz", "--db", str(db), "backup"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert third.returncode == 0, third.stderr
    assert grades(db) == {"deep-learning": [(5, "review")]}
