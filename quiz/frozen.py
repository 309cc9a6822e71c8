"""``@frozen``: a frozen dataclass that costs next to nothing to define.

``@dataclass(frozen=True)`` writes the source of six methods per class and compiles
each one as the module is imported: 0.4-1.4 ms a class, some 20 ms of the way to the
first card for the classes that load on it. ``@frozen`` declares the same class (the
same fields, ``dataclasses.fields``, ``replace`` and ``asdict`` work on it) and gives
it methods that read the fields from a table instead of compiled source:

- ``__init__`` takes the fields in order, positionally or by name, with their
  defaults (``field(default=..., default_factory=...)`` included);
- ``__eq__`` and ``__hash__`` compare the fields with ``compare=True`` (a class's own
  ``__eq__``/``__hash__`` wins, as with ``@dataclass``), only between instances of the
  same class;
- ``__repr__`` shows the fields with ``repr=True``;
- assigning or deleting a field raises :class:`dataclasses.FrozenInstanceError`.

Type checkers see a frozen dataclass (:func:`typing.dataclass_transform`). It is for
the classes on the way to the first card; elsewhere ``@dataclass`` costs nothing that
matters.
``tests/test_frozen.py`` holds each of these to what ``@dataclass(frozen=True)`` does.
"""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Callable
from typing import Any, TypeVar, dataclass_transform

_T = TypeVar("_T")
_MISSING = dataclasses.MISSING


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field,))
def frozen(cls: type[_T]) -> type[_T]:
    """Makes ``cls`` a frozen dataclass without compiling its methods (see the module)."""
    if "__post_init__" in cls.__dict__:
        raise TypeError(f"@frozen {cls.__qualname__}: __post_init__ is not run; use @dataclass")
    cls = dataclasses.dataclass(init=False, repr=False, eq=False)(cls)
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    if any(f.kw_only is True for f in fields):
        raise TypeError(f"@frozen {cls.__qualname__}: keyword-only fields are not supported")
    if not all(f.init for f in fields):
        # @dataclass's __init__ gives such a field its default; the generic one skips it.
        raise TypeError(f"@frozen {cls.__qualname__}: fields with init=False are not supported")
    own = cls.__dict__
    compared = tuple(f.name for f in fields if f.compare)
    names = frozenset(f.name for f in fields)
    methods: dict[str, Callable[..., Any]] = {
        "__setattr__": _frozen_setattr(cls, names),
        "__delattr__": _frozen_delattr(cls, names),
    }
    if "__init__" not in own:
        methods["__init__"] = _init(cls, fields)
    if "__eq__" not in own:
        methods["__eq__"] = _eq(compared)
    if own.get("__hash__") is None:  # none of its own (an __eq__ alone sets it to None)
        methods["__hash__"] = _hash(compared)
    if "__repr__" not in own:
        methods["__repr__"] = _repr(tuple(f.name for f in fields if f.repr))
    for name, method in methods.items():
        setattr(cls, name, method)
    return cls


def _init(cls: type, fields: tuple[dataclasses.Field[Any], ...]) -> Callable[..., None]:
    names = tuple(f.name for f in fields if f.init)
    place = {name: i for i, name in enumerate(names)}
    defaults = {f.name: f.default for f in fields if f.default is not _MISSING}
    factories = {f.name: f.default_factory for f in fields if f.default_factory is not _MISSING}
    count = len(names)
    title = f"{cls.__qualname__}.__init__()"

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        given = len(args)
        if given > count:
            raise TypeError(
                f"{title} takes {count + 1} positional arguments but {given + 1} were given"
            )
        state = self.__dict__  # frozen: written past __setattr__, as dataclasses do
        if given == count and not kwargs:  # every field, in order: the common call
            state.update(zip(names, args, strict=True))
            return
        for name, arg in zip(names, args, strict=False):
            state[name] = arg
        for name in kwargs:
            at = place.get(name)
            if at is None:
                raise TypeError(f"{title} got an unexpected keyword argument {name!r}")
            if at < given:
                raise TypeError(f"{title} got multiple values for argument {name!r}")
        for name in names[given:]:
            if name in kwargs:
                state[name] = kwargs[name]
            elif name in defaults:
                state[name] = defaults[name]
            elif name in factories:
                state[name] = factories[name]()
            else:
                raise TypeError(f"{title} missing 1 required argument: {name!r}")

    __init__.__qualname__ = f"{cls.__qualname__}.__init__"
    return __init__


def _values(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """The fields ``names`` of an instance, as a tuple (what ``@dataclass`` compares
    and hashes)."""
    if len(names) > 1:
        return operator.attrgetter(*names)
    if names:
        one = operator.attrgetter(names[0])
        return lambda self: (one(self),)
    return lambda self: ()


def _eq(names: tuple[str, ...]) -> Callable[[Any, object], bool]:
    values = _values(names)

    def __eq__(self: Any, other: object) -> bool:
        if other.__class__ is self.__class__:
            return bool(values(self) == values(other))
        return NotImplemented

    return __eq__


def _hash(names: tuple[str, ...]) -> Callable[[Any], int]:
    values = _values(names)

    def __hash__(self: Any) -> int:
        return hash(values(self))

    return __hash__


def _repr(names: tuple[str, ...]) -> Callable[[Any], str]:
    def __repr__(self: Any) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{self.__class__.__qualname__}({shown})"

    return __repr__


def _frozen_setattr(cls: type, names: frozenset[str]) -> Callable[[Any, str, Any], None]:
    def __setattr__(self: Any, name: str, value: Any) -> None:
        if type(self) is cls or name in names:
            raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")
        object.__setattr__(self, name, value)

    return __setattr__


def _frozen_delattr(cls: type, names: frozenset[str]) -> Callable[[Any, str], None]:
    def __delattr__(self: Any, name: str) -> None:
        if type(self) is cls or name in names:
            raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")
        object.__delattr__(self, name)

    return __delattr__
