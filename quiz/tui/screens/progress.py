"""Progress: what you have done, what is coming, which topics are weak, how ready you are."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Input, Static, TabbedContent, TabPane

from quiz.days import due_text
from quiz.errors import QuizError
from quiz.session import Session
from quiz.stats import (
    WINDOW_DAYS,
    activity,
    forecast,
    forecast_column,
    interview,
    retention,
    topics,
)
from quiz.text import plural, printable
from quiz.textcharts import bars, heatmap, marker, meter
from quiz.tui import messages
from quiz.tui.bindings import BACK
from quiz.tui.text import literal, literal_cell
from quiz.tui.widgets.footer import QuizFooter
from quiz.tui.widgets.scroll import KeyScroll
from quiz.tui.widgets.text_input import TextInput


class ProgressScreen(Screen[None]):
    """Heatmap and streaks, the last 30 days, the forecast, and per-topic mastery."""

    BINDINGS = [
        Binding(
            "i",
            "app.interview",
            "Interview date",
            id="interview",
            tooltip="Set or clear the date of your interview",
        ),
        Binding(
            "enter",
            "history",
            "History",
            id="history",
            show=False,
            tooltip="The selected topic's reviews and your typed answers",
        ),
        BACK,
    ]

    HELP = (
        "Four tabs: ← → (or a click) move between Overview, Last 30 days, Forecast and "
        "Topics. On Topics, ↑ ↓ choose a topic and enter opens its history: every grade "
        "with your typed answer, newest first. i sets or clears the interview date, which "
        "the readiness line and the forecast's ▲ use."
    )

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        yield Static(id="readiness")
        with TabbedContent(initial="overview", id="progress-tabs"):
            with TabPane("Overview", id="overview"), KeyScroll():
                yield Static(id="heatmap")
            with TabPane("Last 30 days", id="recent"), KeyScroll():
                yield Static(id="recent-charts")
            with TabPane("Forecast", id="forecast"), KeyScroll():
                yield Static(id="forecast-chart")
            with TabPane("Topics", id="topics"):
                yield DataTable(id="mastery", cursor_type="row", zebra_stripes=True)
        yield QuizFooter(compact=True)

    def on_mount(self) -> None:
        if not self.is_attached:
            return  # quit in the same burst of keys that opened it: nothing to set up
        table = self.query_one("#mastery", DataTable)
        table.add_columns("#", "Topic", "Ease", "Ivl", "Next", "Lapses", "Last", "Mastery")

    @on(messages.InterviewChanged)
    def refresh_figures(self) -> None:
        session = self.session
        today = session.today
        coming = interview(session)
        if coming is None:
            headline = "No interview date set · press i to set one"
        elif coming.days_left < 0:
            headline = f"Interview was on {coming.day:%-d %b %Y} · press i to change it"
        else:
            headline = (
                f"Interview in {plural(coming.days_left, 'day')}, {coming.day:%a %-d %b} · ready "
                f"{coming.ready}/{coming.topics} {meter(coming.readiness)} {coming.readiness:.0%}"
            )
        self.query_one("#readiness", Static).update(headline)

        done = activity(session)
        heat = done.days
        lines = [
            f"Streak: {plural(done.streak, 'day')} · best {done.best} · "
            f"{plural(done.reviews, 'review')} logged",
            "",
            *heatmap({d.day: d.reviews for d in heat}, today),
        ]
        if not done.studied:
            lines += ["", "No reviews yet: grade your first card and it shows up here."]
        self.query_one("#heatmap", Static).update("\n".join(lines))

        window = heat[-WINDOW_DAYS:]
        kept = retention(window)
        rate = f"{kept:.0%}" if kept is not None else "—"
        per_day = [d.reviews for d in window]
        minutes = [d.seconds / 60 for d in window]
        shares = [d.retention if d.retention is not None else 0.0 for d in window]
        axis = f"{window[0].day:%-d %b}".ljust(24) + f"{today:%-d %b}".rjust(6)
        recent = [
            f"Reviews per day (total {sum(per_day)}, most {max(per_day)})",
            *bars(per_day, 4),
            axis,
            "",
            f"Retention: {rate} of scheduled reviews graded 3 or more",
            *bars(shares, 3),
            axis,
            "",
            f"Time spent per day (total {sum(minutes):.0f} min)",
            *bars(minutes, 3),
            axis,
        ]
        self.query_one("#recent-charts", Static).update("\n".join(recent))

        due = forecast(session)
        counts = [n for _, n in due]
        busiest = max(due, key=lambda pair: pair[1])
        coming_text = [
            f"Reviews due in the next 30 days: {sum(counts)}"
            + (f" · busiest {busiest[0]:%a %-d %b} ({busiest[1]})" if sum(counts) else ""),
            *bars(counts, 5),
        ]
        column = forecast_column(due, session.interview)
        if column is not None and session.interview is not None:
            coming_text.append(marker(column, f"interview {session.interview:%a %-d %b}"))
        coming_text.append("today".ljust(24) + "+29 d".rjust(6))
        if not sum(counts):
            coming_text.append("Nothing scheduled yet: new cards join the forecast once graded.")
        self.query_one("#forecast-chart", Static).update("\n".join(coming_text))

        table = self.query_one("#mastery", DataTable)
        table.clear()
        for topic in topics(session):
            title = printable(topic.title)
            table.add_row(
                str(topic.number),
                literal_cell(title if len(title) <= 20 else title[:19] + "…"),
                f"{topic.easiness:.2f}" if topic.easiness is not None else "—",
                f"{topic.interval}d" if topic.interval else "—",
                due_text(topic.due, today) if topic.due else "new",
                str(topic.lapses),
                " ".join(map(str, topic.last_grades)) or "—",
                f"{meter(topic.mastery, 5)} {topic.mastery:.0%}",
                key=topic.card_id,
            )

    def on_screen_resume(self) -> None:
        if not self.is_attached:
            return  # the app is closing
        # Also runs when the screen is first shown: the one place its figures are read.
        self.refresh_figures()

    @on(DataTable.RowSelected, "#mastery")
    def action_history(self) -> None:
        table = self.query_one("#mastery", DataTable)
        if table.row_count == 0:
            return
        card_id = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        card = self.session.deck.get(card_id or "")
        if card is not None:
            from quiz.tui.screens.history import HistoryScreen

            # Pushed here, not through a message to the app: on top before the next
            # key of a burst is read (as Browse's card and every demo).
            self.app.push_screen(HistoryScreen(self.session, card))


class InterviewDateScreen(ModalScreen[bool]):
    """Asks for the interview date; empty clears it. Dismisses True when it changed."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel")]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        current = self.session.interview
        with VerticalScroll(id="interview-dialog", classes="panel"):
            yield Static("[b]Interview date[/b] (YYYY-MM-DD; leave empty to clear)")
            yield TextInput(
                current.isoformat() if current else "",
                placeholder="2026-12-15",
                id="interview-input",
            )
            yield Static(id="interview-error")

    def on_mount(self) -> None:
        if not self.is_attached:
            return  # quit in the same burst of keys that opened it: nothing to set up
        self.query_one("#interview-input", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        try:
            self.session.set_interview(text or None)
        except QuizError as exc:
            self.query_one("#interview-error", Static).update(literal(f"✗ {exc}"))
            return
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
