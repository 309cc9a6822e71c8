"""The demo event protocol: one JSON object a line with ``--json``, text without it.

Events are plain dicts so they cross the process boundary as JSON unchanged:

- ``{"type": "log", "text": ...}``
- ``{"type": "point", "series": "loss", "x": 3, "y": 0.25}``
- ``{"type": "table", "title": ..., "columns": [...], "rows": [[...], ...]}``
- ``{"type": "check", "name": ..., "passed": true, "detail": ..., "kind": ..., "control": false}``
- last, ``{"type": "done", "ok": true, "metrics": {...}}`` (or ``"ok": false, "error": ...``)

Fields are only ever added: a reader that knows just ``name``, ``passed`` and
``detail`` keeps working.

**Check kinds.** Every check says what kind of evidence it is:

- ``identity``: true by construction (a parameter count equal to its formula, Σ P = 1,
  the identity at inference). Shown, but not evidence: it cannot fail unless the code
  is broken, so it does not decide ``done.ok``.
- ``numerical``: a derived result agrees with an independent computation to a stated
  tolerance (backprop against central differences, a closed form against iteration).
- ``statistical``: a sample estimate lies within ± k standard errors of its expected
  value; the detail states k and the false-alarm probability.
- ``empirical``: the outcome of an experiment (training, search, dynamics) that depends
  on the seed or the settings and could have come out otherwise.

**Controls.** A negative control is the same experiment with the mechanism removed
(frozen weights, no recurrence, no rescale), which must *fail* the claim. It is a check
with ``"control": true`` whose ``passed`` says that the control behaved as predicted,
i.e. the mechanism-free run failed::

    {"type": "check", "name": "control: W frozen, the RBM no longer beats independent bits",
     "passed": true, "detail": "...", "kind": "empirical", "control": true}

**The verdict.** ``done.ok`` is decided by the evidence only: the checks of kind
numerical, statistical and empirical, and the controls. ``done.metrics.evidence`` counts
them: ``{"checks": n, "identities": n, "controls": n}`` (``checks`` excludes identities
and controls). With ``--set break=NAME`` the verdict is inverted: see
:mod:`solvers.params` and ``solvers.cli.execute``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any, Literal, get_args

Event = dict[str, Any]
EVENT_TYPES = frozenset({"log", "point", "table", "check", "done"})
"""Every event's ``type``: what a reader (the app's demo runner) accepts."""
CheckKind = Literal["identity", "numerical", "statistical", "empirical"]
CHECK_KINDS: tuple[str, ...] = get_args(CheckKind)


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


def check(name: str, passed: bool, detail: str, *, kind: CheckKind, control: bool = False) -> Event:
    """A claim of the answer, verified with the numbers in ``detail``.

    Args:
        name: the claim, in words.
        passed: whether it held; for a control, whether the mechanism-free run failed
            as predicted.
        detail: the numbers behind the verdict.
        kind: ``identity``, ``numerical``, ``statistical`` or ``empirical`` (see the
            module docstring); identities are shown but are not evidence.
        control: True for a negative control (the mechanism removed).

    Raises:
        ValueError: ``kind`` is not one of :data:`CHECK_KINDS`.
    """
    if kind not in CHECK_KINDS:
        raise ValueError(f"check kind must be one of {', '.join(CHECK_KINDS)}, not {kind!r}")
    return {
        "type": "check",
        "name": name,
        "passed": bool(passed),
        "detail": detail,
        "kind": kind,
        "control": bool(control),
    }


def is_evidence(event: Event) -> bool:
    """Whether a check event counts towards ``done.ok``: every control, and every check
    that is not an identity (a check without a kind, from an older demo, counts)."""
    return bool(event.get("control")) or event.get("kind") != "identity"


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


def _check_tag(event: Event) -> str:
    """`` [numerical]``, `` [empirical control]``, `` [identity: not evidence]``."""
    kind = event.get("kind")
    if kind is None:
        return ""
    if event.get("control"):
        return f" [{kind} control]"
    return " [identity: not evidence]" if kind == "identity" else f" [{kind}]"


def to_text(event: Event) -> str:
    """A human-readable rendering of ``event`` (possibly several lines)."""
    kind = event.get("type")
    if kind == "log":
        return str(event["text"])
    if kind == "point":
        return f"  {event['series']}[{_cell(event['x'])}] = {_cell(event['y'])}"
    if kind == "check":
        mark = "✓" if event["passed"] else "✗"
        return f"{mark} {event['name']}: {event['detail']}{_check_tag(event)}"
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
        # The evidence counts and a break's outcome have their own lines in the command's
        # text output.
        hidden = ("evidence", "break")
        shown = {k: v for k, v in plain(event["metrics"]).items() if k not in hidden}
        metrics = ", ".join(f"{k}={_cell(v)}" for k, v in shown.items())
        return f"done: ok{f' ({metrics})' if metrics else ''}"
    return str(event)
