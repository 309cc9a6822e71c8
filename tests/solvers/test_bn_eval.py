"""bn-eval: eval mode keeps a BN model's accuracy; train mode at test time and stale
running statistics lose it; each claim's control with the mechanism removed."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
from demo_runs import broken_events, checks, demo_events, demo_metrics

from solvers import bn_eval as demo
from solvers.cli import execute
from solvers.params import resolve


def run(**values: Any) -> list[dict[str, Any]]:
    return demo_events(demo, **values)


def metrics(**values: Any) -> dict[str, Any]:
    return demo_metrics(demo, **values)


EVAL = "eval mode with running statistics keeps the model's accuracy at any batch size"
SMALL = "train mode at test time on batches of 2 loses accuracy"
SORTED = "train mode on test batches of one class (32 each) erases the class signal"


def test_defaults_pass_every_check_with_three_controls() -> None:
    events = run()
    found = list(checks(events).values())
    assert len(found) == 7 and all(c["passed"] for c in found), found
    assert sum(c["control"] for c in found) == 3
    assert {c["kind"] for c in found} == {"empirical", "numerical"}
    assert events[-1]["ok"] is True


def test_the_accuracies_tell_the_story() -> None:
    m = metrics()
    assert m["accuracy_population"] > 0.9
    assert abs(m["accuracy_eval"] - m["accuracy_population"]) < 0.02
    assert m["accuracy_train_mode"] < 0.8  # batches of 2: each feature becomes ±1
    assert m["accuracy_sorted"] < 0.6 and m["accuracy_stale"] < 0.6  # about chance
    assert m["eval_ok"] is True and m["fold_error"] < 1e-12


def test_a_test_batch_of_one_predicts_one_class_for_all() -> None:
    m = metrics(test_batch=1)
    # x − μ_B = 0: every logit is b, so the accuracy is the share of one class.
    assert m["accuracy_train_mode"] in (pytest.approx(0.479), pytest.approx(0.521))


def test_train_mode_loses_less_as_the_test_batch_grows() -> None:
    losses = [metrics(test_batch=b)["train_mode_loss"] for b in (1, 2, 8, 64, 1000)]
    assert losses == sorted(losses, reverse=True)
    assert losses[-1] < 0.02


def test_a_large_test_batch_is_a_prediction_not_a_failure() -> None:
    events = run(test_batch=1000)
    assert not any(n.startswith("train mode at test time") for n in checks(events))
    assert events[-1]["ok"] is True


@pytest.mark.parametrize("momentum", [0.0, 0.01, 1.0])
def test_running_statistics_that_did_not_converge_are_predicted(momentum: float) -> None:
    events = run(momentum=momentum)
    assert EVAL not in checks(events)
    assert any(e["type"] == "log" and e["text"].startswith("Prediction") for e in events)
    assert events[-1]["ok"] is True
    assert events[-1]["metrics"]["eval_ok"] is False


def test_momentum_zero_is_the_stale_control() -> None:
    assert metrics(momentum=0.0)["accuracy_eval"] == metrics()["accuracy_stale"]


def test_break_stale_stats_fails_the_eval_claim() -> None:
    events = broken_events(demo, "stale-stats")
    assert checks(events)[EVAL]["passed"] is False
    assert events[-1]["metrics"]["break"]["failed_checks"] == [EVAL]
    assert events[-1]["ok"] is True


def test_break_fixed_stats_fails_both_train_mode_claims() -> None:
    events = broken_events(demo, "fixed-stats")
    assert events[-1]["metrics"]["break"]["failed_checks"] == [SMALL, SORTED]
    assert (
        events[-1]["metrics"]["accuracy_train_mode"] == events[-1]["metrics"]["accuracy_population"]
    )


def test_controls_fail_the_claims_by_a_wide_margin() -> None:
    found = checks(run())
    m = metrics()
    control_names = [n for n, c in found.items() if c["control"]]
    assert len(control_names) == 3
    assert m["accuracy_population"] - m["accuracy_stale"] > 0.3


def test_eval_mode_does_not_depend_on_the_batch() -> None:
    rng = np.random.default_rng(0)
    x, _ = demo.make_data(10, rng)
    mean, var = x.mean(axis=0), x.var(axis=0)
    w = np.array([1.0, -2.0, 0.5, 0.1])
    together = demo.in_batches(x, np.arange(10), 10, w, 0.3, (mean, var))
    alone = demo.in_batches(x, np.arange(10), 1, w, 0.3, (mean, var))
    np.testing.assert_allclose(together, alone, rtol=1e-14)  # the same map, row by row
    # Train mode at batch 1: the input is erased, every logit is the bias.
    np.testing.assert_array_equal(demo.in_batches(x, np.arange(10), 1, w, 0.3), np.full(10, 0.3))


@pytest.mark.parametrize(
    "values", [{"test_batch": 1}, {"momentum": 0.0}, {"momentum": 1.0}, {"seed": 9}]
)
def test_runs_without_numpy_warnings(values: dict[str, Any]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        events = list(execute(demo, resolve(demo.PARAMS, {k: str(v) for k, v in values.items()})))
    assert events[-1]["ok"] is True, events[-1]


def test_same_seed_same_run() -> None:
    assert list(demo.run(seed=3, test_batch=4, momentum=0.1)) == list(
        demo.run(seed=3, test_batch=4, momentum=0.1)
    )


def test_the_fold_check_notices_a_layer_that_differs(monkeypatch: pytest.MonkeyPatch) -> None:
    # Eval mode without ε is no longer the folded layer (which keeps √(σ² + ε)).
    monkeypatch.setattr(demo, "normalise", lambda x, mean, var: (x - mean) / np.sqrt(var))
    events = list(demo.run(seed=0, test_batch=2, momentum=0.1))
    fold = next(e for e in events if e["type"] == "check" and e["name"].startswith("eval-mode BN"))
    assert fold["passed"] is False
