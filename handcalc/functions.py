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

from typing import Any, Callable

import sympy

from .records import record

__all__ = ["Activation", "Loss", "ACTIVATIONS", "LOSSES", "BIAS_MODES", "UnknownFunction", "activation", "loss",
           "network_losses", "unit_interval_activations", "softmax", "softmax_jacobian", "softmax_backward",
           "SOFTMAX_JACOBIAN_FORMULAS"]

BIAS_MODES = ("none", "shared", "per_neuron")

Array = Any  # a NumPy array of float64, or of mpmath numbers (dtype=object)


class UnknownFunction(KeyError):
    """An activation or loss name that is not in the table (the loader lets none through)."""


class ArrayMath:
    """What an array function may call: exp, log and tanh, elementwise, for float64 or mpmath arrays."""

    exp: Callable[[Array], Array]
    log: Callable[[Array], Array]
    tanh: Callable[[Array], Array]


@record
class Activation:
    """An activation: out = f(z), and dout/dz written with z and out.

    leaky_relu and elu take a declared constant a (a layer's `slope`): each of
    their functions takes it as a last argument, defaulting to `default`.  At a
    kink (z = 0) the derivative is the one from the left, as relu'(0) = 0:
    leaky_relu'(0) = a, elu'(0) = a.  Softmax is not elementwise (`elementwise`
    False): its functions here act on a whole row of pre-activations, and
    `softmax`, `softmax_jacobian` below give the SymPy forms.
    """

    name: str
    function: Callable[..., sympy.Expr]  # (z[, a]) -> out
    derivative: Callable[..., sympy.Expr]  # (z, out[, a]) -> dout/dz
    formula: str  # "{z}" is the pre-activation, "{a}" the constant
    derivative_formula: str  # "{z}", "{out}" and "{a}" may appear
    on_array: Callable[..., Array]  # (z, math[, a]) -> out, elementwise (softmax: row by row)
    derivative_on_array: Callable[..., Array]  # (z, out[, a]) -> dout/dz, elementwise (not for softmax)
    unit_interval: bool  # every output lies in (0, 1)
    default: str | None = None  # the constant's default (decimal text); None: the activation has none
    kink: bool = False  # the derivative may jump at z = 0: see `has_kink`
    elementwise: bool = True  # False for softmax: each output depends on every pre-activation of its layer

    def constants(self, a: Any = None) -> tuple:
        """Return the extra arguments of this activation's functions: (a,) or () (a: declared, else None)."""
        if self.default is None:
            return ()
        return (sympy.Rational(self.default) if a is None else a,)

    def has_kink(self, a: Any = None) -> bool:
        """Return True when the derivative jumps at z = 0 (relu; leaky_relu and elu unless a = 1)."""
        return self.kink and (self.default is None or self.constants(a)[0] != 1)


def _sigmoid(z: sympy.Expr) -> sympy.Expr:
    return 1 / (1 + sympy.exp(-z))


def _step(z: Array) -> Array:
    import numpy as np

    return np.where(z > 0, z * 0 + 1, z * 0)  # relu'(0) = 0, the convention of NumPy code


_CENT = sympy.Rational(1, 100)


def _where(condition: Array, yes: Array, no: Array) -> Array:
    import numpy as np

    return np.where(condition, yes, no)


def _exp_like(z: Array) -> Callable[[Array], Array]:
    """exp for float64 arrays, or elementwise mpmath exp for object arrays."""
    import numpy as np

    if getattr(z, "dtype", None) == object:
        import mpmath

        return np.frompyfunc(mpmath.exp, 1, 1)
    return np.exp


def _softmax_rows(z: Array, math: ArrayMath) -> Array:
    """Softmax of each row, shifted by the row's largest logit so no e^z overflows."""
    shifted = math.exp(z - z.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def _not_elementwise() -> sympy.Expr:
    raise TypeError("softmax is not elementwise: use softmax(), softmax_jacobian() and softmax_backward()")


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
    "leaky_relu": Activation(
        "leaky_relu", lambda z, a=_CENT: sympy.Max(0, z) + a * sympy.Min(0, z),
        lambda z, out, a=_CENT: sympy.Heaviside(z, 0) + a * (1 - sympy.Heaviside(z, 0)),
        "max(0, {z}) + {a}*min(0, {z})", "step({z}) + {a}*(1 - step({z}))",
        lambda z, math, a=0.01: _where(z > 0, z, z * a),
        lambda z, out, a=0.01: _where(z > 0, z * 0 + 1, z * 0 + a), False, default="0.01", kink=True,
    ),
    "softplus": Activation(
        "softplus", lambda z: sympy.log(1 + sympy.exp(z)), lambda z, out: _sigmoid(z),
        "ln(1 + e^{z})", "1/(1 + e^-{z})",
        # ln(1 + e^z) = max(z, 0) + ln(1 + e^-|z|): no e^z overflows
        lambda z, math: _where(z > 0, z, z * 0) + math.log(1 + math.exp(-abs(z))),
        lambda z, out: 1 / (1 + _exp_like(z)(-z)), False,
    ),
    "elu": Activation(
        "elu", lambda z, a=sympy.Integer(1): sympy.Piecewise((z, z > 0), (a * (sympy.exp(z) - 1), True)),
        lambda z, out, a=sympy.Integer(1): sympy.Piecewise((1, z > 0), (out + a, True)),
        "{z} if {z} > 0 else {a}*(e^{z} - 1)", "1 if {z} > 0 else {out} + {a}",
        lambda z, math, a=1: _where(z > 0, z, (math.exp(_where(z > 0, z * 0, z)) - 1) * a),
        lambda z, out, a=1: _where(z > 0, z * 0 + 1, out + a), False, default="1", kink=True,
    ),
    "softmax": Activation(
        "softmax", lambda z: _not_elementwise(), lambda z, out: _not_elementwise(),
        "e^{z}/({total})", "{out}*(1 - {out})",
        lambda z, math: _softmax_rows(z, math), lambda z, out: _not_elementwise(), False, elementwise=False,
    ),
}

SOFTMAX_JACOBIAN_FORMULAS = ("{out}*(1 - {out})", "-{out}*{other}")  # dout_i/dz_i, dout_i/dz_j (j != i)


def softmax(zs: list[sympy.Expr], j: int) -> sympy.Expr:
    """Return out_j = e^z_j / sum_k e^z_k."""
    return sympy.exp(zs[j]) / sympy.Add(*(sympy.exp(z) for z in zs))


def softmax_jacobian(outs: list[sympy.Expr], i: int, j: int) -> sympy.Expr:
    """Return dout_i/dz_j = out_i*(delta_ij - out_j)."""
    return outs[i] * (1 - outs[j]) if i == j else -outs[i] * outs[j]


def softmax_backward(out: Array, de_dout: Array) -> Array:
    """Return dE/dz from dE/dout through softmax's Jacobian, row by row: out_j*(g_j - sum_i g_i out_i)."""
    return out * (de_dout - (de_dout * out).sum(axis=-1, keepdims=True))


@record
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
    # the same on a softmax output layer (categorical cross-entropy: (out - t)/rows, as each t sums to 1)
    softmax_delta: Callable[[Array, Array, int], Array] | None = None
    # the summed loss from the output layer's pre-activations (z, t, n, math), where that is the stable way
    on_logits: Callable[[Array, Array, int, ArrayMath], Any] | None = None
    per_row: bool = False  # n is the number of rows (a mean over rows), not outputs x rows
    output: str | None = None  # the output activation the loss needs, when only one will do

    def count(self, t: Array) -> int:
        """Return n, the number of terms averaged over, for targets t (rows x outputs)."""
        return t.shape[0] if self.per_row else t.size


def _log_softmax(z: Array, math: ArrayMath) -> Array:
    """ln softmax(z) row by row by log-sum-exp: z - max - ln sum e^(z - max), finite where softmax underflows."""
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - math.log(math.exp(shifted).sum(axis=-1, keepdims=True))


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
    # Categorical cross-entropy: E = -(1/rows) sum over rows and outputs of T*ln(out), one term per
    # output and row; each target row is a probability vector (entries in [0, 1] summing to 1).
    "cross_entropy": Loss(
        "cross_entropy",
        lambda t, out, n: -t * sympy.log(out) / n,
        "-{t}*ln({out})/{n}", "-{t}/{out}/{n}", True,
        lambda out, t, n, math: -(t * math.log(out)).sum() / n, lambda out, t, n: -t / out / n,
        softmax_delta=lambda out, t, n: (out - t) / n,
        on_logits=lambda z, t, n, math: -(t * _log_softmax(z, math)).sum() / n,
        per_row=True, output="softmax",
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
