"""The activations and losses the worked-example format offers, as data.

Each entry keeps the function, its derivative as the tutorials write it (in
terms of the neuron's output where that is the usual form) and the text used
to show both.  Tests check every derivative here against `sympy.diff`.

Two activations take a declared constant `a` (a layer's `slope`): leaky_relu's
slope below 0 (default 0.01) and elu's alpha (default 1).  At a kink (z = 0)
the derivative is the left one, as relu'(0) = 0: leaky_relu'(0) = a, elu'(0) = a.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import sympy

__all__ = ["Activation", "Loss", "ACTIVATIONS", "LOSSES", "BIAS_MODES", "softmax", "softmax_jacobian",
           "SOFTMAX_FORMULA", "SOFTMAX_JACOBIAN_FORMULAS"]

BIAS_MODES = ("none", "shared", "per_neuron")


@dataclass(frozen=True)
class Activation:
    """An activation: out = f(z), and dout/dz written with z and out (and the declared constant a)."""

    name: str
    function: Callable[..., sympy.Expr]  # (z) or, with a constant, (z, a)
    derivative: Callable[..., sympy.Expr]  # (z, out) or (z, out, a) -> dout/dz
    formula: str  # "{z}" is the pre-activation, "{a}" the constant
    derivative_formula: str  # "{z}", "{out}" and "{a}" may appear
    default: str | None = None  # the constant's default (decimal text); None: the activation has none
    kink: bool = False  # not differentiable at z = 0 (for some constant): see `has_kink`
    elementwise: bool = True  # False for softmax: each output depends on every pre-activation

    def at(self, z: sympy.Expr, a: sympy.Expr | None = None) -> sympy.Expr:
        """Return f(z) with the constant a (its default when None)."""
        return self.function(z, self.constant(a)) if self.default is not None else self.function(z)

    def slope(self, z: sympy.Expr, out: sympy.Expr, a: sympy.Expr | None = None) -> sympy.Expr:
        """Return dout/dz with the constant a (its default when None)."""
        if self.default is not None:
            return self.derivative(z, out, self.constant(a))
        return self.derivative(z, out)

    def constant(self, a: sympy.Expr | None) -> sympy.Expr:
        """Return the constant a: the declared one, or the default."""
        return sympy.Rational(self.default) if a is None else a

    def has_kink(self, a: sympy.Expr | None = None) -> bool:
        """Return True when the derivative jumps at z = 0 (relu; leaky_relu unless a = 1; elu unless a = 1)."""
        return self.kink and (self.default is None or self.constant(a) != 1)


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
    "leaky_relu": Activation(
        "leaky_relu", lambda z, a: sympy.Max(0, z) + a * sympy.Min(0, z),
        lambda z, out, a: sympy.Heaviside(z, 0) + a * (1 - sympy.Heaviside(z, 0)),
        "max(0, {z}) + {a}*min(0, {z})", "step({z}) + {a}*(1 - step({z}))", default="0.01", kink=True,
    ),
    "softplus": Activation(
        "softplus", lambda z: sympy.log(1 + sympy.exp(z)), lambda z, out: _sigmoid(z),
        "ln(1 + e^{z})", "1/(1 + e^-{z})",
    ),
    "elu": Activation(
        "elu", lambda z, a: sympy.Piecewise((z, z > 0), (a * (sympy.exp(z) - 1), True)),
        lambda z, out, a: sympy.Piecewise((1, z > 0), (out + a, True)),
        "{z} if {z} > 0 else {a}*(e^{z} - 1)", "1 if {z} > 0 else {out} + {a}", default="1", kink=True,
    ),
}


def _softmax_only(*_: sympy.Expr) -> sympy.Expr:
    raise TypeError("softmax is not elementwise: use softmax() and softmax_jacobian()")


def softmax(zs: list[sympy.Expr], j: int) -> sympy.Expr:
    """Return out_j = e^z_j / sum_k e^z_k."""
    return sympy.exp(zs[j]) / sum((sympy.exp(z) for z in zs), sympy.Integer(0))


def softmax_jacobian(outs: list[sympy.Expr], i: int, j: int) -> sympy.Expr:
    """Return dout_i/dz_j = out_i*(delta_ij - out_j)."""
    return outs[i] * (1 - outs[j]) if i == j else -outs[i] * outs[j]


SOFTMAX_FORMULA = "e^{z}/({total})"  # total: "e^{z1} + e^{z2} + ..."
SOFTMAX_JACOBIAN_FORMULAS = ("{out}*(1 - {out})", "-{out}*{other}")  # dout_i/dz_i, dout_i/dz_j (j != i)

ACTIVATIONS["softmax"] = Activation(
    "softmax", _softmax_only, _softmax_only, SOFTMAX_FORMULA, SOFTMAX_JACOBIAN_FORMULAS[0], elementwise=False,
)


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
    per_row: bool = False  # the mean is over rows only (categorical cross-entropy), not outputs x rows
    output: str | None = None  # the output activation the loss needs (None: any)


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
        "-({t}/{out} - (1 - {t})/(1 - {out}))/{n}", True, output="sigmoid",
    ),
    # Categorical cross-entropy: E = -(1/rows) sum_rows sum_k T_k ln(out_k), one term per output
    # and row; each target row is a probability vector (entries in [0, 1] summing to 1).
    "cross_entropy": Loss(
        "cross_entropy",
        lambda t, out, n: -t * sympy.log(out) / n,
        "-{t}*ln({out})/{n}", "-{t}/{out}/{n}", True, per_row=True, output="softmax",
    ),
}
