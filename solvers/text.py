"""The command's text output: a demo's story on one screen.

Without ``--json`` a run prints its logs, tables and checks as they come; each series
of ``point`` events becomes one sparkline line (printed when the series ends: at the
next event that is not a point, or at the end), and the run ends with a table of its
checks and what counts as evidence. ``--points`` prints every point instead.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import Any

from solvers.events import Event, plain, to_text

BLOCKS = "▁▂▃▄▅▆▇█"
GAP = "·"  # a non-finite value (a loss that blew up)
WIDTH = 60  # the most characters a sparkline takes
DECADES = 2.0  # a positive series spanning this many powers of ten is drawn on a log scale


def _number(value: Any) -> str:
    value = plain(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "—" if value is None else str(value)
    return f"{value:.4g}"


def _buckets(ys: Sequence[float | None], width: int) -> list[float | None]:
    """``ys`` shrunk to at most ``width`` values, each the mean of a run of neighbours;
    a run holding a non-finite value is a gap, so a blow-up is never averaged away."""
    if len(ys) <= width:
        return list(ys)
    out: list[float | None] = []
    for i in range(width):
        part = ys[i * len(ys) // width : (i + 1) * len(ys) // width]
        finite = [y for y in part if y is not None]
        out.append(math.fsum(finite) / len(finite) if len(finite) == len(part) else None)
    return out


def sparkline(ys: Sequence[float | None], width: int = WIDTH) -> tuple[str, bool]:
    """The values as a row of block characters, lowest ▁ to highest █, and whether the
    scale is logarithmic (all values positive and spanning ``DECADES`` or more).

    ``None`` (or a non-finite value) is drawn as ``·``.
    """
    clean = [y if y is not None and math.isfinite(y) else None for y in ys]
    finite = [y for y in clean if y is not None]
    log = bool(finite) and min(finite) > 0 and math.log10(max(finite) / min(finite)) >= DECADES
    scaled = [None if y is None else (math.log10(y) if log else y) for y in clean]
    values = _buckets(scaled, width)
    shown = [v for v in values if v is not None]
    if not shown:
        return GAP * len(values), False
    low, high = min(shown), max(shown)
    top = len(BLOCKS) - 1
    chars = []
    for v in values:
        if v is None:
            chars.append(GAP)
        elif high == low:
            chars.append(BLOCKS[top // 2])
        else:
            chars.append(BLOCKS[round((v - low) / (high - low) * top)])
    return "".join(chars), log


def series_line(name: str, xs: Sequence[Any], ys: Sequence[Any]) -> str:
    """``  loss ▇▅▃▂▁▁ 0.693 → 0.0123 (200 points, x 1…2000, log scale)``."""
    values = [float(y) if isinstance(y, (int, float)) else None for y in plain(list(ys))]
    spark, log = sparkline(values)
    span = f"x {_number(xs[0])}…{_number(xs[-1])}"
    count = f"{len(ys)} point{'s' if len(ys) != 1 else ''}"
    scale = ", log scale" if log else ""
    return f"  {name} {spark} {_number(ys[0])} → {_number(ys[-1])} ({count}, {span}{scale})"


def check_table(checks: Sequence[Event]) -> list[str]:
    """The run's checks, one row each: mark, kind (and role), name."""
    if not checks:
        return []
    roles = [
        f"{c.get('kind', '?')} control" if c.get("control") else str(c.get("kind", "?"))
        for c in checks
    ]
    width = max(len(r) for r in roles)
    lines = ["checks:"]
    for c, role in zip(checks, roles, strict=True):
        mark = "✓" if c.get("passed") else "✗"
        lines.append(f"  {mark} {role.ljust(width)}  {c.get('name')}")
    return lines


def evidence_line(metrics: dict[str, Any]) -> str | None:
    """``evidence: 3 checks, 1 control; 2 identities shown, not counted``."""
    counts = metrics.get("evidence")
    if not isinstance(counts, dict):
        return None

    def n(key: str, one: str, many: str) -> str:
        value = int(counts.get(key, 0))
        return f"{value} {one if value == 1 else many}"

    return (
        f"evidence: {n('checks', 'check', 'checks')}, {n('controls', 'control', 'controls')}; "
        f"{n('identities', 'identity', 'identities')} shown, not counted"
    )


def break_lines(done: Event) -> list[str]:
    """What a run with a mechanism removed showed: the predicted failure, or none."""
    removed = (done.get("metrics") or {}).get("break")
    if not isinstance(removed, dict):
        return []
    name = removed.get("name")
    if removed.get("as_predicted"):
        failed = ", ".join(str(f) for f in removed.get("failed_checks", []))
        return [f"break={name}: failed as predicted (exit 0): {failed}"]
    return [f"break={name}: NOT as predicted: every check still passed"]


class TextOutput:
    """Turns events into text lines: sparklines for series unless ``points``."""

    def __init__(self, points: bool = False) -> None:
        self.points = points
        self._series: dict[str, tuple[list[Any], list[Any]]] = {}
        self._checks: list[Event] = []

    def _flush(self) -> Iterator[str]:
        for name, (xs, ys) in self._series.items():
            yield series_line(name, xs, ys)
        self._series.clear()

    def lines(self, event: Event) -> Iterator[str]:
        """The lines ``event`` adds to the output (possibly none yet)."""
        kind = event.get("type")
        if kind == "point" and not self.points:
            xs, ys = self._series.setdefault(str(event.get("series")), ([], []))
            xs.append(event.get("x"))
            ys.append(event.get("y"))
            return
        yield from self._flush()
        if kind == "check":
            self._checks.append(event)
        if kind == "done":
            yield from check_table(self._checks)
            summary = evidence_line(event.get("metrics") or {})
            if summary:
                yield summary
            yield from break_lines(event)
        yield to_text(event)
