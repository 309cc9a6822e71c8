"""deep-learning: an MLP learns circles a line cannot, and memorises random labels."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from demo_runs import demo_events, demo_metrics, failed_evidence

from solvers import deep_learning as demo
from solvers import nn
from solvers.cli import execute
from solvers.params import resolve


def run(**values: Any) -> list[dict[str, Any]]:
    return demo_events(demo, **values)


def metrics(**values: Any) -> dict[str, Any]:
    return demo_metrics(demo, **values)


def checks(**values: Any) -> dict[str, dict[str, Any]]:
    return {e["name"]: e for e in run(**values) if e["type"] == "check"}


def test_defaults_pass_every_check() -> None:
    found = checks()
    assert len(found) == 6
    assert all(c["passed"] for c in found.values()), found
    assert [name for name, c in found.items() if c["control"]] == [
        "control: with tanh replaced by the identity, the MLP is one line again",
        "control: one hidden unit (5 parameters) cannot memorise the random labels",
    ]
    assert run()[-1]["ok"]


def test_the_controls_fail_the_claims_they_control() -> None:
    m = metrics()
    # tanh → identity: the MLP is as good as logistic regression, no better.
    assert m["control_linear_hidden_test_accuracy"] <= 0.70 < 0.95 <= m["mlp_test_accuracy"]
    # One unit cannot memorise what 16 units do.
    assert m["control_one_unit_random_train_accuracy"] < 0.9 <= m["random_train_accuracy"]


def test_a_broken_logistic_trainer_is_caught_by_the_r2_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A trainer that never moves leaves logistic regression at chance: "a linear model is
    # near chance" still passes, but the same trainer cannot learn the circles from r².
    def frozen(p: demo.Params, x: nn.Array, y: nn.Array) -> tuple[nn.Array, demo.Params]:
        return demo.linear_logits(p, x), [np.zeros_like(q) for q in p]

    monkeypatch.setattr(demo, "linear_grads", frozen)
    events = list(execute(demo, resolve(demo.PARAMS, {})))
    assert not events[-1]["ok"]
    assert failed_evidence(events) == ["the same trainer, given the feature r², learns the circles"]


@pytest.mark.parametrize(
    ("values", "because"),
    [({"hidden": 2}, "too few to memorise 40"), ({"epochs": 200}, "200 epochs (< 1000)")],
)
def test_regimes_the_theory_explains_are_predictions_not_failures(
    values: dict[str, int], because: str
) -> None:
    events = run(**values)
    assert events[-1]["ok"], events[-1].get("error")
    assert any(e["type"] == "log" and because in e["text"] for e in events)
    assert "the same net memorises random labels and learns nothing" not in checks(**values)


def test_mlp_beats_the_linear_model_on_circles() -> None:
    m = metrics()
    assert m["mlp_test_accuracy"] >= 0.95
    assert m["logistic_test_accuracy"] <= 0.70
    # The feature the hidden layer learns, r², made by hand, makes the problem linear.
    assert m["engineered_test_accuracy"] >= 0.95
    assert m["parameters"] == (2 + 1) * 16 + (16 + 1)


def test_random_labels_are_memorised_not_learned() -> None:
    m = metrics()
    assert m["random_train_accuracy"] >= 0.95
    assert abs(m["random_test_accuracy"] - 0.5) <= 0.15


def test_two_hidden_units_cannot_enclose_the_inner_circle() -> None:
    m = metrics(hidden=2)
    assert m["mlp_test_accuracy"] < 0.95
    found = checks(hidden=2)
    assert found["2 hidden unit(s) cannot enclose the inner circle"]["passed"]


def test_structure_is_learned_before_noise() -> None:
    # A short run is enough for the circles but not to memorise the random labels.
    m = metrics(epochs=200)
    assert m["mlp_test_accuracy"] >= 0.95
    assert m["random_train_accuracy"] < m["mlp_train_accuracy"]


def test_circles_have_the_stated_radii_and_balanced_labels() -> None:
    x, y = demo.two_circles(400, np.random.default_rng(1))
    r = np.hypot(x[:, 0], x[:, 1])
    assert y.mean() == 0.5
    assert abs(r[y == 1].mean() - 1.0) < 0.05
    assert abs(r[y == 0].mean() - 2.0) < 0.05


def test_backprop_gradients_match_central_differences() -> None:
    rng = np.random.default_rng(3)
    x, y = demo.two_circles(20, rng)
    p = demo.init_mlp(2, 5, rng)
    p = [q + 0.1 * rng.standard_normal(q.shape) for q in p]  # nonzero biases too
    _, grads = demo.mlp_grads(p, x, y)
    for i, g in enumerate(grads):

        def loss(q: nn.Array, i: int = i) -> float:
            trial = [*p[:i], q, *p[i + 1 :]]
            return nn.binary_cross_entropy(demo.mlp_logits(trial, x), y)

        numeric = nn.numerical_gradient(loss, p[i])
        scale = float(np.linalg.norm(g) + np.linalg.norm(numeric))
        rel = float(np.linalg.norm(g - numeric)) / max(scale, 1e-12)
        assert rel < 1e-7, (i, rel)


def test_bce_is_the_binary_cross_entropy() -> None:
    z = np.array([-3.0, 0.0, 2.0, 40.0])
    y = np.array([0.0, 1.0, 1.0, 0.0])
    # −log σ(z) = log(1 + e^(−z)) and −log(1 − σ(z)) = log(1 + e^z), written stably.
    expected = np.mean(y * np.logaddexp(0.0, -z) + (1 - y) * np.logaddexp(0.0, z))
    assert abs(nn.binary_cross_entropy(z, y) - expected) < 1e-12


def test_a_linearly_separable_dataset_fails_the_near_chance_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The claim rests on the circles not being linearly separable: label by the side of a
    # line instead and the linear model is no longer near chance.
    circles = demo.two_circles

    def halves(n: int, rng: np.random.Generator) -> tuple[nn.Array, nn.Array]:
        x, _ = circles(n, rng)
        return x, (x[:, 0] > 0.0).astype(np.float64)

    monkeypatch.setattr(demo, "two_circles", halves)
    events = list(execute(demo, resolve(demo.PARAMS, {})))
    assert "a linear model is near chance on the circles" in failed_evidence(events)
