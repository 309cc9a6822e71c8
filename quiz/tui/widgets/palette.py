"""Textual's command palette, without three crashes of fast keys."""

from __future__ import annotations

import asyncio

from textual import work
from textual.await_complete import AwaitComplete
from textual.command import CommandList, CommandPalette
from textual.css.query import NoMatches


class QuizPalette(CommandPalette):
    """The command palette, with three of Textual 8.2.8's races closed (both found by
    the monkey test, each ending the app):

    - its option list moves a page by looking up where the highlighted option is
      drawn, a table filled only when the list is next laid out: PageUp/PageDown
      pressed as the first matches arrive raised KeyError. Such a key now does
      nothing; the next one moves.
    - the search for matches runs in a worker that starts by looking up the list it
      fills when it has the matches: typed into a palette closed in the same burst
      of keys, it found the list gone. Its results are now dropped then.
    - a command chosen twice in one burst (enter, enter) closed the palette twice,
      and the second close took the screen under it off the stack. A palette that
      is no longer on top now ignores being closed.
    """

    def dismiss(self, result: object = None) -> AwaitComplete:
        if self.app.screen is not self:
            # Already closed: a second enter in the same burst selected again, and
            # Textual's dismiss pops whatever screen is on top (the review screen,
            # then none at all: ScreenStackError).
            return AwaitComplete(asyncio.sleep(0))
        return super().dismiss(result)  # type: ignore[arg-type]

    def _action_command_list(self, action: str) -> None:
        try:
            super()._action_command_list(action)
        except KeyError:
            if action not in ("page_up", "page_down"):
                raise

    @work(exclusive=True, group=CommandPalette._GATHER_COMMANDS_GROUP)
    async def _gather_commands(self, search_value: str) -> None:
        search = CommandPalette._gather_commands.__wrapped__  # type: ignore[attr-defined]
        try:
            await search(self, search_value)
        except NoMatches:
            if self.query(CommandList):
                raise  # the palette is still open: not the race, a real error
            # Closed while the search ran (it awaits the command providers): its
            # results have nowhere to go.
