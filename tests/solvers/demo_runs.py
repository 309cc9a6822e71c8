"""Running a demo in-process for its tests: events and metrics for given parameters."""

from __future__ import annotations

from functools import cache
from types import ModuleType
from typing import Any

from solvers.cli import execute
from solvers.params import resolve


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
