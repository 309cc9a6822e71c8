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

The mechanism is the held-out data. Its negative control is the same sweep scored on the
training data: that curve never turns up, so it picks the smallest λ (a theorem, checked
to rounding), and the model it picks does worse on the test set. ``--set
break=no-held-out`` makes the training data the validation data, and the claims fail.
Without noise (``noise`` below ``LOW_NOISE``) there is nothing to overfit: the best λ is
then near 0 and the demo reports that outcome as expected instead of failing.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import numpy as np
from numpy.polynomial import legendre

from solvers import nn
from solvers.events import Event, check, log, point, table
from solvers.params import Param, break_param, broken

TITLE = (
    "Hyperparameters: sweep the ridge strength λ; training error picks λ → 0, validation does not"
)

PARAMS = (
    Param("seed", "int", 0, "random seed of the datasets", low=0, high=2**32 - 1),
    Param("noise", "float", 0.3, "standard deviation of the label noise", low=0.0, high=1.5),
    break_param(
        {
            "no-held-out": "λ is chosen on the training data (reused as validation data): the"
            " curve falls all the way to the smallest λ, so 'validation error has an interior"
            " minimum' and 'validation's λ does better on the test set' fail"
        }
    ),
)

DEGREE = 15  # 16 features
N_TRAIN, N_VALIDATION, N_TEST = 20, 40, 500
LAMBDAS = 10.0 ** np.arange(-8.0, 3.01, 0.5)
LOW_NOISE = 0.1  # below this noise there is little to overfit: λ → 0 can be as good
TEST_GAIN = 2.0  # test MSE: the λ picked on training error must be this many times worse


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


def run(seed: int, noise: float, **rest: str) -> Generator[Event, None, dict[str, Any]]:
    """Sweeps λ, checks the two shapes of the error curves, reports the test error once."""
    no_held_out = broken(rest) == "no-held-out"
    rng = np.random.default_rng(seed)
    phi_train, y_train = sample(rng, N_TRAIN, noise)
    phi_val, y_val = sample(rng, N_VALIDATION, noise)
    phi_test, y_test = sample(rng, N_TEST, noise)
    yield log(
        f"y = sin(3x) + x/2 + noise (σ = {noise:g}); {DEGREE + 1} Legendre features; "
        f"{N_TRAIN} training, {N_VALIDATION} validation and {N_TEST} test points."
    )
    if no_held_out:
        phi_val, y_val = phi_train, y_train
        yield log("break=no-held-out: the 'validation' set is the training set itself.")
    low_noise = noise < LOW_NOISE

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

    interior = bool(0 < best < len(LAMBDAS) - 1 and val[best] < val[0] and val[best] < val[-1])
    shape = (
        f"validation MSE {val[0]:.3g} at λ = {LAMBDAS[0]:.0e} (overfit), {val[best]:.3g} at "
        f"λ = {chosen:.0e}, {val[-1]:.3g} at λ = {LAMBDAS[-1]:.0e} (underfit)"
    )
    if low_noise and not interior:
        yield log(
            f"noise {noise:g} < {LOW_NOISE:g}: little to overfit, so validation may pick the"
            f" smallest λ, as expected ({shape})."
        )
    else:
        yield check(
            "validation error has an interior minimum",
            interior,
            f"{shape}; expected for noise ≥ {LOW_NOISE:g}: noise is what λ → 0 overfits",
            kind="empirical",
        )

    # The control: the same sweep scored on the training data, i.e. no held-out data.
    rises = np.diff(train)
    monotone = bool(np.all(rises >= -1e-12 * train[:-1]))
    picked = int(np.argmin(train))
    yield check(
        "control: scored on the training data, the error picks the smallest λ",
        monotone and picked == 0,
        f"training MSE rises from {train[0]:.3g} at λ = {LAMBDAS[0]:.0e} to {train[-1]:.3g} "
        f"at λ = {LAMBDAS[-1]:.0e}, never falling (largest drop {max(0.0, -rises.min()):.1e}):"
        " without held-out data nothing argues against overfitting",
        kind="numerical",
        control=True,
    )

    test = mean_squared_error(phi_test, y_test, w)
    test_by_training = mean_squared_error(phi_test, y_test, weights[picked])
    gain = test_by_training / test
    yield log(
        f"Chosen on validation: λ = {chosen:.0e}. Test MSE, computed once now: {test:.4g} "
        f"(validation {val[best]:.4g}; the noise alone gives σ² = {noise**2:.4g}); at the λ = "
        f"{LAMBDAS[picked]:.0e} training error would pick: {test_by_training:.4g}."
    )
    versus = (
        f"test MSE {test:.4g} at λ = {chosen:.0e} (validation's choice) vs"
        f" {test_by_training:.4g} at λ = {LAMBDAS[picked]:.0e} (training error's): {gain:.3g}×"
    )
    if low_noise and gain < TEST_GAIN:
        yield log(
            f"noise {noise:g} < {LOW_NOISE:g}: {versus}; with little noise a tiny λ overfits"
            " little, so the two choices can be close, as expected."
        )
    else:
        yield check(
            "validation's λ does better on the test set than training error's",
            gain >= TEST_GAIN,
            f"{versus} (needed ≥ {TEST_GAIN:g}×)",
            kind="empirical",
        )
    return {
        "chosen_lambda": chosen,
        "test_mse": test,
        "validation_mse": float(val[best]),
        "training_mse": float(train[best]),
        "training_mse_rises": monotone,
        "validation_interior_minimum": interior,
        "test_mse_training_choice": test_by_training,
        "test_gain": gain,
    }
