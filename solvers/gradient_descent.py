"""Gradient descent: when a fixed step converges, and why a non-convex start matters.

Gradient descent repeats ``x_{k+1} = x_k − lr · f'(x_k)``.

On the convex quadratic ``f(x) = a x² / 2`` (curvature ``f'' = a``) the gradient is
``a x``, so every step multiplies the iterate by the same number:

    ``x_{k+1} = (1 − lr·a) x_k``,  hence  ``x_k = (1 − lr·a)^k x_0``  and
    ``f(x_k) = (1 − lr·a)^(2k) f(x_0)``.

It converges exactly when ``|1 − lr·a| < 1``, i.e. ``0 < lr < 2/a``: below ``1/a`` it
creeps in from one side, at ``1/a`` it lands on the minimum in one step, between ``1/a``
and ``2/a`` it overshoots but each overshoot is smaller. At ``lr = 2/a`` it bounces between
``x_0`` and ``−x_0`` for ever, and above ``2/a`` every bounce is larger: it diverges.
For a general function the same holds near a minimum with ``a`` replaced by the largest
curvature (the Hessian's largest eigenvalue).

On a non-convex function such as ``f(x) = x⁴ − 3x² + x`` there are two local minima
(``f'(x) = 4x³ − 6x + 1 = 0`` with ``f''(x) = 12x² − 6 > 0``) separated by a local
maximum. Gradient descent only follows the local slope, so the basin it starts in decides
which minimum it reaches, and the two minima have different values: only one is global.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import numpy as np

from solvers.events import Event, check, log, point, table
from solvers.params import Param

TITLE = "Gradient descent: converges for lr < 2/a, diverges above; non-convex starts differ"

PARAMS = (
    Param("a", "float", 4.0, "curvature a of f(x) = a x²/2", low=0.01, high=100.0),
    Param("lr", "float", 0.4, "learning rate (step size)", low=1e-4, high=10.0),
    Param("steps", "int", 50, "gradient-descent steps", low=1, high=300),
    Param("x0", "float", 1.0, "starting point on the quadratic", low=-100.0, high=100.0),
)

BOUND = 1e6  # a run whose |x| exceeds BOUND · max(|x0|, 1) is stopped as diverged
SAME = 1e-12  # |x_N| / |x_0| within this of 1: the iterate neither grows nor shrinks

# f(x) = x⁴ − 3x² + x, and fixed starting points on either side of its local maximum.
NONCONVEX_STARTS = (-0.5, 0.5)
NONCONVEX_LR = 0.05
NONCONVEX_STEPS = 100


def quadratic(x: np.ndarray, a: float) -> np.ndarray:
    """``f(x) = a x² / 2``."""
    value: np.ndarray = 0.5 * a * x * x
    return value


def quadratic_grad(x: np.ndarray, a: float) -> np.ndarray:
    """``f'(x) = a x``."""
    value: np.ndarray = a * x
    return value


def descend_quadratic(
    a: float, lr: float | np.ndarray, x0: np.ndarray, steps: int
) -> tuple[np.ndarray, np.ndarray]:
    """Runs ``x ← x − lr · a x`` for several starting points (or learning rates) at once.

    ``lr`` may be an array matching ``x0``. Returns the iterates, shape ``(steps + 1, n)``,
    and for each run the step at which ``|x|`` passed the bound (``steps + 1`` if never);
    a run is frozen once it passes, so nothing overflows.
    """
    limit = BOUND * np.maximum(np.abs(x0), 1.0)
    xs = np.empty((steps + 1, x0.size))
    xs[0] = x0
    stopped = np.full(x0.size, steps + 1)
    x = x0.copy()
    for k in range(1, steps + 1):
        live = stopped > k
        x = np.where(live, x - lr * quadratic_grad(x, a), x)
        xs[k] = x
        stopped = np.where(live & (np.abs(x) > limit), k, stopped)
    return xs, stopped


def behaviour(x_first: float, x_last: float, stopped: int, steps: int) -> str:
    """``converges`` if ``|x|`` shrank, ``stays`` if it kept its size, else ``diverges``."""
    if stopped <= steps:
        return "diverges"
    if x_first == 0.0:
        return "converges"
    ratio = abs(x_last) / abs(x_first)
    if ratio < 1.0 - SAME:
        return "converges"
    return "stays" if ratio <= 1.0 + SAME else "diverges"


def nonconvex(x: np.ndarray) -> np.ndarray:
    """``f(x) = x⁴ − 3x² + x``: two local minima of different depth."""
    value: np.ndarray = x**4 - 3.0 * x**2 + x
    return value


def nonconvex_grad(x: np.ndarray) -> np.ndarray:
    """``f'(x) = 4x³ − 6x + 1``."""
    value: np.ndarray = 4.0 * x**3 - 6.0 * x + 1.0
    return value


def nonconvex_curvature(x: np.ndarray) -> np.ndarray:
    """``f''(x) = 12x² − 6``: positive at a minimum."""
    value: np.ndarray = 12.0 * x**2 - 6.0
    return value


def run(a: float, lr: float, steps: int, x0: float) -> Generator[Event, None, dict[str, Any]]:
    """Sweeps the learning rate on ``a x²/2``, then runs two starts on ``x⁴ − 3x² + x``."""
    threshold = 2.0 / a
    yield log(
        f"f(x) = {a:g} x²/2, so f'(x) = {a:g} x and x ← (1 − lr·{a:g}) x: "
        f"converges for lr < 2/a = {threshold:g}."
    )
    start = x0
    if x0 == 0.0:
        start = 1.0
        yield log("x0 = 0 is the minimum already, where nothing moves: starting from 1 instead.")
    fractions = np.array([0.1, 0.5, 0.9, 0.99, 1.0, 1.01, 1.5])
    rates = np.append(fractions * threshold, lr)
    xs, stopped = descend_quadratic(a, rates, np.full(rates.size, start), steps)
    rows, agree = [], True
    for i, rate in enumerate(rates):
        last = int(min(stopped[i], steps))
        seen = behaviour(start, float(xs[last, i]), int(stopped[i]), steps)
        predicted = "converges" if rate < threshold else "does not converge"
        agree &= (seen == "converges") == (rate < threshold)
        rows.append(
            [
                "your lr" if i == rates.size - 1 else "",
                float(rate),
                float(rate / threshold),
                abs(1.0 - float(rate) * a),
                float(quadratic(xs[last, i], a)) if stopped[i] > steps else f"> bound at {last}",
                seen,
                predicted,
            ]
        )
    yield table(
        f"learning rates around 2/a = {threshold:g}, x0 = {start:g}, {steps} steps",
        ["", "lr", "lr ÷ (2/a)", "|1 − lr·a|", f"f(x_{steps})", "observed", "lr < 2/a says"],
        rows,
    )
    yield check(
        "converges exactly when lr < 2/a",
        agree,
        "; ".join(f"{r[2]:g}×(2/a): {r[5]}" for r in rows[:-1])
        + f"; your lr ({rows[-1][2]:.6g}×): {rows[-1][5]}",
        kind="numerical",
    )

    mine, mine_stop = xs[:, -1], int(stopped[-1])
    shown = min(mine_stop, steps)
    for k in range(shown + 1):
        yield point(f"f (lr={lr:g})", k, float(quadratic(mine[k], a)))
    closed = (1.0 - lr * a) ** np.arange(shown + 1) * start
    # Rounding errors scale with the largest iterate so far, not with the current one.
    scale = np.maximum.accumulate(np.abs(closed))
    closed_err = float(np.max(np.abs(mine[: shown + 1] - closed) / scale))
    below = lr < threshold
    seen = behaviour(start, float(mine[shown]), mine_stop, steps)
    if mine_stop <= steps:
        yield log(
            f"lr = {lr:g}: stopped at step {mine_stop}, |x| = {abs(mine[shown]):.3g} > bound."
        )
    # Within rounding of 2/a the factor is −1 to ~9 digits: no run can show which side it is on.
    boundary = abs(lr * a - 2.0) <= 1e-9
    yield check(
        f"your lr = {lr:g}: x_k = (1 − lr·a)^k x0",
        closed_err < 1e-9 and (boundary or (seen == "converges") == below),
        f"lr {'<' if below else '≥'} 2/a = {threshold:g} and it {seen}: factor 1 − lr·a = "
        f"{1.0 - lr * a:.6g} per step, f(x_{shown}) = {float(quadratic(mine[shown], a)):.4g}; "
        f"largest gap to the closed form {closed_err:.1e}"
        + ("; lr is 2/a to within 1e-9, where |x| barely changes either way" if boundary else ""),
        kind="numerical",
    )

    starts = np.array(NONCONVEX_STARTS)
    x = starts.copy()
    path = [nonconvex(x)]
    for _ in range(NONCONVEX_STEPS):
        x = x - NONCONVEX_LR * nonconvex_grad(x)
        path.append(nonconvex(x))
    for k, values in enumerate(path):
        for s, v in zip(starts, values, strict=True):
            yield point(f"x⁴ − 3x² + x from {s:g}", k, float(v))
    ends, grads, curv = x, nonconvex_grad(x), nonconvex_curvature(x)
    yield table(
        f"f(x) = x⁴ − 3x² + x, lr = {NONCONVEX_LR:g}, {NONCONVEX_STEPS} steps",
        ["start", "end x", "f(end)", "f'(end)", "f''(end)"],
        [
            [float(s), float(e), float(nonconvex(e)), float(g), float(c)]
            for s, e, g, c in zip(starts, ends, grads, curv, strict=True)
        ],
    )
    roots = np.sort(np.roots([4.0, 0.0, -6.0, 1.0]).real)  # f'(x) = 0: min, max, min
    minima = roots[[0, 2]]
    matched = bool(np.all(np.abs(ends - minima) < 1e-9))
    values = nonconvex(ends)
    yield check(
        "different starts reach different local minima",
        matched
        and bool(np.all(np.abs(grads) < 1e-8))
        and bool(np.all(curv > 0))
        and abs(float(values[0] - values[1])) > 1.0,
        f"from {starts[0]:g}: x = {ends[0]:.6f}, f = {values[0]:.4f}; from {starts[1]:g}: "
        f"x = {ends[1]:.6f}, f = {values[1]:.4f}; |f'| ≤ {float(np.max(np.abs(grads))):.0e}, "
        f"f'' > 0 at both; the roots of f' are {', '.join(f'{r:.6f}' for r in roots)} "
        f"(the middle one, a maximum, separates the basins)",
        kind="empirical",
    )
    return {
        "threshold": threshold,
        "converged": seen == "converges",
        "diverged": seen == "diverges",
        "final_f": float(quadratic(mine[shown], a)),
        "minima": [float(e) for e in ends],
        "minimum_values": [float(v) for v in values],
    }
