"""Deep learning learns its features: an MLP separates two circles that no straight line can.

Two concentric circles (inner radius 1, outer radius 2, label 1 inside) in the plane.

- Logistic regression ``p = σ(wᵀx + b)`` has one straight boundary ``wᵀx + b = 0``. A line
  cannot enclose the inner circle; the best one cuts a cap off the outer ring, which is
  worth about 65 % at most, and the log-loss optimum on symmetric data sits near 50 %.
- A one-hidden-layer MLP ``p = σ(w₂ᵀ tanh(W₁ᵀx + b₁) + b₂)`` learns its own features
  ``h = tanh(W₁ᵀx + b₁)``: each hidden unit is a soft half-plane, and three or more of them
  can surround the inner circle, so test accuracy goes to about 1. With two units the
  output is monotone in two ridge directions and the positive region is unbounded: it
  cannot enclose the circle.
- Hand-engineering the feature ``r² = x₁² + x₂²`` makes the problem linear again: that
  feature is what the hidden layer learns on its own.
- It is not magic. With random labels there is nothing to learn, yet the same network
  (``4h + 1`` parameters, 65 at h = 16, more than the 40 labels) fits them: training accuracy
  about 1, test accuracy about 0.5. Capacity alone cannot explain generalisation; held-out
  data is what tells you (Zhang et al. 2017).

Each claim has its control, the same run with the mechanism removed, which must fail it:
logistic regression on ``(x₁, x₂, r²)`` shows the trainer works (the linear model fails for
want of the feature); the MLP from the same start with the identity for tanh is one line
again (``--set break=linear-hidden`` does that to the MLP itself); a one-unit net (5
parameters) cannot memorise the random labels. Outside a claim's regime (fewer than 60
parameters or 1000 epochs for memorising, fewer than 200 epochs for the circles) the
demo says what the theory expects instead of failing.

Both models minimise the binary cross-entropy
``L = −(1/n) Σᵢ [yᵢ log pᵢ + (1 − yᵢ) log(1 − pᵢ)]`` with full-batch Adam; its gradient with
respect to the output logit ``z`` is ``(σ(z) − y) / n``, back-propagated through the layer(s).
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from typing import Any, NamedTuple

import numpy as np

from solvers import nn
from solvers.events import Event, check, log, point, table
from solvers.params import Param, break_param, broken

TITLE = "Deep learning: an MLP learns the circles a linear model cannot, and can memorise noise"

PARAMS = (
    Param("seed", "int", 0, "random seed (data, labels, initial weights)", low=0, high=2**32 - 1),
    Param("hidden", "int", 16, "units in the MLP's single hidden layer", low=1, high=64),
    Param("epochs", "int", 2000, "full-batch Adam steps for every model", low=1, high=5000),
    break_param(
        {
            "linear-hidden": "the MLP check fails: with the identity in place of tanh the"
            " hidden layer is linear and the whole net one straight line, like logistic"
            " regression",
        }
    ),
)

N_TRAIN = 200  # circles, training split
N_TEST = 200  # circles, test split (and random-label test points)
N_RANDOM = 40  # training points given random labels
LR = 0.05  # Adam step size
NOISE = 0.1  # radial noise of the circles
MAX_POINTS = 200  # per loss series
LINEAR_AT_MOST = 0.70  # test accuracy of one straight boundary on the circles (≈ 0.65 at best)
LEARNT = 0.95  # test accuracy that counts as having learnt the circles
MEMORISED = 0.9  # training accuracy on random labels that counts as memorised (chance 0.5)
MEMORISE_PARAMS = 60  # parameters (1.5 per random label) and epochs the memorising needs:
MEMORISE_EPOCHS = 1000  # noise is fitted more slowly than structure
MIN_EPOCHS = 200  # the circles are learnt within this many steps (hidden ≥ 3)

Params = list[nn.Array]


def two_circles(n: int, rng: np.random.Generator) -> tuple[nn.Array, nn.Array]:
    """``n`` points, half on a circle of radius 1 (label 1), half on radius 2 (label 0).

    ``x = r (cos θ, sin θ)`` with ``θ ~ U[0, 2π)`` and ``r`` = radius + N(0, 0.1²).
    """
    y = (np.arange(n) % 2 == 0).astype(np.float64)
    r = np.where(y == 1.0, 1.0, 2.0) + NOISE * rng.standard_normal(n)
    theta = rng.uniform(0.0, 2.0 * np.pi, n)
    x = np.stack([r * np.cos(theta), r * np.sin(theta)], axis=1)
    return x, y


def accuracy(logits: nn.Array, y: nn.Array) -> float:
    """Fraction of points where ``[z > 0]`` (i.e. ``σ(z) > ½``) equals the label."""
    return float(np.mean((logits > 0.0) == (y == 1.0)))


def init_mlp(d: int, hidden: int, rng: np.random.Generator) -> Params:
    """``[W₁, b₁, w₂, b₂]`` with ``W₁ ~ N(0, 1/d)``, ``w₂ ~ N(0, 1/h)``, zero biases."""
    return [
        rng.standard_normal((d, hidden)) / np.sqrt(d),
        np.zeros(hidden),
        rng.standard_normal(hidden) / np.sqrt(hidden),
        np.zeros(1),
    ]


def sigmoid(z: nn.Array) -> nn.Array:
    """``σ(z) = (1 + tanh(z/2)) / 2``: the same function as ``nn.sigmoid``, finite for every
    z, and one ufunc call (this runs 12,000 times a run)."""
    out: nn.Array = 0.5 + 0.5 * np.tanh(0.5 * z)
    return out


def mlp_logits(p: Params, x: nn.Array, linear: bool = False) -> nn.Array:
    """``z = w₂ᵀ tanh(W₁ᵀx + b₁) + b₂`` for every row of ``x`` (the identity for tanh
    when ``linear``: then ``z`` is affine in ``x``, one straight boundary)."""
    a = x @ p[0] + p[1]
    out: nn.Array = (a if linear else nn.tanh(a)) @ p[2] + p[3]
    return out


def mlp_grads(p: Params, x: nn.Array, y: nn.Array, linear: bool = False) -> tuple[nn.Array, Params]:
    """Logits and back-propagated gradients of the MLP's loss.

    ``δ₂ = (σ(z) − y)/n``; ``∂L/∂w₂ = hᵀδ₂``; ``δ₁ = δ₂ w₂ᵀ ⊙ tanh'(a)``; ``∂L/∂W₁ = xᵀδ₁``
    (``tanh'`` replaced by 1 when ``linear``).
    """
    a = x @ p[0] + p[1]
    h = a if linear else np.tanh(a)
    z = h @ p[2] + p[3]
    d2 = (sigmoid(z) - y) / y.size
    d1 = d2[:, None] * p[2] * (1.0 if linear else 1.0 - h * h)  # tanh' = 1 − tanh²
    return z, [x.T @ d1, d1.sum(axis=0), h.T @ d2, np.array([d2.sum()])]


def linear_mlp_grads(p: Params, x: nn.Array, y: nn.Array) -> tuple[nn.Array, Params]:
    """:func:`mlp_grads` with the identity for tanh: the control without the nonlinearity."""
    return mlp_grads(p, x, y, linear=True)


def linear_logits(p: Params, x: nn.Array) -> nn.Array:
    """``z = wᵀx + b``: logistic regression's logit."""
    out: nn.Array = x @ p[0] + p[1]
    return out


def linear_grads(p: Params, x: nn.Array, y: nn.Array) -> tuple[nn.Array, Params]:
    """Logits and gradients of logistic regression: ``∂L/∂w = xᵀ(σ(z) − y)/n``."""
    z = linear_logits(p, x)
    d = (sigmoid(z) - y) / y.size
    return z, [x.T @ d, np.array([d.sum()])]


class Fit(NamedTuple):
    """One model to train: its gradient function, initial parameters, data and the name of
    its loss series."""

    grads_of: Callable[[Params, nn.Array, nn.Array], tuple[nn.Array, Params]]
    params: Params
    x: nn.Array
    y: nn.Array
    series: str


def adam(
    fits: Sequence[Fit],
    epochs: int,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
) -> Generator[Event, None, list[Params]]:
    """Full-batch Adam: ``m ← β₁m + (1−β₁)g``, ``v ← β₂v + (1−β₂)g²``, ``θ ← θ − η m̂/(√v̂ + ε)``.

    Trains every model of ``fits`` for ``epochs`` steps, streaming each loss (before each
    step) as points of its series, at most about 200; returns the trained parameters.
    """
    # Adam is elementwise, so the models' parameters can share one flat vector θ (each
    # layer a view into it) and one update per step: the same numbers as separate runs,
    # with a sixth of the calls. nn.adam_step updates θ, m and v in place.
    shapes = [q.shape for f in fits for q in f.params]
    theta = np.concatenate([q.ravel() for f in fits for q in f.params])
    g = np.zeros_like(theta)
    cuts = np.cumsum([int(np.prod(sh)) for sh in shapes])[:-1]
    views = [part.reshape(sh) for part, sh in zip(np.split(theta, cuts), shapes, strict=True)]
    grad_views = [part.reshape(sh) for part, sh in zip(np.split(g, cuts), shapes, strict=True)]
    starts = np.cumsum([0, *(len(f.params) for f in fits)])
    params = [views[starts[i] : starts[i + 1]] for i in range(len(fits))]
    grads = [grad_views[starts[i] : starts[i + 1]] for i in range(len(fits))]
    m = np.zeros_like(theta)
    v = np.zeros_like(theta)
    every = max(1, epochs // MAX_POINTS)
    for t in range(1, epochs + 1):
        for fit, p, out in zip(fits, params, grads, strict=True):
            z, gs = fit.grads_of(p, fit.x, fit.y)
            if t == 1 or t % every == 0 or t == epochs:
                yield point(fit.series, t, nn.binary_cross_entropy(z, fit.y))
            for buffer, gi in zip(out, gs, strict=True):
                buffer[...] = gi
        nn.adam_step(theta, g, m, v, t, LR, beta1, beta2, eps)
    return params


def run(seed: int, hidden: int, epochs: int, **rest: str) -> Generator[Event, None, dict[str, Any]]:
    """Trains logistic regression (raw and with r²) and an MLP on circles, the MLP on
    random labels, and the two controls: the MLP with a linear hidden layer on the
    circles, and a one-unit net on the random labels."""
    linear = broken(rest) == "linear-hidden"
    rng = np.random.default_rng(seed)
    x_train, y_train = two_circles(N_TRAIN, rng)
    x_test, y_test = two_circles(N_TEST, rng)
    n_params = (2 + 1) * hidden + (hidden + 1)  # (fan_in + 1) · fan_out per layer
    yield log(
        f"Two circles: {N_TRAIN} training and {N_TEST} test points. MLP 2 → {hidden}"
        f" {'linear (break=linear-hidden)' if linear else 'tanh'} → 1 ({n_params}"
        f" parameters); full-batch Adam, η = {LR}, {epochs} epochs."
    )

    def with_r2(x: nn.Array) -> nn.Array:
        return np.concatenate([x, np.sum(x * x, axis=1, keepdims=True)], axis=1)

    mlp_of = linear_mlp_grads if linear else mlp_grads
    start = init_mlp(2, hidden, rng)
    x_rand = x_train[:N_RANDOM]
    y_rand = rng.integers(0, 2, N_RANDOM).astype(np.float64)
    y_rand_test = rng.integers(0, 2, N_TEST).astype(np.float64)
    noise_start = init_mlp(2, hidden, rng)
    small_start = init_mlp(2, 1, rng)
    # Controls: the same runs with the mechanism removed. The MLP from the same start with
    # the identity for tanh; the random labels fitted by a net of one hidden unit.
    lin, eng, mlp, noise_net, flat, small = yield from adam(
        [
            Fit(linear_grads, [np.zeros(2), np.zeros(1)], x_train, y_train, "loss (logistic)"),
            Fit(
                linear_grads,
                [np.zeros(3), np.zeros(1)],
                with_r2(x_train),
                y_train,
                "loss (logistic on x₁, x₂, r²)",
            ),
            Fit(mlp_of, [q.copy() for q in start], x_train, y_train, "loss (MLP)"),
            Fit(mlp_of, noise_start, x_rand, y_rand, "loss (MLP, random labels)"),
            Fit(linear_mlp_grads, start, x_train, y_train, "loss (control)"),
            Fit(mlp_grads, small_start, x_rand, y_rand, "loss (control, random labels)"),
        ],
        epochs,
    )
    lin_train = accuracy(linear_logits(lin, x_train), y_train)
    lin_test = accuracy(linear_logits(lin, x_test), y_test)
    eng_train = accuracy(linear_logits(eng, with_r2(x_train)), y_train)
    eng_test = accuracy(linear_logits(eng, with_r2(x_test)), y_test)
    mlp_train = accuracy(mlp_logits(mlp, x_train, linear), y_train)
    mlp_test = accuracy(mlp_logits(mlp, x_test, linear), y_test)
    rand_train = accuracy(mlp_logits(noise_net, x_rand, linear), y_rand)
    rand_test = accuracy(mlp_logits(noise_net, x_test, linear), y_rand_test)
    flat_test = accuracy(mlp_logits(flat, x_test, linear=True), y_test)
    small_train = accuracy(mlp_logits(small, x_rand), y_rand)

    units = f"{hidden} hidden unit{'' if hidden == 1 else 's'}"
    yield table(
        "Accuracy",
        ["model", "labels", "train", "test"],
        [
            ["logistic regression on (x₁, x₂)", "circles", lin_train, lin_test],
            ["logistic regression on (x₁, x₂, r²)", "circles", eng_train, eng_test],
            [f"MLP, {units}", "circles", mlp_train, mlp_test],
            ["control: the same MLP, tanh → identity", "circles", None, flat_test],
            [f"MLP, {units}", f"random ({N_RANDOM} points)", rand_train, rand_test],
            ["control: MLP, 1 hidden unit (5 parameters)", "random", small_train, None],
        ],
    )
    yield log(
        f"The hand-made feature r² lifts logistic regression to {eng_test:.0%}: that is the"
        " kind of feature the MLP's hidden layer finds by itself."
    )

    yield check(
        "a linear model is near chance on the circles",
        lin_test <= LINEAR_AT_MOST,
        f"logistic regression test accuracy {lin_test:.3f} (train {lin_train:.3f}); one straight"
        " line cannot enclose the inner circle, at best it cuts a cap off the outer ring (≈ 0.65)",
        kind="empirical",
    )
    trained_enough = epochs >= MIN_EPOCHS
    if trained_enough or eng_test >= LEARNT:
        yield check(
            "the same trainer, given the feature r², learns the circles",
            eng_test >= LEARNT,
            f"logistic regression on (x₁, x₂, r²): test accuracy {eng_test:.3f} (train"
            f" {eng_train:.3f}); so the linear model fails for want of the feature, not"
            " because its training is broken",
            kind="empirical",
        )
    if hidden >= 3 and (trained_enough or mlp_test >= LEARNT):
        yield check(
            "the MLP learns the circles",
            mlp_test >= LEARNT,
            f"MLP test accuracy {mlp_test:.3f} (train {mlp_train:.3f}) vs {lin_test:.3f} for"
            f" logistic regression; needs hidden ≥ 3 (three half-planes enclose a region)"
            f" and enough epochs (here {epochs})",
            kind="empirical",
        )
    elif hidden >= 3:
        yield log(
            f"prediction: {epochs} epochs (< {MIN_EPOCHS}) may be too few to learn the circles,"
            f" as expected: MLP test accuracy {mlp_test:.3f}"
        )
    else:
        yield check(
            f"{hidden} hidden unit(s) cannot enclose the inner circle",
            mlp_test < LEARNT,
            f"MLP test accuracy {mlp_test:.3f} (train {mlp_train:.3f}): the output is monotone"
            f" in {hidden} ridge direction(s), so the positive region is unbounded; 3 or more"
            " units are needed",
            kind="empirical",
        )
    yield check(
        "control: with tanh replaced by the identity, the MLP is one line again",
        flat_test <= LINEAR_AT_MOST,
        f"the same MLP, same start, linear hidden layer: test accuracy {flat_test:.3f}"
        f" (needed ≤ {LINEAR_AT_MOST:g}), vs {mlp_test:.3f} with tanh: the nonlinearity,"
        " not the extra weights, learns the circles",
        kind="empirical",
        control=True,
    )
    if n_params >= MEMORISE_PARAMS and epochs >= MEMORISE_EPOCHS:
        yield check(
            "the same net memorises random labels and learns nothing",
            rand_train >= MEMORISED and abs(rand_test - 0.5) <= 0.15,
            f"random labels: train accuracy {rand_train:.3f} on {N_RANDOM} points (needed"
            f" ≥ {MEMORISED:g}; {n_params} parameters), test accuracy {rand_test:.3f}"
            f" (chance 0.5); the longer it trains the closer train gets to 1 (here {epochs}"
            " epochs)",
            kind="empirical",
        )
    else:
        why = (
            f"{n_params} parameters (< {MEMORISE_PARAMS}) are too few to memorise"
            f" {N_RANDOM} random labels"
            if n_params < MEMORISE_PARAMS
            else f"{epochs} epochs (< {MEMORISE_EPOCHS}) are too few to memorise noise,"
            " which is fitted more slowly than the circles"
        )
        yield log(
            f"prediction: {why}, as expected: random labels, train accuracy {rand_train:.3f},"
            f" test {rand_test:.3f}"
        )
    yield check(
        "control: one hidden unit (5 parameters) cannot memorise the random labels",
        small_train < MEMORISED,
        f"train accuracy {small_train:.3f} on the same {N_RANDOM} random labels (memorised"
        f" would be ≥ {MEMORISED:g}), vs {rand_train:.3f} with {n_params} parameters:"
        " memorising takes capacity",
        kind="empirical",
        control=True,
    )
    return {
        "parameters": n_params,
        "logistic_test_accuracy": lin_test,
        "engineered_test_accuracy": eng_test,
        "mlp_train_accuracy": mlp_train,
        "mlp_test_accuracy": mlp_test,
        "random_train_accuracy": rand_train,
        "random_test_accuracy": rand_test,
        "control_linear_hidden_test_accuracy": flat_test,
        "control_one_unit_random_train_accuracy": small_train,
    }
