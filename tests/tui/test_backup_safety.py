"""In the app: "Back up now" on a damaged database says so and keeps no copy; the
export dialog refuses the database's own files and its backups folder."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from dbtools import big_history, corrupt_deep_page
from textual.widgets import Input

from quiz.backup import backup, backup_dir
from quiz.deck import Deck
from quiz.session import Session
from quiz.store import Store
from quiz.tui.screens.export import ExportScreen

from .helpers import make_app, settle, until
from .test_palette import run_command


async def test_back_up_now_on_a_damaged_database_reports_it_and_keeps_no_copy(
    db_path: Path, deck: Deck
) -> None:
    # An old history (the review screen reads today's rows, not these), damaged.
    big_history(db_path, start=date(2024, 1, 1))
    good = backup(db_path)
    corrupt_deep_page(db_path)
    with Store.open(db_path) as store:
        app = make_app(Session(store, deck))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await run_command(pilot, "back up now")
            await until(pilot, lambda: any(n.title == "No backup" for n in app._notifications))
            [note] = [n for n in app._notifications if n.title == "No backup"]
            assert "damaged" in note.message and str(db_path) in note.message
    assert list(backup_dir(db_path).iterdir()) == [good]


async def test_the_export_dialog_refuses_the_databases_files_and_backups(
    session: Session,
) -> None:
    db = session.store.path
    folder = backup_dir(db)
    folder.mkdir()
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await run_command(pilot, "export the review log")
        await until(pilot, lambda: isinstance(app.screen, ExportScreen))
        field = app.screen.query_one("#export-path", Input)
        for target in (Path(f"{db}-shm"), folder / "log.csv", folder / "log.json"):
            field.value = str(target)
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, ExportScreen)
            error = str(app.screen.query_one("#export-error").render())
            assert "database" in error or "backups folder" in error, error
    assert list(folder.iterdir()) == []
