"""``solvers.nn`` against references that share none of its code.

Each primitive is compared with a closed form, with SciPy where SciPy has the
function, and every derivative with central differences. Every test here turns
warnings into errors: the primitives promise finite results and no warnings for any
finite input, ±1000 included, because a demo prints whatever NumPy complains about.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Iterator

import numpy as np
import pytest
import scipy.special
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from solvers import nn

# NumPy reports overflow, 0/0 and log(0) as RuntimeWarning. Only those become errors:
# "error" for every category would also turn an unrelated DeprecationWarning raised
# while Hypothesis reports a failure into a crash of the whole pytest run.
pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")

Array = nn.Array


@pytest.fixture(autouse=True)
def _floating_point_errors_warn() -> Iterator[None]:
    """Overflow, 0/0 and log(0) must surface as warnings (made errors above) whatever
    the process-wide NumPy setting; underflow to 0 is harmless and stays silent."""
    with np.errstate(over="warn", invalid="warn", divide="warn", under="ignore"):
        yield


def central_difference(f: Callable[[Array], Array], x: Array, h: float = 1e-6) -> Array:
    """Element-wise derivative of an element-wise ``f``: ``(f(x + h) − f(x − h)) / 2h``."""
    return (f(x + h) - f(x - h)) / (2.0 * h)


def relative_error(a: Array, b: Array) -> float:
    """CS231n's gradient-check measure, ``‖a − b‖ / max(‖a‖, ‖b‖)``."""
    scale = max(float(np.linalg.norm(a)), float(np.linalg.norm(b)), 1e-300)
    return float(np.linalg.norm(a - b)) / scale


SMOOTH_POINTS = np.linspace(-6.0, 6.0, 49)
# ReLU has no derivative at 0: keep a margin wider than the step h.
RELU_POINTS = np.concatenate([np.linspace(-5.0, -1e-3, 20), np.linspace(1e-3, 5.0, 20)])

EXTREME_INPUTS = {
    "+1000": np.array([1000.0, 1000.0, 1000.0]),
    "-1000": np.array([-1000.0, -1000.0, -1000.0]),
    "mixed": np.array([-1000.0, 0.0, 1000.0, -999.0, 1001.0]),
    "2-D": np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 1000.0]]),
}

finite_floats = st.floats(-1e300, 1e300, allow_nan=False, allow_infinity=False)
moderate_floats = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)
vectors_or_batches = hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=8)


# Activations ---------------------------------------------------------------------------


def test_step_is_one_above_zero_and_zero_elsewhere() -> None:
    x = np.array([-3.0, -1e-300, 0.0, 1e-300, 2.5])
    np.testing.assert_array_equal(nn.step(x), [0.0, 0.0, 0.0, 1.0, 1.0])
    np.testing.assert_array_equal(nn.step(x), np.heaviside(x, 0.0))


def test_sigmoid_matches_scipy_expit() -> None:
    x = np.concatenate([SMOOTH_POINTS, [-745.0, -40.0, 40.0, 745.0]])
    np.testing.assert_allclose(nn.sigmoid(x), scipy.special.expit(x), rtol=1e-14, atol=1e-300)


def test_sigmoid_closed_form_values() -> None:
    assert nn.sigmoid(0.0) == 0.5
    assert nn.sigmoid(math.log(3.0)) == pytest.approx(0.75, rel=1e-15)
    assert nn.sigmoid(-math.log(3.0)) == pytest.approx(0.25, rel=1e-15)


def test_tanh_matches_math_tanh_and_twice_sigmoid_minus_one() -> None:
    x = SMOOTH_POINTS
    expected = np.array([math.tanh(v) for v in x])
    np.testing.assert_allclose(nn.tanh(x), expected, rtol=1e-14, atol=1e-16)
    np.testing.assert_allclose(nn.tanh(x), 2.0 * scipy.special.expit(2.0 * x) - 1.0, atol=1e-15)


def test_relu_is_max_of_zero_and_x() -> None:
    x = np.array([-1000.0, -2.0, -0.0, 0.0, 0.5, 1000.0])
    np.testing.assert_array_equal(nn.relu(x), [0.0, 0.0, 0.0, 0.0, 0.5, 1000.0])


@pytest.mark.parametrize(
    ("fn", "grad", "points"),
    [
        (nn.sigmoid, nn.sigmoid_grad, SMOOTH_POINTS),
        (nn.tanh, nn.tanh_grad, SMOOTH_POINTS),
        (nn.relu, nn.relu_grad, RELU_POINTS),
    ],
    ids=["sigmoid", "tanh", "relu"],
)
def test_derivative_matches_central_differences(
    fn: Callable[[Array], Array], grad: Callable[[Array], Array], points: Array
) -> None:
    numeric = central_difference(fn, points)
    assert relative_error(grad(points), numeric) < 1e-7


def test_sigmoid_grad_closed_form() -> None:
    x = SMOOTH_POINTS
    s = scipy.special.expit(x)
    np.testing.assert_allclose(nn.sigmoid_grad(x), s * (1.0 - s), rtol=1e-12, atol=1e-17)
    assert nn.sigmoid_grad(0.0) == 0.25
    assert np.all(nn.sigmoid_grad(x) <= 0.25)


def test_tanh_grad_closed_form() -> None:
    x = SMOOTH_POINTS
    np.testing.assert_allclose(nn.tanh_grad(x), 1.0 / np.cosh(x) ** 2, rtol=1e-9, atol=1e-15)
    assert nn.tanh_grad(0.0) == 1.0


def test_relu_grad_is_the_indicator_of_positive_inputs() -> None:
    x = np.array([-5.0, -1e-9, 0.0, 1e-9, 5.0])
    # At 0 ReLU has no derivative; nn documents the convention 0.
    np.testing.assert_array_equal(nn.relu_grad(x), [0.0, 0.0, 0.0, 1.0, 1.0])


@pytest.mark.parametrize(
    "fn",
    [nn.step, nn.sigmoid, nn.sigmoid_grad, nn.tanh, nn.tanh_grad, nn.relu, nn.relu_grad],
    ids=lambda f: f.__name__,
)
def test_element_wise_functions_return_float64_of_the_input_shape(
    fn: Callable[[object], Array],
) -> None:
    for x in ([[1, -2, 3], [0, 4, -5]], np.ones((2, 3), dtype=np.float32)):
        out = fn(x)
        assert out.dtype == np.float64
        assert out.shape == (2, 3)


@pytest.mark.parametrize("case", EXTREME_INPUTS, ids=str)
@pytest.mark.parametrize(
    "fn",
    [nn.step, nn.sigmoid, nn.sigmoid_grad, nn.tanh, nn.tanh_grad, nn.relu, nn.relu_grad],
    ids=lambda f: f.__name__,
)
def test_element_wise_functions_are_finite_and_silent_on_extreme_inputs(
    fn: Callable[[Array], Array], case: str
) -> None:
    out = fn(EXTREME_INPUTS[case])
    assert np.all(np.isfinite(out))


def test_sigmoid_saturates_at_extremes_without_overflow() -> None:
    out = nn.sigmoid(np.array([-1000.0, 1000.0]))
    np.testing.assert_array_equal(out, [0.0, 1.0])
    np.testing.assert_array_equal(nn.sigmoid_grad(np.array([-1000.0, 1000.0])), [0.0, 0.0])


@given(hnp.arrays(np.float64, vectors_or_batches, elements=finite_floats))
def test_sigmoid_is_in_unit_interval_and_symmetric(x: Array) -> None:
    s = nn.sigmoid(x)
    assert np.all((s >= 0.0) & (s <= 1.0))
    np.testing.assert_allclose(nn.sigmoid(-x), 1.0 - s, rtol=0, atol=1e-15)


# Softmax and log-softmax ---------------------------------------------------------------


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_softmax_and_log_softmax_match_scipy(axis: int) -> None:
    z = np.random.default_rng(0).normal(scale=5.0, size=(4, 6))
    np.testing.assert_allclose(
        nn.softmax(z, axis=axis), scipy.special.softmax(z, axis=axis), rtol=1e-13
    )
    np.testing.assert_allclose(
        nn.log_softmax(z, axis=axis), scipy.special.log_softmax(z, axis=axis), rtol=1e-13
    )


def test_softmax_default_axis_is_the_last() -> None:
    z = np.arange(6.0).reshape(2, 3)
    np.testing.assert_allclose(nn.softmax(z).sum(axis=-1), [1.0, 1.0], rtol=1e-15)
    np.testing.assert_allclose(nn.softmax(z), scipy.special.softmax(z, axis=-1), rtol=1e-14)


def test_softmax_closed_form_values() -> None:
    np.testing.assert_allclose(nn.softmax([0.0, 0.0, 0.0, 0.0]), [0.25] * 4, rtol=1e-15)
    p = nn.softmax([0.0, math.log(3.0)])
    np.testing.assert_allclose(p, [0.25, 0.75], rtol=1e-15)
    # Two classes: softmax is the sigmoid of the difference.
    assert nn.softmax([1.0, 3.5])[1] == pytest.approx(scipy.special.expit(2.5), rel=1e-15)


@pytest.mark.parametrize("axis", [0, -1])
@pytest.mark.parametrize("case", EXTREME_INPUTS, ids=str)
def test_softmax_is_finite_and_silent_on_extreme_inputs(case: str, axis: int) -> None:
    z = EXTREME_INPUTS[case]
    p = nn.softmax(z, axis=axis)
    logp = nn.log_softmax(z, axis=axis)
    assert np.all(np.isfinite(p)) and np.all(np.isfinite(logp))
    np.testing.assert_allclose(p.sum(axis=axis), 1.0, rtol=1e-15)
    np.testing.assert_allclose(p, scipy.special.softmax(z, axis=axis), rtol=1e-13, atol=1e-300)
    np.testing.assert_allclose(logp, scipy.special.log_softmax(z, axis=axis), rtol=1e-13)


def test_softmax_of_1000_and_1001_is_that_of_0_and_1() -> None:
    p = nn.softmax([1000.0, 1001.0])
    np.testing.assert_allclose(p, [1.0 / (1.0 + math.e), math.e / (1.0 + math.e)], rtol=1e-15)
    np.testing.assert_allclose(nn.log_softmax([1000.0, 1001.0]), np.log(p), rtol=1e-15)


@given(hnp.arrays(np.float64, vectors_or_batches, elements=finite_floats))
def test_softmax_is_a_distribution_for_any_finite_logits(z: Array) -> None:
    p = nn.softmax(z)
    assert np.all(p >= 0.0)
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=1e-14)


@given(
    hnp.arrays(np.float64, vectors_or_batches, elements=moderate_floats),
    st.floats(-1e3, 1e3),
)
def test_softmax_is_invariant_to_adding_a_constant(z: Array, c: float) -> None:
    np.testing.assert_allclose(nn.softmax(z + c), nn.softmax(z), rtol=1e-9, atol=1e-12)


@given(hnp.arrays(np.float64, vectors_or_batches, elements=finite_floats))
def test_log_softmax_is_log_of_softmax_where_that_is_finite(z: Array) -> None:
    logp = nn.log_softmax(z)
    assert np.all(logp <= 0.0)
    p = nn.softmax(z)
    # Below the smallest normal float, softmax has lost its relative precision.
    usable = p >= np.finfo(np.float64).tiny
    np.testing.assert_allclose(logp[usable], np.log(p[usable]), rtol=1e-12, atol=1e-12)


# Losses --------------------------------------------------------------------------------


def test_mse_uses_the_half_convention() -> None:
    assert nn.mse([1.0, 2.0, 3.0], [1.0, 2.0, 5.0]) == pytest.approx(2.0 / 3.0, rel=1e-15)
    assert nn.mse([[3.0]], [[1.0]]) == 2.0
    assert nn.mse([0.5, -0.5], [0.5, -0.5]) == 0.0


def test_mse_gradient_is_the_error_over_n() -> None:
    rng = np.random.default_rng(1)
    pred, target = rng.normal(size=5), rng.normal(size=5)
    numeric = nn.numerical_gradient(lambda p: nn.mse(p, target), pred)
    assert relative_error(numeric, (pred - target) / pred.size) < 1e-7


def test_mse_is_a_float_and_finite_at_1000() -> None:
    value = nn.mse([1000.0, -1000.0], [-1000.0, 1000.0])
    assert isinstance(value, float)
    assert value == 2_000_000.0


def test_cross_entropy_is_mean_nll_under_scipy_log_softmax() -> None:
    rng = np.random.default_rng(2)
    logits = rng.normal(scale=3.0, size=(7, 4))
    labels = np.array([0, 3, 1, 1, 2, 0, 3])
    expected = -np.mean(scipy.special.log_softmax(logits, axis=1)[np.arange(7), labels])
    value = nn.cross_entropy(logits, labels)
    assert isinstance(value, float)
    assert value == pytest.approx(expected, rel=1e-13)


def test_cross_entropy_closed_forms() -> None:
    # Uniform logits: every class has probability 1/k, so the loss is log k.
    assert nn.cross_entropy(np.zeros((3, 5)), [0, 2, 4]) == pytest.approx(math.log(5), rel=1e-15)
    # One example given as a 1-D row of logits.
    assert nn.cross_entropy([0.0, math.log(3.0)], [1]) == pytest.approx(-math.log(0.75))


def test_cross_entropy_is_finite_for_extreme_logits() -> None:
    logits = np.array([[1000.0, -1000.0], [-1000.0, 1000.0], [1000.0, 1000.0]])
    # Right with certainty costs 0, wrong with certainty costs the logit gap, a tie log 2.
    value = nn.cross_entropy(logits, [0, 0, 1])
    assert value == pytest.approx((0.0 + 2000.0 + math.log(2.0)) / 3.0, rel=1e-15)


def test_cross_entropy_gradient_is_softmax_minus_one_hot_over_n() -> None:
    rng = np.random.default_rng(3)
    logits = rng.normal(size=(4, 3))
    labels = np.array([2, 0, 1, 2])
    numeric = nn.numerical_gradient(lambda z: nn.cross_entropy(z, labels), logits)
    analytic = (scipy.special.softmax(logits, axis=1) - np.eye(3)[labels]) / 4
    assert relative_error(numeric, analytic) < 1e-7


# Dropout -------------------------------------------------------------------------------


@pytest.mark.parametrize("rate", [0.1, 0.5, 0.8])
def test_dropout_zeroes_about_rate_and_scales_survivors(rate: float) -> None:
    x = np.random.default_rng(4).uniform(0.5, 2.0, size=(200, 500))
    out = nn.dropout(x, rate, np.random.default_rng(5))
    dropped = out == 0.0
    assert abs(dropped.mean() - rate) < 0.01
    np.testing.assert_allclose(out[~dropped], x[~dropped] / (1.0 - rate), rtol=1e-15)


@pytest.mark.parametrize("rate", [0.2, 0.5, 0.9])
def test_dropout_keeps_the_expected_output_equal_to_the_input(rate: float) -> None:
    x = np.full((400, 500), 3.0)
    out = nn.dropout(x, rate, np.random.default_rng(6))
    # Each output is 0 or 3/(1−rate): the mean of 200,000 of them is 3 within a few σ.
    sigma = 3.0 * math.sqrt(rate / (1.0 - rate) / x.size)
    assert abs(out.mean() - 3.0) < 6 * sigma


def test_dropout_is_an_identity_copy_when_not_training() -> None:
    x = np.random.default_rng(7).normal(size=(3, 4))
    before = x.copy()
    out = nn.dropout(x, 0.5, np.random.default_rng(8), training=False)
    np.testing.assert_array_equal(out, x)
    assert not np.shares_memory(out, x)
    out[0, 0] = 123.0
    np.testing.assert_array_equal(x, before)


def test_dropout_at_rate_zero_drops_nothing() -> None:
    x = np.arange(1.0, 7.0)
    np.testing.assert_array_equal(nn.dropout(x, 0.0, np.random.default_rng(9)), x)


def test_dropout_is_reproducible_with_the_same_seed() -> None:
    x = np.ones(1000)
    a = nn.dropout(x, 0.3, np.random.default_rng(10))
    b = nn.dropout(x, 0.3, np.random.default_rng(10))
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("rate", [-0.1, 1.0, 1.5, float("nan")])
def test_dropout_rejects_a_rate_outside_zero_to_one(rate: float, training: bool) -> None:
    with pytest.raises(ValueError, match="rate"):
        nn.dropout(np.ones(3), rate, np.random.default_rng(0), training=training)


def test_dropout_is_finite_and_silent_at_1000() -> None:
    x = EXTREME_INPUTS["2-D"]
    out = nn.dropout(x, 0.5, np.random.default_rng(11))
    assert np.all(np.isfinite(out))
    assert set(np.unique(np.abs(out))) <= {0.0, 2000.0}


# Batch normalisation -------------------------------------------------------------------


@pytest.fixture
def batch() -> Array:
    """8 examples, 3 features on very different scales; the last has σ² ≈ 1e-6, comparable
    to eps, where the biased and unbiased variances (factor 8/7) give visibly different
    outputs."""
    rng = np.random.default_rng(12)
    scales, means = np.array([1.0, 50.0, 1e-3]), np.array([0.0, -300.0, 7.0])
    values: Array = rng.normal(size=(8, 3)) * scales + means
    return values


def test_batch_norm_standardises_each_feature_over_the_batch(batch: Array) -> None:
    eps = 1e-5
    out = nn.batch_norm(batch, np.ones(3), np.zeros(3), eps=eps)
    assert out.shape == batch.shape
    np.testing.assert_allclose(out.mean(axis=0), 0.0, atol=1e-12)
    for j in range(3):
        var = statistics.pvariance(batch[:, j].tolist())  # biased (population) variance
        expected = var / (var + eps)
        assert statistics.pvariance(out[:, j].tolist()) == pytest.approx(expected, rel=1e-10)


def test_batch_norm_with_no_eps_gives_unit_variance(batch: Array) -> None:
    out = nn.batch_norm(batch, 1.0, 0.0, eps=0.0)
    np.testing.assert_allclose(out.var(axis=0), 1.0, rtol=1e-12)


def test_batch_norm_gamma_scales_and_beta_shifts(batch: Array) -> None:
    gamma, beta = np.array([2.0, -0.5, 10.0]), np.array([1.0, 0.0, -3.0])
    plain = nn.batch_norm(batch, np.ones(3), np.zeros(3))
    out = nn.batch_norm(batch, gamma, beta)
    np.testing.assert_allclose(out, gamma * plain + beta, rtol=1e-14, atol=1e-14)
    np.testing.assert_allclose(out.mean(axis=0), beta, atol=1e-12)


def test_batch_norm_of_a_constant_feature_is_beta_without_warnings() -> None:
    x = np.array([[5.0, 1.0], [5.0, 2.0], [5.0, 3.0]])
    out = nn.batch_norm(x, np.array([3.0, 1.0]), np.array([0.25, 0.0]))
    np.testing.assert_array_equal(out[:, 0], [0.25, 0.25, 0.25])


def test_batch_norm_is_finite_and_silent_at_1000() -> None:
    x = EXTREME_INPUTS["2-D"]
    out = nn.batch_norm(x, np.ones(3), np.zeros(3))
    assert np.all(np.isfinite(out))
    np.testing.assert_allclose(np.abs(out[:, :2]), 1.0, rtol=1e-10)


# Numerical gradient --------------------------------------------------------------------

SMOOTH_FUNCTIONS: dict[str, tuple[Callable[[Array], float], Callable[[Array], Array]]] = {
    "cubic": (lambda x: float(np.sum(x**3) / 3.0), lambda x: x**2),
    "sin·exp": (
        lambda x: float(np.sum(np.sin(x) * np.exp(x / 3.0))),
        lambda x: np.exp(x / 3.0) * (np.cos(x) + np.sin(x) / 3.0),
    ),
    "logsumexp": (
        lambda x: float(scipy.special.logsumexp(x)),
        lambda x: scipy.special.softmax(x),
    ),
    "quadratic form": (
        lambda x: float(x.reshape(-1) @ np.diag([1.0, 2.0, 3.0, 4.0, 5.0, 6.0]) @ x.reshape(-1)),
        lambda x: 2.0 * np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0]).reshape(x.shape) * x,
    ),
}


@pytest.mark.parametrize("name", SMOOTH_FUNCTIONS)
def test_numerical_gradient_matches_analytic_gradients(name: str) -> None:
    f, grad = SMOOTH_FUNCTIONS[name]
    x = np.random.default_rng(13).normal(size=(2, 3))
    numeric = nn.numerical_gradient(f, x)
    assert numeric.shape == x.shape
    assert relative_error(numeric, grad(x)) < 1e-7


def test_numerical_gradient_does_not_modify_its_input() -> None:
    x = np.random.default_rng(14).normal(size=(3, 2))
    before = x.copy()
    seen_changed = []

    def f(v: Array) -> float:
        # The caller's array must not move even while f runs: f may well read it.
        seen_changed.append(not np.array_equal(x, before))
        return float(np.sum(np.sin(v)))

    nn.numerical_gradient(f, x)
    np.testing.assert_array_equal(x, before)
    assert not any(seen_changed)


def test_numerical_gradient_of_sigmoid_sum_is_sigmoid_grad() -> None:
    x = SMOOTH_POINTS
    numeric = nn.numerical_gradient(lambda v: float(np.sum(nn.sigmoid(v))), x)
    assert relative_error(numeric, nn.sigmoid_grad(x)) < 1e-7


def test_numerical_gradient_accepts_integer_input() -> None:
    numeric = nn.numerical_gradient(lambda v: float(np.sum(v**2)), [1, 2, 3])
    assert numeric.dtype == np.float64
    np.testing.assert_allclose(numeric, [2.0, 4.0, 6.0], rtol=1e-9)


# Regressions found by review: the very edges of the float range.


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_softmax_of_a_gap_wider_than_the_float_range_is_exact_and_silent() -> None:
    np.testing.assert_array_equal(nn.softmax([1e308, -1e308]), [1.0, 0.0])
    logp = nn.log_softmax([1e308, -1e308])
    assert logp[0] == 0.0 and logp[1] == -np.inf


@pytest.mark.filterwarnings("error::RuntimeWarning")
@pytest.mark.parametrize("big", [1e200, 1e308])
def test_batch_norm_of_huge_values_does_not_overflow(big: float) -> None:
    out = nn.batch_norm([[big], [-big]], 1.0, 0.0)
    np.testing.assert_allclose(out.ravel(), [1.0, -1.0])


def test_sigmoid_grad_is_symmetric_in_the_tails() -> None:
    assert nn.sigmoid_grad(40.0) == nn.sigmoid_grad(-40.0) > 0


@pytest.mark.parametrize(
    ("logits", "labels"),
    [(np.zeros((3, 2)), [0, 1]), (np.zeros((2, 2)), [0, -1]), (np.zeros((1, 2)), [2])],
)
def test_cross_entropy_refuses_labels_that_do_not_fit(
    logits: np.ndarray, labels: list[int]
) -> None:
    with pytest.raises(ValueError):
        nn.cross_entropy(logits, labels)


def test_cross_entropy_takes_whole_number_float_labels_and_refuses_fractions() -> None:
    logits = np.array([[0.0, 2.0], [1.0, -1.0]])
    assert nn.cross_entropy(logits, np.array([1.0, 0.0])) == nn.cross_entropy(logits, [1, 0])
    with pytest.raises(ValueError):
        nn.cross_entropy(logits, [0.5, 1.0])
