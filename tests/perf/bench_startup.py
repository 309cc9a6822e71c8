"""Time to the first card, in a real terminal, against a bare Textual app.

Run by hand from the checkout (it is not a test and asserts nothing)::

    python tests/perf/bench_startup.py                    # empty database
    python tests/perf/bench_startup.py --reviews 1000000  # and one with a long log

Each run starts the program in a fresh window of a private tmux server (80x24,
TERM=xterm-256color) and polls ``tmux capture-pane`` every 10 ms until its first screen
shows: a card's question for ``quiz``, the text "ready-marker" for a bare Textual app
that shows one line. The programs take turns (the order rotates every round), so a
machine that gets busier or quieter during the benchmark affects all of them alike.

The checkout's modules are compiled to bytecode first, as ``pip install .`` does
(see ``benchlib.compile_checkout``): without that, every timed start would compile
about twenty modules, some 15-20 ms that no installed ``quiz`` spends.

The goal (DESIGN.md, "Start-up"): quiz within 1.3x of the bare app on an empty
database, within 1.5x with 1,000,000 reviews.

Also printed: the ten slowest imports (cumulative) behind ``import quiz.tui.app``, and
whether that import loads NumPy or sqlite-utils (it should load neither).
"""

from __future__ import annotations

import argparse
import json
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

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))  # the checkout's quiz, as `python -m quiz` below uses
sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import BARE_APP, BARE_MARKER, compile_checkout, report  # noqa: E402
from make_history import append_history  # noqa: E402

from quiz.deck import load_deck  # noqa: E402
from quiz.session import Session  # noqa: E402
from quiz.store import Store  # noqa: E402

WIDTH, HEIGHT = 80, 24
POLL_S = 0.010
TIMEOUT_S = 60.0
GOAL_EMPTY, GOAL_REVIEWS = 1.3, 1.5
NOTHING_DUE = "Nothing is due today."


TMUX_CONF = f"""\
set -g status off
set -g default-shell /bin/sh
set -g default-size {WIDTH}x{HEIGHT}
"""


# -- the databases -------------------------------------------------------------------


def make_empty(path: Path) -> None:
    """A database with the schema and no reviews."""
    Store.open(path).close()


def make_with_reviews(path: Path, n: int) -> None:
    """A database whose log holds ``n`` reviews, made by the project's own history maker."""
    append_history(path, n)
    with Store.open(path) as store:
        progress = Session(store, load_deck()).progress()
        print(
            f"  {store.review_count():,} reviews over {len(store.review_days())} days; "
            f"today: {progress.due} due, {progress.new} new"
        )


# -- the terminal --------------------------------------------------------------------


class Tmux:
    """A private tmux server whose windows run the programs being timed."""

    def __init__(self, workdir: Path) -> None:
        self.socket = f"quiz-bench-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.conf = workdir / "tmux.conf"
        self.conf.write_text(TMUX_CONF)
        self.env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "TMUX_PANE")}
        self.env["TERM"] = "xterm-256color"
        # An idle first window keeps the server (and the session) up between runs.
        self("new-session", "-d", "-s", "bench", "-x", str(WIDTH), "-y", str(HEIGHT), "cat")
        self.socket_path = self("display-message", "-p", "#{socket_path}").strip()

    def __call__(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.socket, "-f", str(self.conf), *args],
            capture_output=True,
            text=True,
            env=self.env,
        )
        if result.returncode != 0:
            raise RuntimeError(f"tmux {' '.join(args)}: {result.stderr.strip()}")
        return result.stdout

    def time_to_text(self, argv: list[str], texts: list[str], then_quit: bool = False) -> float:
        """Seconds from starting ``argv`` in a new window until one of ``texts`` shows.

        The program is then killed; with ``then_quit``, it is quit as a person quits it
        (ctrl+q, which ends quiz and a bare Textual app alike) and given the time to
        end: a warm-up run, leaving behind what a run keeps at its end (quiz's caches),
        as the person's earlier runs would have."""
        command = "exec env TERM=xterm-256color " + shlex.join(argv)
        t0 = time.perf_counter()
        pane = self(
            "new-window", "-d", "-P", "-F", "#{pane_id}", "-t", "bench", "-c", str(REPO), command
        ).strip()
        try:
            while True:
                screen = self("capture-pane", "-p", "-t", pane)
                if any(text in screen for text in texts):
                    elapsed = time.perf_counter() - t0
                    size = self("display-message", "-p", "-t", pane, "#{pane_width}x#{pane_height}")
                    if size.strip() != f"{WIDTH}x{HEIGHT}":
                        raise SystemExit(f"the pane is {size.strip()}, not {WIDTH}x{HEIGHT}")
                    if then_quit:
                        self.quit(pane)
                    return elapsed
                if time.perf_counter() - t0 > TIMEOUT_S:
                    raise TimeoutError(f"{texts} not shown in {TIMEOUT_S} s:\n{screen}")
                time.sleep(POLL_S)
        finally:
            subprocess.run(
                ["tmux", "-L", self.socket, "kill-pane", "-t", pane],
                capture_output=True,
                env=self.env,
                check=False,
            )

    def quit(self, pane: str) -> None:
        """Sends ctrl+q to ``pane`` and waits until its program has ended."""
        self("send-keys", "-t", pane, "C-q")
        t0 = time.perf_counter()
        while pane in self("list-panes", "-s", "-t", "bench", "-F", "#{pane_id}").split():
            if time.perf_counter() - t0 > TIMEOUT_S:
                raise TimeoutError(f"the program in {pane} did not quit on ctrl+q")
            time.sleep(POLL_S)

    def close(self) -> None:
        subprocess.run(
            ["tmux", "-L", self.socket, "kill-server"],
            capture_output=True,
            env=self.env,
            check=False,
        )
        Path(self.socket_path).unlink(missing_ok=True)  # tmux leaves it behind


# -- imports -------------------------------------------------------------------------


def import_report() -> None:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import quiz.tui.app"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
    )
    # The output lists each module after the modules it imports, indented one step
    # deeper than its importer: read backwards, a module's importer is the last line
    # seen one level up.
    lines = [
        line[len("import time:") :].split("|", 2)
        for line in result.stderr.splitlines()
        if line.startswith("import time:") and "cumulative" not in line
    ]
    rows = []
    seen_at_level: dict[int, str] = {}
    for raw_self, raw_cumulative, raw_name in reversed(lines):
        name = raw_name.strip()
        level = (len(raw_name) - len(raw_name.lstrip()) - 1) // 2
        seen_at_level[level] = name
        parent = seen_at_level.get(level - 1, "")
        root = seen_at_level[0]
        rows.append((int(raw_cumulative), int(raw_self), name, parent, root))
    startup = [r for r in rows if r[4] == "site"]
    rows = sorted((r for r in rows if r[4] != "site"), reverse=True)
    print("\n`python -X importtime -c 'import quiz.tui.app'`, top 10 by cumulative time:")
    print(f"  {'cumulative':>10}  {'self':>8}  module (imported by)")
    for cumulative_us, self_us, name, parent, _ in rows[:10]:
        by = f"  ({parent})" if parent else ""
        print(f"  {cumulative_us / 1000:8.1f}ms  {self_us / 1000:6.1f}ms  {name}{by}")
    site_ms = sum(r[1] for r in startup) / 1000
    print(f"  (left out: start-up imports under `site`, {site_ms:.1f} ms, paid by every program)")

    probe = (
        "import sys, json, quiz.tui.app; "
        "print(json.dumps({m: m in sys.modules for m in ('numpy', 'sqlite_utils')}))"
    )
    loaded = json.loads(
        subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO, check=True
        ).stdout
    )
    for module, present in loaded.items():
        verdict = "LOADED (should not be)" if present else "not loaded (good)"
        print(f"  after `import quiz.tui.app`: {module} {verdict}")


# -- main ----------------------------------------------------------------------------


def summarise(name: str, times: list[float]) -> str:
    return (
        f"  {name:<28} median {statistics.median(times):6.3f} s   best {min(times):6.3f} s   "
        f"({', '.join(f'{t:.3f}' for t in times)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each (default 7)")
    parser.add_argument(
        "--reviews", type=int, default=0, metavar="N", help="also time a database with N reviews"
    )
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        print("tmux is not installed; nothing measured")
        return

    compile_checkout()
    questions = [card.question[:30] for card in load_deck()]
    with tempfile.TemporaryDirectory(prefix="quiz-bench-") as tmp:
        work = Path(tmp)
        bare = work / "bare_app.py"
        bare.write_text(BARE_APP)
        empty = work / "empty.db"
        make_empty(empty)
        programs: dict[str, tuple[list[str], list[str]]] = {
            "bare Textual app": ([sys.executable, str(bare)], [BARE_MARKER]),
            "quiz, empty database": (
                [sys.executable, "-m", "quiz", "--db", str(empty)],
                questions,
            ),
        }
        if args.reviews:
            big = work / "reviews.db"
            print(f"Creating a database with {args.reviews:,} reviews...")
            t0 = time.perf_counter()
            make_with_reviews(big, args.reviews)
            print(f"  done in {time.perf_counter() - t0:.1f} s")
            programs[f"quiz, {args.reviews:,} reviews"] = (
                [sys.executable, "-m", "quiz", "--db", str(big)],
                [*questions, NOTHING_DUE],
            )

        tmux = Tmux(work)
        times: dict[str, list[float]] = {name: [] for name in programs}
        names = list(programs)
        try:
            print(f"Warming up (one untimed run each), then {args.runs} rounds...")
            for name in names:
                tmux.time_to_text(*programs[name], then_quit=True)
            for round_no in range(args.runs):
                shift = round_no % len(names)
                for name in names[shift:] + names[:shift]:
                    times[name].append(tmux.time_to_text(*programs[name]))
        finally:
            tmux.close()

    print(f"\nTime to first screen, {WIDTH}x{HEIGHT} tmux pane, {args.runs} runs each:")
    for name in names:
        print(summarise(name, times[name]))
    bare_median, bare_best = statistics.median(times[names[0]]), min(times[names[0]])
    goals = [GOAL_EMPTY] + [GOAL_REVIEWS] * (len(names) - 2)
    print("\nRatio to the bare app (median / best), and the goal:")
    for name, goal in zip(names[1:], goals, strict=True):
        median_ratio = statistics.median(times[name]) / bare_median
        best_ratio = min(times[name]) / bare_best
        verdict = "meets" if median_ratio <= goal else "misses"
        print(
            f"  {name:<28} {median_ratio:5.2f}x / {best_ratio:5.2f}x   "
            f"goal <= {goal}x: {verdict} it (by median)"
        )
    if not args.reviews:
        print(f"  (goal with 1,000,000 reviews: <= {GOAL_REVIEWS}x; run with --reviews 1000000)")

    import_report()


if __name__ == "__main__":
    report(main, "bench_startup")
