"""``@frozen`` behaves as ``@dataclass(frozen=True)``: the same class, built without
compiling its methods (:mod:`quiz.frozen`); and the start path defines its classes
with it."""

from __future__ import annotations

import dataclasses
import json
import pickle
import subprocess
import sys
from dataclasses import FrozenInstanceError, dataclass, field
from typing import Any, cast

import pytest

from quiz.frozen import frozen


@frozen
class Point:
    """A value with defaults, a factory and fields left out of ==, hash and repr."""

    x: int
    y: str
    z: float = 1.5
    tags: tuple[str, ...] = ()
    extra: list[int] = field(default_factory=list, compare=False)
    note: str = field(default="", repr=False)


@dataclass(frozen=True)
class RefPoint:
    """The same fields, declared by the standard library."""

    x: int
    y: str
    z: float = 1.5
    tags: tuple[str, ...] = ()
    extra: list[int] = field(default_factory=list, compare=False)
    note: str = field(default="", repr=False)


CALLS: list[tuple[tuple[Any, ...], dict[str, Any]]] = [
    ((1, "a"), {}),
    ((1,), {"y": "a"}),
    ((), {"x": 1, "y": "a", "z": 2.0}),
    ((1, "a", 2.0, ("t",), [3], "n"), {}),
    ((1, "a"), {"note": "n", "extra": [1]}),
    ((1, "a"), {"tags": ("p", "q")}),
]

BAD_CALLS: list[tuple[tuple[Any, ...], dict[str, Any]]] = [
    ((), {}),  # missing x and y
    ((1,), {}),  # missing y
    ((1, "a", 2.0, (), [], "n", "too many"), {}),
    ((1, "a"), {"w": 1}),  # unknown name
    ((1, "a"), {"x": 2}),  # x twice
]


def both(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, Any]:
    return Point(*args, **kwargs), RefPoint(*args, **kwargs)


def fields_of(obj: Any) -> dict[str, Any]:
    return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}


@pytest.mark.parametrize(("args", "kwargs"), CALLS)
def test_it_is_built_as_a_dataclass_is(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    mine, ref = both(args, kwargs)
    assert fields_of(mine) == fields_of(ref)
    assert list(vars(mine)) == list(vars(ref))  # the same attributes, in field order
    assert repr(mine) == repr(ref).replace("RefPoint(", "Point(")
    assert dataclasses.asdict(mine) == dataclasses.asdict(ref)
    assert hash(mine) == hash(ref)


@pytest.mark.parametrize(("args", "kwargs"), BAD_CALLS)
def test_it_refuses_the_calls_a_dataclass_refuses(
    args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    with pytest.raises(TypeError):
        RefPoint(*args, **kwargs)
    with pytest.raises(TypeError):
        Point(*args, **kwargs)


def test_a_default_factory_makes_a_new_value_each_time() -> None:
    first, second = Point(1, "a"), Point(1, "a")
    assert first.extra == [] and first.extra is not second.extra


def test_equality_and_hash_read_the_compared_fields_of_the_same_class() -> None:
    a, b = Point(1, "a", extra=[1]), Point(1, "a", extra=[2])
    assert a == b and hash(a) == hash(b)  # extra: compare=False
    assert Point(1, "a", note="x") != Point(1, "a", note="y")  # repr=False, compared
    assert Point(1, "a") != Point(2, "a")
    assert Point(1, "a") != Point(1, "a", z=2.0)
    other: object = RefPoint(1, "a")
    assert Point(1, "a") != other  # another class, as dataclasses do
    assert Point(1, "a").__eq__(other) is NotImplemented
    assert Point(1, "a") != cast(object, (1, "a"))
    nan = float("nan")
    assert Point(1, "a", z=nan) == Point(1, "a", z=nan)  # the same object, as in a tuple
    assert len({Point(1, "a"), Point(1, "a"), Point(2, "a")}) == 2


def test_a_field_cannot_be_assigned_or_deleted() -> None:
    point = Point(1, "a")
    with pytest.raises(FrozenInstanceError):
        point.x = 2  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        point.other = 2  # type: ignore[attr-defined]
    with pytest.raises(FrozenInstanceError):
        del point.x
    assert point.x == 1


def test_replace_fields_and_pickle_work_on_it() -> None:
    point = Point(1, "a", tags=("t",))
    moved = dataclasses.replace(point, x=5)
    assert (moved.x, moved.y, moved.tags) == (5, "a", ("t",)) and point.x == 1
    assert [f.name for f in dataclasses.fields(Point)] == [
        f.name for f in dataclasses.fields(RefPoint)
    ]
    assert pickle.loads(pickle.dumps(point)) == point


def test_a_class_keeps_the_methods_it_writes_itself() -> None:
    @frozen
    class Named:
        name: str

        def __repr__(self) -> str:
            return f"<{self.name}>"

        def __eq__(self, other: object) -> bool:
            return isinstance(other, Named) and other.name.lower() == self.name.lower()

        def __hash__(self) -> int:
            return hash(self.name.lower())

    assert repr(Named("x")) == "<x>"
    assert Named("A") == Named("a") and hash(Named("A")) == hash(Named("a"))


def test_what_it_cannot_do_is_refused_where_the_class_is_declared() -> None:
    # Its __init__ is generic: a __post_init__ would never run, keyword-only fields
    # would be taken positionally, a field with init=False left unset. Such a class
    # says so at once.
    with pytest.raises(TypeError, match="__post_init__"):

        @frozen
        class Checked:
            x: int

            def __post_init__(self) -> None:
                raise AssertionError("never run")

    with pytest.raises(TypeError, match="keyword-only"):

        @frozen
        class Named:
            x: int = field(kw_only=True)

    with pytest.raises(TypeError, match="init=False"):

        @frozen
        class Derived:
            x: int
            double: int = field(init=False, default=0)


def test_a_subclass_may_set_attributes_of_its_own() -> None:
    class Cached(Point):
        pass

    cached = Cached(1, "a")
    cached.scratch = 3  # type: ignore[attr-defined]
    with pytest.raises(FrozenInstanceError):
        cached.x = 2  # type: ignore[misc]
    assert cached.scratch == 3  # type: ignore[attr-defined]


START_PATH = (
    "quiz.cli",
    "quiz.tui.app",
    "quiz.tui.screens.review",
    "quiz.backup",
    "quiz.userdeck",
    "quiz.cardcache",
    "quiz.session",
    "quiz.store",
    "quiz.config",
    "quiz.crashlog",
    "quiz.lock",
)


def test_the_way_to_the_first_card_compiles_no_dataclass_method_of_ours() -> None:
    # A dataclass compiles its methods from source as it is defined (0.4-1.4 ms a
    # class): the modules the start imports define theirs with @frozen. Counted in a
    # fresh interpreter, by the standard library's own hook for it.
    probe = (
        "import dataclasses, json, sys\n"
        "made = []\n"
        "original = dataclasses._process_class\n"
        "def counted(cls, *args, **kwargs):\n"
        "    made.append((cls.__module__, cls.__qualname__, *(args[i] for i in (0, 1, 2, 5))))\n"
        "    return original(cls, *args, **kwargs)\n"
        "dataclasses._process_class = counted\n"
        f"for name in {START_PATH!r}:\n"
        "    __import__(name)\n"
        "print(json.dumps(made))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    made = json.loads(out.splitlines()[-1])
    ours = [entry for entry in made if entry[0].split(".")[0] in ("quiz", "solvers")]
    assert ours, "the probe saw no class of ours at all: it does not measure anything"
    # (module, class, init, repr, eq, frozen): @frozen passes them all as False.
    compiling = [entry for entry in ours if any(entry[2:])]
    assert compiling == []
