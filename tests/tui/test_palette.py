"""The command palette (ctrl+p) reaches every action: stats, the interview date, the
card's demo, export, backup, browse, practice, undo and help."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from textual.widgets import Input

from quiz.backup import backup_dir
from quiz.session import Session
from quiz.tui.screens.demo import DemoScreen
from quiz.tui.screens.export import ExportScreen
from quiz.tui.screens.progress import InterviewDateScreen, ProgressScreen

from .helpers import burst, make_app, settle, until


async def run_command(pilot: object, words: str) -> None:
    """Opens the palette, types ``words`` and runs the best match, as a person does."""
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    await pilot.press("ctrl+p")
    await until(pilot, lambda: type(pilot.app.screen).__name__ == "QuizPalette")
    await pilot.press(*words)

    def listed() -> bool:  # the palette searches as it is typed: poll for the match
        from textual.widgets import OptionList

        options = pilot.app.screen.query_one(OptionList)
        first = options.get_option_at_index(0) if options.option_count else None
        return first is not None and words in str(first.prompt).lower()

    await until(pilot, listed)
    await pilot.press("enter")
    await pilot.pause()


async def test_the_palette_opens_stats_and_the_cards_demo(session: Session) -> None:
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await run_command(pilot, "progress and stats")
        await until(pilot, lambda: isinstance(app.screen, ProgressScreen))
        await pilot.press("escape")
        await pilot.pause()
        await run_command(pilot, "run the demo")
        await until(pilot, lambda: isinstance(app.screen, DemoScreen))
        screen = app.screen
        assert isinstance(screen, DemoScreen) and screen.card.id == "deep-learning"


async def test_the_palette_sets_the_interview_date(session: Session) -> None:
    app = make_app(session)
    target = session.today.replace(day=20)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await run_command(pilot, "set the interview date")
        await until(pilot, lambda: isinstance(app.screen, InterviewDateScreen))
        app.screen.query_one("#interview-input", Input).value = target.isoformat()
        await pilot.press("enter")
        await pilot.pause()
        assert session.store.setting("interview-date") == target.isoformat()
        assert session.interview == target


async def test_the_palette_exports_the_log(session: Session, tmp_path: Path) -> None:
    app = make_app(session)
    target = tmp_path / "out" / "log.csv"
    target.parent.mkdir()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "4")  # one grade to export
        await pilot.pause()
        await run_command(pilot, "export the review log")
        await until(pilot, lambda: isinstance(app.screen, ExportScreen))
        field = app.screen.query_one("#export-path", Input)
        field.value = str(session.store.path)  # the database itself: refused
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        assert "is your quiz database" in str(app.screen.query_one("#export-error").render())
        field.value = str(target)
        await pilot.press("enter")
        # Written in a thread: the dialog closes once the file is whole.
        await until(pilot, lambda: not isinstance(app.screen, ExportScreen))
    rows = list(csv.DictReader(target.open()))
    assert [(r["card_id"], r["grade"]) for r in rows] == [("deep-learning", "4")]


async def test_the_palette_backs_up_now(session: Session) -> None:
    app = make_app(session)
    folder = backup_dir(session.store.path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await run_command(pilot, "back up now")
        await until(pilot, lambda: folder.is_dir() and any(folder.glob("*manual*")))
        await until(pilot, lambda: any(n.title == "Backed up" for n in app._notifications))


async def test_page_keys_as_the_first_matches_arrive_do_not_end_the_app(
    session: Session,
) -> None:
    # Found by the monkey test: Textual's option list raised KeyError on a PageDown
    # pressed before it had laid out the options it had just been given.

    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        burst(app, "ctrl+p", "b", "pagedown", "pageup", "pagedown")
        await pilot.pause()
        assert app.is_running and type(app.screen).__name__ == "QuizPalette"


@pytest.mark.parametrize("seed", [0, 1, 8])
async def test_fast_keys_in_and_out_of_the_palette_do_not_end_the_app(
    session: Session, seed: int
) -> None:
    # Found by the monkey test: the palette's search worker, started by a typed
    # letter, looked for its list after a key in the same burst had closed the
    # palette; a second enter closed it twice, taking the screen under it off the
    # stack; a screenshot chosen with Quit ran with no screen left. Seeded bursts
    # of the keys a person uses in the palette (these seeds hit each of those).
    import random

    rng = random.Random(seed)
    keys = ["ctrl+p", "b", "u", "r", "escape", "backspace", "enter", "down", "x", "s", "?"]
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for _ in range(30):
            burst(app, *rng.choices(keys, k=rng.choice([2, 3, 5, 8])))
            await pilot.pause()
        await app.workers.wait_for_complete()
        assert app.is_running
        # Under whatever is open, the day's screen is still there (a second close of
        # the palette took it off the stack).
        assert len(app.screen_stack) >= 2, app.screen_stack
