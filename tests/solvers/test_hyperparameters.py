"""hyperparameters: ridge's training error favours λ → 0, validation error does not."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import numpy as np
import pytest
from demo_runs import broken_events, demo_events, failed_evidence

from solvers import hyperparameters as demo
from solvers.cli import execute
from solvers.params import resolve


def run(**values: Any) -> list[dict[str, Any]]:
    return demo_events(demo, **values)


@pytest.mark.parametrize(
    "values", [{}, {"seed": 1}, {"seed": 5, "noise": 0.2}, {"noise": 0.8}, {"noise": 1.5}]
)
def test_checks_pass_and_lambda_is_interior(values: dict[str, Any]) -> None:
    events = run(**values)
    checks = [e for e in events if e["type"] == "check"]
    assert len(checks) == 4
    assert sum(c["control"] for c in checks) == 1
    assert all(c["passed"] for c in checks), [c for c in checks if not c["passed"]]
    m = events[-1]["metrics"]
    assert demo.LAMBDAS[0] < m["chosen_lambda"] < demo.LAMBDAS[-1]
    assert m["training_mse_rises"] is True
    assert m["validation_interior_minimum"] is True


def test_ridge_matches_an_augmented_least_squares_problem() -> None:
    # ‖Φw − y‖² + λ‖w‖² = ‖[Φ; √λ I] w − [y; 0]‖²
    rng = np.random.default_rng(2)
    phi, y = demo.sample(rng, 20, 0.3)
    lam = 0.05
    stacked = np.vstack([phi, np.sqrt(lam) * np.eye(phi.shape[1])])
    padded = np.concatenate([y, np.zeros(phi.shape[1])])
    expected = np.linalg.lstsq(stacked, padded, rcond=None)[0]
    assert np.allclose(demo.ridge(phi, y, lam), expected, rtol=1e-8, atol=1e-10)


def test_features_are_legendre_polynomials() -> None:
    x = np.array([-0.5, 0.0, 0.7])
    phi = demo.features(x)
    assert phi.shape == (3, demo.DEGREE + 1)
    assert np.allclose(phi[:, 0], 1.0)
    assert np.allclose(phi[:, 1], x)
    assert np.allclose(phi[:, 2], (3 * x**2 - 1) / 2)


def test_training_error_grows_and_weights_shrink_with_lambda() -> None:
    rng = np.random.default_rng(0)
    phi, y = demo.sample(rng, 20, 0.3)
    ws = [demo.ridge(phi, y, lam) for lam in demo.LAMBDAS]
    errors = [demo.mean_squared_error(phi, y, w) for w in ws]
    norms = [float(np.linalg.norm(w)) for w in ws]
    assert all(b >= a * (1 - 1e-12) for a, b in pairwise(errors))
    assert all(b <= a * (1 + 1e-12) for a, b in pairwise(norms))


def test_more_noise_means_more_regularisation_on_average() -> None:
    def chosen(noise: float) -> float:
        logs = [
            np.log10(run(seed=s, noise=noise)[-1]["metrics"]["chosen_lambda"]) for s in range(8)
        ]
        return float(np.mean(logs))

    assert chosen(0.8) > chosen(0.2)


def test_lambda_is_the_validation_argmin_computed_without_the_test_set() -> None:
    rng = np.random.default_rng(4)
    phi_train, y_train = demo.sample(rng, demo.N_TRAIN, 0.3)
    phi_val, y_val = demo.sample(rng, demo.N_VALIDATION, 0.3)
    val = [
        demo.mean_squared_error(phi_val, y_val, demo.ridge(phi_train, y_train, lam))
        for lam in demo.LAMBDAS
    ]
    m = run(seed=4)[-1]["metrics"]
    assert m["chosen_lambda"] == demo.LAMBDAS[int(np.argmin(val))]
    assert m["validation_mse"] == pytest.approx(min(val), rel=1e-12)


def test_validations_choice_beats_training_errors_on_the_test_set() -> None:
    m = run()[-1]["metrics"]
    assert m["test_gain"] > 100
    assert m["test_mse_training_choice"] > 100 * m["test_mse"]


def test_without_held_out_data_both_claims_fail() -> None:
    events = broken_events(demo, "no-held-out")
    assert failed_evidence(events) == [
        "validation error has an interior minimum",
        "validation's λ does better on the test set than training error's",
    ]
    assert events[-1]["metrics"]["chosen_lambda"] == demo.LAMBDAS[0]


def test_no_noise_reports_the_expected_outcome_and_exits_0() -> None:
    events = run(noise=0)
    assert events[-1]["ok"] is True
    names = [e["name"] for e in events if e["type"] == "check"]
    assert "validation error has an interior minimum" not in names
    expected = [e["text"] for e in events if e["type"] == "log" and "as expected" in e["text"]]
    assert len(expected) == 2
    assert events[-1]["metrics"]["chosen_lambda"] == demo.LAMBDAS[0]


def test_weights_that_ignore_the_penalty_fail_the_stationarity_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Mutation: solve without λ, so w(λ) no longer minimises ‖Φw − y‖² + λ‖w‖².
    plain = demo.ridge
    monkeypatch.setattr(demo, "ridge", lambda phi, y, lam: plain(phi, y, 1e-12))
    events = list(execute(demo, resolve(demo.PARAMS, {})))
    assert "parameters are learned: w minimises the training objective" in failed_evidence(events)
