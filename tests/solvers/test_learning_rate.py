"""learning-rate: the threshold 2/L comes from the data, and it is sharp."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import numpy as np
import pytest
from demo_runs import demo_events, demo_metrics

from solvers import learning_rate as demo


def run(**values: Any) -> list[dict[str, Any]]:
    return demo_events(demo, **values)


def metrics(**values: Any) -> dict[str, Any]:
    return demo_metrics(demo, **values)


def test_defaults_pass_every_check_and_converge() -> None:
    events = run()
    checks = [e for e in events if e["type"] == "check"]
    assert len(checks) >= 5
    assert all(c["passed"] for c in checks), [c for c in checks if not c["passed"]]
    done = events[-1]
    assert done["ok"] is True
    m = done["metrics"]
    assert m["diverged"] is False
    assert 0.1 < m["threshold"] < 2.0
    assert m["lr"] < m["threshold"]
    assert m["final_loss"] == pytest.approx(m["optimum_loss"], rel=1e-4)
    assert m["min_loss"] <= m["final_loss"]


def test_threshold_is_two_over_largest_hessian_eigenvalue() -> None:
    x, _ = demo.make_data(0)
    big_l = np.linalg.eigvalsh(x.T @ x / len(x))[-1]
    assert metrics()["threshold"] == pytest.approx(2.0 / big_l, rel=1e-12)
    # An independent estimate of L: power iteration on XᵀX/n.
    v = np.ones(x.shape[1])
    for _ in range(200):
        v = x.T @ (x @ v) / len(x)
        v /= np.linalg.norm(v)
    assert v @ (x.T @ (x @ v)) / len(x) == pytest.approx(big_l, rel=1e-9)


@pytest.mark.parametrize("seed", [0, 1, 7])
def test_threshold_is_sharp(seed: int) -> None:
    threshold = metrics(seed=seed)["threshold"]
    below = metrics(seed=seed, lr=0.99 * threshold)
    above = metrics(seed=seed, lr=1.01 * threshold)
    assert below["diverged"] is False
    assert above["diverged"] is True
    assert below["final_loss"] < below["min_loss"] * (1 + 1e-12) + 1e-12
    assert above["final_loss"] > above["min_loss"]


def test_loss_is_streamed_per_step_and_monotone_below_threshold() -> None:
    events = run(steps=40)
    losses = [e["y"] for e in events if e["type"] == "point" and e["series"] == "loss"]
    assert [e["x"] for e in events if e["type"] == "point"] == list(range(41))
    assert all(b <= a for a, b in pairwise(losses))


def test_huge_lr_stops_early_reports_divergence_and_is_still_ok() -> None:
    events = run(lr=20)
    done = events[-1]
    assert done["ok"] is True  # the checks are about the fixed table, not the user's run
    m = done["metrics"]
    assert m["diverged"] is True
    assert m["steps_run"] < 50
    assert np.isfinite(m["final_loss"])
    assert m["final_loss"] > 1e6 * m["min_loss"]
    assert any("Diverged at step" in e.get("text", "") for e in events)


def test_tiny_lr_crawls() -> None:
    m = metrics(lr=1e-4)
    assert m["diverged"] is False
    start = demo.loss(np.zeros(3), *demo.make_data(0))
    assert m["final_loss"] > 0.9 * start  # barely moved from J(w₀)


def test_gradient_descent_matches_closed_form_iteration() -> None:
    x, y = demo.make_data(3)
    h = demo.hessian(x)
    w_star = demo.least_squares(x, y)
    lr = 0.3
    losses, stopped = demo.gradient_descent(x, y, lr, 30)
    assert stopped is None
    # w_t − w* = (I − ηH)^t (w₀ − w*)
    w_t = w_star + np.linalg.matrix_power(np.eye(3) - lr * h, 30) @ (np.zeros(3) - w_star)
    assert losses[-1] == pytest.approx(demo.loss(w_t, x, y), rel=1e-12)
