"""The gradient-descent demo: the 2/a threshold on a quadratic, and basins of a quartic."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from demo_runs import broken_events, checks, failed_evidence
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


def test_both_controls_fail_as_predicted() -> None:
    events, done = run()
    controls = [c for c in checks(events).values() if c["control"]]
    assert len(controls) == 2 and all(c["passed"] for c in controls)
    assert done["metrics"]["evidence"] == {"checks": 3, "identities": 0, "controls": 2}


def test_sign_steps_do_not_diverge_above_two_over_a() -> None:
    # The control's mechanism-free step: |x| stays within max(|x0|, lr), whatever lr.
    xs, stopped = gd.descend_quadratic(4.0, np.array([0.75, 5.0]), np.ones(2), 50, sign=True)
    assert np.all(stopped == 51)
    assert np.max(np.abs(xs)) <= 5.0


def test_the_control_differs_even_where_one_sign_step_is_a_gradient_step() -> None:
    # |x0|·a = 1: one sign step equals one gradient step, so the control runs 50.
    events, done = run(a=0.01, x0=-100, steps=1)
    assert done["ok"], done.get("error")
    control = next(c for c in checks(events).values() if "sign(f')" in c["name"])
    assert control["passed"] and "50 steps" in control["detail"]


@pytest.mark.parametrize(
    ("choice", "claims"),
    [
        (
            "sign-gradient",
            {"converges exactly when lr < 2/a", "your lr = 0.4: x_k = (1 − lr·a)^k x0"},
        ),
        ("convex", {"different starts reach different local minima"}),
    ],
)
def test_each_break_fails_the_claim_it_supports(choice: str, claims: set[str]) -> None:
    events = broken_events(gd, choice)
    assert set(failed_evidence(events)) == claims
    assert events[-1]["ok"] is True


def test_the_convex_control_has_one_minimum() -> None:
    ends, _ = gd.descend_polynomial(gd.CONVEX, np.array(gd.NONCONVEX_STARTS))
    assert ends == pytest.approx([-(0.25 ** (1 / 3))] * 2, abs=1e-9)
    assert gd.local_minima(gd.CONVEX) == pytest.approx([-(0.25 ** (1 / 3))])
    assert len(gd.local_minima(gd.NONCONVEX)) == 2


def test_the_closed_form_does_not_overflow_on_a_tiny_start() -> None:
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # f = x²/2 underflows
        _, done = run(a=100.0, lr=10.0, steps=300, x0=1e-300)
    assert done["ok"], done.get("error")
    assert done["metrics"]["diverged"]
    closed = gd.closed_form(-999.0, 1e-300, 103)
    assert closed[103] == pytest.approx(-np.exp(103 * np.log(999.0) - 300 * np.log(10)), rel=1e-12)
    assert closed[:3] == pytest.approx([1e-300, -999e-300, 999.0**2 * 1e-300], rel=1e-12)
