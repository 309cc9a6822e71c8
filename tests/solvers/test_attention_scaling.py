"""attention-scaling: Var(q·k) = d_k; with 1/√d_k the softmax keeps its unit-variance entropy
and gradient at every d_k, without it (the control) it saturates."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from demo_runs import broken_events, demo_events, demo_metrics, failed_evidence

from solvers import attention_scaling as demo
from solvers import nn

CLAIM = "with 1/√d_k the attention keeps its unit-variance entropy and gradient at every d_k"


def run(**values: Any) -> list[dict[str, Any]]:
    return demo_events(demo, **values)


def test_defaults_pass_every_check_with_a_control() -> None:
    events = run()
    found = [e for e in events if e["type"] == "check"]
    assert [c["kind"] for c in found] == ["statistical", "numerical", "empirical", "empirical"]
    assert [c["control"] for c in found] == [False, False, False, True]
    assert all(c["passed"] for c in found), found
    assert events[-1]["ok"] is True


def test_unscaled_attention_saturates_at_large_d() -> None:
    m = demo_metrics(demo)
    assert m["saturated"] is True and m["top_weight_unscaled"] > 0.9
    assert m["entropy_unscaled"] < 0.1 * m["entropy_scaled"]
    assert m["jacobian_ratio"] < 0.5
    assert m["entropy_scaled"] == pytest.approx(m["unit_entropy"], abs=0.05)


def test_small_d_is_not_saturated_and_d_1_is_the_same_either_way() -> None:
    m = demo_metrics(demo, d_k=1)
    assert m["saturated"] is False
    assert m["entropy_scaled"] == m["entropy_unscaled"]


def test_jacobian_norm_formula() -> None:
    rng = np.random.default_rng(0)
    scores = rng.standard_normal((5, 7)) * 2.0
    _, _, jac, _, _ = demo.attention_stats(scores)
    direct = np.mean([np.linalg.norm(demo.softmax_jacobian(row)) for row in scores])
    assert jac == pytest.approx(direct, rel=1e-12)
    # Uniform attention: ‖J‖² = (n − 1)/n²; one-hot: 0.
    assert demo.attention_stats(np.zeros((1, 8)))[2] == pytest.approx(math.sqrt(7) / 8)
    assert demo.attention_stats(np.array([[0.0, 1e4, 0.0]]))[2] == pytest.approx(0.0, abs=1e-12)


def test_square_mean_se_matches_simulation() -> None:
    rng = np.random.default_rng(1)
    d, rows, cols = 8, 6, 5
    means = []
    for _ in range(4000):
        q, k = rng.standard_normal((rows, d)), rng.standard_normal((cols, d))
        means.append(np.mean((q @ k.T) ** 2))
    assert np.std(means) == pytest.approx(demo.square_mean_se(d, rows, cols), rel=0.05)


def test_log_softmax_entropy_is_stable_for_huge_scores() -> None:
    h, top, jac, _, _ = demo.attention_stats(np.array([[0.0, 1e300, -1e300]]))
    assert h == 0.0 and top == 1.0 and jac == 0.0
    assert np.isfinite(nn.log_softmax(np.array([0.0, 1e300]))).all()


@pytest.mark.parametrize("values", [{"seed": 1}, {"keys": 2, "queries": 32}, {"keys": 128}])
def test_other_settings_pass(values: dict[str, Any]) -> None:
    assert run(**values)[-1]["ok"] is True


@pytest.mark.parametrize("choice", ["no-scale", "scale-by-d"])
def test_each_break_fails_the_claim(choice: str) -> None:
    events = broken_events(demo, choice)
    assert failed_evidence(events) == [CLAIM]
    assert events[-1]["ok"] is True and events[-1]["metrics"]["break"]["as_predicted"]


def test_scale_by_d_flattens_towards_uniform() -> None:
    events = broken_events(demo, "scale-by-d")
    m = events[-1]["metrics"]
    assert m["entropy_scaled"] > m["unit_entropy"] + 0.3  # log 32 = 3.47 against H₁ ≈ 3.0


def test_variance_check_notices_components_of_the_wrong_variance() -> None:
    # The z-test behind "Var(q·k) = d_k" fails when its premise (unit-variance components)
    # is broken: variance 1.1 per component gives Var(q·k) = 1.21 d_k.
    rng = np.random.default_rng(2)
    d, rows, cols = 64, 256, 32
    q = np.sqrt(1.1) * rng.standard_normal((rows, d))
    k = np.sqrt(1.1) * rng.standard_normal((cols, d))
    z = (np.mean((q @ k.T) ** 2) - d) / demo.square_mean_se(d, rows, cols)
    assert z > demo.Z
