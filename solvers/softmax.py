"""Softmax turns scores into probabilities; ReLU passes positives and zeroes the rest.

Shows, with numbers, on the logits ``z`` the user gives (divided by the temperature T):

- ``softmax(z)_i = e^(z_i) / Σ_j e^(z_j)``, computed as ``e^(z_i − m) / Σ_j e^(z_j − m)``
  with ``m = max(z)``: the shift changes nothing mathematically, and keeps every
  exponent ≤ 0 so nothing overflows. The textbook formula overflows once
  ``log Σ_j e^(z_j)`` passes ``ln(float max) ≈ 709.78``, and gives 0/0 once every logit
  is below about −745. The demo runs both on the user's logits and says which is
  predicted; then on the same logits shifted so the largest is 1000, where the stable
  formula must give the same probabilities and the textbook one (the control) must not;
- ``log_softmax(z)_i = z_i − m − log Σ_j e^(z_j − m)`` stays finite where ``softmax`` itself
  underflows to 0 (a logit more than about 745 below the largest), and ``log(softmax(z))``
  is then ``−inf`` (the control): on the user's logits with the smallest pushed 800 below
  the largest;
- adding a constant to every logit leaves the output unchanged, scaling does not
  (temperature: ``softmax(z / T)``), except where it cannot show: equal logits, or logits
  already one-hot to float precision;
- with two classes, softmax is the sigmoid of the difference: ``p_1 = σ(z_1 − z_0)``;
- ReLU ``max(0, x)`` gives exact zeros: a unit whose pre-activation is symmetric about 0 is
  zero half the time, and a unit whose bias pushes every input below zero is dead (zero
  output and zero gradient, so it never recovers). The control is a leaky ReLU
  (slope 0.01 below 0) on the same layer: no exact zeros at all.

``--set break=no-max-shift`` computes softmax with the textbook formula,
``break=log-of-softmax`` computes log-softmax as ``log(softmax(z))`` and ``break=no-clamp``
uses the leaky ReLU: each makes its check fail.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator
from typing import Any

import numpy as np

from solvers import nn
from solvers.events import Event, check, log, table
from solvers.params import Param, break_param, broken

TITLE = "Live softmax: probabilities, stability, temperature; ReLU sparsity and a dead unit"

PARAMS = (
    Param(
        "logits",
        "floats",
        (2.0, 1.0, 0.1),
        "class scores, comma-separated",
        low=-1e6,
        high=1e6,
        min_items=2,
        max_items=32,
    ),
    Param(
        "temperature",
        "float",
        1.0,
        "divide the logits by T: < 1 sharpens, > 1 flattens",
        low=1e-3,
        high=1e3,
    ),
    Param("seed", "int", 0, "random seed for the ReLU layer", low=0, high=2**32 - 1),
    break_param(
        {
            "no-max-shift": "softmax without subtracting max(z): e^1000 overflows, and the "
            "probabilities of the shifted logits are NaN",
            "log-of-softmax": "log-softmax computed as log(softmax(z)): a class 800 below the "
            "top underflows to 0 and its log-probability is −inf",
            "no-clamp": "a leaky ReLU instead of max(0, x): no output is exactly 0, so the "
            "layer is not sparse",
        }
    ),
)

LOG_MAX = math.log(np.finfo(np.float64).max)  # ≈ 709.78: e^z overflows above it
LOG_TINY = math.log(np.nextafter(0.0, 1.0))  # ≈ −744.44: e^z underflows to 0 below it
TOP = 1000.0  # the shifted logits' largest value: e^1000 overflows
GAP = 800.0  # a logit this far below the largest underflows in softmax
LEAK = 0.01  # the control's slope below 0
UNITS, INPUTS, SAMPLES = 8, 4, 1000
SE_LIMIT = 4.0


def naive_softmax(z: nn.Array) -> nn.Array:
    """The textbook formula without the max shift: overflows for large logits."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        e = np.exp(z)
        result: nn.Array = e / np.sum(e)
    return result


def log_of_softmax(z: nn.Array, softmax: Callable[[nn.Array], nn.Array]) -> nn.Array:
    """``log(softmax(z))``: −inf wherever the probability underflowed to 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        result: nn.Array = np.log(softmax(z))
    return result


def reference_softmax(z: nn.Array) -> nn.Array:
    """``p_i = 1 / Σ_j e^(z_j − z_i)``: another route, with no shift by the maximum."""
    with np.errstate(over="ignore"):
        result: nn.Array = 1.0 / np.sum(np.exp(z[None, :] - z[:, None]), axis=1)
    return result


def reference_log_softmax(z: nn.Array) -> nn.Array:
    """``z_i − m − log Σ_j e^(z_j − m)``, the sum with ``math.fsum``."""
    m = float(np.max(z))
    total = math.fsum(math.exp(v - m) for v in z.tolist())
    return z - (m + math.log(total))


def leaky_relu(x: nn.Array) -> nn.Array:
    """``x`` above 0, ``LEAK · x`` below: the control without the clamp to exactly 0."""
    result: nn.Array = np.where(x > 0, x, LEAK * x)
    return result


def naive_outcome(z: nn.Array) -> str:
    """What the textbook formula is predicted to do on ``z``."""
    top = float(np.max(z))
    if top < LOG_TINY:
        return f"every e^z underflows to 0 (max z = {top:.6g} < {LOG_TINY:.2f}): 0/0 = NaN"
    lse = float(nn.logsumexp(z))
    if lse > LOG_MAX:
        return f"Σ e^z overflows (log Σ e^z = {lse:.6g} > {LOG_MAX:.2f}): inf/inf = NaN"
    return f"log Σ e^z = {lse:.6g} is within ({LOG_TINY:.2f}, {LOG_MAX:.2f}): it works here"


def run(
    logits: tuple[float, ...], temperature: float, seed: int, **rest: str
) -> Generator[Event, None, dict[str, Any]]:
    """Computes softmax of ``logits / temperature`` and verifies its properties."""
    removed = broken(rest)
    softmax: Callable[[nn.Array], nn.Array] = (
        naive_softmax if removed == "no-max-shift" else nn.softmax
    )

    def log_softmax(v: nn.Array) -> nn.Array:
        return log_of_softmax(v, softmax) if removed == "log-of-softmax" else nn.log_softmax(v)

    z = np.asarray(logits, dtype=np.float64) / temperature
    p = softmax(z)
    yield table(
        f"softmax(z / T), T = {temperature:g}",
        ["class", "logit", "z / T", "probability", "log-probability"],
        [
            [i, logits[i], float(z[i]), float(p[i]), float(lp)]
            for i, lp in enumerate(log_softmax(z))
        ],
    )
    total = float(np.sum(p))
    yield check(
        "probabilities sum to 1",
        abs(total - 1.0) < 1e-12 and bool(np.all(p >= 0)),
        f"sum = {total:.15f}, min = {float(np.min(p)):.3g}",
        kind="identity",
    )
    ref = reference_softmax(z)
    ref_gap = float(np.max(np.abs(p - ref)))
    yield check(
        "softmax matches pᵢ = 1 / Σⱼ e^(zⱼ − zᵢ) on your logits",
        bool(ref_gap <= 1e-12),
        f"max |softmax − reference| = {ref_gap:.1e} (the reference divides by a sum of"
        " differences, with no shift by the maximum)",
        kind="numerical",
    )

    # The textbook formula on the user's own logits, with what the float range predicts.
    naive = naive_softmax(z)
    naive_ok = bool(np.all(np.isfinite(naive)))
    yield log(
        f"The textbook e^z / Σ e^z on your logits gives {np.round(naive, 6).tolist()}:"
        f" predicted: {naive_outcome(z)}"
        + (" — as predicted." if naive_ok == ("it works" in naive_outcome(z)) else ".")
    )

    # Overflow: the same logits shifted so the largest is TOP; the shift changes nothing.
    shifted = z + (TOP - float(np.max(z)))
    p_shifted = softmax(shifted)
    shift_gap = float(np.max(np.abs(p_shifted - p))) if np.all(np.isfinite(p_shifted)) else math.inf
    yield check(
        f"stable: the logits shifted so the largest is {TOP:g} give the same probabilities",
        shift_gap <= 1e-10,
        (
            f"max |softmax(z + c) − softmax(z)| = {shift_gap:.1e}"
            if math.isfinite(shift_gap)
            else f"softmax(z + c) = {np.round(p_shifted, 6).tolist()}"
        )
        + f" with c = {TOP - float(np.max(z)):.6g}; subtracting max(z) keeps every exponent ≤ 0",
        kind="numerical",
    )
    control = naive_softmax(shifted)
    yield check(
        "control: without the max shift, e^z / Σ e^z on those logits is not finite",
        not bool(np.all(np.isfinite(control))),
        f"textbook formula: {np.round(control, 6).tolist()} (e^{TOP:g} overflows)",
        kind="numerical",
        control=True,
    )

    # Underflow: push the smallest logit GAP below the largest (unless it already is).
    low = z.copy()
    i_low = int(np.argmin(low))
    low[i_low] = min(float(low[i_low]), float(np.max(z)) - GAP)
    stable_log = log_softmax(low)
    ref_log = reference_log_softmax(low)
    log_gap = float(np.max(np.abs(stable_log - ref_log) / np.maximum(np.abs(ref_log), 1.0)))
    finite = bool(np.all(np.isfinite(stable_log)))
    yield check(
        f"log-softmax stays finite where softmax underflows (class {i_low} put at least"
        f" {GAP:g} below the top)",
        finite and log_gap <= 1e-12,
        f"log p_{i_low} = {float(stable_log[i_low]):.6g} (reference {float(ref_log[i_low]):.6g},"
        f" relative gap {log_gap:.1e}) while p_{i_low} = {float(nn.softmax(low)[i_low]):.3g}",
        kind="numerical",
    )
    naive_log = log_of_softmax(low, nn.softmax)
    yield check(
        "control: log(softmax(z)) there is −inf",
        not bool(np.all(np.isfinite(naive_log))),
        f"log(softmax(z))_{i_low} = {float(naive_log[i_low]):g}: e^(−{GAP:g}) underflows"
        f" below e^{LOG_TINY:.0f}; cross-entropy would be inf and its gradient NaN",
        kind="numerical",
        control=True,
    )
    user_log = log_of_softmax(z, nn.softmax)
    under = [i for i in range(z.size) if not math.isfinite(float(user_log[i]))]
    yield log(
        "On your logits, log(softmax) is −inf for class "
        + ", ".join(map(str, under))
        + " (underflow), and log-softmax gives "
        + ", ".join(f"{float(nn.log_softmax(z)[i]):.6g}" for i in under)
        if under
        else "On your logits no probability underflows: log(softmax) and log-softmax agree"
        f" (largest gap {float(np.max(np.abs(user_log - nn.log_softmax(z)))):.1e})."
    )

    constant = softmax(z + 100.0)
    shift_err = float(np.max(np.abs(constant - p)))
    yield check(
        "adding a constant changes nothing",
        shift_err < 1e-12,
        f"max |softmax(z + 100) − softmax(z)| = {shift_err:.1e}",
        kind="identity",
    )
    scaled = softmax(2.0 * z)
    scale_diff = float(np.max(np.abs(scaled - p)))
    uniform = bool(np.all(z == z[0]))
    one_hot = bool(np.max(p) == 1.0 and np.max(scaled) == 1.0)
    yield check(
        "scaling the logits does change it (temperature)",
        scale_diff > 1e-6 or uniform or one_hot,
        f"max |softmax(2z) − softmax(z)| = {scale_diff:.3g}; top probability"
        f" {float(np.max(p)):.6g} → {float(np.max(scaled)):.6g}"
        + (
            "; equal logits stay uniform, as expected"
            if uniform
            else "; already one-hot to float precision, so scaling cannot show, as expected"
            if one_hot and scale_diff <= 1e-6
            else ""
        ),
        kind="identity",
    )

    pair = z[:2]
    two = softmax(pair)[1]
    sig = nn.sigmoid(pair[1] - pair[0])
    yield check(
        "two classes: softmax is the sigmoid of the difference",
        abs(float(two - sig)) < 1e-12,
        f"softmax([{pair[0]:g}, {pair[1]:g}])₁ = {float(two):.12f}"
        f" = σ({float(pair[1] - pair[0]):g})",
        kind="numerical",
    )

    relu: Callable[[nn.Array], nn.Array] = leaky_relu if removed == "no-clamp" else nn.relu
    yield log(
        f"ReLU: a layer of {UNITS} units on {SAMPLES} random inputs (symmetric about 0);"
        f" unit {UNITS - 1} has bias −50."
    )
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((SAMPLES, INPUTS))
    w = rng.standard_normal((INPUTS, UNITS)) * 0.5
    b = np.zeros(UNITS)
    b[-1] = -50.0
    pre = x @ w + b
    h = relu(pre)
    sparsity = float(np.mean(h == 0.0))
    # Units 0..6 are zero with probability ½ each, the dead unit always.
    expected = ((UNITS - 1) * 0.5 + 1.0) / UNITS
    # As if the live units were fully correlated (they share x): a conservative error.
    se = math.sqrt(0.25 / SAMPLES) * (UNITS - 1) / UNITS
    yield check(
        "ReLU activations are sparse: exact zeros wherever the input is negative",
        abs(sparsity - expected) <= SE_LIMIT * se,
        f"{sparsity:.1%} of the outputs are exactly 0; expected {expected:.2%} ± {se:.1%}"
        f" (7 units zero half the time, 1 dead; within {SE_LIMIT:g} standard errors)",
        kind="statistical",
    )
    leaky = leaky_relu(pre)
    leaky_zeros = float(np.mean(leaky == 0.0))
    yield check(
        f"control: a leaky ReLU (slope {LEAK:g} below 0) has no exact zeros",
        abs(leaky_zeros - expected) > SE_LIMIT * se,
        f"{leaky_zeros:.1%} of the leaky outputs are 0: the sparsity comes from the clamp",
        kind="empirical",
        control=True,
    )
    dead_grad = float(np.abs(nn.relu_grad(pre[:, -1])).sum())
    dead = bool(np.all(h[:, -1] == 0.0)) and dead_grad == 0.0
    yield check(
        "a dead ReLU unit gets no gradient",
        dead,
        f"unit {UNITS - 1}: max output {float(h[:, -1].max()):g}, summed gradient {dead_grad:g}",
        kind="identity",
    )
    return {
        "probabilities": p.tolist(),
        "temperature": temperature,
        "naive_finite": naive_ok,
        "log_probabilities": nn.log_softmax(z).tolist(),
        "relu_sparsity": sparsity,
    }
