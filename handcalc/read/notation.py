"""The names a worked-example file gives its activations in written arithmetic.

A tutorial writes `f(x)` and `f'(x)` (or `g`, `σ`, `S`) for its activation and
the activation's derivative.  `[network] function_names = ["f"]` says which
names it uses; a table `{ g = "relu", f = "identity" }` names the activations
of a network whose layers differ.  Left out, `f` and `g` stand for the
network's activation when every layer has the same one (and for nothing when
they differ).  `sigmoid`, `S`, `σ`, `tanh` and `relu` always mean themselves.
"""

from __future__ import annotations

from typing import Any, Sequence

from ..expr.expression import ACTIVATION_FUNCTIONS, BUILTIN_FUNCTIONS
from ..model import Layer
from .reader import Reader, join_key, kind_of

__all__ = ["read_function_names", "DEFAULT_FUNCTION_NAMES"]

DEFAULT_FUNCTION_NAMES = ("f", "g")
_RESERVED = frozenset(BUILTIN_FUNCTIONS) | {"e"}


def _checked(reader: Reader, name: Any, key: str) -> str | None:
    """Return a usable function name, or None after recording why it is not one."""
    name = reader.identifier(name, key)
    if name == "_invalid":
        return None
    if name in _RESERVED:
        reader.problem(key, f"{name!r} already means {BUILTIN_FUNCTIONS.get(name, 'exp(1)')} in an expression: "
                       "choose another name")
        return None
    return name


def read_function_names(reader: Reader, raw: Any, layers: Sequence[Layer], prefix: str
                        ) -> tuple[tuple[str, str], ...]:
    """Return (name, activation) pairs from [network] function_names, or the default ones."""
    key = join_key(prefix, "function_names")
    activations = tuple(dict.fromkeys(layer.activation for layer in layers))
    if raw is None:
        return tuple((name, activations[0]) for name in DEFAULT_FUNCTION_NAMES) if len(activations) == 1 else ()
    if isinstance(raw, dict):
        pairs = []
        for name, activation in raw.items():
            checked = _checked(reader, name, join_key(key, name))
            chosen = reader.choice(activation, join_key(key, name), ACTIVATION_FUNCTIONS, "activation")
            if checked and chosen:
                pairs.append((checked, chosen))
        return tuple(pairs)
    if not isinstance(raw, list):
        reader.problem(key, f"expected a list of names or a table of name = activation, found {kind_of(raw)}")
        return ()
    if len(activations) > 1:
        reader.problem(key, f"the layers use different activations ({', '.join(activations)}): name each with a "
                       f"table, e.g. function_names = {{ g = \"{activations[0]}\", f = \"{activations[-1]}\" }}")
        return ()
    names = [_checked(reader, name, join_key(key, i)) for i, name in enumerate(raw[:len(BUILTIN_FUNCTIONS)])]
    if len(raw) > len(BUILTIN_FUNCTIONS):
        reader.problem(key, f"expected at most {len(BUILTIN_FUNCTIONS)} names, found {len(raw)}")
    return tuple((name, activations[0]) for name in names if name)
