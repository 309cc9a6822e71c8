"""rnn-uses: BPTT is right, the language model uses context, the forecaster beats naive."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from demo_runs import demo_events

from solvers import nn
from solvers import rnn_uses as demo


def run(**values: Any) -> list[dict[str, Any]]:
    return demo_events(demo, **values)


@pytest.fixture(scope="module")
def default_events() -> list[dict[str, Any]]:
    return run()


def test_defaults_pass_and_beat_the_baselines(default_events: list[dict[str, Any]]) -> None:
    checks = [e for e in default_events if e["type"] == "check"]
    assert len(checks) == 4
    assert all(c["passed"] for c in checks), [c for c in checks if not c["passed"]]
    m = default_events[-1]["metrics"]
    assert m["rnn_bits_per_char_train"] < m["unigram_bits_per_char_train"] - 1.0
    assert m["rnn_bits_per_char_held_out"] < m["unigram_bits_per_char_held_out"] - 0.5
    assert m["forecast_mse"] * 10 < m["naive_mse"]
    assert m["sample"].startswith("the ") and len(m["sample"]) == 64


def test_training_loss_is_streamed_and_falls(default_events: list[dict[str, Any]]) -> None:
    for series in ("language model (bits/char)", "forecast (MSE)"):
        ys = [e["y"] for e in default_events if e["type"] == "point" and e["series"] == series]
        assert 10 <= len(ys) <= 300
        assert ys[-1] < 0.2 * ys[0]


@pytest.mark.parametrize("values", [{"hidden": 4, "seed": 3}, {"hidden": 32, "seed": 1}])
def test_other_sizes_and_seeds_pass(values: dict[str, Any]) -> None:
    assert run(**values)[-1]["ok"] is True


def test_naive_forecast_error_is_one_minus_cos_omega(default_events: list[dict[str, Any]]) -> None:
    # mean of (sin(ω(t+1)) − sin(ωt))² = 2 sin²(ω/2) = 1 − cos ω over a full period
    naive = default_events[-1]["metrics"]["naive_mse"]
    assert naive == pytest.approx(1 - math.cos(demo.SINE_OMEGA), rel=0.05)


def test_entropy_is_the_best_memoryless_score() -> None:
    codes = np.array([0, 1, 2, 3] * 5)
    assert demo.entropy_bits(codes) == pytest.approx(2.0)
    skewed = np.array([0, 0, 0, 1])
    h = demo.entropy_bits(skewed)
    assert h == pytest.approx(-(0.75 * math.log2(0.75) + 0.25 * math.log2(0.25)))
    # Any other fixed distribution scores worse on the same text (Gibbs' inequality).
    for q0 in (0.5, 0.6, 0.9):
        cross = -(0.75 * math.log2(q0) + 0.25 * math.log2(1 - q0))
        assert cross > h
    assert demo.unigram_bits(skewed, skewed, 2) == pytest.approx(h)


def test_forward_matches_the_recurrence_step_by_step() -> None:
    rng = np.random.default_rng(5)
    p = demo.init_rnn(rng, 3, 4, 2)
    x = rng.standard_normal((7, 2, 3))
    _, hs, y = demo.rnn_forward(p, x)
    for b in range(2):
        h = np.zeros(4)
        for t in range(7):
            h = np.tanh(x[t, b] @ p["wx"] + h @ p["wh"] + p["b"])
            assert np.allclose(hs[t + 1, b], h)
            assert np.allclose(y[t, b], h @ p["wy"] + p["by"])


def test_forecast_gradient_matches_central_differences() -> None:
    rng = np.random.default_rng(2)
    p = demo.init_rnn(rng, 1, 3, 1)
    x, y = demo.sine_windows(np.array([0, 5, 11]))
    _, grads = demo.forecast_loss(p, x, y)
    for key in p:
        original = p[key]

        def loss_of(w: np.ndarray, key: str = key) -> float:
            p[key] = w
            return demo.forecast_loss(p, x, y)[0]

        numeric = nn.numerical_gradient(loss_of, original)
        p[key] = original
        assert np.allclose(grads[key], numeric, rtol=1e-6, atol=1e-9), key


def test_blocked_products_equal_plain_ones() -> None:
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((5000, 48)), rng.standard_normal((48, 40))
    c = rng.standard_normal((5000, 40))
    assert np.allclose(demo.matmul(a, b), a @ b)
    assert np.allclose(demo.gram(a, c), a.T @ c)


def test_same_seed_same_sample_other_seed_other_sample() -> None:
    first = run(seed=7)[-1]["metrics"]["sample"]
    assert run(seed=7)[-1]["metrics"]["sample"] == first
    assert run(seed=8)[-1]["metrics"]["sample"] != first
