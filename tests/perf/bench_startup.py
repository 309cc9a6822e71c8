"""Time to the first card, in a real terminal, against a bare Textual app.

Run by hand from the checkout (it is not a test and asserts nothing)::

    python tests/perf/bench_startup.py                    # empty database
    python tests/perf/bench_startup.py --reviews 1000000  # and one with a long log

Each run starts the program in a fresh window of a private tmux server (80x24,
TERM=xterm-256color) and polls ``tmux capture-pane`` every 10 ms until its first screen
shows: a card's question for ``quiz``, the text "ready-marker" for a bare Textual app
that shows one line. The programs take turns (the order rotates every round), so a
machine that gets busier or quieter during the benchmark affects all of them alike.

The goal (DESIGN.md, "Start-up"): quiz within 1.3x of the bare app on an empty
database, within 1.5x with 1,000,000 reviews.

Also printed: the ten slowest imports (cumulative) behind ``import quiz.tui.app``, and
whether that import loads NumPy or sqlite-utils (it should load neither).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))  # the checkout's quiz, as `python -m quiz` below uses

from quiz import sm2  # noqa: E402
from quiz.deck import load_deck  # noqa: E402
from quiz.session import Session  # noqa: E402
from quiz.store import Store  # noqa: E402

WIDTH, HEIGHT = 80, 24
POLL_S = 0.010
TIMEOUT_S = 60.0
GOAL_EMPTY, GOAL_REVIEWS = 1.3, 1.5
BARE_MARKER = "ready-marker"
NOTHING_DUE = "Nothing is due today."
# The log spans this many study days, ending yesterday.
HISTORY_DAYS = 730

BARE_APP = f'''\
from textual.app import App, ComposeResult
from textual.widgets import Static


class Bare(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("{BARE_MARKER}")


if __name__ == "__main__":
    Bare().run()
'''

TMUX_CONF = f"""\
set -g status off
set -g default-shell /bin/sh
set -g default-size {WIDTH}x{HEIGHT}
"""


# -- the databases -------------------------------------------------------------------


def make_empty(path: Path) -> None:
    """A database with the schema and no reviews."""
    Store.open(path).close()


def review_rows(n: int, card_ids: list[str], today: date, seed: int = 1) -> Iterator[tuple]:
    """``n`` rows of a plausible log over the ``HISTORY_DAYS`` days before ``today``.

    Every card starts on the first day and is reviewed (mode ``review``, SM-2 applied)
    on each day it is due; the rest of each day's share of rows is practice, which
    leaves schedules alone. Grades are random but fixed by ``seed``. (Below about 15
    rows a day the scheduled reviews alone use up ``n`` and the log ends early.)
    """
    rng = random.Random(seed)
    days = min(HISTORY_DAYS, n)
    state = {cid: sm2.SM2State() for cid in card_ids}
    due: dict[str, date | None] = {cid: None for cid in card_ids}
    start = today - timedelta(days=days)
    made = 0
    for offset in range(days):
        day = start + timedelta(days=offset)
        base_ms = int(datetime.combine(day, clock_time(12), tzinfo=UTC).timestamp() * 1000)
        todays = [cid for cid in card_ids if due[cid] is None or due[cid] <= day]
        quota = n * (offset + 1) // days - n * offset // days  # n spread evenly
        extra = max(0, quota - len(todays))
        plan = [(cid, "review") for cid in todays]
        plan += [(card_ids[(offset + i) % len(card_ids)], "practice") for i in range(extra)]
        for i, (cid, mode) in enumerate(plan):
            if made == n:
                return
            grade = rng.choices(range(6), weights=(1, 1, 2, 4, 6, 6))[0]
            before, due_before = state[cid], due[cid]
            if mode == "review":
                after = sm2.review(before, grade)
                due_after: date | None = day + timedelta(days=after.interval)
                state[cid], due[cid] = after, due_after
            else:
                after, due_after = before, due_before
            yield (
                cid,
                base_ms + i * 1000,
                day.isoformat(),
                grade,
                mode,
                before.easiness_x100,
                before.interval,
                before.repetitions,
                due_before.isoformat() if due_before else None,
                after.easiness_x100,
                after.interval,
                after.repetitions,
                due_after.isoformat() if due_after else None,
                rng.randrange(5_000, 120_000),
                "",
            )
            made += 1


def make_with_reviews(path: Path, n: int) -> None:
    """A database whose log holds ``n`` reviews; its cards table rebuilt from the log."""
    deck = load_deck()
    with Store.open(path) as store:
        today = Session(store, deck).today
        rows = review_rows(n, [card.id for card in deck], today)
        store.conn.execute("BEGIN IMMEDIATE")
        store.conn.executemany(
            "INSERT INTO reviews (card_id, ts_ms, day, grade, mode, ef_before, "
            "interval_before, reps_before, due_before, ef_after, interval_after, "
            "reps_after, due_after, answer_ms, answer) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        store.conn.execute("COMMIT")
        store.rebuild()
        progress = Session(store, deck).progress()
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

    def time_to_text(self, argv: list[str], texts: list[str]) -> float:
        """Seconds from starting ``argv`` in a new window until one of ``texts`` shows."""
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
    for self_us, cumulative_us, raw_name in reversed(lines):
        name = raw_name.strip()
        level = (len(raw_name) - len(raw_name.lstrip()) - 1) // 2
        seen_at_level[level] = name
        parent = seen_at_level.get(level - 1, "")
        root = seen_at_level[0]
        rows.append((int(cumulative_us), int(self_us), name, parent, root))
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
                tmux.time_to_text(*programs[name])
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
    try:
        main()
    except Exception:  # a report, not a test: say what broke, exit 0 all the same
        import traceback

        traceback.print_exc()
        print("bench_startup: the benchmark could not finish (see above)")
    sys.exit(0)
