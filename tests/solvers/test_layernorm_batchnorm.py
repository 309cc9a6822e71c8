"""layernorm-batchnorm: BN's training output depends on its batch (±1 at batch 2, a gap
falling like 1/√B); LN's is per example; the control trains BN with population statistics."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
from demo_runs import broken_events, demo_events, demo_metrics

from solvers import layernorm_batchnorm as demo
from solvers.cli import execute
from solvers.params import resolve


def run(**values: Any) -> list[dict[str, Any]]:
    return demo_events(demo, **values)


def metrics(**values: Any) -> dict[str, Any]:
    return demo_metrics(demo, **values)


def checks(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in events if e["type"] == "check"]


def test_defaults_pass_every_check() -> None:
    events = run()
    found = checks(events)
    assert [(c["kind"], c["control"]) for c in found] == [
        ("statistical", False),
        ("empirical", False),
        ("empirical", True),
        ("identity", False),
    ]
    assert all(c["passed"] for c in found), found
    assert events[-1]["ok"] is True


def test_small_batches_are_noisy_and_the_gap_follows_first_order() -> None:
    m = metrics()
    assert m["bn_rms_gap"] == pytest.approx(np.sqrt(1.5 / 4), rel=0.1)
    assert m["ln_rms_gap"] == 0.0 and m["winner"] == "layernorm"
    assert m["batch2_mean_squared_gap"] == pytest.approx(2 - 2 / np.sqrt(np.pi), abs=0.02)
    assert m["slope"] == pytest.approx(-0.5, abs=0.06)


def test_batch_two_makes_every_feature_plus_or_minus_one() -> None:
    x = np.random.default_rng(0).normal(3.0, 2.0, size=(50, 2, 5))
    out = demo.batch_norm_train(x)
    d = x[:, 0] - x[:, 1]
    # ±1, softened by ε: (d/2)/√(d²/4 + ε) = d/√(d² + 4ε).
    np.testing.assert_allclose(out[:, 0], d / np.sqrt(d**2 + 4 * demo.EPS), rtol=1e-12)
    assert np.median(np.abs(out)) > 0.9999
    np.testing.assert_allclose(out[:, 0], -out[:, 1], atol=1e-12)


def test_batch_one_erases_the_input() -> None:
    m = metrics(batch=1)
    assert m["bn_rms_gap"] == pytest.approx(1.0, abs=0.02)  # the gap is |z|
    events = run(batch=1)
    assert events[-1]["ok"] is True
    assert any("every output is β" in e.get("text", "") for e in events)


def test_layer_norm_is_per_example_and_two_features_become_plus_or_minus_one() -> None:
    rng = np.random.default_rng(1)
    x = rng.standard_normal((6, 7))
    np.testing.assert_array_equal(demo.layer_norm(x)[2], demo.layer_norm(x[2:3])[0])
    pair = demo.layer_norm(rng.standard_normal((10, 2)) * 5)
    np.testing.assert_allclose(np.abs(pair), 1.0, atol=1e-4)  # ±1, ε aside


def test_break_population_stats_fails_both_claims() -> None:
    events = broken_events(demo, "population-stats")
    failed = events[-1]["metrics"]["break"]["failed_checks"]
    assert len(failed) == 2 and failed[0].startswith("at batch 2")
    assert events[-1]["ok"] is True and events[-1]["metrics"]["bn_rms_gap"] == 0.0


def test_the_control_has_no_gap_at_all() -> None:
    control = next(c for c in checks(run()) if c["control"])
    assert "0.0e+00" in control["detail"]


def test_the_statistical_check_notices_a_wrong_formula(monkeypatch: pytest.MonkeyPatch) -> None:
    # Treat the batch-2 value as the large-batch first order 1.5/B = 0.75: must fail.
    monkeypatch.setattr(demo, "B2_GAP", 0.75)
    events = list(demo.run(seed=0, batch=4, features=16))
    assert checks(events)[0]["passed"] is False


@pytest.mark.parametrize("values", [{"features": 2}, {"features": 256}, {"batch": 1024}])
def test_extreme_settings_pass_without_warnings(values: dict[str, Any]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        events = list(execute(demo, resolve(demo.PARAMS, {k: str(v) for k, v in values.items()})))
    assert events[-1]["ok"] is True, events[-1]


def test_same_seed_same_run() -> None:
    assert list(demo.run(seed=5, batch=8, features=4)) == list(
        demo.run(seed=5, batch=8, features=4)
    )
