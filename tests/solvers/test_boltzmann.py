"""boltzmann: CD-1 raises the exact likelihood; P(h|v) from the energy is the sigmoid."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from demo_runs import broken_events, demo_events, demo_metrics, failed_evidence

from solvers import boltzmann as demo
from solvers import nn
from solvers.cli import execute
from solvers.params import resolve


def run(**values: Any) -> list[dict[str, Any]]:
    return demo_events(demo, **values)


def metrics(**values: Any) -> dict[str, Any]:
    return demo_metrics(demo, **values)


def fresh_run(**values: Any) -> list[dict[str, Any]]:
    """A run that bypasses the cache, for mutation tests that patch the module."""
    return list(execute(demo, resolve(demo.PARAMS, {k: str(v) for k, v in values.items()})))


def random_rbm(hidden: int, scale: float, seed: int) -> tuple[nn.Array, nn.Array, nn.Array]:
    rng = np.random.default_rng(seed)
    return (
        scale * rng.standard_normal(demo.VISIBLE),
        scale * rng.standard_normal(hidden),
        scale * rng.standard_normal((demo.VISIBLE, hidden)),
    )


def test_defaults_pass_every_check() -> None:
    events = run()
    found = [e for e in events if e["type"] == "check"]
    assert len(found) == 6
    assert all(c["passed"] for c in found), found
    assert sum(c["control"] for c in found) == 2
    assert events[-1]["ok"]


def test_training_climbs_towards_the_ceiling() -> None:
    m = metrics()
    assert abs(m["initial_log_likelihood"] + 6 * np.log(2)) < 0.1  # small weights: ~uniform
    assert m["final_log_likelihood"] > m["initial_log_likelihood"] + 1.0
    assert m["final_log_likelihood"] > m["independent_log_likelihood"]
    assert m["final_log_likelihood"] <= m["ceiling"]


def test_log_likelihood_is_streamed_every_epoch() -> None:
    points = [e for e in run() if e["type"] == "point" and e["series"] == "log-likelihood (exact)"]
    assert [p["x"] for p in points] == list(range(0, 201))
    control = "log-likelihood, W frozen (control)"
    assert {p["series"] for p in run() if p["type"] == "point"} == {points[0]["series"], control}


def test_more_hidden_units_fit_better() -> None:
    assert metrics(hidden=1)["final_log_likelihood"] < metrics()["final_log_likelihood"]


def test_smaller_learning_rate_climbs_slower() -> None:
    def rise(m: dict[str, Any]) -> float:
        return float(m["final_log_likelihood"] - m["initial_log_likelihood"])

    assert 0 < rise(metrics(lr=0.01)) < rise(metrics())


def test_conditional_from_energy_is_the_sigmoid_even_for_large_weights() -> None:
    a, b, w = random_rbm(4, 5.0, seed=1)
    vs = demo.states(demo.VISIBLE)
    by_energy = demo.hidden_by_enumeration(vs, a, b, w)
    assert np.max(np.abs(by_energy - demo.hidden_given_visible(vs, b, w))) <= 1e-12


def test_free_energy_sums_out_the_hidden_units() -> None:
    a, b, w = random_rbm(3, 1.0, seed=2)
    vs, hs = demo.states(demo.VISIBLE), demo.states(3)
    neg = -demo.energy(vs, hs, a, b, w)
    brute = -np.log(np.sum(np.exp(neg), axis=1))
    assert np.max(np.abs(demo.free_energy(vs, a, b, w) - brute)) < 1e-12
    assert abs(demo.log_partition(a, b, w) - np.log(np.sum(np.exp(neg)))) < 1e-12


def test_exact_gradient_is_data_minus_model_expectation() -> None:
    # ∂/∂a (1/n) Σ log P(vᵢ) = ⟨v⟩_data − ⟨v⟩_model: the quantity CD-1 approximates.
    a, b, w = random_rbm(3, 0.5, seed=3)
    data = demo.make_bars(40, np.random.default_rng(4))
    vs = demo.states(demo.VISIBLE)
    p_model = np.exp(-demo.free_energy(vs, a, b, w) - demo.log_partition(a, b, w))
    expected = data.mean(axis=0) - p_model @ vs
    numeric = nn.numerical_gradient(lambda x: demo.log_likelihood(data, x, b, w), a)
    assert np.max(np.abs(numeric - expected)) < 1e-8


def test_the_rbm_beats_independent_bits_and_its_frozen_w_control_does_not() -> None:
    m = metrics()
    assert m["final_log_likelihood"] > m["independent_log_likelihood"] + demo.MARGIN
    assert m["control_log_likelihood"] <= m["independent_log_likelihood"] + demo.MARGIN
    # The control is the same start, trained: it climbs, but only as far as the biases go.
    assert m["control_log_likelihood"] > m["initial_log_likelihood"] + 0.5


def test_frozen_w_fails_the_claim_as_predicted() -> None:
    events = broken_events(demo, "frozen-W")
    claim = next(e for e in events if e["type"] == "check" and e["kind"] == "empirical")
    assert claim["passed"] is False and not claim["control"]
    assert events[-1]["ok"] is True
    assert events[-1]["metrics"]["break"]["as_predicted"] is True


def test_cd1_is_biased_after_training_and_not_at_the_start() -> None:
    m = metrics()
    assert m["cd1_bias"] > demo.BIAS_K * m["cd1_bias_standard_error"]
    assert m["cd1_bias_at_start"] <= demo.BIAS_K * m["cd1_bias_standard_error_at_start"]


def test_the_mean_cd1_estimate_converges_to_the_enumerated_expectation() -> None:
    # E[CD-1] = ⟨v P(h|v)ᵀ⟩_data − E_(P₁)[v P(h|v)ᵀ], with P₁ one Gibbs step from the data.
    a, b, w = random_rbm(3, 1.0, seed=6)
    data = demo.make_bars(50, np.random.default_rng(7))
    one_step = demo.one_step_distribution(data, a, b, w)
    assert abs(one_step.sum() - 1.0) < 1e-12
    vs = demo.states(demo.VISIBLE)
    expected = data.T @ demo.hidden_given_visible(data, b, w) / len(data) - (
        vs * one_step[:, None]
    ).T @ demo.hidden_given_visible(vs, b, w)
    estimates = demo.cd1_weight_estimates(data, a, b, w, 4000, np.random.default_rng(8))
    se = estimates.std(axis=0) / np.sqrt(len(estimates))
    assert np.all(np.abs(estimates.mean(axis=0) - expected) < 5 * se + 1e-12)
    exact = demo.exact_weight_gradient(data, a, b, w)
    assert np.linalg.norm(expected - exact) == pytest.approx(
        demo.exact_cd1_bias(a, b, w, one_step), rel=1e-9
    )


@pytest.mark.parametrize("values", [{"lr": 0.01}, {"epochs": 20}, {"hidden": 1}, {"hidden": 2}])
def test_too_little_learning_or_capacity_is_reported_as_expected(values: dict[str, Any]) -> None:
    events = run(**values)
    assert events[-1]["ok"] is True, failed_evidence(events)
    assert not failed_evidence(events)


def test_a_wrong_conditional_fails_its_check(monkeypatch: pytest.MonkeyPatch) -> None:
    # Mutation: P(h|v) without the hidden bias no longer matches the energy.
    monkeypatch.setattr(demo, "hidden_given_visible", lambda v, b, w: nn.sigmoid(v @ w))
    events = fresh_run(epochs=10)
    assert "P(h_j = 1 | v) from the energy is the sigmoid" in failed_evidence(events)


def test_a_wrong_free_energy_fails_the_partition_check(monkeypatch: pytest.MonkeyPatch) -> None:
    # Mutation: dropping the "1 +" inside the log sums h out wrongly.
    def wrong(v: nn.Array, a: nn.Array, b: nn.Array, w: nn.Array) -> nn.Array:
        out: nn.Array = -(v @ a) - np.sum(b + v @ w, axis=-1)
        return out

    monkeypatch.setattr(demo, "free_energy", wrong)
    events = fresh_run(epochs=10)
    assert "summing out h analytically gives the same Z" in failed_evidence(events)


def test_an_exact_sampler_in_place_of_one_gibbs_step_fails_the_bias_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Mutation: draw the negative sample from the model itself (what CD-1 approximates):
    # the estimate becomes unbiased and the bias check must notice.
    def exact_estimates(
        data: nn.Array, a: nn.Array, b: nn.Array, w: nn.Array, count: int, rng: Any
    ) -> nn.Array:
        vs = demo.states(len(a))
        p = np.exp(-demo.free_energy(vs, a, b, w) - demo.log_partition(a, b, w))
        v1 = vs[rng.choice(len(vs), size=(count, len(data)), p=p / p.sum())]
        pos = data.T @ demo.hidden_given_visible(data, b, w) / len(data)
        neg = np.einsum("kni,knj->kij", v1, demo.hidden_given_visible(v1, b, w)) / len(data)
        out: nn.Array = pos[None] - neg
        return out

    monkeypatch.setattr(demo, "cd1_weight_estimates", exact_estimates)
    events = fresh_run()
    assert "CD-1 is a biased estimate of the gradient once the model has learned" in (
        failed_evidence(events)
    )
