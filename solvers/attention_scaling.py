"""Why attention divides by √d_k: without it the softmax saturates as d_k grows.

Scaled dot-product attention weights one query's ``n`` keys by
``softmax(q·k_j / √d_k)``. Take the components of ``q`` and ``k`` independent with mean 0
and variance 1 (what a LayerNorm'd input and a well-initialised projection give). Then

    E[q·k] = 0,    Var(q·k) = Σ_i Var(q_i k_i) = d_k,

so the raw scores spread as ``√d_k``. The softmax of scores with spread ``σ`` depends on σ
only, and as σ grows it tends to a one-hot arg max:

- the entropy ``H(p) = −Σ p_j log p_j`` falls from ``log n`` towards 0;
- the Jacobian ``∂p/∂s = diag(p) − ppᵀ`` (the only path for a gradient to reach the scores,
  and through them ``q`` and ``k``) has ``‖J‖²_F = Σp² − 2Σp³ + (Σp²)²``, which is 0 at a
  one-hot ``p``: the gradient vanishes.

Dividing by ``√d_k`` makes ``Var(s) = 1`` at every ``d_k``, so the entropy and the gradient stay
at their unit-variance values ``H₁`` and ``J₁`` (computed here from scores drawn directly as
``N(0, 1)``). Dividing by ``d_k`` would overshoot: ``Var(s) = 1/d_k`` and the attention goes
uniform, ``H → log n``.

The demo measures ``Var(q·k)`` against ``d_k`` (a z-test with the exact standard error) and the
mean entropy, top weight and ``‖J‖_F`` over many queries for ``d_k = 1 … 4096``, with and without
the scale. The negative control is the same measurement without ``1/√d_k``, which must drift
away from ``H₁`` as ``d_k`` grows.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import Any

import numpy as np

from solvers import nn
from solvers.events import Event, check, log, point, table
from solvers.params import Param, break_param, broken

TITLE = "Attention scaling: softmax(q·k) saturates as d_k grows unless divided by √d_k"

PARAMS = (
    Param("d_k", "int", 512, "your key/query dimension (next to the sweep)", low=1, high=4096),
    Param("keys", "int", 32, "keys n each query attends over", low=2, high=128),
    Param("queries", "int", 256, "queries averaged at each d_k", low=32, high=1024),
    Param("seed", "int", 0, "random seed (queries and keys)", low=0, high=2**32 - 1),
    break_param(
        {
            "no-scale": "the scaled runs use q·k unscaled: their entropy falls towards 0 and"
            " the gradient with it, far from the unit-variance values",
            "scale-by-d": "the scaled runs divide by d_k instead of √d_k: the scores shrink"
            " and the attention flattens towards uniform, above the unit-variance entropy",
        }
    ),
)

SWEEP = tuple(2**i for i in range(13))  # 1 … 4096: the plotted curves
# At small d_k, q·k/√d_k has variance 1 but is not Gaussian (‖q‖² and ‖k‖² still vary):
# the unit-variance claims are checked from 16 on.
CHECKED = tuple(d for d in SWEEP if d >= 16)
KEY_BUDGET = 512  # keys drawn per d_k (memory: KEY_BUDGET × d_k floats)
Z = 4.0
ENTROPY_TOL = 0.15  # nats from H₁
JACOBIAN_TOL = 0.1  # relative distance from J₁
SATURATED = 0.9  # mean top weight above this: the attention is (nearly) one-hot


def scale_for(d: int, mode: str) -> float:
    """The factor applied to ``q·k``: ``1/√d`` (``sqrt``), 1 (``none``) or ``1/d`` (``d``)."""
    return {"sqrt": 1.0 / math.sqrt(d), "none": 1.0, "d": 1.0 / d}[mode]


def attention_stats(scores: nn.Array) -> tuple[float, float, float, float, float]:
    """Mean over rows of the entropy of ``softmax(row)``, of its top weight, and of the
    Frobenius norm of its Jacobian ``diag(p) − ppᵀ``; then the standard errors of the
    entropy's and the norm's means."""
    logp = nn.log_softmax(scores, axis=1)
    p = np.exp(logp)
    entropy = -np.sum(p * logp, axis=1)
    s2, s3 = np.sum(p**2, axis=1), np.sum(p**3, axis=1)
    jac = np.sqrt(np.maximum(s2 - 2.0 * s3 + s2**2, 0.0))
    root = math.sqrt(len(scores))
    return (
        float(entropy.mean()),
        float(p.max(axis=1).mean()),
        float(jac.mean()),
        float(entropy.std()) / root,
        float(jac.std()) / root,
    )


def softmax_jacobian(z: nn.Array) -> nn.Array:
    """``∂softmax(z)_i/∂z_j = p_i (δ_ij − p_j)``."""
    p = nn.softmax(z)
    out: nn.Array = np.diag(p) - np.outer(p, p)
    return out


def square_mean_se(d: int, rows: int, cols: int) -> float:
    """Exact standard error of the mean of ``s_ij² = (q_i·k_j)²`` over a rows × cols grid of
    one set of queries and keys: ``Var(s²) = 2d² + 6d``, and two squares that share a query
    or a key have covariance ``2d`` (given ``q``, ``q·k_j`` are independent ``N(0, ‖q‖²)``,
    and ``E‖q‖⁴ = d² + 2d``)."""
    var = (2.0 * d * d + 6.0 * d + 2.0 * d * (cols - 1) + 2.0 * d * (rows - 1)) / (rows * cols)
    return math.sqrt(var)


def run(
    d_k: int, keys: int, queries: int, seed: int, **rest: str
) -> Generator[Event, None, dict[str, Any]]:
    """Sweeps d_k with and without 1/√d_k, compares with the unit-variance softmax."""
    removed = broken(rest)
    mode = {"no-scale": "none", "scale-by-d": "d"}.get(removed, "sqrt")
    rng = np.random.default_rng(seed)
    unit = attention_stats(rng.standard_normal((4 * queries, keys)))
    h1, _, j1, h1_se, j1_se = unit
    yield log(
        f"{queries} queries × {keys} keys with N(0, 1) components at d_k ="
        f" {', '.join(map(str, SWEEP))}, and your d_k = {d_k}. Unit-variance scores give"
        f" entropy H₁ = {h1:.3f} nats (uniform: log {keys} = {math.log(keys):.3f}) and"
        f" ‖∂p/∂s‖ J₁ = {j1:.3f}."
        + {
            "none": " The scaled runs are unscaled (break=no-scale).",
            "d": " The scaled runs divide by d_k (break=scale-by-d).",
            "sqrt": "",
        }[mode]
    )
    dims = sorted({*SWEEP, d_k})
    results: dict[int, dict[str, tuple[float, float, float, float, float]]] = {}
    z_scores: dict[int, float] = {}
    groups = min(queries, max(1, KEY_BUDGET // keys))
    per_group = -(-queries // groups)
    for d in dims:
        # Each group of queries gets its own keys: the averages are over keys as well.
        q = rng.standard_normal((groups, per_group, d))
        k = rng.standard_normal((groups, keys, d))
        raw = np.einsum("gqd,gkd->gqk", q, k).reshape(groups * per_group, keys)
        se = square_mean_se(d, per_group, keys) / math.sqrt(groups)
        z_scores[d] = (float(np.mean(raw**2)) - d) / se
        results[d] = {
            "scaled": attention_stats(raw * scale_for(d, mode)),
            "unscaled": attention_stats(raw),
        }
    for name, which, idx in (
        ("entropy, q·k/√d_k", "scaled", 0),
        ("entropy, q·k", "unscaled", 0),
        ("‖∂p/∂s‖, q·k/√d_k", "scaled", 2),
        ("‖∂p/∂s‖, q·k", "unscaled", 2),
    ):
        for d in SWEEP:
            yield point(name, d, results[d][which][idx])
    yield table(
        "Mean over queries: entropy (nats), top weight, ‖diag(p) − ppᵀ‖_F",
        [
            "d_k",
            "H scaled",
            "H unscaled",
            "top scaled",
            "top unscaled",
            "‖J‖ scaled",
            "‖J‖ unscaled",
        ],
        [
            [f"{d}" + (" (yours)" if d == d_k else "")]
            + [
                results[d][w][i]
                for i, w in (
                    (0, "scaled"),
                    (0, "unscaled"),
                    (1, "scaled"),
                    (1, "unscaled"),
                    (2, "scaled"),
                    (2, "unscaled"),
                )
            ]
            for d in dims
            if d in (1, 4, 16, 64, 256, 1024, 4096) or d == d_k
        ],
    )

    worst_z = max(CHECKED, key=lambda d: abs(z_scores[d]))
    yield check(
        "Var(q·k) = d_k for unit-variance components",
        abs(z_scores[worst_z]) <= Z,
        f"mean of (q·k)² against d_k at d_k = {CHECKED[0]} … {CHECKED[-1]}: largest |z| ="
        f" {abs(z_scores[worst_z]):.2f} at d_k = {worst_z} (allowed {Z:g}, exact standard"
        f" errors: a false alarm in about {len(CHECKED) * 6.3e-5:.2%} of runs)",
        kind="statistical",
    )
    point_z = rng.standard_normal(keys) * 3.0

    def output(i: int) -> Any:
        return lambda z: float(nn.softmax(z)[i])

    numeric = np.stack([nn.numerical_gradient(output(i), point_z) for i in range(keys)])
    jac_err = nn.relative_error(softmax_jacobian(point_z), numeric)
    yield check(
        "the softmax Jacobian is diag(p) − ppᵀ",
        jac_err <= 1e-7,
        f"relative error {jac_err:.1e} against central differences at scores of spread 3"
        f" ({keys} keys; allowed 1e-7)",
        kind="numerical",
    )

    def off(which: str) -> tuple[float, float, int]:
        """Largest entropy gap from H₁ and relative ‖J‖ gap from J₁ over CHECKED, each in
        units of its allowance (≤ 1 passes)."""
        h_gaps = {d: abs(results[d][which][0] - h1) / entropy_band(d, which) for d in CHECKED}
        j_gaps = {
            d: abs(results[d][which][2] / j1 - 1.0) / jacobian_band(d, which) for d in CHECKED
        }
        worst = max(CHECKED, key=lambda d: h_gaps[d])
        return h_gaps[worst], max(j_gaps.values()), worst

    def entropy_band(d: int, which: str) -> float:
        """``ENTROPY_TOL`` nats, or 4 standard errors of the difference if wider."""
        return max(ENTROPY_TOL, Z * math.hypot(results[d][which][3], h1_se))

    def jacobian_band(d: int, which: str) -> float:
        """``JACOBIAN_TOL`` relative, or 4 standard errors of the difference if wider."""
        return max(JACOBIAN_TOL, Z * math.hypot(results[d][which][4], j1_se) / j1)

    h_gap, j_gap, worst = off("scaled")
    band = max(entropy_band(d, "scaled") for d in CHECKED)
    jband = max(jacobian_band(d, "scaled") for d in CHECKED)
    h_dev = max(abs(results[d]["scaled"][0] - h1) for d in CHECKED)
    j_dev = max(abs(results[d]["scaled"][2] / j1 - 1.0) for d in CHECKED)
    yield check(
        "with 1/√d_k the attention keeps its unit-variance entropy and gradient at every d_k",
        h_gap <= 1.0 and j_gap <= 1.0,
        f"entropy within {h_dev:.3f} nats of H₁ = {h1:.3f} (worst at d_k = {worst}; allowed"
        f" {band:.3f}), ‖J‖ within {j_dev:.1%} of J₁ = {j1:.3f} (allowed {jband:.0%}) over"
        f" d_k = {CHECKED[0]} … {CHECKED[-1]}"
        + {"none": "; here unscaled", "d": "; here divided by d_k", "sqrt": ""}[mode],
        kind="empirical",
    )
    uh_gap, uj_gap, _ = off("unscaled")
    uh_dev = max(abs(results[d]["unscaled"][0] - h1) for d in CHECKED)
    big = CHECKED[-1]
    yield check(
        "control: without 1/√d_k the softmax saturates as d_k grows",
        not (uh_gap <= 1.0 and uj_gap <= 1.0),
        f"unscaled: entropy {results[CHECKED[0]]['unscaled'][0]:.3f} →"
        f" {results[big]['unscaled'][0]:.3f} nats, top weight"
        f" {results[big]['unscaled'][1]:.3f}, ‖J‖ {results[big]['unscaled'][2]:.3f} at d_k ="
        f" {big}: {uh_dev:.2f} nats from H₁, far outside the band, as predicted",
        kind="empirical",
        control=True,
    )
    mine = results[d_k]
    if mine["unscaled"][1] > SATURATED:
        yield log(
            f"prediction: at your d_k = {d_k} the unscaled scores spread ≈ √{d_k} ="
            f" {math.sqrt(d_k):.1f}: the top key takes {mine['unscaled'][1]:.1%} of the weight on"
            f" average and the gradient through the softmax is {mine['unscaled'][2]:.3f}"
            f" against {mine['scaled'][2]:.3f} scaled"
        )
    return {
        "d_k": d_k,
        "entropy_scaled": mine["scaled"][0],
        "entropy_unscaled": mine["unscaled"][0],
        "top_weight_scaled": mine["scaled"][1],
        "top_weight_unscaled": mine["unscaled"][1],
        "jacobian_scaled": mine["scaled"][2],
        "jacobian_unscaled": mine["unscaled"][2],
        "jacobian_ratio": mine["unscaled"][2] / mine["scaled"][2],
        "saturated": mine["unscaled"][1] > SATURATED,
        "unit_entropy": h1,
        "unit_jacobian": j1,
    }
