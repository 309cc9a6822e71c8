"""Minibatch noise: SGD at a constant learning rate stalls at a floor that shrinks as 1/B.

Least squares, ``J(w) = (1/2n) ‖Xw − y‖²``, Hessian ``H = XᵀX/n``, optimum ``w*`` with
residuals ``r_i = x_iᵀw* − y_i``. SGD draws ``B`` examples (with replacement) per step:

    w ← w − η ĝ,   ĝ = (1/B) Σ_(i ∈ batch) x_i (x_iᵀw − y_i),   E[ĝ] = ∇J(w) = H (w − w*).

With ``e = w − w*`` the error follows ``e ← (I − ηH) e − η ξ`` where the noise ξ has mean 0
and covariance ``(1/B) (C + K(S) − H S H)``: ``C = (1/n) Σ r_i² x_i x_iᵀ`` is the spread of
the per-example gradients at the optimum, and ``K(S) = (1/n) Σ x_i x_iᵀ S x_i x_iᵀ`` the part
that grows with the error's own covariance ``S = E[e eᵀ]``. The mean error decays, but the
noise keeps injecting variance, so ``S`` settles where the two balance:

    S = (I − ηH) S (I − ηH) + (η²/B) (C + K(S) − H S H)

(linear in ``S``: the demo solves it exactly), and the loss stays above ``J*`` by the floor
``E[J − J*] = ½ tr(H S)``. For small ``η`` this is ``≈ η tr(C) / (4B)``: proportional to
``η/B``. Hence the rules the cards teach: a 4× larger batch lowers the floor 4×, and
``B → kB`` with ``η → kη`` (the linear scaling rule) keeps it, as long as ``kη`` stays well
below the stability limit ``2/λ_max(H)``, which is why very large batches stop paying.

The floor exists because the per-example gradients disagree at the optimum (``C ≠ 0``). If the
targets are exactly linear (``noise = 0``) every ``r_i = 0``: the model interpolates, and SGD
converges to ``w*`` with no floor at all. The negative control removes the sampling (every
step takes the full gradient, i.e. plain GD): the error then decays to rounding, and there is
no floor to find.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import Any

import numpy as np

from solvers import nn
from solvers.events import Event, check, log, point, table
from solvers.params import Param, break_param, broken

TITLE = "Minibatch noise: SGD's loss floor at a constant learning rate shrinks as η/B"

PARAMS = (
    Param(
        "lr",
        "float",
        0.05,
        "learning rate η (SGD at B = 1 diverges above about 0.3 here, GD above 2/λ_max)",
        low=1e-3,
        high=1.0,
    ),
    Param(
        "batch",
        "int",
        8,
        "your batch size B (run and plotted next to 1, 4, 16, 64)",
        low=1,
        high=200,
    ),
    Param(
        "noise",
        "float",
        0.5,
        "noise σ on the targets (0: the model fits every example)",
        low=0.0,
        high=3.0,
    ),
    Param(
        "steps",
        "int",
        3000,
        "SGD steps per run (the floor is the mean of the last half)",
        low=500,
        high=10000,
    ),
    Param("seed", "int", 0, "random seed (data and minibatches)", low=0, high=2**32 - 1),
    break_param(
        {
            "no-sampling": "every step uses the full gradient (plain GD): the excess loss decays"
            " to rounding, so the predicted floor is not there"
        }
    ),
)

N_EXAMPLES = 200
SCALES = np.array([1.2, 1.0, 0.9, 0.8, 0.7])  # feature scales: a moderate spread of curvature
LADDER = (1, 4, 16, 64)
TOLERANCE = 0.3  # measured/predicted floor within 1 ± this, or wider for short runs:
EDGE = 0.7  # floors are checked for η up to this fraction of B = 1's stability limit
MIN_SETTLED = 10.0  # the last half must span this many of the slowest relaxation times
NO_FLOOR = 1e-12  # an excess loss below this × the start's is "no floor" (rounding)
DIVERGED = 1e6  # an excess loss above this × the start's is divergence
MAX_POINTS = 200


def make_data(noise: float, rng: np.random.Generator) -> tuple[nn.Array, nn.Array]:
    """``X`` (n × 5, column j scaled by SCALES[j]) and ``y = X w_true + σ ε``."""
    x = rng.standard_normal((N_EXAMPLES, len(SCALES))) * SCALES
    y: nn.Array = x @ rng.standard_normal(len(SCALES)) + noise * rng.standard_normal(N_EXAMPLES)
    return x, y


def predicted_floor(x: nn.Array, residuals: nn.Array, lr: float, batch: int) -> float:
    """``½ tr(H S)`` with ``S`` the stationary solution of the recursion in the docstring,
    solved as one linear system in ``vec(S)``; ``inf`` when no stationary ``S`` exists."""
    n, d = x.shape
    h = x.T @ x / n
    c = (x * residuals[:, None]).T @ (x * residuals[:, None]) / n
    system = np.eye(d * d) - recursion(x, lr, batch)
    s = np.linalg.solve(system, (lr**2 / batch * c).ravel()).reshape(d, d)
    eig = np.linalg.eigvalsh((s + s.T) / 2)
    if eig.min() < -1e-12 * max(1.0, abs(eig.max())):  # no positive stationary state
        return float("inf")
    return float(0.5 * np.trace(h @ s))


def recursion(x: nn.Array, lr: float, batch: int) -> nn.Array:
    """The linear map ``vec(S) ↦ vec((I − ηH) S (I − ηH) + (η²/B)(K(S) − H S H))``."""
    n, d = x.shape
    h = x.T @ x / n
    outer = np.einsum("ni,nj->nij", x, x)
    k = np.einsum("nij,nkl->ikjl", outer, outer).reshape(d * d, d * d) / n
    a = np.eye(d) - lr * h
    out: nn.Array = np.kron(a, a) + lr**2 / batch * (k - np.kron(h, h))
    return out


def stability_limit(x: nn.Array, batch: int) -> float:
    """The largest η at which SGD with batch ``B`` has a stationary variance (the spectral
    radius of :func:`recursion` below 1), by bisection."""
    low, high = 0.0, 2.0 / float(np.linalg.eigvalsh(x.T @ x / len(x)).max())
    for _ in range(40):
        mid = 0.5 * (low + high)
        if np.max(np.abs(np.linalg.eigvals(recursion(x, mid, batch)))) < 1.0:
            low = mid
        else:
            high = mid
    return low


def sgd_excess(
    x: nn.Array,
    y: nn.Array,
    w_star: nn.Array,
    runs: list[tuple[float, int]],
    steps: int,
    rng: np.random.Generator,
) -> nn.Array:
    """``J(w_t) − J*`` for ``t = 0..steps`` of several SGD runs ``(η, B)`` from ``w = 0``,
    stepped together (a shorter batch is padded with an example of zeros)."""
    n, d = x.shape
    xp = np.vstack([x, np.zeros(d)])
    yp = np.append(y, 0.0)
    sizes = np.array([b for _, b in runs])
    lrs = np.array([lr for lr, _ in runs])
    widest = int(sizes.max())
    idx = rng.integers(0, n, (steps, len(runs), widest))
    idx[:, np.arange(widest)[None, :] >= sizes[:, None]] = n  # the padding row
    h = x.T @ x / n
    w = np.zeros((len(runs), d))
    errors = np.empty((steps + 1, len(runs), d))
    errors[0] = w - w_star
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(steps):
            xb = xp[idx[t]]
            resid = np.einsum("rbd,rd->rb", xb, w) - yp[idx[t]]
            w = w - (lrs / sizes)[:, None] * np.einsum("rbd,rb->rd", xb, resid)
            errors[t + 1] = w - w_star
        excess: nn.Array = 0.5 * np.einsum("tri,ij,trj->tr", errors, h, errors)
    return excess


def gd_excess(x: nn.Array, w_star: nn.Array, lr: float, steps: int) -> nn.Array:
    """``J(w_t) − J*`` of full-batch GD from ``w = 0``: ``e_t = (I − ηH)ᵗ e₀`` exactly, in
    the eigenvectors of ``H`` (no sampling, hence no noise)."""
    lam, vec = np.linalg.eigh(x.T @ x / len(x))
    c0 = vec.T @ (-w_star)
    t = np.arange(steps + 1)[:, None]
    with np.errstate(under="ignore", over="ignore"):
        out: nn.Array = 0.5 * np.sum(lam * c0**2 * (1.0 - lr * lam) ** (2 * t), axis=1)
    return out


def tolerance(settled: float) -> float:
    """Allowed ``|measured/predicted − 1|``: the floor is a mean over ``settled``
    independent stretches of a noisy series, so its spread shrinks as ``1/√settled``."""
    return max(TOLERANCE, 2.0 / math.sqrt(settled))


def floor_of(excess: nn.Array) -> float:
    """The mean excess loss over the last half of a run."""
    return float(np.mean(excess[len(excess) // 2 :]))


def run(
    lr: float, batch: int, noise: float, steps: int, seed: int, **rest: str
) -> Generator[Event, None, dict[str, Any]]:
    """Runs SGD at batch sizes 1, 4, 16, 64 and the user's, compares each floor with the
    stationary-variance prediction, tests the linear scaling rule, then the GD control."""
    sampling = broken(rest) != "no-sampling"
    rng = np.random.default_rng(seed)
    x, y = make_data(noise, rng)
    w_star: nn.Array = np.asarray(np.linalg.lstsq(x, y, rcond=None)[0], dtype=np.float64)
    residuals = x @ w_star - y
    lam = np.linalg.eigvalsh(x.T @ x / N_EXAMPLES)
    start = 0.5 * float(w_star @ (x.T @ x / N_EXAMPLES) @ w_star)
    sizes = sorted({*LADDER, batch})
    scaled = (4 * lr, 16)  # the linear scaling rule: 4× the batch of B = 4, 4× the rate
    yield log(
        f"Least squares, n = {N_EXAMPLES}, d = {len(SCALES)}, target noise σ = {noise:g};"
        f" H has eigenvalues {lam.min():.3f}…{lam.max():.3f} (stability limit 2/λ_max ="
        f" {2 / lam.max():.3f}). SGD with η = {lr:g} for {steps} steps from w = 0 at B ="
        f" {', '.join(map(str, sizes))}, and B = 16 at 4η = {4 * lr:g}."
        + ("" if sampling else " No sampling (break=no-sampling): every step is full GD.")
    )
    configs = [(lr, b) for b in sizes] + [scaled]
    if sampling:
        excess = sgd_excess(x, y, w_star, configs, steps, rng)
    else:
        excess = np.stack([gd_excess(x, w_star, c_lr, steps) for c_lr, _ in configs], axis=1)
    every = max(1, steps // MAX_POINTS)
    for j, (c_lr, b) in enumerate(configs):
        name = f"excess loss, B={b}" + (f", η={c_lr:g}" if c_lr != lr else "")
        if b in LADDER or b == batch:
            for t in range(0, steps + 1, every):
                yield point(name, t, excess[t, j])

    floors = [floor_of(excess[:, j]) for j in range(len(configs))]
    predicted = [predicted_floor(x, residuals, c_lr, b) for c_lr, b in configs]
    finite = np.isfinite(excess[-1]) & (excess[-1] < DIVERGED * start) & np.isfinite(predicted)
    yield table(
        f"Floor: mean J − J* over the last {steps - steps // 2} steps",
        ["B", "η", "measured", "predicted", "measured/predicted"],
        [
            [b, c_lr, f, p, f / p if p > 0 and np.isfinite(p) else None]
            for (c_lr, b), f, p in zip(configs, floors, predicted, strict=True)
        ],
    )
    metrics: dict[str, Any] = {
        "floor": floors[sizes.index(batch)],
        "predicted_floor": predicted[sizes.index(batch)],
        "start_excess": start,
        **{f"floor_b{b}": floors[sizes.index(b)] for b in LADDER},
    }
    ladder = [sizes.index(b) for b in LADDER]
    if not finite.all():
        bad = [
            f"B={configs[j][1]}, η={configs[j][0]:g}" for j in range(len(configs)) if not finite[j]
        ]
        yield log(
            f"prediction: η = {lr:g} is beyond SGD's stability limit for {', '.join(bad)}"
            " (the smaller the batch, the lower the limit): the loss diverges, as expected;"
            " the floor needs η well below that limit"
        )
        return {**metrics, "diverged": True}
    metrics["diverged"] = False
    if noise == 0.0:
        # Interpolation: every residual is 0, so C = 0 and the predicted floor is 0.
        gd_final = float(gd_excess(x, w_star, lr, steps)[-1])
        worst = max(excess[-1, j] for j in ladder)
        yield log(
            "prediction: noise = 0, the model fits every example, the per-example gradients"
            " agree at the optimum, so SGD converges with no floor (as predicted)"
        )
        if gd_final > 1e-3 * NO_FLOOR * start:
            yield log(
                f"prediction: {steps} steps at η = {lr:g} are too few to reach rounding even"
                f" for full-batch GD (J − J* = {gd_final:.1e}); raise steps or η"
            )
            return metrics
        yield check(
            "interpolating data: SGD converges to the optimum at every batch size",
            bool(worst <= NO_FLOOR * start),
            f"largest final J − J* over B = 1…64: {worst:.1e} (start {start:.3g})",
            kind="empirical",
        )
        return metrics
    edge = stability_limit(x, 1)
    metrics["stability_limit_b1"] = edge
    if lr > EDGE * edge:
        yield log(
            f"prediction: η = {lr:g} is close to SGD's stability limit at B = 1 (η ="
            f" {edge:.3f}): the loss is heavy-tailed there, rare bursts dominate its mean, so"
            f" {steps} steps do not pin the floor down; below {EDGE:g}× the limit they do"
        )
        return metrics
    # Slowest relaxation: the variance decays at 2ηλ_min a step.
    settled = (steps - steps // 2) * 2.0 * lr * float(lam.min())
    transient = float(np.mean(gd_excess(x, w_star, lr, steps)[steps // 2 :]))
    ladder_floor = min(predicted[sizes.index(b)] for b in LADDER)
    if settled < MIN_SETTLED or transient > 0.05 * ladder_floor:
        yield log(
            f"prediction: {steps} steps at η = {lr:g} are too few for the floor to settle"
            f" (the last half spans {settled:.1f} of the slowest relaxation times, needed"
            f" {MIN_SETTLED:g}; the leftover descent adds {transient:.2e} against a floor of"
            f" {ladder_floor:.2e}): the loss is still falling, as expected; raise steps or η"
        )
        return {**metrics, "settled": False}
    metrics["settled"] = True
    tol = tolerance(settled)
    ratios = [floors[j] / predicted[j] for j in ladder]
    ok = all(abs(r - 1.0) <= tol for r in ratios)
    yield check(
        "SGD at constant η stalls at the floor the gradient noise predicts, for every B",
        ok,
        "measured/predicted at B = 1, 4, 16, 64: "
        + ", ".join(f"{r:.2f}" for r in ratios)
        + f" (allowed 1 ± {tol:.2f}: {settled:.0f} relaxation times averaged); floors "
        + ", ".join(f"{floors[j]:.2e}" for j in ladder),
        kind="empirical",
    )
    slope = float(
        np.polyfit(
            np.log([float(b) for b in LADDER]), np.log([max(floors[j], 1e-300) for j in ladder]), 1
        )[0]
    )
    expected = float(
        np.polyfit(np.log([float(b) for b in LADDER]), np.log([predicted[j] for j in ladder]), 1)[0]
    )
    metrics["slope"] = slope
    metrics["predicted_slope"] = expected
    yield check(
        "the floor falls as 1/B: slope of log floor against log B is −1 (steeper at large η)",
        abs(slope - expected) <= tol / 2,
        f"fitted slope {slope:.3f} over B = 1…64, predicted {expected:.3f} (allowed"
        f" ± {tol / 2:.2f}; −1 as η → 0); floor at B = 1 over B = 64:"
        f" {floors[ladder[0]] / max(floors[ladder[-1]], 1e-300):.3g}"
        f" ({predicted[ladder[0]] / predicted[ladder[-1]]:.3g} predicted)",
        kind="empirical",
    )
    base, big = floors[sizes.index(4)], floors[-1]
    ratio = big / base
    metrics["scaling_ratio"] = ratio
    if 4 * lr * lam.max() <= 0.5:
        yield check(
            "linear scaling: 4× the batch with 4× the rate keeps the floor",
            abs(ratio - 1.0) <= tol,
            f"B = 16 at η = {4 * lr:g}: {big:.3e}; B = 4 at η = {lr:g}: {base:.3e} (ratio"
            f" {ratio:.2f}, allowed 1 ± {tol:.2f})",
            kind="empirical",
        )
    else:
        yield log(
            f"prediction: 4η = {4 * lr:g} is not small next to 2/λ_max = {2 / lam.max():.3f},"
            f" so the linear scaling rule bends (ratio {ratio:.2f}; predicted"
            f" {predicted[-1] / predicted[sizes.index(4)]:.2f})"
        )
    if sampling:
        control = gd_excess(x, w_star, lr, steps)
        control_floor = floor_of(control)
        metrics["gd_floor"] = control_floor
        yield check(
            "control: without sampling (full-batch GD) the loss does not stall at a floor",
            bool(control_floor < (1.0 - tol) * ladder_floor),
            f"GD at η = {lr:g}: J − J* = {start:.3g} → {control[-1]:.1e} after {steps} steps"
            f" (mean over the last half {control_floor:.1e}), against the smallest predicted"
            f" floor {ladder_floor:.2e} (B = 64): the floor is the minibatch noise",
            kind="empirical",
            control=True,
        )
    return metrics
