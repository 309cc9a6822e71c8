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
Served one example at a time, fresh test examples then come out with mean ≈ β and standard
deviation ≈ γ·√(σ²/(σ² + ε)), within the sampling error of the test set and of the running
averages (an EMA of B-example estimates has √(m/(2 − m)) times their spread).

Two negative controls, each the experiment with the mechanism removed, must fail:

- dropout without the 1/(1 − p) rescale: the mean over the masks is (1 − p)x, many
  standard errors from x (at p = 0 nothing is dropped and the control cannot differ);
- batch norm kept in training mode at inference, serving one example at a time: each
  example is its own batch, x − μ_B = 0, and every output is β whatever the input.

``--set break=no-rescale`` and ``--set break=train-mode-inference`` remove the same
mechanisms from the main run, and the claim they support fails.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import numpy as np

from solvers import nn
from solvers.events import Event, check, log, table
from solvers.params import Param, break_param, broken

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
    break_param(
        {
            "no-rescale": "dropout without the 1/(1 − p) rescale: the mean over the masks is "
            "(1 − p)x, many standard errors from x",
            "train-mode-inference": "batch norm keeps using batch statistics at inference: "
            "served one at a time every output is β, with no spread",
        }
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
N_TEST = 2000  # fresh examples served one at a time at inference


def dropout_standard_error(x: np.ndarray, rate: float, samples: int) -> np.ndarray:
    """Standard error of the mean of ``samples`` dropout outputs: ``|x|·√(p/((1 − p)M))``."""
    result: np.ndarray = np.abs(x) * np.sqrt(rate / ((1.0 - rate) * samples))
    return result


def sample_batch(rng: np.random.Generator, size: int) -> np.ndarray:
    """``size`` examples whose features are normal with FEATURE_MEANS and FEATURE_STDS."""
    result: np.ndarray = FEATURE_MEANS + FEATURE_STDS * rng.standard_normal((size, 3))
    return result


def plain_dropout(x: np.ndarray, rate: float, rng: np.random.Generator) -> np.ndarray:
    """Dropout without the rescale (the control): ``m ⊙ x``, so ``E[y] = (1 − p) x``."""
    keep = rng.random(x.shape) >= rate
    result: np.ndarray = np.where(keep, x, 0.0)
    return result


def serve_one_at_a_time(
    x: np.ndarray,
    gamma: np.ndarray,
    beta: np.ndarray,
    running: tuple[np.ndarray, np.ndarray],
    eps: float,
    train_mode: bool,
) -> np.ndarray:
    """Each row normalised alone, as online inference sees it: with the running
    statistics, or (the control) in training mode, where a row is its own batch."""
    if train_mode:
        return np.vstack([nn.batch_norm(row[None], gamma, beta, eps) for row in x])
    return batch_norm_inference(x, gamma, beta, running[0], running[1], eps)


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


def within_standard_errors(
    mean: np.ndarray, x: np.ndarray, se: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``|mean − x|`` in standard errors, and whether each is within ``SE_LIMIT`` (a zero
    standard error, at p = 0, allows only rounding)."""
    z = np.abs(mean - x) / np.maximum(se, 1e-300)
    ok = np.abs(mean - x) <= np.maximum(SE_LIMIT * se, 1e-12 * np.abs(x))
    return z, ok


def run(seed: int, rate: float, eps: float, **rest: str) -> Generator[Event, None, dict[str, Any]]:
    """Checks inverted dropout's expectation, then batch norm in both modes, each claim
    with its negative control."""
    removed = broken(rest)
    rng = np.random.default_rng(seed)

    x = rng.uniform(0.5, 2.0, UNITS) * rng.choice([-1.0, 1.0], UNITS)
    inputs = np.broadcast_to(x, (MASKS, UNITS))
    if removed == "no-rescale":
        yield log("break=no-rescale: the survivors keep their value x, not x/(1 − p).")
        outputs = plain_dropout(inputs, rate, rng)
    else:
        outputs = nn.dropout(inputs, rate, rng)
    mean = outputs.mean(axis=0)
    se = dropout_standard_error(x, rate, MASKS)
    z, within = within_standard_errors(mean, x, se)
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
        f"{fraction_se:.1e}); "
        + (
            f"every survivor equals x/(1 − p) = x × {1 / (1 - rate):.4g}"
            if survivors_scaled
            else f"the survivors are not x/(1 − p) = x × {1 / (1 - rate):.4g}"
        ),
        kind="statistical",
    )
    plain = plain_dropout(inputs, rate, np.random.default_rng([seed, 1])).mean(axis=0)
    # The control's own standard error: a kept unit is x, not x/(1 − p).
    plain_se = np.abs(x) * np.sqrt(rate * (1.0 - rate) / MASKS)
    plain_z, plain_within = within_standard_errors(plain, x, plain_se)
    yield check(
        "control: without the 1/(1 − p) rescale the mean is not x",
        rate == 0.0 or not bool(np.all(plain_within)),
        (
            "p = 0: nothing is dropped and the rescale is 1, so the control cannot differ,"
            " as expected"
            if rate == 0.0
            else f"mean of m ⊙ x over {MASKS} masks: up to {float(np.max(plain_z)):.0f}"
            f" standard errors from x, at (1 − p)x = {1 - rate:g}·x (largest"
            f" |mean/x − (1 − p)| = {float(np.max(np.abs(plain / x - (1 - rate)))):.1e});"
            " the test-time network would see larger activations than in training unless"
            " it multiplied by (1 − p)"
        ),
        kind="statistical",
        control=True,
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

    # Online inference: fresh examples served one at a time.
    test = sample_batch(np.random.default_rng([seed, 2]), N_TEST)
    running = (running_mean, running_var)
    served = serve_one_at_a_time(
        test, GAMMA, BETA, running, eps, train_mode=removed == "train-mode-inference"
    )
    control = serve_one_at_a_time(test, GAMMA, BETA, running, eps, train_mode=True)
    shrink = FEATURE_STDS**2 / (FEATURE_STDS**2 + eps)  # σ²/(σ² + ε)
    target_std = GAMMA * np.sqrt(shrink)
    # In units of the target std: the test set's own sampling error, and the error the
    # running averages carry (their spread √(m/(2 − m)) × that of one batch's estimate).
    mean_se = np.sqrt(1.0 / N_TEST + ema**2 / BATCH)
    std_se = np.sqrt(1.0 / (2 * N_TEST) + 0.25 * ema**2 * (2.0 / (BATCH - 1)) * shrink**2)

    def serving_z(out: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return (
            np.abs(out.mean(axis=0) - BETA) / target_std / mean_se,
            np.abs(out.std(axis=0) / target_std - 1.0) / std_se,
        )

    served_mean_z, served_std_z = serving_z(served)
    control_mean_z, control_std_z = serving_z(control)
    yield table(
        f"Inference on {N_TEST} fresh examples served one at a time",
        ["feature", "target mean β", "mean", "target std γ√(σ²/(σ²+ε))", "std", "train-mode std"],
        [
            [
                j,
                BETA[j],
                served[:, j].mean(),
                target_std[j],
                served[:, j].std(),
                control[:, j].std(),
            ]
            for j in range(3)
        ],
    )
    yield check(
        "inference normalises with the population statistics, one example at a time",
        bool(np.all(served_mean_z < SE_LIMIT) and np.all(served_std_z < SE_LIMIT)),
        f"means within {float(served_mean_z.max()):.2f} and stds within"
        f" {float(served_std_z.max()):.2f} standard errors of β and γ·√(σ²/(σ²+ε))"
        f" (allowed {SE_LIMIT:g}; the error counts the {N_TEST} test examples and the"
        " running averages' own spread)",
        kind="statistical",
    )
    yield check(
        "control: batch norm kept in training mode at inference erases every input",
        not bool(np.all(control_mean_z < SE_LIMIT) and np.all(control_std_z < SE_LIMIT)),
        f"each example is its own batch, so x − μ_B = 0: every output is β, stds"
        f" {np.round(control.std(axis=0), 12).tolist()}, {float(control_std_z.max()):.0f}"
        " standard errors from γ·√(σ²/(σ²+ε))",
        kind="statistical",
        control=True,
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
        "served_std": served.std(axis=0).tolist(),
        "control_dropout_mean_ratio": (plain / x).tolist(),
    }
