"""A neural network layer by layer: one forward pass with every shape, and why φ matters.

Examples are rows, so a batch ``X`` has shape ``batch × inputs``:

    H = φ(X W₁ + b₁)      W₁: inputs × hidden,   b₁: hidden,   H: batch × hidden
    Z = H W₂ + b₂         W₂: hidden × outputs,  b₂: outputs,  Z: batch × outputs (logits)
    P = softmax(Z)        each row positive and summing to 1

- The input layer is ``X`` itself: no weights, no activation.
- A fully connected layer has ``(fan_in + 1) · fan_out`` parameters (the +1 is the bias), so
  the network has ``(inputs + 1) · hidden + (hidden + 1) · outputs``; the batch size changes
  the activations' shapes, never that count.
- Without ``φ`` two layers are one: ``(X W₁ + b₁) W₂ + b₂ = X (W₁W₂) + (b₁W₂ + b₂)``, which
  in column form reads ``W₂(W₁x + b₁) + b₂ = (W₂W₁)x + (W₂b₁ + b₂)``. With ``φ = ReLU`` the
  best affine fit ``Z ≈ [X 1] M`` (least squares) leaves a clearly nonzero residual.

The evidence that φ is what makes the difference is a negative control: the same weights
with φ removed (the identity), which must fit an affine map exactly. ``--set
break=no-activation`` removes φ from the network itself, and the ReLU check must fail.
ReLU is affine on each side of its kink, so if no hidden unit changes sign over the
inputs (a dead or always-on unit, as can happen with ``hidden=1``), an affine map fits
there too: the demo says so as the expected outcome instead of failing.
"""

from __future__ import annotations

from collections.abc import Generator
from itertools import pairwise
from typing import Any

import numpy as np

from solvers import nn
from solvers.events import Event, check, log, table
from solvers.params import Param, break_param, broken

TITLE = "Neural network: a forward pass with shapes, parameter count, softmax, and why φ matters"

PARAMS = (
    Param("seed", "int", 0, "random seed (weights and inputs)", low=0, high=2**32 - 1),
    Param("inputs", "int", 4, "features per example (input layer width)", low=1, high=256),
    Param("hidden", "int", 5, "units in the hidden layer", low=1, high=256),
    Param("outputs", "int", 3, "classes (output layer width)", low=2, high=64),
    Param("batch", "int", 2, "examples in the batch", low=1, high=256),
    break_param(
        {
            "no-activation": "with φ removed (the identity) the two layers are one affine map:"
            " the best affine fit becomes exact and 'with ReLU no single linear map fits' fails"
        }
    ),
)

FIT_SAMPLES = 400  # inputs used for the least-squares "is it one linear map?" test
NONLINEAR = 1e-3  # relative residual above which Z is "not affine" (affine: ~1e-15)
SHOW = 8  # rows and columns of P printed


Layer = tuple[nn.Array, nn.Array]


def init_layer(fan_in: int, fan_out: int, rng: np.random.Generator) -> Layer:
    """``W ~ N(0, 2/fan_in)`` (He initialisation for ReLU) and a small random bias."""
    w = rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in)
    b = 0.5 * rng.standard_normal(fan_out)
    return w, b


def dense(x: nn.Array, layer: Layer) -> nn.Array:
    """A fully connected layer's pre-activation ``x W + b``."""
    w, b = layer
    out: nn.Array = x @ w + b
    return out


def count_parameters(sizes: list[int]) -> int:
    """``Σ_l (n_{l−1} + 1) · n_l`` for layer widths ``sizes = [n₀, n₁, …]``."""
    return sum((fan_in + 1) * fan_out for fan_in, fan_out in pairwise(sizes))


def affine_fit_residual(x: nn.Array, z: nn.Array) -> float:
    """Relative residual of the best affine map: ``‖Z − [X 1]M*‖ / ‖Z − mean(Z)‖``.

    ``M* = argmin_M ‖[X 1] M − Z‖²`` by least squares; 0 means ``Z`` is exactly affine in ``X``.
    """
    design = np.concatenate([x, np.ones((x.shape[0], 1))], axis=1)
    m, *_ = np.linalg.lstsq(design, z, rcond=None)
    residual = float(np.linalg.norm(design @ m - z))
    spread = float(np.linalg.norm(z - z.mean(axis=0)))
    return residual / spread if spread > 0.0 else 0.0


def identity(a: nn.Array) -> nn.Array:
    """``φ(a) = a``: no activation (the negative control)."""
    return a


def units_crossing_zero(pre: nn.Array) -> int:
    """Hidden units whose pre-activation takes both signs over the rows: only these bend."""
    return int(np.sum((pre.min(axis=0) < 0.0) & (pre.max(axis=0) > 0.0)))


def shape(a: nn.Array) -> str:
    """``"2 × 4"`` for a matrix, ``"5"`` for a vector."""
    return " × ".join(str(n) for n in a.shape)


def run(
    seed: int, inputs: int, hidden: int, outputs: int, batch: int, **rest: str
) -> Generator[Event, None, dict[str, Any]]:
    """Runs one forward pass and checks the count, the softmax and the collapse."""
    no_activation = broken(rest) == "no-activation"
    phi, phi_name = (identity, "φ(A) = A") if no_activation else (nn.relu, "ReLU(A)")
    rng = np.random.default_rng(seed)
    layer1 = init_layer(inputs, hidden, rng)
    layer2 = init_layer(hidden, outputs, rng)
    x = rng.standard_normal((batch, inputs))

    if no_activation:
        yield log("φ is removed (break=no-activation): the hidden layer passes A on unchanged.")
    a = dense(x, layer1)
    h = phi(a)
    z = dense(h, layer2)
    p = nn.softmax(z, axis=1)
    (w1, b1), (w2, b2) = layer1, layer2
    yield table(
        "Forward pass (examples are rows)",
        ["layer", "tensor", "formula", "shape"],
        [
            ["input", "X", "the features", shape(x)],
            ["hidden", "W₁", "weights", shape(w1)],
            ["hidden", "b₁", "bias", shape(b1)],
            ["hidden", "A", "X W₁ + b₁", shape(a)],
            ["hidden", "H", phi_name, shape(h)],
            ["output", "W₂", "weights", shape(w2)],
            ["output", "b₂", "bias", shape(b2)],
            ["output", "Z", "H W₂ + b₂ (logits)", shape(z)],
            ["output", "P", "softmax(Z) by row", shape(p)],
        ],
    )

    counted = sum(t.size for t in (w1, b1, w2, b2))
    formula = count_parameters([inputs, hidden, outputs])
    yield check(
        "parameter count = weights + biases",
        counted == formula,
        f"{w1.size} + {b1.size} + {w2.size} + {b2.size} = {counted} = (inputs + 1)·hidden"
        f" + (hidden + 1)·outputs = ({inputs}+1)·{hidden} + ({hidden}+1)·{outputs} = {formula};"
        f" independent of batch = {batch}",
        kind="identity",
    )

    shown, classes = min(batch, SHOW), min(outputs, SHOW)
    cut = [f"first {shown} of {batch} rows"] if shown < batch else []
    cut += [f"first {classes} of {outputs} classes"] if classes < outputs else []
    yield table(
        f"P = softmax(Z){', ' + ', '.join(cut) if cut else ''}",
        ["example", *[f"class {k}" for k in range(classes)], "row sum"],
        [[i, *p[i, :classes].tolist(), float(p[i].sum())] for i in range(shown)],
    )
    row_error = float(np.max(np.abs(p.sum(axis=1) - 1.0)))
    yield check(
        "softmax rows are probabilities",
        row_error < 1e-12 and bool(np.all(p > 0.0)),
        f"max |Σ_k P_ik − 1| = {row_error:.1e} over {batch} rows; min P = {float(p.min()):.3g}",
        kind="identity",
    )

    stacked = dense(dense(x, layer1), layer2)
    merged = x @ (w1 @ w2) + (b1 @ w2 + b2)
    collapse_error = float(np.max(np.abs(stacked - merged)))
    yield check(
        "without φ two linear layers are one linear map",
        collapse_error <= 1e-12,
        f"max |(X W₁ + b₁) W₂ + b₂ − (X (W₁W₂) + (b₁W₂ + b₂))| = {collapse_error:.1e};"
        f" the single map has W = W₁W₂ of shape {inputs} × {outputs}"
        " (column form: W₂(W₁x + b₁) + b₂ = (W₂W₁)x + (W₂b₁ + b₂))",
        kind="identity",
    )

    n = max(FIT_SAMPLES, 4 * (inputs + 1))
    xs = rng.standard_normal((n, inputs))
    pre = dense(xs, layer1)
    crossing = units_crossing_zero(pre)
    linear_residual = affine_fit_residual(xs, dense(pre, layer2))
    relu_residual = affine_fit_residual(xs, dense(phi(pre), layer2))
    yield log(
        f"Best affine fit Z ≈ [X 1] M by least squares on {n} random inputs:"
        f" relative residual {relu_residual:.3g} with {'φ removed' if no_activation else 'ReLU'};"
        f" {crossing} of {hidden} hidden units change sign over these inputs."
    )
    if crossing == 0 and not no_activation:
        yield log(
            f"No hidden unit crosses its kink on these {n} inputs (each is always on or"
            " always off), so ReLU acts as an affine map here and an affine fit is exact"
            f" (residual {relu_residual:.1e}), as expected: try another seed or more units."
        )
    else:
        yield check(
            "with ReLU no single linear map fits",
            relu_residual > NONLINEAR,
            f"relative residual of the best affine map {relu_residual:.3g} (needed >"
            f" {NONLINEAR:g}); {crossing} of {hidden} hidden units bend over the {n} inputs",
            kind="empirical",
        )
    yield check(
        "control: with φ removed, the same weights are one affine map",
        linear_residual <= NONLINEAR,
        f"relative residual {linear_residual:.1e} (≤ {NONLINEAR:g}: an affine map fits, so"
        " the claim fails without φ, as predicted); the nonlinearity, not the depth, bends Z",
        kind="numerical",
        control=True,
    )
    return {
        "parameters": counted,
        "shapes": {
            "X": list(x.shape),
            "H": list(h.shape),
            "Z": list(z.shape),
            "P": list(p.shape),
        },
        "max_row_sum_error": row_error,
        "collapse_error": collapse_error,
        "linear_fit_residual": linear_residual,
        "relu_fit_residual": relu_residual,
        "units_crossing_zero": crossing,
    }
