"""dropout-curve: with dropout the validation loss stays near its minimum and the reported
training loss lies above it; without dropout (the control) neither holds."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
from demo_runs import broken_events, checks, demo_events, demo_metrics

from solvers import dropout_curve as demo
from solvers.cli import execute
from solvers.params import resolve


def run(**values: Any) -> list[dict[str, Any]]:
    return demo_events(demo, **values)


def metrics(**values: Any) -> dict[str, Any]:
    return demo_metrics(demo, **values)


NEAR_MIN = "with dropout the validation loss stays near its minimum"
ABOVE = "with dropout the reported training loss lies above the validation loss"


def test_defaults_pass_every_check_each_with_its_control() -> None:
    events = run()
    found = list(checks(events).values())
    assert [(c["kind"], c["control"]) for c in found] == [
        ("empirical", False),
        ("empirical", True),
        ("empirical", False),
        ("empirical", True),
    ]
    assert all(c["passed"] for c in found), found
    assert events[-1]["ok"] is True


def test_the_curves_tell_the_story() -> None:
    m = metrics()
    assert m["winner"] == "dropout" and m["ratio"] < 0.8
    assert m["rise_plain"] > demo.RISE >= m["rise_dropout"]
    assert m["train_above_val"] is True and m["dropout_penalty"] > 0.05
    assert m["gap_dropout"] < 0.5 * m["gap_plain"]  # the gap between the curves closes


def test_every_series_is_streamed_every_ten_epochs() -> None:
    points = [e for e in run() if e["type"] == "point"]
    series = {p["series"] for p in points}
    assert len(series) == 4
    for name in series:
        xs = [p["x"] for p in points if p["series"] == name]
        assert xs == list(range(demo.EVERY, demo.EPOCHS + 1, demo.EVERY))


def test_break_no_dropout_fails_both_claims_as_predicted() -> None:
    events = broken_events(demo, "no-dropout")
    assert events[-1]["metrics"]["break"]["failed_checks"] == [NEAR_MIN, ABOVE]
    assert events[-1]["ok"] is True
    # The dropout run is then the plain MLP, step for step.
    m = events[-1]["metrics"]
    assert m["val_dropout"] == m["val_plain"]


def test_controls_fail_the_claims_by_a_margin() -> None:
    found = checks(run())
    m = metrics()
    assert m["rise_plain"] > 1.4
    assert (
        "-0.0"
        in found["control: without dropout the training loss lies below the validation loss"][
            "detail"
        ]
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_other_seeds_pass(seed: int) -> None:
    assert run(seed=seed)[-1]["ok"] is True


@pytest.mark.parametrize(
    ("values", "text"),
    [
        ({"rate": 0.0}, "too little dropout"),
        ({"examples": 20}, "cannot stop it"),
        ({"examples": 400}, "less to overfit"),
        ({"rate": 0.3}, "only while the dropout penalty exceeds the generalisation gap"),
    ],
)
def test_settings_outside_the_regime_are_predictions(values: dict[str, Any], text: str) -> None:
    events = run(**values)
    assert events[-1]["ok"] is True
    assert any(e["type"] == "log" and text in e["text"] for e in events)


def test_with_rate_zero_both_runs_are_the_same_network() -> None:
    m = metrics(rate=0.0)
    assert m["val_dropout"] == m["val_plain"] and m["dropout_penalty"] == 0.0


def test_the_masked_loss_is_the_eval_loss_plus_a_penalty_on_average() -> None:
    # Jensen: the loss is convex in the logit and E[masked logit] = eval logit when the
    # mask sits right before the linear output, so the mean masked loss is ≥ the eval loss.
    rng = np.random.default_rng(0)
    a = np.abs(rng.standard_normal((50, 16)))
    w = rng.standard_normal(16)
    y = (rng.random(50) < 0.5).astype(float)
    masks = (rng.random((4000, 50, 16)) >= 0.5) / 0.5
    masked = demo.bce((a * masks) @ w, y).mean()
    assert np.mean((a * masks) @ w, axis=0) == pytest.approx(a @ w, abs=0.4)  # ≈ 6 SE
    assert masked > demo.bce(a @ w, y).mean() + 0.1


@pytest.mark.parametrize("values", [{"rate": 0.9}, {"examples": 20}, {"rate": 0.0}])
def test_runs_without_numpy_warnings(values: dict[str, Any]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        events = list(execute(demo, resolve(demo.PARAMS, {k: str(v) for k, v in values.items()})))
    assert events[-1]["ok"] is True, events[-1]


def test_same_seed_same_run() -> None:
    assert list(demo.run(seed=2, rate=0.5, examples=100)) == list(
        demo.run(seed=2, rate=0.5, examples=100)
    )
