"""Textual's command palette, without two crashes of fast keys."""

from __future__ import annotations

from textual import work
from textual.command import CommandList, CommandPalette
from textual.css.query import NoMatches


class QuizPalette(CommandPalette):
    """The command palette, with two of Textual 8.2.8's races closed (both found by
    the monkey test, each ending the app):

    - its option list moves a page by looking up where the highlighted option is
      drawn, a table filled only when the list is next laid out: PageUp/PageDown
      pressed as the first matches arrive raised KeyError. Such a key now does
      nothing; the next one moves.
    - the search for matches runs in a worker that starts by looking up the list it
      fills when it has the matches: typed into a palette closed in the same burst
      of keys, it found the list gone. Its results are now dropped then.
    """

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
