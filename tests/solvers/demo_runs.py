"""Running a demo in-process for its tests: events and metrics for given parameters."""

from __future__ import annotations

from functools import cache
from types import ModuleType
from typing import Any

from solvers.cli import execute
from solvers.params import BREAK, breaks, resolve


@cache
def _events(demo: ModuleType, items: tuple[tuple[str, str], ...]) -> tuple[dict[str, Any], ...]:
    return tuple(execute(demo, resolve(demo.PARAMS, dict(items))))


def demo_events(demo: ModuleType, **values: Any) -> list[dict[str, Any]]:
    """Every event of ``demo`` run with ``values`` (as ``--set`` would give them).

    Runs are cached: demos are deterministic, and several tests read one run.
    """
    return list(_events(demo, tuple(sorted((k, str(v)) for k, v in values.items()))))


def demo_metrics(demo: ModuleType, **values: Any) -> dict[str, Any]:
    """The metrics of the final ``done`` event."""
    done = demo_events(demo, **values)[-1]
    assert done["type"] == "done"
    result: dict[str, Any] = done["metrics"]
    return result


def broken_events(demo: ModuleType, choice: str, **values: Any) -> list[dict[str, Any]]:
    """Every event of ``demo`` run with the mechanism ``choice`` removed
    (``--set break=CHOICE``), the other parameters as in :func:`demo_events`."""
    assert choice in breaks(demo.PARAMS), f"{choice!r} is not a break of this demo"
    return demo_events(demo, **{BREAK: choice}, **values)


def failed_evidence(events: list[dict[str, Any]]) -> list[str]:
    """The names of the checks that failed and count as evidence of the claim: not
    identities (true by construction) and not controls (which are meant to fail)."""
    return [
        e["name"]
        for e in events
        if e["type"] == "check"
        and not e["passed"]
        and e.get("kind") != "identity"
        and not e.get("control")
    ]


def checks(events: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """A run's check events by name."""
    return {e["name"]: e for e in events if e["type"] == "check"}
