"""The learning rate: too small crawls, too large diverges, and the data say where "too large" is.

Full-batch gradient descent on least-squares linear regression,

    J(w) = (1/2n) ‖Xw − y‖²,   ∇J(w) = Xᵀ(Xw − y) / n,   H = ∇²J = XᵀX / n,

is a quadratic, so one step is exactly linear in the error:

    w_{t+1} − w* = (I − ηH)(w_t − w*).

Write the start in the eigenvectors of H (eigenvalues λ_i, components c_i of w₀ − w*):
each component is multiplied by (1 − ηλ_i) per step, and the loss gap is

    J(w_t) − J* = ½ Σ_i λ_i c_i² (1 − ηλ_i)^{2t}.

So GD converges iff |1 − ηλ_i| < 1 for every i, i.e. 0 < η < 2/L with L = λ_max(H)
(the sharpest curvature; for a start with c_max ≠ 0). At η = 1/L the sharpest direction
is solved in one step; just below 2/L it oscillates but shrinks; just above 2/L it
oscillates and grows by (1 − ηL)² > 1 per step, for ever. A tiny η (say 0.01/L) is safe
but crawls: the flat directions shrink only by (1 − ηλ_min) per step.

The demo builds a fixed regression (seeded), computes L by an eigen-decomposition,
runs GD at 0.01/L, 1/L, 0.95·2/L and 1.05·2/L, and checks that the formula above
predicts every measured loss. The user's own ``lr`` is run and reported as it went.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import numpy as np

from solvers import nn
from solvers.events import Event, check, log, point, table
from solvers.params import Param

TITLE = "Learning rate: the threshold 2/L from the Hessian; crawl, fast, converge, diverge"

PARAMS = (
    Param(
        "lr",
        "float",
        0.5,
        "learning rate η of your run (it diverges above the threshold 2/L the run reports)",
        low=1e-6,
        high=50.0,
    ),
    Param("steps", "int", 50, "gradient-descent steps per run", low=25, high=200),
    Param("seed", "int", 0, "random seed of the data", low=0, high=2**32 - 1),
)

N_EXAMPLES = 60
FEATURE_SCALES = (1.4, 0.8, 0.5)  # unequal scales: the Hessian has a spread of curvatures
TRUE_WEIGHTS = (1.0, -1.0, 1.0)
NOISE = 0.5
BLOWUP = 1e6  # a run stops once its loss exceeds BLOWUP × its starting loss


def make_data(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``X`` (n × 3, column j scaled by FEATURE_SCALES[j]) and ``y = X w_true + noise``."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((N_EXAMPLES, len(FEATURE_SCALES))) * np.array(FEATURE_SCALES)
    y = x @ np.array(TRUE_WEIGHTS) + NOISE * rng.standard_normal(N_EXAMPLES)
    return x, y


def loss(w: np.ndarray, x: np.ndarray, y: np.ndarray) -> float:
    """``J(w) = (1/2n) ‖Xw − y‖²`` (``nn.mse`` is the mean of ½ (pred − target)²)."""
    return nn.mse(x @ w, y)


def gradient(w: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``∇J(w) = Xᵀ(Xw − y) / n``."""
    result: np.ndarray = x.T @ (x @ w - y) / len(y)
    return result


def hessian(x: np.ndarray) -> np.ndarray:
    """``H = XᵀX / n``, the same at every w (J is quadratic)."""
    result: np.ndarray = x.T @ x / len(x)
    return result


def least_squares(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The minimiser ``w* = (XᵀX)⁻¹ Xᵀy`` (the normal equations)."""
    result: np.ndarray = np.linalg.solve(x.T @ x, x.T @ y)
    return result


def gradient_descent(
    x: np.ndarray, y: np.ndarray, lr: float, steps: int
) -> tuple[list[float], int | None]:
    """``w ← w − η ∇J(w)`` from w₀ = 0; returns the loss after each step (index 0 = start).

    Stops early, returning the step, once the loss exceeds ``BLOWUP × J(w₀)`` or is not
    finite: it has diverged, and going on would only overflow.
    """
    w = np.zeros(x.shape[1])
    losses = [loss(w, x, y)]
    for t in range(1, steps + 1):
        w = w - lr * gradient(w, x, y)
        losses.append(loss(w, x, y))
        if not np.isfinite(losses[-1]) or losses[-1] > BLOWUP * losses[0]:
            return losses, t
    return losses, None


def predicted_gaps(
    h: np.ndarray, start: np.ndarray, w_star: np.ndarray, lr: float, steps: int
) -> np.ndarray:
    """``J(w_t) − J* = ½ Σ_i λ_i c_i² (1 − ηλ_i)^{2t}`` for t = 0..steps, c = Vᵀ(w₀ − w*)."""
    eigenvalues, vectors = np.linalg.eigh(h)
    c = vectors.T @ (start - w_star)
    t = np.arange(steps + 1)[:, None]
    result: np.ndarray = np.sum(0.5 * eigenvalues * c**2 * (1.0 - lr * eigenvalues) ** (2 * t), 1)
    return result


def diverged(losses: list[float], stopped: int | None) -> bool:
    """Blew past the bound, or the loss still rose at the last step.

    On a quadratic the loss gap is a sum of geometric terms: once the growing term
    (1 − ηL)^{2t} outweighs the shrinking ones the loss rises at every later step, so a
    rise at the end means unbounded growth. (The tolerance ignores rounding.)
    """
    return stopped is not None or losses[-1] - losses[-2] > 1e-12 * losses[0]


def rose(losses: list[float]) -> bool:
    """True if the loss went up at any step (beyond rounding)."""
    steps = np.diff(np.asarray(losses))
    return bool(np.any(steps > 1e-12 * losses[0]))


def run(lr: float, steps: int, seed: int) -> Generator[Event, None, dict[str, Any]]:
    """Computes the threshold 2/L from the data, checks the four regimes, runs ``lr``."""
    x, y = make_data(seed)
    h = hessian(x)
    eigenvalues = np.linalg.eigvalsh(h)
    big_l, small = float(eigenvalues[-1]), float(eigenvalues[0])
    threshold = 2.0 / big_l
    w_star = least_squares(x, y)
    j_star = loss(w_star, x, y)
    start = np.zeros(x.shape[1])
    j0 = loss(start, x, y)
    yield log(
        f"Least squares on n = {len(y)} examples, {x.shape[1]} features (seed {seed}). "
        f"Hessian H = XᵀX/n has eigenvalues {np.round(eigenvalues, 4).tolist()}: "
        f"L = {big_l:.4f}, condition number L/λ_min = {big_l / small:.2f}."
    )
    yield log(
        f"Threshold 2/L = {threshold:.4f}. Start w₀ = 0 with J(w₀) = {j0:.4f}; "
        f"the minimum is J* = {j_star:.4f}."
    )

    probe = np.array([0.3, -0.2, 0.5])
    numeric = nn.numerical_gradient(lambda w: loss(w, x, y), probe)
    analytic = gradient(probe, x, y)
    grad_err = float(np.linalg.norm(numeric - analytic) / np.linalg.norm(analytic))
    yield check(
        "the gradient Xᵀ(Xw − y)/n matches central differences",
        grad_err < 1e-7,
        f"relative error {grad_err:.1e} at w = {probe.tolist()}",
        kind="numerical",
    )

    regimes = (
        ("0.01/L (too small)", 0.01 / big_l),
        ("1/L", 1.0 / big_l),
        ("0.95·2/L", 0.95 * threshold),
        ("1.05·2/L", 1.05 * threshold),
    )
    rows = []
    results: dict[str, tuple[list[float], int | None, float]] = {}
    worst_prediction = 0.0
    for name, rate in regimes:
        losses, stopped = gradient_descent(x, y, rate, steps)
        gaps = (np.asarray(losses) - j_star) / (j0 - j_star)
        predicted = predicted_gaps(h, start, w_star, rate, len(losses) - 1) / (j0 - j_star)
        error = np.abs(gaps - predicted) / np.maximum(np.abs(predicted), 1.0)
        worst_prediction = max(worst_prediction, float(np.max(error)))
        results[name] = (losses, stopped, float(gaps[-1]))
        growth = (1.0 - rate * big_l) ** 2
        outcome = "diverged" if diverged(losses, stopped) else "converging"
        rows.append(
            [name, rate, rate * big_l, growth, len(losses) - 1, losses[-1], gaps[-1], outcome]
        )
    yield table(
        f"Gradient descent for {steps} steps at rates set by L = {big_l:.4f}",
        [
            "η",
            "value",
            "ηL",
            "(1−ηL)² per step",
            "steps run",
            "final loss",
            "gap left (J−J*)/(J₀−J*)",
            "outcome",
        ],
        rows,
    )
    yield check(
        "the eigen-formula ½ Σ λᵢcᵢ²(1 − ηλᵢ)^2t predicts every loss",
        worst_prediction < 1e-8,
        f"largest relative difference between measured and predicted gap: "
        f"{worst_prediction:.1e} (all four runs, every step)",
        kind="numerical",
    )

    crawl = results["0.01/L (too small)"]
    yield check(
        "η = 0.01/L is safe but crawls",
        crawl[2] > 0.03 and not rose(crawl[0]),
        f"after {steps} steps {crawl[2]:.1%} of the initial gap J₀ − J* is still left "
        f"(loss {crawl[0][-1]:.4f} vs minimum {j_star:.4f}; holds for steps ≤ 200)",
        kind="empirical",
    )
    fast = results["1/L"]
    yield check(
        "η = 1/L is fast",
        fast[2] < 1e-2 and not rose(fast[0]),
        f"after {steps} steps the gap left is {max(fast[2], 0.0):.1e} of the start "
        f"(the sharpest direction is solved in one step; the flattest shrinks by "
        f"1 − λ_min/L = {1 - small / big_l:.3f} per step)",
        kind="empirical",
    )
    below = results["0.95·2/L"]
    yield check(
        "just below 2/L it still converges",
        below[2] < 0.05 and not rose(below[0]) and not diverged(below[0], below[1]),
        f"η = {0.95 * threshold:.4f}: the loss fell at every step, gap left "
        f"{max(below[2], 0.0):.1e}; the sharpest direction flips sign and shrinks by "
        f"|1 − ηL| = 0.9 per step",
        kind="empirical",
    )
    above = results["1.05·2/L"]
    where = f"stopped at step {above[1]} (loss > 10⁶ × start)" if above[1] else "still rising"
    yield check(
        "just above 2/L it diverges",
        diverged(above[0], above[1]) and above[0][-1] > j0,
        f"η = {1.05 * threshold:.4f}: loss {above[0][-1]:.4g} vs start {j0:.4f}, {where}; "
        f"the sharpest direction grows by |1 − ηL| = 1.1 per step",
        kind="empirical",
    )

    yield log(f"Your run: η = {lr:g} ({lr / threshold:.3g} × the threshold 2/L), {steps} steps.")
    losses, stopped = gradient_descent(x, y, lr, steps)
    for t, value in enumerate(losses):
        yield point("loss", t, value)
    went_off = diverged(losses, stopped)
    if stopped is not None:
        yield log(
            f"Diverged at step {stopped}: loss {losses[-1]:.4g} > 10⁶ × the start "
            f"({j0:.4f}); stopped there."
        )
    elif went_off:
        yield log(
            f"Diverging: the loss is still rising at step {steps} ({losses[-1]:.4g}, "
            f"start {j0:.4f}); at η > 2/L it grows without bound."
        )
    else:
        gap = (losses[-1] - j_star) / (j0 - j_star)
        state = "Converged" if gap < 1e-3 else "Converging, slowly"
        yield log(
            f"{state}: loss {losses[-1]:.6f} after {steps} steps "
            f"(minimum {j_star:.6f}, {max(gap, 0.0):.1e} of the initial gap left)."
        )
    side = "above" if lr > threshold else "below"
    yield log(
        f"η is {side} 2/L, and the run {'diverged' if went_off else 'did not diverge'}"
        + (" — as the theory says." if went_off == (lr > threshold) else ".")
    )
    return {
        "threshold": threshold,
        "diverged": went_off,
        "lr": lr,
        "L": big_l,
        "final_loss": losses[-1],
        "min_loss": min(losses),
        "optimum_loss": j_star,
        "steps_run": len(losses) - 1,
    }
