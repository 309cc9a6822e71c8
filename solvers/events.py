"""The demo event protocol: one JSON object a line with ``--json``, text without it.

Events are plain dicts so they cross the process boundary as JSON unchanged:

- ``{"type": "log", "text": ...}``
- ``{"type": "point", "series": "loss", "x": 3, "y": 0.25}``
- ``{"type": "table", "title": ..., "columns": [...], "rows": [[...], ...]}``
- ``{"type": "check", "name": ..., "passed": true, "detail": ...}``
- last, ``{"type": "done", "ok": true, "metrics": {...}}`` (or ``"ok": false, "error": ...``)
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

Event = dict[str, Any]


def log(text: str) -> Event:
    """A line of narration."""
    return {"type": "log", "text": text}


def point(series: str, x: float, y: float) -> Event:
    """One point of a live plot; ``series`` names the line it belongs to."""
    return {"type": "point", "series": series, "x": x, "y": y}


def table(title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> Event:
    """A small table of results."""
    return {
        "type": "table",
        "title": title,
        "columns": list(columns),
        "rows": [list(r) for r in rows],
    }


def check(name: str, passed: bool, detail: str) -> Event:
    """A claim of the answer, verified with the numbers in ``detail``."""
    return {"type": "check", "name": name, "passed": bool(passed), "detail": detail}


def done(ok: bool, metrics: dict[str, Any] | None = None, error: str | None = None) -> Event:
    """The last event of every run."""
    event: Event = {"type": "done", "ok": ok, "metrics": metrics or {}}
    if error is not None:
        event["error"] = error
    return event


def plain(value: Any) -> Any:
    """``value`` with NumPy scalars and arrays turned into JSON types.

    Non-finite floats become ``None``: JSON has no NaN or infinity, and a reader
    should see "no value" rather than a parse error.
    """
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    tolist = getattr(value, "tolist", None)  # NumPy scalar or array
    if callable(tolist):
        return plain(tolist())
    return str(value)


def to_json(event: Event) -> str:
    """One line of JSON for ``event``."""
    return json.dumps(plain(event), allow_nan=False, ensure_ascii=False)


def _cell(value: Any) -> str:
    value = plain(value)
    if isinstance(value, float):
        return f"{value:.6g}"
    return "—" if value is None else str(value)


def to_text(event: Event) -> str:
    """A human-readable rendering of ``event`` (possibly several lines)."""
    kind = event.get("type")
    if kind == "log":
        return str(event["text"])
    if kind == "point":
        return f"  {event['series']}[{_cell(event['x'])}] = {_cell(event['y'])}"
    if kind == "check":
        mark = "✓" if event["passed"] else "✗"
        return f"{mark} {event['name']}: {event['detail']}"
    if kind == "table":
        header = [str(c) for c in event["columns"]]
        body = [[_cell(c) for c in row] for row in event["rows"]]
        widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
        lines = [f"{event['title']}:"]
        for row in [header, *body]:
            lines.append("  " + "  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)))
        return "\n".join(lines)
    if kind == "done":
        if not event["ok"]:
            return f"FAILED: {event.get('error', 'unknown error')}"
        metrics = ", ".join(f"{k}={_cell(v)}" for k, v in plain(event["metrics"]).items())
        return f"done: ok{f' ({metrics})' if metrics else ''}"
    return str(event)
