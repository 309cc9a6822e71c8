"""softmax: the stable formula on the user's logits, its controls, and ReLU's exact zeros."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from demo_runs import broken_events, demo_events, demo_metrics, failed_evidence
from scipy.special import log_softmax as scipy_log_softmax
from scipy.special import softmax as scipy_softmax

from solvers import nn
from solvers import softmax as demo
from solvers.cli import execute
from solvers.params import resolve


def run(**values: Any) -> list[dict[str, Any]]:
    return demo_events(demo, **values)


def checks(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in events if e["type"] == "check"]


def texts(events: list[dict[str, Any]]) -> list[str]:
    return [e["text"] for e in events if e["type"] == "log"]


def test_defaults_pass_with_three_controls_that_fail() -> None:
    events = run()
    found = checks(events)
    assert all(c["passed"] for c in found), [c for c in found if not c["passed"]]
    assert sum(c["control"] for c in found) == 3
    assert events[-1]["ok"] is True
    p = demo_metrics(demo)["probabilities"]
    assert p == pytest.approx(scipy_softmax([2.0, 1.0, 0.1]).tolist(), abs=1e-15)


@pytest.mark.parametrize(
    ("logits", "temperature"),
    [
        ("2,1,0.1", 1.0),
        ("1000,1001", 1.0),
        ("-1000,-1001", 1.0),
        ("1e6,-1e6", 0.001),
        ("0,-800,3", 1.0),
        ("5,5,5", 0.5),
    ],
)
def test_probabilities_agree_with_scipy_and_every_check_passes(
    logits: str, temperature: float
) -> None:
    events = run(logits=logits, temperature=temperature)
    assert events[-1]["ok"] is True, events[-1].get("error")
    assert all(c["passed"] for c in checks(events))
    z = np.array([float(v) for v in logits.split(",")]) / temperature
    m = events[-1]["metrics"]
    assert m["probabilities"] == pytest.approx(scipy_softmax(z).tolist(), abs=1e-15)
    assert m["log_probabilities"] == pytest.approx(scipy_log_softmax(z).tolist(), rel=1e-12)


@pytest.mark.parametrize(
    ("logits", "finite", "why"),
    [
        ("2,1,0.1", True, "it works here"),
        ("1000,1001", False, "Σ e^z overflows"),
        ("-1000,-1001", False, "every e^z underflows"),
        ("709,0", True, "it works here"),
        ("710,0", False, "Σ e^z overflows"),
    ],
)
def test_the_textbook_formula_runs_on_the_given_logits(logits: str, finite: bool, why: str) -> None:
    events = run(logits=logits)
    line = next(t for t in texts(events) if t.startswith("The textbook"))
    assert why in line and line.endswith("as predicted.")
    assert events[-1]["metrics"]["naive_finite"] is finite


def test_a_saturated_softmax_is_not_a_failure() -> None:
    # The false failure: scaling cannot change an already one-hot output.
    events = run(logits="1e6,-1e6", temperature=0.001)
    assert events[-1]["ok"] is True
    scaling = next(c for c in checks(events) if c["name"].startswith("scaling"))
    assert scaling["passed"] and "one-hot to float precision" in scaling["detail"]


def test_underflow_on_the_given_logits_is_shown() -> None:
    events = run(logits="0,-800,3")
    line = next(t for t in texts(events) if t.startswith("On your logits"))
    assert "−inf for class 1" in line and "-803.049" in line
    assert math.isfinite(events[-1]["metrics"]["log_probabilities"][1])


def test_relu_sparsity_is_the_predicted_fraction() -> None:
    sparsity = demo_metrics(demo)["relu_sparsity"]
    assert sparsity == pytest.approx((7 * 0.5 + 1) / 8, abs=0.03)


@pytest.mark.parametrize(
    ("choice", "claim"),
    [
        ("no-max-shift", "stable: the logits shifted so the largest is 1000"),
        ("log-of-softmax", "log-softmax stays finite where softmax underflows"),
        ("no-clamp", "ReLU activations are sparse"),
    ],
)
def test_each_break_fails_its_own_check(choice: str, claim: str) -> None:
    failed = failed_evidence(broken_events(demo, choice))
    assert len(failed) == 1 and failed[0].startswith(claim), failed


def test_a_wrong_softmax_fails_the_reference_check(monkeypatch: pytest.MonkeyPatch) -> None:
    # A softmax that forgets to normalise: the reference comparison must notice.
    monkeypatch.setattr(nn, "softmax", lambda z, axis=-1: np.exp(z - np.max(z)))
    events = list(execute(demo, resolve(demo.PARAMS, {})))
    assert "softmax matches pᵢ = 1 / Σⱼ e^(zⱼ − zᵢ) on your logits" in failed_evidence(events)


def test_a_wrong_sigmoid_fails_the_two_class_check(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nn, "sigmoid", lambda v: 1.0 / (1.0 + np.exp(v)))  # σ(−v)
    events = list(execute(demo, resolve(demo.PARAMS, {})))
    assert failed_evidence(events) == ["two classes: softmax is the sigmoid of the difference"]
