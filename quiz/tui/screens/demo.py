"""The live demo screen: set parameters, run, and watch the events stream in.

The demo runs in its own process (``python -m solvers NAME --json --set ...``); points
are drawn on a live plot as they arrive, checks become a ✓/✗ list, tables and log lines
go to the output view. Earlier runs stay on the plot, labelled by their parameters, so a
run just below a threshold can be compared with one just above it.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import math
import os
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rich.syntax import Syntax
from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Input, RichLog, Static, TabbedContent, TabPane
from textual.worker import Worker, WorkerState

import solvers
from quiz.deck import Card
from quiz.runner import DEFAULT_TIMEOUT, demo_command, run_demo
from quiz.tui.text import literal
from quiz.tui.widgets.footer import QuizFooter
from quiz.tui.widgets.param_form import ParamForm
from quiz.tui.widgets.scroll import KeyScroll
from quiz.tui.widgets.series_plot import Line, SeriesPlot
from solvers.events import Event, to_text

RUNS_KEPT = 3  # runs shown together on the plot
TABS = Binding.Group("Tabs")
CommandFactory = Callable[[str, dict[str, str]], list[str]]


def demo_timeout() -> float:
    """Seconds a demo may run: ``$QUIZ_DEMO_TIMEOUT``, else 60."""
    try:
        value = float(os.environ.get("QUIZ_DEMO_TIMEOUT", DEFAULT_TIMEOUT))
    except ValueError:
        return DEFAULT_TIMEOUT
    return value if value > 0 else DEFAULT_TIMEOUT


MAX_LINES = 7  # lines on the plot at once (the legend needs the room)


@dataclass
class Run:
    """One run's plotted series, labelled by the parameters that made it."""

    label: str
    series: dict[str, tuple[list[float], list[float]]] = field(default_factory=dict)


class DemoScreen(Screen[None]):
    """Parameters, run and cancel, a live plot, checks, output and source of one demo.

    No field has focus at first, so ``r`` runs; ``tab`` enters the fields, ``enter``
    in a field runs (the field keeps the focus, to try the next value), ``escape``
    cancels a running demo wherever the focus is, else leaves the field, else goes
    back. The footer offers only the keys that act in the current state.
    """

    AUTO_FOCUS = ""  # no field focused on open (None would mean the app's "*")

    HELP = (
        "No field has the keys at first: r runs the demo with the values shown. tab "
        "goes into the fields (what you type replaces the value); enter in a field "
        "runs with what is typed and keeps the field, or says why a value is refused. "
        "escape stops a running demo wherever the keys are; when none runs it leaves "
        "the field, and then goes back to the card. Earlier runs stay on the plot, "
        "each labelled by its values."
    )

    BINDINGS = [
        Binding("r", "run", "Run", id="run", tooltip="Run the demo with these parameters"),
        Binding(
            "enter",
            "run_field",
            "Run",
            id="run-field",
            tooltip="In a field: run, or say what is wrong",
            # Checked by the app before the field sees the key (and shown in the
            # footer over the field's own enter), so that a refused value keeps the
            # focus and a valid one runs; see the action for the order of keys.
            priority=True,
        ),
        # Three meanings of escape, one at a time (see check_action).
        Binding(
            "escape",
            "back",
            "Back",
            id="back",
            tooltip="Back to the card",
        ),
        Binding("escape", "cancel", "Cancel", id="cancel", tooltip="Stop the running demo"),
        Binding(
            "escape",
            "leave_field",
            "Leave field",
            id="leave-field",
            tooltip="Stop editing; r runs",
        ),
        # Run by the app as the key arrives, so that the keys right behind a tab
        # (typed fast, or pasted) find the next field already focused; see the action.
        Binding("tab", "focus_field(1)", "Next field", show=False, priority=True),
        Binding("shift+tab", "focus_field(-1)", "Previous field", show=False, priority=True),
        Binding(
            "f2", "show('plot')", "Plot", id="tab-plot", group=TABS, tooltip="The last runs' curves"
        ),
        Binding(
            "f3",
            "show('checks')",
            "Checks",
            id="tab-checks",
            group=TABS,
            tooltip="The answer's claims, each ✓ or ✗",
        ),
        Binding(
            "f4",
            "show('output')",
            "Output",
            id="tab-output",
            group=TABS,
            tooltip="The demo's log and tables",
        ),
        Binding(
            "f5", "show('source')", "Source", id="tab-source", group=TABS, tooltip="The demo's code"
        ),
    ]

    running = var(False, bindings=True)  # a demo process is running for this screen

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
        self.checks: list[Event] = []  # the check events of the latest run
        self.last_done: Event | None = None
        self._dirty = False
        self._closed = False  # unmounted: a run still winding down must not touch it
        self.source = ""

    # -- layout ------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(
            f"[b]Demo {self.card.demo}[/b] · {self.module.TITLE}", id="demo-title", markup=True
        )
        # A card may open its demo with preset values (its demo_params).
        yield ParamForm(self.module.PARAMS, id="form", preset=self.card.demo_texts())
        yield Static(id="demo-command")
        with TabbedContent(initial="plot", id="demo-tabs"):
            with TabPane("Plot", id="plot"):
                yield SeriesPlot(id="demo-plot")
            with TabPane("Checks", id="checks"), KeyScroll():
                yield Static("No run yet: press r.", id="demo-checks")
            with TabPane("Output", id="output"):
                yield RichLog(id="demo-log", wrap=True, markup=False, highlight=False)
            with TabPane("Source", id="source"), KeyScroll():
                yield Static(id="demo-source")
        yield Static("Press r to run; escape goes back.", id="demo-status")
        yield QuizFooter()

    def on_mount(self) -> None:
        if not self.is_attached:
            return  # opened and quit in one burst of keys: its children are gone
        self.source = inspect.getsource(self.module)
        self.query_one("#demo-source", Static).update(
            Syntax(self.source, "python", line_numbers=True, word_wrap=True, theme="ansi_dark")
        )
        self.show_command()
        self.set_interval(0.1, self.redraw_if_dirty)

    # -- the form ----------------------------------------------------------------

    def on_input_changed(self) -> None:
        self.show_command()

    def show_command(self) -> None:
        """The shell command that reproduces the run the form describes."""
        form = self.query_one(ParamForm)
        if form.errors():
            return
        args = ["quiz", "demo", self.card.demo]
        for key, value in form.settings().items():
            args += ["--set", f"{key}={value}"]
        self.query_one("#demo-command", Static).update(literal(f"$ {shlex.join(args)}"))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Which keys act now: False hides a binding and passes its key on (to the
        next binding of the same key, or to the focused field)."""
        if action == "run":
            return not self.running  # one run at a time: escape cancels it first
        if action == "run_field":
            return not self.running and isinstance(self.focused, Input)
        if action == "cancel":
            return self.running
        if action == "leave_field":
            return not self.running and self.focused is not None
        if action == "back":
            return not self.running and self.focused is None
        return True

    def action_focus_field(self, direction: int) -> None:
        # Focused now: Screen.focus_next sets the focus at once, where Widget.focus()
        # would on the next cycle, after the app had sent the keys queued behind the
        # tab to the field being left.
        if direction > 0:
            self.focus_next()
        else:
            self.focus_previous()

    def action_run_field(self) -> None:
        """Enter in a field: runs, or keeps the focus on a refused value and says why."""
        # The app runs this priority binding as the key arrives, when keys typed just
        # before it (into this field, or into one left by tab) may still wait in the
        # fields' queues: the run is queued behind them in each field in turn, so it
        # takes the values as typed, not as they were a moment before.
        fields = list(self.query_one(ParamForm).query(Input))

        def after(index: int) -> None:
            if index < len(fields):
                fields[index].call_later(after, index + 1)
            else:
                self._run_from_field()

        after(0)

    def _run_from_field(self) -> None:
        invalid = self.query_one(ParamForm).invalid_fields()
        if invalid and self.focused not in invalid:
            self.set_focus(invalid[0])  # the field to fix, not the one enter was in
        self.action_run()

    # -- running -----------------------------------------------------------------

    def action_run(self) -> None:
        if self.running:
            return
        form = self.query_one(ParamForm)
        if form.show_errors():
            self.set_status("✗ Not run; fix the parameters first: " + form.errors()[0])
            return
        settings = form.settings()
        label = form.run_label()
        # The same parameters draw the same curves (the demos are seeded): the new run
        # takes the old one's place, so every line on the legend is told apart.
        run = Run(label)
        self.runs = [kept for kept in self.runs if kept.label != label]
        self.runs.append(run)
        del self.runs[:-RUNS_KEPT]
        self._dirty = True
        self.checks = []
        self.last_done = None
        self.query_one(RichLog).clear()
        self.query_one("#demo-checks", Static).update("running…")
        self.set_status(f"running {self.card.demo} with {label}…  escape cancels")
        self.running = True
        self.run_demo(self.command(self.card.demo, settings), run)

    @work(exclusive=True, group="demo", exit_on_error=False)
    async def run_demo(self, command: list[str], run: Run) -> None:
        try:
            # Closed on the way out however it ends, so the child is always reaped.
            async with contextlib.aclosing(run_demo(command, timeout=self.timeout)) as events:
                async for event in events:
                    if self._closed:
                        return
                    self.handle(event, run)
        except asyncio.CancelledError:
            if not self._closed:
                self.set_status(f"✗ cancelled the run with {run.label}; the demo was stopped")
            raise
        finally:
            if not self._closed:
                self.running = False
                self.redraw_if_dirty()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place a run that failed in this screen (not in the demo) is shown."""
        if event.worker.group == "demo" and event.state == WorkerState.ERROR:
            self.running = False
            self.set_status(f"✗ the run could not be shown: {event.worker.error}")

    def handle(self, event: Event, run: Run) -> None:
        """Shows one event of ``run`` where it belongs."""
        kind = event.get("type")
        if kind == "point":
            self.add_point(event, run)
        elif kind == "check":
            self.checks.append(event)
            self.show_checks()
        elif kind == "done":
            self.last_done = event
            if event.get("ok"):
                self.set_status(
                    f"✓ done with {run.label}: {_evidence_text(self.checks)}"
                    + _metrics_text(event.get("metrics") or {})
                )
            else:
                self.set_status(f"✗ {event.get('error', 'the demo failed')} (with {run.label})")
            if not self.checks:
                self.query_one("#demo-checks", Static).update("The run reported no checks.")
        if kind in ("log", "table", "done"):
            self.query_one(RichLog).write(to_text(event))

    def add_point(self, event: Event, run: Run) -> None:
        x, y = event.get("x"), event.get("y")
        if not isinstance(x, (int, float)) or not isinstance(y, (int, float)):
            return
        if not (math.isfinite(x) and math.isfinite(y)):
            return
        xs, ys = run.series.setdefault(str(event.get("series", "value")), ([], []))
        xs.append(float(x))
        ys.append(float(y))
        self._dirty = True

    def _order(self, label: str) -> int:
        """Plot order: oldest run first, each run's series in their order."""
        index = 0
        for run in self.runs:
            for name in run.series:
                if f"{name} · {run.label}" == label:
                    return index
                index += 1
        return index

    def redraw_if_dirty(self) -> None:
        """Redraws the plot at most ten times a second, however fast points come."""
        if self._dirty:
            self._dirty = False
            self.redraw()

    def redraw(self) -> None:
        """The latest run's every series, and the main (first) series of the runs
        before it, newest first, up to :data:`MAX_LINES` lines in all: a demo that
        streams several series (learning-rate's four regimes) would otherwise crowd
        the legend off the plot after a few runs."""
        chosen: list[Line] = []
        for age, run in enumerate(reversed(self.runs)):
            series = list(run.series.items())
            for name, (xs, ys) in series if age == 0 else series[:1]:
                if xs and len(chosen) < MAX_LINES:
                    chosen.append(Line(f"{name} · {run.label}", tuple(xs), tuple(ys)))
        lines = sorted(chosen, key=lambda line: self._order(line.label))
        self.query_one(SeriesPlot).show(lines, xlabel="step" if lines else "")

    def show_checks(self) -> None:
        lines = [_check_text(check) for check in self.checks]
        self.query_one("#demo-checks", Static).update(literal("\n".join(lines)), layout=True)

    def set_status(self, text: str) -> None:
        self.query_one("#demo-status", Static).update(literal(text))

    # -- leaving -----------------------------------------------------------------

    def action_cancel(self) -> None:
        self.workers.cancel_group(self, "demo")

    def action_leave_field(self) -> None:
        self.set_focus(None)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_show(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    def on_unmount(self) -> None:
        self._closed = True
        self.workers.cancel_group(self, "demo")


def open_demo(app: App[Any], card: Card) -> None:
    """Puts up ``card``'s demo, if it has one. Called by the screen whose key asked
    for it, not through a message to the app: the demo is then on top before the next
    key of a burst is read (d d pushed two demo screens)."""
    if card.demo:
        app.push_screen(DemoScreen(card))


def _metrics_text(metrics: dict[str, Any]) -> str:
    shown = {k: v for k, v in metrics.items() if isinstance(v, (bool, int, float))}
    if not shown:
        return ""
    parts = [f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in shown.items()]
    return " · " + ", ".join(parts[:4])


def _check_text(check: Event) -> str:
    """A check as the checks tab shows it: its mark, name and kind, then its numbers.
    An identity (true by construction) is marked as not evidence; a control (the
    mechanism removed) as failing as predicted."""
    mark = "✓" if check.get("passed") else "✗"
    kind = str(check.get("kind") or "")
    if kind == "identity":
        tag = " [identity: shown, not evidence]"
    elif check.get("control"):
        tag = f" [{kind + ' ' if kind else ''}control: mechanism removed, must fail]"
    else:
        tag = f" [{kind}]" if kind else ""
    return f"{mark} {check.get('name')}{tag}\n    {check.get('detail', '')}"


def _evidence_text(checks: list[Event]) -> str:
    """ "3 of 3 checks passed, 1 control failed as predicted · 2 identities": the
    identities (true by construction) are not counted as evidence."""
    identities = [c for c in checks if c.get("kind") == "identity"]
    controls = [c for c in checks if c.get("control") and c not in identities]
    evidence = [c for c in checks if c not in identities and c not in controls]
    passed = sum(1 for c in evidence if c.get("passed"))
    text = f"{passed} of {len(evidence)} checks passed"
    if controls:
        held = sum(1 for c in controls if c.get("passed"))
        text += f", {held} of {len(controls)} controls failed as predicted"
    if identities:
        text += f" · {len(identities)} {'identity' if len(identities) == 1 else 'identities'}"
    return text
