"""The activations and losses a worked example may name, as one table every stage reads.

Each entry keeps together what the stages need of it: the SymPy function and
its derivative as the tutorials write it (in terms of the neuron's output where
that is the usual form) for the exact derivation, the text that shows both, the
same function on arrays for the training replay (float64 arrays, or object
arrays of 40-digit mpmath numbers), and the facts the loader checks (binary
cross-entropy needs outputs in (0, 1), which only some activations give).
Tests check every SymPy derivative here against `sympy.diff`, and every array
function against the SymPy one.  Only the NumPy cross-check path
(`handcalc.floats.vectorized`) writes these functions again, on purpose: it is
an independent check of this table.

A name not in the table is an error (`UnknownFunction`), never a fall-back:
the loader refuses such a file first, so meeting one later is a bug.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import sympy

__all__ = ["Activation", "Loss", "ACTIVATIONS", "LOSSES", "BIAS_MODES", "UnknownFunction", "activation", "loss",
           "network_losses", "unit_interval_activations"]

BIAS_MODES = ("none", "shared", "per_neuron")

Array = Any  # a NumPy array of float64, or of mpmath numbers (dtype=object)


class UnknownFunction(KeyError):
    """An activation or loss name that is not in the table (the loader lets none through)."""


class ArrayMath:
    """What an array function may call: exp, log and tanh, elementwise, for float64 or mpmath arrays."""

    exp: Callable[[Array], Array]
    log: Callable[[Array], Array]
    tanh: Callable[[Array], Array]


@dataclass(frozen=True)
class Activation:
    """An activation: out = f(z), and dout/dz written with z and out."""

    name: str
    function: Callable[[sympy.Expr], sympy.Expr]
    derivative: Callable[[sympy.Expr, sympy.Expr], sympy.Expr]  # (z, out) -> dout/dz
    formula: str  # "{z}" is the pre-activation
    derivative_formula: str  # "{z}" and "{out}" may appear
    on_array: Callable[[Array, ArrayMath], Array]  # (z, math) -> out, elementwise
    derivative_on_array: Callable[[Array, Array], Array]  # (z, out) -> dout/dz, elementwise
    unit_interval: bool  # every output lies in (0, 1)


def _sigmoid(z: sympy.Expr) -> sympy.Expr:
    return 1 / (1 + sympy.exp(-z))


def _step(z: Array) -> Array:
    import numpy as np

    return np.where(z > 0, z * 0 + 1, z * 0)  # relu'(0) = 0, the convention of NumPy code


def _relu(z: Array, math: ArrayMath) -> Array:
    import numpy as np

    return np.where(z > 0, z, z * 0)


ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Activation(
        "sigmoid", _sigmoid, lambda z, out: out * (1 - out),
        "1/(1 + e^-{z})", "{out}*(1 - {out})",
        # In float64, 1/(1 + e^-z) is accurate to a few ulps everywhere; where e^-z
        # overflows (z < -709) the result is the correct limit 0 (overflow warnings off).
        lambda z, math: 1 / (1 + math.exp(-z)), lambda z, out: out * (1 - out), True,
    ),
    "tanh": Activation(
        "tanh", sympy.tanh, lambda z, out: 1 - out**2,
        "tanh({z})", "1 - {out}^2",
        lambda z, math: math.tanh(z), lambda z, out: 1 - out * out, False,
    ),
    "relu": Activation(
        "relu", lambda z: sympy.Max(0, z), lambda z, out: sympy.Heaviside(z, 0),
        "max(0, {z})", "step({z})",
        _relu, lambda z, out: _step(z), False,
    ),
    "identity": Activation(
        "identity", lambda z: z, lambda z, out: sympy.Integer(1),
        "{z}", "1",
        lambda z, math: z, lambda z, out: z * 0 + 1, False,
    ),
}


@dataclass(frozen=True)
class Loss:
    """A loss: one term per output neuron and row, summed to the total error.

    `term(t, out, n)` is that term, where n is the number of terms averaged over
    (outputs x rows) for the mean losses.  `formula` shows it; dE/dout is
    derived from `term` with SymPy, and `derivative_formula` shows it.  A loss
    with no `gradient_on_array` is only ever monitored (printed by a training
    run), never differentiated: it cannot be a network's loss.
    """

    name: str
    term: Callable[[sympy.Expr, sympy.Expr, int], sympy.Expr]
    formula: str  # "{t}", "{out}", "{n}" may appear
    derivative_formula: str
    needs_unit_interval: bool  # targets must lie in [0, 1] and outputs in (0, 1)
    on_array: Callable[[Array, Array, int, ArrayMath], Any]  # (out, t, n, math) -> the summed loss
    gradient_on_array: Callable[[Array, Array, int], Array] | None  # (out, t, n) -> dE/dout
    # dE/dz straight from the outputs when the output layer is a sigmoid, where the
    # sigmoid's derivative cancels (cross-entropy: (out - t)/n), as NumPy code writes it
    sigmoid_delta: Callable[[Array, Array, int], Array] | None = None


def _bce(out: Array, t: Array, n: int, math: ArrayMath) -> Any:
    return -(t * math.log(out) + (1 - t) * math.log(1 - out)).sum() / n


LOSSES: dict[str, Loss] = {
    "half_squared_error": Loss(
        "half_squared_error",
        lambda t, out, n: sympy.Rational(1, 2) * (t - out) ** 2,
        "1/2*({t} - {out})^2", "-({t} - {out})", False,
        lambda out, t, n, math: ((t - out) ** 2).sum() / 2, lambda out, t, n: out - t,
    ),
    "squared_error": Loss(
        "squared_error",
        lambda t, out, n: (t - out) ** 2,
        "({t} - {out})^2", "-2*({t} - {out})", False,
        lambda out, t, n, math: ((t - out) ** 2).sum(), lambda out, t, n: 2 * (out - t),
    ),
    "mean_squared_error": Loss(
        "mean_squared_error",
        lambda t, out, n: (t - out) ** 2 / n,
        "({t} - {out})^2/{n}", "-2*({t} - {out})/{n}", False,
        lambda out, t, n, math: ((t - out) ** 2).sum() / n, lambda out, t, n: 2 * (out - t) / n,
    ),
    "binary_cross_entropy": Loss(
        "binary_cross_entropy",
        lambda t, out, n: -(t * sympy.log(out) + (1 - t) * sympy.log(1 - out)) / n,
        "-({t}*ln({out}) + (1 - {t})*ln(1 - {out}))/{n}",
        "-({t}/{out} - (1 - {t})/(1 - {out}))/{n}", True,
        _bce, lambda out, t, n: -(t / out - (1 - t) / (1 - out)) / n,
        lambda out, t, n: (out - t) / n,
    ),
    "mean_absolute_error": Loss(
        "mean_absolute_error",
        lambda t, out, n: sympy.Abs(t - out) / n,
        "|{t} - {out}|/{n}", "-sign({t} - {out})/{n}", False,
        lambda out, t, n, math: abs(t - out).sum() / n, None,
    ),
}


def activation(name: str) -> Activation:
    """Return the activation called `name`; raise UnknownFunction for any other name."""
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise UnknownFunction(f"no activation named {name!r}") from None


def loss(name: str) -> Loss:
    """Return the loss called `name`; raise UnknownFunction for any other name."""
    try:
        return LOSSES[name]
    except KeyError:
        raise UnknownFunction(f"no loss named {name!r}") from None


def network_losses() -> tuple[str, ...]:
    """Return the losses a network (or a training run's gradient) may use: those that can be differentiated."""
    return tuple(name for name, entry in LOSSES.items() if entry.gradient_on_array is not None)


def unit_interval_activations() -> tuple[str, ...]:
    """Return the activations whose outputs all lie in (0, 1) (what binary cross-entropy needs)."""
    return tuple(name for name, entry in ACTIVATIONS.items() if entry.unit_interval)
