"""Softmax turns scores into probabilities; ReLU passes positives and zeroes the rest.

Shows, with numbers:

- ``softmax(z)_i = e^(z_i) / Σ_j e^(z_j)`` stays finite for logits like 1000 and 1001,
  where the textbook formula overflows, because subtracting ``max(z)`` changes nothing;
- adding a constant to every logit leaves the output unchanged, scaling does not
  (temperature: ``softmax(z / T)``);
- with two classes, softmax is the sigmoid of the difference: ``p_1 = σ(z_1 − z_0)``;
- ReLU ``max(0, x)`` gives sparse activations, and a unit whose bias pushes every
  input below zero is dead: zero output and zero gradient, so it never recovers.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import numpy as np

from solvers import nn
from solvers.events import Event, check, log, table
from solvers.params import Param

TITLE = "Live softmax: probabilities, stability, temperature; ReLU sparsity and a dead unit"

PARAMS = (
    Param(
        "logits",
        "floats",
        (2.0, 1.0, 0.1),
        "class scores, comma-separated",
        low=-1e6,
        high=1e6,
        min_items=2,
        max_items=32,
    ),
    Param(
        "temperature",
        "float",
        1.0,
        "divide the logits by T: < 1 sharpens, > 1 flattens",
        low=1e-3,
        high=1e3,
    ),
    Param("seed", "int", 0, "random seed for the ReLU layer", low=0, high=2**32 - 1),
)


def naive_softmax(z: np.ndarray) -> np.ndarray:
    """The textbook formula without the max shift: overflows for large logits."""
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(z)
        result: np.ndarray = e / np.sum(e)
    return result


def run(
    logits: tuple[float, ...], temperature: float, seed: int
) -> Generator[Event, None, dict[str, Any]]:
    """Computes softmax of ``logits / temperature`` and verifies its properties."""
    z = np.asarray(logits, dtype=np.float64)
    p = nn.softmax(z / temperature)
    yield table(
        f"softmax(z / T), T = {temperature:g}",
        ["class", "logit", "probability"],
        [[i, float(zi), float(pi)] for i, (zi, pi) in enumerate(zip(z, p, strict=True))],
    )
    total = float(np.sum(p))
    yield check(
        "probabilities sum to 1",
        abs(total - 1.0) < 1e-12 and bool(np.all(p >= 0)),
        f"sum = {total:.15f}, min = {float(p.min()):.3g}",
        kind="identity",
    )

    big = np.array([1000.0, 1001.0])
    naive, stable = naive_softmax(big), nn.softmax(big)
    yield check(
        "stable for logits 1000 and 1001",
        bool(np.all(np.isfinite(stable))) and not bool(np.all(np.isfinite(naive))),
        f"naive e^z/Σe^z gives {naive.tolist()} (e^1000 overflows); "
        f"shifted by max gives {np.round(stable, 6).tolist()}",
        kind="numerical",
    )

    shifted = nn.softmax(z / temperature + 100.0)
    shift_err = float(np.max(np.abs(shifted - p)))
    yield check(
        "adding a constant changes nothing",
        shift_err < 1e-12,
        f"max |softmax(z + 100) − softmax(z)| = {shift_err:.1e}",
        kind="identity",
    )

    scaled = nn.softmax(2.0 * z / temperature)
    scale_diff = float(np.max(np.abs(scaled - p)))
    differs = scale_diff > 1e-6 or bool(np.allclose(z, z[0]))  # equal logits stay uniform
    yield check(
        "scaling the logits does change it (temperature)",
        differs,
        f"max |softmax(2z) − softmax(z)| = {scale_diff:.3g}; "
        f"top probability {float(p.max()):.4f} → {float(scaled.max()):.4f}",
        kind="identity",
    )

    pair = z[:2] / temperature
    two = nn.softmax(pair)[1]
    sig = nn.sigmoid(pair[1] - pair[0])
    yield check(
        "two classes: softmax is the sigmoid of the difference",
        abs(float(two - sig)) < 1e-12,
        f"softmax([{pair[0]:g}, {pair[1]:g}])₁ = {float(two):.12f}"
        f" = σ({float(pair[1] - pair[0]):g})",
        kind="numerical",
    )

    yield log("ReLU: a layer of 8 units on 1000 random inputs; unit 7 has bias −50.")
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((1000, 4))
    w = rng.standard_normal((4, 8)) * 0.5
    b = np.zeros(8)
    b[7] = -50.0
    pre = x @ w + b
    h = nn.relu(pre)
    sparsity = float(np.mean(h == 0.0))
    yield check(
        "ReLU activations are sparse",
        0.3 < sparsity < 0.9,
        f"{sparsity:.0%} of the outputs are exactly 0",
        kind="empirical",
    )
    dead_grad = float(np.abs(nn.relu_grad(pre[:, 7])).sum())
    dead = bool(np.all(h[:, 7] == 0.0)) and dead_grad == 0.0
    yield check(
        "a dead ReLU unit gets no gradient",
        dead,
        f"unit 7: max output {float(h[:, 7].max()):g}, summed gradient {dead_grad:g}",
        kind="identity",
    )
    return {"probabilities": p.tolist(), "temperature": temperature, "relu_sparsity": sparsity}
