"""cd-bias: E[CD-k] computed exactly by enumeration; sampled CD-1 matches it and misses the
exact gradient; chains started at the model (the control) do not; the bias decays as |λ₂|ᵏ."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from demo_runs import broken_events, demo_events, demo_metrics, failed_evidence

from solvers import boltzmann
from solvers import cd_bias as demo
from solvers.boltzmann import make_bars, states


def run(**values: Any) -> list[dict[str, Any]]:
    return demo_events(demo, **values)


def random_rbm(hidden: int, scale: float, seed: int) -> tuple[Any, Any, Any]:
    rng = np.random.default_rng(seed)
    return (
        scale * rng.standard_normal(6),
        scale * rng.standard_normal(hidden),
        scale * rng.standard_normal((6, hidden)),
    )


def test_defaults_pass_every_check_with_a_control() -> None:
    events = run()
    found = [e for e in events if e["type"] == "check"]
    assert [c["kind"] for c in found] == [
        "numerical",
        "statistical",
        "statistical",
        "statistical",
        "numerical",
    ]
    assert all(c["passed"] for c in found), found
    assert [c["control"] for c in found] == [False, False, False, True, False]
    assert events[-1]["ok"] is True


def test_cd1_is_biased_but_points_uphill_and_cd_k_converges() -> None:
    m = demo_metrics(demo)
    assert m["bias_cd1"] > 0.2 and m["cosine_cd1"] > 0.9
    assert m["bias_cd10"] < 1e-4
    assert m["z_bias"] > 20 and m["z_control"] < demo.Z
    assert m["contraction"] == pytest.approx(m["lambda2"], rel=1e-3)  # the bound is tight


def test_transition_is_a_gibbs_kernel_with_the_model_as_stationary_distribution() -> None:
    a, b, w = random_rbm(3, 1.5, seed=1)
    t = demo.transition(a, b, w)
    np.testing.assert_allclose(t.sum(axis=1), 1.0, atol=1e-12)
    p = demo.model_distribution(a, b, w)
    np.testing.assert_allclose(p @ t, p, atol=1e-12)


def test_expected_cd1_matches_a_brute_force_monte_carlo_of_one_gibbs_step() -> None:
    a, b, w = random_rbm(2, 1.0, seed=2)
    t = demo.transition(a, b, w)
    v0 = states(6)[37:38]
    rng = np.random.default_rng(3)
    many = np.repeat(v0, 200_000, axis=0)
    h = demo.sample_rows(boltzmann.hidden_given_visible(many, b, w), rng)
    v1 = demo.sample_rows(boltzmann.visible_given_hidden(h, a, w), rng)
    freq = np.bincount(demo.index_of(v1), minlength=64) / len(v1)
    assert np.max(np.abs(freq - t[37])) < 0.005


def test_zero_weights_make_cd1_exact_and_it_is_a_prediction() -> None:
    events = run(weight_scale=0.0)
    assert events[-1]["ok"] is True
    assert events[-1]["metrics"]["bias_cd1"] < 1e-12
    assert any(e["type"] == "log" and e["text"].startswith("prediction") for e in events)


@pytest.mark.parametrize("values", [{"seed": 1}, {"hidden": 6, "weight_scale": 4.0}])
def test_other_settings_pass(values: dict[str, Any]) -> None:
    assert run(**values)[-1]["ok"] is True


def test_index_of_is_the_row_in_states() -> None:
    vs = states(6)
    assert list(demo.index_of(vs)) == list(range(64))
    data = make_bars(5, np.random.default_rng(0))
    np.testing.assert_array_equal(vs[demo.index_of(data)], data)


def test_stationary_start_fails_the_bias_check() -> None:
    events = broken_events(demo, "stationary-start")
    assert "CD-1 is biased: its mean differs from the exact gradient" in failed_evidence(events)
    assert events[-1]["ok"] is True and events[-1]["metrics"]["break"]["as_predicted"]
