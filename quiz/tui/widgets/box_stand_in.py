"""What the empty answer box looks like, drawn without Textual's TextArea.

Importing the TextArea (its document, history and syntax modules) takes about 10 ms,
the largest single cost left on the way to the first card. The first review screen of
a run shows this stand-in in the box's place, sized and drawn as the focused, empty
box is (its placeholder, the cursor on its first letter), and puts the real box in once
its first frame is out; keys typed meanwhile are held and then go to the box, in
order (:meth:`quiz.tui.app.QuizApp.hold_keys`; a key the hold let go of too soon is
kept by the stand-in and passed on to the box). ``tests/tui/test_box_stand_in.py``
holds the two to the same cells and colours, in dark, light and ANSI themes.
"""

from __future__ import annotations

from textual import events
from textual.content import Content
from textual.style import Style
from textual.widget import Widget
from textual.widgets import Static

STAND_IN_ID = "answer-stand-in"


class AnswerBoxStandIn(Static, can_focus=True):
    """The focused, empty answer box showing ``placeholder``: not a text box."""

    # The look of TextArea's DEFAULT_CSS (Textual 8.2.8) for an empty, focused box,
    # and AnswerBox's size.
    DEFAULT_CSS = """
    AnswerBoxStandIn {
        width: 1fr;
        height: 3;
        border: tall $border;
        padding: 0 1;
        color: $foreground;
        background: $surface;
        & .stand-in--cursor {
            text-style: $input-cursor-text-style;
        }
        & .stand-in--placeholder {
            color: $text 40%;
        }
        &:ansi .stand-in--cursor {
            color: $input-cursor-foreground;
            background: $input-cursor-background;
            text-style: reverse;
        }
        &:dark .stand-in--cursor {
            color: $input-cursor-foreground;
            background: $input-cursor-background;
        }
        &:light .stand-in--cursor {
            color: $text 90%;
            background: $foreground 70%;
        }
    }
    """
    COMPONENT_CLASSES = {"stand-in--placeholder", "stand-in--cursor"}

    def __init__(self, placeholder: str, *, id: str = STAND_IN_ID) -> None:  # noqa: A002
        super().__init__(id=id, markup=False)
        self.placeholder = placeholder
        # Keys and pastes that reached it all the same (the app holds them for a
        # while only): the box gets them, in order, when it is put in.
        self.typed: list[events.Key | events.Paste] = []

    async def _on_key(self, event: events.Key) -> None:
        event.stop()
        event.prevent_default()
        self.typed.append(events.Key(event.key, event.character))

    def _on_paste(self, event: events.Paste) -> None:
        event.stop()
        event.prevent_default()
        self.typed.append(events.Paste(event.text))

    def render(self) -> Content:
        width = self.content_size.width
        if width <= 0 or not self.placeholder:
            return Content("")
        line = Content(self.placeholder).wrap(width)[0]
        line = line.stylize(self.get_visual_style("stand-in--placeholder"))
        # As TextArea draws its cursor: from the rich style, which keeps "reverse"
        # (the visual style drops it; ANSI themes draw the cursor reversed).
        cursor = Style.from_rich_style(self.get_component_rich_style("stand-in--cursor"))
        return line.stylize(cursor, 0, 1)


def is_answer_box(widget: Widget | None) -> bool:
    """The answer box, or its stand-in while the box is being put in."""
    return widget is not None and widget.id in ("answer", STAND_IN_ID)
