"""The live demo screen: parameters, run, plot, checks, cancel, and every way a demo fails."""

from __future__ import annotations

import asyncio
import gc
import os
import random
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import card_of
from textual import events
from textual.app import App, ComposeResult
from textual.keys import _character_to_key
from textual.pilot import Pilot
from textual.widgets import Input
from textual.widgets._footer import FooterKey

from quiz.deck import Deck
from quiz.session import Session
from quiz.tui.app import QuizApp
from quiz.tui.screens.demo import DemoScreen
from quiz.tui.screens.review import ReviewScreen
from quiz.tui.widgets.series_plot import Line, SeriesPlot, YScale

from .helpers import make_app, plotted_series, settle


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
        await pilot.press("escape", "d")  # out of the answer box, then the demo
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
        assert screen.checks and all(check["passed"] for check in screen.checks)
        assert "✓" in static_text(screen, "#demo-checks")
        # The label names the values a run used, defaults included (lr and steps
        # are the first parameters the learning-rate demo declares, after its seed).
        assert plotted_series(screen, "loss") == {"loss · lr=0.5, steps=50 (defaults)": 51}

        above = f"{round(1.02 * threshold, 3):g}"
        screen.query_one("#param-lr", Input).value = above
        await pilot.pause()
        assert f"--set lr={above}" in static_text(screen, "#demo-command")
        await pilot.press("r")
        await finish(app)
        assert screen.last_done is not None and screen.last_done["metrics"]["diverged"] is True
        series = plotted_series(screen, "loss")
        assert set(series) == {"loss · lr=0.5, steps=50 (defaults)", f"loss · lr={above}"}
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
        assert "fix the parameters first" in static_text(screen, "#demo-status")


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
        await pilot.press("escape", "space")  # out of the answer box, then reveal
        assert app.screen.revealed


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


# -- helpers for the tests below ------------------------------------------------------


def screen_text(app: App[Any]) -> str:
    """The whole terminal as a user sees it, one line per row."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def footer_text(app: App[Any]) -> str:
    return screen_text(app).splitlines()[-1]


def still_running(app: App[Any]) -> bool:
    """The app has not ended (an exception in a render ends it, status 0 or not)."""
    return app.is_running and app.return_code is None


def type_fast(app: App[Any], keys: list[str]) -> None:
    """Sends ``keys`` as a terminal does when keys come faster than the app handles
    them (fast typing, a paste): all queued at once, unlike ``pilot.press``, which
    waits for the app to be idle after each key."""
    driver = app._driver
    assert driver is not None
    for key in keys:
        char = key if len(key) == 1 else None
        name = _character_to_key(key) if char is not None and not key.isalnum() else key
        event = events.Key(name, char)
        event.set_sender(app)
        driver.send_message(event)


async def until(pilot: Pilot[Any], condition: Callable[[], bool], what: str) -> None:
    """Polls the app until ``condition`` holds (about 10 s at most)."""
    for _ in range(1000):
        if condition():
            return
        await pilot.pause(0.01)
    raise AssertionError(f"never happened: {what}")


def streaming(pid_file: Path, burst: int = 500) -> str:
    """A demo that streams points for a long time, ``burst`` lines every 20 ms (the
    default is fast enough that a line is always ready to be read)."""
    return (
        "import json, os, time\n"
        f"open({str(pid_file)!r}, 'w').write(str(os.getpid()))\n"
        "for i in range(10**7):\n"
        "    print(json.dumps({'type': 'point', 'series': 'loss', 'x': i, 'y': 1.0}))\n"
        f"    if i % {burst} == 0: time.sleep(0.02)\n"
    )


# -- the plot -------------------------------------------------------------------------


async def test_a_second_run_and_a_resize_after_a_log_axis_run_leave_the_plot_drawn(
    session: Session,
) -> None:
    # The deep-learning losses fall from about 0.7 to about 1e-4: a log axis, with
    # values below 1 that Plotext turned negative in place on the first drawing.
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_demo(app, "deep-learning")
        plot = screen.query_one(SeriesPlot)
        legend = "loss (MLP) · hidden=16, epochs=2000 (defaults)"
        await pilot.press("r")
        await finish(app)
        await pilot.pause()
        assert plot.log_y and legend in screen_text(app)

        await pilot.press("r")  # the status line changes height: the plot re-renders
        await until(pilot, lambda: not screen.running, "the second run ended")
        await pilot.pause()
        assert still_running(app) and app.screen is screen
        assert legend in screen_text(app) and "could not be drawn" not in screen_text(app)

        for size in [(100, 30), (80, 24)]:
            await pilot.resize_terminal(*size)
            await pilot.pause()
            assert still_running(app) and app.screen is screen
            assert plot.error is None and legend in screen_text(app)


class PlotApp(App[None]):
    """The plot alone, fed what a demo could send."""

    def __init__(self, lines: list[Line], yscale: YScale) -> None:
        super().__init__()
        self.lines, self.yscale = lines, yscale

    def compose(self) -> ComposeResult:
        yield SeriesPlot(id="plot")

    def on_mount(self) -> None:
        self.query_one(SeriesPlot).show(self.lines, xlabel="step", yscale=self.yscale)


STEPS = (0.0, 1.0, 2.0, 3.0)


@pytest.mark.parametrize(
    ("ys", "yscale"),
    [
        ((1.0, 0.0, -1.0, 1e-3), "log"),
        ((0.0, 0.0, 0.0, 0.0), "log"),
        ((-5.0, -1.0, -1e-9, -1e300), "log"),
        ((1e308, 1e-320, 5e-324, 1.0), "log"),
        ((float("nan"), float("inf"), 0.5, 1e308), "log"),
        ((0.0, 0.0, 0.0, 0.0), "auto"),
        ((1e308, 1e-320, 1.0, 2.0), "auto"),
    ],
    ids=[
        "zero-and-negative",
        "all-zero",
        "all-negative",
        "huge-and-subnormal",
        "nan-inf",
        "all-zero-auto",
        "huge-auto",
    ],
)
async def test_the_plot_draws_what_a_log_axis_can_show_and_never_ends_the_app(
    ys: tuple[float, ...], yscale: YScale
) -> None:
    app = PlotApp([Line("loss · a run", STEPS, ys)], yscale)
    async with app.run_test(size=(60, 16)) as pilot:
        await pilot.pause()
        for size in [(61, 17), (60, 16), (20, 6)]:  # each size draws again
            await pilot.resize_terminal(*size)
            await pilot.pause()
            assert still_running(app)
        await pilot.resize_terminal(60, 16)
        await pilot.pause()
        plot = app.query_one(SeriesPlot)
        assert plot.error is None, plot.error
        assert "loss · a run" in screen_text(app)  # drawn: its legend is on screen


async def test_whatever_the_plot_library_raises_is_shown_in_the_plots_place() -> None:
    # Plotext cannot place ±1e308 on a linear axis (its span overflows to inf).
    app = PlotApp([Line("loss · a run", STEPS, (1e308, -1e308, 0.0, 1.0))], "linear")
    async with app.run_test(size=(60, 16)) as pilot:
        await pilot.pause()
        assert screen_text(app).splitlines()[0].startswith("the plot could not be drawn: ")
        await pilot.resize_terminal(70, 20)
        await pilot.pause()
        assert still_running(app) and app.query_one(SeriesPlot).error is not None
        app.query_one(SeriesPlot).show([Line("loss · again", STEPS, (4.0, 3.0, 2.0, 1.0))])
        await pilot.pause()
        assert "loss · again" in screen_text(app) and "could not be drawn" not in screen_text(app)


# -- keys: escape, tab, enter -----------------------------------------------------------


async def test_escape_cancels_a_fast_streaming_run_started_from_a_field(
    session: Session, tmp_path: Path
) -> None:
    pid_file = tmp_path / "pid"
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_demo(app, "learning-rate", command=python(streaming(pid_file)))
        await pilot.press("tab", "enter")  # into the lr field, and run from there
        pid = await wait_for_file(pid_file)
        await until(pilot, lambda: bool(plotted_series(screen, "loss")), "points arrived")
        assert screen.running and isinstance(screen.focused, Input)

        await pilot.press("escape")  # the first escape cancels, whatever has focus
        await until(pilot, lambda: not screen.running, "the run was cancelled")
        assert "cancelled" in static_text(screen, "#demo-status")
        await until(pilot, lambda: not alive(pid), "the demo process was killed")

        # Nothing runs now: the next escape leaves the field, the one after goes back.
        assert isinstance(app.screen, DemoScreen) and isinstance(screen.focused, Input)
        await pilot.press("escape")
        assert screen.focused is None and app.screen is screen
        await pilot.press("escape")
        assert isinstance(app.screen, ReviewScreen)


async def test_keys_typed_right_after_tab_land_in_the_next_field(session: Session) -> None:
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_demo(app, "cost-function")  # fields z, lr, steps
        z, lr = screen.query_one("#param-z", Input), screen.query_one("#param-lr", Input)
        # Bursts, all queued before the app handles the tab (pilot.press would wait
        # for the app to be idle after each key, and hide the problem).
        type_fast(app, ["tab", "-", "2"])  # from no focus into z
        await pilot.pause()
        assert (screen.focused, z.value) == (z, "-2")
        type_fast(app, ["tab", "0", ".", "1"])
        await pilot.pause()
        assert screen.focused is lr
        assert (z.value, lr.value) == ("-2", "0.1")
        type_fast(app, ["shift+tab", "3"])
        await pilot.pause()
        assert (screen.focused, z.value, lr.value) == (z, "3", "0.1")


async def test_editing_keys_typed_fast_act_in_the_order_typed(session: Session) -> None:
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_demo(app, "learning-rate")
        lr = screen.query_one("#param-lr", Input)
        type_fast(app, ["tab", "x", "backspace", "0", ".", "9"])
        await pilot.pause()
        assert lr.value == "0.9"
        type_fast(app, ["home", "delete", "1", "end", "backspace", "5"])
        await pilot.pause()
        assert lr.value == "1.5"


async def test_enter_on_a_refused_value_keeps_the_field_and_says_why(session: Session) -> None:
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_demo(app, "learning-rate")
        lr = screen.query_one("#param-lr", Input)
        await pilot.press("tab", *"fast", "enter")
        assert screen.focused is lr and lr.value == "fast"
        assert screen.runs == [] and not screen.running
        why = "lr must be a number, not 'fast'"
        assert why in static_text(screen, "#form-error")
        assert why in static_text(screen, "#demo-status")

        # Enter in a good field while another is refused: focus goes to the bad one.
        await pilot.press("tab")
        steps = screen.query_one("#param-steps", Input)
        assert screen.focused is steps
        await pilot.press("enter")
        assert screen.focused is lr and screen.runs == []

        # A valid form runs on enter, and the field keeps the focus for the next try.
        await pilot.press(*"0.75", "enter")
        assert [run.label for run in screen.runs] == ["lr=0.75"] and screen.focused is lr
        await until(pilot, lambda: not screen.running, "the run ended")
        assert static_text(screen, "#demo-status").startswith("✓ done with lr=0.75")
        await pilot.press("escape")
        assert screen.focused is None and app.screen is screen
        await pilot.press("escape")
        assert isinstance(app.screen, ReviewScreen)


async def test_enter_right_behind_typed_keys_runs_the_typed_value(session: Session) -> None:
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_demo(app, "learning-rate")
        type_fast(app, ["tab", *"0.7", "enter"])  # a burst, as fast typing sends it
        await until(pilot, lambda: bool(screen.runs), "a run started")
        assert [run.label for run in screen.runs] == ["lr=0.7"]
        await until(pilot, lambda: not screen.running, "the run ended")
        type_fast(app, ["tab", *"70", "enter"])  # steps=70, at once
        await until(pilot, lambda: len(screen.runs) == 2, "a second run started")
        assert screen.runs[-1].label == "lr=0.7, steps=70"
        await until(pilot, lambda: not screen.running, "the second run ended")
        type_fast(app, ["shift+tab", *"0.6", "tab", *"80", "enter"])  # two fields
        await until(pilot, lambda: len(screen.runs) == 3, "a third run started")
        assert screen.runs[-1].label == "lr=0.6, steps=80"


async def test_a_runs_label_says_its_parameter_values(session: Session) -> None:
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_demo(app, "learning-rate")  # lr 0.5, steps 50, seed 0
        defaults = "lr=0.5, steps=50 (defaults)"
        await pilot.press("r")
        await finish(app)
        assert static_text(screen, "#demo-status").startswith(f"✓ done with {defaults}:")
        assert f"loss · {defaults}" in screen_text(app)

        await pilot.press("tab", *"0.7", "enter")
        await until(pilot, lambda: not screen.running, "the second run ended")
        await pilot.pause()
        assert static_text(screen, "#demo-status").startswith("✓ done with lr=0.7:")
        legend = screen_text(app)
        assert f"loss · {defaults}" in legend and "loss · lr=0.7" in legend

        # Typed back to the default value: the same run as the first, shown once.
        await pilot.press(*"0.50", "enter")
        await until(pilot, lambda: not screen.running, "the third run ended")
        assert set(plotted_series(screen, "loss")) == {f"loss · {defaults}", "loss · lr=0.7"}


# -- the footer and the help --------------------------------------------------------------


async def test_the_footer_fits_80_columns_and_offers_only_what_works_now(
    session: Session, tmp_path: Path
) -> None:
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_demo(app, "learning-rate", command=python(streaming(tmp_path / "pid")))
        await pilot.pause()
        idle = footer_text(app)
        for shown in ["r Run", "esc Back", "f2", "f3", "f4", "f5", "Tabs", "q Quit", "? Help"]:
            assert shown in idle, (shown, idle)
        assert idle.rstrip().endswith("^p palette") and "Cancel" not in idle

        await pilot.press("r")
        await until(pilot, lambda: "esc Cancel" in footer_text(app), "the footer says Cancel")
        running = footer_text(app)
        assert "Run" not in running and "Back" not in running and "? Help" in running

        await pilot.press("tab")  # in a field while it runs: escape still cancels
        await until(pilot, lambda: "q Quit" not in footer_text(app), "the footer follows focus")
        assert "esc Cancel" in footer_text(app)
        await pilot.press("escape")
        await until(pilot, lambda: not screen.running, "the run was cancelled")
        await until(pilot, lambda: "esc Leave field" in footer_text(app), "leave-field shown")
        in_field = footer_text(app)
        assert "⏎ Run" in in_field and "r Run" not in in_field  # r types into the field


async def test_refreshing_the_footer_does_not_leak_its_keys(session: Session) -> None:
    def footer_keys() -> int:
        gc.collect()
        return sum(isinstance(o, FooterKey) for o in gc.get_objects())

    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_demo(app, "learning-rate")

        fields = list(screen.query(Input))

        async def change_state(times: int) -> None:
            for i in range(times):
                if i % 2:
                    screen.running = not screen.running  # what a run's start and end do
                else:
                    screen.set_focus(fields[i % 3] if i % 4 else None)  # tab and escape
                await pilot.pause()

        await change_state(20)
        before = footer_keys()
        await change_state(200)
        after = footer_keys()
        assert before > 0 and after <= before + 2, (before, after)


async def test_help_lists_the_demo_screens_keys(session: Session) -> None:
    from quiz.tui.screens.help import HelpScreen

    app = make_app(session)
    async with app.run_test(size=(80, 50)) as pilot:  # 80 wide, tall enough for all
        await open_demo(app, "learning-rate")
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        # The help's box alone (the demo screen shows around it), one row a line.
        box = app.screen.query_one("#help").region
        lines = screen_text(app).splitlines()[box.y : box.bottom]
        rows = [line[box.x : box.right].strip("│ ") for line in lines]
        for key, what in [
            ("r", "Run"),
            ("enter", "Run"),
            ("escape", "Back"),
            ("escape", "Cancel"),
            ("escape", "Leave field"),
            ("tab", "Next field"),
            ("f2", "Plot"),
            ("f3", "Checks"),
            ("f4", "Output"),
            ("f5", "Source"),
        ]:
            listed = rf"^{re.escape(key)} +{what}( — .*)?$"
            assert any(re.match(listed, row) for row in rows), (key, what, rows)
        # How the keys work together, above the list.
        assert "escape stops a running demo wherever the keys are" in " ".join(rows)
        await pilot.press("escape")
        assert isinstance(app.screen, DemoScreen)


# -- nothing a user does on this screen ends the app ---------------------------------------


async def test_keys_pressed_while_a_run_streams_do_not_disturb_it(session: Session) -> None:
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_demo(app, "deep-learning")
        await pilot.press("r", "f3", "f4", "f5", "f2", "x", "1", ".", "r", "enter")
        await pilot.press("tab", "5", "backspace", "0", "shift+tab", "escape", "r")
        await until(pilot, lambda: not screen.running, "the run ended")
        assert still_running(app) and app.screen is screen
        assert static_text(screen, "#demo-status").startswith("✓ done with")
        assert screen.query_one("#param-seed", Input).value == "0"


async def test_leaving_during_a_run_and_coming_back(session: Session, tmp_path: Path) -> None:
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_demo(app, "learning-rate", command=python(streaming(tmp_path / "p")))
        await pilot.press("r")
        await until(pilot, lambda: bool(plotted_series(screen, "loss")), "points arrived")
        await pilot.press("escape", "escape")  # cancel, then back at once
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen), "back on the card")
        # Out of the answer box (it had the keys when the demo was opened), then the
        # card's own demo, run with the real demo process.
        await pilot.press("escape", "d", "r")
        again = app.screen
        assert isinstance(again, DemoScreen) and again is not screen
        await until(pilot, lambda: "✓ done" in static_text(again, "#demo-status"), "it ran")
        assert still_running(app)


async def test_opening_the_demo_and_quitting_at_once_exits_cleanly(session: Session) -> None:
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        # What d then q in one read of the terminal do: both in the same turn of the
        # loop, so the demo screen mounts while the app is already closing.
        app.action_demo("learning-rate")
        app.exit()
        await pilot.pause()
    assert app.return_code == 0


async def test_ten_runs_in_a_row(session: Session) -> None:
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_demo(app, "learning-rate")
        await pilot.press(*["r"] * 10)  # a burst: one run at a time, the rest ignored
        for _ in range(10):
            await until(pilot, lambda: not screen.running, "a run ended")
            await pilot.press("r")
        await until(pilot, lambda: not screen.running, "the last run ended")
        await pilot.pause()
        assert still_running(app) and app.screen is screen
        # Ten runs at the same values are one line on the legend, not ten.
        assert plotted_series(screen, "loss") == {"loss · lr=0.5, steps=50 (defaults)": 51}
        assert screen_text(app).count("loss · lr=0.5, steps=50 (defaults)") == 1


async def test_a_demo_whose_every_point_is_zero_is_plotted(session: Session) -> None:
    code = (
        "import json\n"
        "for i in range(20): print(json.dumps({'type': 'point', 'series': 'loss', "
        "'x': i, 'y': 0.0}))\n"
        "print(json.dumps({'type': 'done', 'ok': True, 'metrics': {}}))\n"
    )
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_demo(app, "learning-rate", command=python(code))
        await pilot.press("r")
        await finish(app)
        await pilot.pause()
        assert screen.query_one(SeriesPlot).error is None
        assert "loss · lr=0.5, steps=50 (defaults)" in screen_text(app)


async def test_a_tiny_terminal_during_a_run_and_back(session: Session, tmp_path: Path) -> None:
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        command = python(streaming(tmp_path / "p", burst=5))
        screen = await open_demo(app, "learning-rate", command=command)
        await pilot.press("r")
        await until(pilot, lambda: bool(plotted_series(screen, "loss")), "points arrived")
        for size in [(20, 10), (10, 4), (200, 60), (80, 24)]:
            await pilot.resize_terminal(*size)
            await pilot.pause()
            assert still_running(app) and app.screen is screen
        await pilot.press("escape")
        await until(pilot, lambda: not screen.running, "the run was cancelled")
        await pilot.pause()
        assert "loss · lr=0.5, steps=50 (defaults)" in screen_text(app)


async def test_random_keys_and_resizes_never_end_the_app(session: Session) -> None:
    """A few hundred keys a user could press on this screen, in a seeded random order,
    with the real demo process and resizes: the app runs on, on this screen or the card."""
    rng = random.Random(12)
    keys = [
        *["r"] * 8,
        *["escape"] * 3,
        *["tab"] * 3,
        "shift+tab",
        *"0123456789",
        ".",
        ",",
        "-",
        *"aexlz",
        *["enter"] * 3,
        "f2",
        "f3",
        "f4",
        "f5",
        *["backspace"] * 2,
    ]
    sizes = [(20, 10), (80, 24), (200, 60), (43, 17), (80, 24)]
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_demo(app, "learning-rate")
        pressed, step = 0, 0
        while pressed < 300:
            # Bursts of one to five keys, as fast typing sends them; on the card,
            # escape (out of the answer box) and d go back into a demo: the card's
            # own (deep-learning).
            burst = [rng.choice(keys) for _ in range(rng.randint(1, 5))]
            if isinstance(app.screen, ReviewScreen):
                burst = ["escape", "d"]
            type_fast(app, burst)
            await pilot.pause()
            pressed += len(burst)
            step += 1
            if step % 12 == 0:
                await pilot.resize_terminal(*rng.choice(sizes))
                await pilot.pause()
            assert still_running(app), (step, burst)
            assert isinstance(app.screen, DemoScreen | ReviewScreen), (step, burst, app.screen)
            if isinstance(app.screen, DemoScreen):
                status = static_text(app.screen, "#demo-status")
                assert "could not be shown" not in status, (step, burst, status)
        await finish(app)
        assert still_running(app)


async def test_a_flood_of_points_is_drawn_with_its_spike() -> None:
    # 100,000 points of 1.0 but one of 50.0: drawn with a dot column's worth of
    # points, the spike must still be there (the y axis reaches 50).
    count = 100_000
    ys = tuple(50.0 if i == 61_803 else 1.0 for i in range(count))
    app = PlotApp([Line("loss · flood", tuple(map(float, range(count))), ys)], "linear")
    async with app.run_test(size=(60, 16)) as pilot:
        await pilot.pause()
        labels = [line.split("┤")[0].strip() for line in screen_text(app).splitlines()]
        assert "50" in labels and "1" in labels, labels


async def test_a_card_opens_its_demo_with_its_preset(session: Session, full_deck: Deck) -> None:
    """A follow-up card's demo_params fill the form: r runs with them, the command line
    and the run's label say so."""
    card = card_of(full_deck, "predict-lr-above-threshold")
    assert card.demo == "learning-rate" and dict(card.demo_params) == {"lr_factor": 1.05}
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = DemoScreen(card)
        await app.push_screen(screen)
        await pilot.pause()
        for name, value in card.demo_params:
            assert screen.query_one(f"#param-{name}", Input).value == str(value)
        assert "--set lr_factor=1.05" in static_text(screen, "#demo-command")
        await pilot.press("r")
        await until(pilot, lambda: screen.last_done is not None, "the run ended")
        assert screen.last_done is not None and screen.last_done["metrics"]["diverged"] is True
        assert "lr_factor=1.05" in plotted_series(screen, "loss").popitem()[0]
