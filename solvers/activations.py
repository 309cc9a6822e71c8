"""Activation functions, their derivatives, and why sigmoid makes deep gradients vanish.

The five units and their derivatives (with respect to the pre-activation x):

- step ``H(x) = 1 if x > 0 else 0``: ``H'(x) = 0`` for every x ≠ 0 and undefined at 0,
  so it passes no gradient at all (the perceptron cannot be trained by back-propagation);
- sigmoid ``σ(x) = 1 / (1 + e^(−x))``: ``σ'(x) = σ(x)(1 − σ(x)) ≤ ¼``, because a product
  of two numbers that add up to 1 is largest when both are ½, at x = 0;
- tanh ``tanh(x) = 2σ(2x) − 1``: ``tanh'(x) = 1 − tanh²(x) ≤ 1``, equal to 1 only at 0;
- ReLU ``max(0, x)``: derivative 1 for x > 0, 0 for x < 0, none at the kink x = 0;
- softmax ``p = softmax(z)``, ``p_i = e^(z_i) / Σ_j e^(z_j)``: a vector function whose
  Jacobian is ``∂p_i/∂z_j = p_i(δ_ij − p_j)``, i.e. ``J = diag(p) − p pᵀ``. Its rows sum to
  0 because adding a constant to every z_j leaves p unchanged.

Each derivative is checked against central differences ``(f(x + ε) − f(x − ε)) / 2ε``
at points away from the kinks. At a kink the central difference is not a derivative:
ReLU gives ½ (the average of the slopes 0 and 1), step gives ``1 / 2ε``, a spike.

Back-propagation multiplies one activation derivative per layer:
``∂h_L/∂h_0 = Π_l f'(z_l) w_l``. With sigmoid each factor is at most ¼, so ``layers``
layers shrink the gradient by at least ``¼^layers`` (about 10⁻⁶ for 10 layers) unless the
weights grow to compensate. tanh's factor is at most 1 and ReLU's is exactly 1 for every
active unit, which is why deep networks use ReLU.

Those products are identities (shown, not counted as evidence). The experiment is a real
deep net, ``layers`` layers of 64 units with weights ``N(0, 1/64)``, through which a
gradient is back-propagated: with the sigmoid it shrinks by about 0.23 per layer. The
control has the same weights and inputs with the identity for the sigmoid, and keeps its
gradient (about 1 per layer): what vanishes is ``σ'``, not the weights.
``--set break=identity-activation`` makes the main net that control, and
``--set break=sigmoid-grad-without-1-minus`` uses ``σ`` for ``σ'`` (a common slip), which
the gradient check catches.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

import numpy as np

from solvers import nn
from solvers.events import Event, check, log, point, table
from solvers.params import Param, break_param, broken

TITLE = "Activations and their derivatives, gradient-checked; sigmoid's ¼ per layer vanishes"

PARAMS = (
    Param(
        "layers",
        "int",
        10,
        "depth of the chain whose derivative factors are multiplied",
        low=1,
        high=300,
    ),
    Param("seed", "int", 0, "random seed for the deep net's weights", low=0, high=2**32 - 1),
    break_param(
        {
            "identity-activation": "the vanishing check fails: with the identity for the"
            " sigmoid the deep net's gradient keeps its size (about 1 per layer)",
            "sigmoid-grad-without-1-minus": "the sigmoid' gradient check fails: σ(x) is not"
            " σ(x)(1 − σ(x))",
        }
    ),
)

EPS = 1e-5  # central-difference step
TOL = 1e-7  # largest relative error accepted for a smooth function

WIDTH = 64  # units per layer of the deep net
BATCH = 16  # inputs pushed through it
VANISHES = 0.3  # per-layer gradient factor at or below which the gradient vanishes

Activation = Callable[[np.ndarray], np.ndarray]

# (name, function, derivative): the elementwise units of solvers.nn.
UNITS: tuple[tuple[str, Activation, Activation], ...] = (
    ("step", nn.step, lambda x: np.zeros_like(x, dtype=np.float64)),
    ("sigmoid", nn.sigmoid, nn.sigmoid_grad),
    ("tanh", nn.tanh, nn.tanh_grad),
    ("ReLU", nn.relu, nn.relu_grad),
)


def elementwise_numerical(f: Activation, x: np.ndarray) -> np.ndarray:
    """Central differences of ``Σ_i f(x_i)``: for an elementwise f that is ``f'(x_i)``."""
    return nn.numerical_gradient(lambda v: float(np.sum(f(v))), x, eps=EPS)


def softmax_jacobian(z: np.ndarray) -> np.ndarray:
    """``J = diag(p) − p pᵀ`` with ``p = softmax(z)``: ``J_ij = ∂p_i/∂z_j = p_i(δ_ij − p_j)``."""
    p = nn.softmax(z)
    return np.diag(p) - np.outer(p, p)


def softmax_component(i: int) -> Callable[[np.ndarray], float]:
    """``z ↦ softmax(z)_i``, one output of softmax as a scalar function."""
    return lambda v: float(nn.softmax(v)[i])


def numerical_jacobian(z: np.ndarray) -> np.ndarray:
    """Row i is the central-difference gradient of ``softmax(z)_i``."""
    return np.stack(
        [nn.numerical_gradient(softmax_component(i), z, eps=EPS) for i in range(z.size)]
    )


def depth_factor(grad: Activation, z: float, layers: int) -> float:
    """``Π_{l=1..layers} f'(z)``: the activation part of ``∂h_L/∂h_0`` when every ``z_l = z``."""
    return float(np.prod(grad(np.full(layers, z))))


def gradient_factor(
    f: Activation, grad: Activation, layers: int, weight_var: float, rng: np.random.Generator
) -> float:
    """The geometric-mean factor by which back-propagation scales the gradient per layer
    in a deep net ``h_l = f(h_{l−1} W_l)``, ``W_l ~ N(0, weight_var / WIDTH)``:
    ``(‖∂L/∂h_0‖ / ‖∂L/∂h_L‖)^(1/layers)``, averaged over ``BATCH`` inputs in log space.

    Backward, ``∂L/∂h_{l−1} = (∂L/∂h_l ⊙ f'(a_l)) W_lᵀ``; the gradient is renormalised after
    each layer and the log norms summed, so 300 sigmoid layers (≈ 10⁻¹⁹⁰) do not underflow.
    """
    weights = [
        rng.standard_normal((WIDTH, WIDTH)) * np.sqrt(weight_var / WIDTH) for _ in range(layers)
    ]
    h = rng.standard_normal((BATCH, WIDTH))
    pre = []
    for w in weights:
        pre.append(h @ w)
        h = f(pre[-1])
    g = rng.standard_normal((BATCH, WIDTH))
    g /= np.linalg.norm(g, axis=1, keepdims=True)
    log_gain = np.zeros(BATCH)
    for w, a in zip(reversed(weights), reversed(pre), strict=True):
        g = (g * grad(a)) @ w.T
        norm = np.linalg.norm(g, axis=1)
        log_gain += np.log(norm)
        g /= norm[:, None]
    return float(np.exp(np.mean(log_gain) / layers))


def identity(x: np.ndarray) -> np.ndarray:
    """``f(x) = x``: no activation (the control)."""
    return x


def ones(x: np.ndarray) -> np.ndarray:
    """``f'(x) = 1``: the identity's derivative."""
    return np.ones_like(x)


def _layers(n: int) -> str:
    return f"{n} layer" if n == 1 else f"{n} layers"


def run(layers: int, seed: int, **rest: str) -> Generator[Event, None, dict[str, Any]]:
    """Tabulates the units, gradient-checks them, multiplies their slopes over depth, and
    back-propagates through a deep sigmoid net and its control (the identity instead)."""
    removed = broken(rest)
    units = UNITS
    if removed == "sigmoid-grad-without-1-minus":
        units = tuple((n, f, nn.sigmoid if n == "sigmoid" else g) for n, f, g in UNITS)
    grid = np.array([-3.0, -1.0, -0.5, 0.5, 1.0, 3.0])
    rows = []
    for name, f, g in units:
        rows.append([name, *(float(v) for v in f(grid))])
        rows.append([f"{name}'", *(float(v) for v in g(grid))])
    yield table("values and derivatives", ["unit", *(f"x={x:g}" for x in grid)], rows)

    # Points away from the kinks (|x| ≫ ε) where every unit is differentiable.
    x = np.array([-4.0, -2.5, -1.3, -0.7, -0.2, 0.15, 0.6, 1.1, 2.2, 3.7])
    worst = 0.0
    errors: dict[str, float] = {}
    for name, f, g in units:
        analytic, numeric = g(x), elementwise_numerical(f, x)
        err = nn.relative_error(analytic, numeric)
        errors[name] = err
        worst = max(worst, err)
        yield check(
            f"{name}' matches central differences",
            err < TOL,
            f"relative error {err:.1e} over {x.size} points away from 0 (ε = {EPS:g})"
            + (", derivative 0 wherever it exists" if name == "step" else ""),
            kind="numerical",
        )

    z = np.array([1.0, -0.5, 2.0, 0.3])
    jac, jac_num = softmax_jacobian(z), numerical_jacobian(z)
    err = nn.relative_error(jac, jac_num)
    errors["softmax"] = err
    worst = max(worst, err)
    row_sums = float(np.max(np.abs(jac.sum(axis=1))))
    yield check(
        "softmax Jacobian diag(p) − ppᵀ matches central differences",
        err < TOL and row_sums < 1e-15,
        f"z = {z.tolist()}: relative error {err:.1e} over all {jac.size} entries; "
        f"rows sum to {row_sums:.0e} (softmax ignores a shift of z)",
        kind="numerical",
    )

    zero = np.zeros(1)
    relu_kink = float(elementwise_numerical(nn.relu, zero)[0])
    step_kink = float(elementwise_numerical(nn.step, zero)[0])
    yield check(
        "at the kink x = 0 there is no derivative",
        relu_kink == 0.5 and step_kink == 1.0 / (2.0 * EPS),
        f"central difference of ReLU = {relu_kink:g} (between the slopes 0 and 1), "
        f"of step = {step_kink:g} = 1/(2ε) (a spike that grows as ε shrinks)",
        kind="identity",
    )

    dense = np.linspace(-20.0, 20.0, 4001)
    sig = {n: g for n, _, g in units}.get("sigmoid", nn.sigmoid_grad)(dense)
    tanh = nn.tanh_grad(dense)
    at = float(dense[int(np.argmax(sig))])
    yield check(
        "σ'(x) ≤ ¼ everywhere, largest at x = 0",
        float(sig.max()) == 0.25 and abs(at) < 1e-12 and bool(np.all(tanh <= 1.0)),
        f"max σ' over {dense.size} points in [−20, 20] = {float(sig.max()):g} at x = {at:g} "
        f"(σ(1 − σ) with σ + (1 − σ) = 1); max tanh' = {float(tanh.max()):g}",
        kind="numerical",
    )

    sig_best = depth_factor(nn.sigmoid_grad, 0.0, layers)
    sig_typical = depth_factor(nn.sigmoid_grad, 1.0, layers)
    tanh_best = depth_factor(nn.tanh_grad, 0.0, layers)
    tanh_typical = depth_factor(nn.tanh_grad, 1.0, layers)
    relu_active = depth_factor(nn.relu_grad, 1.0, layers)
    yield table(
        f"product of the activation derivatives over {_layers(layers)}",
        ["unit", "largest factor", "product, all z = 0", "product, all z = 1"],
        [
            ["sigmoid", 0.25, sig_best, sig_typical],
            ["tanh", 1.0, tanh_best, tanh_typical],
            ["ReLU (active)", 1.0, relu_active, relu_active],
        ],
    )
    for depth in range(1, layers + 1):
        yield point("log10 Π σ'(0)", depth, depth * float(np.log10(0.25)))
        yield point("log10 Π tanh'(1)", depth, depth * float(np.log10(nn.tanh_grad(1.0))))
        yield point("log10 Π ReLU'(active)", depth, 0.0)
    yield check(
        f"sigmoid shrinks the gradient by ¼^{layers} at best",
        abs(sig_best - 0.25**layers) <= 1e-12 * 0.25**layers and sig_typical < sig_best,
        f"Π σ'(0) over {_layers(layers)} = {sig_best:.3g} = 0.25^{layers}; "
        f"with z = 1 it is {sig_typical:.3g}",
        kind="identity",
    )
    yield check(
        "tanh's product is at most 1, ReLU's is exactly 1 for active units",
        tanh_best == 1.0 and tanh_typical < 1.0 and relu_active == 1.0,
        f"Π tanh'(0) = {tanh_best:g}, Π tanh'(1) = {tanh_typical:.3g}, "
        f"Π ReLU'(z > 0) = {relu_active:g} over {_layers(layers)}",
        kind="identity",
    )

    # The experiment: a real deep net, back-propagated. The control has the same weights
    # and inputs with the identity for the sigmoid, so only the activation's slope differs.
    plain = removed == "identity-activation"
    sig_f, sig_g = (identity, ones) if plain else (nn.sigmoid, nn.sigmoid_grad)
    measured = {
        "sigmoid": gradient_factor(sig_f, sig_g, layers, 1.0, np.random.default_rng(seed)),
        "control": gradient_factor(identity, ones, layers, 1.0, np.random.default_rng(seed)),
        "tanh": gradient_factor(nn.tanh, nn.tanh_grad, layers, 1.0, np.random.default_rng(seed)),
        "ReLU": gradient_factor(nn.relu, nn.relu_grad, layers, 2.0, np.random.default_rng(seed)),
    }
    yield log(
        f"A deep net of {_layers(layers)}, {WIDTH} units each, W ~ N(0, 1/{WIDTH}) (ReLU:"
        f" N(0, 2/{WIDTH}), He), {BATCH} random inputs; a unit gradient back-propagated from"
        " the top: its size per layer, as a geometric mean."
        + (" The sigmoid is the identity (break=identity-activation)." if plain else "")
    )
    yield table(
        f"back-propagated gradient through {_layers(layers)}",
        ["net", "factor per layer", f"over {_layers(layers)}"],
        [
            [
                "sigmoid" + (" (identity: break)" if plain else ""),
                measured["sigmoid"],
                measured["sigmoid"] ** layers,
            ],
            ["control: identity, same weights", measured["control"], measured["control"] ** layers],
            ["tanh", measured["tanh"], measured["tanh"] ** layers],
            ["ReLU, He init", measured["ReLU"], measured["ReLU"] ** layers],
        ],
    )
    yield check(
        "back-propagated through a deep sigmoid net, the gradient vanishes",
        measured["sigmoid"] <= VANISHES,
        f"factor {measured['sigmoid']:.3f} per layer (needed ≤ {VANISHES:g}; σ' ≤ ¼ times"
        f" weights of gain ≈ 1), {measured['sigmoid'] ** layers:.3g} over {_layers(layers)}",
        kind="empirical",
    )
    yield check(
        "control: the same net without the sigmoid's slope keeps its gradient",
        measured["control"] > VANISHES,
        f"identity activation, same weights and inputs: factor {measured['control']:.3f} per"
        f" layer ({measured['control'] ** layers:.3g} over {_layers(layers)}): what vanishes"
        " is σ', not the weights",
        kind="empirical",
        control=True,
    )
    return {
        "layers": layers,
        "sigmoid_grad_max": float(sig.max()),
        "sigmoid_product": sig_best,
        "tanh_product_at_1": tanh_typical,
        "relu_product": relu_active,
        "max_relative_error": worst,
        "sigmoid_net_factor": measured["sigmoid"],
        "control_net_factor": measured["control"],
        "tanh_net_factor": measured["tanh"],
        "relu_net_factor": measured["ReLU"],
    }
