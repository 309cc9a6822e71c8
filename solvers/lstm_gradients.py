"""How far back a gradient reaches: a vanilla RNN against an LSTM and its forget gate.

Both read the same inputs ``x_1 … x_T`` (``x_t ∈ ℝ⁴``, standard normal) into a state of
16 units, and the loss is read at the last step only, ``L = vᵀh_T`` for a fixed unit
vector ``v``. The question is how much of ``∂L/∂(state at T − k)`` survives as ``k`` grows.

**Vanilla RNN**, ``h_t = tanh(W h_(t−1) + U x_t)``. By the chain rule

    ∂L/∂h_(t−1) = Wᵀ diag(1 − h_t²) ∂L/∂h_t,
    ‖∂L/∂h_(T−k)‖ ≤ ‖v‖ · Π_(t=T−k+1..T) ‖W‖ · max_i (1 − h_(t,i)²) ≤ ρᵏ,

with ``W = ρ Q`` (``Q`` orthogonal, so ``‖W‖ = ρ``, the ``radius``). Every factor ``1 − h²``
is below 1 and saturated units make it near 0: for ``ρ ≤ 1`` the gradient vanishes
geometrically; for ``ρ > 1`` it can grow instead (explode) while the units stay unsaturated.

**LSTM** (with the forget gate of Gers, Schmidhuber & Cummins 2000):

    [i, f, o, g] = [σ, σ, σ, tanh](W_x x_t + W_h h_(t−1) + b)
    c_t = f_t ⊙ c_(t−1) + i_t ⊙ g_t,        h_t = o_t ⊙ tanh(c_t)

The cell has an additive path: ``∂c_t/∂c_(t−1) = diag(f_t)`` plus terms through
``h_(t−1)`` and the gates, so along the cell path alone

    ∂L/∂c_(T−k) ≈ ∂L/∂c_T ⊙ Π_(t=T−k+1..T) f_t,

no ``W`` and no ``tanh'`` in the product. With the forget bias ``b_f`` large the gates sit
near ``σ(b_f)`` (3 → 0.953) and the product decays like ``σ(b_f)ᵏ``, slowly; with
``b_f = 0`` it is ``0.5ᵏ`` and the LSTM forgets as fast as the RNN. Gradients here are
the total derivatives w.r.t. the state: ``h_(T−k)`` for the RNN, ``c_(T−k)`` (``h_(T−k)``
recomputed from it) for the LSTM, each compared with its own value at ``k = 0``.

The negative control cuts the forget-gate path (``f ≡ 0``: ``c_t = i_t ⊙ g_t``), the same
weights and inputs otherwise: the gradient must then vanish as the RNN's does.
``--set break=no-forget-path`` cuts it in the main LSTM too.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

import numpy as np

from solvers import nn
from solvers.events import Event, check, log, point, table
from solvers.params import Param, break_param, broken

TITLE = "Vanilla RNN vs LSTM: how the gradient of the last step's loss fades over k steps back"

PARAMS = (
    Param("seed", "int", 0, "random seed (weights, inputs, read-out)", low=0, high=2**32 - 1),
    Param(
        "steps",
        "int",
        50,
        "sequence length T (the gradient is followed T − 1 steps back)",
        low=2,
        high=400,
    ),
    Param(
        "radius",
        "float",
        1.0,
        "the RNN's ‖W‖ = ρ (W = ρ × orthogonal): < 1 vanishes, > 1 may explode",
        low=0.0,
        high=4.0,
    ),
    Param(
        "forget_bias",
        "float",
        3.0,
        "the LSTM's forget-gate bias b_f: f ≈ σ(b_f) (3 → 0.95, 0 → 0.5)",
        low=-6.0,
        high=10.0,
    ),
    break_param(
        {
            "no-forget-path": "the LSTM's gradient vanishes like the RNN's: with f ≡ 0 the "
            "cell no longer carries c_(t−1) forward, so nothing bypasses the squashing"
        }
    ),
)

HIDDEN = 16
INPUTS = 4
KEEP = 1e-2  # kept: the gradient k = T − 1 steps back is at least 1 % of its size at k = 0
MIN_SPAN = 10  # fewer steps back: too short for either net to lose its gradient
LOSE = 1e-4  # the forget-gate product below this: the cell path is predicted to forget
CHECKED_STEPS = 3  # the last inputs whose gradient is checked by central differences
GRAD_TOL = 1e-6
SHOWN_K = (0, 1, 2, 5, 10, 20, 50, 100, 200, 399)


@dataclass(frozen=True)
class Rnn:
    """``h_t = tanh(W h_(t−1) + U x_t)``."""

    w: nn.Array
    u: nn.Array


@dataclass(frozen=True)
class Lstm:
    """Gate weights stacked as ``[i, f, o, g]`` rows; ``cut`` sets the forget gate to 0."""

    wx: nn.Array
    wh: nn.Array
    b: nn.Array
    cut: bool = False


def rnn_states(net: Rnn, x: nn.Array, h0: nn.Array) -> list[nn.Array]:
    """``[h_0, h_1, …, h_T]`` from ``h_0`` over the rows of ``x``."""
    hs = [h0]
    for xt in x:
        hs.append(np.tanh(net.w @ hs[-1] + net.u @ xt))
    return hs


def rnn_backward(
    net: Rnn, x: nn.Array, hs: list[nn.Array], v: nn.Array
) -> tuple[nn.Array, nn.Array]:
    """BPTT for ``L = vᵀh_T``: ``‖∂L/∂h_(T−k)‖`` for k = 0…T−1 and ``∂L/∂x`` (rows)."""
    dh = v.copy()
    norms = np.zeros(len(x))
    dx = np.zeros_like(x)
    for k, t in enumerate(range(len(x), 0, -1)):
        norms[k] = np.linalg.norm(dh)
        da = dh * (1.0 - hs[t] ** 2)  # through tanh
        dx[t - 1] = net.u.T @ da
        dh = net.w.T @ da
    return norms, dx


def lstm_step(net: Lstm, xt: nn.Array, h: nn.Array, c: nn.Array) -> tuple[nn.Array, ...]:
    """One step: returns ``h_t, c_t`` and the gates ``i, f, o, g``."""
    z = net.wx @ xt + net.wh @ h + net.b
    i, f, o = (nn.sigmoid(z[j * HIDDEN : (j + 1) * HIDDEN]) for j in range(3))
    g = np.tanh(z[3 * HIDDEN :])
    if net.cut:
        f = np.zeros(HIDDEN)
    c_new = f * c + i * g
    return o * np.tanh(c_new), c_new, i, f, o, g


def lstm_run(net: Lstm, x: nn.Array, h0: nn.Array, c0: nn.Array) -> list[tuple[nn.Array, ...]]:
    """Per step ``(h_(t−1), c_(t−1), i, f, o, g, c_t)``, enough to back-propagate."""
    h, c = h0, c0
    cache: list[tuple[nn.Array, ...]] = []
    for xt in x:
        h_new, c_new, i, f, o, g = lstm_step(net, xt, h, c)
        cache.append((h, c, i, f, o, g, c_new))
        h, c = h_new, c_new
    return cache


def lstm_last_h(net: Lstm, x: nn.Array, h0: nn.Array, c0: nn.Array) -> nn.Array:
    """``h_T``."""
    _, _, _, _, o, _, c = lstm_run(net, x, h0, c0)[-1]
    out: nn.Array = o * np.tanh(c)
    return out


def lstm_backward(
    net: Lstm, x: nn.Array, cache: list[tuple[nn.Array, ...]], v: nn.Array
) -> tuple[nn.Array, nn.Array, nn.Array]:
    """BPTT for ``L = vᵀh_T``: ``‖∂L/∂c_(T−k)‖`` (total, ``h_(T−k)`` recomputed from
    ``c_(T−k)``), the cell path alone ``‖∂L/∂c_T ⊙ Π f‖``, and ``∂L/∂x`` (rows)."""
    steps = len(x)
    dh, dc = v.copy(), np.zeros(HIDDEN)
    norms, cell_path = np.zeros(steps), np.zeros(steps)
    dx = np.zeros_like(x)
    dc_last, forget_product = np.zeros(HIDDEN), np.ones(HIDDEN)
    for k, t in enumerate(range(steps - 1, -1, -1)):
        _, c_prev, i, f, o, g, c = cache[t]
        tc = np.tanh(c)
        dc = dc + dh * o * (1.0 - tc**2)  # ∂L/∂c_t, total
        if k == 0:
            dc_last = dc.copy()
        norms[k] = np.linalg.norm(dc)
        cell_path[k] = np.linalg.norm(dc_last * forget_product)
        forget_product = forget_product * f
        df = np.zeros(HIDDEN) if net.cut else dc * c_prev * f * (1.0 - f)
        dz = np.concatenate(
            [dc * g * i * (1.0 - i), df, dh * tc * o * (1.0 - o), dc * i * (1.0 - g**2)]
        )
        dx[t] = net.wx.T @ dz
        dh = net.wh.T @ dz
        dc = dc * f  # the additive cell path: ∂c_t/∂c_(t−1) = diag(f_t)
    return norms, cell_path, dx


def distance(ratio: float) -> float:
    """Decades between a gradient ratio and 1 (kept intact): ``|log₁₀ ratio|``, ∞ at 0."""
    return abs(float(np.log10(ratio))) if ratio > 0 else float("inf")


def make_nets(rng: np.random.Generator, radius: float, forget_bias: float) -> tuple[Rnn, Lstm]:
    """The RNN with ``W = ρQ``; the LSTM with N(0, 1/(H + D)) gate weights, ``b_f`` on
    the forget rows and 0 elsewhere."""
    q, _ = np.linalg.qr(rng.standard_normal((HIDDEN, HIDDEN)))
    rnn = Rnn(radius * q, rng.standard_normal((HIDDEN, INPUTS)) / np.sqrt(INPUTS))
    scale = 1.0 / np.sqrt(HIDDEN + INPUTS)
    b = np.zeros(4 * HIDDEN)
    b[HIDDEN : 2 * HIDDEN] = forget_bias
    lstm = Lstm(
        scale * rng.standard_normal((4 * HIDDEN, INPUTS)),
        scale * rng.standard_normal((4 * HIDDEN, HIDDEN)),
        b,
    )
    return rnn, lstm


def gradient_check(rnn: Rnn, lstm: Lstm, x: nn.Array, v: nn.Array) -> tuple[float, float]:
    """Relative error of BPTT's ``∂L/∂x`` for the last inputs against central differences,
    starting both nets from their true states ``CHECKED_STEPS`` steps before the end."""
    n = min(CHECKED_STEPS, len(x))
    head, tail = x[: len(x) - n], x[len(x) - n :]
    h_start = rnn_states(rnn, head, np.zeros(HIDDEN))[-1]
    _, rnn_dx = rnn_backward(rnn, tail, rnn_states(rnn, tail, h_start), v)
    rnn_num = nn.numerical_gradient(lambda z: float(v @ rnn_states(rnn, z, h_start)[-1]), tail)
    zero = np.zeros(HIDDEN)
    if len(head):
        _, _, _, _, o, _, c = lstm_run(lstm, head, zero, zero)[-1]
        h0, c0 = o * np.tanh(c), c
    else:
        h0, c0 = zero, zero
    _, _, lstm_dx = lstm_backward(lstm, tail, lstm_run(lstm, tail, h0, c0), v)
    lstm_num = nn.numerical_gradient(lambda z: float(v @ lstm_last_h(lstm, z, h0, c0)), tail)
    return nn.relative_error(rnn_dx, rnn_num), nn.relative_error(lstm_dx, lstm_num)


def run(
    seed: int, steps: int, radius: float, forget_bias: float, **rest: str
) -> Generator[Event, None, dict[str, Any]]:
    """Back-propagates ``L = vᵀh_T`` through both nets and the cut-forget-path control,
    streams the gradient norm k steps back, and checks it against the theory."""
    cut = broken(rest) == "no-forget-path"
    rng = np.random.default_rng(seed)
    rnn, lstm = make_nets(rng, radius, forget_bias)
    control_net = Lstm(lstm.wx, lstm.wh, lstm.b, cut=True)
    main_net = control_net if cut else lstm
    x = rng.standard_normal((steps, INPUTS))
    v = rng.standard_normal(HIDDEN)
    v /= np.linalg.norm(v)
    span = steps - 1
    f0 = float(nn.sigmoid(forget_bias))
    predicted_cell = f0**span
    yield log(
        f"{steps} steps of 4 inputs into 16 units; L = vᵀh_T. RNN: ‖W‖ = ρ = {radius:g};"
        f" LSTM: forget bias {forget_bias:g}, so f ≈ σ(b_f) = {f0:.4g} and the cell path"
        f" predicts σ(b_f)^{span} = {predicted_cell:.3g}."
        + (" The forget path is cut (break=no-forget-path)." if cut else "")
    )

    hs = rnn_states(rnn, x, np.zeros(HIDDEN))
    rnn_norms, _ = rnn_backward(rnn, x, hs, v)
    lstm_norms, cell_path, _ = lstm_backward(
        main_net, x, lstm_run(main_net, x, *[np.zeros(HIDDEN)] * 2), v
    )
    control_norms, _, _ = lstm_backward(
        control_net, x, lstm_run(control_net, x, *[np.zeros(HIDDEN)] * 2), v
    )
    series = (
        ("RNN ‖∂L/∂h_(T−k)‖", rnn_norms),
        ("LSTM ‖∂L/∂c_(T−k)‖" + (" (forget path cut)" if cut else ""), lstm_norms),
        ("LSTM, forget path cut (control)", control_norms),
    )
    for name, values in series:
        for k, value in enumerate(values):
            yield point(name, k, float(value))

    rnn_ratio = float(rnn_norms[-1] / rnn_norms[0])
    lstm_ratio = float(lstm_norms[-1] / lstm_norms[0])
    control_ratio = float(control_norms[-1] / control_norms[0])
    # The bound: Π_t ‖W‖ · max_i (1 − h_(t,i)²), step by step back from T.
    slopes = np.array([np.max(1.0 - h**2) for h in hs[1:]])[::-1]
    bound = np.concatenate([[1.0], np.cumprod(radius * slopes[:-1])])
    shown = [k for k in SHOWN_K if k < steps]
    if shown[-1] != span:
        shown.append(span)
    yield table(
        "Gradient k steps back, relative to k = 0",
        [
            "k",
            "RNN",
            "RNN bound Π ρ·max(1−h²)",
            "ρᵏ",
            "LSTM",
            "LSTM cell path ⊙Πf",
            "σ(b_f)ᵏ",
            "forget path cut",
        ],
        [
            [
                k,
                rnn_norms[k] / rnn_norms[0],
                bound[k],
                radius**k,
                lstm_norms[k] / lstm_norms[0],
                cell_path[k] / lstm_norms[0],
                f0**k,
                control_norms[k] / control_norms[0],
            ]
            for k in shown
        ],
    )

    rnn_err, lstm_err = gradient_check(rnn, main_net, x, v)
    yield check(
        "BPTT gradients agree with central differences",
        rnn_err < GRAD_TOL and lstm_err < GRAD_TOL,
        f"relative error of ∂L/∂x over the last {min(CHECKED_STEPS, steps)} inputs:"
        f" RNN {rnn_err:.1e}, LSTM {lstm_err:.1e} (tolerance {GRAD_TOL:g})",
        kind="numerical",
    )
    measured = rnn_norms / rnn_norms[0]
    excess = float(np.max(measured - bound * (1.0 + 1e-9)))
    yield check(
        "the RNN's gradient stays under Π ‖W‖·max(1 − h²) ≤ ρᵏ",
        excess <= 1e-300,
        f"measured ≤ bound at every k = 0…{span} (at k = {span}: {measured[-1]:.3g} ≤"
        f" {bound[-1]:.3g}): the chain rule"
        " multiplies one factor Wᵀdiag(1 − h²) per step",
        kind="identity",
    )

    if span < MIN_SPAN:
        yield log(
            f"Prediction: over {span} step(s) nothing has had time to vanish (each step"
            f" multiplies by a factor of order 0.1–1); take steps ≥ {MIN_SPAN + 1} to see the"
            f" difference. Kept: RNN {rnn_ratio:.3g}, LSTM {lstm_ratio:.3g}, forget path cut"
            f" {control_ratio:.3g}."
        )
    elif predicted_cell >= KEEP:
        yield check(
            f"the LSTM's forget path carries the gradient back {span} steps",
            lstm_ratio >= KEEP,
            f"‖∂L/∂c_(T−{span})‖ / ‖∂L/∂c_T‖ = {lstm_ratio:.3g} (kept ≥ {KEEP:g}); cell path"
            f" alone {cell_path[-1] / lstm_norms[0]:.3g}, σ(b_f)^{span} = {predicted_cell:.3g};"
            f" the RNN keeps {rnn_ratio:.3g}",
            kind="empirical",
        )
    elif predicted_cell <= LOSE:
        yield log(
            f"Prediction: with f ≈ {f0:.3g}, Π f ≈ {predicted_cell:.2g} over {span} steps, so"
            f" the cell path forgets too. Measured: the LSTM keeps {lstm_ratio:.3g}"
            f" (cell path alone {cell_path[-1] / lstm_norms[0]:.3g})."
        )
    else:
        yield log(
            f"Between the regimes: Π f ≈ {predicted_cell:.2g} over {span} steps; the LSTM keeps"
            f" {lstm_ratio:.3g}. Raise forget_bias or shorten steps to see it carry."
        )
    if span >= MIN_SPAN:
        yield check(
            "control: with the forget path cut (f ≡ 0), the LSTM's gradient vanishes",
            control_ratio < KEEP,
            f"f ≡ 0: ‖∂L/∂c_(T−{span})‖ / ‖∂L/∂c_T‖ = {control_ratio:.3g} (vanished"
            f" < {KEEP:g} predicted) against {lstm_ratio:.3g} with the forget gate",
            kind="empirical",
            control=True,
        )

    if rnn_ratio < KEEP:
        regime = "vanishing"
    elif rnn_ratio > 1.0 / KEEP:
        regime = "exploding"
    else:
        regime = "neither"
    theory = (
        "ρ ≤ 1 and 1 − h² < 1: it can only shrink"
        if radius <= 1.0
        else "ρ > 1: it can grow while the units stay out of saturation, and shrinks once"
        " they saturate"
    )
    yield log(f"The RNN's gradient over {span} steps: {regime} ({rnn_ratio:.3g}); {theory}.")
    return {
        "rnn_ratio": rnn_ratio,
        "lstm_ratio": lstm_ratio,
        "control_ratio": control_ratio,
        "cell_path_ratio": float(cell_path[-1] / lstm_norms[0]),
        "predicted_cell_ratio": predicted_cell,
        "rnn_regime": regime,
        "lstm_kept": lstm_ratio >= KEEP,
        "winner": "lstm" if distance(lstm_ratio) < distance(rnn_ratio) else "rnn",
        "gradient_error": max(rnn_err, lstm_err),
    }
