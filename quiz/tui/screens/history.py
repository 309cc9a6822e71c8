"""A topic's history: its grades, newest first, with the answers typed each time."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from textual import work
from textual.app import ComposeResult
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from quiz.deck import Card
from quiz.errors import QuizError
from quiz.records import Review
from quiz.session import Session
from quiz.text import printable
from quiz.tui.bindings import BACK
from quiz.tui.text import clipped, literal
from quiz.tui.widgets.footer import QuizFooter
from quiz.tui.widgets.scroll import KeyScroll

PAGE = 50  # grades read at a time


class HistoryScreen(Screen[None]):
    """One topic's reviews, newest first, with the answers typed each time.

    A card's log can hold hundreds of thousands of rows (reading them all froze the
    interface for seconds; ``tests/perf/bench_scale.py``). The screen reads one page at a
    time, newest first, with one index range query in a thread of its own, and the
    next page when the view comes within a screen of the end of what it holds
    (scrolling, ↓, PgDn or End at the end). The total is counted once the first
    page is on screen.
    """

    BINDINGS = [BACK]
    HELP = (
        "Every grade of the topic, newest first, with the answer you typed. The newest "
        f"{PAGE} show first; older ones are read as you scroll down (↓ PageDown End, "
        "the wheel). escape goes back."
    )

    def __init__(self, session: Session, card: Card) -> None:
        super().__init__()
        self.session = session
        self.card = card
        self.count: int | None = None  # the card's grades in all, once counted
        self.shown = 0  # grades on screen
        self.complete = False  # the card's first grade is on screen
        self._oldest: int | None = None  # the log id of the oldest grade on screen
        self._loading = False
        self._error: str | None = None

    def compose(self) -> ComposeResult:
        # Built here, not in on_mount: a screen popped as fast as it was pushed (two
        # keys in one read) is unmounted before its on_mount runs, children gone.
        with KeyScroll(id="history"):
            yield Static(self._title(), id="history-title")
            yield Static(self._end(), id="history-end")
        yield QuizFooter(compact=True)

    def on_mount(self) -> None:
        if not self.is_attached:
            return  # quit in the same burst of keys that opened it
        log = self.query_one("#history", KeyScroll)
        self.watch(log, "scroll_y", self._scrolled, init=False)
        self.load_older()

    def _scrolled(self) -> None:
        """Reads the next page once the view is within a screen of the last grade
        shown (or the grades shown do not fill it)."""
        if not self.is_attached or self.complete or self._loading or self._error:
            return
        log = self.query_one("#history", KeyScroll)
        if log.max_scroll_y - log.scroll_y <= log.size.height:
            self.load_older()

    @work(group="history", exit_on_error=False)
    async def load_older(self) -> None:
        """Shows the next page of older grades (the newest, the first time)."""
        if self._loading or self.complete or self._error or not self.is_attached:
            return
        self._loading = True
        self._show_state()
        # In a thread: a long log's page takes a moment. A page is one row longer
        # than shown: whether there is a next one, without a count.
        read, card_id = self.session.history_page, self.card.id
        try:
            rows = await asyncio.to_thread(read, card_id, self._oldest, PAGE + 1)
        except QuizError as exc:
            self._error = str(exc)
            rows = []
        self._loading = False
        if not self.is_attached:
            return
        page, self.complete = rows[:PAGE], len(rows) <= PAGE and not self._error
        if page:
            self._oldest = page[-1].id
            self.shown += len(page)
            log = self.query_one("#history", KeyScroll)
            log.mount(
                Static(Content("\n").join(_lines(page)), classes="history-page"),
                before=self.query_one("#history-end"),
            )
        if self.complete and self.count is None:
            self.count = self.shown
        self._show_state()
        self.call_after_refresh(self._scrolled)  # a tall screen may want more at once
        if self.count is None and not self._error:
            try:
                self.count = await asyncio.to_thread(self.session.history_count, card_id)
            except QuizError as exc:
                self._error = str(exc)
            if self.is_attached:
                self._show_state()

    def _show_state(self) -> None:
        self.query_one("#history-title", Static).update(self._title())
        end = self.query_one("#history-end", Static)
        text = self._end()
        end.display = bool(text)
        end.update(text)

    def _title(self) -> Content:
        title = self.card.title
        count = ""
        if self.count is not None:
            count = f" · {self.count:,} {'grade' if self.count == 1 else 'grades'}"
        return Content.assemble((printable(title), "bold"), count)

    def _end(self) -> Content:
        """The line under the grades shown: what is left, or why nothing is."""
        if self._error:
            return literal(f"✗ The history could not be read: {self._error}")
        if self._loading:
            return Content("Loading older grades…" if self.shown else "Loading…")
        if self.complete:
            return Content("" if self.shown else "Not reviewed yet.")
        of = f" of {self.count:,}" if self.count is not None else ""
        return Content(f"The newest {self.shown:,}{of} · scroll down (↓ PgDn End) for older ones")


ACTION_WORDS = {
    "suspend": "suspended",
    "unsuspend": "unsuspended",
    "bury": "buried until the next study day",
    "leech": "a leech: tagged leech and suspended",
}


def _lines(reviews: list[Review]) -> list[Content]:
    lines = []
    for review in reviews:
        moment = datetime.fromtimestamp(review.ts_ms / 1000, tz=UTC).astimezone()
        lines.append(
            Content.assemble(
                (f"{moment:%a %-d %b %Y %H:%M}", "bold"),
                f"  grade {review.grade} ({review.mode})"
                if review.is_grade
                else f"  {ACTION_WORDS.get(review.mode, review.mode)}",
            )
        )
        if review.answer.strip():
            # Not markup: an answer is shown as typed, brackets and all.
            lines.append(literal(f"  “{clipped(review.answer.strip())}”"))
    return lines
