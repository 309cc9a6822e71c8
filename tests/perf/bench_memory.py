"""Memory of the TUI in a real terminal, against a bare Textual app.

Run by hand from the checkout (pytest does not collect it)::

    python tests/perf/bench_memory.py [--reviews 1000000] [--db HISTORY.db] [--runs 3]

Each program runs in a window of a private tmux server (80x24, TERM=xterm-256color);
its peak resident memory (``VmHWM`` in ``/proc/PID/status``) is read

- when its first screen shows: a card's question for ``quiz`` (on an empty database,
  and on one with ``--reviews`` reviews made with make_history.py or copied from
  ``--db``), the text "ready-marker" for a bare Textual app that shows one line;
- two seconds later, once ``quiz`` has settled (the answer's Markdown is built a
  moment after the question shows);
- through a session that opens the first card's demo (``d``), runs it (``r``) and
  waits for it to finish: the TUI's own peak, and the demo process's peak (the same
  ``python -m solvers NAME --json`` command, measured on its own with ``wait4``).

The goal (issue 8): the TUI with its first card on screen under 1.5x the bare app.
The script reports; it never fails (exit status 0).
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
for entry in (str(ROOT), str(Path(__file__).resolve().parent)):
    if entry not in sys.path:
        sys.path.insert(0, entry)

from benchlib import BARE_APP, BARE_MARKER, compile_checkout, report  # noqa: E402
from make_history import append_history  # noqa: E402

from quiz.deck import load_deck  # noqa: E402
from quiz.store import Store  # noqa: E402

WIDTH, HEIGHT = 80, 24
GOAL = 1.5
SETTLE_S = 2.0
TIMEOUT_S = 60.0
NOTHING_DUE = "Nothing is due today."
DEMO_DONE = ("✓ done", "✗")  # the demo screen's status line once the run has ended


def peak_kb(pid: int) -> int:
    """The process's peak resident set size so far, in kB (VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmHWM for process {pid}")


class Pane:
    """One program in a window of a private tmux server."""

    def __init__(self, argv: list[str], workdir: Path) -> None:
        self.socket = f"quiz-mem-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        conf = workdir / "tmux.conf"
        conf.write_text("set -g status off\nset -g default-shell /bin/sh\n")
        self.base = ["tmux", "-L", self.socket, "-f", str(conf)]
        self.env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "TMUX_PANE")}
        self.env["TERM"] = "xterm-256color"
        command = "exec env TERM=xterm-256color " + shlex.join(argv)
        size = ["-x", str(WIDTH), "-y", str(HEIGHT)]
        self("new-session", "-d", "-s", "mem", *size, "-c", str(ROOT), command)
        self.pid = int(self("display-message", "-p", "-t", "mem", "#{pane_pid}"))
        self.socket_path = self("display-message", "-p", "#{socket_path}")

    def __call__(self, *args: str) -> str:
        done = subprocess.run(
            [*self.base, *args], capture_output=True, text=True, env=self.env, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(f"tmux {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout.strip()

    def wait_for(self, texts: tuple[str, ...] | list[str]) -> None:
        deadline = time.monotonic() + TIMEOUT_S
        while True:
            screen = self("capture-pane", "-p", "-t", "mem")
            if any(text in screen for text in texts):
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"none of {list(texts)[:3]}... in {TIMEOUT_S} s:\n{screen}")
            time.sleep(0.01)

    def keys(self, *keys: str) -> None:
        for key in keys:
            self("send-keys", "-t", "mem", key)

    def close(self) -> None:
        subprocess.run([*self.base, "kill-server"], capture_output=True, env=self.env, check=False)
        Path(self.socket_path).unlink(missing_ok=True)  # tmux leaves it behind


def measure_first_screen(
    argv: list[str], texts: list[str], work: Path, settle: bool
) -> tuple[int, int]:
    """Peak kB when the first screen shows, and after settling (0 if not asked)."""
    pane = Pane(argv, work)
    try:
        pane.wait_for(texts)
        first = peak_kb(pane.pid)
        if not settle:
            return first, 0
        time.sleep(SETTLE_S)
        return first, peak_kb(pane.pid)
    finally:
        pane.close()


def measure_demo_session(db: Path, questions: list[str], work: Path) -> int:
    """The TUI's peak kB after opening the first card's demo and running it."""
    pane = Pane([sys.executable, "-m", "quiz", "--db", str(db)], work)
    try:
        pane.wait_for(questions)
        pane.wait_for(["Check answer"])  # the footer is drawn: the answer box has the keys
        pane.keys("Escape")  # out of the box, where d opens the demo
        pane.wait_for(["d Demo"])
        pane.keys("d")
        pane.wait_for(["r Run"])
        pane.keys("r")
        pane.wait_for(DEMO_DONE)
        return peak_kb(pane.pid)
    finally:
        pane.close()


def demo_process_kb(name: str) -> int:
    """Peak kB of the demo's own process, as the TUI starts it."""
    child = subprocess.Popen(
        [sys.executable, "-m", "solvers", name, "--json"], cwd=ROOT, stdout=subprocess.DEVNULL
    )
    _, _, usage = os.wait4(child.pid, 0)
    return int(usage.ru_maxrss)  # kB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, default=1_000_000, metavar="N")
    parser.add_argument("--db", type=Path, help="a history to copy instead of making one")
    parser.add_argument("--runs", type=int, default=3, help="runs of each (3)")
    args = parser.parse_args()
    if shutil.which("tmux") is None or not Path("/proc/self/status").exists():
        print("needs tmux and /proc (Linux); nothing measured")
        return
    compile_checkout()
    deck = load_deck()
    questions = [card.question[:30] for card in deck]
    with tempfile.TemporaryDirectory(prefix="quiz-bench-") as tmp:
        work = Path(tmp)
        bare = work / "bare_app.py"
        bare.write_text(BARE_APP)
        empty = work / "empty.db"
        Store.open(empty).close()
        history = work / "history.db"
        if args.db:
            shutil.copyfile(args.db, history)
        else:
            print(f"Making a history of {args.reviews:,} reviews...")
            append_history(history, args.reviews)
        with Store.open(history) as store:
            count = store.review_count()
        py = sys.executable
        programs = {
            "bare Textual app": ([py, str(bare)], [BARE_MARKER], False),
            "quiz, empty database": ([py, "-m", "quiz", "--db", str(empty)], questions, True),
            f"quiz, {count:,} reviews": (
                [py, "-m", "quiz", "--db", str(history)],
                [*questions, NOTHING_DUE],
                True,
            ),
        }
        first: dict[str, list[int]] = {name: [] for name in programs}
        settled: dict[str, list[int]] = {name: [] for name in programs}
        for _ in range(args.runs):
            for name, (argv, texts, settle) in programs.items():
                at_first, later = measure_first_screen(argv, texts, work, settle)
                first[name].append(at_first)
                settled[name].append(later)
        demo_db = work / "demo.db"
        Store.open(demo_db).close()
        session_peaks = [measure_demo_session(demo_db, questions, work) for _ in range(args.runs)]
        demo_peak = statistics.median(demo_process_kb(deck.cards[0].demo) for _ in range(3))

    def mb(kb: float) -> str:
        return f"{kb / 1024:6.1f} MB"

    names = list(programs)
    bare_kb = statistics.median(first[names[0]])
    print(f"\nPeak resident memory (VmHWM), median of {args.runs}, {WIDTH}x{HEIGHT} tmux pane:")
    print(f"  {'':<30} {'first screen':>12}   {'settled':>9}   ratio to the bare app")
    for name in names:
        first_kb = statistics.median(first[name])
        settled_kb = statistics.median(settled[name])
        settled_text = mb(settled_kb) if settled_kb else "      —  "
        ratios = f"{first_kb / bare_kb:4.2f}x" + (
            f" / {settled_kb / bare_kb:4.2f}x" if settled_kb else ""
        )
        print(f"  {name:<30} {mb(first_kb):>12}   {settled_text:>9}   {ratios}")
    for name in names[1:]:
        ratio = statistics.median(first[name]) / bare_kb
        verdict = "meets" if ratio < GOAL else "misses"
        print(f"  goal: {name} under {GOAL}x at the first card: {verdict} it ({ratio:.2f}x)")
    session = statistics.median(session_peaks)
    print(
        f"\nThrough a session that opens and runs the {deck.cards[0].demo} demo: the TUI's "
        f"peak {mb(session).strip()} ({session / bare_kb:.2f}x the bare app); the demo's "
        f"own process {mb(demo_peak).strip()}"
    )


if __name__ == "__main__":
    report(main, "bench_memory")
