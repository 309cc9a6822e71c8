"""NumPy primitives shared by every demo: activations, losses, regularisers, gradient check.

Everything is float64 and numerically stable for any finite input: no overflow, no
warnings, even for inputs of ±1000. Derivatives are taken with respect to the
function's input (the pre-activation), which is what back-propagation needs.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.float64]


def _f64(x: ArrayLike) -> Array:
    return np.asarray(x, dtype=np.float64)


def step(x: ArrayLike) -> Array:
    """Heaviside step: ``1 if x > 0 else 0`` (the perceptron's threshold unit)."""
    return (_f64(x) > 0).astype(np.float64)


def sigmoid(x: ArrayLike) -> Array:
    """Logistic sigmoid ``σ(x) = 1 / (1 + e^(−x))``.

    Written with ``e^(−|x|)`` so that no exponent is ever positive: no overflow.
    """
    x = _f64(x)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_grad(x: ArrayLike) -> Array:
    """``σ'(x) = σ(x)(1 − σ(x)) = σ(x)σ(−x)``, at most 0.25 (at x = 0).

    The second form keeps full precision in both tails: ``1 − σ(40)`` rounds to 0.
    """
    x = _f64(x)
    return sigmoid(x) * sigmoid(-x)


def tanh(x: ArrayLike) -> Array:
    """Hyperbolic tangent ``(e^x − e^(−x)) / (e^x + e^(−x)) = 2σ(2x) − 1``."""
    return np.tanh(_f64(x))


def tanh_grad(x: ArrayLike) -> Array:
    """``tanh'(x) = 1 − tanh²(x)``, at most 1 (at x = 0)."""
    t = np.tanh(_f64(x))
    return 1.0 - t * t


def relu(x: ArrayLike) -> Array:
    """Rectified linear unit ``max(0, x)``."""
    return np.maximum(_f64(x), 0.0)


def relu_grad(x: ArrayLike) -> Array:
    """``relu'(x) = 1 if x > 0 else 0``; 0 at x = 0, where it has no derivative (a convention)."""
    return (_f64(x) > 0).astype(np.float64)


def _shift_by_max(z: ArrayLike, axis: int) -> Array:
    """``z − max(z)`` along ``axis``: every entry ≤ 0. A gap wider than the float range
    (1e308 and −1e308) becomes −inf, whose exponential is exactly the 0 it should be."""
    z = _f64(z)
    with np.errstate(over="ignore"):
        return _f64(z - np.max(z, axis=axis, keepdims=True))


def softmax(z: ArrayLike, axis: int = -1) -> Array:
    """``softmax(z)_i = e^(z_i) / Σ_j e^(z_j)`` along ``axis``.

    Subtracting the maximum first changes nothing mathematically (softmax is
    invariant to adding a constant) and keeps every exponent ≤ 0.
    """
    e = np.exp(_shift_by_max(z, axis))
    return _f64(e / np.sum(e, axis=axis, keepdims=True))


def log_softmax(z: ArrayLike, axis: int = -1) -> Array:
    """``log softmax(z)_i = z_i − m − log Σ_j e^(z_j − m)`` with ``m = max(z)``."""
    shifted = _shift_by_max(z, axis)
    return _f64(shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True)))


def mse(pred: ArrayLike, target: ArrayLike) -> float:
    """Mean squared error with the ½ convention: ``mean(½ (pred − target)²)``."""
    d = _f64(pred) - _f64(target)
    return float(np.mean(0.5 * d * d))


def cross_entropy(logits: ArrayLike, labels: ArrayLike) -> float:
    """Mean negative log-likelihood of integer ``labels`` under ``softmax(logits)``.

    Args:
        logits: shape ``(n, k)``, one row of class scores per example.
        labels: shape ``(n,)``, integers in ``[0, k)``.

    Raises:
        ValueError: the labels do not match the rows, or are outside ``[0, k)``.
    """
    logp = log_softmax(np.atleast_2d(_f64(logits)), axis=-1)
    raw = np.asarray(labels).reshape(-1)
    n, k = logp.shape
    if raw.size != n:
        raise ValueError(f"{raw.size} labels for {n} rows of logits")
    # Whole-number floats (0.0, 1.0) are accepted as the class indices they name.
    if not (np.all(np.isfinite(raw)) and np.all(raw == np.round(raw))) or (
        n and (raw.min() < 0 or raw.max() >= k)
    ):
        raise ValueError(f"labels must be whole numbers in [0, {k})")
    idx = raw.astype(np.intp)
    return float(-np.mean(logp[np.arange(n), idx]))


def dropout(x: ArrayLike, rate: float, rng: np.random.Generator, training: bool = True) -> Array:
    """Inverted dropout: drop units with probability ``rate``, scale survivors by ``1/(1 − rate)``.

    The scaling keeps ``E[output] = x`` during training, so at inference
    (``training=False``) the layer is the identity and needs no rescaling.

    Raises:
        ValueError: ``rate`` is not in ``[0, 1)``.
    """
    if not 0.0 <= rate < 1.0:
        raise ValueError(f"dropout rate must be in [0, 1), not {rate}")
    x = _f64(x)
    if not training or rate == 0.0:
        return x.copy()
    keep = rng.random(x.shape) >= rate
    return np.where(keep, x / (1.0 - rate), 0.0)


def batch_norm(x: ArrayLike, gamma: ArrayLike, beta: ArrayLike, eps: float = 1e-5) -> Array:
    """Training-mode batch normalisation over axis 0 (the batch).

    ``x̂ = (x − μ_B) / √(σ²_B + ε)`` with the batch mean ``μ_B`` and the biased batch
    variance ``σ²_B``, then ``y = γ x̂ + β``. Each feature of ``x̂`` has mean 0 and
    variance ``σ²_B / (σ²_B + ε)``.
    """
    x = _f64(x)
    # Work in units of each feature's largest magnitude so that no sum overflows, even
    # for inputs near 1e308: (x − μ)/√(σ² + ε) = d/√(var(d) + ε/s²) with x = s·(μ/s + d).
    scale = np.max(np.abs(x), axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    xs = x / scale
    d = xs - np.mean(xs, axis=0)
    var = np.mean(d * d, axis=0)
    with np.errstate(under="ignore"):
        eps_scaled = eps / scale / scale  # two divisions: scale² itself may overflow
    return _f64(_f64(gamma) * d / np.sqrt(var + eps_scaled) + _f64(beta))


def numerical_gradient(f: Callable[[Array], float], x: ArrayLike, eps: float = 1e-5) -> Array:
    """Central-difference gradient of scalar ``f`` at ``x``: ``(f(x + εe_i) − f(x − εe_i)) / 2ε``.

    Costs two evaluations of ``f`` per element of ``x``; the error is O(ε²).
    """
    x = _f64(x).copy()
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        up = f(x)
        flat[i] = old - eps
        down = f(x)
        flat[i] = old
        gflat[i] = (up - down) / (2.0 * eps)
    return grad
