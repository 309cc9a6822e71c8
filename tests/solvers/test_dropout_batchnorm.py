"""dropout-batchnorm: the expectation of inverted dropout, batch norm's two modes."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from demo_runs import demo_events

from solvers import dropout_batchnorm as demo
from solvers import nn


def run(**values: Any) -> list[dict[str, Any]]:
    return demo_events(demo, **values)


@pytest.mark.parametrize(
    "values", [{}, {"seed": 3}, {"rate": 0.0}, {"rate": 0.9, "eps": 1e-3}, {"eps": 1.0}]
)
def test_every_check_passes(values: dict[str, Any]) -> None:
    events = run(**values)
    checks = [e for e in events if e["type"] == "check"]
    assert len(checks) == 8
    assert all(c["passed"] for c in checks), [c for c in checks if not c["passed"]]
    assert events[-1]["ok"] is True


@pytest.mark.parametrize("rate", [0.0, 0.2, 0.5, 0.8])
def test_dropped_fraction_follows_rate(rate: float) -> None:
    m = run(rate=rate)[-1]["metrics"]
    assert m["dropped_fraction"] == pytest.approx(rate, abs=0.01)


def test_eps_lowers_the_variance_of_a_small_variance_feature() -> None:
    small = run(eps=1e-12)[-1]["metrics"]["bn_variance"]
    default = run()[-1]["metrics"]["bn_variance"]
    large = run(eps=1e-3)[-1]["metrics"]["bn_variance"]
    assert small[2] == pytest.approx(1.0, abs=1e-6)
    assert 0.5 < default[2] < 0.9  # σ² ≈ 2.5e-5 against ε = 1e-5
    assert large[2] < 0.05
    assert default[0] == pytest.approx(1.0, abs=1e-5)  # a large-variance feature barely notices


def test_batch_norm_variance_formula_independently() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(0.0, 0.003, size=(16, 1))
    eps = 1e-5
    y = nn.batch_norm(x, np.ones(1), np.zeros(1), eps)
    var = float(np.mean((x - x.mean()) ** 2))
    assert float(np.mean(y**2)) == pytest.approx(var / (var + eps), rel=1e-12)


def test_inference_mode_is_per_example() -> None:
    rng = np.random.default_rng(0)
    batch = demo.sample_batch(rng, 5)
    mean, var = np.array([1.0, 2.0, 3.0]), np.array([4.0, 0.25, 1.0])
    out = demo.batch_norm_inference(batch, demo.GAMMA, demo.BETA, mean, var, 0.0)
    one_by_one = np.vstack(
        [demo.batch_norm_inference(r[None], demo.GAMMA, demo.BETA, mean, var, 0.0) for r in batch]
    )
    assert np.array_equal(out, one_by_one)
    assert np.allclose(out, demo.GAMMA * (batch - mean) / np.sqrt(var) + demo.BETA)


def test_running_average_converges_to_a_constant_statistic() -> None:
    running = np.zeros(2)
    for _ in range(200):
        running = demo.update_running(running, np.array([3.0, -1.0]), 0.1)
    assert np.allclose(running, [3.0, -1.0], atol=1e-8)  # the start is forgotten as 0.9^t


def test_training_output_depends_on_the_batch() -> None:
    assert run()[-1]["metrics"]["train_output_gap"] > 0.01
