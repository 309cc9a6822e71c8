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

Two negative controls, each the same experiment with the mechanism removed, must fail:

- the threshold comes from a step proportional to the gradient, ``lr · a x``: with a step
  of fixed size ``lr · sign(f'(x))`` (sign gradient descent, which ignores the curvature)
  no rate diverges, and "converges exactly when lr < 2/a" no longer holds;
- the different minima come from the non-convex term ``−3x²``: without it,
  ``f(x) = x⁴ + x`` is convex, and both starts reach its single minimum.

``--set break=sign-gradient`` and ``--set break=convex`` remove the same mechanisms in the
main run, and the claim they support fails.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import numpy as np

from solvers.events import Event, check, log, point, table
from solvers.params import Param, break_param, broken

TITLE = "Gradient descent: converges for lr < 2/a, diverges above; non-convex starts differ"

PARAMS = (
    Param("a", "float", 4.0, "curvature a of f(x) = a x²/2", low=0.01, high=100.0),
    Param("lr", "float", 0.4, "learning rate (step size)", low=1e-4, high=10.0),
    Param("steps", "int", 50, "gradient-descent steps", low=1, high=300),
    Param("x0", "float", 1.0, "starting point on the quadratic", low=-100.0, high=100.0),
    break_param(
        {
            "sign-gradient": "steps of fixed size lr·sign(f') ignore the curvature: rates "
            "above 2/a no longer diverge, so 'converges exactly when lr < 2/a' fails",
            "convex": "without the −3x² term f(x) = x⁴ + x is convex: both starts reach the "
            "same minimum",
        }
    ),
)

BOUND = 1e6  # a run whose |x| exceeds BOUND · max(|x0|, 1) is stopped as diverged
SAME = 1e-12  # |x_N| / |x_0| within this of 1: the iterate neither grows nor shrinks

# f(x) = x⁴ − 3x² + x (highest power first), fixed starting points on either side of its
# local maximum, and the convex control x⁴ + x.
NONCONVEX = (1.0, 0.0, -3.0, 1.0, 0.0)
CONVEX = (1.0, 0.0, 0.0, 1.0, 0.0)
NONCONVEX_STARTS = (-0.5, 0.5)
CONTROL_STEPS = 50  # the sign-gradient control runs at least this many steps
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
    a: float, lr: float | np.ndarray, x0: np.ndarray, steps: int, sign: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Runs ``x ← x − lr · a x`` for several starting points (or learning rates) at once.

    ``lr`` may be an array matching ``x0``. Returns the iterates, shape ``(steps + 1, n)``,
    and for each run the step at which ``|x|`` passed the bound (``steps + 1`` if never);
    a run is frozen once it passes, so nothing overflows. With ``sign`` the step is
    ``lr · sign(a x)`` instead (the control: a step that ignores the curvature).
    """
    limit = BOUND * np.maximum(np.abs(x0), 1.0)
    xs = np.empty((steps + 1, x0.size))
    xs[0] = x0
    stopped = np.full(x0.size, steps + 1)
    x = x0.copy()
    for k in range(1, steps + 1):
        live = stopped > k
        step = np.sign(quadratic_grad(x, a)) if sign else quadratic_grad(x, a)
        x = np.where(live, x - lr * step, x)
        xs[k] = x
        stopped = np.where(live & (np.abs(x) > limit), k, stopped)
    return xs, stopped


def closed_form(factor: float, start: float, steps: int) -> np.ndarray:
    """``x_k = factor^k · x0`` for k = 0..steps, through logarithms so that a huge factor
    times a tiny start does not overflow on the way (``(−999)^103 · 1e-300``)."""
    k = np.arange(steps + 1)
    if factor == 0.0:
        return np.where(k == 0, start, 0.0)
    with np.errstate(over="ignore"):
        size = np.exp(k * np.log(abs(factor)) + np.log(abs(start)))
    signs = np.where((factor < 0) & (k % 2 == 1), -1.0, 1.0) * np.sign(start)
    result: np.ndarray = signs * size
    return result


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


def polynomial(coefficients: tuple[float, ...], x: np.ndarray) -> np.ndarray:
    """``f(x)`` for the coefficients, highest power first."""
    value: np.ndarray = np.polyval(coefficients, x)
    return value


def derivative(coefficients: tuple[float, ...], order: int = 1) -> tuple[float, ...]:
    """The coefficients of ``f'`` (or of a higher derivative)."""
    return tuple(float(c) for c in np.polyder(np.array(coefficients), order))


def nonconvex(x: np.ndarray) -> np.ndarray:
    """``f(x) = x⁴ − 3x² + x``: two local minima of different depth."""
    return polynomial(NONCONVEX, x)


def nonconvex_grad(x: np.ndarray) -> np.ndarray:
    """``f'(x) = 4x³ − 6x + 1``."""
    return polynomial(derivative(NONCONVEX), x)


def nonconvex_curvature(x: np.ndarray) -> np.ndarray:
    """``f''(x) = 12x² − 6``: positive at a minimum."""
    return polynomial(derivative(NONCONVEX, 2), x)


def descend_polynomial(
    coefficients: tuple[float, ...], starts: np.ndarray
) -> tuple[np.ndarray, list[np.ndarray]]:
    """``NONCONVEX_STEPS`` steps of ``x ← x − NONCONVEX_LR · f'(x)`` from each start; returns
    the end points and ``f`` after every step (index 0 = start)."""
    grad = derivative(coefficients)
    x = starts.copy()
    path = [polynomial(coefficients, x)]
    for _ in range(NONCONVEX_STEPS):
        x = x - NONCONVEX_LR * polynomial(grad, x)
        path.append(polynomial(coefficients, x))
    return x, path


def local_minima(coefficients: tuple[float, ...]) -> np.ndarray:
    """The real roots of ``f'`` where ``f'' > 0``, in increasing order."""
    roots = np.roots(derivative(coefficients))
    real = np.sort(roots[np.abs(roots.imag) < 1e-9].real)
    return real[polynomial(derivative(coefficients, 2), real) > 0]


def distinct_minima(
    coefficients: tuple[float, ...], ends: np.ndarray
) -> tuple[bool, np.ndarray, np.ndarray]:
    """Whether the runs ended at two different local minima of ``f`` whose values differ;
    also ``f'`` and ``f''`` at the ends."""
    grads = polynomial(derivative(coefficients), ends)
    curv = polynomial(derivative(coefficients, 2), ends)
    minima = local_minima(coefficients)
    at_minimum = [bool(np.min(np.abs(minima - e)) < 1e-9) if minima.size else False for e in ends]
    values = polynomial(coefficients, ends)
    distinct = (
        all(at_minimum)
        and bool(np.all(np.abs(grads) < 1e-8))
        and bool(np.all(curv > 0))
        and abs(float(ends[0] - ends[-1])) > 1e-6
        and abs(float(values[0] - values[-1])) > 1.0
    )
    return distinct, grads, curv


def sweep(
    a: float, rates: np.ndarray, start: float, steps: int, sign: bool
) -> tuple[np.ndarray, np.ndarray, list[str], bool]:
    """Every rate from ``start``: the iterates, where each stopped, what each did, and
    whether "converges exactly when lr < 2/a" held for all of them."""
    xs, stopped = descend_quadratic(a, rates, np.full(rates.size, start), steps, sign)
    seen = [
        behaviour(start, float(xs[int(min(stopped[i], steps)), i]), int(stopped[i]), steps)
        for i in range(rates.size)
    ]
    agree = all((s == "converges") == (r < 2.0 / a) for s, r in zip(seen, rates, strict=True))
    return xs, stopped, seen, agree


def name_of(coefficients: tuple[float, ...]) -> str:
    """``x⁴ − 3x² + x`` or ``x⁴ + x``."""
    return "x⁴ − 3x² + x" if coefficients == NONCONVEX else "x⁴ + x"


def run(
    a: float, lr: float, steps: int, x0: float, **rest: str
) -> Generator[Event, None, dict[str, Any]]:
    """Sweeps the learning rate on ``a x²/2``, then runs two starts on ``x⁴ − 3x² + x``,
    each with its negative control."""
    removed = broken(rest)
    sign = removed == "sign-gradient"
    threshold = 2.0 / a
    yield log(
        f"f(x) = {a:g} x²/2, so f'(x) = {a:g} x and x ← (1 − lr·{a:g}) x: "
        f"converges for lr < 2/a = {threshold:g}."
        + (" break=sign-gradient: every step is lr·sign(f'(x)) instead." if sign else "")
    )
    start = x0
    if x0 == 0.0:
        start = 1.0
        yield log("x0 = 0 is the minimum already, where nothing moves: starting from 1 instead.")
    fractions = np.array([0.1, 0.5, 0.9, 0.99, 1.0, 1.01, 1.5])
    rates = np.append(fractions * threshold, lr)
    xs, stopped, seen, agree = sweep(a, rates, start, steps, sign)
    rows = []
    for i, rate in enumerate(rates):
        last = int(min(stopped[i], steps))
        rows.append(
            [
                "your lr" if i == rates.size - 1 else "",
                float(rate),
                float(rate / threshold),
                abs(1.0 - float(rate) * a),
                float(quadratic(xs[last, i], a)) if stopped[i] > steps else f"> bound at {last}",
                seen[i],
                "converges" if rate < threshold else "does not converge",
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
    # One sign step from |x0| = 1/a is the gradient step: give the control room to differ.
    control_steps = max(steps, CONTROL_STEPS)
    _, _, control_seen, control_agree = sweep(a, rates, start, control_steps, sign=True)
    yield check(
        "control: with steps lr·sign(f') that ignore the curvature, 2/a is no threshold",
        not control_agree,
        f"sign gradient descent, {control_steps} steps: "
        + "; ".join(f"{f:g}×(2/a): {c}" for f, c in zip(fractions, control_seen[:-1], strict=True))
        + ": a step proportional to f' = a x is what makes rates above 2/a overshoot more"
        " at every step",
        kind="numerical",
        control=True,
    )

    mine, mine_stop = xs[:, -1], int(stopped[-1])
    shown = min(mine_stop, steps)
    for k in range(shown + 1):
        yield point(f"f (lr={lr:g})", k, float(quadratic(mine[k], a)))
    closed = closed_form(1.0 - lr * a, start, shown)
    with np.errstate(over="ignore", invalid="ignore"):  # a broken run may outgrow floats
        # Rounding errors scale with the largest iterate so far, not with the current one.
        scale = np.maximum.accumulate(np.abs(closed))
        closed_err = float(np.max(np.abs(mine[: shown + 1] - closed) / scale))
    below = lr < threshold
    mine_seen = seen[-1]
    if mine_stop <= steps:
        yield log(
            f"lr = {lr:g}: stopped at step {mine_stop}, |x| = {abs(mine[shown]):.3g} > bound."
        )
    # Within rounding of 2/a the factor is −1 to ~9 digits: no run can show which side it is on.
    boundary = abs(lr * a - 2.0) <= 1e-9
    yield check(
        f"your lr = {lr:g}: x_k = (1 − lr·a)^k x0",
        closed_err < 1e-9 and (boundary or (mine_seen == "converges") == below),
        f"lr {'<' if below else '≥'} 2/a = {threshold:g} and it {mine_seen}: factor 1 − lr·a = "
        f"{1.0 - lr * a:.6g} per step, f(x_{shown}) = {float(quadratic(mine[shown], a)):.4g}; "
        f"largest gap to the closed form {closed_err:.1e}"
        + ("; lr is 2/a to within 1e-9, where |x| barely changes either way" if boundary else ""),
        kind="numerical",
    )

    coefficients = CONVEX if removed == "convex" else NONCONVEX
    starts = np.array(NONCONVEX_STARTS)
    ends, path = descend_polynomial(coefficients, starts)
    for k, values in enumerate(path):
        for s, v in zip(starts, values, strict=True):
            yield point(f"{name_of(coefficients)} from {s:g}", k, float(v))
    distinct, grads, curv = distinct_minima(coefficients, ends)
    control_ends, _ = descend_polynomial(CONVEX, starts)
    control_distinct, _, _ = distinct_minima(CONVEX, control_ends)
    yield table(
        f"lr = {NONCONVEX_LR:g}, {NONCONVEX_STEPS} steps from each start",
        ["f", "start", "end x", "f(end)", "f'(end)", "f''(end)"],
        [
            [
                name_of(coefficients),
                float(s),
                float(e),
                float(polynomial(coefficients, e)),
                float(g),
                float(c),
            ]
            for s, e, g, c in zip(starts, ends, grads, curv, strict=True)
        ]
        + [
            ["x⁴ + x (control)", float(s), float(e), float(polynomial(CONVEX, e)), "", ""]
            for s, e in zip(starts, control_ends, strict=True)
        ],
    )
    all_roots = np.roots(derivative(coefficients))
    roots = np.sort(all_roots[np.abs(all_roots.imag) < 1e-9].real)
    values = polynomial(coefficients, ends)
    yield check(
        "different starts reach different local minima",
        distinct,
        f"on {name_of(coefficients)}: from {starts[0]:g}: x = {ends[0]:.6f}, f = {values[0]:.4f};"
        f" from {starts[1]:g}: x = {ends[1]:.6f}, f = {values[1]:.4f};"
        f" |f'| ≤ {float(np.max(np.abs(grads))):.0e}, f'' = "
        + ", ".join(f"{c:.3g}" for c in curv)
        + f"; the real roots of f' are {', '.join(f'{r:.6f}' for r in roots)}"
        + (" (the middle one, a maximum, separates the basins)" if roots.size == 3 else ""),
        kind="empirical",
    )
    yield check(
        "control: without the −3x² term (f = x⁴ + x, convex) both starts reach one minimum",
        not control_distinct,
        f"from {starts[0]:g}: x = {control_ends[0]:.6f}; from {starts[1]:g}:"
        f" x = {control_ends[1]:.6f}; the only root of 4x³ + 1 is {-(0.25 ** (1 / 3)):.6f}:"
        " the non-convexity, not the starting point alone, makes the two answers differ",
        kind="empirical",
        control=True,
    )
    return {
        "threshold": threshold,
        "converged": mine_seen == "converges",
        "diverged": mine_seen == "diverges",
        "final_f": float(quadratic(mine[shown], a)),
        "minima": [float(e) for e in ends],
        "minimum_values": [float(v) for v in values],
    }
