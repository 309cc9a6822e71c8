"""Cost functions and their gradients: why cross-entropy, not squared error, follows a sigmoid.

The two costs, for a prediction ``ŷ`` (or logits ``z``) and a target ``y`` over n examples:

- squared error ``MSE = (1/n) Σ ½ (ŷ − y)²``, gradient ``∂MSE/∂ŷ = (ŷ − y) / n``;
- cross-entropy of a softmax ``CE = −(1/n) Σ log softmax(z)_y``, gradient
  ``∂CE/∂z = (softmax(z) − onehot(y)) / n``;
- binary cross-entropy of a sigmoid output ``p = σ(z)``:
  ``BCE = −(1/n) Σ [y log σ(z) + (1 − y) log(1 − σ(z))]``, gradient ``(σ(z) − y) / n``.
  It is the two-class softmax cross-entropy with logits ``(0, z)``.

Put squared error behind a sigmoid and the chain rule adds a factor ``σ'(z)``:
``∂/∂z ½(σ(z) − y)² = (σ(z) − y) σ'(z)``, while for cross-entropy the ``σ'(z)`` cancels
against the derivative of the log: ``∂/∂z BCE = σ(z) − y``. The ratio of the two is
``σ'(z) = σ(z)(1 − σ(z)) ≤ ¼``, and it vanishes like ``e^(−|z|)`` when the unit saturates.

So a sigmoid output that is confidently wrong (target 1, pre-activation z = −6, output
σ(−6) ≈ 0.0025) gets almost no push from squared error (gradient ≈ −0.0025) and nearly
the largest possible push from cross-entropy (gradient ≈ −1). Gradient descent on z shows
it: cross-entropy moves z by about the learning rate per step and crosses to the right
side in a few steps; squared error moves it by ``lr · e^z`` and needs about ``e^|z| / lr``.

The control runs the same descent on squared error with the factor ``σ'(z)`` left out of
its gradient: it then crosses as fast as cross-entropy, so the slow-down is that factor and
nothing else (``--set break=no-sigmoid-slope`` makes that mistake in the main run, and the
gradient check catches it). The ratio of the two gradients and the saturation at
``z ≤ −3`` follow from the formulas: they are shown as identities, not counted as
evidence. For ``z > −3`` (down to ``z = 0``, where the gap is only 4, and beyond, where
the output is already right) the demo says what to expect instead of failing.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator
from typing import Any

import numpy as np

from solvers import nn
from solvers.events import Event, check, log, point, table
from solvers.params import Param, break_param, broken

TITLE = "Squared error vs cross-entropy: gradients checked; MSE behind a sigmoid saturates"

PARAMS = (
    Param(
        "z",
        "float",
        -6.0,
        "pre-activation of a sigmoid output whose target is 1 (≤ −3: confidently wrong;"
        " 0: undecided; > 0: right)",
        low=-30.0,
        high=30.0,
    ),
    Param("lr", "float", 1.0, "learning rate of the descent on z", low=0.01, high=2.0),
    Param("steps", "int", 20, "gradient-descent steps to plot", low=1, high=300),
    Param("seed", "int", 0, "random seed for the gradient-check data", low=0, high=2**32 - 1),
    break_param(
        {
            "no-sigmoid-slope": "the gradient check of squared error of σ(z) fails and MSE"
            " no longer crawls: without the factor σ'(z) its gradient is cross-entropy's",
        }
    ),
)

TOL = 1e-7  # largest relative error accepted by a gradient check
SLOWER = 5  # MSE must still be on the wrong side after this many times CE's steps
SATURATED = -3.0  # z at or below which σ(z) < 0.05: the output is confidently wrong

Loss = Callable[[np.ndarray], float]


def mse_grad(pred: np.ndarray, target: np.ndarray) -> np.ndarray:
    """``∂/∂ŷ (1/n) Σ ½(ŷ − y)² = (ŷ − y) / n``."""
    grad: np.ndarray = (pred - target) / pred.size
    return grad


def cross_entropy_grad(logits: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """``∂/∂z −(1/n) Σ log softmax(z)_y = (softmax(z) − onehot(y)) / n``."""
    n, k = logits.shape
    grad: np.ndarray = (nn.softmax(logits) - np.eye(k)[labels]) / n
    return grad


def binary_cross_entropy_grad(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``∂BCE/∂z = (σ(z) − y) / n``: the sigmoid's slope has cancelled."""
    grad: np.ndarray = (nn.sigmoid(z) - y) / z.size
    return grad


def sigmoid_mse(z: np.ndarray, y: np.ndarray) -> float:
    """Squared error on a sigmoid output: ``(1/n) Σ ½(σ(z) − y)²``."""
    return nn.mse(nn.sigmoid(z), y)


def sigmoid_mse_grad(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``∂/∂z (1/n) Σ ½(σ(z) − y)² = (σ(z) − y) σ'(z) / n``: the chain rule keeps ``σ'(z)``."""
    grad: np.ndarray = (nn.sigmoid(z) - y) * nn.sigmoid_grad(z) / z.size
    return grad


def sigmoid_mse_grad_without_slope(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``(σ(z) − y) / n``: squared error's gradient with the chain rule's ``σ'(z)`` left out
    (the control, and the ``no-sigmoid-slope`` break; it is cross-entropy's gradient)."""
    grad: np.ndarray = (nn.sigmoid(z) - y) / z.size
    return grad


def descend(grad: Callable[[np.ndarray], np.ndarray], z0: float, lr: float, n: int) -> np.ndarray:
    """``z_{k+1} = z_k − lr · ∂L/∂z(z_k)`` for n steps; returns ``z_0 … z_n``."""
    path = np.empty(n + 1)
    z = np.array([z0])
    path[0] = z0
    for k in range(1, n + 1):
        z = z - lr * grad(z)
        path[k] = z[0]
    return path


def first_right_step(path: np.ndarray) -> int | None:
    """The first step k at which ``σ(z_k) > ½`` (the output is on the target's side)."""
    right = np.flatnonzero(path > 0.0)  # σ(z) > ½ ⇔ z > 0
    return int(right[0]) if right.size else None


def _steps(k: int | None) -> str:
    return "never" if k is None else f"{k} step" if k == 1 else f"{k} steps"


def run(
    z: float, lr: float, steps: int, seed: int, **rest: str
) -> Generator[Event, None, dict[str, Any]]:
    """Gradient-checks both costs, then compares them on a sigmoid output with target 1,
    with a control whose squared error has lost its factor σ'(z)."""
    mse_grad_of = (
        sigmoid_mse_grad_without_slope if broken(rest) == "no-sigmoid-slope" else sigmoid_mse_grad
    )
    rng = np.random.default_rng(seed)
    pred, target = rng.standard_normal(6), rng.standard_normal(6)
    logits, labels = 2.0 * rng.standard_normal((5, 3)), rng.integers(0, 3, 5)
    zs, ys = 2.0 * rng.standard_normal(6), rng.integers(0, 2, 6).astype(np.float64)

    cases: list[tuple[str, str, Loss, np.ndarray, np.ndarray]] = [
        (
            "squared error",
            "(ŷ − y)/n",
            lambda v: nn.mse(v, target),
            pred,
            mse_grad(pred, target),
        ),
        (
            "softmax cross-entropy",
            "(softmax(z) − onehot(y))/n",
            lambda v: nn.cross_entropy(v, labels),
            logits,
            cross_entropy_grad(logits, labels),
        ),
        (
            "binary cross-entropy of σ(z)",
            "(σ(z) − y)/n",
            lambda v: nn.binary_cross_entropy(v, ys),
            zs,
            binary_cross_entropy_grad(zs, ys),
        ),
        (
            "squared error of σ(z)",
            "(σ(z) − y)σ'(z)/n",
            lambda v: sigmoid_mse(v, ys),
            zs,
            mse_grad_of(zs, ys),
        ),
    ]
    rows = []
    worst = 0.0
    for name, formula, loss, at, analytic in cases:
        err = nn.relative_error(analytic, nn.numerical_gradient(loss, at))
        worst = max(worst, err)
        rows.append([name, formula, loss(at), err])
    yield table(
        "gradients: formula vs central differences",
        ["cost", "∂cost/∂input", "value", "relative error"],
        rows,
    )
    yield check(
        "every analytic gradient matches central differences",
        worst < TOL,
        "relative errors " + ", ".join(f"{r[0]} {r[3]:.1e}" for r in rows) + f" (< {TOL:g})",
        kind="numerical",
    )

    two_class = nn.cross_entropy(np.stack([np.zeros_like(zs), zs], axis=1), ys)
    bce = nn.binary_cross_entropy(zs, ys)
    yield check(
        "binary cross-entropy is softmax cross-entropy with logits (0, z)",
        abs(bce - two_class) < 1e-12,
        f"BCE = {bce:.12f}, softmax CE on (0, z) = {two_class:.12f}",
        kind="numerical",
    )

    zz, one = np.array([z]), np.array([1.0])
    s = float(nn.sigmoid(z))
    g_mse = float(mse_grad_of(zz, one)[0])
    g_ce = float(binary_cross_entropy_grad(zz, one)[0])
    slope = float(nn.sigmoid_grad(z))
    ratio = g_ce / g_mse
    yield log(
        f"A sigmoid output with target 1 and pre-activation z = {z:g}: "
        f"σ(z) = {s:.4g}, σ'(z) = {slope:.4g}."
    )
    yield table(
        f"gradients with respect to z at z = {z:g}, target 1",
        ["cost", "formula", "∂cost/∂z"],
        [
            ["squared error", "(σ(z) − 1) σ'(z)", g_mse],
            ["cross-entropy", "σ(z) − 1", g_ce],
        ],
    )
    yield check(
        "MSE's gradient is σ'(z) ≤ ¼ times cross-entropy's",
        abs(g_mse - slope * g_ce) <= 1e-12 * abs(g_mse) and slope <= 0.25,
        f"∂CE/∂z ÷ ∂MSE/∂z = {ratio:.4g} = 1/σ'(z) = {1.0 / slope:.4g}"
        " (the two formulas differ by that factor: shown, the gradient check is the evidence)",
        kind="identity",
    )
    confident = z <= SATURATED
    if confident:
        yield check(
            "confidently wrong: MSE saturates, cross-entropy does not",
            abs(g_mse) < 0.05 and abs(g_ce) > 0.95,
            f"∂MSE/∂z = {g_mse:.3g}, ∂CE/∂z = {g_ce:.4f} (≈ −1) at z = {z:g}"
            f" (z ≤ {SATURATED:g}, where σ(z) < 0.05)",
            kind="identity",
        )
    else:
        state = "undecided (σ = ½)" if z == 0.0 else "right" if z > 0.0 else "not saturated"
        yield log(
            f"prediction: at z = {z:g} the output is {state}, so neither gradient is"
            f" extreme: MSE's is {slope:.3g} × cross-entropy's ({g_mse:.3g} vs {g_ce:.3g}),"
            f" at most ¼ (at z = 0); the saturation gap needs z ≤ {SATURATED:g}, as expected"
        )

    # Enough CE steps to cross: |∂CE/∂z| ≥ ½ while z < 0.
    ce_cap = math.ceil(2.0 * abs(min(z, 0.0)) / lr) + 1
    ce_path = descend(lambda v: binary_cross_entropy_grad(v, one), z, lr, max(steps, ce_cap))
    ce_k = first_right_step(ce_path)
    limit = SLOWER * (ce_k or ce_cap)
    mse_path = descend(lambda v: mse_grad_of(v, one), z, lr, max(steps, limit))
    mse_k = first_right_step(mse_path)
    # The control: squared error's descent with the factor σ'(z) removed from its gradient.
    bare_path = descend(lambda v: sigmoid_mse_grad_without_slope(v, one), z, lr, limit)
    bare_k = first_right_step(bare_path)
    for k in range(steps + 1):
        # The output σ(z) each step, per loss: how fast each one fixes the mistake.
        yield point("σ(z) under MSE", k, float(nn.sigmoid(mse_path[k])))
        yield point("σ(z) under cross-entropy", k, float(nn.sigmoid(ce_path[k])))
    yield log(
        f"σ(z) after {steps} steps of lr = {lr:g}: MSE {float(nn.sigmoid(mse_path[steps])):.4g}, "
        f"cross-entropy {float(nn.sigmoid(ce_path[steps])):.4g}"
    )

    def crawls(fast: int | None, slow: int | None) -> bool:
        return fast is not None and (slow is None or slow > limit)

    if confident:
        yield check(
            "gradient descent: cross-entropy escapes quickly, MSE crawls",
            crawls(ce_k, mse_k),
            f"cross-entropy reaches σ(z) > ½ in {ce_k} steps; after {limit} steps "
            f"({SLOWER}×) MSE is at σ(z) = {float(nn.sigmoid(mse_path[limit])):.4g}, "
            f"z = {float(mse_path[limit]):.4g} (holds for z ≤ {SATURATED:g}, lr ≤ 2)",
            kind="empirical",
        )
    else:
        yield log(
            f"prediction: starting at z = {z:g}, on the right side already (σ(z) > ½), there"
            " is nothing to escape"
            if z > 0.0
            else f"prediction: starting at z = {z:g}, not saturated, MSE is not expected to"
            f" crawl: σ(z) > ½ after {_steps(ce_k)} of cross-entropy and {_steps(mse_k)} of"
            f" MSE (a crawl is more than {SLOWER}×; here 1/σ'(z) = {1.0 / slope:.3g})"
        )
    mse_steps = f"more than {limit}" if mse_k is None or mse_k > limit else str(mse_k)
    yield check(
        "control: without the factor σ'(z), squared error's descent no longer crawls",
        not crawls(ce_k, bare_k),
        f"gradient (σ(z) − 1) instead of (σ(z) − 1)σ'(z): σ(z) > ½ after {_steps(bare_k)},"
        f" like cross-entropy's {ce_k} (MSE: {mse_steps}):"
        " the slow-down is σ'(z) and nothing else",
        kind="empirical",
        control=True,
    )
    return {
        "z": z,
        "sigmoid": s,
        "mse_grad": g_mse,
        "ce_grad": g_ce,
        "ratio": ratio,
        "ce_steps_to_cross": ce_k,
        "mse_steps_to_cross": mse_k,
        "control_steps_to_cross": bare_k,
        "mse_sigmoid_after": float(nn.sigmoid(mse_path[steps])),
        "ce_sigmoid_after": float(nn.sigmoid(ce_path[steps])),
        "max_relative_error": worst,
    }
