"""The gradient-descent demo: the 2/a threshold on a quadratic, and basins of a quartic."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from scipy.optimize import minimize_scalar

from solvers import gradient_descent as gd
from solvers.cli import execute
from solvers.params import resolve


def run(**overrides: Any) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    values = resolve(gd.PARAMS, {k: str(v) for k, v in overrides.items()})
    events = list(execute(gd, values))
    assert events[-1]["type"] == "done"
    return events, events[-1]


def test_defaults_converge_with_the_predicted_rate() -> None:
    events, done = run()
    assert done["ok"], done.get("error")
    m = done["metrics"]
    assert m["threshold"] == 0.5
    assert m["converged"] and not m["diverged"]
    # x_k = (1 − 0.4·4)^k, so f(x_50) = 2 · 0.6^100.
    assert m["final_f"] == pytest.approx(2.0 * 0.6**100, rel=1e-9)
    ys = [e["y"] for e in events if e["type"] == "point" and e["series"] == "f (lr=0.4)"]
    assert len(ys) == 51
    assert np.allclose(np.array(ys[1:]) / np.array(ys[:-1]), 0.36)


@pytest.mark.parametrize("a", [0.5, 4.0, 37.0])
def test_threshold_is_two_over_a(a: float) -> None:
    below = run(a=a, lr=0.999 * 2 / a)[1]
    above = run(a=a, lr=1.001 * 2 / a)[1]
    assert below["ok"] and above["ok"]
    assert below["metrics"]["threshold"] == pytest.approx(2 / a)
    assert below["metrics"]["converged"] and not below["metrics"]["diverged"]
    assert not above["metrics"]["converged"] and above["metrics"]["diverged"]


def test_exactly_two_over_a_neither_converges_nor_diverges() -> None:
    _, done = run(a=4.0, lr=0.5, x0=3.0)
    assert done["ok"], done.get("error")
    m = done["metrics"]
    assert not m["converged"] and not m["diverged"]
    assert m["final_f"] == pytest.approx(4.0 * 9.0 / 2)  # x bounces between ±3


def test_a_diverging_run_stops_at_the_bound_without_overflow() -> None:
    with np.errstate(all="raise"):
        events, done = run(a=100.0, lr=10.0, steps=300)
    assert done["ok"], done.get("error")
    assert done["metrics"]["diverged"]
    ys = [e["y"] for e in events if e["type"] == "point" and e["series"] == "f (lr=10)"]
    assert len(ys) == 4  # |x| grows 999× a step: past 10⁶ at step 3
    assert all(np.isfinite(ys))


def test_the_table_sorts_learning_rates_by_the_threshold() -> None:
    events, _ = run(a=2.0)
    rows = next(e for e in events if e["type"] == "table")["rows"]
    observed = {r[2]: r[5] for r in rows[:-1]}
    assert observed == {
        0.1: "converges",
        0.5: "converges",
        0.9: "converges",
        0.99: "converges",
        1.0: "stays",
        1.01: "diverges",
        1.5: "diverges",
    }


def f(x: float) -> float:
    return x**4 - 3 * x**2 + x


def test_nonconvex_starts_end_in_the_two_true_minima() -> None:
    _, done = run()
    left, right = done["metrics"]["minima"]
    assert left == pytest.approx(minimize_scalar(f, bracket=(-2, -1, 0)).x, abs=1e-6)
    assert right == pytest.approx(minimize_scalar(f, bracket=(0.5, 1, 2)).x, abs=1e-6)
    low, high = done["metrics"]["minimum_values"]
    assert low == pytest.approx(f(left)) and high == pytest.approx(f(right))
    assert low < high - 2  # only the left one is the global minimum


def test_a_wrong_update_rule_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    # A gradient twice too large halves the threshold: lr = 0.4 < 2/a would then diverge.
    monkeypatch.setattr(gd, "quadratic_grad", lambda x, a: 2 * a * x)
    _, done = run()
    assert not done["ok"]
