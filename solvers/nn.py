"""NumPy primitives shared by every demo: activations, losses, regularisers, gradient check,
and the small training helpers several demos need (Adam, clipping, relative error).

Everything is float64 and numerically stable for any finite input: no overflow, no
warnings (whatever ``np.seterr`` says), even for inputs of ±1e300 or 1e-300.
Derivatives are taken with respect to the function's input (the pre-activation), which
is what back-propagation needs.

Limits that are the float range's, not the formula's: a result whose true value is
beyond ±1.8e308 (``mse`` of differences above ~1e154, a dropout survivor near 1e308
scaled by ``1/(1 − rate)``) comes back as ``inf``, silently; one below 1e-308 rounds
towards 0, silently.

Empty input: elementwise functions, ``softmax`` and ``log_softmax`` return an empty
array of the same shape; ``logsumexp`` over nothing is ``−inf`` (the log of an empty
sum); a mean over nothing (``mse``, ``cross_entropy``, ``binary_cross_entropy``) and the
statistics of an empty batch (``batch_norm``) are undefined and raise ``ValueError``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from typing import TypeVar

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
    with np.errstate(under="ignore"):  # e^(−|x|) below 1e-308 is 0, as it should be
        e = np.exp(-np.abs(x))
        return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_grad(x: ArrayLike) -> Array:
    """``σ'(x) = σ(x)(1 − σ(x)) = σ(x)σ(−x)``, at most 0.25 (at x = 0).

    The second form keeps full precision in both tails: ``1 − σ(40)`` rounds to 0.
    """
    x = _f64(x)
    with np.errstate(under="ignore"):
        return sigmoid(x) * sigmoid(-x)


def tanh(x: ArrayLike) -> Array:
    """Hyperbolic tangent ``(e^x − e^(−x)) / (e^x + e^(−x)) = 2σ(2x) − 1``."""
    return np.tanh(_f64(x))


def tanh_grad(x: ArrayLike) -> Array:
    """``tanh'(x) = 1 − tanh²(x) = sech²(x) = 4 / (e^x + e^(−x))²``, at most 1 (at x = 0).

    Computed as ``4u / (1 + u)²`` with ``u = e^(−2|x|) ≤ 1``: no cancellation, so the
    tails keep full relative precision (``1 − tanh²(19)`` rounds to 0; the true value
    is 1.3e-16) and no exponent is positive.
    """
    with np.errstate(under="ignore"):
        u = np.exp(-2.0 * np.abs(_f64(x)))
        return _f64(4.0 * u / ((1.0 + u) * (1.0 + u)))


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
    z = _f64(z)
    if z.size == 0:
        return z.copy()
    with np.errstate(under="ignore"):
        e = np.exp(_shift_by_max(z, axis))
        return _f64(e / np.sum(e, axis=axis, keepdims=True))


def log_softmax(z: ArrayLike, axis: int = -1) -> Array:
    """``log softmax(z)_i = z_i − m − log Σ_j e^(z_j − m)`` with ``m = max(z)``."""
    z = _f64(z)
    if z.size == 0:
        return z.copy()
    shifted = _shift_by_max(z, axis)
    with np.errstate(under="ignore"):
        return _f64(shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True)))


def logsumexp(z: ArrayLike, axis: int | None = None) -> Array:
    """``log Σ_i e^(z_i) = m + log Σ_i e^(z_i − m)`` with ``m = max(z)``, along ``axis``
    (all of ``z`` when None; the result is then a 0-d array).

    The sum has a term equal to 1, so its log is finite and ≥ 0; nothing overflows.
    Over an empty axis the sum is 0 and the result ``−inf`` (no warning).
    """
    z = _f64(z)
    if (z.size if axis is None else z.shape[axis]) == 0:
        shape = () if axis is None else z.shape[: axis % z.ndim] + z.shape[axis % z.ndim + 1 :]
        return np.full(shape, -np.inf)
    m = np.max(z, axis=axis, keepdims=True)
    with np.errstate(under="ignore", over="ignore"):
        # over: a gap wider than the float range is −inf, whose e^ is the 0 it should be.
        out = m + np.log(np.sum(np.exp(z - m), axis=axis, keepdims=True))
    return _f64(out.reshape(()) if axis is None else np.squeeze(out, axis=axis))


def mse(pred: ArrayLike, target: ArrayLike) -> float:
    """Mean squared error with the ½ convention: ``mean(½ (pred − target)²)``.

    Computed in units of the largest magnitude ``s``: ``s² · mean(½ (p/s − t/s)²)``, so
    neither the differences nor their squares overflow or underflow on the way; only a
    result beyond the float range is ``inf``.

    Raises:
        ValueError: there are no elements (the mean of nothing is undefined).
    """
    p, t = np.broadcast_arrays(_f64(pred), _f64(target))
    if p.size == 0:
        raise ValueError("mse of no elements is undefined")
    s = float(max(np.max(np.abs(p)), np.max(np.abs(t))))
    if s == 0.0:
        return 0.0
    with np.errstate(under="ignore", over="ignore"):
        d = p / s - t / s
        return float(np.mean(0.5 * d * d) * s * s)


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
    if n == 0:
        raise ValueError("cross-entropy of no examples is undefined")
    idx = raw.astype(np.intp)
    return float(-np.mean(logp[np.arange(n), idx]))


def binary_cross_entropy(logits: ArrayLike, targets: ArrayLike) -> float:
    """``−mean[y log σ(z) + (1 − y) log(1 − σ(z))]`` on the pre-activation (logit) z.

    Uses ``−log σ(z) = log(1 + e^(−z))`` and ``−log(1 − σ(z)) = log(1 + e^z)``
    (``np.logaddexp(0, ·)``), exact and finite for every finite z; targets may be soft
    (any y in [0, 1]). Equals ``cross_entropy`` on the two logits ``[0, z]``.

    Raises:
        ValueError: there are no examples.
    """
    z, y = np.broadcast_arrays(_f64(logits), _f64(targets))
    if z.size == 0:
        raise ValueError("binary cross-entropy of no examples is undefined")
    with np.errstate(under="ignore"):
        return float(np.mean(y * np.logaddexp(0.0, -z) + (1.0 - y) * np.logaddexp(0.0, z)))


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
    with np.errstate(over="ignore", under="ignore"):  # only |x| near 1e308 overflows: inf
        return np.where(keep, x / (1.0 - rate), 0.0)


def batch_norm(x: ArrayLike, gamma: ArrayLike, beta: ArrayLike, eps: float = 1e-5) -> Array:
    """Training-mode batch normalisation over axis 0 (the batch).

    ``x̂ = (x − μ_B) / √(σ²_B + ε)`` with the batch mean ``μ_B`` and the biased batch
    variance ``σ²_B``, then ``y = γ x̂ + β``. Each feature of ``x̂`` has mean 0 and
    variance ``σ²_B / (σ²_B + ε)``.

    Raises:
        ValueError: the batch has no examples (its statistics are undefined).
    """
    x = _f64(x)
    if x.ndim == 0 or x.shape[0] == 0:
        raise ValueError("batch normalisation needs at least one example in the batch")
    # Work in units of each feature's largest magnitude so that no sum overflows, even
    # for inputs near 1e308: (x − μ)/√(σ² + ε) = d/√(var(d) + ε/s²) with x = s·(μ/s + d).
    scale = np.max(np.abs(x), axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    with np.errstate(under="ignore", over="ignore"):
        xs = x / scale
        d = xs - np.mean(xs, axis=0)
        var = np.mean(d * d, axis=0)
        # Two divisions: scale² itself may overflow. For a feature below ~1e-157, ε/s² is
        # beyond the float range; there x̂ = d·s / √(var·s² + ε), where var·s² ≪ ε may
        # underflow harmlessly and d·s is representable.
        eps_scaled = eps / scale / scale
        tiny = ~np.isfinite(eps_scaled)
        xhat = np.where(
            tiny, d * scale / np.sqrt(var * scale * scale + eps), d / np.sqrt(var + eps_scaled)
        )
        return _f64(_f64(gamma) * xhat + _f64(beta))


def numerical_gradient(f: Callable[[Array], float], x: ArrayLike, eps: float = 1e-5) -> Array:
    """Central-difference gradient of scalar ``f`` at ``x``: ``(f(x + h e_i) − f(x − h e_i)) / 2h``.

    The step is relative, ``h = ε · max(1, |x_i|)``: an absolute ε is lost in rounding
    once ``|x_i|`` passes ε/2⁻⁵² (at 1e12, ``x + 1e-5 == x`` and the estimate is 0). The
    denominator is the step actually taken, ``(x + h) − (x − h)`` in floating point.
    Costs two evaluations of ``f`` per element of ``x``; the error is O(h²).
    """
    x = _f64(x).copy()
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = float(flat[i])
        h = eps * max(1.0, abs(old))
        flat[i] = old + h
        hi = float(flat[i])
        up = f(x)
        flat[i] = old - h
        lo = float(flat[i])
        down = f(x)
        flat[i] = old
        gflat[i] = (up - down) / (hi - lo)
    return grad


def relative_error(a: ArrayLike, b: ArrayLike) -> float:
    """``‖a − b‖ / (‖a‖ + ‖b‖)`` over whole tensors (Frobenius norms); 0 when both are 0.

    The gradient-check error of this project: symmetric, between 0 and 1, independent of
    the tensor's size and scale, and unlike an elementwise ratio it is not ruled by
    entries that are 0 up to rounding (a ReLU's slope, a saturated tanh), where central
    differences are pure noise. Below 1e-7 is agreement for smooth float64 functions.
    """
    a, b = _f64(a), _f64(b)
    s = float(max(np.max(np.abs(a), initial=0.0), np.max(np.abs(b), initial=0.0)))
    if s == 0.0:
        return 0.0
    with np.errstate(under="ignore"):  # in units of s, no square over- or underflows
        a, b = a / s, b / s
        return float(np.linalg.norm(a - b)) / float(np.linalg.norm(a) + np.linalg.norm(b))


def adam_step(
    theta: Array,
    grad: Array,
    m: Array,
    v: Array,
    t: int,
    lr: float,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
) -> None:
    """One Adam update, in place on ``theta``, ``m`` and ``v`` (Kingma & Ba, 2015).

    ``m ← β₁m + (1−β₁)g``, ``v ← β₂v + (1−β₂)g²``, then with the bias-corrected
    ``m̂ = m/(1−β₁ᵗ)``, ``v̂ = v/(1−β₂ᵗ)``: ``θ ← θ − lr · m̂ / (√v̂ + ε)``. ``t`` counts
    steps from 1; ``m`` and ``v`` start as zeros shaped like ``theta``.
    """
    with np.errstate(under="ignore"):
        m[...] = beta1 * m + (1.0 - beta1) * grad
        v[...] = beta2 * v + (1.0 - beta2) * grad * grad
        m_hat = m / (1.0 - beta1**t)
        v_hat = v / (1.0 - beta2**t)
        theta -= lr * m_hat / (np.sqrt(v_hat) + eps)


def global_norm(tensors: Iterable[Array]) -> float:
    """``√(Σ_tensors Σ_i g_i²)``, the norm of all the tensors as one vector."""
    parts = [_f64(g) for g in tensors]
    with np.errstate(under="ignore", over="ignore"):
        total = sum(float(np.sum(g * g)) for g in parts)
    if math.isfinite(total) and total > 1e-290:
        return math.sqrt(total)
    # The squares overflowed or may have underflowed: redo it in units of the largest entry.
    s = max((float(np.max(np.abs(g), initial=0.0)) for g in parts), default=0.0)
    if s == 0.0:
        return 0.0
    with np.errstate(under="ignore"):
        return s * math.sqrt(sum(float(np.sum((g / s) ** 2)) for g in parts))


K = TypeVar("K")


def clip_by_global_norm(grads: Mapping[K, Array], limit: float) -> tuple[dict[K, Array], float]:
    """Scales all gradients by one factor so that their global norm is at most ``limit``.

    ``g ← g · limit / ‖g‖`` when ``‖g‖ > limit`` (the direction is kept; one exploding
    tensor shrinks them all), else unchanged. Returns the gradients (copies only when
    scaled) and the norm before clipping.
    """
    norm = global_norm(grads.values())
    if norm <= limit:
        return dict(grads), norm
    return {k: g * (limit / norm) for k, g in grads.items()}, norm
