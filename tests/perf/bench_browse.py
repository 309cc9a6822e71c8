"""Browse and the start with 2,000 more cards: time to the first card, opening
Browse, and a search keystroke, each against a baseline measured in the same run.

Run by hand from the checkout (it is not a test and asserts nothing)::

    python tests/perf/bench_browse.py [--cards 2000] [--runs 7]

The deck is the built-in cards and ``--cards`` generated cards of one's own
(``tests/perf/make_cards.py``), in a card folder (``QUIZ_CARDS``).

- First card: a real terminal (tmux 80x24, as ``bench_startup.py``): quiz on the big
  deck against a bare Textual app showing one line, and against quiz on the built-in
  deck. Goal: <= 1.3x the bare app.
- Browse opening and a search keystroke: headless (Textual's Pilot) in this process:
  from the key sent as the terminal driver sends it (``b``, or a letter in the search
  box) to the table filled and the next refresh done (``bench_grade.py``'s way).
  Baseline: the same on the built-in deck. Goals: Browse under 0.3 s, a keystroke
  under 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

from bench_startup import Tmux  # noqa: E402
from benchlib import BARE_APP, BARE_MARKER, compile_checkout, report  # noqa: E402

GOAL_START, GOAL_BROWSE_S, GOAL_KEY_S = 1.3, 0.3, 0.050
QUERY = "gradient"  # every letter narrows the list a little: the slowest typing there is


def make_deck(folder: Path, cards: int) -> None:
    subprocess.run(
        [sys.executable, str(HERE / "make_cards.py"), str(folder), str(cards)], check=True
    )


def time_start(work: Path, big: Path, runs: int) -> None:
    bare = work / "bare_app.py"
    bare.write_text(BARE_APP)
    db = work / "start.db"
    count = len(whole_deck(big))
    programs = {
        "bare Textual app": ([sys.executable, str(bare)], [BARE_MARKER]),
        # Each with a deck cache of its own (made by the warm-up run), not the user's.
        "quiz, built-in cards": (
            [
                "env",
                f"QUIZ_CACHE={work / 'small-cache'}",
                sys.executable,
                "-m",
                "quiz",
                "--db",
                str(work / "small.db"),
            ],
            [first_question(None, work)],
        ),
        f"quiz, {count:,} cards": (
            [
                "env",
                f"QUIZ_CARDS={big}",
                f"QUIZ_CACHE={work / 'big-cache'}",
                sys.executable,
                "-m",
                "quiz",
                "--db",
                str(db),
            ],
            [first_question(big, work)],
        ),
    }
    tmux = Tmux(work)
    times: dict[str, list[float]] = {name: [] for name in programs}
    names = list(programs)
    try:
        for name in names:  # warm-up: caches, bytecode
            tmux.time_to_text(*programs[name], then_quit=True)
        for round_no in range(runs):
            shift = round_no % len(names)
            for name in names[shift:] + names[:shift]:
                times[name].append(tmux.time_to_text(*programs[name]))
    finally:
        tmux.close()
    bare_median = statistics.median(times[names[0]])
    print(f"\nTime to the first card, 80x24 tmux pane, median of {runs}:")
    for name in names:
        median = statistics.median(times[name])
        # Each round ran the three once, one after another: a round's ratio to its
        # own bare run is not moved by the machine's speed drifting between rounds.
        paired = statistics.median(
            quiz / bare for quiz, bare in zip(times[name], times[names[0]], strict=True)
        )
        print(
            f"  {name:<24} {median:6.3f} s  {median / bare_median:5.2f}x the bare app"
            f" (round by round: {paired:4.2f}x)"
        )
    ratio = statistics.median(times[names[2]]) / bare_median
    paired = statistics.median(
        quiz / bare for quiz, bare in zip(times[names[2]], times[names[0]], strict=True)
    )
    verdict = "meets" if max(ratio, paired) <= GOAL_START else "misses"
    print(f"  goal <= {GOAL_START}x the bare app (both ways of reading it): {verdict} it")


def first_question(cards: Path | None, work: Path) -> str:
    """The start of the question quiz shows first on an empty database (the text the
    timing waits for: one text, as for the bare app, not one per card)."""
    from quiz.session import Session
    from quiz.store import Store

    with Store.open(work / f"first-{cards is None}.db") as store:
        item = Session(store, whole_deck(cards)).current()
    assert item is not None
    return item.card.question[:30]


def whole_deck(cards: Path | None) -> Any:
    """The built-in cards and, if ``cards`` is given, the cards of that folder."""
    from quiz.deck import load_deck
    from quiz.userdeck import with_user_cards

    return load_deck() if cards is None else with_user_cards(load_deck(), cards)


async def time_browse(cards: Path | None, db: Path, runs: int) -> tuple[float, list[float]]:
    """(median seconds to open Browse, every search keystroke's seconds)."""
    from textual import events
    from textual.widgets import DataTable

    from quiz.session import Session
    from quiz.store import Store
    from quiz.tui.app import QuizApp
    from quiz.tui.screens.browse import BrowseScreen

    deck = whole_deck(cards)
    opens: list[float] = []
    keys: list[float] = []

    async def until(condition: Callable[[], bool]) -> None:
        deadline = time.monotonic() + 30
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError("the screen never got there")
            await asyncio.sleep(0)

    async def key_to_paint(
        app: QuizApp, key: str, char: str | None, done: Callable[[], bool]
    ) -> float:
        """Seconds from ``key`` sent as the terminal driver sends it to ``done()``
        holding and the screen's next refresh (Pilot's press waits for the CPU to go
        idle in 20 ms steps, which would swamp the figure)."""
        t0 = time.perf_counter()
        event = events.Key(key, char)
        event.set_sender(app)
        assert app._driver is not None
        app._driver.send_message(event)
        await until(done)
        painted = asyncio.Event()
        app.screen.call_after_refresh(painted.set)
        await painted.wait()
        return time.perf_counter() - t0

    with Store.open(db) as store:
        session = Session(store, deck)
        for _ in range(runs):
            app = QuizApp(session)
            app.animation_level = "none"
            async with app.run_test(size=(120, 40)) as pilot:
                await pilot.pause(0.5)
                await pilot.press("escape")
                await pilot.pause()

                def opened(app: QuizApp = app) -> bool:
                    screen = app.screen
                    return (
                        isinstance(screen, BrowseScreen)
                        and bool(screen.query(DataTable))
                        and screen.query_one(DataTable).row_count > 0
                    )

                opens.append(await key_to_paint(app, "b", "b", opened))
                await pilot.press("slash")
                await pilot.pause()
                screen = app.screen
                assert isinstance(screen, BrowseScreen)
                for n, letter in enumerate(QUERY, 1):
                    await pilot.pause()

                    def filtered(screen: BrowseScreen = screen, n: int = n) -> bool:
                        return screen.query_text == QUERY[:n]

                    keys.append(await key_to_paint(app, letter, letter, filtered))
                await pilot.press("escape", "escape")
                await pilot.pause()
    return statistics.median(opens), keys


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    os.environ["QUIZ_CACHE"] = tempfile.mkdtemp()  # the deck caches of this run, not the user's
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=2000, help="generated cards (default 2000)")
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each (default 7)")
    parser.add_argument("--no-start", action="store_true", help="skip the tmux start-up timing")
    args = parser.parse_args()
    compile_checkout()
    with tempfile.TemporaryDirectory(prefix="quiz-bench-") as tmp:
        work = Path(tmp)
        big = work / "own-cards"
        os.environ["QUIZ_CARDS"] = str(work / "no-own-cards")  # none of one's own
        t0 = time.perf_counter()
        make_deck(big, args.cards)
        print(f"  written in {time.perf_counter() - t0:.1f} s")
        if not args.no_start:
            time_start(work, big, args.runs)
        results: dict[str, Any] = {}
        for name, folder in (("built-in cards", None), (f"{len(whole_deck(big)):,} cards", big)):
            results[name] = asyncio.run(time_browse(folder, work / f"{len(name)}.db", args.runs))
    (small_open, small_keys), (big_open, big_keys) = results.values()
    names = list(results)
    print(f"\nBrowse, headless, {args.runs} runs (typing {QUERY!r} in the search box each run):")
    for name, (opened, keys) in results.items():
        print(
            f"  {name:<16} opens in {opened * 1000:6.1f} ms; a keystroke p50 "
            f"{statistics.median(keys) * 1000:5.1f} ms,"
            f" p99 {percentile(keys, 0.99) * 1000:5.1f} ms, max {max(keys) * 1000:5.1f} ms"
        )
    print(
        f"  {names[1]} / {names[0]}: opening {big_open / small_open:4.2f}x, keystroke p50 "
        f"{statistics.median(big_keys) / statistics.median(small_keys):4.2f}x"
    )
    print(
        f"  goals: Browse < {GOAL_BROWSE_S} s: {'met' if big_open < GOAL_BROWSE_S else 'missed'};"
        f" keystroke < {GOAL_KEY_S * 1000:.0f} ms (p99): "
        f"{'met' if percentile(big_keys, 0.99) < GOAL_KEY_S else 'missed'}"
    )


if __name__ == "__main__":
    report(main, "bench_browse")
