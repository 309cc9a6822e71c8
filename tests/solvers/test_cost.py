"""The cost demo: gradients of MSE and cross-entropy, and MSE's saturation behind a sigmoid."""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pytest
from scipy.special import expit, log_expit

from solvers import cost, nn
from solvers.cli import execute
from solvers.params import resolve


def run(**overrides: Any) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    values = resolve(cost.PARAMS, {k: str(v) for k, v in overrides.items()})
    events = list(execute(cost, values))
    assert events[-1]["type"] == "done"
    return events, events[-1]


def test_defaults_pass_with_the_saturation_numbers() -> None:
    _, done = run()
    assert done["ok"], done.get("error")
    m = done["metrics"]
    s = expit(-6.0)
    assert m["mse_grad"] == pytest.approx((s - 1) * s * (1 - s), rel=1e-12)
    assert m["ce_grad"] == pytest.approx(s - 1, rel=1e-12)
    assert abs(m["mse_grad"]) < 0.003 and m["ce_grad"] < -0.99
    assert m["ratio"] == pytest.approx(1 / (s * (1 - s)), rel=1e-12)  # about 405
    assert m["ce_steps_to_cross"] == 7
    assert m["mse_sigmoid_after"] < 0.003 < 0.9 < m["ce_sigmoid_after"]
    assert m["max_relative_error"] < 1e-7


def test_streams_both_series_per_step() -> None:
    events, _ = run(steps=12)
    points = [e for e in events if e["type"] == "point"]
    for series in ("σ(z) under MSE", "σ(z) under cross-entropy"):
        ys = [e["y"] for e in points if e["series"] == series]
        assert len(ys) == 13
        assert ys[0] == pytest.approx(expit(-6.0))
        assert all(b > a for a, b in itertools.pairwise(ys))  # both move the right way


@pytest.mark.parametrize(("z", "lr"), [(-3.0, 2.0), (-3.0, 0.01), (-12.0, 0.5), (-30.0, 2.0)])
def test_the_claims_hold_across_the_allowed_range(z: float, lr: float) -> None:
    _, done = run(z=z, lr=lr, steps=5, seed=3)
    assert done["ok"], done.get("error")
    # Cross-entropy's |∂/∂z| = 1 − σ(z) lies in (½, 1) while z < 0: |z|/lr to 2|z|/lr steps.
    assert abs(z) / lr <= done["metrics"]["ce_steps_to_cross"] <= math.ceil(2 * abs(z) / lr) + 1


def test_more_saturated_means_a_smaller_mse_gradient() -> None:
    grads = [run(z=z)[1]["metrics"]["mse_grad"] for z in (-3.0, -6.0, -12.0)]
    assert abs(grads[0]) > abs(grads[1]) > abs(grads[2])
    assert abs(grads[2]) == pytest.approx(math.exp(-12.0), rel=1e-4)  # σ'(z) ≈ e^z


def test_gradients_against_independent_formulas() -> None:
    rng = np.random.default_rng(5)
    z, y = 3 * rng.standard_normal(7), rng.integers(0, 2, 7).astype(float)
    bce = -np.mean(y * log_expit(z) + (1 - y) * log_expit(-z))
    assert nn.binary_cross_entropy(z, y) == pytest.approx(bce, rel=1e-12)
    assert cost.binary_cross_entropy_grad(z, y) == pytest.approx((expit(z) - y) / 7, rel=1e-12)
    assert cost.sigmoid_mse_grad(z, y) == pytest.approx(
        (expit(z) - y) * expit(z) * (1 - expit(z)) / 7, rel=1e-12
    )
    logits, labels = rng.standard_normal((4, 3)), np.array([0, 2, 1, 2])
    numeric = nn.numerical_gradient(lambda v: nn.cross_entropy(v, labels), logits)
    assert cost.cross_entropy_grad(logits, labels) == pytest.approx(numeric, abs=1e-9)


def test_a_wrong_gradient_fails_the_check(monkeypatch: pytest.MonkeyPatch) -> None:
    # Forgetting the chain rule's σ'(z) factor must be caught by the gradient check.
    monkeypatch.setattr(cost, "sigmoid_mse_grad", lambda z, y: (nn.sigmoid(z) - y) / z.size)
    events, done = run()
    assert not done["ok"]
    failed = [e["name"] for e in events if e["type"] == "check" and not e["passed"]]
    assert "every analytic gradient matches central differences" in failed


def test_the_controls_descent_without_the_slope_does_not_crawl() -> None:
    events, done = run()
    m = done["metrics"]
    assert m["control_steps_to_cross"] == m["ce_steps_to_cross"] == 7
    assert m["mse_steps_to_cross"] is None or m["mse_steps_to_cross"] > 35
    [control] = [e for e in events if e["type"] == "check" and e["control"]]
    assert control["passed"] and control["kind"] == "empirical"
    kinds = {e["name"]: e["kind"] for e in events if e["type"] == "check"}
    assert kinds["MSE's gradient is σ'(z) ≤ ¼ times cross-entropy's"] == "identity"


@pytest.mark.parametrize(
    ("z", "says"),
    [
        (0.0, "undecided (σ = ½)"),
        (-1.0, "not saturated"),
        (3.0, "nothing to escape"),
    ],
)
def test_outside_saturation_the_demo_predicts_instead_of_failing(z: float, says: str) -> None:
    events, done = run(z=z)
    assert done["ok"], done.get("error")
    logs = " ".join(e["text"] for e in events if e["type"] == "log")
    assert says in logs and "prediction:" in logs
    names = [e["name"] for e in events if e["type"] == "check"]
    assert "confidently wrong: MSE saturates, cross-entropy does not" not in names
    assert "gradient descent: cross-entropy escapes quickly, MSE crawls" not in names


def test_at_zero_the_gap_is_only_four() -> None:
    m = run(z=0.0)[1]["metrics"]
    assert m["mse_grad"] == pytest.approx(-0.125) and m["ce_grad"] == pytest.approx(-0.5)
    assert m["ratio"] == pytest.approx(4.0)


def test_a_wrong_binary_cross_entropy_fails_the_two_class_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Summed instead of averaged: no longer the two-class softmax cross-entropy.
    right = nn.binary_cross_entropy
    monkeypatch.setattr(nn, "binary_cross_entropy", lambda z, y: right(z, y) * np.size(z))
    events, done = run()
    assert not done["ok"]
    failed = [e["name"] for e in events if e["type"] == "check" and not e["passed"]]
    assert "binary cross-entropy is softmax cross-entropy with logits (0, z)" in failed
