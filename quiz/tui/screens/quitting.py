"""Quitting while the day's backup is still being made: a line that says so."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

if TYPE_CHECKING:
    from quiz.backup import AutoBackup

GRACE_S = 0.25  # how long quitting waits for a backup that is about to be done
TICK_S = 0.02


class QuittingScreen(ModalScreen[None]):
    """Shown from the moment quit is asked while the day's backup is being made,
    until the app exits.

    A backup that will be done within :data:`GRACE_S` of the key (at its pace so
    far: most databases are copied in a few milliseconds) is waited for, its
    progress on the line. One that would take longer (a very long log: seconds, see
    the README's benchmarks) is stopped at its next step and its partial copy
    deleted; the next start makes it, and the line printed after the app has closed
    says so. Quit again (``q``, ``ctrl+c``) to stop it at once. The app exits as
    soon as the backup is over.
    """

    def __init__(self, backup: AutoBackup) -> None:
        super().__init__()
        self.backup = backup
        self.stopping = False
        self._since = time.monotonic()
        self._exiting = False

    def compose(self) -> ComposeResult:
        yield Static(self._line(), id="quitting")

    def on_mount(self) -> None:
        self.backup.start()  # one still waiting for the app to settle goes now
        self.set_interval(TICK_S, self._tick)
        self._tick()

    def stop_now(self) -> None:
        """Stops the backup at its next step; the app exits once it has."""
        if not self.stopping:
            self.stopping = True
            self.backup.stop()
        self._tick()

    def _tick(self) -> None:
        if self._exiting:
            return
        if self.backup.done:
            self._exiting = True
            self.app.exit()
            return
        if not self.stopping:
            elapsed = time.monotonic() - self._since
            left = self.backup.seconds_left()
            if elapsed >= GRACE_S or (left is not None and elapsed + left > GRACE_S):
                self.stop_now()
                return
        if self.is_attached:
            self.query_one("#quitting", Static).update(self._line())

    def _line(self) -> Content:
        copied = self.backup.copied
        share = f" {copied[0] / copied[1]:.0%}" if copied and copied[1] else ""
        if self.stopping:
            return Content(
                f"Stopping today's backup at{share or ' its start'}: the next start makes it…"
            )
        return Content(f"Finishing today's backup…{share}")
