"""lstm-gradients: the RNN's gradient vanishes over k steps, the LSTM's forget path keeps it."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
from demo_runs import broken_events, checks, demo_events, demo_metrics

from solvers import lstm_gradients as demo
from solvers import nn
from solvers.cli import execute
from solvers.params import resolve


def run(**values: Any) -> list[dict[str, Any]]:
    return demo_events(demo, **values)


def metrics(**values: Any) -> dict[str, Any]:
    return demo_metrics(demo, **values)


CLAIM = "the LSTM's forget path carries the gradient back 49 steps"
CONTROL = "control: with the forget path cut (f ≡ 0), the LSTM's gradient vanishes"


def test_defaults_pass_every_check_with_a_control() -> None:
    events = run()
    found = checks(events)
    assert [c["kind"] for c in found.values()] == [
        "numerical",
        "identity",
        "empirical",
        "empirical",
    ]
    assert all(c["passed"] for c in found.values()), found
    assert found[CONTROL]["control"] is True
    assert events[-1]["ok"] is True


def test_the_rnn_vanishes_and_the_lstm_keeps_its_gradient() -> None:
    m = metrics()
    assert m["rnn_regime"] == "vanishing" and m["rnn_ratio"] < 1e-8
    assert m["lstm_kept"] is True and m["lstm_ratio"] > 0.1
    assert m["winner"] == "lstm"
    # The cell path alone is close to the forget-gate prediction σ(3)^49.
    assert m["cell_path_ratio"] == pytest.approx(m["predicted_cell_ratio"], rel=0.5)


def test_the_control_fails_by_many_decades() -> None:
    m = metrics()
    assert m["control_ratio"] < 1e-20 < demo.KEEP < m["lstm_ratio"]


def test_break_no_forget_path_fails_the_claim_as_predicted() -> None:
    events = broken_events(demo, "no-forget-path")
    claim = checks(events)[CLAIM]
    assert claim["passed"] is False and not claim["control"]
    assert events[-1]["ok"] is True
    assert events[-1]["metrics"]["break"]["failed_checks"] == [CLAIM]
    assert events[-1]["metrics"]["lstm_ratio"] < 1e-20


def test_the_gradient_check_notices_a_wrong_backward_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    original = demo.rnn_backward

    def without_tanh_slope(net: Any, x: Any, hs: Any, v: Any) -> Any:
        return original(net, x, [np.zeros_like(h) for h in hs], v)  # 1 − h² taken as 1

    monkeypatch.setattr(demo, "rnn_backward", without_tanh_slope)
    events = list(demo.run(seed=0, steps=50, radius=1.0, forget_bias=3.0))
    found = checks([e for e in events if isinstance(e, dict)])
    assert found["BPTT gradients agree with central differences"]["passed"] is False


def test_without_recurrent_weights_the_gradient_is_exactly_the_cell_path() -> None:
    rng = np.random.default_rng(1)
    _, lstm = demo.make_nets(rng, 1.0, 2.0)
    bare = demo.Lstm(lstm.wx, np.zeros_like(lstm.wh), lstm.b)
    x = rng.standard_normal((30, demo.INPUTS))
    v = np.ones(demo.HIDDEN) / 4.0
    zero = np.zeros(demo.HIDDEN)
    norms, cell_path, _ = demo.lstm_backward(bare, x, demo.lstm_run(bare, x, zero, zero), v)
    np.testing.assert_allclose(norms, cell_path, rtol=1e-12)


def test_lstm_backward_matches_central_differences_over_the_whole_sequence() -> None:
    rng = np.random.default_rng(2)
    _, lstm = demo.make_nets(rng, 1.0, 1.0)
    x = rng.standard_normal((6, demo.INPUTS))
    v = rng.standard_normal(demo.HIDDEN)
    zero = np.zeros(demo.HIDDEN)
    _, _, dx = demo.lstm_backward(lstm, x, demo.lstm_run(lstm, x, zero, zero), v)
    numeric = nn.numerical_gradient(lambda z: float(v @ demo.lstm_last_h(lstm, z, zero, zero)), x)
    assert nn.relative_error(dx, numeric) < 1e-8


def test_a_low_forget_bias_forgets_as_predicted_and_exits_0() -> None:
    events = run(forget_bias=0.0)
    assert CLAIM not in checks(events)
    assert any("the cell path forgets too" in e.get("text", "") for e in events)
    assert events[-1]["ok"] is True
    assert events[-1]["metrics"]["lstm_kept"] is False


def test_a_forget_bias_of_10_keeps_the_gradient_over_400_steps() -> None:
    m = metrics(forget_bias=10.0, steps=400)
    assert m["lstm_kept"] is True and m["rnn_ratio"] < 1e-50
    assert m["cell_path_ratio"] == pytest.approx(m["predicted_cell_ratio"], rel=0.05)


def test_a_large_radius_explodes_the_rnn_and_is_reported_not_failed() -> None:
    m = metrics(radius=3.0)
    assert m["rnn_regime"] == "exploding" and m["rnn_ratio"] > 100
    assert run(radius=3.0)[-1]["ok"] is True


@pytest.mark.parametrize("values", [{"steps": 2}, {"radius": 0.0}, {"forget_bias": -6.0}])
def test_edge_settings_run_without_warnings(values: dict[str, Any]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        events = list(execute(demo, resolve(demo.PARAMS, {k: str(v) for k, v in values.items()})))
    assert events[-1]["ok"] is True, events[-1]


def test_short_sequences_make_no_claim_about_vanishing() -> None:
    found = checks(run(steps=5))
    assert CONTROL not in found and not any(n.startswith("the LSTM's forget") for n in found)


def test_same_seed_same_run() -> None:
    first = list(demo.run(seed=4, steps=20, radius=1.0, forget_bias=3.0))
    second = list(demo.run(seed=4, steps=20, radius=1.0, forget_bias=3.0))
    assert first == second
