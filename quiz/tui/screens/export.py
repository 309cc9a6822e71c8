"""Export the review log from the app: a file name, Enter writes it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from quiz.errors import QuizError
from quiz.text import plural, printable
from quiz.tui.text import literal
from quiz.tui.widgets.text_input import TextInput

if TYPE_CHECKING:
    from quiz.tui.app import QuizApp


class ExportScreen(ModalScreen[Path | None]):
    """Asks where to write the review log (``.csv`` or ``.json``, by the name's
    ending); dismisses with the file written, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel")]

    app: QuizApp

    def compose(self) -> ComposeResult:
        default = Path.cwd() / f"quiz-reviews-{self.app.session.today.isoformat()}.csv"
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
        from quiz.export import save_log

        text = event.value.strip()
        if not text:
            self._error("give a file name, e.g. ~/quiz-reviews.csv")
            return
        path = Path(text).expanduser()
        fmt = "json" if path.suffix.lower() == ".json" else "csv"
        try:
            count = save_log(self.app.session.store, path, fmt)
        except QuizError as exc:
            self._error(str(exc))
            return
        self.app.notify(
            printable(f"Wrote {plural(count, 'review')} to {path}"), title="Exported", markup=False
        )
        self.dismiss(path)

    def _error(self, message: str) -> None:
        self.query_one("#export-error", Static).update(literal(f"✗ {message}"))

    def action_cancel(self) -> None:
        self.dismiss(None)
