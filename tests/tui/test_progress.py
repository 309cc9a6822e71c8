"""The progress screen on a fixed history: figures, topics, history, interview date."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from conftest import card_of
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from quiz.session import Session
from quiz.tui.screens.history import HistoryScreen
from quiz.tui.screens.progress import ProgressScreen

from .helpers import build_history, history_text, make_app, screen_text, text_of, until


async def test_s_opens_progress_with_streaks_heatmap_and_topics(session: Session) -> None:
    build_history(session)
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("escape", "s")
        await pilot.pause()
        assert isinstance(app.screen, ProgressScreen)
        overview = text_of(app, "#heatmap")
        assert "Streak: 3 days · best 17" in overview
        assert "less · ░ ▒ ▓ █ more" in overview
        assert "No interview date set" in text_of(app, "#readiness")
        recent = text_of(app, "#recent-charts")
        assert "Reviews per day (total" in recent and "Retention:" in recent
        assert "Reviews due in the next 30 days" in text_of(app, "#forecast-chart")
        table = app.screen.query_one("#mastery", DataTable)
        assert table.row_count == 15


async def test_the_progress_help_says_how_to_reach_the_topics_and_a_history(
    session: Session,
) -> None:
    build_history(session)
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("escape", "s")
        await until(pilot, lambda: isinstance(app.screen, ProgressScreen))
        await pilot.press("question_mark")
        await until(pilot, lambda: "Four tabs" in screen_text(app))
        help_text = text_of(app, ".help-intro")
        assert "On Topics, ↑ ↓ choose a topic and enter opens its history" in help_text


async def test_a_topics_history_shows_the_typed_answers(session: Session) -> None:
    build_history(session)
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("escape", "s")
        await pilot.pause()
        app.screen.query_one("#progress-tabs").active = "topics"  # type: ignore[attr-defined]
        await pilot.pause()
        app.screen.query_one("#mastery", DataTable).focus()
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, HistoryScreen) and app.screen.complete)
        text = history_text(app)
        assert "Deep learning · 20 grades" in text  # every study day but the missed one
        assert "answer 1 about deep learning" in text and "answer 21 about" in text
        assert text.index("answer 1 about") < text.index("answer 21 about")  # newest first


async def test_setting_the_interview_date_from_the_tui(session: Session) -> None:
    build_history(session)
    app = make_app(session)
    target = session.today + timedelta(days=10)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("escape", "s", "i")
        await pilot.pause()
        field = app.screen.query_one("#interview-input", Input)
        field.value = "not a date"
        await pilot.press("enter")
        await pilot.pause()
        assert "must be a date" in text_of(app, "#interview-error")
        field.value = target.isoformat()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ProgressScreen)
        assert "Interview in 10 days," in text_of(app, "#readiness")
        assert session.store.setting("interview-date") == target.isoformat()
        await pilot.press("escape")
        await pilot.pause()
        assert "interview in 10d, ready" in text_of(app, "#today")


async def test_the_forecast_marks_the_interview_day(session: Session) -> None:
    build_history(session)
    session.interview = session.today + timedelta(days=12)  # Tue 3 March + 12
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("escape", "s")
        await pilot.pause()
        app.screen.query_one("#progress-tabs").active = "forecast"  # type: ignore[attr-defined]
        await pilot.pause()
        lines = text_of(app, "#forecast-chart").splitlines()
        [marked] = [i for i, line in enumerate(lines) if "▲" in line]
        assert lines[marked].rstrip() == " " * 12 + "▲ interview Sun 15 Mar"
        assert lines[marked + 1].startswith("today")


async def test_one_day_and_one_grade_are_singular(session: Session) -> None:
    session.store.record("mlp", 4, "review", day=session.today, ts_ms=0)
    session.interview = session.today + timedelta(days=1)
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("escape", "s")
        await pilot.pause()
        assert "Interview in 1 day," in text_of(app, "#readiness")
        assert "Streak: 1 day ·" in text_of(app, "#heatmap")
        app.push_screen(HistoryScreen(app.session, card_of(app.deck, "mlp")))
        await until(pilot, lambda: isinstance(app.screen, HistoryScreen) and app.screen.complete)
        assert "· 1 grade\n" in history_text(app)


def test_progress_snapshot(snap_compare: Any, session: Session) -> None:
    build_history(session)
    session.interview = session.today + timedelta(days=12)

    async def open_progress(pilot: Pilot[Any]) -> None:
        await pilot.app.workers.wait_for_complete()
        await pilot.press("escape", "s")
        await pilot.pause()

    assert snap_compare(make_app(session), run_before=open_progress)


def test_progress_topics_snapshot(snap_compare: Any, session: Session) -> None:
    build_history(session)

    async def open_topics(pilot: Pilot[Any]) -> None:
        await pilot.app.workers.wait_for_complete()
        await pilot.press("escape", "s")
        await pilot.pause()
        pilot.app.screen.query_one("#progress-tabs").active = "topics"  # type: ignore[attr-defined]
        await pilot.pause()
        # Every column, the mastery percentage included, fits at 80 columns.
        rows = screen_text(pilot.app).splitlines()
        [first] = [row for row in rows if "Deep learning" in row]
        assert "Mastery" in screen_text(pilot.app) and first.rstrip().endswith("%"), first

    assert snap_compare(make_app(session), run_before=open_topics)
