"""User settings, kept in the database's ``settings`` table so they travel with it.

Six settings: the interview date, new cards per day, the hour the study day rolls
over, the TUI's colour theme, the folder of the user's own cards, and the lapses that
make a card a leech. Names on the command line are kebab-case (``interview-date``).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from pathlib import Path

from quiz.days import DEFAULT_ROLLOVER_HOUR
from quiz.errors import QuizError
from quiz.frozen import frozen
from quiz.store import Store

DEFAULT_NEW_PER_DAY = 15  # new cards a day, unless the config says otherwise
DEFAULT_LEECH_LAPSES = 8  # lapses that make a card a leech (Anki's default)

# Textual's theme names have this shape; which names exist is Textual's to say, and
# this module does not import Textual (the command line checks the name against it).
THEME_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@frozen
class Config:
    """The settings in force.

    Attributes:
        interview_date: the day of the interview, or None. It may be in the past: a
            date is refused when it is set, not when it is read back later.
        new_per_day: new cards introduced per study day.
        rollover_hour: the local hour at which a study day starts.
        theme: the name of the TUI's Textual theme, or None for Textual's default.
        cards_folder: the folder of the user's own cards, or None for ``cards/``
            beside the database (see :mod:`quiz.userdeck`).
        leech_lapses: lapses after which a card is tagged leech and suspended (0: never).
    """

    interview_date: date | None = None
    new_per_day: int = DEFAULT_NEW_PER_DAY
    rollover_hour: int = DEFAULT_ROLLOVER_HOUR
    theme: str | None = None
    cards_folder: str | None = None
    leech_lapses: int = DEFAULT_LEECH_LAPSES


KEYS = {
    "interview-date": "the day of your interview (YYYY-MM-DD); reviews are scheduled before it",
    "new-per-day": "new cards introduced per day (0-100)",
    "rollover-hour": "the local hour (0-23) at which a new study day starts",
    "theme": "the colour theme of the app (a Textual theme name, e.g. nord)",
    "cards-folder": "the folder of your own cards (default: cards/ beside the database)",
    "leech-lapses": "lapses (grades below 3 after a card was learnt) that make it a leech:"
    " tagged leech and suspended (0-100; 0: never)",
}


def check_key(key: str) -> None:
    """Raises QuizError unless ``key`` names a setting."""
    if key not in KEYS:
        raise QuizError(f"unknown setting {key!r}; settings: {', '.join(KEYS)}")


def parse(key: str, text: str, *, today: date | None = None) -> str:
    """Validates ``text`` for ``key`` and returns it in stored form.

    Args:
        key: a name from :data:`KEYS`.
        text: the value as the user typed it.
        today: the current study day; an interview date before it is refused. None
            checks the form only (as when reading back what was stored).

    Raises:
        QuizError: an unknown key, or a value it does not accept.
    """
    check_key(key)
    text = text.strip()
    if key == "interview-date":
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise QuizError(
                f"interview-date must be a date like 2026-12-01, not {text!r}"
            ) from None
        if today is not None and day < today:
            raise QuizError(
                f"interview-date {day.isoformat()} is in the past (today is "
                f"{today.isoformat()}); give today or a later date, or --clear"
            )
        return day.isoformat()
    if key == "theme":
        if not THEME_NAME.fullmatch(text):
            raise QuizError(
                "theme must be a theme name such as nord (lower-case letters, digits "
                f"and hyphens), not {text!r}"
            )
        return text
    if key == "cards-folder":
        # No control or format character (an escape, a bidi override): a path that
        # shows as another one is not a folder anyone meant to type.
        if not text or any(unicodedata.category(c) in ("Cc", "Cf") for c in text):
            raise QuizError(
                f"cards-folder must be a folder's path, e.g. ~/interview-cards, not {text!r}"
            )
        # Stored absolute: a relative path would mean another folder in another shell.
        return str(Path(text).expanduser().absolute())
    low, high = (0, 100) if key in ("new-per-day", "leech-lapses") else (0, 23)
    try:
        value = int(text)
    except ValueError:
        raise QuizError(
            f"{key} must be a whole number from {low} to {high}, not {text!r}"
        ) from None
    if not low <= value <= high:
        raise QuizError(f"{key} must be from {low} to {high}, not {value}")
    return str(value)


def load(store: Store) -> Config:
    """The settings stored in ``store``, with defaults for those never set.

    A value that no longer parses (edited by hand) falls back to its default rather
    than locking the user out of their data. An interview date that has passed
    since it was set still loads.
    """
    values: dict[str, str] = {}
    for key in KEYS:
        raw = store.setting(key)
        if raw is None:
            continue
        try:
            values[key] = parse(key, raw)
        except QuizError:
            continue
        if key == "cards-folder" and not Path(raw).is_absolute():
            del values[key]  # quiz stores it absolute: this was written by hand
    interview = values.get("interview-date")
    return Config(
        interview_date=date.fromisoformat(interview) if interview else None,
        new_per_day=int(values.get("new-per-day", DEFAULT_NEW_PER_DAY)),
        rollover_hour=int(values.get("rollover-hour", DEFAULT_ROLLOVER_HOUR)),
        theme=values.get("theme"),
        cards_folder=values.get("cards-folder"),
        leech_lapses=int(values.get("leech-lapses", DEFAULT_LEECH_LAPSES)),
    )


def set_value(store: Store, key: str, text: str | None, *, today: date | None = None) -> str | None:
    """Sets ``key`` to ``text`` (validated), or back to its default when None.

    Args:
        store: the database.
        key: a name from :data:`KEYS`.
        text: the new value as typed, or None to clear it.
        today: the current study day (:func:`quiz.days.study_day` with the
            rollover hour in force). An interview date before it is refused. Pass
            it whenever the value comes from a person; None skips that check.

    Returns:
        The value as stored (``"2026-12-15"`` for ``"20261215"``), or None when
        cleared.

    Raises:
        QuizError: an unknown key or a value it does not accept.
    """
    check_key(key)
    stored = None if text is None else parse(key, text, today=today)
    store.set_setting(key, stored)
    return stored
