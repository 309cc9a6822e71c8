"""The backprop demo: hand-written gradients of a small MLP against central differences."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from demo_runs import broken_events, failed_evidence

from solvers import backprop as bp
from solvers import nn
from solvers.cli import execute
from solvers.params import resolve


def run(**overrides: Any) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    values = resolve(bp.PARAMS, {k: str(v) for k, v in overrides.items()})
    events = list(execute(bp, values))
    assert events[-1]["type"] == "done"
    return events, events[-1]


def test_defaults_match_to_seven_digits_per_tensor() -> None:
    events, done = run()
    assert done["ok"], done.get("error")
    m = done["metrics"]
    assert m["parameters"] == 3 * 5 + 5 + 5 * 2 + 2
    assert set(m["relative_errors"]) == {"W1", "b1", "W2", "b2"}
    assert all(err < 1e-7 for err in m["relative_errors"].values())
    assert m["forward_passes_numerical"] == 2 * 32
    assert m["cost_ratio"] == pytest.approx(5 * 32 / 6)  # 2P forward passes vs 5 + 7 units
    assert "time_ratio" not in m  # timing is opt-in: the default output is reproducible
    rows = next(e for e in events if e["type"] == "table")["rows"]
    assert [r[0] for r in rows] == ["W1", "b1", "W2", "b2"]
    assert [r[1] for r in rows] == ["3×5", "5", "5×2", "2"]


@pytest.mark.parametrize(("seed", "hidden", "batch"), [(1, 1, 1), (7, 3, 10), (42, 20, 32)])
def test_other_sizes_pass_and_count_two_passes_per_parameter(
    seed: int, hidden: int, batch: int
) -> None:
    _, done = run(seed=seed, hidden=hidden, batch=batch)
    assert done["ok"], done.get("error")
    total = 3 * hidden + hidden + hidden * 2 + 2
    assert done["metrics"]["parameters"] == total
    assert done["metrics"]["forward_passes_numerical"] == 2 * total


def test_timing_measures_backprop_as_faster() -> None:
    _, done = run(hidden=16, timing="true")
    assert done["ok"], done.get("error")
    assert done["metrics"]["time_ratio"] > 1


def test_backward_is_the_exact_chain_rule() -> None:
    # For a tiny case, compare with the derivative of the loss along a random direction,
    # computed by a fine central difference that does not go through numerical_gradient.
    rng = np.random.default_rng(11)
    p = bp.init(rng, 4)
    x, y = rng.standard_normal((6, 3)), rng.integers(0, 2, 6)
    grads = bp.backprop_grads(p, x, y)
    d = {k: rng.standard_normal(v.shape) for k, v in p.items()}
    h = 1e-6
    up = bp.forward({k: p[k] + h * d[k] for k in p}, x, y)[0]
    down = bp.forward({k: p[k] - h * d[k] for k in p}, x, y)[0]
    directional = sum(float(np.sum(grads[k] * d[k])) for k in p)
    assert directional == pytest.approx((up - down) / (2 * h), rel=1e-7)


def test_output_gradient_sums_to_zero_per_example() -> None:
    # softmax(z) − onehot(y) has row sums 0, so ∂L/∂b₂ sums to 0 as well.
    rng = np.random.default_rng(2)
    p = bp.init(rng, 5)
    x, y = rng.standard_normal((8, 3)), rng.integers(0, 2, 8)
    assert float(np.sum(bp.backprop_grads(p, x, y)["b2"])) == pytest.approx(0, abs=1e-15)


def test_a_missing_tanh_derivative_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    def wrong_backward(p: bp.Params, cache: dict[str, np.ndarray], *_: bool) -> bp.Params:
        x, y, h, z2 = cache["x"], cache["y"], cache["h"], cache["z2"]
        dz2 = (nn.softmax(z2) - np.eye(2)[y]) / x.shape[0]
        dz1 = dz2 @ p["W2"].T  # forgot ⊙ (1 − h²)
        return {"W1": x.T @ dz1, "b1": dz1.sum(0), "W2": h.T @ dz2, "b2": dz2.sum(0)}

    monkeypatch.setattr(bp, "backward", wrong_backward)
    events, done = run()
    assert not done["ok"]
    failed = [e["name"] for e in events if e["type"] == "check" and not e["passed"]]
    assert failed == ["backprop gradients match central differences"]


def test_the_control_without_tanh_derivative_fails_where_the_tanh_is() -> None:
    events, done = run()
    control = next(e for e in events if e["type"] == "check" and e["control"])
    assert control["passed"]
    wrong = done["metrics"]["control_relative_errors"]
    assert wrong["W1"] > 1e-2 and wrong["b1"] > 1e-2  # through the tanh: caught
    assert wrong["W2"] < 1e-7 and wrong["b2"] < 1e-7  # above it: unaffected


@pytest.mark.parametrize("choice", ["no-tanh-derivative", "no-batch-mean"])
def test_each_break_fails_the_gradient_check(choice: str) -> None:
    events = broken_events(bp, choice)
    assert failed_evidence(events) == ["backprop gradients match central differences"]
    assert events[-1]["ok"] is True


def test_without_the_batch_mean_every_gradient_is_n_times_too_large() -> None:
    rng = np.random.default_rng(5)
    p = bp.init(rng, 4)
    x, y = rng.standard_normal((6, 3)), rng.integers(0, 2, 6)
    right = bp.backprop_grads(p, x, y)
    summed = bp.backprop_grads(p, x, y, mean=False)
    for name in bp.NAMES:
        assert np.allclose(summed[name], 6 * right[name], rtol=1e-12, atol=0)


def test_the_cost_count_is_an_identity_and_the_timing_is_an_experiment() -> None:
    def kind(events: list[dict[str, Any]]) -> str:
        return str(next(e["kind"] for e in events if e.get("name") == "backprop is much cheaper"))

    assert kind(run()[0]) == "identity"
    assert kind(run(timing="true")[0]) == "empirical"
