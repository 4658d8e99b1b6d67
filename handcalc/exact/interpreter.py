"""Exact working numbers for the evaluation: rationals stay `Fraction`, the rest are fixed-precision floats.

`values.evaluate` runs every step of a derivation in order.  Doing that with
SymPy (`xreplace` and its assumptions on 60-digit numbers) costs a fraction of
a millisecond per step; here a step costs a few microseconds, with the same
numbers SymPy would give:

- a value that is rational (h1 = x1*w1 + x2*w2 + b1 with decimal inputs) is
  kept as an exact `Fraction`, as SymPy keeps a `Rational`;
- any other value is an mpmath binary float (`mpf` tuple) of `prec` bits,
  and each operation rounds to nearest at that precision, as SymPy's `Float`
  arithmetic does (60 digits = 203 bits);
- zero is always the exact 0 (SymPy's 0*x and x - x are the integer 0).

A rule (`formulas.Apply`) is compiled once into nested closures over these
numbers.  Where SymPy would do something exact that plain arithmetic cannot
(exp, log or tanh of a rational: sigmoid(0) = 1/2 exactly) or a rule has a
node not listed here, the compiled rule returns None and the caller lets SymPy
evaluate that step.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any, Callable, Optional

import sympy
from mpmath.libmp import (from_rational, fzero, mpf_add, mpf_exp, mpf_log, mpf_mul, mpf_pow_int, mpf_sign, mpf_tanh,
                          round_nearest)

__all__ = ["Number", "compile_rule", "add", "multiply", "to_mpf", "exact_fraction"]

Number = Any  # a Fraction, or an mpf tuple (sign, mantissa, exponent, bitcount)
Compiled = Callable[[list], Optional[Number]]
_ONE, _ZERO = Fraction(1), Fraction(0)


def to_mpf(value: Number, prec: int) -> tuple:
    """Return a working number as an mpf tuple rounded to `prec` bits."""
    if isinstance(value, Fraction):
        return from_rational(value.numerator, value.denominator, prec, round_nearest)
    return value


def _exact_zero(value: tuple) -> Number:
    return _ZERO if value == fzero else value


def add(values: list, prec: int) -> Number:
    """Return the sum: exact while every term is rational, else rounded after each addition."""
    exact, inexact = _ZERO, None
    for value in values:
        if isinstance(value, Fraction):
            exact += value
        else:
            inexact = value if inexact is None else mpf_add(inexact, value, prec, round_nearest)
    if inexact is None:
        return exact
    if exact:
        inexact = mpf_add(inexact, to_mpf(exact, prec), prec, round_nearest)
    return _exact_zero(inexact)


def multiply(values: list, prec: int) -> Number:
    """Return the product: exact while every factor is rational (an exact 0 makes it 0)."""
    exact, inexact = _ONE, None
    for value in values:
        if isinstance(value, Fraction):
            if not value:
                return _ZERO
            exact *= value
        else:
            inexact = value if inexact is None else mpf_mul(inexact, value, prec, round_nearest)
    if inexact is None:
        return exact
    if exact != 1:
        inexact = mpf_mul(inexact, to_mpf(exact, prec), prec, round_nearest)
    return _exact_zero(inexact)


def _power(base: Number, exponent: int, prec: int) -> Number | None:
    if isinstance(base, Fraction):
        return None if (not base and exponent < 0) else base ** exponent
    return _exact_zero(mpf_pow_int(base, exponent, prec, round_nearest))


def _sign(value: Number) -> int:
    return (value > 0) - (value < 0) if isinstance(value, Fraction) else mpf_sign(value)


def exact_fraction(value: Number) -> Fraction:
    """Return a working number as the exact rational it is (an mpf is a binary fraction)."""
    if isinstance(value, Fraction):
        return value
    sign, mantissa, exponent, _ = value
    exact = Fraction(mantissa << exponent) if exponent >= 0 else Fraction(mantissa, 1 << -exponent)
    return -exact if sign else exact


def _compare(a: Number, b: Number) -> int:
    difference = exact_fraction(a) - exact_fraction(b)
    return (difference > 0) - (difference < 0)


_FUNCTIONS = {sympy.exp: mpf_exp, sympy.log: mpf_log, sympy.tanh: mpf_tanh}


def compile_rule(rule: sympy.Expr, args: tuple[sympy.Symbol, ...], prec: int) -> Compiled:
    """Return a function of the arguments' working numbers computing `rule`, or None where SymPy must."""
    if rule in args:
        index = args.index(rule)
        return lambda values: values[index]
    if rule.is_Rational:
        constant = Fraction(int(rule.p), int(rule.q))
        return lambda values: constant
    parts = [compile_rule(arg, args, prec) for arg in rule.args]
    if rule.is_Add or rule.is_Mul:
        combine = add if rule.is_Add else multiply

        def combined(values: list) -> Number | None:
            results = [part(values) for part in parts]
            return None if None in results else combine(results, prec)
        return combined
    if rule.is_Pow and rule.exp.is_Integer:
        base, exponent = parts[0], int(rule.exp)

        def power(values: list) -> Number | None:
            value = base(values)
            return None if value is None else _power(value, exponent, prec)
        return power
    if rule.func in _FUNCTIONS:
        function, inner = _FUNCTIONS[rule.func], parts[0]

        def apply(values: list) -> Number | None:
            value = inner(values)
            if value is None or isinstance(value, Fraction):
                return None  # exact arguments: SymPy knows exp(0) = 1, log(1) = 0, ...
            if function is mpf_log and mpf_sign(value) <= 0:
                return None
            return _exact_zero(function(value, prec, round_nearest))
        return apply
    if isinstance(rule, (sympy.Max, sympy.Min)):
        larger = isinstance(rule, sympy.Max)

        def extreme(values: list) -> Number | None:
            results = [part(values) for part in parts]
            if None in results:
                return None
            best = results[0]
            for value in results[1:]:
                order = _compare(value, best)
                if (order > 0 if larger else order < 0) or (order == 0 and isinstance(value, Fraction)):
                    best = value
            return best
        return extreme
    if isinstance(rule, sympy.Heaviside) and len(rule.args) == 2 and rule.args[1].is_Rational:
        inner, at_zero = parts[0], Fraction(int(rule.args[1].p), int(rule.args[1].q))

        def step(values: list) -> Number | None:
            value = inner(values)
            if value is None:
                return None
            sign = _sign(value)
            return _ONE if sign > 0 else _ZERO if sign < 0 else at_zero
        return step
    return lambda values: None
