"""The live demo screen: set parameters, run, and watch the events stream in.

The demo runs in its own process (``python -m solvers NAME --json --set ...``); points
are drawn on a live plot as they arrive, checks become a ✓/✗ list, tables and log lines
go to the output view. Earlier runs stay on the plot, labelled by their parameters, so a
run just below a threshold can be compared with one just above it.
"""

from __future__ import annotations

import asyncio
import inspect
import math
import os
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rich.syntax import Syntax
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, RichLog, Static, TabbedContent, TabPane
from textual_plotext import PlotextPlot

import solvers
from quiz.deck import Card
from quiz.runner import DEFAULT_TIMEOUT, demo_command, run_demo
from quiz.tui.widgets.param_form import ParamForm
from solvers.events import to_text

RUNS_KEPT = 3  # runs shown together on the plot
CommandFactory = Callable[[str, dict[str, str]], list[str]]


def demo_timeout() -> float:
    """Seconds a demo may run: ``$QUIZ_DEMO_TIMEOUT``, else 60."""
    try:
        value = float(os.environ.get("QUIZ_DEMO_TIMEOUT", DEFAULT_TIMEOUT))
    except ValueError:
        return DEFAULT_TIMEOUT
    return value if value > 0 else DEFAULT_TIMEOUT


@dataclass
class Run:
    """One run's plotted series, labelled by the parameters that made it."""

    label: str
    series: dict[str, tuple[list[float], list[float]]] = field(default_factory=dict)


class DemoScreen(Screen[None]):
    """Parameters, run and cancel, a live plot, checks, output and source of one demo.

    No field has focus at first, so ``r`` runs; ``tab`` enters the fields, ``enter``
    in a field runs, ``escape`` leaves it.
    """

    AUTO_FOCUS = ""  # no field focused on open (None would mean the app's "*")

    BINDINGS = [
        Binding("r", "run", "Run", id="run", tooltip="Run the demo with these parameters"),
        Binding(
            "escape",
            "cancel_or_back",
            "Cancel/Back",
            id="cancel",
            tooltip="Stop a running demo; go back when none runs",
        ),
        Binding("f2", "show('plot')", "Plot", id="tab-plot"),
        Binding("f3", "show('checks')", "Checks", id="tab-checks"),
        Binding("f4", "show('output')", "Output", id="tab-output"),
        Binding("f5", "show('source')", "Source", id="tab-source"),
    ]

    def __init__(
        self,
        card: Card,
        *,
        command: CommandFactory = demo_command,
        timeout: float | None = None,
    ) -> None:
        super().__init__()
        self.card = card
        self.module = solvers.load(card.demo)
        self.command = command
        self.timeout = demo_timeout() if timeout is None else timeout
        self.runs: list[Run] = []
        self.checks: list[tuple[bool, str, str]] = []
        self.last_done: dict[str, Any] | None = None
        self.running = False
        self._dirty = False
        self.source = ""

    # -- layout ------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(
            f"[b]Demo {self.card.demo}[/b] · {self.module.TITLE}", id="demo-title", markup=True
        )
        yield ParamForm(self.module.PARAMS, id="form")
        yield Static(id="demo-command")
        with TabbedContent(initial="plot", id="demo-tabs"):
            with TabPane("Plot", id="plot"):
                yield PlotextPlot(id="demo-plot")
            with TabPane("Checks", id="checks"), VerticalScroll():
                yield Static("No run yet: press r.", id="demo-checks")
            with TabPane("Output", id="output"):
                yield RichLog(id="demo-log", wrap=True, markup=False, highlight=False)
            with TabPane("Source", id="source"), VerticalScroll():
                yield Static(id="demo-source")
        yield Static("Press r to run; escape goes back.", id="demo-status")
        yield Footer()

    def on_mount(self) -> None:
        self.source = inspect.getsource(self.module)
        self.query_one("#demo-source", Static).update(
            Syntax(self.source, "python", line_numbers=True, word_wrap=True, theme="ansi_dark")
        )
        self.show_command()
        self.set_interval(0.1, self.redraw_if_dirty)

    # -- the form ----------------------------------------------------------------

    def on_input_changed(self) -> None:
        self.show_command()

    def on_input_submitted(self) -> None:
        self.set_focus(None)
        self.action_run()

    def show_command(self) -> None:
        """The shell command that reproduces the run the form describes."""
        form = self.query_one(ParamForm)
        if form.errors():
            return
        args = ["quiz", "demo", self.card.demo]
        for key, value in form.settings().items():
            args += ["--set", f"{key}={value}"]
        self.query_one("#demo-command", Static).update(f"$ {shlex.join(args)}")

    # -- running -----------------------------------------------------------------

    def action_run(self) -> None:
        form = self.query_one(ParamForm)
        if form.show_errors():
            self.set_status("✗ Fix the parameters first: " + form.errors()[0])
            return
        settings = form.settings()
        label = ", ".join(f"{k}={v}" for k, v in settings.items()) or "defaults"
        self.runs.append(Run(label))
        del self.runs[:-RUNS_KEPT]
        self.checks = []
        self.last_done = None
        self.query_one(RichLog).clear()
        self.query_one("#demo-checks", Static).update("running…")
        self.set_status(f"running {self.card.demo} ({label})…  escape cancels")
        self.running = True
        self.refresh_bindings()
        self.run_demo(self.command(self.card.demo, settings))

    @work(exclusive=True, group="demo", exit_on_error=False)
    async def run_demo(self, command: list[str]) -> None:
        try:
            async for event in run_demo(command, timeout=self.timeout):
                self.handle(event)
        except asyncio.CancelledError:
            self.set_status("✗ cancelled; the demo was stopped")
            raise
        finally:
            self.running = False
            self.redraw_if_dirty()
            self.refresh_bindings()

    def handle(self, event: dict[str, Any]) -> None:
        """Shows one event where it belongs."""
        kind = event.get("type")
        if kind == "point":
            self.add_point(event)
        elif kind == "check":
            self.checks.append(
                (bool(event.get("passed")), str(event.get("name")), str(event.get("detail", "")))
            )
            self.show_checks()
        elif kind == "done":
            self.last_done = event
            if event.get("ok"):
                passed = sum(1 for ok, _, _ in self.checks if ok)
                self.set_status(
                    f"✓ done: {passed} of {len(self.checks)} checks passed"
                    + _metrics_text(event.get("metrics") or {})
                )
            else:
                self.set_status(f"✗ {event.get('error', 'the demo failed')}")
            if not self.checks:
                self.query_one("#demo-checks", Static).update("The run reported no checks.")
        if kind in ("log", "table", "done"):
            self.query_one(RichLog).write(to_text(event))

    def add_point(self, event: dict[str, Any]) -> None:
        x, y = event.get("x"), event.get("y")
        if not self.runs or not isinstance(x, (int, float)) or not isinstance(y, (int, float)):
            return
        if not (math.isfinite(x) and math.isfinite(y)):
            return
        xs, ys = self.runs[-1].series.setdefault(str(event.get("series", "value")), ([], []))
        xs.append(float(x))
        ys.append(float(y))
        self._dirty = True

    def redraw_if_dirty(self) -> None:
        """Redraws the plot at most ten times a second, however fast points come."""
        if self._dirty:
            self._dirty = False
            self.redraw()

    def redraw(self) -> None:
        plot = self.query_one(PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        plotted = [
            (f"{name} ({run.label})", xs, ys)
            for run in self.runs
            for name, (xs, ys) in run.series.items()
            if xs
        ]
        if plotted:
            positive = all(y > 0 for _, _, ys in plotted for y in ys)
            spread = _spread(plotted)
            if positive and spread > 1e3:
                plt.yscale("log")  # a diverging loss spans many orders of magnitude
            for label, xs, ys in plotted:
                plt.plot(xs, ys, label=label, marker="braille")
            plt.xlabel("step")
        plot.refresh()

    def plotted_series(self) -> dict[str, int]:
        """Points per plotted line, by label (for tests and the status)."""
        return {
            f"{name} ({run.label})": len(xs)
            for run in self.runs
            for name, (xs, _) in run.series.items()
        }

    def show_checks(self) -> None:
        lines = [f"{'✓' if ok else '✗'} {name}\n    {detail}" for ok, name, detail in self.checks]
        self.query_one("#demo-checks", Static).update("\n".join(lines), layout=True)

    def set_status(self, text: str) -> None:
        self.query_one("#demo-status", Static).update(text)

    # -- leaving -----------------------------------------------------------------

    def action_cancel_or_back(self) -> None:
        if self.focused is not None and not self.running:
            self.set_focus(None)  # first escape leaves the field
        elif self.running:
            self.workers.cancel_group(self, "demo")
        else:
            self.app.pop_screen()

    def action_show(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    def on_unmount(self) -> None:
        self.workers.cancel_group(self, "demo")


def _spread(plotted: list[tuple[str, list[float], list[float]]]) -> float:
    values = [y for _, _, ys in plotted for y in ys]
    low, high = min(values), max(values)
    return high / low if low > 0 else 0.0


def _metrics_text(metrics: dict[str, Any]) -> str:
    shown = {k: v for k, v in metrics.items() if isinstance(v, (bool, int, float))}
    if not shown:
        return ""
    parts = [f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in shown.items()]
    return " · " + ", ".join(parts[:4])
