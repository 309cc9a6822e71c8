"""The live demo screen: parameters, run, plot, checks, cancel, and every way a demo fails."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from quiz.session import Session
from quiz.tui.app import QuizApp
from quiz.tui.screens.demo import DemoScreen
from quiz.tui.screens.review import ReviewScreen

from .helpers import make_app


def static_text(screen: DemoScreen, selector: str) -> str:
    from textual.widgets import Static

    return str(screen.query_one(selector, Static).render())


async def finish(app: QuizApp) -> None:
    await app.workers.wait_for_complete()
    await asyncio.sleep(0)  # let the last redraw tick run


def python(code: str) -> Any:
    """A command factory that runs ``code`` instead of the real demo."""
    return lambda name, settings: [sys.executable, "-c", code]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def wait_for_file(path: Path) -> int:
    for _ in range(500):  # bounded: about 5 s
        if path.exists() and path.read_text():
            return int(path.read_text())
        await asyncio.sleep(0.01)
    raise AssertionError(f"the demo process never started ({path})")


async def open_demo(app: QuizApp, card_id: str, **kwargs: Any) -> DemoScreen:
    card = app.deck.get(card_id)
    assert card is not None
    screen = DemoScreen(card, **kwargs)
    await app.push_screen(screen)
    return screen


async def test_d_opens_the_cards_demo_with_its_parameters(session: Session) -> None:
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("d")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DemoScreen) and screen.card.demo == "deep-learning"
        assert screen.query_one("#param-hidden", Input).value == "16"
        assert "$ quiz demo deep-learning" in static_text(screen, "#demo-command")
        await pilot.press("escape")
        assert isinstance(app.screen, ReviewScreen)


async def test_learning_rate_converges_below_the_threshold_and_diverges_above(
    session: Session,
) -> None:
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_demo(app, "learning-rate")
        await pilot.press("r")
        await finish(app)
        assert screen.last_done is not None and screen.last_done["ok"]
        metrics = screen.last_done["metrics"]
        threshold = metrics["threshold"]
        assert metrics["diverged"] is False
        assert screen.checks and all(ok for ok, _, _ in screen.checks)
        assert "✓" in static_text(screen, "#demo-checks")
        assert screen.plotted_series() == {"loss (defaults)": 51}

        above = f"{round(1.02 * threshold, 3):g}"
        screen.query_one("#param-lr", Input).value = above
        await pilot.pause()
        assert f"--set lr={above}" in static_text(screen, "#demo-command")
        await pilot.press("r")
        await finish(app)
        assert screen.last_done is not None and screen.last_done["metrics"]["diverged"] is True
        series = screen.plotted_series()
        assert set(series) == {"loss (defaults)", f"loss (lr={above})"}
        assert "diverged=True" in static_text(screen, "#demo-status")


async def test_a_bad_value_is_refused_at_the_field_before_anything_runs(session: Session) -> None:
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_demo(app, "learning-rate")
        screen.query_one("#param-lr", Input).value = "fast"
        await pilot.pause()
        assert "lr must be a number, not 'fast'" in static_text(screen, "#form-error")
        await pilot.press("r")
        await pilot.pause()
        assert screen.runs == [] and not screen.running
        assert "Fix the parameters first" in static_text(screen, "#demo-status")


@pytest.mark.parametrize(
    ("code", "timeout", "expected"),
    [
        ("raise ZeroDivisionError('boom')", 10.0, "ended without a result (exit status 1)"),
        ("import time; time.sleep(30)", 0.5, "took longer than 0.5 s"),
        ("print('<html>not json</html>')", 10.0, "not an event"),
        ("print('x' * 2_000_000)", 10.0, "flooded"),
        ("import os, signal; os.kill(os.getpid(), signal.SIGKILL)", 10.0, "exit status -9"),
    ],
    ids=["crash", "hang", "garbage", "flood", "killed-from-outside"],
)
async def test_a_failing_demo_shows_an_error_and_the_app_goes_on(
    session: Session, code: str, timeout: float, expected: str
) -> None:
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_demo(app, "softmax-relu", command=python(code), timeout=timeout)
        await pilot.press("r")
        await finish(app)
        status = static_text(screen, "#demo-status")
        assert status.startswith("✗") and expected in status
        await pilot.press("escape")
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("space")
        assert app.screen.revealed  # type: ignore[attr-defined]


async def test_escape_cancels_a_running_demo_and_kills_it(session: Session, tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    code = f"import os, time; open({str(pid_file)!r}, 'w').write(str(os.getpid())); time.sleep(30)"
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_demo(app, "softmax-relu", command=python(code))
        await pilot.press("r")
        pid = await wait_for_file(pid_file)
        assert screen.running and alive(pid)
        await pilot.press("escape")
        await finish(app)
        assert not alive(pid)
        assert "cancelled" in static_text(screen, "#demo-status")
        assert isinstance(app.screen, DemoScreen)  # the first escape only cancels


async def test_quitting_during_a_run_leaves_no_child_process(
    session: Session, tmp_path: Path
) -> None:
    pid_file = tmp_path / "pid"
    code = f"import os, time; open({str(pid_file)!r}, 'w').write(str(os.getpid())); time.sleep(30)"
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_demo(app, "softmax-relu", command=python(code))
        await pilot.press("r")
        pid = await wait_for_file(pid_file)
        await pilot.press("q")
    assert not alive(pid)


async def test_the_source_tab_shows_the_demos_code(session: Session) -> None:
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_demo(app, "softmax-relu")
        await pilot.press("f5")
        await pilot.pause()
        from textual.widgets import Static, TabbedContent

        assert screen.query_one(TabbedContent).active == "source"
        assert "def run(" in screen.source and "nn.softmax" in screen.source
        assert screen.query_one("#demo-source", Static).region.height > 20
