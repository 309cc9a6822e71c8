"""Undo, a topic's history and quitting on a long log, against the same on a short one.

Run by hand from the checkout (pytest does not collect it)::

    python tests/perf/bench_scale.py [--reviews 1000000 | --db HISTORY.db] [--runs 5]

The long log is made with make_history.py (``--reviews``), or is ``--db`` (used in
place: the script grades and undoes, which leaves the log as it was, and the copies
of the day's backup it starts are stopped and deleted). The baseline, measured in
the same run, is a log of 1,000 reviews (the same history maker), and for quitting
a bare Textual app that quits on ``q``.

- undo: ``u`` as the session does it (:meth:`Session.undo` right after a grade of the
  card with the longest log), the median of ``--runs``x10; and, once, what undo did
  before: replaying that card's log (:meth:`Store._replay_card`); then in the app
  (headless, 80x24), from ``u`` right after a grade until the undone card is painted
  again;
- history: the topic history of that card in the app (headless, 80x24), from the
  screen being pushed until its first page is painted, then until its total is
  shown, and from End until the next page is painted; with the longest pause of the
  app's event loop meanwhile (a timer every 5 ms: how long the interface froze);
- quit: in a real terminal (a private tmux server, 80x24), from ``q`` until the
  process has exited, for the bare app, ``quiz`` on the short log (its backup, if
  any, takes milliseconds), and ``quiz`` on the long log a third of the way into
  its day's backup (which starts 2 s after ``quiz``); also how long that whole
  backup takes, which is what quitting used to wait for.

Goals at 10,000,000 reviews (issue 13): history page < 0.3 s, undo < 50 ms, quit < 1 s.
The script reports; it never fails (exit status 0).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
for entry in (str(ROOT), str(Path(__file__).resolve().parent)):
    if entry not in sys.path:
        sys.path.insert(0, entry)

from benchlib import compile_checkout, report  # noqa: E402
from make_history import append_history  # noqa: E402

from quiz.backup import START_DELAY_S, backup, backup_dir, list_backups  # noqa: E402
from quiz.days import local_now  # noqa: E402
from quiz.deck import load_deck  # noqa: E402
from quiz.session import Session  # noqa: E402
from quiz.store import Store  # noqa: E402

SHORT = 1_000
GOALS = {"undo": 0.050, "history": 0.3, "quit": 1.0}
WIDTH, HEIGHT = 80, 24
TIMEOUT_S = 60.0
BARE_QUITS = """\
from textual.app import App, ComposeResult
from textual.widgets import Static


class Bare(App[None]):
    BINDINGS = [("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Static("ready-marker")


if __name__ == "__main__":
    Bare().run()
"""


def busiest_card(store: Store) -> tuple[str, int]:
    row = store.conn.execute(
        "SELECT card_id, count(*) AS n FROM reviews GROUP BY card_id ORDER BY n DESC LIMIT 1"
    ).fetchone()
    return str(row[0]), int(row[1])


# -- undo ------------------------------------------------------------------------------


def undo_times(db: Path, card_id: str, runs: int) -> list[float]:
    """Seconds of each :meth:`Session.undo` right after a grade of ``card_id``."""
    times = []
    with Store.open(db) as store:
        session = Session(store, load_deck())
        for i in range(runs * 10):
            session.grade(card_id, (4, 5, 2)[i % 3])
            t0 = time.perf_counter()
            undone = session.undo()
            times.append(time.perf_counter() - t0)
            assert undone is not None and undone.card_id == card_id
    return times


async def undo_key_times(db: Path, runs: int) -> list[float]:
    """Seconds from ``u`` (just after a grade) until the undone card is painted again,
    in the app (headless, 80x24), ``runs`` times. The clock is three years on: every
    card is due, so the session never runs out."""
    from textual import events

    from quiz.tui.app import QuizApp
    from quiz.tui.screens.review import ReviewScreen

    later = local_now() + timedelta(days=3 * 365)
    times = []
    with Store.open(db) as store:
        app = QuizApp(Session(store, load_deck(), now=lambda: later))
        app.animation_level = "none"

        async def until(condition: Callable[[], bool], what: str) -> None:
            deadline = time.monotonic() + TIMEOUT_S
            while not condition():
                if time.monotonic() > deadline:
                    raise TimeoutError(f"no {what} after {TIMEOUT_S} s")
                await asyncio.sleep(0)

        def on_card() -> str | None:
            screen = app.screen
            return screen.card.id if isinstance(screen, ReviewScreen) and screen.card else None

        async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
            for _ in range(runs):
                await until(lambda: on_card() is not None, "card")
                graded = on_card()
                await pilot.press("enter")  # in the answer box: reveal
                await pilot.pause()
                await pilot.press("4")
                await until(lambda g=graded: on_card() not in (None, g), "next card")  # type: ignore[misc]
                await pilot.press("escape")  # out of the answer box: keys are commands
                await app.workers.wait_for_complete()
                await pilot.pause()
                painted = asyncio.Event()
                key = events.Key("u", "u")
                key.set_sender(app)
                t0 = time.perf_counter()
                assert app._driver is not None
                app._driver.send_message(key)
                await until(lambda g=graded: on_card() == g, "the undone card")  # type: ignore[misc]
                app.screen.call_after_refresh(painted.set)
                await painted.wait()
                times.append(time.perf_counter() - t0)
                await app.workers.wait_for_complete()
    return times


def replay_time(db: Path, card_id: str) -> float:
    """Seconds to replay ``card_id``'s whole log into its row: what undo did before."""
    with Store.open(db) as store:
        t0 = time.perf_counter()
        with store._write():
            store._replay_card(card_id)
        return time.perf_counter() - t0


# -- history ---------------------------------------------------------------------------


class Collections:
    """The longest full (generation 2) garbage collection while active: a pause of
    the app that is not its own code (the bench's earlier apps leave garbage)."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._start = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.longest = max(self.longest, time.perf_counter() - self._start)


async def history_times(db: Path, card_id: str) -> dict[str, float]:
    from textual import events

    from quiz.tui.app import QuizApp
    from quiz.tui.screens.history import HistoryScreen

    figures: dict[str, float] = {}
    # Each measurement starts clean, whatever ran before it, and with what exists
    # frozen, as the app freezes what its start made (quiz.tui.app).
    gc.collect()
    gc.freeze()
    collections = Collections()
    gc.callbacks.append(collections)
    with Store.open(db) as store:
        app = QuizApp(Session(store, load_deck()))
        app.animation_level = "none"
        async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
            await pilot.pause()
            last = time.perf_counter()
            longest = 0.0

            def tick() -> None:
                nonlocal last, longest
                now = time.perf_counter()
                longest = max(longest, now - last)
                last = now

            async def until(condition: object, what: str) -> float:
                deadline = time.monotonic() + TIMEOUT_S
                while not condition():  # type: ignore[operator]
                    if time.monotonic() > deadline:
                        raise TimeoutError(f"no {what} after {TIMEOUT_S} s")
                    await asyncio.sleep(0.001)
                painted = asyncio.Event()
                app.screen.call_after_refresh(painted.set)
                await painted.wait()
                return time.perf_counter()

            card = app.deck.get(card_id)
            assert card is not None
            screen = HistoryScreen(app.session, card)
            timer = app.set_interval(0.005, tick)
            last = t0 = time.perf_counter()
            longest = 0.0
            app.push_screen(screen)
            figures["first page"] = await until(lambda: screen.shown > 0, "first page") - t0
            figures["total shown"] = await until(lambda: screen.count is not None, "count") - t0
            figures["longest pause, opening"] = longest
            shown = screen.shown
            if not screen.complete:
                # As the terminal sends it: Pilot's own press waits for the app to
                # go idle, which would swamp the figure.
                key = events.Key("end", None)
                key.set_sender(app)
                assert app._driver is not None
                last = t0 = time.perf_counter()
                longest = 0.0
                app._driver.send_message(key)
                figures["next page (End)"] = (
                    await until(lambda: screen.shown > shown, "next page") - t0
                )
                figures["longest pause, next page"] = longest
            timer.stop()
    gc.callbacks.remove(collections)
    gc.unfreeze()
    figures["of which a full collection"] = collections.longest
    return figures


# -- quit ------------------------------------------------------------------------------


class Tmux:
    """A private tmux server (its own socket) whose windows run the programs."""

    def __init__(self, workdir: Path) -> None:
        self.socket = f"quiz-bench-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.conf = workdir / "tmux.conf"
        self.conf.write_text(
            "set -g status off\nset -g default-shell /bin/sh\nset -g remain-on-exit on\n"
            f"set -g default-size {WIDTH}x{HEIGHT}\n"
        )
        self.env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "TMUX_PANE")}
        self.env["TERM"] = "xterm-256color"
        self("new-session", "-d", "-s", "bench", "-x", str(WIDTH), "-y", str(HEIGHT), "cat")
        self.socket_path = self("display-message", "-p", "#{socket_path}").strip()

    def __call__(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, "-f", str(self.conf), *args],
            capture_output=True,
            text=True,
            env=self.env,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"tmux {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout

    def wait_for(self, pane: str, texts: list[str]) -> None:
        t0 = time.monotonic()
        while not any(text in self("capture-pane", "-p", "-t", pane) for text in texts):
            if time.monotonic() - t0 > TIMEOUT_S:
                raise TimeoutError(f"{texts} not shown in {TIMEOUT_S} s")
            time.sleep(0.01)

    def quit_time(
        self, argv: list[str], ready: list[str], wait_s: float, keys: list[str]
    ) -> tuple[float, str]:
        """Seconds from ``q`` until the process has exited, ``wait_s`` after one of
        ``ready`` shows; and the last line it printed. Before ``q``, ``keys`` are
        sent (escape: out of the answer box), and the footer must offer Quit."""
        command = "exec env TERM=xterm-256color " + shlex.join(argv)
        pane = self(
            "new-window", "-d", "-P", "-F", "#{pane_id}", "-t", "bench", "-c", str(ROOT), command
        ).strip()
        self.wait_for(pane, ready)
        time.sleep(wait_s)  # the program runs, as a person reads the card
        for key in keys:
            self("send-keys", "-t", pane, key)
        if keys:
            # Under load, a q sent too soon behind the escape reads as alt+q.
            self.wait_for(pane, ["q Quit"])
        time.sleep(0.3)
        start = time.perf_counter()
        self("send-keys", "-t", pane, "q")
        while self("display-message", "-p", "-t", pane, "#{pane_dead}").strip() != "1":
            if time.perf_counter() - start > TIMEOUT_S:
                screen = self("capture-pane", "-p", "-t", pane)
                self("kill-pane", "-t", pane)
                raise TimeoutError(f"{argv} still running {TIMEOUT_S} s after q:\n{screen}")
            time.sleep(0.002)
        elapsed = time.perf_counter() - start
        time.sleep(0.3)  # tmux may mark the pane dead before it has shown the last output
        said = [
            row
            for row in self("capture-pane", "-p", "-J", "-S", "-100", "-t", pane).splitlines()
            if row.strip() and not row.startswith("Pane is dead")
        ]
        self("kill-pane", "-t", pane)
        return elapsed, said[-1] if said else ""

    def close(self) -> None:
        subprocess.run(
            ["tmux", "-L", self.socket, "kill-server"],
            capture_output=True,
            env=self.env,
            check=False,
        )
        Path(self.socket_path).unlink(missing_ok=True)


def quit_times(
    work: Path, short: Path, long: Path, runs: int, backup_s: float
) -> dict[str, list[float]]:
    """Quit times; on the long log, ``q`` comes a third of the way into the day's
    backup, which takes ``backup_s`` and starts 2 s after ``quiz`` does."""
    bare = work / "bare.py"
    bare.write_text(BARE_QUITS)
    questions = [card.question[:30] for card in load_deck()] + ["Nothing is due today."]

    def quiz(db: Path) -> list[str]:
        return [sys.executable, "-m", "quiz", "--db", str(db)]

    programs = {
        "bare Textual app": ([sys.executable, str(bare)], ["ready-marker"], 1.0, []),
        f"quiz, {SHORT:,} reviews": (quiz(short), questions, 1.0, ["Escape"]),
        "quiz, long log, backup running": (
            quiz(long),
            questions,
            # q comes ~1 s after this (the first card shows ~0.4 s after the start,
            # then escape, and a pause): the backup starts at START_DELAY_S.
            max(1.0, START_DELAY_S - 1.0 + backup_s / 3),
            ["Escape"],
        ),
    }
    times: dict[str, list[float]] = {name: [] for name in programs}
    said: list[str] = []
    tmux = Tmux(work)
    try:
        for argv, ready, wait_s, keys in programs.values():  # warm-up
            tmux.quit_time(argv, ready, wait_s, keys)
        for round_no in range(runs):
            names = list(programs)
            shift = round_no % len(names)
            for name in names[shift:] + names[:shift]:
                argv, ready, wait_s, keys = programs[name]
                elapsed, last = tmux.quit_time(argv, ready, wait_s, keys)
                times[name].append(elapsed)
                if name.endswith("backup running"):
                    said.append(last)
    finally:
        tmux.close()
    stopped = sum("backup was stopped at quit" in line for line in said)
    print(f"  on the long log, quiz said the backup was stopped {stopped} of {len(said)} times")
    for line in sorted(set(said)):
        if "backup was stopped at quit" not in line:
            print(f"    and once: {line}")
    if said:
        print(f"    e.g. {said[-1]}")
    return times


# -- main ------------------------------------------------------------------------------


def line(name: str, values: list[float], base: float | None = None) -> str:
    median = statistics.median(values)
    text = f"  {name:<34} {median * 1000:8.1f} ms  (best {min(values) * 1000:.1f}, worst "
    text += f"{max(values) * 1000:.1f})"
    if base:
        text += f"  {median / base:6.2f}x the baseline"
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, default=1_000_000, metavar="N")
    parser.add_argument("--db", type=Path, help="a long history to use in place")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--skip-quit", action="store_true", help="no tmux runs")
    args = parser.parse_args()
    compile_checkout()
    with tempfile.TemporaryDirectory(prefix="quiz-bench-") as tmp:
        work = Path(tmp)
        short = work / "short" / "quiz.db"
        short.parent.mkdir()
        append_history(short, SHORT)
        if args.db:
            long = args.db
        else:
            long = work / "long" / "quiz.db"
            long.parent.mkdir()
            print(f"Making a history of {args.reviews:,} reviews...")
            append_history(long, args.reviews)
        with Store.open(long) as store:
            count = store.review_count()
            card_id, card_rows = busiest_card(store)
        with Store.open(short) as store:
            short_card, short_rows = busiest_card(store)
        size_gb = long.stat().st_size / 1e9
        print(
            f"Long log: {count:,} reviews, {size_gb:.2f} GB; its busiest card {card_id} "
            f"has {card_rows:,} (the short log's {short_card}: {short_rows:,})"
        )

        print("\nUndo (Session.undo right after a grade), per undo:")
        base_undo = undo_times(short, short_card, args.runs)
        long_undo = undo_times(long, card_id, args.runs)
        b = statistics.median(base_undo)
        print(line(f"{SHORT:,} reviews", base_undo))
        print(line(f"{count:,} reviews", long_undo, b))
        print(line("replaying the card (undo before)", [replay_time(long, card_id)], b))
        print("u to the undone card painted again (headless 80x24):")
        base_key = asyncio.run(undo_key_times(short, args.runs))
        long_key = asyncio.run(undo_key_times(long, args.runs))
        print(line(f"{SHORT:,} reviews", base_key))
        print(line(f"{count:,} reviews", long_key, statistics.median(base_key)))

        print("\nTopic history of the busiest card (headless 80x24):")
        asyncio.run(history_times(short, short_card))  # warm-up: first imports, styles
        base_history = asyncio.run(history_times(short, short_card))
        long_history = asyncio.run(history_times(long, card_id))
        for key, value in long_history.items():
            base = base_history.get(key)
            ratio = f"   {value / base:6.2f}x the short log ({base * 1000:.1f} ms)" if base else ""
            print(f"  {key:<28} {value * 1000:8.1f} ms{ratio}")

        quit_figures: dict[str, list[float]] = {}
        if not args.skip_quit and shutil.which("tmux"):
            folder = backup_dir(long)
            if any(b.kind == "auto" for b in list_backups(folder, long.stem)):
                print(f"\nNote: {folder} holds automatic backups: if one is today's, quiz")
                print("makes none, and the quit figure is one with no backup running.")
            t0 = time.perf_counter()
            made = backup(long, work / "whole-backup")
            whole = time.perf_counter() - t0
            made.unlink()
            print(f"\nQuit (q to process exit, tmux {WIDTH}x{HEIGHT}), {args.runs} runs each:")
            print(f"  a whole backup of the long log (what quitting waited for): {whole:.1f} s")
            quit_figures = quit_times(work, short, long, args.runs, whole)
            base_quit = statistics.median(quit_figures["bare Textual app"])
            for name, values in quit_figures.items():
                print(line(name, values, base_quit))

    print("\nGoals at 10,000,000 reviews (issue 13):")
    verdicts = [
        ("undo", statistics.median(long_undo)),
        ("history", long_history["first page"]),
    ]
    if quit_figures:
        verdicts.append(("quit", statistics.median(quit_figures["quiz, long log, backup running"])))
    for what, value in verdicts:
        goal = GOALS[what]
        verdict = "meets" if value < goal else "misses"
        print(f"  {what:<8} {value * 1000:8.1f} ms   goal < {goal * 1000:.0f} ms: {verdict} it")
    if count < 10_000_000:
        print(f"  (measured at {count:,} reviews; run with --db on a 10,000,000-review log)")


if __name__ == "__main__":
    report(main, "bench_scale")
