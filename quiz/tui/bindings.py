"""Key bindings that several screens share, declared once."""

from __future__ import annotations

from textual.binding import Binding

# A priority binding: run as the app reads b, before it hands on the keys typed
# behind it (those wait for Browse: QuizApp.hold_keys). Refused while a text box has
# the keys (QuizApp.check_action): b is then typed.
BROWSE = Binding(
    "b", "app.browse", "Browse", id="browse", tooltip="All topics and their state", priority=True
)
PRACTICE_ALL = Binding(
    "p",
    "app.practice",
    "Practice",
    id="practice",
    tooltip="Go through every card, weakest first; no schedule moves",
)
UNDO = Binding("u", "undo", "Undo", id="undo", tooltip="Take back the last grade")
DEMO = Binding("d", "demo", "Demo", id="demo", tooltip="Run the NumPy demo behind this answer")
BACK = Binding("escape", "app.pop_screen", "Back", id="back")
SUSPEND = Binding(
    "exclamation_mark",
    "mark('suspend')",
    "Suspend",
    key_display="!",
    id="suspend",
    tooltip="Suspend this card: no reviews until you unsuspend it (Browse, !); u undoes",
)
BURY = Binding(
    "minus",
    "mark('bury')",
    "Bury",
    key_display="-",
    id="bury",
    tooltip="Bury this card until the next study day; u undoes",
)
