"""A vertical scroll that moves once for every key, however fast the keys come.

Textual defers a keyboard scroll until after the next screen refresh, and works out
where to go from the position it had before: keys that arrive between two refreshes
(a burst, a held key on a busy machine, ``jjj`` typed quickly after opening a card)
each asked for "one line below where it was", and six ``↓`` moved it one line. Here
each key scrolls at once, from where the key before left it.
"""

from __future__ import annotations

from textual.actions import SkipAction
from textual.containers import VerticalScroll
from textual.widget import Widget


def scroll_now(pane: Widget, step: str) -> None:
    """Scrolls ``pane`` by one ``step`` (down, up, page_down, page_up, home or end)
    now, not after the next refresh."""
    page = pane.scrollable_content_region.height
    y = {
        "down": pane.scroll_y + 1,
        "up": pane.scroll_y - 1,
        "page_down": pane.scroll_y + page,
        "page_up": pane.scroll_y - page,
        "home": 0,
        "end": pane.max_scroll_y,
    }[step]
    pane.scroll_to(y=y, animate=False, immediate=True)


class KeyScroll(VerticalScroll):
    """A :class:`VerticalScroll` whose ↑ ↓ PageUp PageDown Home End keys scroll at
    once (Textual's End slid there, over several frames, and Home did not)."""

    def _step(self, step: str) -> None:
        if not self.allow_vertical_scroll:
            raise SkipAction()
        scroll_now(self, step)

    def action_scroll_down(self) -> None:
        self._step("down")

    def action_scroll_up(self) -> None:
        self._step("up")

    def action_page_down(self) -> None:
        self._step("page_down")

    def action_page_up(self) -> None:
        self._step("page_up")

    def action_scroll_home(self) -> None:
        self._step("home")

    def action_scroll_end(self) -> None:
        self._step("end")
