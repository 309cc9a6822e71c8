"""``solvers.nn`` keeps its contract at the edges of the float range and on empty input.

Every test runs with ``np.errstate(all="raise")`` and RuntimeWarnings as errors: a
primitive may not overflow, underflow noisily, divide by zero or take the mean of
nothing, whatever the process-wide NumPy setting is. Each docstring says how the code
before this file (commit e4a467c) failed the test.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
import pytest
import scipy.special

from solvers import nn

pytestmark = pytest.mark.filterwarnings("error")


@pytest.fixture(autouse=True)
def _every_floating_point_event_raises() -> Iterator[None]:
    with np.errstate(all="raise"):
        yield


# tanh_grad --------------------------------------------------------------------------


@pytest.mark.parametrize("x", [19.0, -19.0, 25.0, 100.0, -300.0])
def test_tanh_grad_keeps_its_tails(x: float) -> None:
    """``sech²(x)`` to 1e-13 relative, against mpmath-free ``1/cosh²`` in log space.

    Old code: ``1 − tanh²`` rounds to exactly 0 for |x| ≥ 19 (true 1.3e-16 at 19).
    """
    expected = math.exp(math.log(4.0) - 2.0 * abs(x) - 2.0 * math.log1p(math.exp(-2.0 * abs(x))))
    assert float(nn.tanh_grad(x)) == pytest.approx(expected, rel=1e-13)
    assert float(nn.tanh_grad(x)) > 0.0


def test_tanh_grad_matches_one_minus_tanh_squared_where_that_is_accurate() -> None:
    """Old and new pass: near 0 both forms agree (a guard for the rewrite)."""
    x = np.linspace(-3.0, 3.0, 61)
    assert nn.tanh_grad(x) == pytest.approx(1.0 - np.tanh(x) ** 2, rel=1e-14, abs=1e-15)


def test_tanh_grad_is_silent_far_in_the_tails() -> None:
    """Old and new pass: a guard that e^(−2|x|) underflowing to 0 raises nothing."""
    assert nn.tanh_grad(np.array([-1e300, 1e300, 400.0])).tolist() == [0.0, 0.0, 0.0]


# numerical_gradient -------------------------------------------------------------------


@pytest.mark.parametrize("theta", [1e11, 1e12, 1e15, -3e20])
def test_numerical_gradient_uses_a_relative_step(theta: float) -> None:
    """d/dθ θ² = 2θ at large θ.

    Old code: the absolute step 1e-5 is below the spacing of floats near 1e12, so
    ``θ + ε == θ`` and the estimate is 0 (and badly rounded at 1e11).
    """
    grad = nn.numerical_gradient(lambda v: float(v[0] * v[0]), np.array([theta]))
    assert float(grad[0]) == pytest.approx(2.0 * theta, rel=1e-8)


def test_numerical_gradient_of_tiny_parameters_is_still_accurate() -> None:
    """Old and new pass: max(1, |θ|) keeps the step at ε for small θ (a guard)."""
    grad = nn.numerical_gradient(lambda v: float(np.sum(np.sin(v))), np.array([1e-9, 0.5]))
    assert grad == pytest.approx(np.cos([1e-9, 0.5]), rel=1e-9)


# mse, dropout, batch_norm at 1e-160 and 1e300 -----------------------------------------


def test_mse_of_tiny_differences_is_silent_and_right() -> None:
    """Old code: ``d * d`` of 2e-160 underflows: FloatingPointError under errstate(all="raise")."""
    value = nn.mse(np.full(4, 1e-160), np.full(4, -1e-160))
    assert value == pytest.approx(0.5 * (2e-160) ** 2, rel=1e-10, abs=1e-323)


def test_mse_of_huge_values_is_right_and_silent() -> None:
    """Old code: ``d * d`` of 1.5e154 overflows, raising; the true value, 1.125e308, fits."""
    assert nn.mse(np.array([1.5e154, -1.5e154]), np.zeros(2)) == pytest.approx(1.125e308)


def test_mse_beyond_the_float_range_is_inf_without_a_warning() -> None:
    """The documented limit. Old code: overflow raised."""
    assert nn.mse(np.array([1e300]), np.array([-1e300])) == math.inf


def test_dropout_of_values_near_the_float_limit_is_silent() -> None:
    """Old code: ``1.5e308 / (1 − 0.5)`` overflows, raising; now ±inf, as documented."""
    out = nn.dropout(np.full(64, 1.5e308), 0.5, np.random.default_rng(0))
    assert set(out.tolist()) == {0.0, math.inf}


def test_dropout_of_tiny_values_is_silent_and_scaled() -> None:
    """Old and new pass: a guard that 1e-160 survivors are exactly x / (1 − rate)."""
    out = nn.dropout(np.full(64, 1e-160), 0.5, np.random.default_rng(0))
    assert set(out.tolist()) == {0.0, 2e-160}


def test_batch_norm_of_a_feature_of_1e_minus_160_is_silent_and_right() -> None:
    """x̂ = (x − μ)/√(σ² + ε); with σ² = 2.5e-321 ≪ ε that is (x − μ)/√ε.

    Old code: ``ε / s / s`` with s = 2e-160 overflows, raising.
    """
    x = np.array([[1e-160, 1.0], [2e-160, 3.0]])
    out = nn.batch_norm(x, 1.0, 0.0)
    assert out[:, 0] == pytest.approx([-0.5e-160 / math.sqrt(1e-5), 0.5e-160 / math.sqrt(1e-5)])
    assert out[:, 1] == pytest.approx([-1.0 / math.sqrt(1.0 + 1e-5), 1.0 / math.sqrt(1.0 + 1e-5)])


@pytest.mark.parametrize("big", [1e300, 1.7e308])
def test_batch_norm_of_huge_features_is_silent(big: float) -> None:
    """Old and new pass (the old code already worked in units of the largest value):
    a guard that the tiny-feature branch leaves huge features alone."""
    out = nn.batch_norm(np.array([[big], [-big]]), 1.0, 0.0)
    assert out[:, 0] == pytest.approx([1.0, -1.0])


# Empty input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda: nn.mse([], []),
        lambda: nn.cross_entropy(np.zeros((0, 3)), []),
        lambda: nn.binary_cross_entropy([], []),
        lambda: nn.batch_norm(np.zeros((0, 2)), 1.0, 0.0),
    ],
    ids=["mse", "cross_entropy", "binary_cross_entropy", "batch_norm"],
)
def test_means_over_nothing_raise_a_clear_value_error(call: object) -> None:
    """Old code: mse and cross_entropy warned "Mean of empty slice" and returned nan;
    batch_norm raised NumPy's "zero-size array to reduction operation"."""
    with pytest.raises(ValueError, match=r"no (elements|examples)|at least one example"):
        call()  # type: ignore[operator]


def test_softmax_and_log_softmax_of_nothing_are_empty() -> None:
    """Old code: ``np.max`` of an empty array raised ValueError."""
    assert nn.softmax([]).shape == (0,)
    assert nn.log_softmax(np.zeros((3, 0))).shape == (3, 0)


def test_dropout_and_elementwise_functions_of_nothing_are_empty() -> None:
    """Old and new pass: a guard for the documented behaviour."""
    assert nn.dropout([], 0.5, np.random.default_rng(0)).shape == (0,)
    for f in (nn.sigmoid, nn.sigmoid_grad, nn.tanh_grad, nn.relu):
        assert f(np.zeros(0)).shape == (0,)


# logsumexp -----------------------------------------------------------------------------


@pytest.mark.parametrize("axis", [None, 0, 1, -1])
def test_logsumexp_matches_scipy(axis: int | None) -> None:
    """Old code had no logsumexp."""
    z = np.random.default_rng(1).normal(size=(4, 5)) * 300.0
    assert nn.logsumexp(z, axis=axis) == pytest.approx(scipy.special.logsumexp(z, axis=axis))


def test_logsumexp_of_extremes_and_of_nothing() -> None:
    """No overflow at 1e308, a gap wider than the float range, and −inf over nothing."""
    assert float(nn.logsumexp([1000.0, 1000.0])) == pytest.approx(1000.0 + math.log(2.0))
    assert float(nn.logsumexp([-1e308, 1e308])) == 1e308
    assert float(nn.logsumexp([])) == -math.inf
    assert nn.logsumexp(np.zeros((2, 0)), axis=1).tolist() == [-math.inf, -math.inf]


# The shared helpers --------------------------------------------------------------------


def test_relative_error_is_scale_free_and_zero_for_two_zeros() -> None:
    """‖a − b‖/(‖a‖ + ‖b‖), computed in units of the largest entry: no over/underflow."""
    assert nn.relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert nn.relative_error([1e-200], [1.1e-200]) == pytest.approx(0.1 / 2.1)
    assert nn.relative_error([1e300, 0.0], [0.0, 1e300]) == pytest.approx(math.sqrt(2.0) / 2.0)
    assert nn.relative_error([1.0], [-1.0]) == 1.0


def test_binary_cross_entropy_matches_two_class_cross_entropy() -> None:
    z = np.array([-800.0, -3.0, 0.0, 2.0, 700.0])
    y = np.array([1.0, 0.0, 1.0, 1.0, 0.0])
    two_class = nn.cross_entropy(np.stack([np.zeros_like(z), z], axis=1), y)
    assert nn.binary_cross_entropy(z, y) == pytest.approx(two_class, rel=1e-14)


def test_adam_step_first_step_moves_each_weight_by_lr_against_the_gradient_sign() -> None:
    """At t = 1 the bias-corrected step is lr·g/(|g| + ε) ≈ lr·sign(g)."""
    theta, g = np.array([1.0, 1.0, 1.0]), np.array([1e-3, -5.0, 0.0])
    m, v = np.zeros(3), np.zeros(3)
    nn.adam_step(theta, g, m, v, t=1, lr=0.1)
    assert theta == pytest.approx([0.9, 1.1, 1.0], abs=1e-6)
    assert m == pytest.approx(0.1 * g) and v == pytest.approx(0.001 * g * g)


def test_clip_by_global_norm_scales_all_tensors_together() -> None:
    grads = {"a": np.array([3.0, 0.0]), "b": np.array([[4.0]])}
    clipped, norm = nn.clip_by_global_norm(grads, 1.0)
    assert norm == 5.0
    assert clipped["a"] == pytest.approx([0.6, 0.0])
    assert clipped["b"] == pytest.approx(np.array([[0.8]]))
    same, _ = nn.clip_by_global_norm(grads, 10.0)
    assert same["a"] is grads["a"]


def test_global_norm_of_huge_and_tiny_tensors_is_silent() -> None:
    assert nn.global_norm([np.array([3e200]), np.array([4e200])]) == pytest.approx(5e200)
    assert nn.global_norm([np.array([3e-200, 4e-200])]) == pytest.approx(5e-200)
    assert nn.global_norm([]) == 0.0
