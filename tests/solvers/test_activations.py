"""The activations demo: derivatives, the softmax Jacobian, and sigmoid's ¼ per layer."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from demo_runs import checks
from scipy.special import expit, softmax

from solvers import activations, nn
from solvers.cli import execute
from solvers.params import resolve


def run(**overrides: Any) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    values = resolve(activations.PARAMS, {k: str(v) for k, v in overrides.items()})
    events = list(execute(activations, values))
    assert events[-1]["type"] == "done"
    return events, events[-1]


def test_defaults_pass_every_check_with_the_right_numbers() -> None:
    events, done = run()
    assert done["ok"], done.get("error")
    assert len(checks(events)) == 11
    m = done["metrics"]
    assert m["sigmoid_grad_max"] == 0.25
    assert m["sigmoid_product"] == pytest.approx(0.25**10, rel=1e-12)
    assert 9e-7 < m["sigmoid_product"] < 1e-6  # "about 10⁻⁶ for 10 layers"
    assert m["tanh_product_at_1"] == pytest.approx((1 - math.tanh(1.0) ** 2) ** 10, rel=1e-12)
    assert m["relu_product"] == 1.0
    assert m["max_relative_error"] < 1e-7


@pytest.mark.parametrize("layers", [1, 3, 30])
def test_the_product_follows_the_depth(layers: int) -> None:
    events, done = run(layers=layers)
    assert done["ok"], done.get("error")
    assert done["metrics"]["sigmoid_product"] == pytest.approx(0.25**layers, rel=1e-12)
    series = [e for e in events if e["type"] == "point" and e["series"] == "log10 Π σ'(0)"]
    assert [e["x"] for e in series] == list(range(1, layers + 1))
    assert series[-1]["y"] == pytest.approx(layers * math.log10(0.25))


def test_softmax_jacobian_is_diag_p_minus_outer_p() -> None:
    z = np.array([0.3, -1.2, 2.5])
    p = softmax(z)
    jac = activations.softmax_jacobian(z)
    assert jac == pytest.approx(np.diag(p) - np.outer(p, p), abs=1e-15)
    assert jac == pytest.approx(jac.T, abs=1e-15)
    # A forward difference computed independently of solvers.nn agrees.
    h = 1e-6
    fd = np.stack([(softmax(z + h * e) - softmax(z - h * e)) / (2 * h) for e in np.eye(3)]).T
    assert jac == pytest.approx(fd, abs=1e-9)
    assert activations.numerical_jacobian(z) == pytest.approx(jac, abs=1e-9)


def test_units_agree_with_scipy() -> None:
    x = np.linspace(-5, 5, 11)
    assert nn.sigmoid(x) == pytest.approx(expit(x), rel=1e-15)
    assert activations.elementwise_numerical(nn.sigmoid, x) == pytest.approx(
        expit(x) * (1 - expit(x)), rel=1e-8
    )


def test_a_wrong_derivative_fails_its_check(monkeypatch: pytest.MonkeyPatch) -> None:
    wrong = (("sigmoid", nn.sigmoid, nn.sigmoid),)  # σ instead of σ(1 − σ)
    monkeypatch.setattr(activations, "UNITS", wrong)
    events, done = run()
    assert not done["ok"]
    assert not checks(events)["sigmoid' matches central differences"]["passed"]


def test_the_kinks_have_no_derivative() -> None:
    events, _ = run()
    kink = checks(events)["at the kink x = 0 there is no derivative"]
    assert kink["passed"]
    assert "= 0.5" in kink["detail"] and "50000" in kink["detail"]


@pytest.mark.parametrize("layers", [1, 10, 300])
def test_a_deep_sigmoid_net_vanishes_and_its_identity_control_does_not(layers: int) -> None:
    events, done = run(layers=layers)
    assert done["ok"], done.get("error")
    m = done["metrics"]
    assert 0.18 < m["sigmoid_net_factor"] <= 0.25  # σ' ≤ ¼, weights of gain ≈ 1
    assert 0.9 < m["control_net_factor"] < 1.1
    assert m["relu_net_factor"] > 0.9  # He init keeps it
    [control] = [c for c in checks(events).values() if c["control"]]
    assert control["passed"]


def test_with_tiny_weights_the_sigmoid_nets_factor_is_a_quarter_of_the_identity_nets() -> None:
    # Tiny weights keep every pre-activation near 0, where σ' = ¼: the same weights and
    # inputs (same seed) with the identity differ by exactly that factor per layer.
    def factor(f: activations.Activation, g: activations.Activation) -> float:
        return activations.gradient_factor(f, g, 6, 1e-8, np.random.default_rng(3))

    ratio = factor(nn.sigmoid, nn.sigmoid_grad) / factor(activations.identity, activations.ones)
    assert ratio == pytest.approx(0.25, rel=1e-6)


def test_a_jacobian_without_the_outer_product_fails_its_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(activations, "softmax_jacobian", lambda z: np.diag(nn.softmax(z)))
    events, done = run()
    assert not done["ok"]
    assert not checks(events)["softmax Jacobian diag(p) − ppᵀ matches central differences"][
        "passed"
    ]
