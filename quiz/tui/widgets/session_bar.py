"""The session's progress: a one-line bar and the count of cards done."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.widget import Widget


class SessionBar(Widget):
    """``━━━━━━╸━━━━━━━  3/15``: cards done out of the session's cards.

    One widget drawing one line of text. Textual's ``ProgressBar`` composes three
    widgets (bar, percentage, ETA) whose styles are parsed when it is first used, on
    the path to the first card (``tests/perf/bench_startup.py``). The count is
    written out, so the bar is never read by its colour alone.
    """

    DEFAULT_CSS = """
    SessionBar {
        height: 1;
        & > .session-bar--bar {
            color: $primary;
            background: $surface;
        }
    }
    """
    COMPONENT_CLASSES = {"session-bar--bar"}

    done = 0  # set per instance by update()
    total = 0

    def update(self, done: int, total: int) -> None:
        """Shows ``done`` cards out of ``total``."""
        if (done, total) != (self.done, self.total):
            self.done, self.total = done, total
            self.refresh()

    def render(self) -> Text:
        label = f" {self.done}/{self.total}"
        width = max(self.size.width - len(label), 0)
        # Half-cell steps, drawn as Textual's own bar draws them.
        halves = round(2 * width * self.done / self.total) if self.total else 0
        halves = min(max(halves, 0), 2 * width)
        full, half = divmod(halves, 2)
        style = self.get_component_rich_style("session-bar--bar")
        done, left = Style(color=style.color), Style(color=style.bgcolor)
        text = Text(no_wrap=True, overflow="crop")
        text.append("━" * full, done)
        if half:
            text.append("╸", done)
        text.append("━" * (width - full - half), left)
        text.append(label)
        return text
