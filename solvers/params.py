"""Declared demo parameters: parsed from ``KEY=VALUE`` text and validated.

A demo declares its parameters once; the command line, the TUI's form and the
error messages are all built from these declarations.

**Breaking a mechanism on purpose.** A demo whose claims rest on a mechanism (weights
that learn, a recurrence, a rescale) declares a ``break`` parameter with
:func:`break_param`: ``none`` (the default) and one choice per mechanism it can remove,
each with its predicted symptom, one line::

    PARAMS = (
        Param("seed", "int", 0, "random seed", low=0, high=2**32 - 1),
        break_param({"frozen-W": "the RBM no longer beats the independent-bits model"}),
    )

    def run(seed: int, **rest: str) -> ...:
        frozen = broken(rest) == "frozen-W"

``break`` is a Python keyword, so ``run`` receives it in ``**rest`` and reads it with
:func:`broken`. With ``--set break=NAME`` the demo runs
with that mechanism removed; the run prints ``break=NAME: predicted: SYMPTOM`` first,
and its verdict is inverted: it succeeds (exit 0) when at least one check that is
evidence (not an identity, not a control) fails, as predicted, and fails (exit 1) when
every check still passes, since then the checks did not notice the mechanism was gone.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

Kind = Literal["int", "float", "bool", "str", "floats", "choice"]

_KIND_WORDS = {
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
    "str": "text",
    "floats": "comma-separated numbers",
    "choice": "one of the choices",
}


class ParamError(ValueError):
    """A parameter value was unknown, of the wrong type or out of range."""


@dataclass(frozen=True)
class Param:
    """One parameter of a demo.

    Attributes:
        name: the key used in ``--set name=value``.
        kind: ``int``, ``float``, ``bool``, ``str``, ``floats`` (a comma-separated
            list of numbers, given to the demo as a tuple of floats) or ``choice``.
        default: the value used when the parameter is not set.
        help: one line saying what it changes.
        low: the smallest allowed value (for ``floats``: of each number, and
            ``high`` likewise), or None.
        high: the largest allowed value, or None.
        choices: the allowed values of a ``choice`` parameter.
        min_items: for ``floats``, the fewest numbers allowed.
        max_items: for ``floats``, the most numbers allowed.
        predictions: for the ``break`` parameter, ``(choice, predicted symptom)`` pairs.
    """

    name: str
    kind: Kind
    default: Any
    help: str
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()
    min_items: int = 1
    max_items: int = 64
    predictions: tuple[tuple[str, str], ...] = ()

    def describe_range(self) -> str:
        """The allowed values in words, e.g. ``0 ≤ lr ≤ 10``; empty when unbounded."""
        if self.kind == "choice":
            return "one of " + ", ".join(self.choices)
        if self.kind == "floats":
            items = f"{self.min_items} to {self.max_items} numbers"
            bounds = _bounds(self.low, self.high, "each")
            return f"{items}{', ' + bounds if bounds else ''}"
        return _bounds(self.low, self.high, self.name)

    def parse(self, text: str) -> Any:
        """Converts ``text`` to this parameter's type and checks its range.

        Raises:
            ParamError: the text is not of this kind or the value is out of range.
        """
        value = self._convert(text.strip())
        self.validate(value)
        return value

    def validate(self, value: Any) -> None:
        """Checks that an already-typed ``value`` is allowed.

        Raises:
            ParamError: the value is out of range, or not a choice.
        """
        if self.kind == "choice":
            if value not in self.choices:
                raise ParamError(f"{self.name} must be one of {', '.join(self.choices)}")
            return
        if self.kind == "floats":
            if not self.min_items <= len(value) <= self.max_items:
                raise ParamError(f"{self.name} needs {self.describe_range()}, got {len(value)}")
            for item in value:
                self._check_bounds(item)
            return
        if self.kind in ("int", "float"):
            self._check_bounds(value)

    def _check_bounds(self, value: float) -> None:
        too_low = self.low is not None and value < self.low
        too_high = self.high is not None and value > self.high
        if too_low or too_high:
            raise ParamError(f"{self.name}={_num(value)} is out of range ({self.describe_range()})")

    def _convert(self, text: str) -> Any:
        expected = f"{self.name} must be {_KIND_WORDS[self.kind]}, not {text!r}"
        if self.kind == "int":
            try:
                return int(text)
            except ValueError:
                raise ParamError(expected) from None
        if self.kind == "float":
            return _finite(text, expected)
        if self.kind == "bool":
            lowered = text.lower()
            if lowered in ("1", "true", "yes", "on"):
                return True
            if lowered in ("0", "false", "no", "off"):
                return False
            raise ParamError(expected)
        if self.kind == "floats":
            parts = [p for p in text.replace(" ", "").split(",")]
            if not text or any(not p for p in parts):
                raise ParamError(expected)
            return tuple(_finite(p, expected) for p in parts)
        return text


def _finite(text: str, message: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ParamError(message) from None
    if not math.isfinite(value):
        raise ParamError(message)
    return value


def _num(value: float) -> str:
    """``value`` for a message: whole numbers in full (4294967295, not 4.29497e+09)."""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:g}"


def _bounds(low: float | None, high: float | None, name: str) -> str:
    if low is not None and high is not None:
        return f"{_num(low)} ≤ {name} ≤ {_num(high)}"
    if low is not None:
        return f"{name} ≥ {_num(low)}"
    if high is not None:
        return f"{name} ≤ {_num(high)}"
    return ""


def resolve(
    params: Sequence[Param], assignments: Iterable[str] | Mapping[str, str]
) -> dict[str, Any]:
    """Turns ``KEY=VALUE`` strings (or a mapping of them) into the demo's keyword arguments.

    Every declared parameter gets a value: the one given, else its default.

    Raises:
        ParamError: an assignment has no ``=``, names an unknown parameter, or has a
            bad value.
    """
    by_name = {p.name: p for p in params}
    values = {p.name: p.default for p in params}
    pairs: Iterable[tuple[str, str]]
    if isinstance(assignments, Mapping):
        pairs = assignments.items()
    else:
        pairs = [_split(a) for a in assignments]
    for key, text in pairs:
        if key not in by_name:
            valid = ", ".join(by_name) or "none"
            raise ParamError(f"unknown parameter {key!r}; valid parameters: {valid}")
        values[key] = by_name[key].parse(text)
    return values


def _split(assignment: str) -> tuple[str, str]:
    key, sep, text = assignment.partition("=")
    if not sep or not key.strip():
        raise ParamError(f"expected KEY=VALUE, not {assignment!r}")
    return key.strip(), text


def format_value(param: Param, value: Any) -> str:
    """``value`` written the way ``--set`` accepts it back."""
    if param.kind == "floats":
        return ",".join(f"{v:g}" for v in value)
    if param.kind == "bool":
        return "true" if value else "false"
    if param.kind == "float":
        return f"{value:g}"
    return str(value)


BREAK = "break"
NO_BREAK = "none"


def break_param(predictions: Mapping[str, str]) -> Param:
    """The ``break`` parameter: ``none``, or the name of a mechanism to remove.

    Args:
        predictions: each choice (kebab-case, e.g. ``frozen-W``) and its predicted
            symptom, one line saying which check fails and why.

    Raises:
        ValueError: no choices, ``none`` among them, or an empty prediction.
    """
    if not predictions or NO_BREAK in predictions:
        raise ValueError(f"break needs at least one choice besides {NO_BREAK!r}")
    for choice, symptom in predictions.items():
        if not choice or not symptom.strip() or "\n" in symptom:
            raise ValueError(f"break={choice!r} needs a one-line predicted symptom")
    return Param(
        BREAK,
        "choice",
        NO_BREAK,
        "remove a mechanism: its check must fail",
        choices=(NO_BREAK, *predictions),
        predictions=tuple(predictions.items()),
    )


def breaks(params: Sequence[Param]) -> dict[str, str]:
    """The demo's break choices (without ``none``) and their predicted symptoms."""
    for p in params:
        if p.name == BREAK:
            return dict(p.predictions)
    return {}


def broken(values: Mapping[str, Any]) -> str:
    """The mechanism removed in this run (the ``break`` value), or ``none``."""
    return str(values.get(BREAK, NO_BREAK))
