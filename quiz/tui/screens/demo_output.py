"""Runs a card's demo in its own process and shows its output as it arrives.

The live demo screen with parameters and plots replaces this (issue 6); this one
already never blocks the UI and never leaves a process behind.
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, RichLog, Static

from quiz.deck import Card
from quiz.runner import demo_command, run_demo


class DemoOutputScreen(Screen[None]):
    """The text output of ``quiz demo NAME`` for one card."""

    BINDINGS = [
        Binding("escape", "close", "Back", id="back", tooltip="Stop the demo and go back"),
        Binding("r", "run", "Run again", id="run"),
    ]

    def __init__(self, card: Card) -> None:
        super().__init__()
        self.card = card

    def compose(self) -> ComposeResult:
        yield Static(
            f"[b]Demo:[/b] {self.card.demo} · $ quiz demo {self.card.demo}", id="demo-title"
        )
        yield RichLog(id="demo-log", wrap=True, markup=False, highlight=False)
        yield Static(id="demo-status")
        yield Footer()

    def on_mount(self) -> None:
        self.action_run()

    def action_run(self) -> None:
        self.query_one(RichLog).clear()
        self.query_one("#demo-status", Static).update("running…")
        self.run_demo()

    @work(exclusive=True, group="demo", exit_on_error=False)
    async def run_demo(self) -> None:
        from solvers.events import to_text

        log = self.query_one(RichLog)
        status = self.query_one("#demo-status", Static)
        async for event in run_demo(demo_command(self.card.demo)):
            if event["type"] == "done":
                if event.get("ok"):
                    status.update("✓ finished: every check passed")
                else:
                    status.update(f"✗ {event.get('error', 'the demo failed')}")
            log.write(to_text(event))

    def action_close(self) -> None:
        self.workers.cancel_group(self, "demo")
        self.app.pop_screen()
