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

Both models minimise the binary cross-entropy
``L = −(1/n) Σᵢ [yᵢ log pᵢ + (1 − yᵢ) log(1 − pᵢ)]`` with full-batch Adam; its gradient with
respect to the output logit ``z`` is ``(σ(z) − y) / n``, back-propagated through the layer(s).
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

import numpy as np

from solvers import nn
from solvers.events import Event, check, log, point, table
from solvers.params import Param

TITLE = "Deep learning: an MLP learns the circles a linear model cannot, and can memorise noise"

PARAMS = (
    Param("seed", "int", 0, "random seed (data, labels, initial weights)", low=0, high=2**32 - 1),
    Param("hidden", "int", 16, "units in the MLP's single hidden layer", low=1, high=64),
    Param("epochs", "int", 2000, "full-batch Adam steps for every model", low=1, high=5000),
)

N_TRAIN = 200  # circles, training split
N_TEST = 200  # circles, test split (and random-label test points)
N_RANDOM = 40  # training points given random labels
LR = 0.05  # Adam step size
NOISE = 0.1  # radial noise of the circles
MAX_POINTS = 200  # per loss series

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


def mlp_logits(p: Params, x: nn.Array) -> nn.Array:
    """``z = w₂ᵀ tanh(W₁ᵀx + b₁) + b₂`` for every row of ``x``."""
    out: nn.Array = nn.tanh(x @ p[0] + p[1]) @ p[2] + p[3]
    return out


def mlp_grads(p: Params, x: nn.Array, y: nn.Array) -> tuple[nn.Array, Params]:
    """Logits and back-propagated gradients of the MLP's loss.

    ``δ₂ = (σ(z) − y)/n``; ``∂L/∂w₂ = hᵀδ₂``; ``δ₁ = δ₂ w₂ᵀ ⊙ tanh'(a)``; ``∂L/∂W₁ = xᵀδ₁``.
    """
    a = x @ p[0] + p[1]
    h = nn.tanh(a)
    z = h @ p[2] + p[3]
    d2 = (nn.sigmoid(z) - y) / y.size
    d1 = np.outer(d2, p[2]) * nn.tanh_grad(a)
    return z, [x.T @ d1, d1.sum(axis=0), h.T @ d2, np.array([d2.sum()])]


def linear_logits(p: Params, x: nn.Array) -> nn.Array:
    """``z = wᵀx + b``: logistic regression's logit."""
    out: nn.Array = x @ p[0] + p[1]
    return out


def linear_grads(p: Params, x: nn.Array, y: nn.Array) -> tuple[nn.Array, Params]:
    """Logits and gradients of logistic regression: ``∂L/∂w = xᵀ(σ(z) − y)/n``."""
    z = linear_logits(p, x)
    d = (nn.sigmoid(z) - y) / y.size
    return z, [x.T @ d, np.array([d.sum()])]


def adam(
    grads_of: Callable[[Params, nn.Array, nn.Array], tuple[nn.Array, Params]],
    p: Params,
    x: nn.Array,
    y: nn.Array,
    epochs: int,
    series: str,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
) -> Generator[Event, None, Params]:
    """Full-batch Adam: ``m ← β₁m + (1−β₁)g``, ``v ← β₂v + (1−β₂)g²``, ``θ ← θ − η m̂/(√v̂ + ε)``.

    Streams the loss (before each step) as points of ``series``, at most about 200.
    """
    # One flat vector θ with the layers as views into it, so each Adam step is a few
    # whole-vector operations (nn.adam_step updates θ, m and v in place).
    theta = np.concatenate([q.ravel() for q in p])
    sizes = np.cumsum([q.size for q in p])[:-1]
    p = [part.reshape(q.shape) for part, q in zip(np.split(theta, sizes), p, strict=True)]
    m = np.zeros_like(theta)
    v = np.zeros_like(theta)
    every = max(1, epochs // MAX_POINTS)
    for t in range(1, epochs + 1):
        z, grads = grads_of(p, x, y)
        if t == 1 or t % every == 0 or t == epochs:
            yield point(series, t, nn.binary_cross_entropy(z, y))
        g = np.concatenate([gi.ravel() for gi in grads])
        nn.adam_step(theta, g, m, v, t, LR, beta1, beta2, eps)
    return p


def run(seed: int, hidden: int, epochs: int) -> Generator[Event, None, dict[str, Any]]:
    """Trains logistic regression and an MLP on circles, then the MLP on random labels."""
    rng = np.random.default_rng(seed)
    x_train, y_train = two_circles(N_TRAIN, rng)
    x_test, y_test = two_circles(N_TEST, rng)
    n_params = (2 + 1) * hidden + (hidden + 1)  # (fan_in + 1) · fan_out per layer
    yield log(
        f"Two circles: {N_TRAIN} training and {N_TEST} test points. MLP 2 → {hidden} tanh → 1"
        f" ({n_params} parameters); full-batch Adam, η = {LR}, {epochs} epochs."
    )

    lin = yield from adam(
        linear_grads, [np.zeros(2), np.zeros(1)], x_train, y_train, epochs, "loss (logistic)"
    )
    lin_train = accuracy(linear_logits(lin, x_train), y_train)
    lin_test = accuracy(linear_logits(lin, x_test), y_test)

    def with_r2(x: nn.Array) -> nn.Array:
        return np.concatenate([x, np.sum(x * x, axis=1, keepdims=True)], axis=1)

    eng = yield from adam(
        linear_grads,
        [np.zeros(3), np.zeros(1)],
        with_r2(x_train),
        y_train,
        epochs,
        "loss (logistic on x₁, x₂, r²)",
    )
    eng_train = accuracy(linear_logits(eng, with_r2(x_train)), y_train)
    eng_test = accuracy(linear_logits(eng, with_r2(x_test)), y_test)

    mlp = yield from adam(
        mlp_grads, init_mlp(2, hidden, rng), x_train, y_train, epochs, "loss (MLP)"
    )
    mlp_train = accuracy(mlp_logits(mlp, x_train), y_train)
    mlp_test = accuracy(mlp_logits(mlp, x_test), y_test)

    x_rand = x_train[:N_RANDOM]
    y_rand = rng.integers(0, 2, N_RANDOM).astype(np.float64)
    y_rand_test = rng.integers(0, 2, N_TEST).astype(np.float64)
    noise_net = yield from adam(
        mlp_grads, init_mlp(2, hidden, rng), x_rand, y_rand, epochs, "loss (MLP, random labels)"
    )
    rand_train = accuracy(mlp_logits(noise_net, x_rand), y_rand)
    rand_test = accuracy(mlp_logits(noise_net, x_test), y_rand_test)

    yield table(
        "Accuracy",
        ["model", "labels", "train", "test"],
        [
            ["logistic regression on (x₁, x₂)", "circles", lin_train, lin_test],
            ["logistic regression on (x₁, x₂, r²)", "circles", eng_train, eng_test],
            [f"MLP, {hidden} hidden units", "circles", mlp_train, mlp_test],
            [f"MLP, {hidden} hidden units", f"random ({N_RANDOM} points)", rand_train, rand_test],
        ],
    )
    yield log(
        f"The hand-made feature r² lifts logistic regression to {eng_test:.0%}: that is the"
        " kind of feature the MLP's hidden layer finds by itself."
    )

    yield check(
        "a linear model is near chance on the circles",
        lin_test <= 0.70,
        f"logistic regression test accuracy {lin_test:.3f} (train {lin_train:.3f}); one straight"
        " line cannot enclose the inner circle, at best it cuts a cap off the outer ring (≈ 0.65)",
        kind="empirical",
    )
    if hidden >= 3:
        yield check(
            "the MLP learns the circles",
            mlp_test >= 0.95,
            f"MLP test accuracy {mlp_test:.3f} (train {mlp_train:.3f}) vs {lin_test:.3f} for"
            f" logistic regression; needs hidden ≥ 3 (three half-planes enclose a region)"
            f" and enough epochs (here {epochs})",
            kind="empirical",
        )
    else:
        yield check(
            f"{hidden} hidden unit(s) cannot enclose the inner circle",
            mlp_test < 0.95,
            f"MLP test accuracy {mlp_test:.3f} (train {mlp_train:.3f}): the output is monotone"
            f" in {hidden} ridge direction(s), so the positive region is unbounded; 3 or more"
            " units are needed",
            kind="empirical",
        )
    yield check(
        "the same net memorises random labels and learns nothing",
        rand_train >= 0.95 and abs(rand_test - 0.5) <= 0.15,
        f"random labels: train accuracy {rand_train:.3f} on {N_RANDOM} points ({n_params}"
        f" parameters), test accuracy {rand_test:.3f} (chance 0.5); holds when the net has"
        f" enough parameters for the labels and epochs (here {epochs}) to fit them",
        kind="empirical",
    )
    return {
        "parameters": n_params,
        "logistic_test_accuracy": lin_test,
        "engineered_test_accuracy": eng_test,
        "mlp_train_accuracy": mlp_train,
        "mlp_test_accuracy": mlp_test,
        "random_train_accuracy": rand_train,
        "random_test_accuracy": rand_test,
    }
