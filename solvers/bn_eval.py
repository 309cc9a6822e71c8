"""The batch-norm eval-mode bug: the same trained model, normalised three ways at test time.

The model is logistic regression on batch-normalised inputs, ``p = σ(wᵀ BN(x) + b)``, on
two classes whose four features have very different offsets and scales (means 50, −20, 5,
100; standard deviations 10, 3, 0.5, 20). It is trained in training mode, where each
minibatch of 32 is normalised with its own statistics,

    x̂ = (x − μ_B) / √(σ²_B + ε),

while the running statistics follow them (PyTorch's convention, starting at 0 and 1):

    μ_run ← (1 − m) μ_run + m μ_B,    σ²_run ← (1 − m) σ²_run + m σ²_B · B/(B − 1).

After ``s`` updates the initial values keep a weight ``(1 − m)ˢ``; with ``m = 0.1`` and 260
steps that is 1e-12, so ``μ_run`` and ``σ²_run`` estimate the population's mean and variance.

At test time:

- **eval mode** normalises every example with ``μ_run``, ``σ²_run``: a fixed affine map, so
  an example's prediction does not depend on the rest of its batch, even at batch size 1,
  and BN folds into the next layer: ``w' = w / √(σ²_run + ε)``,
  ``b' = b − w'ᵀμ_run``.
- **train mode at test time** (``model.eval()`` forgotten) normalises with the test batch's
  own statistics. At batch 1, ``x − μ_B = 0``: every prediction is ``σ(b)``. At batch 2,
  each feature becomes ±1. A batch of a single class has that class's mean subtracted, and
  the class signal with it.
- **running statistics never updated** (momentum 0, or forgotten updates) leave 0 and 1:
  the features enter unnormalised, the logits are ruled by the offsets, one class wins.

The reference is the population's own statistics (mean μ, variance σ²(1 + δ²) for class
offsets ±δ standard deviations), which is what the running statistics estimate. Each
claim has its negative control: eval mode with statistics never updated must lose the
accuracy; test batches normalised with fixed statistics instead of their own must *not*.
``--set break=stale-stats`` and ``--set break=fixed-stats`` remove the mechanisms in the
main run.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import numpy as np
from numpy.typing import NDArray

from solvers import nn
from solvers.events import Event, check, log, point, table
from solvers.params import Param, break_param, broken

TITLE = "BN eval mode: running statistics vs train mode at test time vs statistics never updated"

PARAMS = (
    Param("seed", "int", 0, "random seed (data, order, initial weights)", low=0, high=2**32 - 1),
    Param(
        "test_batch",
        "int",
        2,
        "test batch size for train-mode inference (1: every prediction the same)",
        low=1,
        high=1000,
    ),
    Param(
        "momentum",
        "float",
        0.1,
        "running-statistics momentum m (0: never updated, like forgotten updates)",
        low=0.0,
        high=1.0,
    ),
    break_param(
        {
            "stale-stats": "eval mode loses the accuracy: the running statistics stay at"
            " their initial 0 and 1, so the inputs are never normalised",
            "fixed-stats": "train mode at test time no longer loses accuracy: each test batch"
            " is normalised with fixed statistics instead of its own",
        }
    ),
)

MEANS = np.array([50.0, -20.0, 5.0, 100.0])
STDS = np.array([10.0, 3.0, 0.5, 20.0])
SHIFT = np.array([1.0, -1.0, 0.5, 0.0])  # class offsets ±δ, in standard deviations
FEATURES = 4
N_TRAIN, N_TEST = 400, 1000
BATCH = 32
EPOCHS = 20
LR = 0.05
EPS = 1e-5
SORTED_BATCH = 32  # test batches of one class each
EVAL_TOL = 0.02  # eval mode within 2 points of the population-statistics accuracy
SMALL_BATCH = 8  # train mode at test batches up to this size loses accuracy
LOSS = 0.03  # accuracy lost, at least
CHANCE_GAP = 0.1  # a broken normalisation is this far below the reference
RESIDUAL = 0.01  # the running statistics have converged when (1 − m)ˢ ≤ this
MIN_AVERAGED = 3.0  # ... and average at least this many batches, (2 − m)/m


def make_data(n: int, rng: np.random.Generator) -> tuple[nn.Array, nn.Array]:
    """``n`` examples, classes 0 and 1 equally likely, class offsets ±SHIFT standard deviations."""
    y = (rng.random(n) < 0.5).astype(np.float64)
    z = rng.standard_normal((n, FEATURES)) + np.outer(2.0 * y - 1.0, SHIFT)
    return MEANS + STDS * z, y


def normalise(x: nn.Array, mean: nn.Array, var: nn.Array) -> nn.Array:
    """``(x − μ) / √(σ² + ε)`` with the given statistics."""
    out: nn.Array = (x - mean) / np.sqrt(var + EPS)
    return out


def batch_stats(x: nn.Array) -> tuple[nn.Array, nn.Array]:
    """The batch's mean and biased variance (what training mode normalises with)."""
    return x.mean(axis=0), x.var(axis=0)


def train(
    x: nn.Array, y: nn.Array, momentum: float, rng: np.random.Generator
) -> Generator[Event, None, tuple[nn.Array, float, nn.Array, nn.Array, int]]:
    """Adam on the cross-entropy with BN in training mode; streams the training loss.
    Returns ``w``, ``b``, the running mean and variance, and the number of updates."""
    w, b = np.zeros(FEATURES), np.zeros(1)
    moments = [np.zeros(FEATURES), np.zeros(FEATURES), np.zeros(1), np.zeros(1)]
    run_mean, run_var = np.zeros(FEATURES), np.ones(FEATURES)
    steps = 0
    for epoch in range(1, EPOCHS + 1):
        order = rng.permutation(len(x))
        losses = []
        for start in range(0, len(x), BATCH):
            idx = order[start : start + BATCH]
            xb, yb = x[idx], y[idx]
            mean, var = batch_stats(xb)
            size = len(xb)
            run_mean = (1.0 - momentum) * run_mean + momentum * mean
            run_var = (1.0 - momentum) * run_var + momentum * var * size / (size - 1)
            xh = normalise(xb, mean, var)
            logits = xh @ w + b[0]
            losses.append(nn.binary_cross_entropy(logits, yb))
            g = (nn.sigmoid(logits) - yb) / size  # ∂L/∂logits; BN has no parameters before it
            steps += 1
            nn.adam_step(w, xh.T @ g, moments[0], moments[1], steps, LR)
            nn.adam_step(b, np.array([g.sum()]), moments[2], moments[3], steps, LR)
        yield point("training loss (train mode)", epoch, float(np.mean(losses)))
    return w, float(b[0]), run_mean, run_var, steps


def accuracy(logits: nn.Array, y: nn.Array) -> float:
    """Share of examples on the right side of 0."""
    return float(np.mean((logits > 0) == (y > 0.5)))


def in_batches(
    x: nn.Array,
    order: NDArray[np.intp],
    size: int,
    w: nn.Array,
    b: float,
    fixed: tuple[nn.Array, nn.Array] | None = None,
) -> nn.Array:
    """Logits with BN in train mode on consecutive batches of ``order``: each batch is
    normalised with its own statistics, or with ``fixed`` ones when given."""
    out = np.zeros(len(x))
    for start in range(0, len(order), size):
        idx = order[start : start + size]
        mean, var = fixed if fixed is not None else batch_stats(x[idx])
        out[idx] = normalise(x[idx], mean, var) @ w + b
    return out


def run(
    seed: int, test_batch: int, momentum: float, **rest: str
) -> Generator[Event, None, dict[str, Any]]:
    """Trains the BN model, evaluates it in eval mode, in train mode and with stale
    statistics, with a control for each claim, and checks that BN folds into the layer."""
    removed = broken(rest)
    rng = np.random.default_rng(seed)
    x_train, y_train = make_data(N_TRAIN, rng)
    x_test, y_test = make_data(N_TEST, rng)
    effective = 0.0 if removed == "stale-stats" else momentum
    yield log(
        f"Logistic regression on BN(x): 4 features with means {MEANS.tolist()} and standard"
        f" deviations {STDS.tolist()}; trained {EPOCHS} epochs in train mode, batches of"
        f" {BATCH}, running-statistics momentum {effective:g}."
        + (
            " The running statistics are never updated (break=stale-stats)."
            if effective != momentum
            else ""
        )
    )
    w, b, run_mean, run_var, steps = yield from train(x_train, y_train, effective, rng)
    residual = (1.0 - effective) ** steps
    # The regime is the user's setting; break=stale-stats keeps the claim and breaks it.
    converged = (1.0 - momentum) ** steps <= RESIDUAL
    averaged = (2.0 - momentum) / momentum if momentum > 0 else float("inf")

    pop_mean, pop_var = MEANS, STDS**2 * (1.0 + SHIFT**2)
    acc_population = accuracy(normalise(x_test, pop_mean, pop_var) @ w + b, y_test)
    acc_eval = accuracy(normalise(x_test, run_mean, run_var) @ w + b, y_test)
    stale = (np.zeros(FEATURES), np.ones(FEATURES))
    acc_stale = accuracy(normalise(x_test, *stale) @ w + b, y_test)
    fixed = (pop_mean, pop_var) if removed == "fixed-stats" else None
    shuffled = rng.permutation(N_TEST).astype(np.intp)
    by_class = np.argsort(y_test, kind="stable").astype(np.intp)
    acc_train_mode = accuracy(in_batches(x_test, shuffled, test_batch, w, b, fixed), y_test)
    acc_sorted = accuracy(in_batches(x_test, by_class, SORTED_BATCH, w, b, fixed), y_test)
    control_small = accuracy(
        in_batches(x_test, shuffled, test_batch, w, b, (pop_mean, pop_var)), y_test
    )
    control_sorted = accuracy(
        in_batches(x_test, by_class, SORTED_BATCH, w, b, (pop_mean, pop_var)), y_test
    )
    train_mode = "train mode" + (" (fixed statistics: break)" if fixed is not None else "")
    yield table(
        f"Test accuracy on {N_TEST} examples",
        ["normalised with", "test batch", "accuracy"],
        [
            ["population statistics (reference)", "any", acc_population],
            ["running statistics (eval mode, the fix)", "any", acc_eval],
            ["running statistics never updated (0, 1)", "any", acc_stale],
            [f"the batch's own ({train_mode}), shuffled", test_batch, acc_train_mode],
            [f"the batch's own ({train_mode}), one class a batch", SORTED_BATCH, acc_sorted],
        ],
    )
    yield table(
        "Running statistics after training",
        ["feature", "population mean", "running mean", "population variance", "running var"],
        [[j, pop_mean[j], run_mean[j], pop_var[j], run_var[j]] for j in range(FEATURES)],
    )

    if converged and averaged >= MIN_AVERAGED:
        yield check(
            "eval mode with running statistics keeps the model's accuracy at any batch size",
            acc_eval >= acc_population - EVAL_TOL,
            f"eval mode {acc_eval:.3f} vs {acc_population:.3f} with the population's"
            f" statistics (within {EVAL_TOL:g} claimed); the initial 0/1 keep weight"
            f" (1 − m)^{steps} = {residual:.1e}",
            kind="empirical",
        )
    elif converged:
        yield log(
            f"Prediction: with momentum {momentum:g} the running statistics average only"
            f" about (2 − m)/m = {averaged:.2g} batch(es), so they are noisy estimates and eval"
            f" mode may lose some accuracy: {acc_eval:.3f} against {acc_population:.3f} with"
            " the population's statistics."
        )
    else:
        yield log(
            f"Prediction: with momentum {effective:g} the running statistics still carry"
            f" (1 − m)^{steps} = {residual:.2g} of their initial 0 and 1, so eval mode is off:"
            f" {acc_eval:.3f} against {acc_population:.3f} with the population's statistics."
        )
    yield check(
        "control: eval mode with running statistics never updated loses the accuracy",
        acc_stale <= acc_population - CHANCE_GAP,
        f"statistics left at 0 and 1: {acc_stale:.3f} against {acc_population:.3f} (at least"
        f" {CHANCE_GAP:g} lower predicted): the running statistics are what eval mode needs",
        kind="empirical",
        control=True,
    )

    if test_batch <= SMALL_BATCH:
        yield check(
            f"train mode at test time on batches of {test_batch} loses accuracy",
            acc_train_mode <= acc_population - LOSS,
            f"{acc_train_mode:.3f} against {acc_population:.3f} (at least {LOSS:g} lower"
            " claimed)" + (": every logit is b, one class for all" if test_batch == 1 else ""),
            kind="empirical",
        )
    else:
        yield log(
            f"Prediction: a shuffled test batch of {test_batch} has statistics close to the"
            f" population's, so train mode loses little: {acc_train_mode:.3f} against"
            f" {acc_population:.3f}. Batches of {SMALL_BATCH} or fewer lose more."
        )
    yield check(
        f"control: the same batches of {test_batch} normalised with fixed statistics lose nothing",
        control_small > acc_population - LOSS,
        f"{control_small:.3f} against {acc_population:.3f}: without the batch's own"
        " statistics the batch no longer matters",
        kind="empirical",
        control=True,
    )
    yield check(
        f"train mode on test batches of one class ({SORTED_BATCH} each) erases the class signal",
        acc_sorted <= acc_population - CHANCE_GAP,
        f"{acc_sorted:.3f} against {acc_population:.3f}: subtracting a one-class batch's"
        " mean subtracts the class",
        kind="empirical",
    )
    yield check(
        "control: the same one-class batches with fixed statistics keep the accuracy",
        control_sorted > acc_population - LOSS,
        f"{control_sorted:.3f} against {acc_population:.3f}",
        kind="empirical",
        control=True,
    )

    scale = 1.0 / np.sqrt(run_var + EPS)
    w_folded = w * scale
    b_folded = b - float(w_folded @ run_mean)
    direct = normalise(x_test, run_mean, run_var) @ w + b
    folded = x_test @ w_folded + b_folded
    fold_err = nn.relative_error(direct, folded)
    yield check(
        "eval-mode BN folds into the layer: w' = w/√(σ²_run + ε), b' = b − w'ᵀμ_run",
        fold_err < 1e-12,
        f"relative difference of the {N_TEST} logits {fold_err:.1e}",
        kind="numerical",
    )
    return {
        "accuracy_population": acc_population,
        "accuracy_eval": acc_eval,
        "accuracy_stale": acc_stale,
        "accuracy_train_mode": acc_train_mode,
        "accuracy_sorted": acc_sorted,
        "train_mode_loss": acc_population - acc_train_mode,
        "eval_ok": acc_eval >= acc_population - EVAL_TOL,
        "running_residual": residual,
        "test_batch": test_batch,
        "fold_error": fold_err,
    }
