"""Ctrl-C: while the output is written, while the cards are read, and in a long demo,
the command stops at once with one line and exit status 130."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import CONTENT

from quiz.store import Store

from .helpers import child_command

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


@needs_proc_syscall
@pytest.mark.parametrize("name", ["list", "stats"])
def test_ctrl_c_while_reading_the_cards(tmp_path: Path, name: str) -> None:
    """Ctrl-C while the command reads the cards (here: a card on a stalled disk)."""
    stalled = tmp_path / "stalled"
    os.mkfifo(stalled)
    child = subprocess.Popen(
        child_command("stalled_card", str(stalled), *COMMANDS[name]),
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
