"""`@record` behaves as `@dataclass(frozen=True)`: each test builds the same class both ways and compares."""

from __future__ import annotations

import dataclasses
import pickle
from dataclasses import FrozenInstanceError, dataclass, field
from functools import cached_property

import pytest

from handcalc.records import record


def _layer(decorate):
    class Layer:
        """A layer, in both spellings."""

        pre: tuple[str, ...]
        activation: str = "sigmoid"
        weights: tuple = field(default_factory=tuple)

        @cached_property
        def size(self) -> int:
            return len(self.pre)

    return decorate(Layer)


OURS, THEIRS = _layer(record), _layer(dataclass(frozen=True))


@pytest.mark.parametrize("args, kwargs", [((("h1", "h2"),), {}), ((("h1",), "tanh"), {"weights": (("w1",),)}),
                                          ((), {"pre": (), "activation": "relu"})])
def test_a_record_equals_hashes_and_prints_as_a_frozen_dataclass(args, kwargs) -> None:
    ours, theirs = OURS(*args, **kwargs), THEIRS(*args, **kwargs)
    assert [getattr(ours, f.name) for f in dataclasses.fields(ours)] == \
        [getattr(theirs, f.name) for f in dataclasses.fields(theirs)]
    assert hash(ours) == hash(theirs)
    assert repr(ours) == repr(theirs).replace(THEIRS.__qualname__, OURS.__qualname__)
    assert ours == OURS(*args, **kwargs) and ours != theirs  # equal only to its own class, as a dataclass
    assert ours != dataclasses.replace(ours, activation="elu")
    assert dataclasses.replace(ours, activation="elu").activation == "elu"
    assert ours.size == theirs.size  # cached_property still works on an immutable record


def test_a_module_level_record_pickles() -> None:
    from handcalc.model import Layer

    layer = Layer(("h1",), ("out_h1",), "sigmoid", (("w1",),), ("b1",))
    assert pickle.loads(pickle.dumps(layer)) == layer and pickle.loads(pickle.dumps(layer)) is not layer


def test_a_record_is_immutable() -> None:
    layer = OURS(("h1",))
    for change in (lambda: setattr(layer, "activation", "tanh"), lambda: delattr(layer, "pre"),
                   lambda: setattr(layer, "other", 1)):
        with pytest.raises(FrozenInstanceError):
            change()
    assert layer.activation == "sigmoid"


def test_defaults_from_a_factory_are_fresh_and_wrong_arguments_are_refused() -> None:
    assert OURS(("h1",)).weights == () and OURS.__match_args__ == THEIRS.__match_args__
    for args, kwargs in [((), {}), ((("h1",), "a", (), "extra"), {}), ((("h1",),), {"pre": ("h2",)}),
                         ((("h1",),), {"slope": 1})]:
        with pytest.raises(TypeError):
            THEIRS(*args, **kwargs)
        with pytest.raises(TypeError):
            OURS(*args, **kwargs)


def test_keyword_only_fields_and_inherited_fields_work_as_in_a_dataclass() -> None:
    @record(kw_only=True)
    class Claim:
        id: str
        stated: str = ""

    @record(kw_only=True)
    class ValueClaim(Claim):
        quantity: str | None = None

    claim = ValueClaim(id="h1", quantity="h1")
    assert [f.name for f in dataclasses.fields(claim)] == ["id", "stated", "quantity"]
    assert repr(claim) == "test_keyword_only_fields_and_inherited_fields_work_as_in_a_dataclass.<locals>." \
                          "ValueClaim(id='h1', stated='', quantity='h1')"
    assert claim != Claim(id="h1")  # a different class, never equal
    with pytest.raises(TypeError):
        ValueClaim("h1")  # keyword-only


def _cell(decorate):
    class Cell:
        """Plain defaults only: the calls `@record` takes without checks."""

        text: str
        kind: str = "code"
        note: str | None = None

    return decorate(Cell)


CELL_OURS, CELL_THEIRS = _cell(record), _cell(dataclass(frozen=True))


@pytest.mark.parametrize("args", [("a",), ("a", "number"), ("a", "number", "n"), ("a", "number", None)])
def test_fields_given_in_order_with_plain_defaults_for_the_rest(args) -> None:
    ours, theirs = CELL_OURS(*args), CELL_THEIRS(*args)
    assert list(vars(ours).items()) == list(vars(theirs).items())  # the same fields, values and order
    assert hash(ours) == hash(theirs) and ours == CELL_OURS(*args) != CELL_OURS("other")
    assert repr(ours) == repr(theirs).replace(CELL_THEIRS.__qualname__, CELL_OURS.__qualname__)
    with pytest.raises(FrozenInstanceError):
        ours.text = "b"


@pytest.mark.parametrize("args", [(), ("a", "b", "c", "d")])
def test_too_few_or_too_many_fields_in_order_are_refused(args) -> None:
    with pytest.raises(TypeError):
        CELL_THEIRS(*args)
    with pytest.raises(TypeError):
        CELL_OURS(*args)
