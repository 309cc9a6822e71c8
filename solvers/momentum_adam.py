"""Momentum and Adam on an ill-conditioned quadratic: steps to a tolerance against κ.

The loss ``f(x) = ½ xᵀ H x`` with eigenvalues ``μ = 1`` and ``L = κ`` (the condition number),
started from ``(1, 1)`` in the eigenvectors; a run ends when ``‖x_t‖ ≤ tol · ‖x_0‖``.

- **Gradient descent** ``x ← x − η H x`` multiplies each eigendirection by ``1 − ηλ``. The best
  fixed rate ``η = 2/(L + μ)`` balances both ends at ``ρ = (κ − 1)/(κ + 1)``, so
  ``steps = ⌈ln(1/tol) / ln(1/ρ)⌉ ≈ (κ/2) ln(1/tol)``: linear in κ.
- **Heavy-ball momentum** (Polyak) ``v ← βv − η H x``, ``x ← x + v`` with
  ``η = 4/(√L + √μ)²`` and ``β = ((√κ − 1)/(√κ + 1))²`` has asymptotic rate
  ``ρ = (√κ − 1)/(√κ + 1)``, so ``steps ≈ (√κ/2) ln(1/tol)``: it grows as √κ. (With this β
  the iteration matrix has a repeated eigenvalue, so the error carries an extra factor ``t``
  and the measured count is somewhat above the formula.)
- **Adam** divides each coordinate's step by the root mean square of its own gradients. With
  ``ε`` negligible, scaling a coordinate's gradient by ``c`` leaves its update unchanged, so on
  an axis-aligned quadratic every coordinate follows the same path whatever its curvature:
  the step count does not depend on κ at all. That is a diagonal preconditioner, and it only
  helps when the ill-conditioning is aligned with the coordinates.

**Weight decay: L2 against AdamW.** On ``½ Σ h_i (x_i − 1)²`` with ``h = (1, κ)`` an L2 term
adds ``λx`` to the gradient. Under SGD, ``x − η(g + λx) = (1 − ηλ)x − ηg``: L2 and decoupled
decay are one update. Under Adam the L2 term goes through ``m̂/√v̂`` like the rest of the
gradient; Adam's fixed point is then ``g + λx = 0``, the ridge solution, whose shrink
``λ/(h_i + λ)`` is large for the flat weight and tiny for the steep one (its large gradients
drown the penalty). AdamW (Loshchilov & Hutter) decays outside the normalisation,
``x ← (1 − αλ)x − α m̂/√v̂``, and because Adam's normalised step ignores each coordinate's
scale, every weight shrinks by the same fraction (in this noise-free problem a fraction that
fades as ``v̂`` forgets the early gradients). The control runs both decays with plain SGD,
where they coincide.

The demo runs the three methods for ``κ = 10, 30, 100, 300, 1000`` (and the user's κ) and fits
the slope of ``log steps`` against ``log κ``: about 1 for GD, ½ for momentum, 0 for Adam.
Negative controls: momentum removed (``β = 0`` with GD's best rate, i.e. plain GD) must lose
the √κ scaling, and Adam on the same spectrum rotated by 45° (no longer axis-aligned) must
lose its κ-independence.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import Any

import numpy as np

from solvers import nn
from solvers.events import Event, check, log, point, table
from solvers.params import Param, break_param, broken

TITLE = "Momentum, Adam and AdamW on an ill-conditioned quadratic: steps against κ, weight decay"

PARAMS = (
    Param("kappa", "float", 100.0, "condition number κ = L/μ of your run", low=1.0, high=1e4),
    Param("tol", "float", 1e-6, "stop when ‖x‖ ≤ tol · ‖x₀‖", low=1e-10, high=1e-2),
    Param("adam_lr", "float", 0.1, "Adam's step size α (β₁ = 0.9, β₂ = 0.999)", low=1e-3, high=1.0),
    Param(
        "weight_decay",
        "float",
        0.1,
        "λ for Adam + L2 against AdamW (0: no decay, nothing to compare)",
        low=0.0,
        high=1.0,
    ),
    break_param(
        {
            "no-momentum": "β = 0 with GD's best rate: momentum's steps grow as κ, not √κ",
            "rotated": "Adam runs on the quadratic rotated by 45°: its steps now grow with κ",
            "no-adaptive-scaling": "the L2 and decoupled-decay runs use plain SGD: the two"
            " coincide, so decoupled decay no longer shrinks every weight evenly",
        }
    ),
)

LADDER = (10.0, 30.0, 100.0, 300.0, 1000.0)
DECAY_STEPS = 3000
EVEN = 0.01  # shrink fractions within 1 % of each other: "the same relative rate"
UNEVEN = 2.0  # L2 under Adam: the flat weight shrinks at least this many times more
SETTLE = 30.0  # α × DECAY_STEPS needed for Adam + L2 to reach its fixed point
HOVER = 0.3  # above this α, Adam's constant steps keep it from settling precisely
MAX_STEPS = 100_000
ROTATION = np.array([[1.0, -1.0], [1.0, 1.0]]) / math.sqrt(2.0)  # 45°


def hessian(kappa: float, rotated: bool = False) -> nn.Array:
    """``diag(1, κ)``, or ``R diag(1, κ) Rᵀ`` for a 45° rotation ``R``."""
    h = np.diag([1.0, kappa])
    if rotated:
        out: nn.Array = ROTATION @ h @ ROTATION.T
        return out
    return h


def start(rotated: bool = False) -> nn.Array:
    """``(1, 1)`` in the eigenvectors of the Hessian."""
    out: nn.Array = ROTATION @ np.ones(2) if rotated else np.ones(2)
    return out


def gd_rate(kappa: float) -> tuple[float, float]:
    """GD's best fixed ``η = 2/(L + μ)`` and its factor per step ``(κ − 1)/(κ + 1)``."""
    return 2.0 / (kappa + 1.0), (kappa - 1.0) / (kappa + 1.0)


def momentum_settings(kappa: float) -> tuple[float, float, float]:
    """Polyak's ``η = 4/(√L + √μ)²``, ``β = ((√κ − 1)/(√κ + 1))²`` and the rate
    ``(√κ − 1)/(√κ + 1)``."""
    root = math.sqrt(kappa)
    rate = (root - 1.0) / (root + 1.0)
    return 4.0 / (root + 1.0) ** 2, rate**2, rate


def predicted_steps(rate: float, tol: float) -> float:
    """``ln(1/tol) / ln(1/rate)``: steps for a factor ``rate`` a step to shrink by ``tol``."""
    if rate <= 0.0:
        return 1.0
    return math.log(1.0 / tol) / math.log(1.0 / rate)


def heavy_ball(
    hessians: nn.Array, lrs: nn.Array, betas: nn.Array, x0: nn.Array, tol: float
) -> tuple[list[int | None], list[list[float]]]:
    """Runs ``v ← βv − η H x``, ``x ← x + v`` for a stack of problems at once (``β = 0`` is
    GD); returns each run's steps to ``‖x‖ ≤ tol ‖x₀‖`` (None if not within MAX_STEPS) and
    its ``‖x_t‖/‖x₀‖`` trace."""
    runs = len(lrs)
    x = np.tile(x0, (runs, 1)) if x0.ndim == 1 else x0.copy()
    v = np.zeros_like(x)
    norm0 = np.linalg.norm(x, axis=1)
    steps: list[int | None] = [None] * runs
    traces: list[list[float]] = [[1.0] for _ in range(runs)]
    for t in range(1, MAX_STEPS + 1):
        active = [i for i in range(runs) if steps[i] is None]
        if not active:
            break
        g = np.einsum("rij,rj->ri", hessians, x)
        v = betas[:, None] * v - lrs[:, None] * g
        x = x + v
        rel = np.linalg.norm(x, axis=1) / norm0
        for i in active:
            traces[i].append(float(rel[i]))
            if rel[i] <= tol:
                steps[i] = t
    return steps, traces


def adam(
    hessians: nn.Array, x0: nn.Array, lr: float, tol: float
) -> tuple[list[int | None], list[list[float]]]:
    """Adam (β₁ = 0.9, β₂ = 0.999, ε = 1e-8) on a stack of quadratics from the rows of
    ``x0``; returns steps to tolerance (None if not within MAX_STEPS) and the traces."""
    x = x0.copy()
    m, v = np.zeros_like(x), np.zeros_like(x)
    norm0 = np.linalg.norm(x, axis=1)
    runs = len(x)
    steps: list[int | None] = [None] * runs
    traces: list[list[float]] = [[1.0] for _ in range(runs)]
    for t in range(1, MAX_STEPS + 1):
        active = [i for i in range(runs) if steps[i] is None]
        if not active:
            break
        g = np.einsum("rij,rj->ri", hessians, x)
        nn.adam_step(x, g, m, v, t, lr)
        rel = np.linalg.norm(x, axis=1) / norm0
        for i in active:
            traces[i].append(float(rel[i]))
            if rel[i] <= tol:
                steps[i] = t
    return steps, traces


def decay_runs(
    kappa: float, lr: float, decay: float, adaptive: bool = True
) -> tuple[nn.Array, nn.Array]:
    """Minimises ``½ Σ h_i (x_i − 1)²`` with ``h = (1, κ)`` from 0 for DECAY_STEPS steps, with
    weight decay ``λ`` added two ways: as an L2 term in the gradient (``g + λx``) and
    decoupled (``x ← (1 − αλ) x`` before the step). ``adaptive``: Adam (the L2 term goes
    through ``m̂/√v̂``: AdamW is the decoupled one); else plain SGD at ``η = 1/(κ + λ)``, where
    the two are the same update. Returns both end points."""
    h = np.array([1.0, kappa])
    target = np.ones(2)
    x = np.zeros((2, 2))  # row 0: L2, row 1: decoupled
    m, v = np.zeros_like(x), np.zeros_like(x)
    step = lr if adaptive else 1.0 / (kappa + decay)
    for t in range(1, DECAY_STEPS + 1):
        g = h * (x - target)
        g[0] += decay * x[0]
        x[1] *= 1.0 - step * decay
        if adaptive:
            nn.adam_step(x, g, m, v, t, lr)
        else:
            x -= step * g
    return x[0], x[1]


def shrink(x: nn.Array) -> nn.Array:
    """How far each weight fell short of its unregularised optimum 1: ``1 − x_i``."""
    out: nn.Array = 1.0 - x
    return out


def slope(kappas: list[float], steps: list[int | None]) -> float:
    """Least-squares slope of ``log steps`` against ``log κ`` (nan if a run never arrived)."""
    if any(s is None for s in steps):
        return float("nan")
    ys = [math.log(float(s)) for s in steps if s is not None]
    return float(np.polyfit(np.log(kappas), ys, 1)[0])


def run(
    kappa: float, tol: float, adam_lr: float, weight_decay: float, **rest: str
) -> Generator[Event, None, dict[str, Any]]:
    """Counts steps to ``tol`` for GD, heavy ball and Adam at each κ, fits the slopes
    against κ, and runs the two controls."""
    removed = broken(rest)
    momentum = removed != "no-momentum"
    rotated = removed == "rotated"
    kappas = [*LADDER, kappa]
    n = len(kappas)
    yield log(
        f"f(x) = ½ xᵀHx, eigenvalues 1 and κ, from (1, 1); stop at ‖x‖ ≤ {tol:g}·‖x₀‖."
        f" κ = {', '.join(f'{k:g}' for k in LADDER)} and yours, {kappa:g}. GD at η = 2/(κ+1);"
        " heavy ball at Polyak's η, β; Adam at α ="
        f" {adam_lr:g}."
        + (" Momentum removed (break=no-momentum)." if not momentum else "")
        + (" Adam's quadratic rotated by 45° (break=rotated)." if rotated else "")
    )
    aligned = np.stack([hessian(k) for k in kappas])
    turned = np.stack([hessian(k, rotated=True) for k in kappas])
    gd = [gd_rate(k) for k in kappas]
    hb = [momentum_settings(k) for k in kappas]
    gd_steps, gd_traces = heavy_ball(
        aligned, np.array([g[0] for g in gd]), np.zeros(n), start(), tol
    )
    if momentum:
        hb_lrs, hb_betas = np.array([h[0] for h in hb]), np.array([h[1] for h in hb])
    else:
        hb_lrs, hb_betas = np.array([g[0] for g in gd]), np.zeros(n)
    hb_steps, hb_traces = heavy_ball(aligned, hb_lrs, hb_betas, start(), tol)
    adam_h = turned if rotated else aligned
    adam_x0 = np.tile(start(rotated), (n, 1))
    adam_steps, adam_traces = adam(adam_h, adam_x0, adam_lr, tol)
    control_steps, _ = adam(turned, np.tile(start(True), (n, 1)), adam_lr, tol)

    for name, trace in (
        ("GD ‖x‖/‖x₀‖", gd_traces[-1]),
        ("momentum ‖x‖/‖x₀‖", hb_traces[-1]),
        ("Adam ‖x‖/‖x₀‖", adam_traces[-1]),
    ):
        every = max(1, len(trace) // 200)
        for t in range(0, len(trace), every):
            yield point(f"{name}, κ={kappa:g}", t, trace[t])

    def shown(s: int | None) -> Any:
        return s if s is not None else f">{MAX_STEPS}"

    yield table(
        f"Steps to ‖x‖ ≤ {tol:g}·‖x₀‖",
        ["κ", "GD", "GD formula", "momentum", "asymptotic", "Adam", "Adam, rotated"],
        [
            [
                f"{k:g}" + (" (yours)" if i == n - 1 else ""),
                shown(gd_steps[i]),
                math.ceil(predicted_steps(gd[i][1], tol) - 1e-9),
                shown(hb_steps[i]),
                round(predicted_steps(hb[i][2], tol), 1),
                shown(adam_steps[i]),
                shown(control_steps[i]),
            ]
            for i, k in enumerate(kappas)
        ],
    )
    ladder = list(LADDER)
    m = len(ladder)
    gd_slope = slope(ladder, gd_steps[:m])
    hb_slope = slope(ladder, hb_steps[:m])
    adam_slope = slope(ladder, adam_steps[:m])
    control_slope = slope(ladder, control_steps[:m])

    formula = [math.ceil(predicted_steps(gd[i][1], tol) - 1e-9) for i in range(n)]
    worst = max(
        abs((gd_steps[i] or MAX_STEPS + 1) - formula[i])
        for i in range(n)
        if formula[i] <= MAX_STEPS
    )
    yield check(
        "GD at its best fixed rate needs ⌈ln(1/tol) / ln((κ+1)/(κ−1))⌉ steps",
        worst <= 1,
        f"simulated against the formula at κ = {', '.join(f'{k:g}' for k in kappas)}: largest"
        f" difference {worst} step(s) (allowed 1); slope in κ {gd_slope:.3f}",
        kind="numerical",
    )
    yield check(
        "momentum's steps grow as √κ: slope of log steps against log κ is ½",
        abs(hb_slope - 0.5) <= 0.1,
        f"heavy ball: {', '.join(str(shown(s)) for s in hb_steps[:m])} steps at κ ="
        f" {', '.join(f'{k:g}' for k in ladder)}; slope {hb_slope:.3f} (allowed 0.5 ± 0.1)"
        + ("; here β = 0" if not momentum else ""),
        kind="empirical",
    )
    yield check(
        "control: without momentum (β = 0, GD's best rate) the steps grow as κ",
        not abs(gd_slope - 0.5) <= 0.1,
        f"GD: {', '.join(str(shown(s)) for s in gd_steps[:m])} steps; slope {gd_slope:.3f},"
        " outside 0.5 ± 0.1 as predicted (1 in theory)",
        kind="empirical",
        control=True,
    )
    yield check(
        "Adam on an axis-aligned quadratic: the steps do not depend on κ",
        abs(adam_slope) <= 0.1,
        f"Adam: {', '.join(str(shown(s)) for s in adam_steps[:m])} steps; slope"
        f" {adam_slope:.3f} (allowed 0 ± 0.1): each coordinate's step is normalised by its own"
        " gradient scale" + ("; here the quadratic is rotated" if rotated else ""),
        kind="empirical",
    )
    yield check(
        "control: the same spectrum rotated by 45°, Adam's steps grow with κ",
        not abs(control_slope) <= 0.1,
        f"rotated: {', '.join(str(shown(s)) for s in control_steps[:m])} steps; slope"
        f" {control_slope:.3f}, outside 0 ± 0.1 as predicted: the curvature is no longer"
        " per-coordinate, and Adam's diagonal rescaling cannot undo it",
        kind="empirical",
        control=True,
    )
    decay_metrics = yield from weight_decay_section(
        kappa, adam_lr, weight_decay, removed != "no-adaptive-scaling"
    )
    mine = {"gd": gd_steps[-1], "momentum": hb_steps[-1], "adam": adam_steps[-1]}
    arrived = {k: s for k, s in mine.items() if s is not None}
    return {
        "kappa": kappa,
        "gd_steps": gd_steps[-1],
        "momentum_steps": hb_steps[-1],
        "adam_steps": adam_steps[-1],
        "adam_rotated_steps": control_steps[-1],
        "gd_formula": formula[-1],
        "momentum_formula": predicted_steps(hb[-1][2], tol),
        "speedup": (gd_steps[-1] / hb_steps[-1]) if gd_steps[-1] and hb_steps[-1] else None,
        "winner": min(arrived, key=lambda k: arrived[k]) if arrived else None,
        "gd_slope": gd_slope,
        "momentum_slope": hb_slope,
        "adam_slope": adam_slope,
        "adam_rotated_slope": control_slope,
        **decay_metrics,
    }


def weight_decay_section(
    kappa: float, lr: float, decay: float, adaptive: bool
) -> Generator[Event, None, dict[str, Any]]:
    """Adam + L2 against AdamW (and, as the control, SGD + L2 against SGD with decoupled
    decay) on ``h = (1, κ)``; yields the table and checks, returns metrics."""
    if decay == 0.0:
        yield log("prediction: weight_decay = 0: L2 and decoupled decay are both absent (as set)")
        return {}
    ridge = shrink(np.array([1.0, kappa]) / (np.array([1.0, kappa]) + decay))
    l2, decoupled = decay_runs(kappa, lr, decay, adaptive)
    sgd_l2, sgd_decoupled = decay_runs(kappa, lr, decay, adaptive=False)
    rows = [
        ["Adam + L2 (λx in the gradient)" if adaptive else "SGD + L2 (break)", *shrink(l2)],
        ["AdamW (decoupled)" if adaptive else "SGD, decoupled (break)", *shrink(decoupled)],
        ["control: SGD + L2", *shrink(sgd_l2)],
        ["control: SGD, decoupled", *shrink(sgd_decoupled)],
        ["ridge solution λ/(h_i + λ)", *ridge],
    ]
    yield table(
        f"Weight decay λ = {decay:g} on ½Σ h_i (x_i − 1)², h = (1, {kappa:g}), after"
        f" {DECAY_STEPS} steps: shrink 1 − x_i",
        ["update", "flat weight (h = 1)", f"steep weight (h = {kappa:g})"],
        rows,
    )
    metrics: dict[str, Any] = {
        "l2_shrink": shrink(l2).tolist(),
        "adamw_shrink": shrink(decoupled).tolist(),
    }
    l2_err = float(np.max(np.abs(shrink(l2) - ridge) / ridge))
    if adaptive and lr > HOVER:
        yield log(
            f"prediction: α = {lr:g} is large next to the distance to the optimum (1): Adam"
            f" keeps hovering around its fixed point (Adam + L2 is {l2_err:.1e} from the ridge"
            " solution), so the two decays are not compared; lower adam_lr"
        )
        return metrics
    if adaptive and lr * DECAY_STEPS < SETTLE:
        # Adam moves a coordinate by at most about α a step: too few steps to settle.
        yield log(
            f"prediction: α = {lr:g} for {DECAY_STEPS} steps (α·steps = {lr * DECAY_STEPS:g},"
            f" below {SETTLE:g}) is too little for Adam + L2 to settle (relative distance from"
            f" the ridge solution {l2_err:.1e}); raise adam_lr"
        )
    elif adaptive:
        yield check(
            "Adam + L2 converges to the ridge solution: the penalty is just part of the loss",
            l2_err <= 1e-6,
            f"shrink {shrink(l2)[0]:.5f}, {shrink(l2)[1]:.2e} against λ/(h_i + λ) ="
            f" {ridge[0]:.5f}, {ridge[1]:.2e} (largest relative gap {l2_err:.1e}, allowed"
            " 1e-6): the steep weight, with the large gradients, is barely regularised",
            kind="numerical",
        )

    def even_and_uneven(pair_l2: nn.Array, pair_decoupled: nn.Array) -> tuple[bool, float, float]:
        s_l2, s_dec = shrink(pair_l2), shrink(pair_decoupled)
        spread = float(abs(s_dec[0] / s_dec[1] - 1.0)) if s_dec[1] > 0 else math.inf
        ratio = float(s_l2[0] / s_l2[1]) if s_l2[1] > 0 else math.inf
        return spread <= EVEN and ratio >= UNEVEN, spread, ratio

    if (kappa + decay) / (1.0 + decay) < 1.5 * UNEVEN:  # L2's predicted ratio, with room
        yield log(
            f"prediction: at κ = {kappa:g} both weights have nearly the same curvature, so L2"
            " shrinks them almost evenly too: nothing to tell apart (raise kappa)"
        )
        return metrics
    ok, spread, ratio = even_and_uneven(l2, decoupled)
    metrics["adamw_even"] = spread <= EVEN
    metrics["l2_shrink_ratio"] = ratio
    yield check(
        "AdamW shrinks every weight by the same fraction; Adam + L2 does not",
        ok,
        f"decoupled: {shrink(decoupled)[0]:.5f} and {shrink(decoupled)[1]:.5f} (differ by"
        f" {spread:.1%}, allowed {EVEN:.0%}); L2: the flat weight shrinks {ratio:.3g}× more"
        f" than the steep one (at least {UNEVEN:g}× predicted)"
        + ("" if adaptive else "; here both are plain SGD"),
        kind="empirical",
    )
    c_ok, c_spread, _ = even_and_uneven(sgd_l2, sgd_decoupled)
    same = float(np.max(np.abs(sgd_l2 - sgd_decoupled)))
    yield check(
        "control: without Adam's per-coordinate scaling (plain SGD) the two are one update",
        not c_ok,
        f"SGD + L2 and SGD with decoupled decay end {same:.1e} apart, and the decoupled run"
        f" shrinks the flat weight {1.0 + c_spread:.3g}× more than the steep one, not evenly:"
        " (1 − ηλ)x − ηg is x − η(g + λx)",
        kind="empirical",
        control=True,
    )
    return metrics
