"""The activations and losses the worked-example format offers, as data.

Each entry keeps the function, its derivative as the tutorials write it (in
terms of the neuron's output where that is the usual form) and the text used
to show both.  Tests check every derivative here against `sympy.diff`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import sympy

__all__ = ["Activation", "Loss", "ACTIVATIONS", "LOSSES", "BIAS_MODES"]

BIAS_MODES = ("none", "shared", "per_neuron")


@dataclass(frozen=True)
class Activation:
    """An activation: out = f(z), and dout/dz written with z and out."""

    name: str
    function: Callable[[sympy.Expr], sympy.Expr]
    derivative: Callable[[sympy.Expr, sympy.Expr], sympy.Expr]  # (z, out) -> dout/dz
    formula: str  # "{z}" is the pre-activation
    derivative_formula: str  # "{z}" and "{out}" may appear


def _sigmoid(z: sympy.Expr) -> sympy.Expr:
    return 1 / (1 + sympy.exp(-z))


ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Activation(
        "sigmoid", _sigmoid, lambda z, out: out * (1 - out),
        "1/(1 + e^-{z})", "{out}*(1 - {out})",
    ),
    "tanh": Activation(
        "tanh", sympy.tanh, lambda z, out: 1 - out**2,
        "tanh({z})", "1 - {out}^2",
    ),
    "relu": Activation(
        "relu", lambda z: sympy.Max(0, z), lambda z, out: sympy.Heaviside(z, 0),
        "max(0, {z})", "step({z})",
    ),
    "identity": Activation(
        "identity", lambda z: z, lambda z, out: sympy.Integer(1),
        "{z}", "1",
    ),
}


@dataclass(frozen=True)
class Loss:
    """A loss: one term per output neuron and row, summed to the total error.

    `term(t, out, n)` is that term, where n is the number of terms averaged over
    (outputs x rows) for the mean losses.  `formula` shows it; dE/dout is
    derived from `term` with SymPy, and `derivative_formula` shows it.
    """

    name: str
    term: Callable[[sympy.Expr, sympy.Expr, int], sympy.Expr]
    formula: str  # "{t}", "{out}", "{n}" may appear
    derivative_formula: str
    needs_unit_interval: bool  # targets must lie in [0, 1] and outputs in (0, 1)


LOSSES: dict[str, Loss] = {
    "half_squared_error": Loss(
        "half_squared_error",
        lambda t, out, n: sympy.Rational(1, 2) * (t - out) ** 2,
        "1/2*({t} - {out})^2", "-({t} - {out})", False,
    ),
    "squared_error": Loss(
        "squared_error",
        lambda t, out, n: (t - out) ** 2,
        "({t} - {out})^2", "-2*({t} - {out})", False,
    ),
    "mean_squared_error": Loss(
        "mean_squared_error",
        lambda t, out, n: (t - out) ** 2 / n,
        "({t} - {out})^2/{n}", "-2*({t} - {out})/{n}", False,
    ),
    "binary_cross_entropy": Loss(
        "binary_cross_entropy",
        lambda t, out, n: -(t * sympy.log(out) + (1 - t) * sympy.log(1 - out)) / n,
        "-({t}*ln({out}) + (1 - {t})*ln(1 - {out}))/{n}",
        "-({t}/{out} - (1 - {t})/(1 - {out}))/{n}", True,
    ),
}
