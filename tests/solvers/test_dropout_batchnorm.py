"""dropout-batchnorm: the expectation of inverted dropout, batch norm's two modes."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from demo_runs import broken_events, demo_events, failed_evidence

from solvers import dropout_batchnorm as demo
from solvers import nn
from solvers.cli import execute
from solvers.params import resolve


def run(**values: Any) -> list[dict[str, Any]]:
    return demo_events(demo, **values)


@pytest.mark.parametrize(
    "values", [{}, {"seed": 3}, {"rate": 0.0}, {"rate": 0.9, "eps": 1e-3}, {"eps": 1.0}]
)
def test_every_check_passes(values: dict[str, Any]) -> None:
    events = run(**values)
    checks = [e for e in events if e["type"] == "check"]
    assert len(checks) == 11
    assert all(c["passed"] for c in checks), [c for c in checks if not c["passed"]]
    assert sum(c["control"] for c in checks) == 2
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


def test_without_the_rescale_the_mean_is_one_minus_p_times_x() -> None:
    ratios = run(rate=0.2)[-1]["metrics"]["control_dropout_mean_ratio"]
    assert ratios == pytest.approx([0.8] * demo.UNITS, abs=0.02)


def test_at_rate_zero_the_dropout_control_is_expected_to_match() -> None:
    events = run(rate=0.0)
    control = next(e for e in events if e["type"] == "check" and "rescale" in e["name"])
    assert control["passed"] and "cannot differ, as expected" in control["detail"]


def test_served_one_at_a_time_inference_keeps_the_spread_and_train_mode_erases_it() -> None:
    m = run()[-1]["metrics"]
    target = demo.GAMMA * np.sqrt(demo.FEATURE_STDS**2 / (demo.FEATURE_STDS**2 + 1e-5))
    assert m["served_std"] == pytest.approx(target.tolist(), rel=0.1)
    rng = np.random.default_rng(0)
    rows = demo.sample_batch(rng, 5)
    running = (demo.FEATURE_MEANS, demo.FEATURE_STDS**2)
    erased = demo.serve_one_at_a_time(rows, demo.GAMMA, demo.BETA, running, 1e-5, train_mode=True)
    assert np.allclose(erased, demo.BETA, rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    ("choice", "claims"),
    [
        (
            "no-rescale",
            [
                "inverted dropout keeps the expected activation",
                "the fraction dropped is the rate, survivors are scaled by 1/(1 − p)",
            ],
        ),
        (
            "train-mode-inference",
            ["inference normalises with the population statistics, one example at a time"],
        ),
    ],
)
def test_each_break_fails_the_claim_it_supports(choice: str, claims: list[str]) -> None:
    events = broken_events(demo, choice)
    assert failed_evidence(events) == claims
    assert events[-1]["ok"] is True


def test_running_statistics_from_the_wrong_population_fail_the_inference_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Mutation: the EMA forgets its batches (momentum 0 keeps the start 0 and 1), so the
    # running statistics are not the population's and the served outputs are off.
    monkeypatch.setattr(demo, "MOMENTUM", 1e-9)
    events = list(execute(demo, resolve(demo.PARAMS, {})))
    failed = failed_evidence(events)
    assert "inference normalises with the population statistics, one example at a time" in failed
    assert "running averages estimate the population statistics" in failed
