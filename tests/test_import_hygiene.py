"""The domain never imports Textual, and the path to the first card stays light.

Each check starts a fresh interpreter, because this test process has long since
imported everything.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

DOMAIN = [
    "quiz.sm2",
    "quiz.store",
    "quiz.deck",
    "quiz.session",
    "quiz.stats",
    "quiz.days",
    "quiz.backup",
    "quiz.checker",
    "quiz.restore",
]


def loaded_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys, json\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    return set(json.loads(out.splitlines()[-1]))


@pytest.mark.parametrize("module", DOMAIN)
def test_domain_module_does_not_import_textual(module: str) -> None:
    assert "textual" not in loaded_after(f"import {module}")


def existing_database(folder: Path) -> str:
    """A database created in another process: creating the schema is a write, which
    loads sqlite-utils, and these tests look at the read path alone."""
    db = str(folder / "q.db")
    subprocess.run(
        [sys.executable, "-c", f"from quiz.store import Store; Store.open({db!r})"],
        check=True,
        timeout=60,
    )
    return db


def test_reading_todays_queue_loads_neither_sqlite_utils_nor_numpy(tmp_path: Path) -> None:
    db = existing_database(tmp_path)
    modules = loaded_after(
        "from quiz.store import Store\n"
        "from quiz.deck import load_deck\n"
        "from quiz.session import Session\n"
        f"session = Session(Store.open({db!r}), load_deck())\n"
        "assert session.current() is not None and session.progress().new == 15"
    )
    assert "sqlite_utils" not in modules
    assert "numpy" not in modules


def test_solvers_registry_does_not_import_numpy() -> None:
    assert "numpy" not in loaded_after("import solvers; solvers.DEMOS")


def test_importing_the_tui_loads_neither_numpy_nor_sqlite_utils() -> None:
    modules = loaded_after("import quiz.tui.app")
    assert "numpy" not in modules
    assert "sqlite_utils" not in modules


def test_showing_the_first_card_loads_neither_numpy_nor_the_plot_library(tmp_path: Path) -> None:
    db = existing_database(tmp_path)
    modules = loaded_after(
        "import asyncio\n"
        "from quiz.store import Store\n"
        "from quiz.deck import load_deck\n"
        "from quiz.session import Session\n"
        "from quiz.tui.app import QuizApp\n"
        "from quiz.tui.screens.review import ReviewScreen\n"
        "async def main():\n"
        f"    app = QuizApp(Session(Store.open({db!r}), load_deck()))\n"
        "    async with app.run_test(size=(80, 24)) as pilot:\n"
        "        await pilot.pause()\n"
        "        assert isinstance(app.screen, ReviewScreen)\n"
        "        assert app.screen.card is not None\n"
        "asyncio.run(main())"
    )
    # The answer checker (and its regexes) loads when an answer is checked, not before.
    for heavy in ("numpy", "sqlite_utils", "textual_plotext", "plotext", "quiz.checker"):
        assert heavy not in modules, heavy


def test_the_start_up_to_the_app_leaves_out_what_only_commands_need(tmp_path: Path) -> None:
    # `quiz` up to the moment the app runs: the command line is read without argparse
    # (and gettext), the caches are keyed and named without OpenSSL's hash library
    # (5 ms to load) and the secrets module, and no answer checker is compiled.
    probe = (
        "import json, sys\n"
        "import textual.app\n"
        "def stop(self, *args, **kwargs):\n"
        "    print(json.dumps(sorted(sys.modules)))\n"
        "    raise SystemExit(0)\n"
        "textual.app.App.run = stop\n"
        "from quiz.cli import main\n"
        f"main(['--db', {str(tmp_path / 'q.db')!r}])\n"
    )
    env = {
        **os.environ,
        "QUIZ_CACHE": str(tmp_path / "cache"),
        "QUIZ_CARDS": str(tmp_path / "cards"),
    }
    for _ in range(2):  # the first start makes the database and the caches
        out = subprocess.run(
            [sys.executable, "-c", probe],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
            env=env,
        ).stdout
    modules = set(json.loads(out.splitlines()[-1]))  # a start like any other day's
    assert "quiz.tui.app" in modules  # it did get as far as the app
    for left_out in ("argparse", "gettext", "_hashlib", "hashlib", "secrets", "quiz.checker"):
        assert left_out not in modules, left_out
