"""init-gradients: the variance recursion predicts every stack; He keeps ReLU at scale;
a constant start keeps the units identical."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from demo_runs import broken_events, checks, demo_events, demo_metrics, failed_evidence

from solvers import init_gradients as demo


def run(**values: Any) -> list[dict[str, Any]]:
    return demo_events(demo, **values)


def test_defaults_pass_every_check_with_three_controls() -> None:
    events = run()
    found = checks(events)
    assert len(found) == 7
    assert all(c["passed"] for c in found.values()), found
    assert sum(c["control"] for c in found.values()) == 3
    assert events[-1]["ok"] is True


def test_the_textbook_picture_for_relu() -> None:
    m = demo_metrics(demo)
    assert (m["normal"], m["xavier"], m["he"]) == ("explodes", "vanishes", "stable")
    # N(0,1): √(n/2) = 8 a layer over 19 layers ≈ 1.4e17; Xavier: (1/√2)^19 ≈ 1.4e-3.
    assert 1e16 < m["normal_forward_gain"] < 1e18
    assert 3e-4 < m["xavier_forward_gain"] < 5e-3


def test_tanh_wants_xavier_and_saturates_under_unit_variance() -> None:
    m = demo_metrics(demo, activation="tanh")
    assert m["xavier"] == "stable" and m["normal"] == "explodes"
    assert m["normal_backward_gain"] > 1e5


def test_sigmoid_gradients_vanish_even_with_xavier() -> None:
    m = demo_metrics(demo, activation="sigmoid")
    assert m["xavier_backward_gain"] < 1e-9  # σ'(0) = 1/4: about 1/4 a layer


def test_recursion_matches_closed_forms() -> None:
    # ReLU: E[relu(z)²] = q/2 and E[relu'(z)²] = 1/2, so s = 2 (He) keeps every layer at 1.
    forward, back = demo.predicted_scales("relu", 2.0, 10)
    np.testing.assert_allclose(forward, np.sqrt(2.0), rtol=1e-6)
    np.testing.assert_allclose(back, np.sqrt(0.5), rtol=1e-6)
    # tanh at tiny scale is linear: E[tanh(z)²] ≈ q.
    assert demo.gaussian_mean(lambda z: np.tanh(z) ** 2, 1e-6) == pytest.approx(1e-6, rel=1e-4)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_other_seeds_pass(seed: int) -> None:
    assert run(seed=seed)[-1]["ok"] is True


def test_shallow_stack_predicts_instead_of_failing() -> None:
    events = run(depth=2)
    assert events[-1]["ok"] is True
    assert any(e["type"] == "log" and e["text"].startswith("prediction:") for e in events)
    assert not any("no factor 2" in name for name in checks(events))


@pytest.mark.parametrize(
    ("choice", "claim"),
    [
        ("no-factor-2", "He (Var(w) = 2/n) keeps a ReLU stack at scale in both directions"),
        (
            "variance-not-second-moment",
            "the variance recursion (with E[φ²]) predicts every stack's per-layer scale",
        ),
        ("symmetric-start", "a random (Xavier) start breaks the symmetry and learns"),
    ],
)
def test_each_break_fails_its_claim(choice: str, claim: str) -> None:
    events = broken_events(demo, choice)
    assert claim in failed_evidence(events)
    assert events[-1]["ok"] is True and events[-1]["metrics"]["break"]["as_predicted"]


def test_the_controls_fail_as_predicted_with_numbers() -> None:
    m = demo_metrics(demo)
    # The Var(φ) recursion misses by far more than the tolerance, the E[φ²] one does not.
    assert m["control_prediction_error"] > 5 * m["recursion_tolerance"]
    assert m["prediction_error"] < m["recursion_tolerance"]
    # He without the factor 2 is Xavier: (1/√2)^19 ≈ 1.4e-3, out of the ×10 band.
    assert m["xavier_forward_gain"] < 0.01 and m["xavier_backward_gain"] < 0.01
    assert m["constant_start_loss"] > demo.LEARNS * m["mean_loss"]
    assert m["random_start_loss"] < demo.LEARNS * m["mean_loss"]
    assert m["constant_start_spread"] == 0.0


def test_identical_units_check_notices_a_broken_symmetry() -> None:
    # The same training from a start whose units differ by 1e-3 ends with units far apart:
    # the "units stay identical" check (spread ≤ 1e-9) would fail.
    x, y = demo.symmetry_data(np.random.default_rng([0, 1]))
    rng = np.random.default_rng(5)
    w1 = np.full((2, demo.SYM_HIDDEN), demo.SYM_CONST) + 1e-3 * rng.standard_normal(
        (2, demo.SYM_HIDDEN)
    )
    _, spread, _ = demo.train_small_net(x, y, w1, np.full(demo.SYM_HIDDEN, demo.SYM_CONST))
    assert spread > 1e-3
