"""rnn-uses: BPTT is right, the language model uses context, the forecaster beats naive."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from demo_runs import broken_events, demo_events, failed_evidence

from solvers import nn
from solvers import rnn_uses as demo
from solvers.cli import execute
from solvers.params import resolve


def run(**values: Any) -> list[dict[str, Any]]:
    return demo_events(demo, **values)


@pytest.fixture(scope="module")
def default_events() -> list[dict[str, Any]]:
    return run()


def test_defaults_pass_and_beat_the_baselines(default_events: list[dict[str, Any]]) -> None:
    checks = [e for e in default_events if e["type"] == "check"]
    assert len(checks) == 6
    assert sum(c["control"] for c in checks) == 2
    assert all(c["passed"] for c in checks), [c for c in checks if not c["passed"]]
    m = default_events[-1]["metrics"]
    assert m["rnn_bits_per_char_held_out"] < m["bigram_bits_per_char_held_out"] - 0.3
    assert m["rnn_bits_per_char_held_out"] < m["unigram_bits_per_char_held_out"] - 1.0
    assert m["control_bits_per_char_held_out"] > m["bigram_bits_per_char_held_out"] - 0.1
    assert m["forecast_mse"] * 10 < m["naive_mse"]
    assert m["control_forecast_mse"] * 2 > m["naive_mse"]
    assert m["sample"].startswith("the ") and len(m["sample"]) == 64


def test_the_count_ladder_climbs_and_its_top_beats_the_rnn_here(
    default_events: list[dict[str, Any]],
) -> None:
    m = default_events[-1]["metrics"]
    held = m["ngram_bits_per_char_held_out"]
    assert held["unigram"] > held["bigram"] > held["trigram"] > held["5-gram"]
    # Said, not hidden: on 6 kB and 80 steps the 5-gram counts win.
    assert held["5-gram"] < m["rnn_bits_per_char_held_out"]
    logs = [e["text"] for e in default_events if e["type"] == "log"]
    assert any(t.startswith("The counts still win on this text") for t in logs)


def test_without_recurrence_both_claims_fail() -> None:
    events = broken_events(demo, "no-recurrence")
    assert failed_evidence(events) == [
        "the RNN's state carries more than the current character",
        "the RNN forecasts far better than repeating the last value",
    ]


def test_a_tiny_state_is_reported_as_expected_not_failed() -> None:
    events = run(hidden=2, seed=1)
    assert events[-1]["ok"] is True
    expected = [e["text"] for e in events if e["type"] == "log" and "expected" in e["text"]]
    assert len(expected) == 2


def test_training_loss_is_streamed_and_falls(default_events: list[dict[str, Any]]) -> None:
    for series, fall in (("language model (bits/char)", 0.5), ("forecast (MSE)", 0.2)):
        ys = [e["y"] for e in default_events if e["type"] == "point" and e["series"] == series]
        assert 10 <= len(ys) <= 300
        assert ys[-1] < fall * ys[0]


@pytest.mark.parametrize("values", [{"hidden": 4, "seed": 3}, {"hidden": 16, "seed": 1}])
def test_other_sizes_and_seeds_pass(values: dict[str, Any]) -> None:
    assert run(**values)[-1]["ok"] is True


def test_naive_forecast_error_is_one_minus_cos_omega(default_events: list[dict[str, Any]]) -> None:
    # mean of (sin(ω(t+1)) − sin(ωt))² = 2 sin²(ω/2) = 1 − cos ω over a full period
    naive = default_events[-1]["metrics"]["naive_mse"]
    assert naive == pytest.approx(1 - math.cos(demo.SINE_OMEGA), rel=0.05)


def test_ngram_orders_one_and_two_are_smoothed_counts() -> None:
    train = np.array([0, 1, 0, 1, 0, 2])
    held = np.array([0, 1, 2])
    # Unigram: add-one counts.
    q = (np.bincount(train, minlength=3) + 1) / (len(train) + 3)
    assert demo.ngram_bits(train, held, 1, 3) == pytest.approx(-np.mean(np.log2(q[held[1:]])))
    # Bigram after "0": counts 1→2, 2→1 (T = 2 types, 3 tokens), interpolated with q.
    p_1_after_0 = (2 + 2 * q[1]) / (3 + 2)
    p_2_after_1 = (0 + 1 * q[2]) / (2 + 1)  # "1" was followed by "0" twice: one type
    expected = -(math.log2(p_1_after_0) + math.log2(p_2_after_1)) / 2
    assert demo.ngram_bits(train, held, 2, 3) == pytest.approx(expected)


def test_window_mlp_gradient_matches_central_differences() -> None:
    rng = np.random.default_rng(4)
    vocab = 5
    p = {
        "w1": rng.standard_normal((demo.WINDOW * vocab, 6)),
        "b1": rng.standard_normal(6),
        "w2": rng.standard_normal((6, vocab)),
        "b2": rng.standard_normal(vocab),
    }
    contexts = rng.integers(0, vocab, (7, demo.WINDOW))
    targets = rng.integers(0, vocab, 7)
    _, grads = demo.mlp_loss(p, contexts, targets, vocab)
    for key in p:
        original = p[key]

        def loss_of(w: np.ndarray, key: str = key) -> float:
            p[key] = w
            return demo.mlp_loss(p, contexts, targets, vocab)[0]

        numeric = nn.numerical_gradient(loss_of, original)
        p[key] = original
        assert np.allclose(grads[key], numeric, rtol=1e-6, atol=1e-9), key


def test_without_recurrence_the_fast_path_is_the_same_recurrence() -> None:
    rng = np.random.default_rng(6)
    p = demo.init_rnn(rng, 3, 4, 2)
    p["wh"][:] = 0.0
    x = rng.standard_normal((5, 2, 3))
    pre, hs, y = demo.rnn_forward(p, x)
    assert np.allclose(hs[1:], np.tanh(x @ p["wx"] + p["b"]))
    dy = rng.standard_normal(y.shape)
    grads = demo.rnn_backward(p, x, pre, hs, dy)
    tiny = dict(p, wh=np.full((4, 4), 1e-300))  # nonzero: takes the loop, same numbers
    loop = demo.rnn_backward(tiny, x, *demo.rnn_forward(tiny, x)[:2], dy)
    for key in p:
        assert np.allclose(grads[key], loop[key], rtol=1e-12, atol=1e-15), key


def test_ar2_recovers_the_sine_recurrence() -> None:
    coef = demo.fit_ar2(demo.sine(np.arange(100.0)))
    assert coef == pytest.approx([2 * math.cos(demo.SINE_OMEGA), -1.0], abs=1e-10)


def test_the_bundled_text_is_small_and_split_at_a_sentence() -> None:
    train, held = demo.load_text()
    assert len(train) + len(held) < 100_000
    assert train.endswith(". ") and held[0].isalpha()
    assert set(held) <= set(train)


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


def fresh_run(**values: Any) -> list[dict[str, Any]]:
    """A run that bypasses the cache, for mutation tests that patch the module."""
    return list(execute(demo, resolve(demo.PARAMS, {k: str(v) for k, v in values.items()})))


def test_truncated_bptt_fails_the_gradient_check(monkeypatch: pytest.MonkeyPatch) -> None:
    # Mutation: back-propagate one step only (no δ_{t+1} W_hᵀ term).
    def one_step(
        p: demo.Params, x: np.ndarray, pre: np.ndarray, hs: np.ndarray, dy: np.ndarray
    ) -> demo.Params:
        delta = (dy @ p["wy"].T) * nn.tanh_grad(pre)
        flat_delta = delta.reshape(-1, delta.shape[2])
        return {
            "wx": x.reshape(-1, x.shape[2]).T @ flat_delta,
            "wh": hs[:-1].reshape(-1, delta.shape[2]).T @ flat_delta,
            "b": flat_delta.sum(axis=0),
            "wy": hs[1:].reshape(-1, delta.shape[2]).T @ dy.reshape(-1, dy.shape[2]),
            "by": dy.sum(axis=(0, 1)),
        }

    monkeypatch.setattr(demo, "rnn_backward", one_step)
    assert demo.gradient_check(np.random.default_rng(0)) > 1e-3


def test_a_one_lag_recurrence_fails_the_ar2_check(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        demo, "fit_ar2", lambda s: np.array([np.dot(s[1:], s[:-1]) / np.dot(s[:-1], s[:-1]), 0.0])
    )
    monkeypatch.setattr(demo, "LM_ITERATIONS", 5)
    events = fresh_run()
    assert "a sine is an exact two-term linear recurrence" in failed_evidence(events)
