"""Export the review log from the app: a file name, Enter writes it."""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from quiz.errors import QuizError
from quiz.session import Session
from quiz.text import plural, printable
from quiz.tui.text import literal
from quiz.tui.widgets.text_input import TextInput


class ExportScreen(ModalScreen[Path | None]):
    """Asks where to write the review log (``.csv`` or ``.json``, by the name's
    ending); dismisses with the file written, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel")]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    _writing = False  # an export is being written (in a thread)
    _stop = False  # escape asked the export being written to stop

    def compose(self) -> ComposeResult:
        default = Path.cwd() / f"quiz-reviews-{self.session.today.isoformat()}.csv"
        with VerticalScroll(id="export-dialog", classes="panel"):
            yield Static(
                Content.assemble(
                    ("Export the review log", "bold"),
                    "\nEvery grade, with its time, mode, SM-2 state and typed answer. "
                    "A name ending in .json writes JSON, otherwise CSV. Enter writes it; "
                    "escape cancels.",
                )
            )
            yield TextInput(str(default), id="export-path")
            yield Static(id="export-error")

    def on_mount(self) -> None:
        if not self.is_attached:
            return  # quit in the same burst of keys that opened it: nothing to set up
        self.query_one("#export-path", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        from quiz.export import refuse_target

        if self._writing:
            return
        text = event.value.strip()
        if not text:
            self._error("give a file name, e.g. ~/quiz-reviews.csv")
            return
        path = Path(text).expanduser()
        fmt = "json" if path.suffix.lower() == ".json" else "csv"
        try:
            refuse_target(self.session.path, path, fmt)  # at once, in place
        except QuizError as exc:
            self._error(str(exc))
            return
        # Written in a thread: a long log takes seconds, and the app goes on
        # answering (escape stops the export, which then writes nothing).
        self._writing, self._stop = True, False
        self.query_one("#export-path", Input).disabled = True
        self._show_progress(0, 0)
        self._export(path, fmt)

    @work(thread=True, exit_on_error=False)
    def _export(self, path: Path, fmt: str) -> None:
        try:
            count = self.session.export_log(path, fmt, progress=self._progress)
        except QuizError as exc:
            self.app.call_from_thread(self._failed, str(exc))
        else:
            self.app.call_from_thread(self._done, count, path)

    def _progress(self, done: int, total: int) -> None:
        """Called in the export's thread."""
        if self._stop:
            raise QuizError("the export was stopped; nothing was written")
        self.app.call_from_thread(self._show_progress, done, total)

    def _show_progress(self, done: int, total: int) -> None:
        share = f" ({done / total:.0%})" if total else ""
        self.query_one("#export-error", Static).update(
            Content(f"Writing… {done:,} of {total:,} reviews{share} · escape stops it")
        )

    def _done(self, count: int, path: Path) -> None:
        self._writing = False
        self.app.notify(
            printable(f"Wrote {plural(count, 'review')} to {path}"), title="Exported", markup=False
        )
        self.dismiss(path)

    def _failed(self, message: str) -> None:
        self._writing = False
        field = self.query_one("#export-path", Input)
        field.disabled = False
        field.focus()
        self._error(message)

    def _error(self, message: str) -> None:
        self.query_one("#export-error", Static).update(literal(f"✗ {message}"))

    def action_cancel(self) -> None:
        if self._writing:
            self._stop = True  # the thread stops at its next step and says so
            return
        self.dismiss(None)
