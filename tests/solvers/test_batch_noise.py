"""batch-noise: SGD's floor at constant η matches the stationary-variance prediction and
falls as 1/B; full-batch GD, the control, has none."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from demo_runs import broken_events, demo_events, demo_metrics, failed_evidence

from solvers import batch_noise as demo


def run(**values: Any) -> list[dict[str, Any]]:
    return demo_events(demo, **values)


def checks(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in events if e["type"] == "check"]


def prediction_logs(events: list[dict[str, Any]]) -> list[str]:
    return [e["text"] for e in events if e["type"] == "log" and e["text"].startswith("prediction")]


def test_defaults_pass_every_check_with_a_control() -> None:
    events = run()
    found = checks(events)
    assert len(found) == 4
    assert all(c["passed"] for c in found), found
    assert [c["control"] for c in found] == [False, False, False, True]
    assert events[-1]["ok"] is True


def test_floor_is_about_eta_over_b() -> None:
    m = demo_metrics(demo)
    assert m["floor_b1"] / m["floor_b64"] == pytest.approx(64, rel=0.4)
    assert m["slope"] == pytest.approx(-1.0, abs=0.15)
    assert m["floor"] == pytest.approx(m["predicted_floor"], rel=0.3)  # B = 8, the user's
    assert m["scaling_ratio"] == pytest.approx(1.0, abs=0.3)


def test_halving_the_rate_halves_the_floor() -> None:
    half = demo_metrics(demo, lr=0.025, steps=6000)
    assert half["floor_b4"] / demo_metrics(demo)["floor_b4"] == pytest.approx(0.5, rel=0.3)


def test_prediction_solves_the_stationary_equation_and_small_eta_limit() -> None:
    rng = np.random.default_rng(0)
    x, y = demo.make_data(0.5, rng)
    w = np.linalg.lstsq(x, y, rcond=None)[0]
    r = x @ w - y
    c = (x * r[:, None]).T @ (x * r[:, None]) / len(x)
    # η → 0: ½ tr(H S) → η tr(C) / (4B).
    lr, batch = 1e-4, 4
    assert demo.predicted_floor(x, r, lr, batch) == pytest.approx(
        lr * np.trace(c) / (4 * batch), rel=1e-3
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_other_seeds_pass(seed: int) -> None:
    assert run(seed=seed)[-1]["ok"] is True


def test_interpolating_data_has_no_floor_and_says_so() -> None:
    events = run(noise=0.0)
    assert events[-1]["ok"] is True
    assert any("no floor" in text for text in prediction_logs(events))
    assert [c["name"] for c in checks(events)] == [
        "interpolating data: SGD converges to the optimum at every batch size"
    ]


@pytest.mark.parametrize(
    ("values", "words"),
    [
        ({"lr": 0.5}, "beyond SGD's stability limit"),
        ({"lr": 0.25}, "close to SGD's stability"),
        ({"lr": 0.001}, "too few for the floor to settle"),
    ],
)
def test_regimes_outside_the_check_are_predictions(values: dict[str, Any], words: str) -> None:
    events = run(**values)
    assert events[-1]["ok"] is True
    assert any(words in text for text in prediction_logs(events))


def test_no_sampling_break_fails_the_floor_checks() -> None:
    events = broken_events(demo, "no-sampling")
    failed = failed_evidence(events)
    assert (
        "SGD at constant η stalls at the floor the gradient noise predicts, for every B" in failed
    )
    assert any(name.startswith("the floor falls as 1/B") for name in failed)
    assert events[-1]["ok"] is True and events[-1]["metrics"]["break"]["as_predicted"]


def test_control_is_orders_of_magnitude_below_the_floor() -> None:
    m = demo_metrics(demo)
    assert m["gd_floor"] < 1e-20 * m["floor_b64"]
