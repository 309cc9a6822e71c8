"""Charts drawn with text, shared by ``quiz stats`` and the progress screen.

Levels are shown by distinct characters (· ░ ▒ ▓ █), not by colour, so they read in
any theme and in a plain terminal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

SHADES = " ·░▒▓█"
BLOCKS = " ▁▂▃▄▅▆▇█"
WEEKDAYS = ["Mon", "", "Wed", "", "Fri", "", "Sun"]


def shade(count: int, peak: int) -> str:
    """The heatmap character for ``count`` reviews on a day whose busiest is ``peak``."""
    if count <= 0:
        return SHADES[1]
    if peak <= 0:
        return SHADES[-1]
    level = 2 + min(3, (count * 4 - 1) // peak)  # 2..5: four quartiles of the busiest day
    return SHADES[level]


def heatmap(counts: Mapping[date, int], today: date, weeks: int = 26) -> list[str]:
    """A GitHub-style calendar: one column a week, Monday at the top, today last.

    Days after today are blank; days without a review are ``·``.
    """
    end = today + timedelta(days=6 - today.weekday())  # the Sunday of this week
    start = end - timedelta(days=7 * weeks - 1)
    peak = max(counts.values(), default=0)
    months = [" "] * weeks
    for week in range(weeks):
        monday = start + timedelta(days=7 * week)
        if monday.day <= 7:
            label = f"{monday:%b}"
            months[week : week + len(label)] = list(label)
    lines = ["    " + "".join(months[:weeks])]
    for weekday in range(7):
        row = []
        for week in range(weeks):
            day = start + timedelta(days=7 * week + weekday)
            row.append(" " if day > today else shade(counts.get(day, 0), peak))
        lines.append(f"{WEEKDAYS[weekday]:<4}" + "".join(row))
    lines.append(f"    less {' '.join(SHADES[1:])} more")
    return lines


def bars(values: Sequence[float], height: int = 5) -> list[str]:
    """A vertical bar chart, one column per value, ``height`` rows of eighth-blocks."""
    peak = max(values, default=0)
    if peak <= 0:
        return [" " * len(values)] * (height - 1) + ["▁" * len(values)]
    eighths = [round(v / peak * height * 8) for v in values]
    lines = []
    for row in range(height - 1, -1, -1):
        line = ""
        for e in eighths:
            fill = max(0, min(8, e - row * 8))
            line += BLOCKS[fill]
        lines.append(line)
    return lines


def marker(column: int, label: str) -> str:
    """A line that points up at one column of a chart drawn by :func:`bars`:
    ``▲`` under it, then ``label``."""
    return " " * column + "▲ " + label


def meter(share: float, width: int = 10, empty: str = "░") -> str:
    """A horizontal bar ``width`` cells wide, ``share`` (0 to 1) of it filled:
    ``meter(0.4, 5)`` is "██░░░"; with ``empty=""`` only the filled part."""
    filled = round(min(1.0, max(0.0, share)) * width)
    return "█" * filled + empty * (width - filled)
