"""Dropout and batch norm behave differently in training and at inference, on purpose.

Inverted dropout (``nn.dropout``) keeps each unit with probability 1 − p and scales the
survivors by 1/(1 − p):

    y = m ⊙ x / (1 − p),   m_i ~ Bernoulli(1 − p),   so   E[y] = x,

and at inference it is the identity (no rescaling needed; plain dropout without the
1/(1 − p) would give E[y] = (1 − p)x and need a test-time correction). One unit's output
has variance x²·p/(1 − p), so the mean over M masks is within a few standard errors
|x|·√(p/((1 − p)M)) of x.

Batch norm (``nn.batch_norm``) in training normalises each feature with its batch mean μ_B
and biased batch variance σ²_B:

    x̂ = (x − μ_B) / √(σ²_B + ε),   y = γ x̂ + β,

so x̂ has mean 0 and variance σ²_B/(σ²_B + ε) (just below 1; visibly below for a feature
whose variance is comparable to ε), and y has mean β and standard deviation
γ·√(σ²_B/(σ²_B + ε)). During training it keeps running (exponential moving) averages

    μ_run ← (1 − m) μ_run + m μ_B,   σ²_run ← (1 − m) σ²_run + m σ²_B·B/(B − 1),

and at inference uses them instead of the batch's statistics: y = γ(x − μ_run)/√(σ²_run + ε) + β.
In training an example's output depends on its batch-mates; at inference it does not.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import numpy as np

from solvers import nn
from solvers.events import Event, check, log, table
from solvers.params import Param

TITLE = "Dropout and batch norm: expectation kept, identity at inference, running statistics"

PARAMS = (
    Param("seed", "int", 0, "random seed of the masks and the data", low=0, high=2**32 - 1),
    Param(
        "rate", "float", 0.5, "dropout rate p: the probability of dropping a unit", low=0, high=0.95
    ),
    Param(
        "eps",
        "float",
        1e-5,
        "batch norm's ε, added to the variance (> 0: it also prevents 0/0)",
        low=1e-12,
        high=1.0,
    ),
)

MASKS = 20_000  # dropout masks averaged
UNITS = 8
BATCH = 32
BATCHES = 200  # training batches seen by the running statistics
MOMENTUM = 0.1
FEATURE_MEANS = np.array([5.0, -2.0, 0.3])
FEATURE_STDS = np.array([3.0, 0.5, 0.005])  # the last one's variance (2.5e-5) is comparable to ε
GAMMA = np.array([2.0, 0.5, 3.0])
BETA = np.array([1.0, -1.0, 0.5])
SE_LIMIT = 5.0  # standard errors allowed for a Monte Carlo estimate


def dropout_standard_error(x: np.ndarray, rate: float, samples: int) -> np.ndarray:
    """Standard error of the mean of ``samples`` dropout outputs: ``|x|·√(p/((1 − p)M))``."""
    result: np.ndarray = np.abs(x) * np.sqrt(rate / ((1.0 - rate) * samples))
    return result


def sample_batch(rng: np.random.Generator, size: int) -> np.ndarray:
    """``size`` examples whose features are normal with FEATURE_MEANS and FEATURE_STDS."""
    result: np.ndarray = FEATURE_MEANS + FEATURE_STDS * rng.standard_normal((size, 3))
    return result


def update_running(running: np.ndarray, batch_stat: np.ndarray, momentum: float) -> np.ndarray:
    """Exponential moving average ``r ← (1 − m) r + m s``."""
    result: np.ndarray = (1.0 - momentum) * running + momentum * batch_stat
    return result


def batch_norm_inference(
    x: np.ndarray,
    gamma: np.ndarray,
    beta: np.ndarray,
    running_mean: np.ndarray,
    running_var: np.ndarray,
    eps: float,
) -> np.ndarray:
    """Inference-mode batch norm: ``γ (x − μ_run) / √(σ²_run + ε) + β``, row by row."""
    result: np.ndarray = gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta
    return result


def run(seed: int, rate: float, eps: float) -> Generator[Event, None, dict[str, Any]]:
    """Checks inverted dropout's expectation, then batch norm in both modes."""
    rng = np.random.default_rng(seed)

    x = rng.uniform(0.5, 2.0, UNITS) * rng.choice([-1.0, 1.0], UNITS)
    outputs = nn.dropout(np.broadcast_to(x, (MASKS, UNITS)), rate, rng)
    mean = outputs.mean(axis=0)
    se = dropout_standard_error(x, rate, MASKS)
    z = np.abs(mean - x) / np.maximum(se, 1e-300)
    within = np.abs(mean - x) <= np.maximum(SE_LIMIT * se, 1e-12 * np.abs(x))
    dropped = float(np.mean(outputs == 0.0))
    yield table(
        f"Inverted dropout, p = {rate:g}: mean over {MASKS} masks",
        ["unit", "x", "mean of dropout(x)", "standard error", "|mean − x| / SE"],
        [[i, x[i], mean[i], se[i], z[i] if se[i] > 0 else 0.0] for i in range(UNITS)],
    )
    yield check(
        "inverted dropout keeps the expected activation",
        bool(np.all(within)),
        f"largest |mean − x| = {float(np.max(np.abs(mean - x))):.2e}, "
        f"{float(np.max(z)) if rate > 0 else 0.0:.2f} standard errors "
        f"(allowed {SE_LIMIT:g}; SE = |x|·√(p/((1−p)M)), M = {MASKS}; a false alarm has "
        f"probability < {UNITS} × 6e-7)",
        kind="statistical",
    )
    kept = outputs != 0.0
    scaled_x = np.broadcast_to(x / (1.0 - rate), outputs.shape)
    survivors_scaled = bool(np.array_equal(outputs[kept], scaled_x[kept]))
    fraction_se = float(np.sqrt(rate * (1.0 - rate) / outputs.size))
    yield check(
        "the fraction dropped is the rate, survivors are scaled by 1/(1 − p)",
        abs(dropped - rate) <= max(SE_LIMIT * fraction_se, 1e-12) and survivors_scaled,
        f"dropped {dropped:.4f} of {outputs.size} units (p = {rate:g}, standard error "
        f"{fraction_se:.1e}); every survivor equals x/(1 − p) = x × {1 / (1 - rate):.4g}",
        kind="statistical",
    )
    yield log(
        f"Without the 1/(1 − p) scaling the training-time mean would be (1 − p)x = "
        f"{1 - rate:g}·x, so the test-time network would see larger activations than in "
        f"training unless it multiplied by (1 − p)."
    )
    at_inference = nn.dropout(x, rate, rng, training=False)
    yield check(
        "dropout is exactly the identity at inference",
        bool(np.array_equal(at_inference, x)),
        f"dropout(x, training=False) == x for all {UNITS} units, bit for bit",
        kind="identity",
    )

    batch = sample_batch(rng, BATCH)
    var_b = batch.var(axis=0)
    normalised = nn.batch_norm(batch, np.ones(3), np.zeros(3), eps)
    expected_var = var_b / (var_b + eps)
    mean_err = float(np.max(np.abs(normalised.mean(axis=0))))
    var_err = float(np.max(np.abs(normalised.var(axis=0) - expected_var)))
    yield table(
        f"Batch norm in training, batch of {BATCH}, ε = {eps:g}",
        ["feature", "batch σ²", "mean of x̂", "variance of x̂", "σ²/(σ²+ε)"],
        [
            [j, var_b[j], normalised[:, j].mean(), normalised[:, j].var(), expected_var[j]]
            for j in range(3)
        ],
    )
    yield check(
        "training: each feature gets mean 0 and variance σ²/(σ²+ε)",
        mean_err < 1e-10 and var_err < 1e-10,
        f"largest |mean| = {mean_err:.1e}, largest |variance − σ²/(σ²+ε)| = {var_err:.1e}; "
        f"feature 2 (σ² = {var_b[2]:.2e}) has variance {expected_var[2]:.4f}"
        + (", visibly below 1 because ε matters" if expected_var[2] < 0.99 else ""),
        kind="identity",
    )

    scaled = nn.batch_norm(batch, GAMMA, BETA, eps)
    want_std = GAMMA * np.sqrt(expected_var)
    std_err = float(np.max(np.abs(scaled.std(axis=0) - want_std) / want_std))
    shift_err = float(np.max(np.abs(scaled.mean(axis=0) - BETA)))
    yield check(
        "γ and β set the scale and shift",
        std_err < 1e-10 and shift_err < 1e-10,
        f"γ = {GAMMA.tolist()}, β = {BETA.tolist()}: "
        f"means {np.round(scaled.mean(0), 10).tolist()}, "
        f"stds {np.round(scaled.std(0), 6).tolist()} = γ·√(σ²/(σ²+ε)) "
        f"(relative error {std_err:.1e})",
        kind="identity",
    )

    running_mean, running_var = np.zeros(3), np.ones(3)
    for _ in range(BATCHES):
        b = sample_batch(rng, BATCH)
        running_mean = update_running(running_mean, b.mean(axis=0), MOMENTUM)
        running_var = update_running(running_var, b.var(axis=0, ddof=1), MOMENTUM)
    # Spread of an EMA of i.i.d. estimates: √(m/(2 − m)) × the estimate's standard deviation.
    ema = np.sqrt(MOMENTUM / (2.0 - MOMENTUM))
    mean_se = ema * FEATURE_STDS / np.sqrt(BATCH)
    var_se = ema * FEATURE_STDS**2 * np.sqrt(2.0 / (BATCH - 1))
    mean_z = np.abs(running_mean - FEATURE_MEANS) / mean_se
    var_z = np.abs(running_var - FEATURE_STDS**2) / var_se
    yield table(
        f"Running statistics after {BATCHES} batches (momentum {MOMENTUM:g})",
        ["feature", "true mean", "running mean", "true variance", "running variance"],
        [
            [j, FEATURE_MEANS[j], running_mean[j], FEATURE_STDS[j] ** 2, running_var[j]]
            for j in range(3)
        ],
    )
    yield check(
        "running averages estimate the population statistics",
        bool(np.all(mean_z < SE_LIMIT) and np.all(var_z < SE_LIMIT)),
        f"within {float(max(mean_z.max(), var_z.max())):.2f} standard errors of the true "
        f"mean and variance (allowed {SE_LIMIT:g}; an EMA of per-batch estimates has "
        f"spread √(m/(2−m)) × theirs)",
        kind="statistical",
    )

    example = sample_batch(rng, 1)
    batch_a = np.vstack([example, sample_batch(rng, BATCH - 1)])
    batch_b = np.vstack([example, sample_batch(rng, BATCH - 1)])
    train_a = nn.batch_norm(batch_a, GAMMA, BETA, eps)[0]
    train_b = nn.batch_norm(batch_b, GAMMA, BETA, eps)[0]
    infer_a = batch_norm_inference(batch_a, GAMMA, BETA, running_mean, running_var, eps)[0]
    infer_b = batch_norm_inference(batch_b, GAMMA, BETA, running_mean, running_var, eps)[0]
    infer_alone = batch_norm_inference(example, GAMMA, BETA, running_mean, running_var, eps)[0]
    train_gap = float(np.max(np.abs(train_a - train_b)))
    yield table(
        "The same example in two different batches",
        ["mode", "output in batch A", "output in batch B"],
        [
            ["training", np.round(train_a, 4).tolist(), np.round(train_b, 4).tolist()],
            ["inference", np.round(infer_a, 4).tolist(), np.round(infer_b, 4).tolist()],
        ],
    )
    yield check(
        "inference uses running statistics: the output no longer depends on the batch",
        train_gap > 1e-3
        and bool(np.array_equal(infer_a, infer_b))
        and bool(np.array_equal(infer_a, infer_alone)),
        f"training mode: outputs differ by up to {train_gap:.3f} between batches A and B; "
        f"inference mode: identical in A, in B and alone",
        kind="identity",
    )
    alone = nn.batch_norm(example, GAMMA, BETA, eps)[0]
    yield check(
        "training mode on a batch of one erases the input",
        bool(np.allclose(alone, BETA, rtol=0, atol=1e-12)),
        f"x − μ_B = 0, so the output is β = {np.round(alone, 12).tolist()} whatever the "
        f"example; inference mode gives {np.round(infer_alone, 4).tolist()}",
        kind="identity",
    )
    return {
        "dropout_mean_error": float(np.max(np.abs(mean - x))),
        "dropped_fraction": dropped,
        "bn_variance": expected_var.tolist(),
        "running_mean": running_mean.tolist(),
        "running_var": running_var.tolist(),
        "train_output_gap": train_gap,
    }
