"""Textual's command palette, without a crash on a fast PageUp/PageDown."""

from __future__ import annotations

from textual.command import CommandPalette


class QuizPalette(CommandPalette):
    """The command palette.

    Textual 8.2.8's option list moves a page by looking up where its highlighted
    option is drawn, and that table is filled only when the list is next laid out:
    PageUp/PageDown pressed as the first matches arrive raised KeyError and ended the
    app (found by the monkey test). Such a key does nothing now; the next one moves.
    """

    def _action_command_list(self, action: str) -> None:
        try:
            super()._action_command_list(action)
        except KeyError:
            if action not in ("page_up", "page_down"):
                raise
