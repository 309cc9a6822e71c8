"""Back-propagation: the chain rule, layer by layer, checked against central differences.

The network is ``3 → hidden → 2``: a tanh hidden layer and a softmax output trained with
cross-entropy. For a batch X (n × 3) with integer labels y:

    z₁ = X W₁ + b₁,   h = tanh(z₁),   z₂ = h W₂ + b₂,   L = −(1/n) Σ log softmax(z₂)_y

Back-propagation applies the chain rule from the loss backwards, reusing each layer's
result for the one below it:

    ∂L/∂z₂ = (softmax(z₂) − onehot(y)) / n
    ∂L/∂W₂ = hᵀ ∂L/∂z₂          ∂L/∂b₂ = Σ_rows ∂L/∂z₂
    ∂L/∂h  = ∂L/∂z₂ W₂ᵀ
    ∂L/∂z₁ = ∂L/∂h ⊙ (1 − h²)    (tanh' = 1 − tanh²)
    ∂L/∂W₁ = Xᵀ ∂L/∂z₁          ∂L/∂b₁ = Σ_rows ∂L/∂z₁

That is one forward pass and one backward pass of about the same cost, for every
parameter at once. The numerical route, central differences
``(L(θ + εe_i) − L(θ − εe_i)) / 2ε``, needs two forward passes per parameter: with P
parameters, 2P passes. It is the check, never the method.

Counting the matrix products' multiply-adds for a batch of n: the forward pass costs
``5nh`` (``X W₁`` and ``h W₂``), the backward pass ``7nh``, so central differences cost
``2P · 5nh / 12nh = 5P/6`` times as much as backprop: 27× for P = 32, and the ratio grows
with the network. ``timing=true`` also measures the wall-clock ratio (which varies from
run to run, so it is off by default and the output stays reproducible). Without it the
cost comparison is a count from formulas, an identity; timed, it is an experiment.

The negative control is the same backward pass with the local derivative of tanh left
out (``∂L/∂z₁ = ∂L/∂h``, as if the layer were linear): it must *not* match central
differences, which shows the check can tell a right chain rule from a wrong one.
``--set break=no-tanh-derivative`` uses that backward pass in the main run, and
``--set break=no-batch-mean`` forgets the 1/n of the mean loss; either fails the check.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator
from typing import Any

import numpy as np

from solvers import nn
from solvers.events import Event, check, log, table
from solvers.params import Param, break_param, broken

TITLE = "Backprop by hand on a 3→hidden→2 MLP, checked against central differences"

PARAMS = (
    Param("seed", "int", 0, "random seed for the weights and the batch", low=0, high=2**32 - 1),
    Param("hidden", "int", 5, "hidden units (tanh)", low=1, high=64),
    Param("batch", "int", 4, "examples in the batch", low=1, high=64),
    Param(
        "timing",
        "bool",
        False,
        "also time both routes on this machine (the output then varies from run to run)",
    ),
    break_param(
        {
            "no-tanh-derivative": "the backward pass skips ⊙ (1 − h²): W1 and b1 no longer "
            "match central differences",
            "no-batch-mean": "∂L/∂z₂ without the 1/n of the mean loss: every gradient is n "
            "times too large and none matches",
        }
    ),
)

INPUTS, OUTPUTS = 3, 2
TOL = 1e-7  # largest relative error accepted per parameter tensor
EPS = 1e-5  # central-difference step
NAMES = ("W1", "b1", "W2", "b2")

Params = dict[str, np.ndarray]


def init(rng: np.random.Generator, hidden: int) -> Params:
    """Weights ``~ N(0, 1/fan_in)``; biases small but non-zero so their gradients are too."""
    return {
        "W1": rng.standard_normal((INPUTS, hidden)) / np.sqrt(INPUTS),
        "b1": 0.1 * rng.standard_normal(hidden),
        "W2": rng.standard_normal((hidden, OUTPUTS)) / np.sqrt(hidden),
        "b2": 0.1 * rng.standard_normal(OUTPUTS),
    }


def forward(p: Params, x: np.ndarray, y: np.ndarray) -> tuple[float, dict[str, np.ndarray]]:
    """``L = cross_entropy(tanh(X W₁ + b₁) W₂ + b₂, y)``; also returns what backward needs."""
    h = nn.tanh(x @ p["W1"] + p["b1"])
    z2 = h @ p["W2"] + p["b2"]
    return nn.cross_entropy(z2, y), {"x": x, "y": y, "h": h, "z2": z2}


def backward(
    p: Params, cache: dict[str, np.ndarray], tanh_derivative: bool = True, mean: bool = True
) -> Params:
    """The chain rule from L back to every parameter (formulas in the module docstring).

    ``tanh_derivative=False`` leaves out ``⊙ (1 − h²)`` and ``mean=False`` the ``1/n``: the
    negative control and the breaks, each a wrong chain rule.
    """
    x, y, h, z2 = cache["x"], cache["y"], cache["h"], cache["z2"]
    n = x.shape[0] if mean else 1
    dz2 = (nn.softmax(z2) - np.eye(OUTPUTS)[y]) / n  # ∂L/∂z₂
    dw2 = h.T @ dz2  # ∂L/∂W₂ = hᵀ ∂L/∂z₂
    db2 = dz2.sum(axis=0)  # ∂L/∂b₂
    dh = dz2 @ p["W2"].T  # ∂L/∂h = ∂L/∂z₂ W₂ᵀ
    dz1 = dh * (1.0 - h * h) if tanh_derivative else dh  # ∂L/∂z₁ = ∂L/∂h ⊙ tanh'(z₁)
    dw1 = x.T @ dz1  # ∂L/∂W₁ = Xᵀ ∂L/∂z₁
    db1 = dz1.sum(axis=0)  # ∂L/∂b₁
    return {"W1": dw1, "b1": db1, "W2": dw2, "b2": db2}


def numerical_grads(
    p: Params, x: np.ndarray, y: np.ndarray, count: list[int] | None = None
) -> Params:
    """Central differences of L for every parameter tensor; counts the forward passes."""

    def loss_with(name: str) -> Callable[[np.ndarray], float]:
        def loss(value: np.ndarray) -> float:
            if count is not None:
                count[0] += 1
            return forward({**p, name: value}, x, y)[0]

        return loss

    return {name: nn.numerical_gradient(loss_with(name), p[name], eps=EPS) for name in NAMES}


def tiny_note(names: list[str], grads: Params, gaps: dict[str, float], floor: float) -> str:
    """Explains tensors that miss the relative tolerance only because their gradient is tiny."""
    norms = ", ".join(f"‖∂L/∂{n}‖ = {float(np.linalg.norm(grads[n])):.1e}" for n in names)
    largest = ", ".join(f"{gaps[n]:.1e}" for n in names)
    return (
        f"; {', '.join(names)} above {TOL:g} only because the gradient itself is tiny ({norms}): "
        f"the largest gaps ({largest}) are below central differences' rounding floor "
        f"100·ε_mach·|L|/ε = {floor:.1e}"
    )


def backprop_grads(
    p: Params, x: np.ndarray, y: np.ndarray, tanh_derivative: bool = True, mean: bool = True
) -> Params:
    """One forward pass, then one backward pass."""
    _, cache = forward(p, x, y)
    return backward(p, cache, tanh_derivative, mean)


def compare(
    analytic: Params, numeric: Params, loss: float
) -> tuple[dict[str, float], dict[str, float], list[str], float]:
    """Per tensor: the relative error and the largest gap between the two gradients; the
    tensors that miss the tolerance only because their gradient is below central
    differences' rounding floor; and that floor."""
    errors = {name: nn.relative_error(analytic[name], numeric[name]) for name in NAMES}
    gaps = {name: float(np.max(np.abs(analytic[name] - numeric[name]))) for name in NAMES}
    # Central differences carry a rounding error of about ε_mach·|L|/ε per entry; a tensor
    # whose gradient is itself that small cannot show 7 matching digits, only that floor.
    floor = 100.0 * np.finfo(np.float64).eps * max(abs(loss), 1.0) / EPS
    unresolved = [n for n in NAMES if errors[n] >= TOL and gaps[n] < floor]
    return errors, gaps, unresolved, floor


def forward_macs(n: int, hidden: int) -> int:
    """Multiply-adds of the forward pass's matrix products: ``X W₁`` and ``h W₂``."""
    return n * INPUTS * hidden + n * hidden * OUTPUTS


def backward_macs(n: int, hidden: int) -> int:
    """Multiply-adds of the backward pass's products: ``hᵀ∂z₂``, ``∂z₂W₂ᵀ`` and ``Xᵀ∂z₁``."""
    return n * hidden * OUTPUTS + n * OUTPUTS * hidden + n * INPUTS * hidden


def best_time(work: Callable[[], object], repeats: int) -> float:
    """The fastest of ``repeats`` runs of ``work``, in seconds (the least disturbed one)."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def run(
    seed: int, hidden: int, batch: int, timing: bool, **rest: str
) -> Generator[Event, None, dict[str, Any]]:
    """Compares back-propagated and numerical gradients of a small MLP, its control, and
    their cost."""
    removed = broken(rest)
    rng = np.random.default_rng(seed)
    p = init(rng, hidden)
    x = rng.standard_normal((batch, INPUTS))
    y = rng.integers(0, OUTPUTS, batch)
    loss, _ = forward(p, x, y)
    total = sum(v.size for v in p.values())
    yield log(
        f"MLP {INPUTS} → {hidden} (tanh) → {OUTPUTS} (softmax), {total} parameters, "
        f"a batch of {batch}: cross-entropy L = {loss:.6f}."
    )

    analytic = backprop_grads(
        p, x, y, removed != "no-tanh-derivative", mean=removed != "no-batch-mean"
    )
    count = [0]
    numeric = numerical_grads(p, x, y, count)
    errors, gaps, unresolved, floor = compare(analytic, numeric, loss)
    yield table(
        "back-propagation vs central differences (ε = 1e-5)",
        ["tensor", "shape", "‖∂L/∂θ‖", "max |backprop − numerical|", "relative error"],
        [
            [
                name,
                "×".join(str(d) for d in p[name].shape),
                float(np.linalg.norm(analytic[name])),
                gaps[name],
                errors[name],
            ]
            for name in NAMES
        ],
    )
    worst = max(errors.values())
    yield check(
        "backprop gradients match central differences",
        all(errors[n] < TOL or n in unresolved for n in NAMES),
        "relative errors "
        + ", ".join(f"{name} {err:.1e}" for name, err in errors.items())
        + (
            tiny_note(unresolved, analytic, gaps, floor)
            if unresolved
            else f" (all < {TOL:g})"
            if worst < TOL
            else f" (needed < {TOL:g})"
        ),
        kind="numerical",
    )
    wrong = backprop_grads(p, x, y, tanh_derivative=False)
    wrong_errors, _, wrong_unresolved, _ = compare(wrong, numeric, loss)
    caught = [n for n in NAMES if wrong_errors[n] >= TOL and n not in wrong_unresolved]
    yield check(
        "control: without tanh' = 1 − h² the backward pass does not match",
        bool(caught),
        "relative errors "
        + ", ".join(f"{name} {err:.1e}" for name, err in wrong_errors.items())
        + f": {', '.join(caught) or 'none'} above {TOL:g} (W2 and b2 do not pass through"
        " the tanh, so they still match)",
        kind="numerical",
        control=True,
    )
    yield check(
        "the numerical route needs 2 forward passes per parameter",
        count[0] == 2 * total,
        f"{count[0]} forward passes for {total} parameters; backprop: 1 forward + 1 backward",
        kind="identity",
    )

    f_macs, b_macs = forward_macs(batch, hidden), backward_macs(batch, hidden)
    numeric_macs, backprop_macs = 2 * total * f_macs, f_macs + b_macs
    op_ratio = numeric_macs / backprop_macs
    rows: list[list[Any]] = [
        ["backprop", "1 forward + 1 backward", backprop_macs],
        ["central differences", f"{2 * total} forward", numeric_macs],
    ]
    columns = ["method", "passes", "multiply-adds"]
    ratio = None
    if timing:
        t_backprop = best_time(lambda: backprop_grads(p, x, y), 20)
        t_numeric = best_time(lambda: numerical_grads(p, x, y), 3)
        ratio = t_numeric / t_backprop
        rows[0].append(f"{t_backprop * 1e6:.0f} µs")
        rows[1].append(f"{t_numeric * 1e6:.0f} µs")
        columns.append("time (best of several)")
    yield table("cost of one full gradient", columns, rows)
    yield check(
        "backprop is much cheaper",
        op_ratio > 1.0 and (ratio is None or ratio > 1.0),
        f"central differences need {op_ratio:.1f}× the multiply-adds of backprop "
        f"(2P·{f_macs} against {f_macs} + {b_macs}, i.e. 5P/6 with P = {total}: the gap grows "
        f"with the parameter count)"
        + (
            f"; timed on this machine they took {ratio:.0f}× as long"
            if ratio is not None
            else "; set timing=true to time both on this machine"
        ),
        # Counted from formulas it is arithmetic; timed, it is a measurement.
        kind="empirical" if ratio is not None else "identity",
    )
    metrics: dict[str, Any] = {
        "parameters": total,
        "loss": loss,
        "relative_errors": errors,
        "max_relative_error": worst,
        "forward_passes_numerical": count[0],
        "cost_ratio": op_ratio,
        "control_relative_errors": wrong_errors,
    }
    if ratio is not None:
        metrics["time_ratio"] = ratio
    return metrics
