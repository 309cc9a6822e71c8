"""Initialisation: how the weights' variance sets the scale of activations and gradients.

A deep MLP of ``depth`` square layers (``width`` units), ``z_l = h_(l−1) W_l``,
``h_l = φ(z_l)``, weights ``N(0, Var(w))`` and no biases, fed unit-variance inputs. One unit
of layer ``l`` sums ``n`` terms that are uncorrelated at initialisation, so

    forward:   q_l = E[z_l²] = n · Var(w) · E[φ(z_(l−1))²]      (q_1 = n · Var(w))
    backward:  E[δ_l²] = n · Var(w) · E[φ'(z_l)²] · E[δ_(l+1)²],  δ_l = ∂L/∂z_l

(the backward line assumes the gradient is independent of the forward weights, the usual
mean-field approximation). The expectations are over ``z ~ N(0, q_l)``; the demo evaluates
them on a grid. It is the second moment ``E[φ²]``, not ``Var(φ)``, that enters: ReLU and
sigmoid outputs are not zero-mean.

- ``N(0, 1)``: ``n · Var(w) = n``, so ReLU activations grow by ``√(n/2)`` a layer and tanh
  and sigmoid saturate (their gradients then explode or die, depending on ``E[φ'²]``).
- Xavier/Glorot ``Var(w) = 1/n`` (``2/(n_in + n_out)``, the same for square layers): tanh is
  ≈ linear near 0, so the scale changes only slowly (polynomially) with depth; ReLU keeps
  half of ``E[z²]`` and shrinks by ``1/√2`` a layer.
- He ``Var(w) = 2/n``: the factor 2 makes up for ReLU's lost half: ReLU keeps its scale.
- Sigmoid's ``φ'(0) = 1/4`` makes every one of these vanish backward (Xavier: about ``1/4`` a
  layer): Glorot & Bengio's (2010) reason to prefer tanh.

The demo builds all nine (initialisation × activation) stacks from one seed, backpropagates a
unit-variance gradient from the top, and compares the measured per-layer RMS of ``z_l`` and of
``δ_l`` with the recursion (a width-``n`` network fluctuates around it by O(depth/width)). The
weight gradient ``∂L/∂W_l = h_(l−1)ᵀ δ_l`` carries both factors. Negative controls: the same
recursion with ``Var(φ)`` in place of ``E[φ²]`` (it must mispredict), and ReLU with
``Var(w) = 1/n`` (He without its factor 2, which must leave the stable band).

Zero or constant initialisation: every hidden unit of a layer computes the same function and
gets the same gradient, so the units stay identical for ever and the layer acts as one unit.
A one-hidden-layer tanh net on a small regression shows it: from a constant start its 16
units end identical and the loss stays near the predict-the-mean level; from a random
(Xavier) start it learns. The control keeps the symmetric start and must not learn.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

import numpy as np

from solvers import nn
from solvers.events import Event, check, log, point, table
from solvers.params import Param, break_param, broken

TITLE = "Initialisation: per-layer activation and gradient scale under N(0,1), Xavier and He"

PARAMS = (
    Param(
        "depth", "int", 20, "layers in the stack (the factors compound over them)", low=2, high=50
    ),
    Param("width", "int", 128, "units per layer n (the fan-in)", low=32, high=512),
    Param(
        "activation",
        "choice",
        "relu",
        "the activation whose per-layer curves are plotted (the table shows all three)",
        choices=("relu", "tanh", "sigmoid"),
    ),
    Param("seed", "int", 0, "random seed (inputs, weights, top gradient)", low=0, high=2**32 - 1),
    break_param(
        {
            "no-factor-2": "He loses its factor 2 (Var(w) = 1/n): the ReLU stack shrinks by"
            " 1/√2 a layer, out of the stable band",
            "variance-not-second-moment": "the recursion uses Var(φ) for E[φ²]: it"
            " mispredicts ReLU and sigmoid, whose outputs are not zero-mean",
            "symmetric-start": "the random start of the small net is replaced by a constant"
            " one: its units stay identical and it no longer learns",
        }
    ),
)

ACTIVATIONS: dict[str, tuple[Callable[[nn.Array], nn.Array], Callable[[nn.Array], nn.Array]]] = {
    "sigmoid": (nn.sigmoid, nn.sigmoid_grad),
    "tanh": (nn.tanh, nn.tanh_grad),
    "relu": (nn.relu, nn.relu_grad),
}
INITS = ("normal", "xavier", "he")
INIT_LABELS = {"normal": "N(0,1)", "xavier": "Xavier 1/n", "he": "He 2/n"}
BATCH = 32  # below 64 rows OpenBLAS stays on one thread: 6× faster on a busy machine
GRID = np.linspace(-10.0, 10.0, 4000)  # standard-normal quadrature grid (even: no node at 0)
WEIGHTS = np.exp(-0.5 * GRID**2) / np.sqrt(2.0 * np.pi) * (GRID[1] - GRID[0])
STABLE = 10.0  # a stack whose scale changes by less than this factor is called stable
# The small net of the symmetry experiment.
SYM_HIDDEN, SYM_EXAMPLES, SYM_STEPS, SYM_LR, SYM_CONST = 16, 64, 400, 0.2, 0.5
LEARNS = 0.5  # "learns": final loss below this fraction of the predict-the-mean loss


def weight_variance(init: str, n: int, factor_two: bool = True) -> float:
    """``Var(w)``: 1 (``normal``), ``1/n`` (``xavier``), ``2/n`` (``he``; ``1/n`` without
    its factor 2)."""
    if init == "normal":
        return 1.0
    if init == "xavier" or not factor_two:
        return 1.0 / n
    return 2.0 / n


def gaussian_mean(f: Callable[[nn.Array], nn.Array], q: float) -> float:
    """``E[f(z)]`` for ``z ~ N(0, q)``, on a fine grid (a saturated tanh' is narrow)."""
    return float(np.sum(WEIGHTS * f(np.sqrt(q) * GRID)))


def predicted_scales(
    activation: str, s: float, depth: int, second_moment: bool = True
) -> tuple[nn.Array, nn.Array]:
    """The recursion's RMS of ``z_l`` and of ``δ_l`` for ``l = 1..depth``, with
    ``s = n · Var(w)``; ``second_moment=False`` is the control's ``Var(φ)``."""
    f, df = ACTIVATIONS[activation]
    q, qs = s, []
    for _ in range(depth):
        qs.append(q)
        moment = gaussian_mean(lambda z: f(z) ** 2, q)
        if not second_moment:
            moment -= gaussian_mean(f, q) ** 2
        q = s * moment
    back = np.empty(depth)
    back[-1] = gaussian_mean(lambda z: df(z) ** 2, qs[-1])
    for layer in range(depth - 2, -1, -1):
        back[layer] = back[layer + 1] * s * gaussian_mean(lambda z: df(z) ** 2, qs[layer])
    return np.sqrt(np.array(qs)), np.sqrt(back)


def measured_scales(
    activation: str, variance: float, depth: int, width: int, rng: np.random.Generator
) -> tuple[nn.Array, nn.Array]:
    """One random stack: the RMS of ``z_l`` and of ``δ_l = ∂L/∂z_l`` per layer, with
    ``L = Σ g ⊙ h_depth`` for a fixed unit-variance ``g``."""
    f, df = ACTIVATIONS[activation]
    h = rng.standard_normal((BATCH, width))
    weights, zs = [], []
    for _ in range(depth):
        w = np.sqrt(variance) * rng.standard_normal((width, width))
        z = h @ w
        weights.append(w)
        zs.append(z)
        h = f(z)
    grad = rng.standard_normal((BATCH, width))
    back = np.empty(depth)
    for layer in range(depth - 1, -1, -1):
        delta = grad * df(zs[layer])
        back[layer] = np.sqrt(np.mean(delta**2))
        grad = delta @ weights[layer].T
    forward = np.array([np.sqrt(np.mean(z**2)) for z in zs])
    return forward, back


def log_error(measured: nn.Array, predicted: nn.Array) -> float:
    """The largest ``|ln(measured / predicted)|`` over the layers (∞ for a 0 or inf)."""
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        ratio = np.abs(np.log(measured) - np.log(predicted))
    return float(np.max(np.where(np.isfinite(ratio), ratio, np.inf)))


def tolerance(depth: int, width: int) -> float:
    """Nats a width-``n`` stack may wander from the infinite-width recursion: O(depth/n)."""
    return 0.3 + 5.0 * depth / width


def recursion_tolerance(depth: int, width: int) -> float:
    """:func:`tolerance` plus 0.02 nats a layer: a saturated tanh or sigmoid passes its
    gradient through the few units in their linear range, so its backward pass fluctuates
    like a much narrower layer, and the recursion's independence assumption is rougher."""
    return tolerance(depth, width) + 0.02 * depth


def gains(forward: nn.Array, back: nn.Array) -> tuple[float, float]:
    """How much the scale changed across the stack: last/first forward, first/last backward."""
    return float(forward[-1] / forward[0]), float(back[0] / back[-1])


def verdict(forward_gain: float, backward_gain: float) -> str:
    """``stable``, ``explodes`` or ``vanishes`` (by the factor ``STABLE``), worst of the two."""
    worst = max((forward_gain, backward_gain), key=lambda g: abs(np.log(g)) if g > 0 else np.inf)
    if 1.0 / STABLE <= worst <= STABLE:
        return "stable"
    return "explodes" if worst > STABLE else "vanishes"


def symmetry_data(rng: np.random.Generator) -> tuple[nn.Array, nn.Array]:
    """``x ~ U(−2, 2)²``, ``y = sin(2x₁) cos(x₂)``: needs several different hidden units."""
    x = rng.uniform(-2.0, 2.0, (SYM_EXAMPLES, 2))
    y: nn.Array = np.sin(2.0 * x[:, 0]) * np.cos(x[:, 1])
    return x, y


def train_small_net(
    x: nn.Array, y: nn.Array, w1: nn.Array, w2: nn.Array
) -> tuple[float, float, list[float]]:
    """Full-batch GD on ``ŷ = tanh(x W₁ + b₁) w₂ + b₂`` (``w1``, ``w2`` updated in place);
    returns the final loss, the largest spread between hidden units' weights, the losses."""
    b1, b2 = np.zeros(w1.shape[1]), 0.0
    losses = []
    for _ in range(SYM_STEPS + 1):
        z = x @ w1 + b1
        h = nn.tanh(z)
        err = h @ w2 + b2 - y
        losses.append(float(0.5 * np.mean(err**2)))
        g_out = err / len(y)
        g_z = np.outer(g_out, w2) * nn.tanh_grad(z)
        w2 -= SYM_LR * (h.T @ g_out)
        b2 -= SYM_LR * float(np.sum(g_out))
        w1 -= SYM_LR * (x.T @ g_z)
        b1 -= SYM_LR * np.sum(g_z, axis=0)
    spread = float(np.max(np.abs(w1 - w1[:, :1])))
    return losses[-1], spread, losses


def run(
    depth: int, width: int, activation: str, seed: int, **rest: str
) -> Generator[Event, None, dict[str, Any]]:
    """Measures the nine stacks against the recursion, then the symmetry of a constant start."""
    removed = broken(rest)
    factor_two = removed != "no-factor-2"
    second = removed != "variance-not-second-moment"
    rng = np.random.default_rng(seed)
    tol = tolerance(depth, width)
    rtol = recursion_tolerance(depth, width)
    yield log(
        f"{depth} layers of {width} units, batch {BATCH} of unit-variance inputs, a"
        f" unit-variance gradient at the top. Recursion vs measurement allowed ±{rtol:.2f} nats"
        f" (0.3 + 5·depth/width + 0.02·depth: finite width); the stable band ±{tol:.2f}."
        + (" He uses Var(w) = 1/n (break=no-factor-2)." if not factor_two else "")
        + (" The recursion uses Var(φ) (break=variance-not-second-moment)." if not second else "")
    )
    rows: list[list[Any]] = []
    forward_gain: dict[str, dict[str, float]] = {}
    backward_gain: dict[str, dict[str, float]] = {}
    verdicts: dict[str, dict[str, str]] = {}
    errors: dict[tuple[str, str], float] = {}
    control_errors: dict[tuple[str, str], float] = {}
    scales: dict[tuple[str, str], tuple[nn.Array, nn.Array]] = {}
    for act in ACTIVATIONS:
        forward_gain[act], backward_gain[act], verdicts[act] = {}, {}, {}
        for init in INITS:
            variance = weight_variance(init, width, factor_two)
            forward, back = measured_scales(act, variance, depth, width, rng)
            scales[act, init] = forward, back
            pf, pb = predicted_scales(act, width * variance, depth, second)
            cf, cb = predicted_scales(act, width * variance, depth, not second)
            errors[act, init] = max(log_error(forward, pf), log_error(back, pb))
            control_errors[act, init] = max(log_error(forward, cf), log_error(back, cb))
            fg, bg = gains(forward, back)
            pfg, pbg = gains(pf, pb)
            forward_gain[act][init], backward_gain[act][init] = fg, bg
            verdicts[act][init] = verdict(fg, bg)
            rows.append([act, INIT_LABELS[init], fg, pfg, bg, pbg, verdicts[act][init]])
    for init in INITS:
        forward, back = scales[activation, init]
        for layer in range(depth):
            yield point(f"z rms, {INIT_LABELS[init]}", layer + 1, forward[layer])
        for layer in range(depth):
            yield point(f"∂L/∂z rms, {INIT_LABELS[init]}", layer + 1, back[layer])
    yield table(
        f"Scale across {depth} layers: forward rms(z_L)/rms(z_1), backward rms(δ_1)/rms(δ_L)",
        ["activation", "init", "forward", "predicted", "backward", "predicted", "verdict"],
        rows,
    )

    worst = max(errors, key=lambda k: errors[k])
    yield check(
        "the variance recursion (with E[φ²]) predicts every stack's per-layer scale",
        errors[worst] <= rtol,
        f"largest |ln(measured/predicted)| over 9 stacks × {depth} layers × 2 directions:"
        f" {errors[worst]:.2f} nats ({worst[0]}, {INIT_LABELS[worst[1]]}), allowed {rtol:.2f}",
        kind="empirical",
    )
    c_worst = max(control_errors, key=lambda k: control_errors[k])
    yield check(
        "control: the recursion with Var(φ) in place of E[φ²] mispredicts",
        control_errors[c_worst] > rtol,
        f"largest error {control_errors[c_worst]:.3g} nats ({c_worst[0]},"
        f" {INIT_LABELS[c_worst[1]]}), allowed {rtol:.2f}: a ReLU or sigmoid output's mean"
        " carries scale that its variance misses",
        kind="empirical",
        control=True,
    )

    he_fg, he_bg = forward_gain["relu"]["he"], backward_gain["relu"]["he"]
    he_off = max(abs(np.log(he_fg)), abs(np.log(he_bg)))
    yield check(
        "He (Var(w) = 2/n) keeps a ReLU stack at scale in both directions",
        bool(he_off <= tol),
        f"forward ×{he_fg:.3g}, backward ×{he_bg:.3g} over {depth} layers (|ln| {he_off:.2f},"
        f" allowed {tol:.2f})" + ("; here Var(w) = 1/n" if not factor_two else ""),
        kind="empirical",
    )
    # The control: the same ReLU stack with He's factor 2 removed, i.e. Var(w) = 1/n.
    x_fg, x_bg = forward_gain["relu"]["xavier"], backward_gain["relu"]["xavier"]
    x_off = max(abs(np.log(x_fg)), abs(np.log(x_bg)))
    expected_off = (depth - 1) * 0.5 * np.log(2.0)
    if expected_off > 2.0 * tol:
        yield check(
            "control: ReLU with Var(w) = 1/n (no factor 2) leaves the stable band",
            bool(x_off > tol),
            f"forward ×{x_fg:.3g}, backward ×{x_bg:.3g} (|ln| {x_off:.2f}, allowed {tol:.2f});"
            f" predicted (1/√2)^{depth - 1} = {np.exp(-expected_off):.3g}",
            kind="empirical",
            control=True,
        )
    else:
        yield log(
            f"prediction: at depth {depth} the missing factor 2 compounds to only"
            f" (1/√2)^{depth - 1} = {np.exp(-expected_off):.3g}, inside the ±{tol:.2f}-nat"
            " finite-width band: too shallow or too narrow to tell He from Xavier on ReLU"
            " (as expected)"
        )

    # Symmetry: a constant start keeps every hidden unit identical.
    sym_rng = np.random.default_rng([seed, 1])
    x, y = symmetry_data(sym_rng)
    mean_loss = float(0.5 * np.var(y))
    const_loss, const_spread, const_losses = train_small_net(
        x, y, np.full((2, SYM_HIDDEN), SYM_CONST), np.full(SYM_HIDDEN, SYM_CONST)
    )
    symmetric = removed == "symmetric-start"
    if symmetric:
        w1, w2 = np.full((2, SYM_HIDDEN), SYM_CONST), np.full(SYM_HIDDEN, SYM_CONST)
    else:
        w1 = np.sqrt(1.0 / 2) * sym_rng.standard_normal((2, SYM_HIDDEN))
        w2 = np.sqrt(1.0 / SYM_HIDDEN) * sym_rng.standard_normal(SYM_HIDDEN)
    rand_loss, rand_spread, rand_losses = train_small_net(x, y, w1, w2)
    for step in range(0, SYM_STEPS + 1, 4):
        yield point("small net loss, random start", step, rand_losses[step])
    for step in range(0, SYM_STEPS + 1, 4):
        yield point("small net loss, constant start", step, const_losses[step])
    yield check(
        f"a constant start ({SYM_CONST:g}) keeps the {SYM_HIDDEN} hidden units identical",
        const_spread <= 1e-9,
        f"after {SYM_STEPS} GD steps the largest difference between two units' weights is"
        f" {const_spread:.1e}: they get equal gradients, so the layer acts as one unit",
        kind="numerical",
    )
    yield check(
        "a random (Xavier) start breaks the symmetry and learns",
        rand_loss < LEARNS * mean_loss,
        f"loss {rand_losses[0]:.4f} → {rand_loss:.4f} vs {mean_loss:.4f} for predicting the"
        f" mean (needed < {LEARNS:g}×); units differ by up to {rand_spread:.2f}"
        + ("; here the start is constant" if symmetric else ""),
        kind="empirical",
    )
    yield check(
        "control: from the constant start the same net does not learn",
        const_loss >= LEARNS * mean_loss,
        f"loss {const_losses[0]:.4f} → {const_loss:.4f} vs {mean_loss:.4f} for the mean"
        f" (at least {LEARNS:g}× predicted)",
        kind="empirical",
        control=True,
    )
    return {
        "activation": activation,
        **{init: verdicts[activation][init] for init in INITS},
        **{f"{init}_forward_gain": forward_gain[activation][init] for init in INITS},
        **{f"{init}_backward_gain": backward_gain[activation][init] for init in INITS},
        "he_relu_stable": verdicts["relu"]["he"] == "stable",
        "prediction_error": errors[worst],
        "control_prediction_error": control_errors[c_worst],
        "tolerance": tol,
        "recursion_tolerance": rtol,
        "constant_start_spread": const_spread,
        "constant_start_loss": const_loss,
        "random_start_loss": rand_loss,
        "mean_loss": mean_loss,
    }
