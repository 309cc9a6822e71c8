"""Parameters are learned from the training data; hyperparameters are chosen on validation data.

Ridge regression on polynomial features φ(x) = (P₀(x), …, P₁₅(x)) (Legendre polynomials)
of a small noisy dataset y = sin(3x) + x/2 + noise. For a fixed strength λ the weights
are *learned*: they minimise the training objective

    ‖Φw − y‖² + λ‖w‖²,   so   w(λ) = (ΦᵀΦ + λI)⁻¹ Φᵀy.

λ itself cannot be learned the same way. The training error ‖Φw(λ) − y‖²/n never
decreases as λ grows (a larger penalty only restricts the fit), so the training data
always vote for λ → 0: 16 weights for 20 points, which fits the noise. On held-out
validation data the error is U-shaped: too small λ overfits (wild wiggles), too large
underfits (w → 0). λ is chosen at the validation minimum, and the test set is used
once, at the end, to report how the chosen model does on data no decision has seen.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import numpy as np
from numpy.polynomial import legendre

from solvers import nn
from solvers.events import Event, check, log, point, table
from solvers.params import Param

TITLE = (
    "Hyperparameters: sweep the ridge strength λ; training error picks λ → 0, validation does not"
)

PARAMS = (
    Param("seed", "int", 0, "random seed of the datasets", low=0, high=2**32 - 1),
    Param("noise", "float", 0.3, "standard deviation of the label noise", low=0.2, high=0.8),
)

DEGREE = 15  # 16 features
N_TRAIN, N_VALIDATION, N_TEST = 20, 40, 500
LAMBDAS = 10.0 ** np.arange(-8.0, 3.01, 0.5)


def target(x: np.ndarray) -> np.ndarray:
    """The noiseless function ``f(x) = sin(3x) + x/2``."""
    result: np.ndarray = np.sin(3.0 * x) + 0.5 * x
    return result


def features(x: np.ndarray) -> np.ndarray:
    """``Φ[i, k] = P_k(x_i)``: Legendre polynomials of degree 0..DEGREE on [−1, 1]."""
    result: np.ndarray = legendre.legvander(x, DEGREE)
    return result


def sample(rng: np.random.Generator, n: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points x ~ U(−1, 1) with labels ``y = f(x) + noise·N(0, 1)``, as (Φ, y)."""
    x = rng.uniform(-1.0, 1.0, n)
    return features(x), target(x) + noise * rng.standard_normal(n)


def ridge(phi: np.ndarray, y: np.ndarray, lam: float) -> np.ndarray:
    """``w = (ΦᵀΦ + λI)⁻¹ Φᵀy``, the minimiser of ``‖Φw − y‖² + λ‖w‖²``."""
    result: np.ndarray = np.linalg.solve(phi.T @ phi + lam * np.eye(phi.shape[1]), phi.T @ y)
    return result


def ridge_objective_gradient(
    phi: np.ndarray, y: np.ndarray, w: np.ndarray, lam: float
) -> np.ndarray:
    """``∇(‖Φw − y‖² + λ‖w‖²) = 2Φᵀ(Φw − y) + 2λw``."""
    result: np.ndarray = 2.0 * phi.T @ (phi @ w - y) + 2.0 * lam * w
    return result


def mean_squared_error(phi: np.ndarray, y: np.ndarray, w: np.ndarray) -> float:
    """``(1/n) ‖Φw − y‖²`` (twice ``nn.mse``, which carries the ½)."""
    return 2.0 * nn.mse(phi @ w, y)


def run(seed: int, noise: float) -> Generator[Event, None, dict[str, Any]]:
    """Sweeps λ, checks the two shapes of the error curves, reports the test error once."""
    rng = np.random.default_rng(seed)
    phi_train, y_train = sample(rng, N_TRAIN, noise)
    phi_val, y_val = sample(rng, N_VALIDATION, noise)
    phi_test, y_test = sample(rng, N_TEST, noise)
    yield log(
        f"y = sin(3x) + x/2 + noise (σ = {noise:g}); {DEGREE + 1} Legendre features; "
        f"{N_TRAIN} training, {N_VALIDATION} validation and {N_TEST} test points."
    )

    weights = [ridge(phi_train, y_train, lam) for lam in LAMBDAS]
    train = np.array([mean_squared_error(phi_train, y_train, w) for w in weights])
    val = np.array([mean_squared_error(phi_val, y_val, w) for w in weights])
    norms = np.array([np.linalg.norm(w) for w in weights])
    for lam, tr, va in zip(LAMBDAS, train, val, strict=True):
        yield point("log10 training MSE", float(np.log10(lam)), float(np.log10(tr)))
        yield point("log10 validation MSE", float(np.log10(lam)), float(np.log10(va)))
    best = int(np.argmin(val))
    yield table(
        "Ridge sweep: weights learned on the training set for each λ",
        ["λ", "training MSE", "validation MSE", "‖w‖", ""],
        [
            [f"{lam:.0e}", tr, va, nw, "← chosen" if i == best else ""]
            for i, (lam, tr, va, nw) in enumerate(zip(LAMBDAS, train, val, norms, strict=True))
        ],
    )

    chosen = float(LAMBDAS[best])
    w = weights[best]
    grad = ridge_objective_gradient(phi_train, y_train, w, chosen)
    start_grad = ridge_objective_gradient(phi_train, y_train, np.zeros_like(w), chosen)
    stationarity = float(np.linalg.norm(grad) / np.linalg.norm(start_grad))
    yield check(
        "parameters are learned: w minimises the training objective",
        stationarity < 1e-8,
        f"at λ = {chosen:.0e}, ‖∇(‖Φw − y‖² + λ‖w‖²)‖ is {stationarity:.1e} of its value at "
        f"w = 0 (the closed form solves ∇ = 0)",
        kind="numerical",
    )

    rises = np.diff(train)
    monotone = bool(np.all(rises >= -1e-12 * train[:-1]))
    yield check(
        "training error never decreases with λ: it would always pick the smallest λ",
        monotone and int(np.argmin(train)) == 0,
        f"training MSE rises from {train[0]:.3g} at λ = {LAMBDAS[0]:.0e} to {train[-1]:.3g} "
        f"at λ = {LAMBDAS[-1]:.0e}, never falling (largest drop {max(0.0, -rises.min()):.1e})",
        kind="numerical",
    )

    interior = bool(0 < best < len(LAMBDAS) - 1 and val[best] < val[0] and val[best] < val[-1])
    yield check(
        "validation error has an interior minimum",
        interior,
        f"validation MSE {val[0]:.3g} at λ = {LAMBDAS[0]:.0e} (overfit), {val[best]:.3g} at "
        f"λ = {chosen:.0e}, {val[-1]:.3g} at λ = {LAMBDAS[-1]:.0e} (underfit); "
        f"holds for noise 0.2–0.8: with less noise there is less to overfit",
        kind="empirical",
    )

    test = mean_squared_error(phi_test, y_test, w)
    yield log(
        f"Chosen on validation: λ = {chosen:.0e}. Test MSE, computed once now: {test:.4f} "
        f"(validation {val[best]:.4f}; the noise alone gives σ² = {noise**2:.4f})."
    )
    return {
        "chosen_lambda": chosen,
        "test_mse": test,
        "validation_mse": float(val[best]),
        "training_mse": float(train[best]),
        "training_mse_rises": monotone,
        "validation_interior_minimum": interior,
    }
