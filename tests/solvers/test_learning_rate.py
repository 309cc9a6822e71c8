"""learning-rate: the threshold 2/L comes from the data, and it is sharp."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import numpy as np
import pytest
from demo_runs import broken_events, checks, demo_events, demo_metrics, failed_evidence

from solvers import learning_rate as demo
from solvers.cli import execute
from solvers.params import resolve


def run(**values: Any) -> list[dict[str, Any]]:
    return demo_events(demo, **values)


def metrics(**values: Any) -> dict[str, Any]:
    return demo_metrics(demo, **values)


def test_defaults_pass_every_check_and_converge() -> None:
    events = run()
    checks = [e for e in events if e["type"] == "check"]
    assert len(checks) >= 5
    assert all(c["passed"] for c in checks), [c for c in checks if not c["passed"]]
    done = events[-1]
    assert done["ok"] is True
    m = done["metrics"]
    assert m["diverged"] is False
    assert 0.1 < m["threshold"] < 2.0
    assert m["lr"] < m["threshold"]
    assert m["final_loss"] == pytest.approx(m["optimum_loss"], rel=1e-4)
    assert m["min_loss"] <= m["final_loss"]


def test_threshold_is_two_over_largest_hessian_eigenvalue() -> None:
    x, _ = demo.make_data(0)
    big_l = np.linalg.eigvalsh(x.T @ x / len(x))[-1]
    assert metrics()["threshold"] == pytest.approx(2.0 / big_l, rel=1e-12)
    # An independent estimate of L: power iteration on XᵀX/n.
    v = np.ones(x.shape[1])
    for _ in range(200):
        v = x.T @ (x @ v) / len(x)
        v /= np.linalg.norm(v)
    assert v @ (x.T @ (x @ v)) / len(x) == pytest.approx(big_l, rel=1e-9)


@pytest.mark.parametrize("seed", [0, 1, 7])
def test_threshold_is_sharp(seed: int) -> None:
    threshold = metrics(seed=seed)["threshold"]
    below = metrics(seed=seed, lr=0.99 * threshold)
    above = metrics(seed=seed, lr=1.01 * threshold)
    assert below["diverged"] is False
    assert above["diverged"] is True
    assert below["final_loss"] < below["min_loss"] * (1 + 1e-12) + 1e-12
    assert above["final_loss"] > above["min_loss"]


def test_loss_is_streamed_per_step_and_monotone_below_threshold() -> None:
    events = run(steps=40)
    losses = [e["y"] for e in events if e["type"] == "point" and e["series"] == "loss"]
    assert [e["x"] for e in events if e["type"] == "point" and e["series"] == "loss"] == list(
        range(41)
    )
    assert all(b <= a for a, b in pairwise(losses))


def test_huge_lr_stops_early_reports_divergence_and_is_still_ok() -> None:
    events = run(lr=20)
    done = events[-1]
    assert done["ok"] is True  # the checks are about the fixed table, not the user's run
    m = done["metrics"]
    assert m["diverged"] is True
    assert m["steps_run"] < 50
    assert np.isfinite(m["final_loss"])
    assert m["final_loss"] > 1e6 * m["min_loss"]
    assert any("Diverged at step" in e.get("text", "") for e in events)


def test_tiny_lr_crawls() -> None:
    m = metrics(lr=1e-4)
    assert m["diverged"] is False
    start = demo.loss(np.zeros(3), *demo.make_data(0))
    assert m["final_loss"] > 0.9 * start  # barely moved from J(w₀)


def test_gradient_descent_matches_closed_form_iteration() -> None:
    x, y = demo.make_data(3)
    h = demo.hessian(x)
    w_star = demo.least_squares(x, y)
    lr = 0.3
    losses, stopped = demo.gradient_descent(x, y, lr, 30)
    assert stopped is None
    # w_t − w* = (I − ηH)^t (w₀ − w*)
    w_t = w_star + np.linalg.matrix_power(np.eye(3) - lr * h, 30) @ (np.zeros(3) - w_star)
    assert losses[-1] == pytest.approx(demo.loss(w_t, x, y), rel=1e-12)


REGIMES = ("0.01/L", "1/L", "0.95·2/L", "1.05·2/L")


def test_all_four_regimes_and_the_control_are_streamed() -> None:
    events = run()
    series: dict[str, list[float]] = {}
    for e in events:
        if e["type"] == "point":
            series.setdefault(e["series"], []).append(e["y"])
    assert set(series) == {
        *(f"loss at η = {name}" for name in REGIMES),
        "loss at η = 0.95·2/L̄ (control)",
        "loss",
    }
    for name in REGIMES:
        assert len(series[f"loss at η = {name}"]) == 51
    assert series["loss at η = 1.05·2/L"][-1] > 1e3 * series["loss at η = 1.05·2/L"][0]
    assert series["loss at η = 0.01/L"][-1] > 0.5 * series["loss at η = 0.01/L"][0]
    # The control blows up within a few steps and is stopped there.
    assert len(series["loss at η = 0.95·2/L̄ (control)"]) < 20


def test_the_mean_curvature_control_diverges() -> None:
    events = run()
    control = [e for e in events if e["type"] == "check" and e["control"]]
    assert len(control) == 1 and control[0]["passed"]
    assert "mean curvature" in control[0]["name"]
    assert metrics()["control_diverged"] is True


def test_with_the_mean_curvature_just_below_the_threshold_diverges() -> None:
    events = broken_events(demo, "mean-curvature")
    assert "just below 2/L it still converges" in failed_evidence(events)
    assert events[-1]["ok"] is True  # as predicted
    x, _ = demo.make_data(0)
    mean_l = float(np.mean(np.linalg.eigvalsh(demo.hessian(x))))
    assert events[-1]["metrics"]["threshold"] == pytest.approx(2.0 / mean_l)


@pytest.mark.parametrize(("factor", "diverges"), [(0.5, False), (0.99, False), (1.01, True)])
def test_lr_factor_is_a_multiple_of_the_threshold(factor: float, diverges: bool) -> None:
    m = metrics(lr_factor=factor, steps=200)
    assert m["lr"] == pytest.approx(factor * m["threshold"], rel=1e-12)
    assert m["lr_factor"] == pytest.approx(factor)
    assert m["diverged"] is diverges


def test_lr_factor_zero_keeps_lr() -> None:
    assert metrics(lr=0.3)["lr"] == 0.3


@pytest.mark.parametrize("steps", [1, 3, 10])
def test_few_steps_predict_instead_of_failing(steps: int) -> None:
    events = run(steps=steps)
    assert events[-1]["ok"] is True, events[-1].get("error")
    assert all(c["passed"] for c in checks(events).values())
    fast = checks(events)["η = 1/L is fast"]["detail"]
    assert "too few steps" in fast and "as expected" in fast


def test_a_barely_diverging_rate_says_when_it_will_show() -> None:
    events = run(lr_factor=1.0001, steps=5)
    texts = [e["text"] for e in events if e["type"] == "log"]
    assert any("turns up for good only after step" in t for t in texts), texts
    assert events[-1]["ok"] is True


def test_a_wrong_gradient_fails_the_gradient_check(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo, "gradient", lambda w, x, y: x.T @ (x @ w - y))  # no 1/n
    events = list(execute(demo, resolve(demo.PARAMS, {})))
    failed = failed_evidence(events)
    assert "the gradient Xᵀ(Xw − y)/n matches central differences" in failed
    assert events[-1]["ok"] is False


def test_a_wrong_formula_fails_the_prediction_check(monkeypatch: pytest.MonkeyPatch) -> None:
    def per_step_not_squared(
        h: np.ndarray, start: np.ndarray, w_star: np.ndarray, lr: float, steps: int
    ) -> np.ndarray:
        eigenvalues, vectors = np.linalg.eigh(h)
        c = vectors.T @ (start - w_star)
        t = np.arange(steps + 1)[:, None]
        gaps: np.ndarray = np.sum(0.5 * eigenvalues * c**2 * (1.0 - lr * eigenvalues) ** t, 1)
        return gaps

    monkeypatch.setattr(demo, "predicted_gaps", per_step_not_squared)
    events = list(execute(demo, resolve(demo.PARAMS, {})))
    assert "the eigen-formula ½ Σ λᵢcᵢ²(1 − ηλᵢ)^2t predicts every loss" in failed_evidence(events)


def _with_rate(change: Any) -> Any:
    """``gradient_descent`` with its rate changed by ``change(lr, L)``: a mutation."""
    original = demo.gradient_descent
    big_l = float(np.linalg.eigvalsh(demo.hessian(demo.make_data(0)[0]))[-1])

    def mutated(x: np.ndarray, y: np.ndarray, lr: float, steps: int) -> Any:
        return original(x, y, change(lr, big_l), steps)

    return mutated


def test_a_rate_never_below_1_over_l_fails_the_crawl(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo, "gradient_descent", _with_rate(lambda lr, big_l: max(lr, 1 / big_l)))
    failed = failed_evidence(list(execute(demo, resolve(demo.PARAMS, {}))))
    assert "η = 0.01/L is safe but crawls" in failed


def test_a_rate_capped_below_2_over_l_fails_the_divergence(monkeypatch: pytest.MonkeyPatch) -> None:
    cap = _with_rate(lambda lr, big_l: min(lr, 1.9 / big_l))
    monkeypatch.setattr(demo, "gradient_descent", cap)
    failed = failed_evidence(list(execute(demo, resolve(demo.PARAMS, {}))))
    assert "just above 2/L it diverges" in failed
