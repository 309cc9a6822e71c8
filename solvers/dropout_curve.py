"""Validation curves with and without dropout on a small MLP that overfits.

The task: two overlapping Gaussian classes in 2-D (means ±(0.7, 0.7), unit variance; the
best boundary is a line and misclassifies 16 %), ``examples`` training points, 300
validation points. The model: 2 → 16 → 16 → 1 with ReLU, trained full-batch with Adam on
the binary cross-entropy, 337 parameters for 100 points. Without help it bends its boundary
around the training noise: the training loss keeps falling and the validation loss, after
a minimum, rises (overfitting).

Inverted dropout on both hidden layers multiplies each activation by ``m/(1 − p)`` with
``m ~ Bernoulli(1 − p)``, fresh every step, and is the identity in eval mode. Two
consequences show on the curves:

- **The reported training loss is computed with the masks on.** The loss is convex in the
  logit, so noise on the logit raises it on average (Jensen): the reported training loss =
  the eval-mode training loss + a dropout penalty ≥ 0, while the validation loss is computed
  in eval mode, without it. While the penalty exceeds the generalisation gap
  (validation − eval-mode training loss), the training curve lies *above* the validation
  curve: no bug, the two are measured differently.
- **The noise regularises.** A unit cannot rely on particular others, so the network cannot
  carve islands around single noisy points as easily: the validation loss stays near its
  minimum and the gap between the curves stays small.

Every curve is the mean over ``DATASETS`` independent training sets (each with its own
initialisation and masks, trained at once as a batch of networks), so that a claim is about
the method and not one lucky draw of 100 points.

The claims, read off the mean curves: with dropout the validation loss ends within
×``RISE`` of its minimum; and up to its best validation epoch (where early stopping would
stop) the reported training loss averages above the validation loss. The negative control
is the same MLP from the same start without dropout (the masks removed): its validation
loss must rise beyond ×``RISE``, and over the same epochs its training loss must average
*below* its validation loss. ``--set break=no-dropout`` removes the masks from the dropout
run itself. Too little dropout (``p`` below 0.2, or below 0.5 for the order of the curves),
too few examples for dropout to stop the overfitting (below 80) and too many for the plain
MLP to overfit (above 120) are reported as predictions, not failures.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

import numpy as np

from solvers import nn
from solvers.events import Event, check, log, point, table
from solvers.params import Param, break_param, broken

TITLE = "Dropout and the validation curve: training loss above validation loss, the gap closed"

PARAMS = (
    Param("seed", "int", 0, "random seed (data, initial weights, masks)", low=0, high=2**32 - 1),
    Param(
        "rate",
        "float",
        0.5,
        "dropout rate p on both hidden layers (0: no dropout at all)",
        low=0.0,
        high=0.9,
    ),
    Param(
        "examples",
        "int",
        100,
        "training examples per data set (more: less to overfit)",
        low=20,
        high=400,
    ),
    break_param(
        {
            "no-dropout": "the dropout run overfits like the plain MLP: its validation loss"
            " rises, and its training curve falls below the validation curve",
        }
    ),
)

DATASETS = 12
HIDDEN = 16
EPOCHS = 200
LR = 0.01
EVERY = 10
N_VAL = 300
SEP = 0.7
RISE = 1.35  # a validation loss ending above this × its minimum has overfitted
MIN_RATE = 0.5  # below this the masks add too little for the training curve to lie above
MIN_REGULARISING = 0.2  # below this dropout is too weak to hold the validation loss down
MIN_EXAMPLES = 80  # fewer: dropout slows the overfitting but does not stop it
MAX_EXAMPLES = 120  # more: the plain MLP has too little to overfit in EPOCHS
MAX_EXAMPLES_ORDER = 150  # more: the curves' order is not claimed either
WINDOW = 2  # evaluations either side of the best epoch averaged in the table
CONFIGS = ("no dropout", "dropout")


@dataclass(frozen=True)
class Curves:
    """Mean over the data sets, one row per evaluation: reported training loss (masks on),
    eval-mode training loss, validation loss; columns per configuration."""

    epochs: nn.Array
    reported: nn.Array
    train_eval: nn.Array
    val: nn.Array


def make_data(shape: tuple[int, int], rng: np.random.Generator) -> tuple[nn.Array, nn.Array]:
    """Points of two classes (equally likely) at ±(SEP, SEP) with unit variance."""
    y = (rng.random(shape) < 0.5).astype(np.float64)
    x = rng.standard_normal((*shape, 2)) + (2.0 * y - 1.0)[..., None] * SEP
    return x, y


def bce(logits: nn.Array, y: nn.Array) -> nn.Array:
    """Binary cross-entropy per example and model, ``log(1 + e^z) − y z`` (stable form)."""
    out: nn.Array = np.logaddexp(0.0, logits) - y * logits
    return out


def train_all(
    seed: int, rate: float, examples: int, dropout_mode: str
) -> Generator[Event, None, Curves]:
    """Trains both configurations on ``DATASETS`` data sets at once (batched matrix
    products, one Adam state): the plain MLP, and the dropout run with fresh masks every
    step (``dropout_mode`` "fresh") or none ("none", the break). Streams the mean curves."""
    rng = np.random.default_rng(seed)
    r, n, h, c = DATASETS, examples, HIDDEN, len(CONFIGS)
    m = c * r
    x_train, y_train = (np.tile(a, (c, 1, 1)[: a.ndim]) for a in make_data((r, n), rng))
    x_val, y_val = (np.tile(a, (c, 1, 1)[: a.ndim]) for a in make_data((r, N_VAL), rng))
    init = np.random.default_rng([seed, 1])
    start = [
        init.standard_normal((r, 2, h)),
        np.zeros((r, 1, h)),
        init.standard_normal((r, h, h)) * np.sqrt(2.0 / h),
        np.zeros((r, 1, h)),
        init.standard_normal((r, h, 1)) * np.sqrt(1.0 / h),
        np.zeros((r, 1, 1)),
    ]
    size = sum(m * int(np.prod(s.shape[1:])) for s in start)
    theta, grad = np.zeros(size), np.zeros(size)
    params, grads, offset = [], [], 0
    for s in start:
        k = m * int(np.prod(s.shape[1:]))
        params.append(theta[offset : offset + k].reshape((m, *s.shape[1:])))
        grads.append(grad[offset : offset + k].reshape((m, *s.shape[1:])))
        params[-1][...] = np.tile(s, (c, 1, 1))  # every configuration starts alike
        offset += k
    w1, b1, w2, b2, w3, b3 = params
    adam_m, adam_v = np.zeros(size), np.zeros(size)
    masks_rng = np.random.default_rng([seed, 2])
    keep = 1.0 - rate
    fresh = dropout_mode == "fresh" and rate > 0.0

    def train_masks() -> list[nn.Array]:
        """Ones for the plain MLP; fresh masks scaled by 1/(1 − p) for the dropout run."""
        out = []
        for _ in range(2):
            mask = np.ones((m, n, h))
            if fresh:
                mask[r:] = (masks_rng.random((r, n, h)) >= rate) / keep
            out.append(mask)
        return out

    def eval_logits(x: nn.Array) -> nn.Array:
        a1 = np.maximum(x @ w1 + b1, 0.0)  # eval mode: dropout is the identity
        a2 = np.maximum(a1 @ w2 + b2, 0.0)
        out: nn.Array = (a2 @ w3 + b3)[..., 0]
        return out

    rows: list[nn.Array] = []
    for step in range(1, EPOCHS + 1):
        m1, m2 = train_masks()
        z1 = x_train @ w1 + b1
        d1 = np.maximum(z1, 0.0) * m1
        z2 = d1 @ w2 + b2
        d2 = np.maximum(z2, 0.0) * m2
        logits = (d2 @ w3 + b3)[..., 0]
        reported = bce(logits, y_train).mean(axis=1)
        g = ((nn.sigmoid(logits) - y_train) / n)[..., None]  # ∂(mean loss)/∂logit
        grads[4][...] = d2.transpose(0, 2, 1) @ g
        grads[5][...] = g.sum(axis=1, keepdims=True)
        g2 = (g @ w3.transpose(0, 2, 1)) * m2 * (z2 > 0)
        grads[2][...] = d1.transpose(0, 2, 1) @ g2
        grads[3][...] = g2.sum(axis=1, keepdims=True)
        g1 = (g2 @ w2.transpose(0, 2, 1)) * m1 * (z1 > 0)
        grads[0][...] = x_train.transpose(0, 2, 1) @ g1
        grads[1][...] = g1.sum(axis=1, keepdims=True)
        if step % EVERY == 0:
            # Measured at the parameters the reported loss saw, before this step's update.
            train_eval = bce(eval_logits(x_train), y_train).mean(axis=1)
            val = bce(eval_logits(x_val), y_val).mean(axis=1)
            row = np.stack([reported, train_eval, val]).reshape(3, c, r).mean(axis=2)
            rows.append(row)
            yield point("training loss, dropout (reported: masks on)", step, float(row[0, 1]))
            yield point("validation loss, dropout", step, float(row[2, 1]))
            yield point("training loss, no dropout", step, float(row[0, 0]))
            yield point("validation loss, no dropout", step, float(row[2, 0]))
        nn.adam_step(theta, grad, adam_m, adam_v, step, LR)
    data = np.array(rows)  # (evaluations, 3, configurations)
    epochs = EVERY * np.arange(1, len(rows) + 1, dtype=np.float64)
    return Curves(epochs, data[:, 0], data[:, 1], data[:, 2])


def around_best(curves: Curves, config: int) -> tuple[float, float, float, int]:
    """Reported training loss, eval-mode training loss and validation loss averaged over
    ``WINDOW`` evaluations either side of ``config``'s best validation epoch, and that epoch."""
    best = int(np.argmin(curves.val[:, config]))
    lo, hi = max(0, best - WINDOW), best + WINDOW + 1
    return (
        float(curves.reported[lo:hi, config].mean()),
        float(curves.train_eval[lo:hi, config].mean()),
        float(curves.val[lo:hi, config].mean()),
        int(curves.epochs[best]),
    )


def run(
    seed: int, rate: float, examples: int, **rest: str
) -> Generator[Event, None, dict[str, Any]]:
    """Trains the MLP with and without dropout on twelve data sets, streams the mean
    curves, and checks the claims against the no-dropout control."""
    mode = "none" if broken(rest) == "no-dropout" else "fresh"
    yield log(
        f"MLP 2→{HIDDEN}→{HIDDEN}→1 (ReLU), {examples} training examples, {N_VAL} validation"
        f" examples, Adam {LR:g}, {EPOCHS} full-batch epochs; curves are means over"
        f" {DATASETS} data sets. Dropout p = {rate:g} on both hidden layers."
        + (" The dropout run has no dropout (break=no-dropout)." if mode == "none" else "")
    )
    curves = yield from train_all(seed, rate, examples, mode)
    last = slice(-max(1, len(curves.epochs) // 10), None)  # the last 10 % of training
    end = {
        name: [float(a[last, j].mean()) for a in (curves.reported, curves.train_eval, curves.val)]
        for j, name in enumerate(CONFIGS)
    }
    best = {name: around_best(curves, j) for j, name in enumerate(CONFIGS)}
    min_val = {name: float(curves.val[:, j].min()) for j, name in enumerate(CONFIGS)}
    yield table(
        "Mean losses (binary cross-entropy); the dropout penalty = reported − eval-mode training",
        [
            "model",
            "reported training (end)",
            "eval-mode training (end)",
            "validation (end)",
            "best validation",
            "at epoch",
            "reported training there",
            "validation there",
        ],
        [
            [name, *end[name], min_val[name], best[name][3], best[name][0], best[name][2]]
            for name in CONFIGS
        ],
    )
    rise = {name: end[name][2] / min_val[name] for name in CONFIGS}
    gain = end["dropout"][2] / end["no dropout"][2]
    best_at = int(np.argmin(curves.val[:, 1]))
    upto = slice(0, best_at + 1)  # the epochs before early stopping would stop
    above = float(np.mean(curves.reported[upto, 1] - curves.val[upto, 1]))
    plain_above = float(np.mean(curves.reported[upto, 0] - curves.val[upto, 0]))
    penalty = float(np.mean(curves.reported[upto, 1] - curves.train_eval[upto, 1]))
    best_epoch = int(curves.epochs[best_at])

    if rate < MIN_REGULARISING or not MIN_EXAMPLES <= examples <= MAX_EXAMPLES:
        if rate < MIN_REGULARISING:
            why = (
                f"p = {rate:g} is too little dropout to hold the validation loss down (the"
                f" claim needs p ≥ {MIN_REGULARISING:g})"
            )
        elif examples < MIN_EXAMPLES:
            why = (
                f"with only {examples} examples dropout slows the overfitting but cannot stop"
                f" it (the claim needs {MIN_EXAMPLES}–{MAX_EXAMPLES})"
            )
        else:
            why = (
                f"with {examples} examples the plain MLP has less to overfit in {EPOCHS}"
                f" epochs (the claim needs {MIN_EXAMPLES}–{MAX_EXAMPLES})"
            )
        yield log(
            f"Prediction: {why}. Measured: the validation loss ends ×{rise['dropout']:.3g} of its"
            f" minimum with dropout, ×{rise['no dropout']:.3g} without."
        )
    else:
        yield check(
            "with dropout the validation loss stays near its minimum",
            rise["dropout"] <= RISE,
            f"ends at {end['dropout'][2]:.4f}, ×{rise['dropout']:.3f} of its minimum"
            f" {min_val['dropout']:.4f} (at most ×{RISE:g} claimed); ×{gain:.2f} of the plain"
            " MLP's final validation loss",
            kind="empirical",
        )
        yield check(
            "control: without dropout the validation loss rises (overfitting)",
            rise["no dropout"] > RISE,
            f"ends at {end['no dropout'][2]:.4f}, ×{rise['no dropout']:.3f} of its minimum"
            f" {min_val['no dropout']:.4f} (above ×{RISE:g} predicted) while its training loss"
            f" falls to {end['no dropout'][0]:.4f}",
            kind="empirical",
            control=True,
        )
    if rate < MIN_RATE or examples > MAX_EXAMPLES_ORDER:
        yield log(
            "Prediction: the training curve lies above the validation curve only while the"
            f" dropout penalty exceeds the generalisation gap; at p = {rate:g} with {examples}"
            f" examples it need not (the claim needs p ≥ {MIN_RATE:g} and at most"
            f" {MAX_EXAMPLES_ORDER} examples). Measured: reported"
            f" training − validation {above:+.4f} on average up to epoch {best_epoch}, of which"
            f" the masks add {penalty:.4f}."
        )
    else:
        yield check(
            "with dropout the reported training loss lies above the validation loss",
            above > 0,
            f"by {above:+.4f} on average over epochs ≤ {best_epoch}, the best validation epoch:"
            f" reported with the masks on, validation in eval mode; the masks add {penalty:.4f}"
            " (reported − eval-mode training loss)",
            kind="empirical",
        )
        yield check(
            "control: without dropout the training loss lies below the validation loss",
            plain_above < 0,
            f"by {plain_above:+.4f} on average over the same epochs (below predicted): with"
            " no masks nothing lifts the training curve",
            kind="empirical",
            control=True,
        )
    return {
        "val_dropout": end["dropout"][2],
        "val_plain": end["no dropout"][2],
        "train_reported_dropout": end["dropout"][0],
        "train_plain": end["no dropout"][0],
        "gap_dropout": end["dropout"][2] - end["dropout"][0],
        "gap_plain": end["no dropout"][2] - end["no dropout"][0],
        "above_before_best": above,
        "train_above_val": above > 0,
        "dropout_penalty": penalty,
        "rise_dropout": rise["dropout"],
        "rise_plain": rise["no dropout"],
        "ratio": gain,
        "winner": "dropout" if gain < 1.0 else "plain",
    }
