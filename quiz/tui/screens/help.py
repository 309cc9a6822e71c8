"""Help: every key of the screen underneath and of the app."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

GRADES = """[b]Grades[/b] (SM-2)
  5 perfect · 4 correct after a pause · 3 correct with serious difficulty
  2 wrong, but it felt familiar · 1 wrong, remembered on seeing it · 0 blackout
  Below 3 restarts the card at 1 day; below 4 brings it back later today."""


class HelpScreen(ModalScreen[None]):
    """Lists the keys of ``under`` (the screen it was opened from) and the app's."""

    BINDINGS = [
        Binding("escape,question_mark,q", "dismiss", "Close", id="close"),
    ]

    def __init__(self, under: Screen[object]) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        rows: list[str] = []
        seen: set[str] = set()
        for binding in [*self.under.BINDINGS, *self.app.BINDINGS]:
            if not isinstance(binding, Binding) or not binding.description:
                continue
            key = binding.key_display or binding.key.replace("question_mark", "?")
            if key in seen or binding.key.startswith("ctrl") or binding.key in "12345":
                continue
            seen.add(key)
            tip = f" — {binding.tooltip}" if binding.tooltip else ""
            rows.append(f"  [b]{key:<9}[/b] {binding.description}{tip}")
        rows.append("  [b]ctrl+p[/b]    Command palette — search every action")
        with VerticalScroll(id="help", classes="panel"):
            yield Static("[b]Keys[/b]  (escape closes)\n" + "\n".join(rows))
            yield Static(GRADES)
