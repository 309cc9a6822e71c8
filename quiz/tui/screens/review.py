"""The review screen: question, typed answer, the whole model answer, grade.

The screen is in one of three states, and the footer shows the keys of the one it
is in:

- **typing** (every card starts here): the answer box has focus, so whatever is typed
  goes into it and no printable key runs a command; ``enter`` checks the answer,
  ``escape`` leaves the box;
- **question**, outside the box: ``space`` reveals, ``a`` (or ``tab``) goes back into
  the box, ``d`` opens the demo, ``u`` undoes;
- **revealed**: the typed answer, the key points, the answer and every section down to
  the references scroll in the card pane (arrows, PageUp/PageDown, Home/End, ``j``/``k``,
  the wheel), the grade bar stays in view below it, ``0``-``5`` grade and ``enter``
  accepts the suggested grade.

It asks a :class:`~quiz.session.Queue`: today's session, or a practice run
(:class:`~quiz.practice.Practice`), which logs practice grades that never move a
schedule. It reports up with :mod:`quiz.tui.messages`.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.await_complete import AwaitComplete
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from quiz import startup
from quiz.deck import Card
from quiz.predict import choice_of, choices_text, letter, right_choice
from quiz.records import Action
from quiz.session import Graded, Item, Progress, Queue, Session, StaleGrade
from quiz.sm2 import GRADE_WORDS
from quiz.text import plural
from quiz.tui import messages
from quiz.tui.bindings import BROWSE, BURY, DEMO, SUSPEND, UNDO
from quiz.tui.saving import Failed, attempt
from quiz.tui.text import literal
from quiz.tui.widgets.box_stand_in import AnswerBoxStandIn, is_answer_box
from quiz.tui.widgets.grades import GradeBar
from quiz.tui.widgets.keypoints import KeyPoints
from quiz.tui.widgets.scroll import scroll_now
from quiz.tui.widgets.session_bar import SessionBar
from quiz.tui.widgets.today import TodayBar
from quiz.tui.wording import graded_text, leech_text, mark_text, undone_text

if TYPE_CHECKING:
    from quiz.tui.widgets.answer_box import AnswerBox

ANSWER_PLACEHOLDER = "Type your answer here; enter checks it (optional)"
PREDICT_PLACEHOLDER = "Type the letter of your prediction (a, b…); enter runs the demo"
PRERENDER_DELAY = 0.6  # seconds the question shows before the answer renders hidden
GRADE_KEYS = "0,1,2,3,4,5"
TYPING_HINT = "Type your answer; enter checks it · esc leaves the box (then space reveals)"
OUTSIDE_HINT = "space reveals the answer · a (or tab) goes back into the answer box"


def answer_box_loaded() -> bool:
    """Whether the answer box's modules (Textual's TextArea) are loaded: then a
    review screen starts with the box itself, else with its stand-in."""
    return "quiz.tui.widgets.answer_box" in sys.modules


class CardPane(VerticalScroll, can_focus=False):
    """The scrolling card. It never takes the focus: the screen's keys scroll it.

    Focusing it cost a restyle of everything inside it (the answer's Markdown is a
    few hundred widgets), twice a card: at the reveal and when the next card's box
    took the focus back: most of the time between a grade and the next question
    (``tests/perf/bench_grade.py``).
    """


class RevealedPart(Vertical):
    """What a reveal shows; scrolled to the top of the card pane when it appears."""

    _scroll_pending = False

    def scroll_into_view_when_laid_out(self) -> None:
        """Scrolls to this part's top once it has a size (it has none while hidden,
        and gets one only on the layout after it is shown)."""
        self._scroll_pending = True

    def cancel_scroll(self) -> None:
        """The person scrolled first (End pressed right after the reveal): their
        scroll wins over the one still waiting for the layout."""
        self._scroll_pending = False

    def on_resize(self) -> None:
        if self._scroll_pending and self.size.height:
            self._scroll_pending = False
            # Now, not after the next refresh: a key pressed meanwhile (End) must
            # find this scroll done, not have it undo its own.
            self.scroll_visible(animate=False, top=True, immediate=True)


class ReviewScreen(Screen[None]):
    """One card at a time: type, reveal, read, grade."""

    BINDINGS = [
        Binding("space", "reveal", "Reveal", id="reveal", tooltip="Show the model answer"),
        # In the box, enter is the box's own key (it checks in the order the keys
        # were typed, see AnswerBox); this binding names it in the footer and help.
        Binding(
            "enter",
            "check",
            "Check answer",
            id="check",
            tooltip="Check your answer against the key points",
        ),
        # Run by the app as the key arrives, before it hands on the keys behind it,
        # so those (typed fast, or pasted) already find the answer box focused.
        Binding(
            "a",
            "type_answer",
            "Answer",
            id="type-answer",
            tooltip="Back into the answer box",
            priority=True,
        ),
        Binding("tab", "type_answer", "Answer", show=False, priority=True),
        Binding(
            "0",
            "grade(0)",
            "Grade",
            key_display="0-5",
            id="grade",
            tooltip="0 blackout … 5 perfect",
        ),
        *[Binding(str(g), f"grade({g})", f"Grade {g}", show=False) for g in range(1, 6)],
        Binding(
            "enter",
            "accept",
            "Accept ★",
            id="accept",
            tooltip="Grade with the suggested grade",
        ),
        Binding(
            "t",
            "ticks",
            "Ticks",
            id="ticks",
            tooltip="Go to the key points: ↑ ↓ choose, space flips a tick or dismisses a "
            "wrong claim, and the suggested grade follows",
        ),
        UNDO,
        DEMO,
        SUSPEND,
        # Bury is in help (?), not the footer: with u Undo shown it would push q off
        # the footer at 80 columns.
        Binding(BURY.key, BURY.action, BURY.description, show=False, tooltip=BURY.tooltip),
        # After the reveal the grades fill the footer: the same keys, not shown there.
        Binding(SUSPEND.key, "mark_revealed('suspend')", SUSPEND.description, show=False),
        Binding(BURY.key, "mark_revealed('bury')", BURY.description, show=False),
        Binding(
            "escape",
            "leave",
            "Leave box",
            id="leave",
            tooltip="Leave the answer box: keys act as commands again",
        ),
        Binding("escape", "back", "Back", id="back", tooltip="End this practice"),
        Binding("j", "scroll('down')", "Scroll down", show=False),
        Binding("k", "scroll('up')", "Scroll up", show=False),
        Binding("down", "scroll('down')", "Scroll down", show=False),
        Binding("up", "scroll('up')", "Scroll up", show=False),
        Binding("pagedown", "scroll('page_down')", "Page down", show=False),
        Binding("pageup", "scroll('page_up')", "Page up", show=False),
        Binding("home", "scroll('home')", "Top", show=False),
        Binding("end", "scroll('end')", "End", show=False),
        Binding(BROWSE.key, BROWSE.action, BROWSE.description, show=False, priority=True),
        # What a key does when its command has nothing to act on yet: say why, rather
        # than nothing. Reached only when the binding above it for the key is off.
        Binding(GRADE_KEYS, "explain('grade')", show=False),
        Binding("enter", "explain('enter')", show=False),
    ]

    HELP = (
        "When a card shows, the answer box has the keys: what you type goes into it, "
        "never into a command. enter checks your answer (the key points you made are "
        "ticked and a grade is suggested), ctrl+j starts a new line, and a paste keeps "
        "all its lines. escape leaves the box; then the keys below are commands. After "
        "the reveal, the card scrolls with ↑ ↓ PageUp PageDown Home End, j k and the "
        "mouse wheel; grade with 0-5, or enter for the suggested grade. Each ✓ shows the "
        "words of your answer that made the point, and a wrong claim you made is shown "
        "with its correction (it caps the suggestion at 2). t goes to the ticks: ↑ ↓ "
        "choose, space (or a click) flips a tick or dismisses a wrong claim, and the "
        "suggestion follows; escape comes back. ! suspends the card (no reviews until "
        "you unsuspend it in Browse) and - buries it until the next study day; u takes "
        "either back. A card that lapses leech-lapses times (8 unless set) is tagged "
        "leech and suspended."
    )

    # Focus is placed by show_card (the answer box), not by Textual's auto focus.
    AUTO_FOCUS = ""

    def __init__(self, queue: Queue, session: Session, status: str = "") -> None:
        """
        Args:
            queue: what to ask: ``session`` itself, or a practice run.
            session: today's session (the header's figures).
            status: the result of what was just done, shown before the first hint.
        """
        super().__init__()
        self.queue = queue
        self.session = session
        self.card: Card | None = None
        self.item: Item | None = None  # the card as the queue gave it
        self.revealed = False
        self.answer = ""
        self.suggested: int | None = None
        self.shown_at = time.monotonic()
        self.rendered: str | None = None  # the card whose answer the Markdown holds
        self.status = status  # the last action's one-line result, shown before the hint
        self._render_lock = asyncio.Lock()
        self._marked = 0  # cards suspended or buried from this screen (u takes them back)
        self._done = 0  # grades logged (today, or in this practice run), as last read

    def compose(self) -> ComposeResult:
        yield TodayBar(id="today")
        yield SessionBar(id="progress")
        with CardPane(id="card"):
            yield Static(id="mode")
            yield Static(id="question")
            if answer_box_loaded():
                from quiz.tui.widgets.answer_box import AnswerBox

                yield AnswerBox(id="answer", placeholder=ANSWER_PLACEHOLDER)
            else:
                # The run's first screen: the box's look, while its 10 ms of imports
                # wait for the first frame (quiz.tui.widgets.box_stand_in). The keys
                # typed meanwhile wait for the box.
                yield AnswerBoxStandIn(ANSWER_PLACEHOLDER)
                hold_keys = getattr(self.app, "hold_keys", None)
                if callable(hold_keys):
                    hold_keys()
            with RevealedPart(id="reveal"):
                yield Static(id="typed")
                yield Static(id="prediction")
                yield KeyPoints(id="points")
        yield Static(id="hint")

    def on_mount(self) -> None:
        # A screen opened and the app quit in the same burst of keys (d then q) is
        # mounted while the app is closing, its children already gone: every
        # screen's on_mount checks for that first.
        if not self.is_attached:
            return  # quit in the same burst of keys that opened it: nothing to set up
        self.show_card()
        # The footer (a widget per key) and the grade buttons, hidden until the answer
        # shows, are the costliest parts of the screen to build: they are added once
        # the question is on screen.
        self.call_after_refresh(self._mount_rest)

    async def _mount_rest(self) -> None:
        if not self.is_attached:
            return  # left (or quit) before its first paint: nothing to add to
        if (putting_in := self._put_in_box()) is not None:
            await putting_in
        from quiz.tui.widgets.footer import QuizFooter  # after the first paint too

        self.grade_bar()
        await self.mount(QuizFooter(compact=True))
        self.refresh_bindings()  # the footer lists the keys when told they are set

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
        if not self.is_attached:
            return  # the app is closing
        # Back from another screen (progress, browse, practice): figures may have moved.
        if self.card is not None:
            self._update_header()

    def tick(self, new_day: bool) -> None:
        """The app's clock: on a new study day the header counts the new day's cards
        (the card on screen stays, not to take it away mid-answer; its grade is
        refused as stale, and the new day's card shown, see :meth:`action_grade`)."""
        if new_day and self.card is not None:
            self._update_header()

    # -- state -----------------------------------------------------------------------

    @property
    def box(self) -> AnswerBox:
        """The answer box (put in at once if the stand-in is still there)."""
        from quiz.tui.widgets.answer_box import AnswerBox

        self._put_in_box()
        return self.query_one("#answer", AnswerBox)

    def _stand_in(self) -> AnswerBoxStandIn | None:
        """The answer box's stand-in, while it is there (the run's first card)."""
        return next(self.query(AnswerBoxStandIn).results(AnswerBoxStandIn), None)

    def _put_in_box(self) -> AwaitComplete | None:
        """Puts the answer box in the stand-in's place, as the stand-in is (its
        placeholder, shown or not, focused or not), then lets the held keys go
        (awaited: once the box is in; None if it was in already)."""
        stand_in = self._stand_in()
        if stand_in is None:
            return None  # in already
        from quiz.tui.widgets.answer_box import AnswerBox

        box = AnswerBox(id="answer", placeholder=stand_in.placeholder)
        box.display = stand_in.display
        focused = self.focused is stand_in
        mounted = self.query_one(CardPane).mount(box, before=stand_in)
        removed = stand_in.remove()
        if focused:
            self.set_focus(box)

        async def done() -> None:
            await mounted
            await removed
            for event in stand_in.typed:  # typed after the app's hold let go: in order
                self.app.post_message(event)
            self.app.post_message(messages.ScreenReady())  # the keys held since compose

        return AwaitComplete(done())

    def on_unmount(self) -> None:
        if self._stand_in() is not None:
            # Gone before its box was in (the day had no card, the app quit): the
            # keys held for it go on to what is there now.
            self.app.post_message(messages.ScreenReady())

    @property
    def typing(self) -> bool:
        """The answer box has the keys."""
        return not self.revealed and is_answer_box(self.focused)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Shows in the footer, and runs, only what works in the state the card is in."""
        if action in ("reveal", "type_answer"):
            return not self.revealed and not self.typing
        if action == "check":
            return self.typing
        if action == "grade":
            return self.revealed
        if action == "accept":
            return self.revealed and self.suggested is not None
        if action == "ticks":
            return self.revealed and self.query_one(KeyPoints).result is not None
        if action == "leave":
            return self.typing
        if action == "back":
            return self._practising and not self.typing
        if action == "undo":
            return not self.typing and (self._done > 0 or self._marked > 0)
        if action in ("mark", "mark_revealed"):
            shown = not self.typing and not self._practising and self.card is not None
            return shown and (action == "mark_revealed") == self.revealed
        if action == "demo":
            return not self.typing and self.card is not None and bool(self.card.demo)
        if action in ("browse", "scroll"):
            return not self.typing
        if action == "explain":
            return not self.typing
        return True

    def help_hides(self) -> set[str]:
        """The actions help (?) leaves out here: a practice ends with escape and
        cannot suspend or bury; a review is not ended with escape."""
        return {"mark", "mark_revealed"} if self._practising else {"back"}

    @property
    def _practising(self) -> bool:
        return self.item is not None and self.item.mode == "practice"

    @on(messages.InterviewChanged)
    def _interview_changed(self) -> None:
        if self.card is not None:
            self._update_header()

    @on(messages.CardsChanged)
    def _cards_changed(self) -> None:
        """The deck was read again: a card on screen whose file changed since it was
        shown is shown again as it is now (the typed answer kept), unless its answer
        is out already."""
        card = self.card
        if card is not None and not self.revealed and self.session.deck.get(card.id) is not card:
            self.show_card(keep=(card.id, self.box.text))

    # -- the flow ------------------------------------------------------------------

    def show_card(self, keep: tuple[str, str] | None = None) -> None:
        """Shows the current card's question, or leaves when there is none.

        Args:
            keep: (card id, typed answer): the answer goes back into the box if that
                card is the one shown.
        """
        item = self.queue.current()
        if item is None:
            # Today's session: its end-of-day screen; a practice run: back to
            # where it was started.
            if self._practising:
                self.post_message(messages.PracticeOver(self.status))
            else:
                self.post_message(messages.ShowToday(self.status))
            return
        card, self.item = item.card, item
        self.card, self.revealed, self.answer, self.suggested = card, False, "", None
        self.shown_at = time.monotonic()
        progress = self.queue.progress()
        topic = (
            f"Topic {card.number} of {len(self.session.deck.topics)}"
            if card.is_core
            else f"Topic {card.number} · follow-up ({card.kind})"
        )
        label = {
            "review": topic,
            "drill": "Again: graded below 4 earlier today",
            "practice": f"Practice {progress.done_today + 1} of "
            f"{progress.done_today + progress.left} · not scheduled",
        }[item.mode]
        self.query_one("#mode", Static).update(literal(f"{label} · {card.title}"))
        question = literal(card.question)
        if card.is_predict:  # the choices, and how to pick one
            question = Content.assemble(
                question,
                "\n\n",
                literal(choices_text(card)),
                "\n\n",
                ("Type the letter of your prediction; enter runs the demo to see.", "dim"),
            )
        self.query_one("#question", Static).update(question)
        placeholder = PREDICT_PLACEHOLDER if card.is_predict else ANSWER_PLACEHOLDER
        typed = keep[1] if keep is not None and keep[0] == card.id else ""
        stand_in = self._stand_in()
        box: AnswerBox | AnswerBoxStandIn
        if stand_in is not None and not typed:  # the first card: nothing typed yet
            box = stand_in
            box.placeholder = placeholder
            box.refresh()
        else:
            box = self.box
            box.placeholder = placeholder
            box.text = typed
            box.read_only = False
        box.display = True
        self.query_one("#reveal").display = False
        for view in self.query("#model-answer"):
            view.display = False  # the last card's answer, until this one's is in
        # Render the answer hidden while the user thinks, so revealing is instant; but
        # only once the question has been on screen a moment: building the Markdown
        # takes a good part of a second, and the question must not wait for it.
        self.set_timer(PRERENDER_DELAY, lambda c=card: self.render_answer(c, idle=True))
        for bar in self.query(GradeBar):
            bar.display = False
        pane = self.query_one("#card", CardPane)
        pane.anchor(False)
        scroll_now(pane, "home")
        # Focused now, not on the next cycle as widget.focus() does: keys already on
        # their way (a fast typist) land in the box, never on a command.
        self.set_focus(box)
        self._update_header(progress)
        self.show_hint()

    def show_hint(self, text: str | None = None) -> None:
        """The hint line: the last action's result, then what to do now."""
        if text is None:
            if self.revealed and self.suggested is not None:
                text = (
                    f"★{self.suggested} suggested ({GRADE_WORDS[self.suggested]}): "
                    "enter accepts it, or grade 0-5 · ↑↓ PgUp PgDn scroll"
                )
            elif self.revealed:
                text = "Grade your recall: 0 blackout … 5 perfect · ↑↓ PgUp PgDn scroll the card"
            else:
                text = TYPING_HINT if self.typing else OUTSIDE_HINT
        line = f"{self.status} · {text}" if self.status else text
        self.query_one("#hint", Static).update(literal(line))

    def on_descendant_focus(self) -> None:
        self._focus_moved()

    def on_descendant_blur(self) -> None:
        self._focus_moved()

    def _focus_moved(self) -> None:
        if self.card is not None and not self.revealed:
            self.show_hint()

    def render_answer(self, card: Card, idle: bool = False) -> None:
        """Puts ``card``'s answer into the Markdown view, unless it is there already.

        ``idle``: the user is reading the question (not waiting on a key), a moment
        to collect the garbage of the previous card as well.
        """
        if self.card is not card or self.rendered == card.id or not self.is_attached:
            return
        self._fill_answer(card, idle)

    # Renders one at a time, never cancelled half-way: a Markdown update cancelled
    # while it swapped its blocks left Textual's removal of the old blocks awaiting
    # a cancelled task, and that CancelledError ended the app's message loop: the
    # app froze on screen and then exited with status 0 (reveal and grade pressed
    # a few milliseconds apart, a few dozen times). A render queued for a card
    # that is no longer shown does nothing.
    @work(group="render", exit_on_error=False)
    async def _fill_answer(self, card: Card, idle: bool) -> None:
        async with self._render_lock:
            if self.card is not card or self.rendered == card.id:
                return
            view = await self._render_markdown(card)
            self.rendered = card.id
            view.display = self.card is card
        if idle:
            # The previous answer's Markdown blocks are garbage now: freed while the
            # question is being read, not as a pause at any moment (a key press).
            startup.collect_garbage()

    async def _render_markdown(self, card: Card) -> Widget:
        # The Markdown widget (and its parser) is created on first use, not in
        # compose: that keeps it off the path to the first question.
        from quiz.tui.widgets.answer_view import AnswerView

        views = self.query("#model-answer").results(AnswerView)
        view = next(views, None)
        if view is None:
            view = AnswerView(id="model-answer")
            await self.query_one("#reveal").mount(view)
        from quiz.tui.widgets.card_text import answer_markdown

        await view.update(answer_markdown(card))
        return view

    def _update_header(self, progress: Progress | None = None) -> None:
        if progress is None:
            progress = self.queue.progress()
        self._done = progress.done_today
        total = progress.done_today + progress.left
        if self._practising:
            self.query_one(TodayBar).update(Content(f"Practice · {plural(total, 'card')}"))
        else:
            self.query_one(TodayBar).refresh_from(self.session, progress)
        self.query_one(SessionBar).update(progress.done_today, total)

    # -- actions -----------------------------------------------------------------------

    def action_reveal(self) -> None:
        if self.card is None or self.revealed:
            return
        box = self.box
        self.answer = box.text
        self.revealed = True
        box.display = False
        typed = self.query_one("#typed", Static)
        typed.display = bool(self.answer.strip())
        typed.update(Content.assemble(("Your answer", "bold"), "\n", literal(self.answer.strip())))
        points = self.query_one(KeyPoints)
        card = self.card
        # A predict card's answer is a letter: its key points are the reasoning to
        # compare with, and the demo's own result decides the grade (_predicted).
        points.show(card, "" if card.predict else self.answer)
        self.query_one("#prediction", Static).display = card.predict is not None
        if card.predict is not None:
            self._predict(card, choice_of(card, self.answer))
        self.render_answer(card)
        self.query_one("#reveal").display = True
        grades = self.grade_bar()
        grades.display = True
        self.suggested = points.suggested
        grades.suggest(self.suggested)
        # Out of the box: the screen's keys (arrows, PageUp/PageDown, Home/End) scroll
        # the card.
        self.set_focus(None)
        # What was revealed goes to the top of the pane once it is laid out (the
        # question was just read; Home brings it back), so at 80×24 the answer
        # starts on screen.
        self.query_one("#reveal", RevealedPart).scroll_into_view_when_laid_out()
        self.status = ""  # it was about the card before this one
        self.show_hint()
        self.refresh_bindings()

    def _predict(self, card: Card, choice: int | None) -> None:
        """Says what was predicted and runs the card's demo with its preset, whose own
        result decides which choice was right (:mod:`quiz.predict`)."""
        assert card.predict is not None
        picked = (
            f"{letter(choice)}) {card.predict.choices[choice].text}"
            if choice is not None
            else "none of the choices (type its letter: a, b...)"
        )
        settings = " ".join(card.demo_settings()) or "its defaults"
        self.query_one("#prediction", Static).update(
            Content.assemble(
                ("Your prediction: ", "bold"),
                literal(picked),
                "\n",
                ("The demo: ", "bold"),
                literal(f"running {card.demo} with {settings}…"),
            )
        )
        self._run_prediction(card, choice, picked)

    @work(group="predict", exclusive=True, exit_on_error=False)
    async def _run_prediction(self, card: Card, choice: int | None, picked: str) -> None:
        from quiz.runner import demo_command, run_demo

        settings = card.demo_texts()
        last: dict[str, object] = {}
        async with contextlib.aclosing(run_demo(demo_command(card.demo, settings))) as events:
            async for event in events:
                if event.get("type") == "done":
                    last = event
        if self.card is not card or not self.revealed or not self.is_attached:
            return  # graded or left meanwhile
        metrics = last.get("metrics")
        right = (
            right_choice(card, metrics) if last.get("ok") and isinstance(metrics, dict) else None
        )
        if right is None:
            outcome = literal(
                f"could not decide ({last.get('error') or 'no choice matches its result'}); "
                "grade it yourself"
            )
            self.suggested = None
        else:
            assert card.predict is not None
            value = metrics[card.predict.metric] if isinstance(metrics, dict) else None
            verdict = "✓ right" if choice == right else "✗ not what happened"
            outcome = Content.assemble(
                literal(f"{card.predict.metric} = {value} → "),
                (f"{letter(right)}) {card.predict.choices[right].text}", "bold"),
                literal(f"  · your prediction: {verdict}"),
            )
            self.suggested = 5 if choice == right else 1
        self.query_one("#prediction", Static).update(
            Content.assemble(
                ("Your prediction: ", "bold"),
                literal(picked),
                "\n",
                ("The demo: ", "bold"),
                outcome,
            )
        )
        self.grade_bar().suggest(self.suggested)
        self.show_hint()
        self.refresh_bindings()

    def action_type_answer(self) -> None:
        # Focused now, not on the next cycle as widget.focus() does: with the binding's
        # priority, the keys queued behind the "a" are then sent to the box.
        self.set_focus(self.box)

    def action_check(self) -> None:
        self.action_reveal()

    def action_leave(self) -> None:
        self.set_focus(None)

    def action_back(self) -> None:
        self.dismiss()

    def action_scroll(self, direction: str) -> None:
        self.query_one("#reveal", RevealedPart).cancel_scroll()
        pane = self.query_one("#card", CardPane)
        if direction == "end":
            # Anchored: the end stays in view while the answer is still being laid
            # out (pressed right after a reveal, End would otherwise stop at the end
            # of what was there then); any other scroll lets go.
            pane.anchor()
            return
        # At once, each from where the last left it: keys that came between two
        # refreshes (a burst, a held key) all count (see quiz.tui.widgets.scroll).
        scroll_now(pane, direction)

    def action_explain(self, key: str) -> None:
        if key == "grade":
            self.show_hint("Reveal the answer first (space), then grade it 0-5")
        elif not self.revealed:
            self.action_reveal()  # enter outside the box, before a reveal: reveal
        else:
            self.show_hint("Nothing was typed, so no grade is suggested: grade it with 0-5")

    def action_ticks(self) -> None:
        self.query_one(KeyPoints).focus_first()

    @on(KeyPoints.Changed)
    def _ticks_changed(self, message: KeyPoints.Changed) -> None:
        """The person flipped a tick: the suggestion follows what the ticks support."""
        self.suggested = message.suggested
        self.grade_bar().suggest(self.suggested)
        self.show_hint()
        self.refresh_bindings()

    def action_accept(self) -> None:
        if self.suggested is not None:
            self.action_grade(self.suggested)

    def action_grade(self, grade: int) -> None:
        card, item = self.card, self.item
        if card is None or item is None or item.card is not card or not self.revealed:
            return
        spent = int((time.monotonic() - self.shown_at) * 1000)
        result = attempt(self, self._grade, item, grade, spent)
        if isinstance(result, Failed):
            return  # not saved: the card stays, and the error is on screen
        if isinstance(result, StaleGrade):
            # Another instance graded this card meanwhile, or a new study day began
            # while it was on screen: the grade would land on a card (or in a mode)
            # the person did not see. The typed answer goes back in the box if the
            # same card is asked again.
            self.status = (
                f"That card changed since it was shown ({result.reason}); here is the current one"
            )
            self.show_card(keep=(card.id, self.answer))
        else:
            # Said in the hint line of the next card, not in a toast that would cover
            # the question at 80×24. The date is the day the card is really asked (an
            # interview date can bring it before SM-2's interval).
            self.status = graded_text(grade, result)
            if result.leech:
                self.status = leech_text(card.title, result.lapses)
                self.notify(
                    f"“{card.title}” lapsed {result.lapses} times: tagged leech and suspended. "
                    "Rewrite it, or "
                    "unsuspend it in Browse (!); u takes the grade back.",
                    title="Leech",
                    severity="warning",
                    timeout=10,
                    markup=False,
                )
            self.show_card()
        self.refresh_bindings()

    def _grade(self, item: Item, grade: int, spent: int) -> Graded | StaleGrade:
        """Grades the card shown; a stale grade is returned, not raised, so that
        :func:`attempt` leaves it to this screen."""
        try:
            return self.queue.grade(item, grade, self.answer, spent)
        except StaleGrade as stale:
            return stale

    @on(GradeBar.Chosen)
    def _chosen(self, message: GradeBar.Chosen) -> None:
        self.action_grade(message.grade)

    @on(messages.UndoRequested)
    def _undo_requested(self, message: messages.UndoRequested) -> None:
        message.stop()  # this screen's queue undoes it (a practice run puts its card back)
        self.action_undo()

    def action_undo(self) -> None:
        """Takes back today's last grade and asks that card again."""
        review = attempt(self, self.queue.undo)
        if isinstance(review, Failed):
            return
        if review is None:
            self.notify("Nothing to undo today.", severity="warning")
            return
        self.status = undone_text(review, self.session.deck)
        self.show_card()
        self.refresh_bindings()

    def action_demo(self) -> None:
        if self.card is not None:
            from quiz.tui.screens.demo import open_demo  # loads NumPy and the plot library

            open_demo(self.app, self.card)

    def action_mark_revealed(self, mode: str) -> None:
        self.action_mark(mode)

    def action_mark(self, mode: str) -> None:
        """``!`` suspends the card on screen, ``-`` buries it until the next study day:
        a row of the log (u takes it back); the next card shows."""
        card, item = self.card, self.item
        if card is None or item is None or item.card is not card or self._practising:
            return
        action: Action = "bury" if mode == "bury" else "suspend"
        if isinstance(attempt(self, self.session.mark, card.id, action), Failed):
            return
        self._marked += 1
        self.status = mark_text(action, card.title)
        self.show_card()
        self.refresh_bindings()
