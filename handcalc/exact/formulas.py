"""A derivation step's formula, kept as names until SymPy is asked for it.

`derive` writes tens of thousands of steps for a large network; building a
SymPy expression for each costs far more than the step itself.  So a step's
formula is a small record over the names of earlier steps, and its SymPy
expression is built on first use (the report, a claim's recomputation,
`Derivation.expand`), always the same expression the record stands for:

- `Sum`: a sum of products of names, x1*w1 + x2*w2 + b1 (a product of no
  names is 1, a sum of one product is that product);
- `Apply`: one of the rules of `handcalc.functions` (an activation, its derivative,
  a loss term, its derivative, the update p - eta*dE/dp) applied to names.
  The rule is a SymPy expression in placeholder symbols, built once per rule
  (`shape`): the loss derivative is differentiated once, not per output;
- `Symbolic`: any other SymPy expression, given as it is.

`handcalc.exact.values` evaluates `Sum` and `Apply` without SymPy.
"""

from __future__ import annotations

from functools import cached_property, lru_cache
from typing import Callable

import sympy

from ..records import record

__all__ = ["Sum", "Apply", "Symbolic", "Formula", "ARGS", "symbol", "activation_shape",
           "derivative_shape", "loss_shape", "loss_derivative_shape", "UPDATE"]


@lru_cache(maxsize=None)
def _placeholders(count: int) -> tuple[sympy.Symbol, ...]:
    return tuple(sympy.Symbol(f"_{i}", real=True) for i in range(count))


ARGS = _placeholders(4)  # a rule's arguments, in the order of `Apply.operands`


def symbol(name: str) -> sympy.Symbol:
    """Return the (real) SymPy symbol of a quantity name."""
    return sympy.Symbol(name, real=True)


@record
class Sum:
    """A sum of products of names: ((x1, w1), (x2, w2), (b1,)) is x1*w1 + x2*w2 + b1."""

    terms: tuple[tuple[str, ...], ...]

    @property
    def names(self) -> tuple[str, ...]:
        """Return the names the formula uses, each once, in order."""
        return tuple(dict.fromkeys(name for term in self.terms for name in term))

    @cached_property
    def expr(self) -> sympy.Expr:
        """Return the formula as a SymPy expression."""
        return sympy.Add(*(sympy.Mul(*(symbol(name) for name in term)) for term in self.terms))


@record
class Apply:
    """A rule (a SymPy expression in `ARGS`) applied to names: sigmoid(h1), out_y1*(1 - out_y1), ..."""

    rule: sympy.Expr
    operands: tuple[str, ...]

    @property
    def names(self) -> tuple[str, ...]:
        """Return the names the formula uses, each once, in order."""
        used = self.rule.free_symbols
        return tuple(dict.fromkeys(name for arg, name in zip(ARGS, self.operands) if arg in used))

    @cached_property
    def expr(self) -> sympy.Expr:
        """Return the formula as a SymPy expression."""
        return self.rule.xreplace({arg: symbol(name) for arg, name in zip(ARGS, self.operands)})


@record
class Symbolic:
    """Any SymPy expression in the symbols of earlier names."""

    expr: sympy.Expr

    @property
    def names(self) -> tuple[str, ...]:
        """Return the names the formula uses, each once, in name order."""
        return tuple(sorted(s.name for s in self.expr.free_symbols))


Formula = Sum | Apply | Symbolic


def activation_shape(function: Callable[..., sympy.Expr], *constants: sympy.Expr) -> sympy.Expr:
    """Return out = f(z, *constants) with z = ARGS[0]."""
    return _once(("activation", function, constants), lambda: function(ARGS[0], *constants))


def derivative_shape(derivative: Callable[..., sympy.Expr], *constants: sympy.Expr) -> sympy.Expr:
    """Return dout/dz with z = ARGS[0], out = ARGS[1] (and the activation's constants)."""
    return _once(("derivative", derivative, constants), lambda: derivative(ARGS[0], ARGS[1], *constants))


def loss_shape(term: Callable[..., sympy.Expr], n: int) -> sympy.Expr:
    """Return a loss term with t = ARGS[0], out = ARGS[1], over n terms."""
    return _once(("loss", term, n), lambda: term(ARGS[0], ARGS[1], n))


def loss_derivative_shape(term: Callable[..., sympy.Expr], n: int) -> sympy.Expr:
    """Return dE/dout of a loss term, differentiated once: t = ARGS[0], out = ARGS[1]."""
    return _once(("loss derivative", term, n), lambda: sympy.diff(loss_shape(term, n), ARGS[1]))


_SHAPES: dict[tuple, sympy.Expr] = {}


def _once(key: tuple, build: Callable[[], sympy.Expr]) -> sympy.Expr:
    """Build a rule's shape the first time it is asked for; the same object after that."""
    if key not in _SHAPES:
        _SHAPES[key] = build()
    return _SHAPES[key]


UPDATE = ARGS[0] - ARGS[1] * ARGS[2]  # new p = p - eta*dE/dp: (p, eta, dE_dp)
