"""Quitting while the day's backup is being made: a line says so, a long backup is
stopped instead of waited for, a nearly done one is finished."""

from __future__ import annotations

import pytest

from quiz.session import Session
from quiz.tui.screens import quitting

from .helpers import make_app, screen_text, settle, until


class FakeBackup:
    """Stands in for :class:`quiz.backup.AutoBackup`: a copy at 40% that would take
    an hour more. It ends only when the test says its current step is over."""

    def __init__(self, seconds_left: float = 3600.0) -> None:
        self.copied: tuple[int, int] | None = (40, 100)
        self.left = seconds_left
        self.started = False
        self.stopped = False
        self.done = False

    def start(self) -> None:
        self.started = True

    def seconds_left(self) -> float | None:
        return self.left

    def stop(self) -> None:
        self.stopped = True

    def end_step(self) -> None:
        """The step in progress ends: a stopped copy is over; a copy at its last
        step is done."""
        if self.stopped or self.copied == (100, 100):
            self.done = True


def running(app: object) -> bool:
    return bool(getattr(app, "is_running", False)) and getattr(app, "return_code", 0) is None


async def test_quitting_stops_a_long_backup_and_says_so(session: Session) -> None:
    backup = FakeBackup()
    app = make_app(session)
    app.backup = backup  # type: ignore[assignment]
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("escape", "q")
        await until(pilot, lambda: "Stopping today's backup at 40%" in screen_text(app))
        assert backup.started and backup.stopped, "stopped, not waited for"
        assert running(app), "the app waits for the copy's step to end"
        backup.end_step()
        await until(pilot, lambda: not running(app))
    assert app.return_code == 0


async def test_quitting_finishes_a_backup_about_to_be_done(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(quitting, "GRACE_S", 60.0)  # the test's pace must not matter
    backup = FakeBackup(seconds_left=0.05)
    backup.copied = (99, 100)
    app = make_app(session)
    app.backup = backup  # type: ignore[assignment]
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("escape", "q")
        await until(pilot, lambda: "Finishing today's backup… 99%" in screen_text(app))
        backup.copied = (100, 100)
        backup.end_step()
        await until(pilot, lambda: not running(app))
    assert not backup.stopped and app.return_code == 0


async def test_quitting_again_stops_the_backup_at_once(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(quitting, "GRACE_S", 60.0)
    backup = FakeBackup(seconds_left=0.05)
    app = make_app(session)
    app.backup = backup  # type: ignore[assignment]
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("escape", "q")
        await until(pilot, lambda: "Finishing today's backup… 40%" in screen_text(app))
        assert not backup.stopped
        await pilot.press("s", "question_mark")  # nothing more opens
        assert "Finishing today's backup… 40%" in screen_text(app)
        assert type(app.screen).__name__ == "QuittingScreen"
        await pilot.press("ctrl+c")
        await until(pilot, lambda: "Stopping today's backup" in screen_text(app))
        assert backup.stopped
        backup.end_step()
        await until(pilot, lambda: not running(app))


@pytest.mark.parametrize("key", ["ctrl+c", "ctrl+q"])
async def test_ctrl_c_and_ctrl_q_quit_from_the_answer_box(session: Session, key: str) -> None:
    backup = FakeBackup()
    backup.done = True
    app = make_app(session)
    app.backup = backup  # type: ignore[assignment]
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        box = app.screen.query_one("#answer")
        assert app.focused is box
        await pilot.press("q", key)
        await until(pilot, lambda: not running(app))
    assert app.return_code == 0


async def test_with_the_backup_done_quit_is_immediate(session: Session) -> None:
    backup = FakeBackup()
    backup.done = True
    app = make_app(session)
    app.backup = backup  # type: ignore[assignment]
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("escape", "q")
        await until(pilot, lambda: not running(app))
    assert not backup.started and not backup.stopped
