"""Help: every key of the screen underneath and of the app."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from quiz.sm2 import GRADE_MEANINGS
from quiz.tui.widgets.scroll import KeyScroll

GRADES = "\n".join(
    [
        "[b]Grades[/b] (SM-2)",
        "  " + " · ".join(f"{g} {GRADE_MEANINGS[g]}" for g in (5, 4, 3)),
        "  " + " · ".join(f"{g} {GRADE_MEANINGS[g]}" for g in (2, 1, 0)),
        "  Below 3 restarts the card at 1 day; below 4 brings it back later today.",
    ]
)


_KEY_NAMES = {
    "question_mark": "?",
    "exclamation_mark": "!",
    "minus": "-",
    "down": "↓",
    "up": "↑",
    "pagedown": "PgDn",
    "pageup": "PgUp",
    "home": "Home",
    "end": "End",
}


class HelpScreen(ModalScreen[None]):
    """Lists the keys of ``under`` (the screen it was opened from) and the app's.

    A screen may explain how its keys work together in a ``HELP`` class attribute,
    shown above the list.
    """

    BINDINGS = [
        Binding("escape,question_mark,q", "dismiss", "Close", id="close"),
    ]

    def __init__(self, under: Screen[object]) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        # One row per command: the keys that do the same thing share it ("j ↓"). A
        # key bound once per state (! before and after a reveal) is listed once.
        keys: dict[tuple[str, str], list[str]] = {}
        tips: dict[tuple[str, str], str] = {}
        listed: set[tuple[str, str]] = set()  # (key, description)
        hides = getattr(self.under, "help_hides", None)
        hidden: set[str] = hides() if callable(hides) else set()
        for binding in [*self.under.BINDINGS, *self.app.BINDINGS]:
            if not isinstance(binding, Binding) or not binding.description:
                continue
            if binding.key in ("1", "2", "3", "4", "5"):
                continue  # shown as 0-5
            if binding.action.split("(")[0] in hidden:
                continue
            key = binding.key_display or _KEY_NAMES.get(binding.key, binding.key)
            if (key, binding.description) in listed:
                continue
            listed.add((key, binding.description))
            command = (binding.action, binding.description)
            keys.setdefault(command, []).append(key)
            tips.setdefault(command, binding.tooltip)
        rows: list[Content] = []
        for command, names in keys.items():
            tip = f" — {tips[command]}" if tips[command] else ""
            rows.append(
                Content.assemble((f"  {' '.join(names):<9}", "bold"), f" {command[1]}{tip}")
            )
        rows.append(
            Content.assemble(("  ctrl+p   ", "bold"), " Command palette — search every action")
        )
        intro = getattr(self.under, "HELP", "")
        with KeyScroll(id="help", classes="panel"):
            if intro:
                yield Static(Content(intro), classes="help-intro")
            yield Static(
                Content.assemble(("Keys", "bold"), "  (escape closes)\n", Content("\n").join(rows))
            )
            yield Static(GRADES)
