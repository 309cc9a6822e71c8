"""Standardizing the inputs turns a long narrow valley into a round bowl for gradient descent.

Linear least squares with an intercept, design ``X = [x₁ x₂ 1]``:

    L(w) = (1/2n) ‖X w − y‖²,    ∇L(w) = H w − g,    H = XᵀX / n,    g = Xᵀy / n
    L(w) − L* = ½ (w − w*)ᵀ H (w − w*)              w* = H⁻¹ g

Gradient descent ``w ← w − η ∇L(w)`` with the largest safe fixed step ``η = 1/L``,
``L = λ_max(H)``, shrinks the error along eigenvector ``i`` by ``1 − λᵢ/L`` per step, so

    (L(w_t) − L*) / (L(w₀) − L*)  ≤  (1 − 1/κ)^(2t),    κ = λ_max / λ_min

and the steps needed to reach a relative gap ``tol`` are at most
``⌈ln(1/tol) / (−2 ln(1 − 1/κ))⌉ ≈ (κ/2) ln(1/tol)``. With two centred, uncorrelated
features of standard deviations 1 and ``s``, ``κ ≈ s²``: a 100× scale gap costs about 10⁴×.

Standardizing, ``x′ = (x − μ) / σ`` with ``μ`` and ``σ`` fitted on the **training split only**
and then applied unchanged to the test split, brings ``κ`` to about 1. It is an invertible
affine change of variables, so the best fit (``L*`` and the predictions) is the same; only
the path of gradient descent changes.

Two negative controls, each also a ``--set break=NAME``:

- **Centring only** (``no-scaling``): subtract ``μ`` but do not divide by ``σ``. The
  features keep their scales, ``κ`` stays near ``scale²``, and the step count with it: the
  division, not the centring, rounds the bowl.
- **The test split standardized with its own statistics** (``test-own-stats``). Because
  the model is affine with an intercept, fitting ``μ`` and ``σ`` on the training split and
  reusing them changes nothing (the raw model's test predictions, to rounding); what does
  harm is standardizing the test split with *its* mean and spread, which moves every input
  by a different amount than the model was trained on, and the test error rises.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

import numpy as np

from solvers import nn
from solvers.events import Event, check, log, point, table
from solvers.params import Param, break_param, broken

TITLE = "Normalization: unscaled features make gradient descent crawl; standardize on train only"

PARAMS = (
    Param("seed", "int", 0, "random seed for the data", low=0, high=2**32 - 1),
    Param(
        "scale",
        "float",
        100.0,
        "ratio of the two features' scales (std of x₂ / std of x₁)",
        low=1e-3,
        high=1e3,
    ),
    Param(
        "tol",
        "float",
        1e-6,
        "stop when (L(w) − L*) / (L(w₀) − L*) ≤ tol",
        low=1e-12,
        high=1e-2,
    ),
    Param(
        "max_steps",
        "int",
        1_000_000,
        "cap on gradient-descent steps per run",
        low=1000,
        high=10_000_000,
    ),
    break_param(
        {
            "no-scaling": "the 'standardized' features are only centred, not divided by σ: κ"
            " stays near scale² and 'unscaled features need many times more steps' fails",
            "test-own-stats": "the test split is standardized with its own μ and σ: its"
            " predictions move away from the raw model's and the test MSE rises, so 'test"
            " predictions with the training μ, σ are the raw model's' fails",
        }
    ),
)

N_TRAIN = 200
N_TEST = 100
BLOCK = 4096  # gradient-descent steps applied per matrix product
MAX_POINTS = 200  # per series


@dataclass
class Descent:
    """One gradient-descent run and the least-squares problem it solved."""

    name: str
    kappa: float
    lipschitz: float
    steps: int
    reached: bool
    bound: int
    best_loss: float
    test_pred: nn.Array
    worst_excess: float

    def within_rate(self) -> bool:
        """Whether every recorded gap obeyed ``gap_t ≤ (1 − 1/κ)^(2t)`` (to rounding)."""
        return self.worst_excess <= 1e-9

    def shown(self) -> str:
        """The step count, or ``> cap (cap hit)`` when ``tol`` was not reached."""
        return str(self.steps) if self.reached else f"> {self.steps} (cap hit)"


def make_data(n: int, scale: float, rng: np.random.Generator) -> tuple[nn.Array, nn.Array]:
    """``x₁ ~ N(0, 1)``, ``x₂ ~ N(0, scale²)``, ``y = 1 + 2x₁ − 3x₂/scale + N(0, 0.5²)``."""
    x = rng.standard_normal((n, 2)) * np.array([1.0, scale])
    y = 1.0 + 2.0 * x[:, 0] - 3.0 * x[:, 1] / scale + 0.5 * rng.standard_normal(n)
    return x, y


def fit_standardizer(x: nn.Array) -> tuple[nn.Array, nn.Array]:
    """Per-feature mean ``μ`` and standard deviation ``σ`` (of the rows given: the train split)."""
    return x.mean(axis=0), x.std(axis=0)


def standardize(x: nn.Array, mu: nn.Array, sigma: nn.Array) -> nn.Array:
    """``x′ = (x − μ) / σ``, with ``μ`` and ``σ`` fitted elsewhere."""
    out: nn.Array = (x - mu) / sigma
    return out


def design(x: nn.Array) -> nn.Array:
    """``[x 1]``: the features plus a column of ones for the intercept."""
    return np.concatenate([x, np.ones((x.shape[0], 1))], axis=1)


def condition_number(h: nn.Array) -> float:
    """``κ = λ_max / λ_min`` of the symmetric positive-definite ``H``."""
    eig = np.linalg.eigvalsh(h)
    return float(eig[-1] / eig[0])


def steps_bound(kappa: float, tol: float) -> int:
    """``⌈ln(1/tol) / (−2 ln(1 − 1/κ))⌉``: GD with ``η = 1/L`` needs at most this many steps."""
    if kappa <= 1.0 + 1e-15:
        return 1
    return math.ceil(math.log(1.0 / tol) / (-2.0 * math.log1p(-1.0 / kappa)))


def rate_excess(trace: list[tuple[int, float]], kappa: float) -> float:
    """The largest ``gap_t / (1 − 1/κ)^(2t) − 1`` over the trace, relative to the tolerance
    floor: ≤ 0 when every gap obeys the bound (gaps below 1e-14 are rounding, not counted)."""
    worst = -1.0
    log_rate = 2.0 * math.log1p(-1.0 / kappa) if kappa > 1.0 + 1e-15 else -math.inf
    for t, gap in trace:
        if t == 0 or gap < 1e-14:
            continue
        allowed = math.exp(t * log_rate) if t > 0 else 1.0
        worst = max(worst, gap / max(allowed, 1e-300) - 1.0)
    return worst


def gradient_descent(
    h: nn.Array, g: nn.Array, eta: float, tol: float, max_steps: int, stride: int
) -> tuple[int, bool, list[tuple[int, float]]]:
    """``w ← w − η (H w − g)`` from ``w = 0`` until the relative loss gap is ≤ ``tol``.

    On a quadratic, a step is the affine map ``s ← T s`` of ``s = (w, 1)`` with
    ``T = [[I − ηH, ηg], [0, 1]]``. The iterates are produced ``BLOCK`` at a time with the
    stacked powers ``T¹ … T^BLOCK``: exactly ``w₁, w₂, …``, with fewer Python-level loops.

    Returns the steps taken, whether ``tol`` was reached within ``max_steps``, and
    ``(t, relative gap)`` every ``stride`` steps.
    """
    d = g.size
    w_star = np.linalg.solve(h, g)

    def loss_gap(w: nn.Array) -> nn.Array:
        """``L(w) − L* = ½ (w − w*)ᵀ H (w − w*)`` for each row of ``w``."""
        e = w - w_star
        gap: nn.Array = 0.5 * np.sum((e @ h) * e, axis=-1)
        return gap

    gap0 = float(loss_gap(np.zeros(d)))
    step = np.eye(d + 1)
    step[:d, :d] -= eta * h
    step[:d, d] = eta * g
    powers = [step]
    for _ in range(BLOCK - 1):
        powers.append(step @ powers[-1])
    stacked = np.stack(powers)  # stacked[k − 1] = T^k
    s = np.append(np.zeros(d), 1.0)
    trace = [(0, 1.0)]
    t = 0
    while t < max_steps:
        states = stacked @ s  # s after 1 … BLOCK more steps
        gaps = loss_gap(states[:, :d]) / gap0
        ts = t + np.arange(1, BLOCK + 1)
        hit = np.flatnonzero((gaps <= tol) & (ts <= max_steps))
        last = int(ts[hit[0]]) if hit.size else max_steps
        keep = ((ts % stride == 0) | (ts == last)) & (ts <= last)
        trace += [(int(ti), float(gi)) for ti, gi in zip(ts[keep], gaps[keep], strict=True)]
        if hit.size:
            return last, True, trace
        s = states[-1]
        t += BLOCK
    return max_steps, False, trace


def run(
    seed: int, scale: float, tol: float, max_steps: int, **rest: str
) -> Generator[Event, None, dict[str, Any]]:
    """Runs gradient descent on raw, standardized and centred-only features, counts the
    steps, and compares the test predictions under the three ways of treating the test split."""
    mode = broken(rest)
    rng = np.random.default_rng(seed)
    x_train, y_train = make_data(N_TRAIN, scale, rng)
    x_test, y_test = make_data(N_TEST, scale, rng)

    mu, sigma = fit_standardizer(x_train)
    ones = np.ones_like(sigma)
    # break=no-scaling: the "standardized" run only centres.
    divisor = ones if mode == "no-scaling" else sigma
    z_train = standardize(x_train, mu, divisor)
    # break=test-own-stats: the test split brings its own μ and σ.
    test_mu, test_sigma = fit_standardizer(x_test)
    if mode == "test-own-stats":
        z_test = standardize(x_test, test_mu, test_sigma)
    else:
        z_test = standardize(x_test, mu, divisor)
    if mode != "none":
        yield log(
            "break=no-scaling: the 'standardized' features are only centred (x − μ)."
            if mode == "no-scaling"
            else "break=test-own-stats: the test split is standardized with its own μ, σ."
        )

    variants = (
        ("raw", x_train, x_test),
        ("standardized", z_train, z_test),
        ("centred only (control)", standardize(x_train, mu, ones), standardize(x_test, mu, ones)),
    )
    runs: list[Descent] = []
    for name, x, x_new in variants:
        a = design(x)
        h = a.T @ a / N_TRAIN
        g = a.T @ y_train / N_TRAIN
        kappa = condition_number(h)
        lipschitz = float(np.linalg.eigvalsh(h)[-1])
        bound = steps_bound(kappa, tol)
        stride = max(1, min(bound, max_steps) // MAX_POINTS)
        steps, reached, trace = gradient_descent(h, g, 1.0 / lipschitz, tol, max_steps, stride)
        if name != variants[2][0]:
            for t, gap in trace:
                yield point(f"log₁₀ relative loss gap ({name})", t, math.log10(max(gap, 1e-300)))
        w_star = np.linalg.solve(h, g)
        runs.append(
            Descent(
                name,
                kappa,
                lipschitz,
                steps,
                reached,
                bound,
                nn.mse(a @ w_star, y_train),
                design(x_new) @ w_star,
                rate_excess(trace, kappa),
            )
        )
    raw, std, centred = runs

    yield table(
        f"Gradient descent to a relative loss gap of {tol:g}, η = 1/L each",
        ["features", "κ(XᵀX)", "L = λ_max", "η = 1/L", "steps", "bound ≈ (κ/2)·ln(1/tol)"],
        [[r.name, r.kappa, r.lipschitz, 1.0 / r.lipschitz, r.shown(), r.bound] for r in runs],
    )
    for r in runs:
        if not r.reached:
            yield log(
                f"The {r.name} run hit the cap of {max_steps} steps before reaching"
                f" tol = {tol:g}; its bound is {r.bound} steps (raise max_steps to see it finish)."
            )

    # Not vacuous when the cap is hit: every recorded gap must obey the rate, and a run
    # whose bound is within the cap must have reached tol.
    within = all(r.within_rate() and (r.reached or r.bound > max_steps) for r in runs)
    yield check(
        "gradient descent keeps to the condition-number rate",
        within,
        "relative gap ≤ (1 − 1/κ)^(2t) at every recorded step t, so steps ≤ bound: "
        + "; ".join(
            f"{r.name}: κ = {r.kappa:.4g}, {r.shown()} steps, bound {r.bound}"
            f" (largest gap / rate {1.0 + r.worst_excess:.3g})"
            for r in runs
        ),
        kind="numerical",
    )
    ratio = raw.steps / std.steps
    control_ratio = raw.steps / centred.steps
    gap_in_kappa = raw.kappa / std.kappa
    at_least = "" if raw.reached else "at least "
    # κ ≈ scale² (or 1/scale²): the claim needs the scales to differ by 10× or more.
    if abs(math.log10(scale)) >= 1.0:
        yield check(
            "unscaled features need many times more steps",
            ratio >= 10.0,
            f"{raw.shown()} vs {std.shown()} steps: {at_least}{ratio:.4g}× more, with κ"
            f" {raw.kappa:.4g} vs {std.kappa:.4g} (needed ≥ 10×; expected for scale ≥ 10 or"
            " ≤ 0.1, where κ ≈ scale² or 1/scale²)",
            kind="empirical",
        )
        yield check(
            "control: centring alone (no division by σ) does not remove the gap",
            control_ratio < 10.0,
            f"raw {raw.shown()} vs centred-only {centred.shown()} steps ({control_ratio:.3g}×;"
            f" κ {raw.kappa:.4g} vs {centred.kappa:.4g}): the division by σ rounds the bowl",
            kind="empirical",
            control=True,
        )
    else:
        yield log(
            f"Here κ differs only {gap_in_kappa:.3g}× ({raw.kappa:.3g} vs {std.kappa:.3g}),"
            f" and the step counts are {raw.shown()} vs {std.shown()}, as expected for scales"
            f" within 10× of each other (scale = {scale:g}); the 'many times more' claim and its"
            " control are checked for scale ≥ 10 or ≤ 0.1."
        )

    z_proper = standardize(x_train, mu, sigma)
    train_mean = float(np.max(np.abs(z_proper.mean(axis=0))))
    train_std = float(np.max(np.abs(z_proper.std(axis=0) - 1.0)))
    test_mean = standardize(x_test, mu, sigma).mean(axis=0)
    yield check(
        "statistics are fitted on the training split only",
        train_mean < 1e-12 and train_std < 1e-12,
        f"train: μ = ({mu[0]:.3g}, {mu[1]:.3g}), σ = ({sigma[0]:.3g}, {sigma[1]:.3g}); standardized"
        f" train features have max |mean| {train_mean:.1e}, max |std − 1| {train_std:.1e}; the"
        f" test split uses the same μ, σ, so its means are ({test_mean[0]:.3f},"
        f" {test_mean[1]:.3f}), not exactly 0",
        kind="identity",
    )
    same_loss = abs(raw.best_loss - std.best_loss) / raw.best_loss
    yield check(
        "same best fit either way",
        same_loss < 1e-9,
        f"L* = {raw.best_loss:.10f} raw vs {std.best_loss:.10f} standardized: scaling changes"
        " the path, not the destination",
        kind="identity",
    )

    # What standardizing the test split can and cannot do to the predictions.
    w_std = np.linalg.solve(*_normal_equations(design(z_proper), y_train))
    own = design(standardize(x_test, test_mu, test_sigma)) @ w_std
    mse_raw = 2.0 * nn.mse(raw.test_pred, y_test)
    mse_std = 2.0 * nn.mse(std.test_pred, y_test)
    mse_own = 2.0 * nn.mse(own, y_test)
    same_pred = float(np.max(np.abs(raw.test_pred - std.test_pred)))
    own_shift = float(np.max(np.abs(raw.test_pred - own)))
    yield table(
        "Test split (mean squared error of the best fit)",
        ["test inputs standardized with", "test MSE", "max |prediction − raw model's|"],
        [
            ["nothing (raw model)", mse_raw, 0.0],
            [
                "the training μ, σ" + (" (broken: its own)" if mode == "test-own-stats" else ""),
                mse_std,
                same_pred,
            ],
            ["its own μ, σ (control)", mse_own, own_shift],
        ],
    )
    tolerance = 1e-8 * max(1.0, float(np.max(np.abs(raw.test_pred))))
    yield check(
        "test predictions with the training μ, σ are the raw model's",
        same_pred <= tolerance,
        f"max difference {same_pred:.1e} (≤ {tolerance:.0e}), test MSE {mse_std:.4f} vs"
        f" {mse_raw:.4f}: an affine model with an intercept absorbs any fixed shift and scale",
        kind="numerical",
    )
    yield check(
        "control: the test split standardized with its own μ, σ changes the predictions",
        own_shift > tolerance,
        f"predictions move by up to {own_shift:.3g} and the test MSE goes {mse_raw:.4f} →"
        f" {mse_own:.4f} ({mse_own / mse_raw:.3g}×): the test split's μ, σ are not the ones"
        " the weights were fitted for",
        kind="numerical",
        control=True,
    )
    return {
        "kappa_raw": raw.kappa,
        "kappa_standardized": std.kappa,
        "kappa_centred": centred.kappa,
        "steps_raw": raw.steps,
        "steps_standardized": std.steps,
        "steps_centred": centred.steps,
        "reached_raw": raw.reached,
        "reached_standardized": std.reached,
        "step_ratio": ratio,
        "control_step_ratio": control_ratio,
        "train_mean": mu.tolist(),
        "train_std": sigma.tolist(),
        "test_standardized_mean": test_mean.tolist(),
        "test_mse_raw": mse_raw,
        "test_mse_standardized": mse_std,
        "test_mse_own_statistics": mse_own,
    }


def _normal_equations(a: nn.Array, y: nn.Array) -> tuple[nn.Array, nn.Array]:
    """``H = AᵀA / n`` and ``g = Aᵀy / n``: the least-squares problem ``H w = g``."""
    return a.T @ a / len(y), a.T @ y / len(y)
