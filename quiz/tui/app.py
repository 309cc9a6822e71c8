"""The Textual app: global keys, the command palette, and which screen shows today."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import RenderableType
from textual import events, on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.theme import Theme

from quiz import crashlog, startup
from quiz.deck import Card, Deck
from quiz.errors import QuizError
from quiz.session import Session
from quiz.text import printable
from quiz.tui import messages
from quiz.tui.csscache import KeptRules, KeptStylesheet
from quiz.tui.saving import Failed, attempt
from quiz.tui.wording import undone_text

if TYPE_CHECKING:
    from textual.timer import Timer

    from quiz.backup import AutoBackup
    from quiz.tui.screens.quitting import QuittingScreen


CHECK_CARDS_AFTER = 0.3  # seconds after the first paint: the user's card files are looked at
HOLD_KEYS_AT_MOST = 2.0  # seconds: keys held for a screen being built (hold_keys) wait no longer


class QuizApp(App[None]):
    """Today's session over ``session``: review, browse, practice, demos."""

    CSS_PATH = "app.tcss"
    TICK = 1.0  # seconds between looks at the clock
    TITLE = "quiz"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding(
            "s",
            "progress",
            "Stats",
            id="progress",
            tooltip="Progress: heatmap, forecast, topics, interview readiness",
        ),
        Binding(
            "question_mark", "help", "Help", key_display="?", id="help", tooltip="List every key"
        ),
        Binding("q", "quit", "Quit", id="quit", tooltip="Quit; every grade is already saved"),
        Binding(
            "ctrl+c",
            "interrupt",
            "Quit",
            show=False,
            priority=True,
            id="interrupt",
            tooltip="From anywhere, the answer box included (ctrl+q too)",
        ),
        # Textual's own quit key: its action is "quit", which is refused while typing
        # (q types a q there), so in the answer box ctrl+q did nothing. (Help lists
        # it with ctrl+c.)
        Binding("ctrl+q", "interrupt", show=False, priority=True, id="quit-now"),
    ]

    def __init__(
        self, session: Session, theme: str | None = None, backup: AutoBackup | None = None
    ) -> None:
        super().__init__()
        # Textual's parsed CSS, kept from the last run (quiz.tui.csscache). Put in
        # before the theme is set: setting it parses the CSS again, through this.
        self.stylesheet = KeptStylesheet(variables=self.get_css_variables(), kept=KeptRules.read())
        self.backup = backup  # the day's backup, made in a thread while the app runs
        self.quitting: QuittingScreen | None = None  # quit asked, the backup not over
        if theme in self.available_themes:
            self.theme = theme  # the one chosen last time (the config's "theme")
        self.session = session
        self.deck: Deck = session.deck
        self.crash_log: Path | None = None  # where an unexpected error was written
        self.crash: BaseException | None = None
        # A problem the user can act on that ended the app (a damaged row in the
        # database, read while drawing a screen): quiz.cli says it in one line.
        self.problem: QuizError | None = None
        self.asked_to_exit = False  # set by exit(): anything else that ends the app is a fault

    # Keys read while a screen is being built, in the order read (see hold_keys), and
    # the timer that lets them go if the screen never says it is ready.
    _held_keys: list[events.Key | events.Paste] | None = None
    _hold_limit: Timer | None = None

    def hold_keys(self) -> None:
        """Keys read from now on wait until the screen just put up says it is built
        (:class:`messages.ScreenReady`), then go to it in the order they were typed.

        Typed in the same burst as b, "/resid" went to the review screen (its keys
        were handed on before b's screen was up: r and e ran there, e opened the card
        editor), or was lost on the new screen before it had a search box to focus.
        A paste waits with the keys; ctrl+c is never held."""
        if self._held_keys is None:
            self._held_keys = []
            self._hold_limit = self.set_timer(HOLD_KEYS_AT_MOST, self._release_keys)

    @on(messages.ScreenReady)
    async def _release_keys(self) -> None:
        if self._hold_limit is not None:
            self._hold_limit.stop()  # not to cut short a later hold
            self._hold_limit = None
        held, self._held_keys = self._held_keys, None
        for event in held or ():
            # One after another in this handler: no key read later can pass them.
            await super().on_event(event)

    async def on_event(self, event: events.Event) -> None:
        if (
            self._held_keys is not None
            and isinstance(event, (events.Key, events.Paste))
            and not event.is_forwarded
            and not (isinstance(event, events.Key) and event.key == "ctrl+c")
        ):
            self._held_keys.append(event)
            return
        await super().on_event(event)

    def on_mount(self) -> None:
        # From now on, a theme picked in the palette is the one the next start uses.
        self.theme_changed_signal.subscribe(self, self._save_theme)
        # The app's clock: a new study day (left open past the rollover hour), or a
        # failed card whose minute is up, changes what the screen should show.
        self._day = self.session.today
        self.set_interval(self.TICK, self._tick)
        # Not at once: Textual holds every frame until the app's start is over, and
        # a screen pushed here would be laid out inside it, its first frame dropped
        # and drawn only on the next change (with its "after refresh" work run
        # before that). The app's queue runs once the start is over, so the first
        # screen goes to the terminal as soon as it is laid out.
        self.call_later(self.show_today, "", True)
        self._say_skipped(self.deck.skipped)

    def _say_skipped(self, skipped: Sequence[str]) -> None:
        if skipped:
            # A broken card of the user's is left out, not fatal: say which, once.
            first = printable(skipped[0])
            more = len(skipped) - 1
            self.notify(
                first + (f" (and {more} more: quiz list names them)" if more else ""),
                title="A card of yours was skipped",
                severity="warning",
                timeout=15,
                markup=False,
            )

    def _handle_exception(self, error: Exception) -> None:
        # Every unexpected error ends here (Textual's own hook). The details go to a
        # log file instead of a traceback in the terminal; quiz.cli prints one line
        # with the file's path and exits non-zero. Grades need no saving: each one
        # was committed before the next card showed.
        if isinstance(error, QuizError) and self.crash is None:
            # Not a bug: the user's to fix (a damaged row met while drawing; actions
            # that write say theirs in place, through attempt()). No crash log: the
            # app ends as on any error, and the command line says what to do.
            self.problem = self.problem or error
            super()._handle_exception(error)
            self._exit_renderables.clear()
            return
        self.crash = error
        try:
            self.crash_log = crashlog.write(error)
        except Exception:
            super()._handle_exception(error)
            return
        super()._handle_exception(error)
        self._exit_renderables.clear()

    def exit(
        self,
        result: None = None,
        return_code: int = 0,
        message: RenderableType | None = None,
    ) -> None:
        self.asked_to_exit = True
        super().exit(result, return_code, message)

    def action_interrupt(self) -> None:
        """ctrl+c (or ctrl+q) quits from anywhere, a text box included (every grade is
        saved)."""
        self.request_quit()

    async def action_quit(self) -> None:
        self.request_quit()

    def request_quit(self) -> None:
        """Exits now, or, while the day's backup is being made, once it is done or
        stopped, with a line saying which (:class:`QuittingScreen`); asked again
        then, stops the backup at once."""
        from quiz.tui.screens.quitting import QuittingScreen

        if self.quitting is not None:
            self.quitting.stop_now()
        elif self.backup is None or self.backup.done:
            self.exit()
        else:
            self.quitting = QuittingScreen(self.backup)
            self.push_screen(self.quitting)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.quitting is not None and action in ("progress", "help", "command_palette"):
            return False  # the app is about to close: open nothing more
        # While a text box has the keys, the app's letter keys (q, s, ?, b) type into
        # it: the footer must not offer them.
        return not (action in ("quit", "progress", "help", "browse") and _typing(self))

    def _tick(self) -> None:
        """Tells the screen on top the time has moved (see each screen's ``tick``)."""
        screen = self.screen
        tick = getattr(screen, "tick", None)
        if tick is None or not screen.is_mounted:
            # A screen still being put up (switched to a moment ago) has no widgets to
            # update yet: the next tick tells it, a new day included.
            return
        day = self.session.today
        new_day, self._day = day != self._day, day
        tick(new_day)

    def _save_theme(self, theme: Theme) -> None:
        from quiz import config

        attempt(self, config.set_value, self.session.store, "theme", theme.name)

    def show_today(self, status: str = "", first: bool = False) -> None:
        """Shows the next card of today's session, or the end-of-day screen.

        Args:
            status: the result of what was just done, for the next card's hint line.
            first: the app's first screen (pushed; later ones replace the one on top).
        """
        session = self.session
        if session.current() is not None:
            from quiz.tui.screens.review import ReviewScreen

            screen: Screen[None] = ReviewScreen(session, session, status=status)
        elif first and session.waiting() is None and session.progress().done_today == 0:
            from quiz.tui.screens.nothing_due import NothingDueScreen

            screen = NothingDueScreen(session)
        else:
            from quiz.tui.screens.summary import SummaryScreen

            screen = SummaryScreen(session)
        if first:
            self.push_screen(screen)
            screen.call_after_refresh(self._first_painted)
        else:
            self.switch_screen(screen)

    def _first_painted(self) -> None:
        startup.after_first_paint()
        # What the first screen parsed is kept for the next start, once the first
        # frame is out (each later screen's CSS is kept when the app ends).
        self.set_timer(CHECK_CARDS_AFTER, self.keep_css)
        if self.deck.unchecked:
            # The user's cards were taken as the last start found them, their files
            # not looked at (2,000 of them take 10 ms): looked at in a thread, a moment
            # from now. At once, its 30 ms of Python held up Textual's writer thread,
            # which was still sending the first frame to the terminal.
            self.set_timer(CHECK_CARDS_AFTER, self._start_checking_cards)

    def keep_css(self) -> None:
        """Keeps the CSS parsed so far for the next start (quiz.tui.csscache)."""
        stylesheet = self.stylesheet
        if isinstance(stylesheet, KeptStylesheet):  # not replaced (Textual's dev mode)
            stylesheet.keep()

    def _start_checking_cards(self) -> None:
        self.run_worker(self._check_cards, thread=True, group="cards")

    def _check_cards(self) -> None:
        from quiz.userdeck import changed

        deck = changed(self.deck)
        if deck is not None and self.is_running:
            with contextlib.suppress(RuntimeError):  # the app ended meanwhile: nothing to show
                self.call_from_thread(self._cards_read_again, deck)

    def _cards_read_again(self, deck: Deck) -> None:
        """A card file changed since the last start: the deck read from the files
        replaces the one the start took from the cache."""
        said = self.deck.skipped
        self.session.deck = self.deck = deck
        self.screen.post_message(messages.CardsChanged())
        self._say_skipped([line for line in deck.skipped if line not in said])

    # -- what screens ask (quiz.tui.messages), and actions reachable from every screen

    @on(messages.ShowToday)
    def _show_today(self, message: messages.ShowToday) -> None:
        self.show_today(message.status)

    @on(messages.UndoRequested)
    def action_undo(self) -> None:
        """Takes back today's last grade and shows that card again."""
        review = attempt(self, self.session.undo)
        if isinstance(review, Failed):
            return
        if review is None:
            self.notify("Nothing to undo today.", severity="warning")
            return
        self.show_today(undone_text(review, self.deck))

    @on(messages.PracticeRequested)
    def _practice(self, message: messages.PracticeRequested) -> None:
        self.action_practice(message.cards)

    def action_practice(self, cards: Sequence[Card] | None = None) -> None:
        """Practises ``cards`` (default: every card, weakest first); no schedule moves."""
        from quiz.practice import Practice
        from quiz.tui.screens.review import ReviewScreen

        self.push_screen(ReviewScreen(Practice(self.session, cards), self.session))

    @on(messages.PracticeOver)
    def _practice_over(self, message: messages.PracticeOver) -> None:
        self.pop_screen()
        self.notify(f"Practice done. {message.status}".strip(), markup=False)

    def action_demo(self, card_id: str) -> None:
        from quiz.tui.screens.demo import open_demo  # loads NumPy and the plot library

        card = self.deck.get(card_id)
        if card is not None:
            open_demo(self, card)

    @on(messages.WriteCard)
    def _write_card(self, message: messages.WriteCard) -> None:
        """Runs $EDITOR on a new card or on ``message.card`` (the app steps aside
        while it runs), then reads the deck again."""
        from textual.app import SuspendNotSupported

        from quiz import usercards, userdeck

        card = message.card
        try:
            with self.suspend():
                if card is None:
                    outcome = attempt(self, usercards.add_card, self.deck, usercards.run_editor)
                else:
                    outcome = attempt(
                        self, usercards.edit_card, self.deck, card.id, usercards.run_editor
                    )
        except SuspendNotSupported:
            self.notify(
                "This terminal cannot hand itself to an editor; run quiz add or quiz edit",
                severity="error",
                markup=False,
            )
            return
        if isinstance(outcome, Failed):
            return  # said on screen; nothing was saved
        deck = attempt(self, userdeck.reloaded, self.deck)
        if isinstance(deck, Failed):
            return
        self.session.deck = self.deck = deck
        self.notify(printable(outcome.message), markup=False)
        self.screen.post_message(messages.CardsChanged())

    @on(messages.BrowseRequested)
    def action_browse(self) -> None:
        from quiz.tui.screens.browse import BrowseScreen

        if not isinstance(self.screen, BrowseScreen):
            self.hold_keys()  # until it has its rows and its search box (ScreenReady)
            self.push_screen(BrowseScreen(self.session))

    def action_review_tag(self) -> None:
        """Asks for a tag; today's session then asks only the cards with it."""
        from quiz.tui.screens.pick import PickScreen

        tags = self.session.all_tags()
        choices = [("", f"Every card ({len(self.deck)})")]
        choices += [(tag, f"{tag} ({count})") for tag, count in tags.items()]
        self.push_screen(PickScreen("Review one tag", choices, self.session.tag), self._review_tag)

    def _review_tag(self, tag: str | None) -> None:
        if tag is None:
            return  # closed choosing nothing
        self.session.tag = tag or None
        status = f"Reviewing the tag {tag}" if tag else "Reviewing every card"
        self.show_today(status)

    def action_help(self) -> None:
        from quiz.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_progress(self) -> None:
        from quiz.tui.screens.progress import ProgressScreen

        if not isinstance(self.screen, ProgressScreen):
            self.push_screen(ProgressScreen(self.session))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand(
            "Progress and stats",
            "Heatmap, streaks, the forecast, topics and interview readiness (s)",
            self.action_progress,
        )
        yield SystemCommand(
            "Set the interview date", "Reviews are planned before it", self.action_interview
        )
        card = getattr(screen, "card", None)
        if isinstance(card, Card) and card.demo:
            # The palette reads a command's title as markup: no card text in it.
            yield SystemCommand(
                "Run the demo of this card",
                f"The NumPy demo behind this answer: {card.demo} (d)",
                lambda: self.action_demo(card.id),
            )
        yield SystemCommand("Browse topics", "All topics and their state (b)", self.action_browse)
        yield SystemCommand(
            "Review one tag…",
            "Today's session over the cards with one tag (quiz --tag TAG)",
            self.action_review_tag,
        )
        yield SystemCommand(
            "Practice",
            "Go through every card, weakest first; no schedule moves",
            self.action_practice,
        )
        yield SystemCommand(
            "Export the review log", "Every grade as CSV or JSON, to a file", self.action_export
        )
        yield SystemCommand(
            "Back up now", "Copy the database into its backups folder", self.action_backup
        )
        yield SystemCommand(
            "Undo last grade",
            "Take back today's last grade (u)",
            # To the screen: a practice run puts its own card back.
            lambda: screen.post_message(messages.UndoRequested()),
        )
        yield SystemCommand("Help", "Every key of this screen (?)", self.action_help)

    def deliver_screenshot(
        self,
        filename: str | None = None,
        path: str | None = None,
        time_format: str | None = None,
    ) -> str | None:
        # The palette's "Save screenshot" runs a moment after it is chosen; chosen in
        # the same burst of keys as Quit, it ran with no screen left (ScreenStackError,
        # found by the monkey test). There is nothing to take then.
        if not self.screen_stack:
            return None
        return super().deliver_screenshot(filename, path, time_format)

    def action_command_palette(self) -> None:
        from quiz.tui.widgets.palette import QuizPalette

        # Not when it is open anywhere in the stack, under another screen too (pushed
        # in the same burst of keys as that screen): a second one has the same id.
        palette_open = any(isinstance(screen, QuizPalette) for screen in self.screen_stack)
        if self.use_command_palette and not palette_open:
            self.push_screen(QuizPalette(id="--command-palette"))

    def action_interview(self) -> None:
        from quiz.tui.screens.progress import InterviewDateScreen

        def done(changed: bool | None) -> None:
            if changed:  # the figures the screen shows may have moved
                self.screen.post_message(messages.InterviewChanged())

        self.push_screen(InterviewDateScreen(self.session), done)

    def action_export(self) -> None:
        from quiz.tui.screens.export import ExportScreen

        self.push_screen(ExportScreen(self.session))

    @work(thread=True, exclusive=True, group="backup", exit_on_error=False)
    def action_backup(self) -> None:
        """Backs the database up now, in a thread (a large file takes a moment)."""
        from quiz.backup import backup

        try:
            path = backup(self.session.store.path)
        except (QuizError, OSError, sqlite3.Error) as exc:
            self.call_from_thread(
                self.notify,
                printable(str(exc)),
                title="No backup",
                severity="error",
                markup=False,
            )
            return
        self.call_from_thread(
            self.notify, printable(f"Saved {path}"), title="Backed up", markup=False
        )


def _typing(app: App[None]) -> bool:
    from textual.widgets import Input, TextArea

    from quiz.tui.widgets.box_stand_in import AnswerBoxStandIn

    focused = app.focused
    if isinstance(focused, AnswerBoxStandIn):
        return True  # the answer box's stand-in: what is typed is for the box
    return isinstance(focused, (Input, TextArea)) and not getattr(focused, "read_only", False)
