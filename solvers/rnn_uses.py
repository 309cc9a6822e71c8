"""Two real uses of a recurrent network: a character-level language model and forecasting.

A vanilla RNN reads a sequence one step at a time and carries a hidden state:

    h_t = tanh(x_t W_x + h_{t−1} W_h + b),   y_t = h_t W_y + b_y.

It is trained by back-propagation through time (BPTT): unroll the loop over the
sequence, back-propagate through every step, and add up the gradients of the shared
weights, e.g. ∂L/∂W_h = Σ_t h_{t−1}ᵀ δ_t with δ_t = (∂L/∂h_t + δ_{t+1} W_hᵀ) ⊙ tanh′(·).

1. Language model: x_t is the one-hot current character, y_t the logits of the next.
   It is scored in bits per character, −(1/N) Σ log₂ p(c_{t+1} | c_1..c_t). A memoryless
   predictor gives every position the same distribution q; the best one on a text is its
   own character frequencies, scoring the entropy H = −Σ_c q_c log₂ q_c. Any model that
   uses context (the letters so far) can go below that.
2. Forecasting: x_t is the value of a sine wave, y_t the forecast of the next value. The
   naive forecast "tomorrow = today" has error 1 − cos ω on average for sin(ωt); the RNN
   learns the dynamics (a sine obeys s_{t+1} = 2cos ω · s_t − s_{t−1}) and does far better
   on later, held-out stretches of the series.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import Any

import numpy as np

from solvers import nn
from solvers.events import Event, check, log, point, table
from solvers.params import Param

TITLE = "RNN uses: a character-level language model and sine-wave forecasting, trained by BPTT"

PARAMS = (
    Param("seed", "int", 0, "random seed of the weights and the sampling", low=0, high=2**32 - 1),
    Param("hidden", "int", 16, "hidden units of both RNNs", low=4, high=64),
)

TRAIN_TEXT = (
    "the cat sat on the mat. the dog sat on the log. the cat saw the dog, and the dog "
    "saw the cat. the cat ran to the mat and the dog ran to the log. a small cat sat on "
    "a small mat. a big dog sat on a big log. the big dog saw the small cat on the mat, "
    "and the small cat saw the big dog on the log. then the cat and the dog sat in the "
    "sun, and the sun was on the cat and on the dog. the dog ran and the cat sat. "
)
HELD_OUT_TEXT = (
    "the small dog sat on the mat. the big cat ran to the log, and the dog saw the cat in the sun. "
)
CHUNK = 25  # characters per BPTT sequence
LM_ITERATIONS = 150
LM_LR = 0.03
SINE_OMEGA = 0.3  # s_t = sin(ω t): a period of about 21 steps
SINE_TRAIN_END, SINE_END = 400, 600  # train on t < 400, forecast t in [400, 600)
SINE_WINDOW, SINE_WARMUP = 24, 4
SINE_ITERATIONS = 200
SINE_LR = 0.02
CLIP = 5.0

Params = dict[str, np.ndarray]


SMALL_BLAS = 200_000  # multiply-adds per matrix product: below OpenBLAS's threading cutoff


def matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a @ b`` for 2-D arrays, in blocks of rows so each BLAS call stays single-threaded.

    OpenBLAS hands products above ~2.6·10⁵ multiply-adds to several threads; at these
    sizes starting them costs far more than it saves (milliseconds on a busy machine).
    """
    rows = max(1, SMALL_BLAS // max(1, a.shape[1] * b.shape[1]))
    if a.shape[0] <= rows:
        result: np.ndarray = a @ b
        return result
    return np.concatenate([a[i : i + rows] @ b for i in range(0, a.shape[0], rows)])


def gram(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``aᵀ b`` summed over blocks of rows (the same single-thread rule as :func:`matmul`)."""
    rows = max(1, SMALL_BLAS // max(1, a.shape[1] * b.shape[1]))
    total = np.zeros((a.shape[1], b.shape[1]))
    for i in range(0, a.shape[0], rows):
        total += a[i : i + rows].T @ b[i : i + rows]
    return total


def init_rnn(rng: np.random.Generator, n_in: int, hidden: int, n_out: int) -> Params:
    """Small random weights (scaled by 1/√fan-in), zero biases."""
    return {
        "wx": rng.standard_normal((n_in, hidden)) / math.sqrt(n_in),
        "wh": rng.standard_normal((hidden, hidden)) * 0.5 / math.sqrt(hidden),
        "b": np.zeros(hidden),
        "wy": rng.standard_normal((hidden, n_out)) / math.sqrt(hidden),
        "by": np.zeros(n_out),
    }


def rnn_forward(p: Params, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``h_t = tanh(x_t W_x + h_{t−1} W_h + b)``, ``y_t = h_t W_y + b_y`` from h_0 = 0.

    ``x`` has shape (T, B, n_in); returns the pre-activations (T, B, H), the states
    h_0..h_T (T + 1, B, H) and the outputs (T, B, n_out).
    """
    steps, batch, n_in = x.shape
    hidden = p["wh"].shape[0]
    # The input part of every step at once: it does not depend on h.
    input_part = (matmul(x.reshape(-1, n_in), p["wx"]) + p["b"]).reshape(steps, batch, hidden)
    pre = np.empty((steps, batch, hidden))
    hs = np.zeros((steps + 1, batch, hidden))
    for t in range(steps):
        pre[t] = input_part[t] + hs[t] @ p["wh"]
        hs[t + 1] = nn.tanh(pre[t])
    y = matmul(hs[1:].reshape(-1, hidden), p["wy"]) + p["by"]
    return pre, hs, y.reshape(steps, batch, -1)


def rnn_backward(
    p: Params, x: np.ndarray, pre: np.ndarray, hs: np.ndarray, dy: np.ndarray
) -> Params:
    """BPTT: ``δ_t = (dy_t W_yᵀ + δ_{t+1} W_hᵀ) ⊙ tanh′(pre_t)``, then sum over steps.

    ``dy`` is ∂L/∂y_t for every step; returns ∂L/∂ of every weight.
    """
    hidden = p["wh"].shape[0]
    flat_dy = dy.reshape(-1, dy.shape[2])
    dh = matmul(flat_dy, p["wy"].T).reshape(*dy.shape[:2], hidden)
    slope = nn.tanh_grad(pre)
    delta = np.empty_like(dh)
    carry = np.zeros(dh.shape[1:])
    for t in range(dh.shape[0] - 1, -1, -1):
        delta[t] = (dh[t] + carry) * slope[t]
        carry = delta[t] @ p["wh"].T
    flat_delta = delta.reshape(-1, hidden)
    return {
        "wx": gram(x.reshape(-1, x.shape[2]), flat_delta),
        "wh": gram(hs[:-1].reshape(-1, hidden), flat_delta),
        "b": flat_delta.sum(axis=0),
        "wy": gram(hs[1:].reshape(-1, hidden), flat_dy),
        "by": dy.sum(axis=(0, 1)),
    }


def adam_state(p: Params) -> dict[str, Params]:
    """Zero first and second moments for every weight."""
    return {
        "m": {k: np.zeros_like(w) for k, w in p.items()},
        "v": {k: np.zeros_like(w) for k, w in p.items()},
    }


def one_hot(indices: np.ndarray, size: int) -> np.ndarray:
    """``e_i`` for every index (a trailing axis of length ``size``)."""
    result: np.ndarray = np.eye(size)[indices]
    return result


def chunks(codes: np.ndarray, length: int) -> tuple[np.ndarray, np.ndarray]:
    """Inputs and next-character targets, (T, B): the text cut into B pieces of T + 1."""
    count = (len(codes) - 1) // length
    idx = np.arange(count)[None, :] * length + np.arange(length)[:, None]
    return codes[idx], codes[idx + 1]


def lm_loss(p: Params, inputs: np.ndarray, targets: np.ndarray, vocab: int) -> tuple[float, Params]:
    """Mean cross-entropy (nats) of the next character and its gradient by BPTT."""
    x = one_hot(inputs, vocab)
    pre, hs, logits = rnn_forward(p, x)
    flat = logits.reshape(-1, vocab)
    loss = nn.cross_entropy(flat, targets.reshape(-1))
    dy = nn.softmax(logits) - one_hot(targets, vocab)  # ∂(Σ CE)/∂logits
    return loss, rnn_backward(p, x, pre, hs, dy / targets.size)


def bits_per_char(p: Params, codes: np.ndarray, vocab: int) -> float:
    """``−(1/N) Σ log₂ p(next | so far)`` over the text, read in chunks from h_0 = 0."""
    inputs, targets = chunks(codes, CHUNK)
    loss, _ = lm_loss(p, inputs, targets, vocab)
    tail = codes[inputs.size :]
    if len(tail) > 1:  # the few characters after the last full chunk
        tail_loss, _ = lm_loss(p, tail[:-1, None], tail[1:, None], vocab)
        n, m = targets.size, len(tail) - 1
        loss = (loss * n + tail_loss * m) / (n + m)
    return loss / math.log(2)


def unigram_bits(train_codes: np.ndarray, codes: np.ndarray, vocab: int) -> float:
    """Cross-entropy ``−(1/N) Σ log₂ q(c)`` of the character frequencies q of the training text."""
    q = np.bincount(train_codes, minlength=vocab) / len(train_codes)
    return float(-np.mean(np.log2(q[codes])))


def entropy_bits(codes: np.ndarray) -> float:
    """``H = −Σ q log₂ q`` of a text's own character frequencies: the best memoryless score."""
    q = np.bincount(codes) / len(codes)
    q = q[q > 0]
    return float(-np.sum(q * np.log2(q)))


def sample_text(p: Params, prompt: str, length: int, chars: str, rng: np.random.Generator) -> str:
    """Feeds ``prompt``, then draws each next character from ``softmax(y_t)`` and feeds it back."""
    h = np.zeros(p["wh"].shape[0])
    out = list(prompt)
    for c in prompt[:-1]:
        h = nn.tanh(p["wx"][chars.index(c)] + h @ p["wh"] + p["b"])
    code = chars.index(prompt[-1])
    for _ in range(length):
        h = nn.tanh(p["wx"][code] + h @ p["wh"] + p["b"])
        code = int(rng.choice(len(chars), p=nn.softmax(h @ p["wy"] + p["by"])))
        out.append(chars[code])
    return "".join(out)


def gradient_check(rng: np.random.Generator) -> float:
    """Largest relative error, over all weights, of BPTT against central differences."""
    vocab, hidden = 5, 3
    p = init_rnn(rng, vocab, hidden, vocab)
    inputs = rng.integers(0, vocab, (6, 2))
    targets = rng.integers(0, vocab, (6, 2))
    _, grads = lm_loss(p, inputs, targets, vocab)
    worst = 0.0
    for key in p:
        original = p[key]

        def loss_of(w: np.ndarray, key: str = key) -> float:
            p[key] = w
            return lm_loss(p, inputs, targets, vocab)[0]

        numeric = nn.numerical_gradient(loss_of, original)
        p[key] = original
        scale = max(float(np.max(np.abs(numeric))), 1e-12)
        worst = max(worst, float(np.max(np.abs(numeric - grads[key]))) / scale)
    return worst


def sine(t: np.ndarray) -> np.ndarray:
    """The series ``s_t = sin(ω t)``."""
    result: np.ndarray = np.sin(SINE_OMEGA * t)
    return result


def sine_windows(starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Inputs s_t and targets s_{t+1}, shape (T, B, 1), for windows starting at ``starts``."""
    t = starts[None, :] + np.arange(SINE_WINDOW)[:, None]
    return sine(t)[..., None], sine(t + 1)[..., None]


def forecast_loss(p: Params, x: np.ndarray, y: np.ndarray) -> tuple[float, Params]:
    """``mean ½ (ŷ − y)²`` over the steps after the warm-up, and its gradient by BPTT."""
    pre, hs, pred = rnn_forward(p, x)
    scored = slice(SINE_WARMUP, None)
    loss = nn.mse(pred[scored], y[scored])
    dy = np.zeros_like(pred)
    dy[scored] = (pred[scored] - y[scored]) / y[scored].size
    return loss, rnn_backward(p, x, pre, hs, dy)


def run(seed: int, hidden: int) -> Generator[Event, None, dict[str, Any]]:
    """Trains the language model, then the forecaster, and compares both with baselines."""
    rng = np.random.default_rng(seed)
    grad_err = gradient_check(rng)
    yield check(
        "BPTT gradients match central differences",
        grad_err < 1e-6,
        f"largest relative error {grad_err:.1e} over W_x, W_h, b, W_y, b_y "
        f"(tiny RNN, 6 steps, batch 2)",
        kind="numerical",
    )

    chars = "".join(sorted(set(TRAIN_TEXT)))
    vocab = len(chars)
    train_codes = np.array([chars.index(c) for c in TRAIN_TEXT])
    held_codes = np.array([chars.index(c) for c in HELD_OUT_TEXT])
    inputs, targets = chunks(train_codes, CHUNK)
    yield log(
        f"Language model: {len(TRAIN_TEXT)} training characters ({vocab} distinct), "
        f"{len(HELD_OUT_TEXT)} held out; {inputs.shape[1]} sequences of {CHUNK} characters, "
        f"{hidden} hidden units, Adam for {LM_ITERATIONS} full-batch steps."
    )
    p = init_rnn(rng, vocab, hidden, vocab)
    state = adam_state(p)
    for it in range(1, LM_ITERATIONS + 1):
        loss, grads = lm_loss(p, inputs, targets, vocab)
        clipped, _ = nn.clip_by_global_norm(grads, CLIP)
        for k, g in clipped.items():
            nn.adam_step(p[k], g, state["m"][k], state["v"][k], it, LM_LR)
        if it == 1 or it % 5 == 0:
            yield point("language model (bits/char)", it, loss / math.log(2))

    rnn_train = bits_per_char(p, train_codes, vocab)
    rnn_held = bits_per_char(p, held_codes, vocab)
    # Memoryless predictors scored on the same characters the RNN predicts (all but the first).
    unigram_train = entropy_bits(train_codes[1:])
    unigram_held = unigram_bits(train_codes[1:], held_codes[1:], vocab)
    held_entropy = entropy_bits(held_codes[1:])
    yield table(
        "Bits per character (lower is better)",
        ["predictor", "training text", "held-out text"],
        [
            ["unigram frequencies of the training text", unigram_train, unigram_held],
            ["held-out text's own frequencies (oracle)", "—", held_entropy],
            [f"RNN, {hidden} hidden units", rnn_train, rnn_held],
        ],
    )
    yield check(
        "the RNN beats the best memoryless predictor on the training text",
        rnn_train < unigram_train,
        f"{rnn_train:.3f} bits/char vs the character entropy {unigram_train:.3f} "
        f"({unigram_train - rnn_train:.2f} bits less per character)",
        kind="empirical",
    )
    best_memoryless_held = min(unigram_held, held_entropy)
    yield check(
        "…and on held-out text",
        rnn_held < best_memoryless_held,
        f"{rnn_held:.3f} bits/char vs {unigram_held:.3f} for the training frequencies and "
        f"{held_entropy:.3f} for the held-out text's own (the best any memoryless predictor "
        f"could do on it)",
        kind="empirical",
    )
    sample = sample_text(p, "the ", 60, chars, rng)
    yield log(f"Sampled from the model (seed {seed}): {sample!r}")

    train_starts = np.arange(0, SINE_TRAIN_END - SINE_WINDOW, 8)
    test_starts = np.arange(SINE_TRAIN_END, SINE_END - SINE_WINDOW, 4)
    x_train, y_train = sine_windows(train_starts)
    x_test, y_test = sine_windows(test_starts)
    yield log(
        f"Forecasting s_t = sin({SINE_OMEGA:g} t): {len(train_starts)} training windows of "
        f"{SINE_WINDOW} steps from t < {SINE_TRAIN_END}, {len(test_starts)} held-out windows "
        f"from {SINE_TRAIN_END} ≤ t < {SINE_END}; the first {SINE_WARMUP} steps of each "
        f"window are warm-up, not scored."
    )
    q = init_rnn(rng, 1, hidden, 1)
    state = adam_state(q)
    for it in range(1, SINE_ITERATIONS + 1):
        loss, grads = forecast_loss(q, x_train, y_train)
        clipped, _ = nn.clip_by_global_norm(grads, CLIP)
        for k, g in clipped.items():
            nn.adam_step(q[k], g, state["m"][k], state["v"][k], it, SINE_LR)
        if it == 1 or it % 5 == 0:
            yield point("forecast (MSE)", it, 2.0 * loss)
    _, _, pred = rnn_forward(q, x_test)
    scored = slice(SINE_WARMUP, None)
    rnn_mse = 2.0 * nn.mse(pred[scored], y_test[scored])
    naive_mse = 2.0 * nn.mse(x_test[scored], y_test[scored])
    ratio = naive_mse / rnn_mse
    yield table(
        "Held-out one-step forecasts, mean squared error",
        ["forecast", "MSE"],
        [["naive: s_{t+1} = s_t", naive_mse], [f"RNN, {hidden} hidden units", rnn_mse]],
    )
    yield check(
        "the RNN forecasts far better than repeating the last value",
        ratio > 10.0,
        f"held-out MSE {rnn_mse:.2e} vs {naive_mse:.2e} for the naive forecast "
        f"({ratio:.0f}× lower; required > 10×; the naive error is ≈ 1 − cos ω = "
        f"{1 - math.cos(SINE_OMEGA):.4f})",
        kind="empirical",
    )
    return {
        "rnn_bits_per_char_train": rnn_train,
        "rnn_bits_per_char_held_out": rnn_held,
        "unigram_bits_per_char_train": unigram_train,
        "unigram_bits_per_char_held_out": unigram_held,
        "sample": sample,
        "forecast_mse": rnn_mse,
        "naive_mse": naive_mse,
    }
