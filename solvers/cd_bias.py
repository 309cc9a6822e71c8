"""Contrastive divergence is biased: CD-k against the exact gradient of a tiny RBM.

The RBM of the ``boltzmann`` demo (6 visible units, ``m`` hidden, energy
``E(v, h) = −aᵀv − bᵀh − vᵀWh``) is small enough to enumerate. Write
``s(v) = (v P(h=1|v)ᵀ, v, P(h=1|v))`` for the statistics of the three parameter groups.
The exact gradient of the average log-likelihood is

    ∇ = E_data[s(v)] − E_model[s(v)],     P_model(v) = e^(−F(v)) / Z   (64 terms).

CD-k replaces the model expectation by a Gibbs chain started *at the data* and stopped after
``k`` steps. One step ``v → h ~ P(h|v) → v' ~ P(v'|h)`` is the 64 × 64 transition matrix
``T(v, v') = Σ_h P(h|v) P(v'|h)`` (also enumerable), so the chain's distribution after ``k``
steps is ``p_k = p_data Tᵏ`` and the *expected* CD-k update is, exactly,

    E[CD-k] = E_data[s] − E_(p_k)[s],     bias_k = E[CD-k] − ∇ = E_(P_model)[s] − E_(p_k)[s].

``P_model`` is the stationary distribution of ``T``, and the chain is reversible
(``π(v) T(v, v') = Σ_h P(v, h) P(v', h) / P(h)`` is symmetric), so the χ² distance
``d_k = ‖(p_k − π)/√π‖`` shrinks by at least ``|λ₂(T)|`` (the second-largest eigenvalue
modulus) every step, and by Cauchy–Schwarz ``‖bias_k‖ ≤ ‖s − E_π s‖_π · d_k``: the bias
vanishes like ``|λ₂|ᵏ``. Large weights couple ``v``
and ``h`` strongly, the chain mixes slowly (``|λ₂|`` near 1), and CD-1 is far from the
gradient; with ``W = 0`` one step reaches ``P_model`` and CD-1 is exact. Because the bias does
not vanish with more samples or a smaller learning rate, CD-1 training converges to a
different fixed point from maximum likelihood (Carreira-Perpiñán & Hinton 2005).

The demo samples ``samples`` CD-1 chains from the data and checks that their mean agrees with
the exact ``E[CD-1]`` and differs from ``∇`` (each by a z-test over all 27 components). The
negative control starts the same chains from ``P_model`` instead of the data: that estimator
is unbiased, so it must *not* differ from ``∇``.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import Any

import numpy as np

from solvers import nn
from solvers.boltzmann import (
    VISIBLE,
    free_energy,
    hidden_given_visible,
    log_likelihood,
    log_partition,
    make_bars,
    states,
    visible_given_hidden,
)
from solvers.events import Event, check, log, point, table
from solvers.params import Param, break_param, broken

TITLE = "Contrastive divergence: CD-k against the exact RBM gradient, the bias shrinking with k"

PARAMS = (
    Param("seed", "int", 0, "random seed (data, weights, Gibbs samples)", low=0, high=2**32 - 1),
    Param("hidden", "int", 3, "hidden units m (2^m hidden states to enumerate)", low=1, high=8),
    Param(
        "weight_scale",
        "float",
        2.0,
        "standard deviation of the random weights W (0: CD-1 is exact)",
        low=0.0,
        high=4.0,
    ),
    Param(
        "samples",
        "int",
        20000,
        "CD-1 chains averaged for the sampled estimate",
        low=5000,
        high=200000,
    ),
    Param("k_max", "int", 30, "longest chain CD-k is computed for", low=5, high=200),
    break_param(
        {
            "stationary-start": "the negative chains start from the model distribution, not"
            " the data: the estimate is unbiased and the bias check fails"
        }
    ),
)

N_DATA = 100
Z = 4.0  # standard errors for the z-tests: P(max |z| > 4) over 27 components ≈ 0.2 %
DETECTABLE = 8.0  # the bias is checked when it is expected to lie this many SEs out


def statistics(v: nn.Array, b: nn.Array, w: nn.Array) -> nn.Array:
    """``s(v) = (v P(h=1|v)ᵀ flattened, v, P(h=1|v))`` for each row of ``v``."""
    ph = hidden_given_visible(v, b, w)
    outer = np.einsum("ni,nj->nij", v, ph).reshape(len(v), -1)
    out: nn.Array = np.concatenate([outer, v, ph], axis=1)
    return out


def bernoulli_table(points: nn.Array, probs: nn.Array) -> nn.Array:
    """``P(x | row)`` for every row of ``probs`` (independent bits) and every ``x`` in
    ``points``: a (rows × points) matrix."""
    on = points[None, :, :] == 1.0
    out: nn.Array = np.prod(np.where(on, probs[:, None, :], 1.0 - probs[:, None, :]), axis=2)
    return out


def transition(a: nn.Array, b: nn.Array, w: nn.Array) -> nn.Array:
    """The Gibbs chain on ``v``: ``T(v, v') = Σ_h P(h|v) P(v'|h)``, 64 × 64, rows sum to 1."""
    vs, hs = states(len(a)), states(len(b))
    p_h = bernoulli_table(hs, hidden_given_visible(vs, b, w))
    p_v = bernoulli_table(vs, visible_given_hidden(hs, a, w))
    out: nn.Array = p_h @ p_v
    return out


def index_of(v: nn.Array) -> nn.Array:
    """Row of each binary vector in :func:`states` (the first unit is the high bit)."""
    out: nn.Array = (v @ (2.0 ** np.arange(v.shape[1] - 1, -1, -1))).astype(np.int64)
    return out


def model_distribution(a: nn.Array, b: nn.Array, w: nn.Array) -> nn.Array:
    """``P_model(v) = e^(−F(v)) / Z`` over all 64 visible vectors."""
    out: nn.Array = np.exp(-free_energy(states(len(a)), a, b, w) - log_partition(a, b, w))
    return out


def sample_rows(probs: nn.Array, rng: np.random.Generator) -> nn.Array:
    """One binary sample per row of Bernoulli probabilities."""
    out: nn.Array = (rng.random(probs.shape) < probs).astype(np.float64)
    return out


def cd1_samples(
    start: nn.Array,
    data: nn.Array,
    a: nn.Array,
    b: nn.Array,
    w: nn.Array,
    rng: np.random.Generator,
) -> nn.Array:
    """One CD-1 estimate per chain: ``s(v⁰_data) − s(v¹)`` with ``v¹`` one Gibbs step from
    ``start`` (the data in CD-1; the control passes model samples)."""
    h0 = sample_rows(hidden_given_visible(start, b, w), rng)
    v1 = sample_rows(visible_given_hidden(h0, a, w), rng)
    out: nn.Array = statistics(data, b, w) - statistics(v1, b, w)
    return out


def false_alarm(components: int) -> float:
    """P(max |z| > Z) over independent standard-normal components: ``1 − (1 − p)ⁿ``."""
    tail = math.erfc(Z / math.sqrt(2.0))
    return 1.0 - (1.0 - tail) ** components


def estimator_variance(
    s_all: nn.Array, p_data: nn.Array, t: nn.Array, p_start: nn.Array | None
) -> nn.Array:
    """Exact per-component variance of one chain's estimate ``s(v⁰) − s(v¹)``, by
    enumeration: ``v⁰ ~ p_data`` and ``v¹ ~ T(v⁰, ·)`` (CD-1), or, when ``p_start`` is given,
    ``v¹ ~ T(u, ·)`` with ``u ~ p_start`` drawn independently of ``v⁰``. Exact variances
    keep the z-tests honest when a component is rare and its sample variance unreliable."""
    if p_start is None:
        diff2 = (s_all[:, None, :] - s_all[None, :, :]) ** 2
        second = np.einsum("a,ab,abj->j", p_data, t, diff2)
        mean = p_data @ s_all - (p_data @ t) @ s_all
        out: nn.Array = second - mean**2
        return out
    p_end = p_start @ t
    var_data = p_data @ s_all**2 - (p_data @ s_all) ** 2
    var_end = p_end @ s_all**2 - (p_end @ s_all) ** 2
    out = var_data + var_end
    return out


def z_scores(samples: nn.Array, target: nn.Array, variance: nn.Array) -> nn.Array:
    """``(mean − target) / SE`` per component with the exact ``SE = √(variance / n)``
    (0 where a component cannot vary)."""
    se = np.sqrt(np.maximum(variance, 0.0) / len(samples))
    diff = samples.mean(axis=0) - target
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(se > 1e-15, diff / se, 0.0)
    out: nn.Array = z
    return out


def run(
    seed: int, hidden: int, weight_scale: float, samples: int, k_max: int, **rest: str
) -> Generator[Event, None, dict[str, Any]]:
    """Computes ∇ and E[CD-k] exactly, samples CD-1, and tests bias and control."""
    stationary = broken(rest) == "stationary-start"
    rng = np.random.default_rng(seed)
    data = make_bars(N_DATA, rng)
    a = 0.5 * weight_scale * rng.standard_normal(VISIBLE)
    b = 0.5 * weight_scale * rng.standard_normal(hidden)
    w = weight_scale * rng.standard_normal((VISIBLE, hidden))
    vs = states(VISIBLE)
    s_all = statistics(vs, b, w)
    p_data = np.bincount(index_of(data), minlength=len(vs)) / N_DATA
    p_model = model_distribution(a, b, w)
    exact = p_data @ s_all - p_model @ s_all
    size = float(np.linalg.norm(exact))
    t = transition(a, b, w)
    moduli = np.sort(np.abs(np.linalg.eigvals(t)))[::-1]
    lam2 = float(moduli[1]) if len(moduli) > 1 else 0.0
    yield log(
        f"RBM with {VISIBLE} visible and {hidden} hidden units, random weights W ~"
        f" N(0, {weight_scale:g}²), on {N_DATA} bar images. ∇ and E[CD-k] by enumerating"
        f" {len(vs)} visible and {2**hidden} hidden states; the Gibbs chain's |λ₂| ="
        f" {lam2:.4f}."
        + (" Negative chains start from P_model (break=stationary-start)." if stationary else "")
    )

    biases, cosines = [], []
    p_k = p_data.copy()
    for k in range(1, k_max + 1):
        p_k = p_k @ t
        cd_k = p_data @ s_all - p_k @ s_all
        bias = float(np.linalg.norm(cd_k - exact)) / size
        biases.append(bias)
        cosines.append(float(cd_k @ exact) / (float(np.linalg.norm(cd_k)) * size or 1.0))
        yield point("‖E[CD-k] − ∇‖ / ‖∇‖", k, bias)
    expected_cd1 = p_data @ s_all - (p_data @ t) @ s_all
    shown = [k for k in (1, 2, 3, 5, 10, 20, 50, 100, 200) if k <= k_max]
    yield table(
        "Exact expected CD-k update against the exact gradient",
        ["k", "relative bias", "cosine with ∇", f"|λ₂|ᵏ = {lam2:.3f}ᵏ"],
        [[k, biases[k - 1], cosines[k - 1], lam2**k] for k in shown],
    )

    # The exact gradient against central differences of the exact log-likelihood.
    def ll(flat: nn.Array) -> float:
        w_, a_, b_ = np.split(flat, [VISIBLE * hidden, VISIBLE * hidden + VISIBLE])
        return log_likelihood(data, a_, b_, w_.reshape(VISIBLE, hidden))

    theta = np.concatenate([w.ravel(), a, b])
    grad_err = nn.relative_error(nn.numerical_gradient(ll, theta), exact)
    yield check(
        "the exact gradient is E_data[s] − E_model[s]",
        grad_err <= 1e-7,
        f"relative error {grad_err:.1e} against central differences of the exact"
        f" log-likelihood, over all {len(theta)} parameters (allowed 1e-7)",
        kind="numerical",
    )

    # Sampled CD-1 chains from the data (or, in the break, from the model).
    picks = data[rng.integers(0, N_DATA, samples)]
    starts = vs[rng.choice(len(vs), samples, p=p_model)] if stationary else picks
    sampled = cd1_samples(starts, picks, a, b, w, rng)
    variance = estimator_variance(s_all, p_data, t, p_model if stationary else None)
    z_expected = z_scores(sampled, expected_cd1, variance)
    z_bias = z_scores(sampled, exact, variance)
    se = np.sqrt(np.maximum(variance, 0.0) / samples)
    detect = float(np.max(np.abs(expected_cd1 - exact) / np.where(se > 1e-15, se, np.inf)))
    yield check(
        "sampled CD-1 averages to its exact expectation E[CD-1]",
        float(np.max(np.abs(z_expected))) <= Z,
        f"{samples} chains: largest |z| = {np.max(np.abs(z_expected)):.2f} over"
        f" {len(exact)} components, exact standard errors (allowed {Z:g}: a false alarm in"
        f" {false_alarm(len(exact)):.1%} of seeds)",
        kind="statistical",
    )
    control_starts = vs[np.random.default_rng([seed, 1]).choice(len(vs), samples, p=p_model)]
    control = cd1_samples(control_starts, picks, a, b, w, np.random.default_rng([seed, 2]))
    control_variance = estimator_variance(s_all, p_data, t, p_model)
    z_control = float(np.max(np.abs(z_scores(control, exact, control_variance))))
    metrics: dict[str, Any] = {
        "bias_cd1": biases[0],
        "bias_cd10": biases[9] if k_max >= 10 else None,
        "cosine_cd1": cosines[0],
        "lambda2": lam2,
        "k_for_1pct": next((k + 1 for k, x in enumerate(biases) if x < 0.01), None),
        "z_bias": float(np.max(np.abs(z_bias))),
        "z_control": z_control,
    }
    if detect >= DETECTABLE:
        yield check(
            "CD-1 is biased: its mean differs from the exact gradient",
            float(np.max(np.abs(z_bias))) > Z,
            f"largest |z| against ∇ = {np.max(np.abs(z_bias)):.1f} (needed > {Z:g}); exact"
            f" relative bias ‖E[CD-1] − ∇‖/‖∇‖ = {biases[0]:.3f}, cosine {cosines[0]:.3f}"
            + ("; here the chains start from P_model" if stationary else ""),
            kind="statistical",
        )
        yield check(
            "control: chains started from P_model are unbiased",
            z_control <= Z,
            f"same estimator, negative chains from P_model: largest |z| against ∇ ="
            f" {z_control:.2f} (at most {Z:g} predicted): the bias comes from starting at"
            " the data and stopping early",
            kind="statistical",
            control=True,
        )
    else:
        yield log(
            f"prediction: the bias ({biases[0]:.2e} of ‖∇‖) is only {detect:.1f} standard"
            f" errors of {samples} chains: too small to detect by sampling (the weights are"
            " small, so one Gibbs step nearly reaches P_model), as expected"
        )

    # The Gibbs chain on v is reversible with respect to P_model (π(v)T(v, v') =
    # Σ_h P(v, h) P(v', h) / P(h) is symmetric), so in the χ² distance
    # d_k = ‖(p_k − π)/√π‖ it contracts by at least |λ₂| every step, and the bias of CD-k
    # is bounded by ‖s‖_π · d_k (Cauchy–Schwarz).
    dist = [float(np.linalg.norm((p_data - p_model) / np.sqrt(p_model)))]
    p_k = p_data.copy()
    for _ in range(k_max):
        p_k = p_k @ t
        dist.append(float(np.linalg.norm((p_k - p_model) / np.sqrt(p_model))))
    # Steps whose distances are well above rounding (≈ 1e-16 of d_0).
    resolved = [k for k in range(1, k_max + 1) if dist[k] > 1e-10 * dist[0]]
    worst_ratio = max((dist[k] / dist[k - 1] for k in resolved), default=0.0)
    spread = np.sqrt(p_model @ (s_all - p_model @ s_all) ** 2)  # ‖s_j − E_π s_j‖_π
    excess = max(
        (biases[k - 1] * size / (float(np.linalg.norm(spread)) * dist[k]) for k in resolved),
        default=0.0,
    )
    metrics["contraction"] = worst_ratio
    yield check(
        "CD-k's bias vanishes: the chain closes on P_model by at least |λ₂(T)| a step",
        bool(worst_ratio <= lam2 * (1.0 + 1e-6) + 1e-12 and excess <= 1.0 + 1e-6),
        f"χ² distance of p_data Tᵏ from P_model: {dist[0]:.3g} → {dist[1]:.3g} (k = 1) →"
        f" {dist[-1]:.2e} (k = {k_max}); largest one-step factor {worst_ratio:.4f} ≤ |λ₂| ="
        f" {lam2:.4f}; ‖bias_k‖ / (‖s‖_π · d_k) at most {excess:.3f} (≤ 1 by Cauchy–Schwarz)",
        kind="numerical",
    )
    return metrics
