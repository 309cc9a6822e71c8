"""The review screen: question, optional typed answer, model answer, grade.

In a session it asks today's queue; in practice mode it goes through a given list of
cards and logs practice grades, which never move a schedule.
"""

from __future__ import annotations

import gc
import time
from typing import TYPE_CHECKING

from rich.markup import escape
from textual import on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from quiz.deck import Card
from quiz.session import GRADE_MEANINGS, suggest_grade
from quiz.tui.bindings import BROWSE, DEMO, UNDO
from quiz.tui.widgets.grades import GradeBar
from quiz.tui.widgets.keypoints import KeyPoints
from quiz.tui.widgets.session_bar import SessionBar
from quiz.tui.widgets.today import TodayBar

if TYPE_CHECKING:
    from quiz.tui.app import QuizApp


PRERENDER_DELAY = 0.6  # seconds the question shows before the answer renders hidden


def _interval_text(days: int) -> str:
    return "tomorrow" if days == 1 else f"in {days} days"


class ReviewScreen(Screen[None]):
    """One card at a time: ``space`` reveals, ``0``-``5`` grade, ``u`` undoes."""

    BINDINGS = [
        Binding("space", "reveal", "Reveal", id="reveal", tooltip="Show the model answer"),
        Binding(
            "a",
            "type_answer",
            "Type answer",
            id="type-answer",
            tooltip="Type your answer first; Enter submits it",
            # Run by the app as the key arrives, so the keys right behind it (typed
            # fast, or pasted) already find the answer box focused; see the action.
            priority=True,
        ),
        Binding(
            "0",
            "grade(0)",
            "Grade",
            key_display="0-5",
            id="grade",
            tooltip="0 blackout … 5 perfect",
        ),
        *[Binding(str(g), f"grade({g})", f"Grade {g}", show=False) for g in range(1, 6)],
        UNDO,
        DEMO,
        BROWSE,
        Binding("escape", "leave", "Back", id="leave", show=False),
    ]

    # Keys act on the card, not in the answer box, until ``a``: nothing is focused
    # when a card shows (focusing the box and then taking focus back off it also
    # restyled the screen twice on the way to the first card).
    AUTO_FOCUS = ""

    app: QuizApp

    def __init__(self, practice: list[Card] | None = None) -> None:
        super().__init__()
        self.practice = practice
        self.position = 0
        self.card: Card | None = None
        self.revealed = False
        self.answer = ""
        self.shown_at = time.monotonic()
        self.rendered: str | None = None  # the card whose answer the Markdown holds
        self.built = False  # True once the parts added after the first paint are in

    def compose(self) -> ComposeResult:
        yield TodayBar(id="today")
        yield SessionBar(id="progress")
        with VerticalScroll(id="card"):
            yield Static(id="mode")
            yield Static(id="question")
            yield Input(placeholder="Type your answer, Enter to check it (optional)", id="answer")
            with Vertical(id="reveal"):
                yield KeyPoints(id="points")
        yield Static(id="hint")

    def on_mount(self) -> None:
        self.show_card()
        # The footer (a widget per key) and the grade buttons, hidden until the answer
        # shows, are the costliest parts of the screen to build: they are added once
        # the question is on screen.
        self.call_after_refresh(self._mount_rest)

    async def _mount_rest(self) -> None:
        self.grade_bar()
        await self.mount(Footer())
        self.refresh_bindings()  # the footer lists the keys when told they are set
        self.built = True

    def grade_bar(self) -> GradeBar:
        """The grade buttons: mounted after the first paint, or at once if a key
        needs them sooner."""
        bars = self.query(GradeBar).results(GradeBar)
        bar = next(bars, None)
        if bar is None:
            bar = GradeBar(id="grades")
            bar.display = self.revealed
            self.mount(bar, after="#hint")
        return bar

    def on_screen_resume(self) -> None:
        # Back from another screen (progress, browse, practice): figures may have moved.
        if self.card is not None:
            self._update_header()

    # -- the flow ------------------------------------------------------------------

    def show_card(self) -> None:
        """Shows the current card's question, or leaves when there is none."""
        if self.practice is not None:
            if self.position >= len(self.practice):
                self.dismiss()
                return
            card, mode = self.practice[self.position], "practice"
        else:
            item = self.app.session.current()
            if item is None:
                self.app.show_today()
                return
            card, mode = item.card, item.mode
        self.card, self.revealed, self.answer = card, False, ""
        self.shown_at = time.monotonic()
        label = {
            "review": f"Topic {card.number} of {len(self.app.deck)}",
            "drill": "Again: graded below 4 earlier today",
            "practice": f"Practice {self.position + 1} of {len(self.practice or [])}"
            " · not scheduled",
        }[mode]
        self.query_one("#mode", Static).update(f"{label} · {escape(card.title)}")
        self.query_one("#question", Static).update(escape(card.question))
        answer = self.query_one("#answer", Input)
        answer.value = ""
        answer.disabled = False
        self.query_one("#reveal").display = False
        # Render the answer hidden while the user thinks, so revealing is instant; but
        # only once the question has been on screen a moment: building the Markdown
        # takes a good part of a second, and the question must not wait for it.
        self.set_timer(PRERENDER_DELAY, lambda c=card: self.render_answer(c, idle=True))
        for bar in self.query(GradeBar):
            bar.display = False
        status = self.app.take_status()
        hint = "space reveal the answer · a type your answer first"
        self.query_one("#hint", Static).update(f"{status} · {hint}" if status else hint)
        self.query_one("#card", VerticalScroll).scroll_home(animate=False)
        self.focus_next_card()
        self._update_header()

    def render_answer(self, card: Card, idle: bool = False) -> None:
        """Puts ``card``'s answer into the Markdown view, unless it is there already.

        ``idle``: the user is reading the question (not waiting on a key), a moment
        to collect the garbage of the previous card as well.
        """
        if self.card is not card or self.rendered == card.id:
            return
        self.rendered = card.id
        self.run_worker(
            self._fill_answer(card, idle), group="render", exclusive=True, exit_on_error=False
        )

    async def _fill_answer(self, card: Card, idle: bool) -> None:
        # The Markdown widget (and its parser) is created on first use, not in
        # compose: that keeps it off the path to the first question.
        from textual.widgets import Markdown

        views = self.query("#model-answer").results(Markdown)
        view = next(views, None)
        if view is None:
            view = Markdown(id="model-answer")
            await self.query_one("#reveal").mount(view)
        await view.update(card.body)
        if idle:
            # The previous answer's Markdown blocks are garbage now, in reference
            # cycles that only a full collection frees: some 10,000 objects a card.
            # Left to the automatic collector, they went as a 50-100 ms pause every
            # few cards, at any moment (a key press included). Freed here instead,
            # while the question is being read: about 20 ms.
            gc.collect()

    def focus_next_card(self) -> None:
        """Keeps focus off the answer box so keys act on the card."""
        self.set_focus(None)

    def _update_header(self) -> None:
        bar = self.query_one(SessionBar)
        if self.practice is not None:
            self.query_one(TodayBar).update(f"Practice · {len(self.practice)} cards")
            bar.update(self.position, len(self.practice))
            return
        progress = self.app.session.progress()
        self.query_one(TodayBar).refresh_from(self.app.session, progress)
        bar.update(progress.done_today, progress.done_today + progress.left)

    def action_reveal(self) -> None:
        if self.card is None or self.revealed:
            return
        self.revealed = True
        answer_box = self.query_one("#answer", Input)
        self.answer = answer_box.value
        answer_box.disabled = True
        self.query_one(KeyPoints).show(self.card, self.answer)
        self.render_answer(self.card)
        self.query_one("#reveal").display = True
        self.app.load_writer()
        grades = self.grade_bar()
        grades.display = True
        suggested = suggest_grade(self.card, self.answer)
        grades.suggest(suggested)
        hint = "Grade your recall: 0 blackout … 5 perfect"
        if suggested is not None:
            hint += f" · suggested ★{suggested} ({GRADE_MEANINGS[suggested]})"
        self.query_one("#hint", Static).update(hint)
        self.set_focus(None)

    def action_type_answer(self) -> None:
        answer = self.query_one("#answer", Input)
        if self.revealed or self.focused is answer:
            raise SkipAction()  # an "a" typed in the box, or nothing to type into
        # Focused now, not on the next cycle as Input.focus() does: with the binding's
        # priority, the keys queued behind the "a" are then sent to the box. Without
        # both, the app had already routed them to the screen, where they were lost.
        self.set_focus(answer)

    @on(Input.Submitted, "#answer")
    def _submitted(self) -> None:
        self.action_reveal()

    def action_leave(self) -> None:
        if self.focused is not None:
            self.set_focus(None)
        elif self.practice is not None:
            self.dismiss()

    def action_grade(self, grade: int) -> None:
        if self.card is None or not self.revealed:
            return
        spent = int((time.monotonic() - self.shown_at) * 1000)
        if self.practice is not None:
            if (
                self.app.attempt(self.app.session.practice, self.card, grade, self.answer, spent)
                is None
            ):
                return  # not saved: the card stays, and the error is on screen
            self.app.set_status(f"✓ Practice grade {grade} logged; schedule unchanged")
            self.position += 1
        else:
            result = self.app.attempt(self.app.session.grade, grade, self.answer, spent)
            if result is None:
                return  # not saved: the card stays, and the error is on screen
            # Said in the hint line of the next card, not in a toast that would
            # cover the question at 80×24.
            if result.again_today:
                message = f"✓ Graded {grade}: back later today"
                if result.review.mode == "review":
                    message += f", then {_interval_text(result.interval)}"
            else:
                message = f"✓ Graded {grade}: next review {_interval_text(result.interval)}"
            self.app.set_status(message)
        self.show_card()

    @on(GradeBar.Chosen)
    def _chosen(self, message: GradeBar.Chosen) -> None:
        self.action_grade(message.grade)

    def action_undo(self) -> None:
        review = self.app.undo()
        if review is not None and review.mode == "practice" and self.practice is not None:
            self.position = max(0, self.position - 1)
            self.show_card()

    def action_demo(self) -> None:
        if self.card is not None:
            self.app.action_demo(self.card.id)
