"""Records: the frozen classes handcalc's data is made of, built without compiling code.

Every stage is a pure function over frozen dataclasses.  `@dataclass(frozen=True)`
writes each class's `__init__`, `__eq__`, `__hash__`, `__repr__`, `__setattr__` and
`__delattr__` as source text and compiles it: about 1 ms a class, and a run of
`handcalc tutorial1` defines some forty classes (measured: 39 ms, a twelfth of what
importing SymPy costs).  `@record` makes the same class, in about 0.05 ms, with those
six methods written once, here, for every record:

- it is still a dataclass: fields, defaults, `field(default_factory=...)`,
  `kw_only`, `dataclasses.fields` and `dataclasses.replace` work as they do there;
- an instance is immutable (assigning or deleting an attribute raises
  `dataclasses.FrozenInstanceError`; `functools.cached_property` still works);
- two instances are equal when they are of the same class and their fields are
  equal, and they hash and print (`Layer(pre=('h1',), ...)`) as a frozen dataclass's do.

Making an instance costs a fraction of a microsecond more than a compiled `__init__`
(measured, four fields: 1.0 against 0.7 microseconds given in order with plain defaults for
the rest, the usual call, which needs no checks; 1.6 against 0.8 with a keyword; comparing
or hashing, 0.5 against 0.3), far below what any step does with it.
"""

from __future__ import annotations

from dataclasses import MISSING, FrozenInstanceError, dataclass, fields
from operator import attrgetter
from typing import Any, Callable, TypeVar

__all__ = ["record"]

T = TypeVar("T", bound=type)


def record(cls: T | None = None, /, *, kw_only: bool = False) -> T | Callable[[T], T]:
    """Return `cls` as an immutable record: `@record` or `@record(kw_only=True)`, as `@dataclass(frozen=True)`."""
    def make(cls: T) -> T:
        # a dataclass with no generated methods compiles nothing: it only records the fields
        cls = dataclass(cls, init=False, repr=False, eq=False, kw_only=kw_only)
        for method in _methods(cls):
            method.__qualname__ = f"{cls.__qualname__}.{method.__name__}"
            setattr(cls, method.__name__, method)
        return cls

    return make if cls is None else make(cls)


def _tails(spec: tuple) -> list[dict[str, Any] | None]:
    """The usual call, the first fields in order and the rest left to plain defaults, needs no checks: per
    number of arguments given, the defaults of the rest (None where one has none, or a factory)."""
    return [{f.name: f.default for f in spec[given:]} if all(f.default is not MISSING for f in spec[given:])
            else None for given in range(len(spec) + 1)]


def _methods(cls: type) -> tuple[Callable, ...]:
    """Return the six methods `dataclass(frozen=True)` would write for `cls`, over its fields."""
    spec = fields(cls)
    names = tuple(f.name for f in spec)
    positional = tuple(f.name for f in spec if not f.kw_only)

    # the fields' values as one tuple (attrgetter of one name returns the bare value)
    values_of = attrgetter(*names) if len(names) > 1 else lambda self: tuple(getattr(self, n) for n in names)

    tails = _tails(spec) if positional == names else [None] * (len(names) + 1)

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        if not kwargs and len(args) <= len(names) and tails[len(args)] is not None:
            values = vars(self)
            values.update(zip(names, args))
            values.update(tails[len(args)])
            return
        if len(args) > len(positional):
            raise TypeError(f"{cls.__name__}() takes {len(positional)} positional arguments, {len(args)} given")
        values = dict(zip(positional, args))
        for f in spec:
            if f.name in values:
                if f.name in kwargs:
                    raise TypeError(f"{cls.__name__}() got two values for the argument {f.name!r}")
            elif f.name in kwargs:
                values[f.name] = kwargs.pop(f.name)
            elif f.default is not MISSING:
                values[f.name] = f.default
            elif f.default_factory is not MISSING:
                values[f.name] = f.default_factory()
            else:
                raise TypeError(f"{cls.__name__}() missing the argument {f.name!r}")
        if kwargs:
            raise TypeError(f"{cls.__name__}() got an unexpected argument {next(iter(kwargs))!r}")
        vars(self).update(values)

    def __eq__(self: Any, other: Any) -> Any:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return values_of(self) == values_of(other)

    def __hash__(self: Any) -> int:
        return hash(values_of(self))

    def __repr__(self: Any) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{self.__class__.__qualname__}({shown})"

    def __setattr__(self: Any, name: str, value: Any) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self: Any, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    return __init__, __eq__, __hash__, __repr__, __setattr__, __delattr__
