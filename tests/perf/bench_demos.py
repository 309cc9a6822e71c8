"""How long each demo takes, as the user waits for it: a whole process, start to finish.

Run by hand (pytest does not collect it): ``python tests/perf/bench_demos.py [-n 3]
[NAME ...]``. Each demo's default run, ``python -m solvers NAME --json``, is timed N
times as a subprocess and compared with baselines measured in the same run: ``python
-c pass`` (the interpreter) and ``python -c "import numpy"`` (the floor for any demo).
The compute-only column runs ``solvers.cli.execute`` in this process, modules already
imported, so it is the demo's own work without the process start.

The goal is each demo under 1 s on 2 cores. This script reports; it never fails
(exit status 0), so a slow machine does not break anything.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
for entry in (str(ROOT), str(Path(__file__).resolve().parent)):
    if entry not in sys.path:
        sys.path.insert(0, entry)  # this checkout's solvers, not an installed copy

from benchlib import compile_checkout  # noqa: E402

from solvers import DEMOS, load  # noqa: E402
from solvers.cli import execute  # noqa: E402
from solvers.params import resolve  # noqa: E402

GOAL_SECONDS = 1.0
GOAL_CORES = 2


@dataclass
class Timing:
    """Best and median of several runs, in seconds, and what went wrong if anything."""

    best: float
    median: float
    problem: str = ""


def _summary(samples: list[float], problem: str = "") -> Timing:
    return Timing(min(samples), statistics.median(samples), problem)


def time_process(argv: Sequence[str], runs: int) -> Timing:
    """Wall time of a whole process, ``runs`` times."""
    samples: list[float] = []
    problem = ""
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(argv, cwd=ROOT, capture_output=True, check=False)
        samples.append(time.perf_counter() - start)
        if done.returncode != 0 and not problem:
            last = (done.stderr or done.stdout).decode(errors="replace").strip().splitlines()
            problem = f"exit {done.returncode}: {last[-1] if last else ''}"[:70]
    return _summary(samples, problem)


def time_in_process(name: str, runs: int) -> Timing:
    """Wall time of ``execute`` on the demo's defaults, its module already imported."""
    try:
        module = load(name)
        values = resolve(module.PARAMS, [])
    except Exception as exc:  # report a missing or broken module, carry on
        return Timing(float("nan"), float("nan"), f"{type(exc).__name__}: {exc}"[:70])
    samples: list[float] = []
    problem = ""
    for _ in range(runs):
        start = time.perf_counter()
        events = list(execute(module, values))
        samples.append(time.perf_counter() - start)
        if not events[-1].get("ok") and not problem:
            problem = f"done not ok: {events[-1].get('error', '')}"[:70]
    return _summary(samples, problem)


def _seconds(value: float) -> str:
    return "     —" if value != value else f"{value:6.3f}"  # NaN: not measured


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="demos to time (default: all)")
    parser.add_argument("-n", "--runs", type=int, default=3, help="runs of each (default 3)")
    args = parser.parse_args(argv)
    names = args.names or list(DEMOS)
    runs = max(1, args.runs)
    python = sys.executable
    compile_checkout()

    print(f"Python {sys.version.split()[0]} at {python}")
    print(f"{os.cpu_count()} CPUs visible; best and median of {runs} runs, wall seconds")
    print(f"Goal: each demo under {GOAL_SECONDS:g} s on {GOAL_CORES} cores (whole process).\n")

    timers: dict[str, Callable[[], Timing]] = {
        "python -c pass": lambda: time_process([python, "-c", "pass"], runs),
        "python -c 'import numpy'": lambda: time_process([python, "-c", "import numpy"], runs),
    }
    baselines = {label: timer() for label, timer in timers.items()}
    floor = baselines["python -c 'import numpy'"].best

    header = f"{'demo':26} {'best':>6} {'median':>6} {'×numpy':>7} {'compute':>7}  verdict"
    print(header)
    print("-" * len(header))
    for label, t in baselines.items():
        print(f"{label:26} {t.best:6.3f} {t.median:6.3f} {t.best / floor:6.2f}× {'':>7}  baseline")

    slow: list[str] = []
    broken: list[str] = []
    for name in names:
        whole = time_process([python, "-m", "solvers", name, "--json"], runs)
        compute = time_in_process(name, runs)
        problem = whole.problem or compute.problem
        if problem:
            verdict = problem
            broken.append(name)
        elif whole.best < GOAL_SECONDS:
            verdict = "ok"
        else:
            verdict = f"SLOW (over {GOAL_SECONDS:g} s)"
            slow.append(name)
        print(
            f"{name:26} {whole.best:6.3f} {whole.median:6.3f} {whole.best / floor:6.2f}× "
            f"{_seconds(compute.best):>7}  {verdict}"
        )

    print()
    measured = len(names) - len(broken)
    print(f"{measured - len(slow)} of {len(names)} demos under {GOAL_SECONDS:g} s", end="")
    print(f"; slow: {', '.join(slow)}" if slow else "", end="")
    print(f"; not measured (failed or missing): {', '.join(broken)}" if broken else "")
    return 0


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        print("\ninterrupted")
    sys.exit(0)
