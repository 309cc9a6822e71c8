"""The rnn-vs-feedforward demo: memoryless predictors score 1/2, a trained RNN scores 1."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from solvers import nn
from solvers import rnn_vs_feedforward as rnn
from solvers.cli import execute
from solvers.params import resolve


def run(**overrides: Any) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    values = resolve(rnn.PARAMS, {k: str(v) for k, v in overrides.items()})
    events = list(execute(rnn, values))
    assert events[-1]["type"] == "done"
    return events, events[-1]


def failed(events: list[dict[str, Any]]) -> list[str]:
    return [e["name"] for e in events if e["type"] == "check" and not e["passed"]]


def test_defaults_memoryless_half_rnn_all() -> None:
    events, done = run()
    assert done["ok"], done.get("error")
    m = done["metrics"]
    assert m["memoryless_accuracy"] == 0.5
    assert m["window_mlp_accuracy"] == 1.0  # window 6 = length 6: a fair baseline
    assert m["window_mlp_accuracy_at_test_length"] == 0.5  # at 12 bits x₁ is out of it
    assert m["rnn_accuracy"] == 1.0
    assert m["rnn_accuracy_at_test_length"] == 1.0  # the state carries x₁ further
    assert m["control_accuracy"] == 0.5
    assert m["rnn_loss"] < 0.05
    assert m["steps_trained"] <= 100  # fast at the defaults
    assert m["max_relative_error"] < 1e-7
    loss = [e["y"] for e in events if e["type"] == "point" and e["series"] == "training loss"]
    assert len(loss) == m["steps_trained"]
    assert loss[-1] < 0.05 < 0.4 < loss[0]
    checks = [e for e in events if e["type"] == "check"]
    assert all(c["passed"] for c in checks)
    assert [c["name"] for c in checks if c["control"]] == [
        "control: the window-6 MLP, a fixed context, does not recall x₁ at 12",
        "control: without the recurrence (W = 0) the same training stays at 0.5",
    ]


@pytest.mark.parametrize("length", [2, 3, 7, 10])
def test_every_memoryless_function_is_right_exactly_half_the_time(length: int) -> None:
    seqs = rnn.all_sequences(length)
    assert seqs.shape == (2**length, length)
    assert len({tuple(s) for s in seqs}) == 2**length
    rows, right = rnn.memoryless_scores(seqs)
    quarter = 2 ** (length - 2)
    assert rows == [[0, 2 * quarter, quarter, quarter], [1, 2 * quarter, quarter, quarter]]
    assert right == dict.fromkeys(["g = 0", "g = 1", "g = x_L", "g = 1 − x_L"], 2 ** (length - 1))


@pytest.mark.parametrize(
    ("seed", "length", "hidden"), [(1, 6, 8), (2, 6, 8), (3, 4, 4), (0, 12, 8)]
)
def test_trains_at_other_seeds_and_sizes(seed: int, length: int, hidden: int) -> None:
    _, done = run(seed=seed, length=length, hidden=hidden)
    assert done["ok"], done.get("error")
    assert done["metrics"]["rnn_accuracy"] == 1.0


def test_one_self_exciting_unit_is_enough_memory() -> None:
    # h₁ = tanh(±1) takes the first bit's sign; W = 3 > |U| = 1 keeps it whatever follows.
    p = {
        "W": np.array([[3.0]]),
        "U": np.array([[1.0]]),
        "b": np.zeros(1),
        "V": np.array([[-5.0, 5.0]]),
        "c": np.zeros(2),
    }
    seqs = rnn.all_sequences(8)
    assert rnn.accuracy(p, seqs) == 1.0
    flipped = seqs.copy()
    flipped[:, 1:] = 1 - flipped[:, 1:]  # change every later bit: the answer stays
    assert np.array_equal(rnn.forward(p, seqs)[1].argmax(1), rnn.forward(p, flipped)[1].argmax(1))


def test_bptt_matches_a_directional_derivative() -> None:
    rng = np.random.default_rng(4)
    p = rnn.init(rng, 5)
    p["W"] *= 0.5
    bits = rng.integers(0, 2, (10, 7)).astype(float)
    _, g = rnn.bptt(p, bits)
    d = {k: rng.standard_normal(v.shape) for k, v in p.items()}
    h = 1e-6
    up = rnn.loss_of({k: p[k] + h * d[k] for k in p}, bits)
    down = rnn.loss_of({k: p[k] - h * d[k] for k in p}, bits)
    assert sum(float(np.sum(g[k] * d[k])) for k in p) == pytest.approx(
        (up - down) / (2 * h), rel=1e-6
    )


def test_a_wrong_bptt_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    right = rnn.bptt

    def no_time(
        p: rnn.Params, bits: np.ndarray, through_time: bool = True
    ) -> tuple[float, rnn.Params]:
        loss, g = right(p, bits)
        hs, logits = rnn.forward(p, bits)
        y = bits[:, 0].astype(np.intp)
        dlogits = (nn.softmax(logits) - np.eye(2)[y]) / bits.shape[0]
        delta = dlogits @ p["V"].T * (1 - hs[-1] ** 2)
        g["W"] = hs[-2].T @ delta  # truncated to the last step: no "through time"
        return loss, g

    monkeypatch.setattr(rnn, "bptt", no_time)
    events, done = run()
    assert not done["ok"]
    assert "BPTT gradients match central differences" in failed(events)


def test_too_few_steps_is_a_prediction_not_a_failure() -> None:
    events, done = run(steps=2)
    assert done["ok"], done.get("error")
    assert not any("recalls the first bit" in e["name"] for e in events if e["type"] == "check")
    assert any(e["type"] == "log" and "2 steps (< 200)" in e["text"] for e in events)


def test_two_units_on_long_sequences_may_stall_as_predicted() -> None:
    # The card's case: 2 units, 12 bits, seed 7 stays at 0.5; the theory expects it.
    events, done = run(length=12, hidden=2, seed=7)
    assert done["ok"], done.get("error")
    assert done["metrics"]["rnn_accuracy"] == 0.5
    assert any(e["type"] == "log" and "can vanish" in e["text"] for e in events)


@pytest.mark.parametrize(("window", "expected"), [(1, 0.5), (5, 0.5), (6, 1.0), (9, 1.0)])
def test_a_window_mlp_scores_half_below_the_length_and_all_from_it(
    window: int, expected: float
) -> None:
    events, done = run(window=window)
    assert done["ok"], done.get("error")
    assert done["metrics"]["window_mlp_accuracy"] == expected
    [baseline] = [e for e in events if e["type"] == "check" and "window of" in e["name"]]
    assert baseline["kind"] == ("identity" if window < 6 else "empirical")


def test_the_window_mlp_is_tied_to_positions_even_when_its_window_covers_the_test_length() -> None:
    m = run(window=12, test_length=12)[1]["metrics"]
    assert m["window_mlp_accuracy"] == 1.0
    assert m["window_mlp_accuracy_at_test_length"] < 0.6
    assert m["rnn_accuracy_at_test_length"] == 1.0


def test_trained_on_one_length_only_the_rnn_need_not_generalise() -> None:
    events, done = run(length=2)
    assert done["ok"], done.get("error")
    assert not any(e["type"] == "check" and "still recalls" in e["name"] for e in events)
    assert any(e["type"] == "log" and "need not" in e["text"] for e in events)


def test_an_rnn_that_forgets_after_six_steps_fails_the_longer_length(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    right = rnn.forward

    def six_steps(p: rnn.Params, bits: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
        if bits.shape[1] <= 6:
            return right(p, bits)
        return right(p, bits[:, -6:])  # a window of 6 steps, no state carried beyond

    monkeypatch.setattr(rnn, "forward", six_steps)
    events, done = run()
    assert not done["ok"]
    assert failed(events) == ["the RNN trained on up to 6 bits still recalls x₁ at 12"]


def test_a_window_mlp_that_drops_x1_fails_its_check(monkeypatch: pytest.MonkeyPatch) -> None:
    right = rnn.window_inputs
    monkeypatch.setattr(rnn, "window_inputs", lambda bits, k: right(bits[:, 1:], k))
    events, done = run()
    assert not done["ok"]
    assert failed(events) == ["a feed-forward net with a window of 6 ≥ 6 bits recalls x₁ too"]


def test_a_window_that_always_holds_x1_fails_the_fixed_context_control(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Not a fixed context any more: the net is handed x₁ at every length, so it recalls it
    # at 12 bits too, and the control that says a fixed window cannot must fail.
    right = rnn.window_inputs

    def with_x1(bits: np.ndarray, window: int) -> np.ndarray:
        x = right(bits, window)
        x[:, 0] = 2.0 * bits[:, 0] - 1.0
        return x

    monkeypatch.setattr(rnn, "window_inputs", with_x1)
    events, done = run()
    assert not done["ok"]
    [control] = [e for e in events if e["type"] == "check" and "fixed context" in e["name"]]
    assert not control["passed"]


def test_at_a_trained_length_there_is_nothing_new_to_claim() -> None:
    events, done = run(test_length=4)
    assert done["ok"], done.get("error")
    assert not any(e["type"] == "check" and "still recalls" in e["name"] for e in events)
    assert any(e["type"] == "log" and "set test_length above 6" in e["text"] for e in events)
