"""User settings, kept in the database's ``settings`` table so they travel with it.

Three settings: the interview date, new cards per day and the hour the study day
rolls over. Names on the command line are kebab-case (``interview-date``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from quiz.days import DEFAULT_ROLLOVER_HOUR
from quiz.errors import QuizError
from quiz.session import DEFAULT_NEW_PER_DAY
from quiz.store import Store


@dataclass(frozen=True)
class Config:
    """The settings in force."""

    interview_date: date | None = None
    new_per_day: int = DEFAULT_NEW_PER_DAY
    rollover_hour: int = DEFAULT_ROLLOVER_HOUR


KEYS = {
    "interview-date": "the day of your interview (YYYY-MM-DD); reviews are scheduled before it",
    "new-per-day": "new cards introduced per day (0-100)",
    "rollover-hour": "the local hour (0-23) at which a new study day starts",
}


def _parse(key: str, text: str) -> str:
    """Validates ``text`` for ``key`` and returns it in stored form."""
    text = text.strip()
    if key == "interview-date":
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise QuizError(
                f"interview-date must be a date like 2026-12-01, not {text!r}"
            ) from None
    low, high = (0, 100) if key == "new-per-day" else (0, 23)
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
    than locking the user out of their data.
    """
    values: dict[str, str] = {}
    for key in KEYS:
        raw = store.setting(key)
        if raw is None:
            continue
        try:
            values[key] = _parse(key, raw)
        except QuizError:
            continue
    interview = values.get("interview-date")
    return Config(
        interview_date=date.fromisoformat(interview) if interview else None,
        new_per_day=int(values.get("new-per-day", DEFAULT_NEW_PER_DAY)),
        rollover_hour=int(values.get("rollover-hour", DEFAULT_ROLLOVER_HOUR)),
    )


def set_value(store: Store, key: str, text: str | None) -> None:
    """Sets ``key`` to ``text`` (validated), or back to its default when None.

    Raises:
        QuizError: an unknown key or a value it does not accept.
    """
    if key not in KEYS:
        raise QuizError(f"unknown setting {key!r}; settings: {', '.join(KEYS)}")
    store.set_setting(key, None if text is None else _parse(key, text))
