"""normalization: κ sets the step count; standardizing fixes it; statistics from train only."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import numpy as np
import pytest
from demo_runs import broken_events, demo_events, demo_metrics, failed_evidence

from solvers import normalization as demo
from solvers.cli import execute
from solvers.params import resolve


def run(**values: Any) -> list[dict[str, Any]]:
    return demo_events(demo, **values)


def metrics(**values: Any) -> dict[str, Any]:
    return demo_metrics(demo, **values)


def checks(**values: Any) -> dict[str, bool]:
    return {e["name"]: e["passed"] for e in run(**values) if e["type"] == "check"}


def test_defaults_pass_every_check() -> None:
    assert checks() == {
        "gradient descent keeps to the condition-number rate": True,
        "unscaled features need many times more steps": True,
        "control: centring alone (no division by σ) does not remove the gap": True,
        "statistics are fitted on the training split only": True,
        "same best fit either way": True,
        "test predictions with the training μ, σ are the raw model's": True,
        "control: the test split standardized with its own μ, σ changes the predictions": True,
    }
    assert run()[-1]["ok"]


def test_condition_number_is_about_scale_squared() -> None:
    m = metrics()
    assert 0.5e4 < m["kappa_raw"] < 2e4
    assert m["kappa_standardized"] < 2.0
    assert metrics(scale=10.0)["kappa_raw"] < 2e2


def test_unscaled_run_needs_thousands_of_times_more_steps() -> None:
    m = metrics()
    assert m["reached_raw"] and m["reached_standardized"]
    assert m["steps_standardized"] <= 10
    assert m["step_ratio"] > 1000


def test_equal_scales_give_similar_step_counts() -> None:
    m = metrics(scale=1.0)
    assert m["step_ratio"] < 3
    assert "unscaled features need many times more steps" not in checks(scale=1.0)
    assert run(scale=1.0)[-1]["ok"]


def test_looser_tolerance_fewer_steps_but_still_a_large_ratio() -> None:
    tight, loose = metrics(), metrics(tol=1e-3)
    assert loose["steps_raw"] < tight["steps_raw"]
    assert loose["step_ratio"] > 1000


def test_cap_is_reported_when_hit() -> None:
    m = metrics(max_steps=1000)
    assert not m["reached_raw"] and m["steps_raw"] == 1000
    logs = [e["text"] for e in run(max_steps=1000) if e["type"] == "log"]
    assert any("hit the cap of 1000 steps" in t for t in logs)


def test_test_split_uses_the_train_statistics() -> None:
    rng = np.random.default_rng(0)
    x_train, _ = demo.make_data(demo.N_TRAIN, 100.0, rng)
    x_test, _ = demo.make_data(demo.N_TEST, 100.0, rng)
    m = metrics()
    assert np.allclose(m["train_mean"], x_train.mean(axis=0), rtol=0, atol=1e-12)
    assert np.allclose(m["train_std"], x_train.std(axis=0), rtol=0, atol=1e-12)
    expected = (x_test.mean(axis=0) - x_train.mean(axis=0)) / x_train.std(axis=0)
    assert np.allclose(m["test_standardized_mean"], expected, rtol=0, atol=1e-12)
    assert np.all(np.abs(m["test_standardized_mean"]) > 1e-3)


def test_block_iteration_is_plain_gradient_descent() -> None:
    rng = np.random.default_rng(4)
    x, y = demo.make_data(50, 10.0, rng)
    a = demo.design(x)
    h, g = a.T @ a / 50, a.T @ y / 50
    eta = 1.0 / np.linalg.eigvalsh(h)[-1]
    w_star = np.linalg.solve(h, g)
    gap0 = 0.5 * w_star @ h @ w_star
    w, steps = np.zeros(3), 0
    while 0.5 * (w - w_star) @ h @ (w - w_star) > 1e-6 * gap0:
        w = w - eta * a.T @ (a @ w - y) / 50  # the gradient of (1/2n)‖Xw − y‖²
        steps += 1
    got, reached, trace = demo.gradient_descent(h, g, eta, 1e-6, 10**6, 1)
    assert reached and got == steps
    kappa = demo.condition_number(h)
    assert steps <= demo.steps_bound(kappa, 1e-6)
    gaps = [gap for _, gap in trace]
    assert all(b <= a for a, b in pairwise(gaps))  # monotone with η = 1/L


def test_centring_alone_keeps_the_step_count() -> None:
    m = metrics()
    assert m["kappa_centred"] > 0.5 * m["kappa_raw"]
    assert m["control_step_ratio"] < 2 < 1000 < m["step_ratio"]


def test_own_statistics_on_the_test_split_raise_its_error() -> None:
    m = metrics()
    assert abs(m["test_mse_standardized"] - m["test_mse_raw"]) < 1e-12
    assert m["test_mse_own_statistics"] > 1.5 * m["test_mse_raw"]


def test_dividing_by_sigma_is_what_removes_the_gap() -> None:
    events = broken_events(demo, "no-scaling")
    assert failed_evidence(events) == ["unscaled features need many times more steps"]


def test_standardizing_the_test_split_with_its_own_statistics_fails_the_claim() -> None:
    events = broken_events(demo, "test-own-stats")
    assert failed_evidence(events) == [
        "test predictions with the training μ, σ are the raw model's"
    ]


def test_the_rate_check_is_not_vacuous_when_the_cap_is_hit() -> None:
    assert checks(max_steps=1000)["gradient descent keeps to the condition-number rate"]
    # A trace slower than (1 − 1/κ)^(2t) is caught, capped or not.
    kappa = 100.0
    on_rate = [(t, (1 - 1 / kappa) ** (2 * t)) for t in range(0, 1000, 50)]
    assert demo.rate_excess(on_rate, kappa) < 1e-9
    slow = [(t, (1 - 0.5 / kappa) ** (2 * t)) for t in range(0, 1000, 50)]
    assert demo.rate_excess(slow, kappa) > 1.0


def test_small_scale_gaps_are_reported_as_expected_not_failed() -> None:
    events = run(scale=3.0)
    assert events[-1]["ok"] is True
    assert "unscaled features need many times more steps" not in checks(scale=3.0)
    assert any(e["type"] == "log" and "as expected" in e["text"] for e in events)
    assert checks(scale=0.1)["unscaled features need many times more steps"]


def test_a_step_below_1_over_l_breaks_the_rate_check(monkeypatch: pytest.MonkeyPatch) -> None:
    # Mutation: η = 0.5/L converges, but slower than (1 − 1/κ)^(2t) promises for η = 1/L.
    descend = demo.gradient_descent

    def timid(h: Any, g: Any, eta: float, *rest: Any) -> Any:
        return descend(h, g, 0.5 * eta, *rest)

    monkeypatch.setattr(demo, "gradient_descent", timid)
    events = list(execute(demo, resolve(demo.PARAMS, {})))
    assert "gradient descent keeps to the condition-number rate" in failed_evidence(events)
