"""neural-network: shapes, parameter count, softmax rows, and the collapse without φ."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from demo_runs import broken_events, demo_events, demo_metrics, failed_evidence

from solvers import neural_network as demo


def run(**values: Any) -> list[dict[str, Any]]:
    return demo_events(demo, **values)


def metrics(**values: Any) -> dict[str, Any]:
    return demo_metrics(demo, **values)


def test_defaults_pass_every_check() -> None:
    events = run()
    found = [e for e in events if e["type"] == "check"]
    assert len(found) == 5
    assert all(c["passed"] for c in found), found
    assert [c["kind"] for c in found if not c["control"]].count("identity") == 3
    assert events[-1]["ok"]


def test_default_network_has_43_parameters() -> None:
    assert metrics()["parameters"] == (4 + 1) * 5 + (5 + 1) * 3 == 43


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"hidden": 10}, 83),
        ({"inputs": 2, "outputs": 2}, (2 + 1) * 5 + (5 + 1) * 2),
        ({"inputs": 7, "hidden": 1, "outputs": 9}, (7 + 1) * 1 + (1 + 1) * 9),
    ],
)
def test_parameter_count_follows_the_formula(values: dict[str, int], expected: int) -> None:
    assert metrics(**values)["parameters"] == expected


def test_batch_changes_shapes_not_the_parameter_count() -> None:
    small, large = metrics(batch=2), metrics(batch=8)
    assert small["parameters"] == large["parameters"]
    assert small["shapes"] == {"X": [2, 4], "H": [2, 5], "Z": [2, 3], "P": [2, 3]}
    assert large["shapes"] == {"X": [8, 4], "H": [8, 5], "Z": [8, 3], "P": [8, 3]}


def test_forward_table_lists_every_shape() -> None:
    forward = next(e for e in run(batch=6, hidden=9) if e["type"] == "table")
    shapes = {row[1]: row[3] for row in forward["rows"]}
    assert shapes == {
        "X": "6 × 4",
        "W₁": "4 × 9",
        "b₁": "9",
        "A": "6 × 9",
        "H": "6 × 9",
        "W₂": "9 × 3",
        "b₂": "3",
        "Z": "6 × 3",
        "P": "6 × 3",
    }


def test_collapse_is_exact_and_relu_is_not_affine() -> None:
    m = metrics(seed=5, inputs=6, hidden=7, outputs=4, batch=5)
    assert m["max_row_sum_error"] < 1e-12
    assert m["collapse_error"] <= 1e-12
    assert m["linear_fit_residual"] < 1e-10
    assert m["relu_fit_residual"] > 0.05


def test_affine_fit_residual_detects_nonlinearity() -> None:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((200, 3))
    affine = x @ rng.standard_normal((3, 2)) + 1.5
    assert demo.affine_fit_residual(x, affine) < 1e-12
    assert demo.affine_fit_residual(x, x[:, :1] ** 2) > 0.5


def test_the_control_without_phi_fits_an_affine_map_exactly() -> None:
    control = next(e for e in run() if e["type"] == "check" and e["control"])
    assert control["passed"] is True
    assert metrics()["linear_fit_residual"] < 1e-12 < 1e-3 < metrics()["relu_fit_residual"]


def test_removing_phi_fails_the_relu_claim() -> None:
    events = broken_events(demo, "no-activation")
    assert failed_evidence(events) == ["with ReLU no single linear map fits"]
    assert events[-1]["metrics"]["relu_fit_residual"] < 1e-12


def test_a_unit_that_never_bends_is_the_expected_outcome_not_a_failure() -> None:
    # inputs=1, hidden=1, seed=7: the one hidden unit is on one side of its kink for all
    # 400 inputs, so ReLU is affine there.
    events = run(inputs=1, hidden=1, seed=7)
    assert events[-1]["ok"] is True
    assert events[-1]["metrics"]["units_crossing_zero"] == 0
    assert not any(e["type"] == "check" and e["name"].startswith("with ReLU") for e in events)
    assert any(e["type"] == "log" and "as expected" in e["text"] for e in events)


def test_units_crossing_zero_counts_only_units_that_take_both_signs() -> None:
    pre = np.array([[-1.0, 2.0, 0.5], [1.0, 3.0, -0.5], [2.0, 1.0, 0.0]])
    assert demo.units_crossing_zero(pre) == 2
