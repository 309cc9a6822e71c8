"""Settings: what is accepted, what is refused, and what is read back."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from quiz import config
from quiz.errors import QuizError
from quiz.store import Store

TODAY = date(2026, 12, 1)


def test_a_past_interview_date_is_refused_and_nothing_is_stored(store: Store) -> None:
    with pytest.raises(QuizError) as refused:
        config.set_value(store, "interview-date", "2020-01-01", today=TODAY)
    assert str(refused.value) == (
        "interview-date 2020-01-01 is in the past (today is 2026-12-01); "
        "give today or a later date, or --clear"
    )
    with pytest.raises(QuizError, match="in the past"):
        config.set_value(store, "interview-date", "2026-11-30", today=TODAY)
    assert config.load(store).interview_date is None


@pytest.mark.parametrize("text", ["2026-12-01", "2026-12-02", "20270101"])
def test_today_or_a_later_interview_date_is_stored(store: Store, text: str) -> None:
    stored = config.set_value(store, "interview-date", text, today=TODAY)
    assert stored == date.fromisoformat(text).isoformat()
    assert config.load(store).interview_date == date.fromisoformat(text)


def test_an_interview_date_that_has_passed_still_loads(store: Store) -> None:
    config.set_value(store, "interview-date", "2026-12-15", today=TODAY)
    # Time passes: the date is now behind, and loading it must not fail or drop it.
    assert config.load(store).interview_date == date(2026, 12, 15)
    store.set_setting("interview-date", "2020-01-01")
    assert config.load(store).interview_date == date(2020, 1, 1)


def test_the_theme_is_stored_loaded_and_cleared(store: Store) -> None:
    assert config.load(store).theme is None
    assert config.set_value(store, "theme", "catppuccin-mocha") == "catppuccin-mocha"
    assert config.load(store).theme == "catppuccin-mocha"
    assert config.set_value(store, "theme", None) is None
    assert config.load(store).theme is None


@pytest.mark.parametrize("name", ["Nord", "nord!", "", "-nord", "solarized--dark", "a b"])
def test_an_implausible_theme_name_is_refused(store: Store, name: str) -> None:
    with pytest.raises(QuizError, match="theme must be a theme name"):
        config.set_value(store, "theme", name)


def test_a_theme_edited_by_hand_into_nonsense_loads_as_the_default(store: Store) -> None:
    store.set_setting("theme", "<script>")
    assert config.load(store).theme is None


def test_an_unknown_setting_names_the_settings(store: Store) -> None:
    with pytest.raises(QuizError) as refused:
        config.set_value(store, "colour", "blue")
    assert str(refused.value) == (
        "unknown setting 'colour'; settings: interview-date, new-per-day, rollover-hour, "
        "theme, cards-folder, leech-lapses"
    )


def test_the_settings_module_does_not_import_textual(tmp_path: Path) -> None:
    db = tmp_path / "q.db"
    code = (
        "import sys\n"
        "from quiz import config\n"
        "from quiz.store import Store\n"
        f"with Store.open({str(db)!r}) as store:\n"
        "    config.set_value(store, 'theme', 'nord')\n"
        "    assert config.load(store).theme == 'nord'\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "[]\n"


def test_the_cards_folder_is_stored_absolute(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert config.set_value(store, "cards-folder", "mine") == str(tmp_path / "mine")
    assert config.load(store).cards_folder == str(tmp_path / "mine")
    store.set_setting("cards-folder", "relative/by-hand")
    assert config.load(store).cards_folder is None
    with pytest.raises(QuizError, match="cards-folder must be a folder's path"):
        config.set_value(store, "cards-folder", "9\u202e1")
