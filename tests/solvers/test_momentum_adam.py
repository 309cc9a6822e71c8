"""momentum-adam: GD needs ~κ steps, heavy ball ~√κ, Adam's count ignores κ only when the
curvature is axis-aligned."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from demo_runs import broken_events, demo_events, demo_metrics, failed_evidence

from solvers import momentum_adam as demo


def run(**values: Any) -> list[dict[str, Any]]:
    return demo_events(demo, **values)


def test_defaults_pass_every_check_with_three_controls() -> None:
    events = run()
    found = [e for e in events if e["type"] == "check"]
    assert len(found) == 8
    assert all(c["passed"] for c in found), found
    assert sum(c["control"] for c in found) == 3
    assert events[-1]["ok"] is True


def test_the_cards_numbers_at_kappa_100() -> None:
    # 08-condition-number-steps: GD ≈ 691 steps, heavy ball 93 from (1, 1) (69 asymptotically).
    m = demo_metrics(demo)
    assert m["gd_steps"] == m["gd_formula"] == 691
    assert m["momentum_steps"] == 93
    assert m["momentum_formula"] == pytest.approx(math.log(1e6) / math.log(11 / 9))
    assert m["winner"] == "momentum" and m["speedup"] > 7


def test_slopes_in_kappa() -> None:
    m = demo_metrics(demo)
    assert m["gd_slope"] == pytest.approx(1.0, abs=0.02)
    assert m["momentum_slope"] == pytest.approx(0.5, abs=0.1)
    assert m["adam_slope"] == pytest.approx(0.0, abs=1e-9)  # exact: Adam is scale-invariant
    assert m["adam_rotated_slope"] > 0.3


def test_heavy_ball_tail_rate_is_polyaks() -> None:
    kappa = 100.0
    lr, beta, rate = demo.momentum_settings(kappa)
    _, traces = demo.heavy_ball(
        demo.hessian(kappa)[None], np.array([lr]), np.array([beta]), demo.start(), 1e-12
    )
    trace = traces[0]
    # ‖x_t‖ ∝ t ρᵗ (a repeated eigenvalue): divide out t and the rate is ρ.
    t1, t2 = 60, 120
    measured = ((trace[t2] / t2) / (trace[t1] / t1)) ** (1 / (t2 - t1))
    assert measured == pytest.approx(rate, rel=1e-3)


def test_kappa_one_is_solved_in_one_step_by_gd_and_momentum() -> None:
    m = demo_metrics(demo, kappa=1.0)
    assert m["gd_steps"] == 1 and m["momentum_steps"] == 1


def test_large_kappa_widens_the_gap() -> None:
    m = demo_metrics(demo, kappa=10000.0)
    assert m["gd_steps"] > 60 * m["momentum_steps"]
    assert m["winner"] == "adam"


@pytest.mark.parametrize("values", [{"tol": 0.01}, {"tol": 1e-10}, {"adam_lr": 0.001}])
def test_other_settings_pass(values: dict[str, Any]) -> None:
    assert run(**values)[-1]["ok"] is True


@pytest.mark.parametrize(
    ("choice", "claim"),
    [
        ("no-momentum", "momentum's steps grow as √κ: slope of log steps against log κ is ½"),
        ("rotated", "Adam on an axis-aligned quadratic: the steps do not depend on κ"),
        (
            "no-adaptive-scaling",
            "AdamW shrinks every weight by the same fraction; Adam + L2 does not",
        ),
    ],
)
def test_each_break_fails_its_claim(choice: str, claim: str) -> None:
    events = broken_events(demo, choice)
    assert failed_evidence(events) == [claim]
    assert events[-1]["ok"] is True and events[-1]["metrics"]["break"]["as_predicted"]


def test_adam_l2_is_ridge_and_adamw_shrinks_evenly() -> None:
    m = demo_metrics(demo)
    kappa, decay = 100.0, 0.1
    assert m["l2_shrink"] == pytest.approx([decay / (1 + decay), decay / (kappa + decay)])
    flat, steep = m["adamw_shrink"]
    assert flat == pytest.approx(steep, rel=1e-3) and flat > 0
    assert m["adamw_even"] is True and m["l2_shrink_ratio"] == pytest.approx(91, rel=1e-3)


def test_sgd_l2_and_decoupled_decay_are_the_same_update() -> None:
    l2, decoupled = demo.decay_runs(100.0, 0.1, 0.1, adaptive=False)
    np.testing.assert_allclose(l2, decoupled, rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    ("values", "words"),
    [
        ({"weight_decay": 0.0}, "weight_decay = 0"),
        ({"kappa": 2.0}, "nearly the same curvature"),
        ({"adam_lr": 0.001}, "too little for Adam + L2 to settle"),
        ({"adam_lr": 1.0}, "keeps hovering"),
    ],
)
def test_decay_regimes_outside_the_checks_are_predictions(
    values: dict[str, Any], words: str
) -> None:
    events = run(**values)
    assert events[-1]["ok"] is True
    assert any(e["type"] == "log" and words in e["text"] for e in events)
