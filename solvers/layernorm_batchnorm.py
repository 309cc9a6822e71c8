"""LayerNorm against BatchNorm on small batches: whose statistics, and how noisy.

Both normalise ``x̂ = (x − μ) / √(σ² + ε)``; they differ in what ``μ`` and ``σ²`` are
averaged over. For a batch ``X`` of ``B`` examples by ``F`` features:

- **BatchNorm** (training mode): per feature, over the batch,
  ``μ_j = (1/B) Σ_b X_bj``, ``σ²_j = (1/B) Σ_b (X_bj − μ_j)²``. At inference it uses running
  estimates of the population's ``μ_j``, ``σ²_j`` instead, so the same example comes out
  differently in training and at inference, and differently with other batch-mates.
- **LayerNorm**: per example, over its features,
  ``μ_b = (1/F) Σ_j X_bj``, ``σ²_b = (1/F) Σ_j (X_bj − μ_b)²``. Nothing depends on the rest of
  the batch, so training and inference compute the same function, even at batch size 1.

How far BN's training output is from its inference output, with ``z = (x − μ)/σ`` the
example's population-standardised value (``z ~ N(0, 1)``):

- ``B = 2``: each feature of the batch becomes ``±1`` (``(x₁ − x₂)/|x₁ − x₂|``, ε aside),
  whatever the values. With ``D = z₁ − z₂ ~ N(0, 2)``, ``E[z₁ sign D] = √(2/π)/√2 = 1/√π``, so
  ``E[(x̂ − z)²] = 1 + 1 − 2/√π = 0.8716``: the batch statistics are as wrong as they get.
  With ε the ±1 softens to ``D/√(D² + 4ε/σ²)``, which lowers this by ``√(πε)/σ`` to first
  order (0.0056 for σ = 1), the prediction the check uses.
- large ``B``: the batch mean is off by ``σ/√B`` and the variance by a relative ``√(2/B)``,
  so to first order ``E[(x̂ − z)²] ≈ (1 + z²/2)/B = 1.5/B``: the RMS gap falls like
  ``√(1.5/B)``, 0.31 at 16, 0.077 at 256.
- ``B = 1``: ``x − μ_B = 0``, every output is β (0 here): the gap is ``|z|``, RMS 1.

The mirror image for LayerNorm: with ``F = 2`` features each example becomes ``±1``.

The negative control runs BN with the population's statistics in training too (the batch
statistics removed): the gap must vanish. ``--set break=population-stats`` does this in
the main run.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import numpy as np

from solvers import nn
from solvers.events import Event, check, log, point, table
from solvers.params import Param, break_param, broken

TITLE = "LayerNorm vs BatchNorm: BN's batch statistics are noisy at batch 2–8, LN's are per example"

PARAMS = (
    Param("seed", "int", 0, "random seed of the data", low=0, high=2**32 - 1),
    Param(
        "batch",
        "int",
        4,
        "the batch size to report (1: BN outputs β; 2: each feature becomes ±1)",
        low=1,
        high=1024,
    ),
    Param(
        "features",
        "int",
        16,
        "features per example, what LayerNorm averages over (2: each example becomes ±1)",
        low=2,
        high=256,
    ),
    break_param(
        {
            "population-stats": "BN's training output no longer differs from its inference"
            " output: normalised with the population's statistics, the batch is irrelevant"
        }
    ),
)

CELLS = 131_072  # values drawn for each batch size (examples × features)
SWEEP = (2, 4, 8, 16, 32, 64, 128, 256)
SLOPE_FROM = 16  # fit the decay over batches this large and up (first order holds)
EPS = 1e-5
K_SE = 5.0
B2_GAP = 2.0 - 2.0 / np.sqrt(np.pi)  # E[(x̂ − z)²] at B = 2
SLOPE_TOL = 0.06


def feature_stats(features: int) -> tuple[nn.Array, nn.Array]:
    """The population's per-feature means and standard deviations (very different scales)."""
    j = np.arange(features)
    return 10.0 * np.sin(j + 1.0), np.exp(np.cos(3.0 * j))


def batch_norm_train(x: nn.Array) -> nn.Array:
    """Training-mode BN of ``x`` shaped ``(batches, B, F)``: statistics over each batch."""
    mean = x.mean(axis=1, keepdims=True)
    var = x.var(axis=1, keepdims=True)
    out: nn.Array = (x - mean) / np.sqrt(var + EPS)
    return out


def batch_norm_fixed(x: nn.Array, mean: nn.Array, var: nn.Array) -> nn.Array:
    """Inference-mode BN: the given per-feature statistics for every example."""
    out: nn.Array = (x - mean) / np.sqrt(var + EPS)
    return out


def layer_norm(x: nn.Array) -> nn.Array:
    """LN: statistics over the last axis (the features of one example)."""
    mean = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True)
    out: nn.Array = (x - mean) / np.sqrt(var + EPS)
    return out


def gaps(
    rng: np.random.Generator, batch: int, features: int, population: bool
) -> tuple[float, float, float]:
    """Train-vs-inference gaps for batches of ``batch``: BN's mean squared gap, its standard
    error (over batch × feature cells, which are independent), and LN's largest difference
    between an example normalised in this batch and alone (LN has no inference mode of its
    own: training and inference run the same function)."""
    mean, std = feature_stats(features)
    n = max(1, CELLS // (batch * features))
    x = mean + std * rng.standard_normal((n, batch, features))
    reference = batch_norm_fixed(x, mean, std**2)
    trained = reference if population else batch_norm_train(x)
    cells = np.mean((trained - reference) ** 2, axis=1)  # one value per batch and feature
    gap = float(cells.mean())
    se = float(cells.std(ddof=1) / np.sqrt(cells.size)) if cells.size > 1 else 0.0
    ln_batch = layer_norm(x)
    ln_alone = np.stack([layer_norm(x[:, b, :]) for b in range(min(batch, 4))], axis=1)
    ln_alone_gap = float(np.max(np.abs(ln_batch[:, : ln_alone.shape[1]] - ln_alone)))
    return gap, se, ln_alone_gap


def run(
    seed: int, batch: int, features: int, **rest: str
) -> Generator[Event, None, dict[str, Any]]:
    """Measures BN's train-vs-inference gap over batch sizes, LN's (none), and the control."""
    population = broken(rest) == "population-stats"
    rng = np.random.default_rng(seed)
    control_rng = np.random.default_rng([seed, 1])
    yield log(
        f"{features} features with very different means and scales;"
        f" {max(1, CELLS // features)} examples per batch size. Gap = RMS of (training-mode"
        " output − inference-mode output), inference using the population's statistics."
        + (
            " BN trains with the population's statistics (break=population-stats)."
            if population
            else ""
        )
    )
    sizes = sorted(set(SWEEP) | {batch})
    results: dict[int, tuple[float, float]] = {}
    ln_alone_worst = 0.0
    for size in sizes:
        gap, se, ln_alone = gaps(rng, size, features, population)
        control_gap, _, _ = gaps(control_rng, size, features, True)
        results[size] = (gap, se)
        ln_alone_worst = max(ln_alone_worst, ln_alone)
        yield point(
            "BatchNorm gap" + (" (population stats)" if population else ""),
            size,
            float(np.sqrt(gap)),
        )
        yield point("LayerNorm gap", size, 0.0)
        yield point("BatchNorm, population statistics (control)", size, float(np.sqrt(control_gap)))
    yield table(
        "Training-mode vs inference-mode output, RMS over examples and features",
        ["batch", "BatchNorm", "first order √(1.5/B)", "LayerNorm"],
        [[size, np.sqrt(results[size][0]), np.sqrt(1.5 / size), 0.0] for size in sizes],
    )

    gap2, se2 = results[2]
    expected2 = B2_GAP - float(np.sqrt(np.pi * EPS) * np.mean(1.0 / feature_stats(features)[1]))
    z2 = abs(gap2 - expected2) / se2 if se2 > 0 else float("inf")
    yield check(
        "at batch 2 BN's training output is ±1 per feature: E[(x̂ − z)²] = 2 − 2/√π",
        z2 <= K_SE,
        f"measured {gap2:.4f} ± {se2:.4f} (standard error) against 2 − 2/√π − √(πε)·mean(1/σ)"
        f" = {B2_GAP:.4f} − {B2_GAP - expected2:.4f} = {expected2:.4f}: {z2:.2f} standard"
        f" errors (allowed {K_SE:g}; a false alarm has probability < 1e-6)",
        kind="statistical",
    )
    large = [s for s in SWEEP if s >= SLOPE_FROM]
    squared = np.array([results[s][0] for s in large])
    # No gap at all (the statistics removed): nothing decays, the exponent is 0.
    slope = (
        float(np.polyfit(np.log(large), 0.5 * np.log(squared), 1)[0])
        if np.all(squared > 0)
        else 0.0
    )
    yield check(
        "BN's gap shrinks like 1/√B: first order, E[(x̂ − z)²] ≈ (1 + z²/2)/B",
        abs(slope + 0.5) <= SLOPE_TOL,
        f"fitted exponent of the RMS gap over B = {large[0]}…{large[-1]}: {slope:.3f} (−0.5 ±"
        f" {SLOPE_TOL:g} claimed); B·E[(x̂ − z)²] at B = {large[-1]}:"
        f" {large[-1] * results[large[-1]][0]:.3f}, first order 1.5",
        kind="empirical",
    )
    control2, _, _ = gaps(np.random.default_rng([seed, 2]), 2, features, True)
    yield check(
        "control: BN with the population's statistics in training has no gap",
        control2 < 1e-20,
        f"mean squared gap at batch 2: {control2:.1e} (no gap predicted): the batch's own"
        " statistics are the whole cause",
        kind="empirical",
        control=True,
    )
    yield check(
        "LayerNorm's output does not depend on the batch: train and inference agree",
        ln_alone_worst <= 1e-12,
        f"largest difference between an example normalised in its batch and alone:"
        f" {ln_alone_worst:.1e} over every batch size; LN has no running statistics, so the"
        " inference computation is the training one",
        kind="identity",
    )
    if batch == 1:
        yield log(
            "Prediction: BN on a batch of 1 has x − μ_B = 0, so every output is β whatever the"
            f" input; the gap is |z|, RMS {np.sqrt(results[1][0]):.3f} (1 predicted). LayerNorm"
            " is unaffected."
        )
    if features == 2:
        yield log(
            "With 2 features LayerNorm keeps only which feature is larger: every example"
            " becomes ±1 (the mirror image of BN at batch 2)."
        )
    bn_rms = float(np.sqrt(results[batch][0]))
    return {
        "batch": batch,
        "bn_rms_gap": bn_rms,
        "ln_rms_gap": 0.0,
        "first_order_gap": float(np.sqrt(1.5 / batch)),
        "batch2_mean_squared_gap": gap2,
        "batch2_predicted": expected2,
        "slope": slope,
        "winner": "layernorm" if bn_rms > 0 else "tie",
    }
