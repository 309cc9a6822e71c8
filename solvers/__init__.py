"""NumPy demos behind the answers: one module per topic, sharing ``solvers.nn``.

Each demo module defines ``TITLE`` (one line), ``PARAMS`` (a tuple of
:class:`solvers.params.Param`) and ``run(**params)``, a generator that yields events
(see :mod:`solvers.events`) and returns a dict of metrics. Nothing here imports NumPy:
the registry can be read by the app without paying for it.
"""

from __future__ import annotations

import importlib
from types import ModuleType

# Demo name (used on the command line) -> module inside this package.
DEMOS: dict[str, str] = {
    "deep-learning": "deep_learning",
    "neural-network": "neural_network",
    "mlp": "mlp",
    "normalization": "normalization",
    "boltzmann": "boltzmann",
    "activations": "activations",
    "cost": "cost",
    "gradient-descent": "gradient_descent",
    "backprop": "backprop",
    "rnn-vs-feedforward": "rnn_vs_feedforward",
    "rnn-uses": "rnn_uses",
    "softmax": "softmax",
    "hyperparameters": "hyperparameters",
    "learning-rate": "learning_rate",
    "dropout-batchnorm": "dropout_batchnorm",
    "init-gradients": "init_gradients",
    "batch-noise": "batch_noise",
    "momentum-adam": "momentum_adam",
    "cd-bias": "cd_bias",
    "attention-scaling": "attention_scaling",
    "lstm-gradients": "lstm_gradients",
    "bn-eval": "bn_eval",
    "layernorm-batchnorm": "layernorm_batchnorm",
    "dropout-curve": "dropout_curve",
}


class UnknownDemo(LookupError):
    """The name is not one of :data:`DEMOS`."""

    def __init__(self, name: str) -> None:
        super().__init__(f"unknown demo {name!r}; valid demos: {', '.join(DEMOS)}")


def load(name: str) -> ModuleType:
    """Imports and returns the module of the demo called ``name``.

    Raises:
        UnknownDemo: no demo has that name.
    """
    try:
        module = DEMOS[name]
    except KeyError:
        raise UnknownDemo(name) from None
    return importlib.import_module(f"{__name__}.{module}")
