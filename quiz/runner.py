"""Runs a demo in its own process and yields its events as they arrive.

Demo code never runs in the app's process: a demo that crashes, hangs or floods
its output must not take the app with it. The child runs ``solvers`` as
``python -m solvers NAME --json --set ...`` does, with the app's own interpreter;
every way it can go wrong ends the stream with a ``done`` event whose ``ok`` is
false and whose ``error`` says what happened, and the child is always reaped.

The child is isolated from the folder and the environment quiz was started in: a
``numpy.py`` or a ``solvers/`` there, or in ``$PYTHONPATH``, must never be imported
(that would run a stranger's code). So it runs

- with ``-I``: no current folder or script folder on ``sys.path``, no ``PYTHON*``
  variables, no user site-packages;
- with the ``solvers`` package that sits beside this ``quiz`` package loaded by its
  file path (a short bootstrap passed with ``-c``), never looked up on ``sys.path``:
  the same code in an installed wheel and in a checkout (where an editable install of
  another checkout may be on ``sys.path``);
- in a new empty temporary folder, removed afterwards;
- with a minimal environment (:func:`demo_env`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import AsyncGenerator, Mapping, Sequence
from pathlib import Path

from solvers.events import EVENT_TYPES, Event, done  # the protocol's one home: no NumPy

DEFAULT_TIMEOUT = 60.0
MAX_LINE_BYTES = 1 << 20  # one event larger than 1 MiB is a flood, not a result
MAX_EVENTS = 100_000


# Variables the child keeps (and those starting with one of KEEP_PREFIXES): what
# finding programs, the home folder, the language, the terminal, the time zone and a
# temporary folder need, and the thread limits a user may set for NumPy's BLAS.
KEEP_ENV = {
    "PATH",
    "HOME",
    "LANG",
    "LANGUAGE",
    "TERM",
    "TZ",
    "TMPDIR",
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
}
KEEP_PREFIXES = ("LC_", "QUIZ_DEMO_")

# Run by ``python -I -c``, with the path of solvers/__init__.py as its first argument
# and the demo's own arguments after it: imports that package from that file, under
# its own name, then runs its __main__ as ``python -m solvers`` would.
BOOTSTRAP = """\
import importlib.util, os, runpy, sys
init = sys.argv.pop(1)
spec = importlib.util.spec_from_file_location(
    "solvers", init, submodule_search_locations=[os.path.dirname(init)]
)
module = importlib.util.module_from_spec(spec)
sys.modules["solvers"] = module
spec.loader.exec_module(module)
runpy.run_module("solvers", run_name="__main__", alter_sys=True)
"""


def solvers_init() -> Path:
    """The ``solvers`` package's ``__init__.py``: beside this ``quiz`` package, in a
    wheel (site-packages/solvers) as in a checkout (./solvers)."""
    return Path(__file__).resolve().parent.parent / "solvers" / "__init__.py"


def demo_command(name: str, settings: Mapping[str, str] | None = None) -> list[str]:
    """The command line that runs demo ``name`` with ``settings`` as ``--set`` pairs,
    isolated (see the module docstring)."""
    command = [sys.executable, "-I", "-c", BOOTSTRAP, str(solvers_init()), name, "--json"]
    for key, value in (settings or {}).items():
        command += ["--set", f"{key}={value}"]
    return command


def demo_env(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The child's environment: only what :data:`KEEP_ENV` and :data:`KEEP_PREFIXES`
    name, taken from ``environ`` (default: this process's)."""
    source = os.environ if environ is None else environ
    return {k: v for k, v in source.items() if k in KEEP_ENV or k.startswith(KEEP_PREFIXES)}


def _failure(error: str) -> Event:
    return done(False, error=error)


async def run_demo(
    command: Sequence[str],
    *,
    timeout: float = DEFAULT_TIMEOUT,
    max_events: int = MAX_EVENTS,
) -> AsyncGenerator[Event, None]:
    """Starts ``command`` and yields its JSON events, ending with exactly one ``done``.

    Args:
        command: the argv to run (see :func:`demo_command`).
        timeout: seconds the whole run may take before it is killed.
        max_events: events accepted before the output counts as a flood.
    """
    try:
        # A fresh, empty folder: not the one quiz was started in.
        folder = tempfile.mkdtemp(prefix="quiz-demo-")
    except OSError as exc:
        yield _failure(f"could not start the demo: no temporary folder: {exc}")
        return
    try:
        process = await asyncio.create_subprocess_exec(
            *command,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            limit=MAX_LINE_BYTES,
            cwd=folder,
            env=demo_env(),
        )
    except OSError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        yield _failure(f"could not start the demo: {exc}")
        return
    assert process.stdout is not None and process.stderr is not None
    stderr_task = asyncio.ensure_future(process.stderr.read(64 * 1024))
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    try:
        count = 0
        while True:
            if loop.time() >= deadline:
                raise TimeoutError  # checked here too: a ready line never waits
            try:
                # Not asyncio.wait_for: on Python 3.11 it swallows a cancellation that
                # arrives just as the line is read, and a demo that streams fast
                # always has a line ready, so a cancel (escape, leaving the screen)
                # was lost and the run went on. A timeout scope re-raises it.
                async with asyncio.timeout_at(deadline):
                    line = await process.stdout.readline()
            except ValueError:  # a line longer than the limit
                yield _failure("the demo flooded its output (a line over 1 MiB); stopped it")
                return
            if not line:
                break
            text = line.decode("utf-8", errors="replace").strip()
            if not text:
                continue
            try:
                event = json.loads(text)
            except json.JSONDecodeError:
                yield _failure(f"the demo printed something that is not an event: {text[:80]!r}")
                return
            if not isinstance(event, dict) or event.get("type") not in EVENT_TYPES:
                yield _failure(f"the demo printed an unknown event: {text[:80]!r}")
                return
            count += 1
            if count > max_events:
                yield _failure(
                    f"the demo flooded its output (over {max_events} events); stopped it"
                )
                return
            yield event
            if event["type"] == "done":
                return
        async with asyncio.timeout_at(max(deadline, loop.time() + 0.1)):
            status = await process.wait()
        errors = (await stderr_task).decode("utf-8", errors="replace").strip()
        last = errors.splitlines()[-1] if errors else ""
        yield _failure(
            f"the demo ended without a result (exit status {status}){': ' + last if last else ''}"
        )
    except TimeoutError:
        yield _failure(f"the demo took longer than {timeout:g} s; stopped it")
    finally:
        try:
            await _reap(process)
        finally:
            stderr_task.cancel()
            shutil.rmtree(folder, ignore_errors=True)


async def _reap(process: asyncio.subprocess.Process) -> None:
    """Kills the child if it still runs and waits for it, so none is left behind."""
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
    with contextlib.suppress(ProcessLookupError):
        await process.wait()
