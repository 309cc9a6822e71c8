"""Runs a demo in its own process and yields its events as they arrive.

Demo code never runs in the app's process: a demo that crashes, hangs or floods
its output must not take the app with it. The child is
``python -m solvers NAME --json --set ...`` with the app's own interpreter; every
way it can go wrong ends the stream with a ``done`` event whose ``ok`` is false and
whose ``error`` says what happened, and the child is always reaped.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
from collections.abc import AsyncGenerator, Mapping, Sequence
from typing import Any

Event = dict[str, Any]

DEFAULT_TIMEOUT = 60.0
MAX_LINE_BYTES = 1 << 20  # one event larger than 1 MiB is a flood, not a result
MAX_EVENTS = 100_000
EVENT_TYPES = {"log", "point", "table", "check", "done"}


def demo_command(name: str, settings: Mapping[str, str] | None = None) -> list[str]:
    """The command line that runs demo ``name`` with ``settings`` as ``--set`` pairs."""
    command = [sys.executable, "-m", "solvers", name, "--json"]
    for key, value in (settings or {}).items():
        command += ["--set", f"{key}={value}"]
    return command


def _failure(error: str) -> Event:
    return {"type": "done", "ok": False, "metrics": {}, "error": error}


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
        process = await asyncio.create_subprocess_exec(
            *command,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            limit=MAX_LINE_BYTES,
        )
    except OSError as exc:
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
        await _reap(process)
        stderr_task.cancel()


async def _reap(process: asyncio.subprocess.Process) -> None:
    """Kills the child if it still runs and waits for it, so none is left behind."""
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
    with contextlib.suppress(ProcessLookupError):
        await process.wait()
