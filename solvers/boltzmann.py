"""A restricted Boltzmann machine small enough to compute its likelihood exactly.

Binary visible units ``v ∈ {0,1}⁶`` and hidden units ``h ∈ {0,1}ᵐ`` (``m`` = ``hidden``),
visible biases ``a``, hidden biases ``b`` and weights ``W`` (the answer writes ``b``, ``c``):

    E(v, h) = −aᵀv − bᵀh − vᵀW h
    P(v, h) = e^(−E(v, h)) / Z,        Z = Σ_(v,h) e^(−E(v, h))

- No hidden–hidden connections, so ``E`` is linear in each ``h_j`` and the hidden units are
  independent given ``v``: the ratio of Boltzmann weights gives
  ``P(h_j = 1 | v) = σ(b_j + vᵀW_{:,j})``, and likewise ``P(v_i = 1 | h) = σ(a_i + W_{i,:} h)``.
- Summing ``h`` out analytically gives the free energy
  ``F(v) = −aᵀv − Σ_j log(1 + e^(b_j + vᵀW_{:,j}))`` with ``P(v) = e^(−F(v)) / Z`` and
  ``log Z = log Σ_v e^(−F(v))``: only ``2⁶ = 64`` terms here, so the average
  log-likelihood ``(1/n) Σ_i log P(vᵢ)`` is exact. Real RBMs cannot do this.
- CD-1 (Hinton 2002) estimates the gradient ``⟨v hᵀ⟩_data − ⟨v hᵀ⟩_model`` with one Gibbs
  step: ``h⁰ ~ P(h|v⁰)``, ``v¹ ~ P(v|h⁰)``, then
  ``ΔW = η (v⁰ P(h=1|v⁰)ᵀ − v¹ P(h=1|v¹)ᵀ)``, ``Δa = η (v⁰ − v¹)``,
  ``Δb = η (P(h=1|v⁰) − P(h=1|v¹))``, averaged over a minibatch. The estimate is biased,
  but here the exact likelihood shows it still climbs.

The data: three "bars" (visible pairs 1–2, 3–4, 5–6), each on with probability 0.3, with
2 % of the bits flipped. Each hidden unit can learn one bar.

The evidence that the weights learn is a comparison with the strongest model without
them: independent bits, each with its frequency in the data (the maximum-likelihood
fit). The RBM must beat it by ``MARGIN`` nats per image. The negative control trains
the same RBM from the same start with ``W`` frozen (biases only): its units are then
(nearly) independent, so it must *not* beat that model. ``--set break=frozen-W`` freezes
``W`` in the main run too, and its check must fail. With too little learning
(``η × epochs < LEARNING_BUDGET``, e.g. ``lr=0.01`` or ``epochs=20``) the weights have not
grown yet and the RBM may still be at the independent-bits level: the demo reports that as
the expected outcome, not as a failure.

CD-1 is cheap but biased: the mean of many CD-1 estimates of ``∂ℓ/∂W`` is compared with the
exact gradient ``⟨v P(h|v)ᵀ⟩_data − ⟨v P(h|v)ᵀ⟩_model`` (the model expectation by
enumeration). After training the gap is many standard errors wide; its control is the
same comparison at the near-uniform starting point, where one Gibbs step from the data
already mixes and the estimate is unbiased within its noise.
"""

from __future__ import annotations

from collections.abc import Generator
from itertools import product
from typing import Any

import numpy as np

from solvers import nn
from solvers.events import Event, check, log, point, table
from solvers.params import Param, break_param, broken

TITLE = "Boltzmann machine: an RBM trained with CD-1, its exact likelihood by enumeration"

PARAMS = (
    Param("seed", "int", 0, "random seed (data, weights, Gibbs samples)", low=0, high=2**32 - 1),
    Param("hidden", "int", 3, "hidden units (each doubles the states to enumerate)", low=1, high=8),
    Param("epochs", "int", 200, "passes over the data with CD-1", low=1, high=1000),
    Param("lr", "float", 0.1, "CD-1 learning rate η", low=1e-4, high=1.0),
    break_param(
        {
            "frozen-W": "the RBM no longer beats the independent-bits model: with W frozen "
            "only the biases learn, and biases alone model independent bits"
        }
    ),
)

VISIBLE = 6
BARS = np.array([[1, 1, 0, 0, 0, 0], [0, 0, 1, 1, 0, 0], [0, 0, 0, 0, 1, 1]], dtype=np.float64)
N_DATA = 100
BATCH = 10
MAX_POINTS = 250
MARGIN = 0.1  # nats per image the RBM must gain over independent bits (frozen W: < 0.01)
# η × epochs below which CD-1 has had too little learning for W to grow: gains of
# 0.03–0.05 nats at 2, 0.04–0.27 at 5, 0.36–0.64 at 10 (seeds 0–3).
LEARNING_BUDGET = 8.0
CD_SAMPLES = 1000  # CD-1 estimates averaged to measure its bias
BIAS_K = 3.0  # ‖mean CD-1 − exact‖ beyond this many (norms of) standard errors is bias


def states(n: int) -> nn.Array:
    """All ``2ⁿ`` binary vectors of length ``n``, one per row."""
    return np.array(list(product((0.0, 1.0), repeat=n)))


def make_bars(n: int, rng: np.random.Generator) -> nn.Array:
    """``n`` images: each bar on with probability 0.3, then 2 % of the bits flipped."""
    on = (rng.random((n, len(BARS))) < 0.3).astype(np.float64)
    clean = np.minimum(on @ BARS, 1.0)
    flip = rng.random(clean.shape) < 0.02
    out: nn.Array = np.where(flip, 1.0 - clean, clean)
    return out


def energy(v: nn.Array, h: nn.Array, a: nn.Array, b: nn.Array, w: nn.Array) -> nn.Array:
    """``E(v, h) = −aᵀv − bᵀh − vᵀW h`` for every pair of rows of ``v`` and ``h``."""
    out: nn.Array = -(v @ a)[:, None] - (h @ b)[None, :] - v @ w @ h.T
    return out


def free_energy(v: nn.Array, a: nn.Array, b: nn.Array, w: nn.Array) -> nn.Array:
    """``F(v) = −aᵀv − Σ_j log(1 + e^(b_j + vᵀW_{:,j}))``: ``h`` summed out analytically."""
    out: nn.Array = -(v @ a) - np.sum(np.logaddexp(0.0, b + v @ w), axis=-1)
    return out


def log_partition(a: nn.Array, b: nn.Array, w: nn.Array) -> float:
    """``log Z = log Σ_v e^(−F(v))`` over all ``2^visible`` vectors."""
    return float(nn.logsumexp(-free_energy(states(len(a)), a, b, w)))


def log_likelihood(data: nn.Array, a: nn.Array, b: nn.Array, w: nn.Array) -> float:
    """Exact average ``log P(v) = −F(v) − log Z`` over the rows of ``data``."""
    return float(np.mean(-free_energy(data, a, b, w))) - log_partition(a, b, w)


def hidden_given_visible(v: nn.Array, b: nn.Array, w: nn.Array) -> nn.Array:
    """``P(h_j = 1 | v) = σ(b_j + vᵀW_{:,j})``."""
    return nn.sigmoid(b + v @ w)


def visible_given_hidden(h: nn.Array, a: nn.Array, w: nn.Array) -> nn.Array:
    """``P(v_i = 1 | h) = σ(a_i + W_{i,:} h)``."""
    return nn.sigmoid(a + h @ w.T)


def hidden_by_enumeration(v: nn.Array, a: nn.Array, b: nn.Array, w: nn.Array) -> nn.Array:
    """``P(h_j = 1 | v) = Σ_(h: h_j = 1) e^(−E(v,h)) / Σ_h e^(−E(v,h))``, by listing every ``h``."""
    hs = states(len(b))
    neg = -energy(v, hs, a, b, w)
    weights = np.exp(neg - neg.max(axis=1, keepdims=True))  # Boltzmann weights, rescaled
    out: nn.Array = (weights @ hs) / weights.sum(axis=1, keepdims=True)
    return out


def exact_weight_gradient(data: nn.Array, a: nn.Array, b: nn.Array, w: nn.Array) -> nn.Array:
    """``∂ℓ/∂W = ⟨v P(h=1|v)ᵀ⟩_data − Σ_v P(v) v P(h=1|v)ᵀ`` (the model term by enumeration)."""
    vs = states(len(a))
    p = np.exp(-free_energy(vs, a, b, w) - log_partition(a, b, w))
    model = (vs * p[:, None]).T @ hidden_given_visible(vs, b, w)
    data_term = data.T @ hidden_given_visible(data, b, w) / len(data)
    out: nn.Array = data_term - model
    return out


def one_step_distribution(data: nn.Array, a: nn.Array, b: nn.Array, w: nn.Array) -> nn.Array:
    """Where one Gibbs step from the data lands: ``P₁(v) = (1/n) Σ_i Σ_h P(h | vᵢ) P(v | h)``
    over all ``2^visible`` vectors, by enumeration. CD-1 uses ``P₁`` in place of the model."""
    vs, hs = states(len(a)), states(len(b))
    ph = hidden_given_visible(data, b, w)  # n × m
    p_h = np.prod(np.where(hs[None, :, :] == 1.0, ph[:, None, :], 1.0 - ph[:, None, :]), axis=2)
    pv = visible_given_hidden(hs, a, w)  # 2^m × visible
    p_v_h = np.prod(np.where(vs[None, :, :] == 1.0, pv[:, None, :], 1.0 - pv[:, None, :]), axis=2)
    out: nn.Array = p_h.mean(axis=0) @ p_v_h
    return out


def exact_cd1_bias(a: nn.Array, b: nn.Array, w: nn.Array, one_step: nn.Array) -> float:
    """``‖E[CD-1 estimate of ∂ℓ/∂W] − ∂ℓ/∂W‖ = ‖Σ_v (P(v) − P₁(v)) v P(h=1|v)ᵀ‖``."""
    vs = states(len(a))
    model = np.exp(-free_energy(vs, a, b, w) - log_partition(a, b, w))
    gap = (vs * (model - one_step)[:, None]).T @ hidden_given_visible(vs, b, w)
    return float(np.linalg.norm(gap))


def cd1_weight_estimates(
    data: nn.Array, a: nn.Array, b: nn.Array, w: nn.Array, count: int, rng: np.random.Generator
) -> nn.Array:
    """``count`` independent CD-1 estimates of ``∂ℓ/∂W`` on all of ``data``, stacked."""
    n = len(data)
    ph0 = hidden_given_visible(data, b, w)
    positive = data.T @ ph0 / n  # the same for every estimate: P(h|v⁰) is not sampled
    h0 = (rng.random((count, n, len(b))) < ph0).astype(np.float64)
    pv1 = visible_given_hidden(h0, a, w)
    v1 = (rng.random(pv1.shape) < pv1).astype(np.float64)
    negative = np.matmul(v1.transpose(0, 2, 1), hidden_given_visible(v1, b, w)) / n
    out: nn.Array = positive[None] - negative
    return out


def cd1_bias(
    data: nn.Array, params: tuple[nn.Array, nn.Array, nn.Array], rng: np.random.Generator
) -> tuple[float, float]:
    """``‖mean CD-1 − exact‖`` and the norm of the mean's standard errors, for ``∂ℓ/∂W``."""
    estimates = cd1_weight_estimates(data, *params, CD_SAMPLES, rng)
    exact = exact_weight_gradient(data, *params)
    mean = estimates.mean(axis=0)
    se = estimates.std(axis=0, ddof=1) / np.sqrt(CD_SAMPLES)
    return float(np.linalg.norm(mean - exact)), float(np.linalg.norm(se))


def cd1_step(
    v0: nn.Array,
    a: nn.Array,
    b: nn.Array,
    w: nn.Array,
    lr: float,
    rng: np.random.Generator,
    frozen_w: bool = False,
) -> None:
    """One CD-1 update of ``a``, ``b`` and ``W`` (in place) from the minibatch ``v0``;
    ``W`` stays as it is when ``frozen_w`` (the negative control)."""
    ph0 = hidden_given_visible(v0, b, w)
    h0 = (rng.random(ph0.shape) < ph0).astype(np.float64)
    pv1 = visible_given_hidden(h0, a, w)
    v1 = (rng.random(pv1.shape) < pv1).astype(np.float64)
    ph1 = hidden_given_visible(v1, b, w)
    scale = lr / len(v0)
    if not frozen_w:
        w += scale * (v0.T @ ph0 - v1.T @ ph1)
    a += scale * np.sum(v0 - v1, axis=0)
    b += scale * np.sum(ph0 - ph1, axis=0)


def train(
    data: nn.Array,
    params: tuple[nn.Array, nn.Array, nn.Array],
    epochs: int,
    lr: float,
    rng: np.random.Generator,
    series: str,
    frozen_w: bool = False,
) -> Generator[Event, None, list[float]]:
    """CD-1 on ``data`` for ``epochs`` (``a``, ``b``, ``W`` updated in place), streaming
    the exact log-likelihood as ``series``; returns it after every epoch (and before)."""
    a, b, w = params
    every = max(1, epochs // MAX_POINTS)
    trace = [log_likelihood(data, a, b, w)]
    yield point(series, 0, trace[0])
    for epoch in range(1, epochs + 1):
        order = rng.permutation(N_DATA)
        for start in range(0, N_DATA, BATCH):
            cd1_step(data[order[start : start + BATCH]], a, b, w, lr, rng, frozen_w)
        trace.append(log_likelihood(data, a, b, w))
        if epoch % every == 0 or epoch == epochs:
            yield point(series, epoch, trace[-1])
    return trace


def run(
    seed: int, hidden: int, epochs: int, lr: float, **rest: str
) -> Generator[Event, None, dict[str, Any]]:
    """Trains the RBM with CD-1, tracking the exact log-likelihood, compares it with
    independent bits and with its own W-frozen control, then checks the maths."""
    frozen = broken(rest) == "frozen-W"
    rng = np.random.default_rng(seed)
    data = make_bars(N_DATA, rng)
    a = np.zeros(VISIBLE)
    b = np.zeros(hidden)
    w = 0.1 * rng.standard_normal((VISIBLE, hidden))
    start = (a.copy(), b.copy(), w.copy())
    yield log(
        f"RBM with {VISIBLE} visible and {hidden} hidden units on {N_DATA} bar images;"
        f" CD-1, minibatches of {BATCH}, η = {lr:g}, {epochs} epochs."
        f" Exact log Z sums {2**VISIBLE} free energies each epoch."
        + (" W is frozen (break=frozen-W): only the biases learn." if frozen else "")
    )
    trace = yield from train(
        data, (a, b, w), epochs, lr, rng, "log-likelihood (exact)", frozen_w=frozen
    )
    initial, final = trace[0], trace[-1]
    # The control: same data, same start, its own Gibbs samples, W never updated.
    control_rng = np.random.default_rng([seed, 1])
    control_trace = yield from train(
        data, start, epochs, lr, control_rng, "log-likelihood, W frozen (control)", True
    )
    control = control_trace[-1]

    p = np.clip(data.mean(axis=0), 1e-12, 1.0 - 1e-12)
    independent = float(np.mean(data @ np.log(p) + (1.0 - data) @ np.log1p(-p)))
    _, counts = np.unique(data, axis=0, return_counts=True)
    q = counts / counts.sum()
    ceiling = float(np.sum(q * np.log(q)))  # −H(empirical): no model can do better
    yield table(
        "Average log-likelihood per image (nats)",
        ["model", "log-likelihood"],
        [
            ["RBM before training (≈ uniform, −6 ln 2 = −4.159)", initial],
            [f"RBM after {epochs} epochs of CD-1" + (" (W frozen)" if frozen else ""), final],
            ["control: the same, W frozen (biases only)", control],
            ["best independent-bits model", independent],
            ["ceiling: −entropy of the data", ceiling],
        ],
    )
    beats = final > independent + MARGIN and final <= ceiling + 1e-9
    budget = lr * epochs
    outcome = (
        f"{initial:.4f} → {final:.4f} nats per image vs {independent:.4f} for independent"
        f" bits (gain {final - independent:+.4f}, needed > {MARGIN:g}; ceiling {ceiling:.4f})"
    )
    if beats or budget >= LEARNING_BUDGET:
        yield check(
            "CD-1 raises the exact log-likelihood above the independent-bits model",
            beats,
            f"{outcome}; expected with enough learning, η × epochs = {budget:g}"
            f" ≥ {LEARNING_BUDGET:g}",
            kind="empirical",
        )
    else:
        yield log(
            f"η × epochs = {budget:g} < {LEARNING_BUDGET:g}: too little learning for W to grow,"
            f" so the RBM may not beat independent bits yet, as expected: {outcome}."
            " Raise lr or epochs to see it pull ahead."
        )
    yield check(
        "control: with W frozen, CD-1 does not beat the independent-bits model",
        control <= independent + MARGIN,
        f"W frozen: {control_trace[0]:.4f} → {control:.4f} nats per image vs {independent:.4f}"
        f" for independent bits (gain {control - independent:+.4f}, at most {MARGIN:g}"
        " predicted): the weights, not the biases, capture the bars",
        kind="empirical",
        control=True,
    )

    bias_rng = np.random.default_rng([seed, 2])
    bias, se = cd1_bias(data, (a, b, w), bias_rng)
    bias0, se0 = cd1_bias(data, start, bias_rng)
    predicted = exact_cd1_bias(a, b, w, one_step_distribution(data, a, b, w))
    measured = (
        f"‖mean of {CD_SAMPLES} CD-1 estimates of ∂ℓ/∂W − exact ∂ℓ/∂W‖ = {bias:.4f},"
        f" {bias / se:.1f}× the norm of its standard errors {se:.4f}; by enumeration the bias"
        f" is {predicted:.4f}"
    )
    if predicted >= 2.0 * BIAS_K * se:
        yield check(
            "CD-1 is a biased estimate of the gradient once the model has learned",
            bias > BIAS_K * se,
            f"after training, {measured} (needed > {BIAS_K:g}× the noise; with no bias the"
            " ratio is about 1): one Gibbs step from the data does not reach the model",
            kind="statistical",
        )
    else:
        yield log(
            f"After training, {measured}: under {2 * BIAS_K:g} standard errors, because one"
            " Gibbs step from the data almost reaches this model (weak or few weights), so"
            " no bias is detectable here, as expected."
        )
    yield check(
        "control: at the near-uniform start, CD-1 is unbiased within its noise",
        bias0 <= BIAS_K * se0,
        f"before training, the same gap is {bias0:.4f}, {bias0 / se0:.1f}× its standard"
        f" errors' norm {se0:.4f} (at most {BIAS_K:g}× predicted): a near-uniform model is"
        " reached in one Gibbs step, so the bias comes from the learned structure",
        kind="statistical",
        control=True,
    )

    vs = states(VISIBLE)
    by_energy = hidden_by_enumeration(vs, a, b, w)
    by_formula = hidden_given_visible(vs, b, w)
    err = float(np.max(np.abs(by_energy - by_formula)))
    yield check(
        "P(h_j = 1 | v) from the energy is the sigmoid",
        err <= 1e-12,
        f"max |Σ_(h: h_j=1) e^(−E) / Σ_h e^(−E) − σ(b_j + vᵀW_(:,j))| = {err:.1e} over all"
        f" {2**VISIBLE} visible vectors × {hidden} hidden units (trained weights)",
        kind="numerical",
    )

    log_z = log_partition(a, b, w)
    joint = -energy(vs, states(hidden), a, b, w)
    log_z_brute = float(nn.logsumexp(joint.ravel()))
    total = float(np.sum(np.exp(-free_energy(vs, a, b, w) - log_z)))
    z_err = abs(log_z - log_z_brute)
    yield check(
        "summing out h analytically gives the same Z",
        z_err <= 1e-12 * max(1.0, abs(log_z)) and abs(total - 1.0) <= 1e-12,
        f"log Z = {log_z:.12f} from {2**VISIBLE} free energies, {log_z_brute:.12f} from all"
        f" {2 ** (VISIBLE + hidden)} joint states (difference {z_err:.1e});"
        f" Σ_v P(v) = {total:.15f}",
        kind="numerical",
    )
    return {
        "initial_log_likelihood": initial,
        "final_log_likelihood": final,
        "best_log_likelihood": max(trace),
        "independent_log_likelihood": independent,
        "control_log_likelihood": control,
        "ceiling": ceiling,
        "log_z": log_z,
        "conditional_error": err,
        "cd1_bias": bias,
        "cd1_bias_standard_error": se,
        "cd1_bias_at_start": bias0,
        "cd1_bias_standard_error_at_start": se0,
    }
