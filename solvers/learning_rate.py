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
runs GD at 0.01/L, 1/L, 0.95·2/L and 1.05·2/L (all four streamed), and checks that the
formula above predicts every measured loss. The user's own rate (``lr``, or ``lr_factor``
× 2/L) is run, streamed as ``loss`` and reported with what the theory predicts for it.

A run too short for a regime to show itself (on the default data 1/L needs 14 steps
to leave less than 1 % of the gap) reports the number of steps the formula says it
needs, as expected, not a failure.

The negative control takes the threshold from the *mean* curvature L̄ = tr(H)/d, the
"typical" eigenvalue, instead of the largest: a rate 0.95·2/L̄ is then above 2/L and
diverges, so the largest eigenvalue, not an average, decides. ``--set
break=mean-curvature`` uses L̄ for the whole demo, and "just below 2/L it still
converges" fails.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import numpy as np

from solvers import nn
from solvers.events import Event, check, log, point, table
from solvers.params import Param, break_param, broken

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
    Param("steps", "int", 50, "gradient-descent steps per run", low=1, high=300),
    Param("seed", "int", 0, "random seed of the data", low=0, high=2**32 - 1),
    Param(
        "lr_factor",
        "float",
        0.0,
        "your η as a multiple of the threshold 2/L (0.5 is 1/L, 1 the edge); 0 uses lr instead",
        low=0.0,
        high=25.0,
    ),
    break_param(
        {
            "mean-curvature": "the threshold is taken from the mean Hessian eigenvalue, not "
            "the largest: the rate 'just below' it is above 2/L and diverges"
        }
    ),
)

N_EXAMPLES = 60
FEATURE_SCALES = (1.4, 0.8, 0.5)  # unequal scales: the Hessian has a spread of curvatures
TRUE_WEIGHTS = (1.0, -1.0, 1.0)
NOISE = 0.5
BLOWUP = 1e6  # a run stops once its loss exceeds BLOWUP × its starting loss
HORIZON = 5000  # steps over which the formula is asked when a regime would show itself
FAST_GAP = 1e-2  # η = 1/L is "fast": less than this share of the initial gap left
BELOW_GAP = 0.05  # just below 2/L: less than this left


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


def steps_until_gap_below(gaps: np.ndarray, level: float) -> int | None:
    """The first step at which the (normalised) gap is below ``level``, or None."""
    hits = np.flatnonzero(gaps < level)
    return int(hits[0]) if hits.size else None


def steps_until_rising(gaps: np.ndarray) -> int | None:
    """The first step after which the gap only rises (a diverging run), or None."""
    rises = np.diff(gaps) > 0
    falls = np.flatnonzero(~rises)
    first = 0 if not falls.size else int(falls[-1]) + 1
    return first + 1 if first < rises.size else None


def run(
    lr: float, steps: int, seed: int, lr_factor: float, **rest: str
) -> Generator[Event, None, dict[str, Any]]:
    """Computes the threshold 2/L from the data, streams the four regimes and their
    control, then the user's run."""
    mean_curvature = broken(rest) == "mean-curvature"
    count = f"{steps} step" + ("s" if steps != 1 else "")
    x, y = make_data(seed)
    h = hessian(x)
    eigenvalues = np.linalg.eigvalsh(h)
    big_l, small = float(eigenvalues[-1]), float(eigenvalues[0])
    mean_l = float(np.mean(eigenvalues))
    used_l = mean_l if mean_curvature else big_l  # the curvature the rates are set from
    threshold = 2.0 / used_l
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
        f"Threshold 2/L = {2.0 / big_l:.4f}. Start w₀ = 0 with J(w₀) = {j0:.4f}; "
        f"the minimum is J* = {j_star:.4f}."
        + (
            f" break=mean-curvature: every rate below is set from the mean eigenvalue"
            f" L̄ = {mean_l:.4f} instead (threshold 2/L̄ = {threshold:.4f})."
            if mean_curvature
            else ""
        )
    )

    probe = np.array([0.3, -0.2, 0.5])
    numeric = nn.numerical_gradient(lambda w: loss(w, x, y), probe)
    analytic = gradient(probe, x, y)
    grad_err = nn.relative_error(analytic, numeric)
    yield check(
        "the gradient Xᵀ(Xw − y)/n matches central differences",
        grad_err < 1e-7,
        f"relative error {grad_err:.1e} at w = {probe.tolist()}",
        kind="numerical",
    )

    def normalised(losses: list[float]) -> np.ndarray:
        result: np.ndarray = (np.asarray(losses) - j_star) / (j0 - j_star)
        return result

    def theory(rate: float, horizon: int) -> np.ndarray:
        """The predicted normalised gap for t = 0..horizon (true eigenvalues), cut where
        a diverging run's gap passes the float range."""
        with np.errstate(over="ignore", invalid="ignore"):
            gaps: np.ndarray = predicted_gaps(h, start, w_star, rate, horizon) / (j0 - j_star)
        finite = np.isfinite(gaps) & (np.abs(gaps) < 1e300)
        return gaps if finite.all() else gaps[: int(np.argmin(finite))]

    # The user's run first, with the rate they gave directly or as a multiple of the
    # threshold: it is what they came to see, and the first line of the plot's legend.
    user_rate = lr_factor * threshold if lr_factor > 0 else lr
    user_losses, user_stopped = gradient_descent(x, y, user_rate, steps)
    user_gaps = normalised(user_losses)
    true_threshold = 2.0 / big_l
    yield log(
        f"Your run: η = {user_rate:.6g} ({user_rate / true_threshold:.6g} × the threshold 2/L"
        + (f", set by lr_factor = {lr_factor:g}" if lr_factor > 0 else "")
        + f"), {count}; per step the sharpest direction is multiplied by"
        f" 1 − ηL = {1 - user_rate * big_l:.4g}."
    )
    for t, value in enumerate(user_losses):
        yield point("loss", t, value)
    went_off = diverged(user_losses, user_stopped)
    if user_stopped is not None:
        yield log(
            f"Diverged at step {user_stopped}: loss {user_losses[-1]:.4g} > 10⁶ × the start "
            f"({j0:.4f}); stopped there."
        )
    elif went_off:
        yield log(
            f"Diverging: the loss is still rising at step {steps} ({user_losses[-1]:.4g}, "
            f"start {j0:.4f}); at η > 2/L it grows without bound."
        )
    else:
        gap = float(user_gaps[-1])
        state = "Converged" if gap < 1e-3 else "Converging, slowly"
        yield log(
            f"{state}: loss {user_losses[-1]:.6f} after {count} "
            f"(minimum {j_star:.6f}, {max(gap, 0.0):.1e} of the initial gap left)."
        )
    above_threshold = user_rate > true_threshold
    if went_off == above_threshold:
        verdict = " — as the theory says."
    elif above_threshold:
        takes = steps_until_rising(theory(user_rate, HORIZON))
        verdict = (
            f" yet: the sharpest direction grows by (1 − ηL)² = {(1 - user_rate * big_l) ** 2:.6g}"
            f" per step, but the formula says the loss turns up for good only after step {takes}"
            " (raise steps to see it)."
            if takes is not None
            else "."
        )
    else:
        verdict = "."
    yield log(
        f"η is {'above' if above_threshold else 'below'} 2/L, and the run"
        f" {'diverged' if went_off else 'did not diverge'}{verdict}"
    )

    regimes = (
        ("0.01/L", 0.01 / used_l),
        ("1/L", 1.0 / used_l),
        ("0.95·2/L", 0.95 * threshold),
        ("1.05·2/L", 1.05 * threshold),
    )
    worst_prediction = 0.0
    results: dict[str, tuple[list[float], int | None, np.ndarray]] = {}
    for name, rate in regimes:
        losses, stopped = gradient_descent(x, y, rate, steps)
        for t, value in enumerate(losses):
            yield point(f"loss at η = {name}", t, value)
        gaps = normalised(losses)
        predicted = theory(rate, len(losses) - 1)
        error = np.abs(gaps - predicted) / np.maximum(np.abs(predicted), 1.0)
        worst_prediction = max(worst_prediction, float(np.max(error)))
        results[name] = (losses, stopped, gaps)
    yield table(
        f"Gradient descent for {count} at rates set by "
        + (f"L̄ = {mean_l:.4f} (break)" if mean_curvature else f"L = {big_l:.4f}"),
        ["η", "value", "ηL", "(1−ηL)² per step", "steps run", "final loss", "gap left", "outcome"],
        [
            [
                name,
                rate,
                rate * big_l,
                (1.0 - rate * big_l) ** 2,
                len(results[name][0]) - 1,
                results[name][0][-1],
                results[name][2][-1],
                "diverged" if diverged(*results[name][:2]) else "converging",
            ]
            for name, rate in regimes
        ],
    )

    predicted = theory(user_rate, len(user_losses) - 1)
    error = np.abs(user_gaps - predicted) / np.maximum(np.abs(predicted), 1.0)
    worst_prediction = max(worst_prediction, float(np.max(error)))
    yield check(
        "the eigen-formula ½ Σ λᵢcᵢ²(1 − ηλᵢ)^2t predicts every loss",
        worst_prediction < 1e-8,
        f"largest relative difference between measured and predicted gap: "
        f"{worst_prediction:.1e} (the four runs and yours, every step)",
        kind="numerical",
    )

    ahead = theory(0.01 / used_l, steps)[-1]
    crawl = results["0.01/L"]
    yield check(
        "η = 0.01/L is safe but crawls",
        crawl[2][-1] > 0.03 and not rose(crawl[0]),
        f"after {count} {crawl[2][-1]:.1%} of the initial gap J₀ − J* is still left"
        f" (formula: {ahead:.1%}); the loss fell at every step",
        kind="empirical",
    )

    def within(name: str, level: float) -> tuple[bool, str]:
        """Whether the gap fell below ``level`` in time, or, when the run is shorter than
        the formula says that takes, a note saying so (a prediction, not a failure)."""
        gaps = results[name][2]
        needed = steps_until_gap_below(theory(dict(regimes)[name], HORIZON), level)
        if needed is not None and steps < needed:
            return True, (
                f"too few steps to get below {level:g} of the gap (the formula says it takes"
                f" {needed}): {max(float(gaps[-1]), 0.0):.1e} is left, as expected"
            )
        left = max(float(gaps[-1]), 0.0)
        return bool(gaps[-1] < level), f"gap left {left:.1e} (needed < {level:g})"

    fast_ok, fast_note = within("1/L", FAST_GAP)
    fast = results["1/L"]
    yield check(
        "η = 1/L is fast",
        fast_ok and not rose(fast[0]),
        f"after {count}: {fast_note}; the sharpest direction is solved in one step,"
        f" the flattest shrinks by 1 − λ_min/L = {1 - small / big_l:.3f} per step",
        kind="empirical",
    )
    below_ok, below_note = within("0.95·2/L", BELOW_GAP)
    below = results["0.95·2/L"]
    yield check(
        "just below 2/L it still converges",
        below_ok and not rose(below[0]) and not diverged(below[0], below[1]),
        f"η = {0.95 * threshold:.4f}, ηL = {0.95 * threshold * big_l:.3f}: "
        + (
            f"the loss fell at every step, {below_note}; the sharpest direction flips sign"
            " and shrinks by |1 − ηL| = 0.9 per step"
            if not rose(below[0])
            else f"the loss rose (to {max(below[0]):.4g}): ηL > 2, the rate is above 2/L"
        ),
        kind="empirical",
    )
    above = results["1.05·2/L"]
    forecast = theory(1.05 * threshold, HORIZON)
    takes = steps_until_rising(forecast)
    passes = steps_until_gap_below(-forecast, -(1.0 + 1e-9))  # the loss passes its start
    blew_up = diverged(above[0], above[1]) and above[0][-1] > j0
    early = not blew_up and passes is not None and steps < passes
    where = f"stopped at step {above[1]} (loss > 10⁶ × start)" if above[1] else "still rising"
    yield check(
        "just above 2/L it diverges",
        blew_up or early,
        f"η = {1.05 * threshold:.4f}: "
        + (
            f"too few steps to see it (the formula says the loss turns up for good"
            f" after step {takes} and passes its start at step {passes}): loss"
            f" {above[0][-1]:.4g} vs start {j0:.4f}, as expected"
            if early
            else f"loss {above[0][-1]:.4g} vs start {j0:.4f}, {where}"
        )
        + "; the sharpest direction grows by |1 − ηL| = 1.1 per step",
        kind="empirical",
    )

    # The control: the threshold from the average curvature, the "typical" eigenvalue.
    control_rate = 0.95 * 2.0 / mean_l
    control_losses, control_stop = gradient_descent(x, y, control_rate, steps)
    for t, value in enumerate(control_losses):
        yield point("loss at η = 0.95·2/L̄ (control)", t, value)
    control_diverged = diverged(control_losses, control_stop) or rose(control_losses)
    yield check(
        "control: a threshold from the mean curvature L̄ = tr(H)/d does not hold",
        control_diverged,
        f"L̄ = {mean_l:.4f} < L = {big_l:.4f}, so 0.95·2/L̄ = {control_rate:.4f} is"
        f" {control_rate / (2.0 / big_l):.2f} × 2/L: the loss went {control_losses[0]:.4f} →"
        f" {control_losses[-1]:.4g}"
        + (f", stopped at step {control_stop}" if control_stop else "")
        + "; the largest eigenvalue, not an average, sets the threshold",
        kind="empirical",
        control=True,
    )

    return {
        "threshold": threshold,
        "diverged": went_off,
        "lr": user_rate,
        "lr_factor": user_rate / threshold,
        "L": big_l,
        "final_loss": user_losses[-1],
        "min_loss": min(user_losses),
        "optimum_loss": j_star,
        "steps_run": len(user_losses) - 1,
        "control_diverged": control_diverged,
    }
