"""What the text's own rounding allows: a written expression over its numbers' rounding intervals.

A written number stands for every value that rounds to it: 0.731 for
[0.7305, 0.7315] (half a unit of its last digit either side; trailing zeros
count).  `enclosure` returns an interval certain to contain the value of the
expression for every choice of its widened numbers within their intervals, the
other numbers and the named quantities taken exactly.  The arithmetic is
rigorous: mpmath's interval primitives (`libmpi`, rounding every bound
outward at PREC bits), exact rational bounds for the numbers, and each
activation bounded through its monotone pieces, never a float.  Where no
finite bound exists (a divisor interval holding 0, a log reaching 0) the
answer is None, never a guess.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Callable, Mapping, Sequence

import sympy
from mpmath.libmp import (finf, fnan, fninf, from_int, from_rational, libmpi, mpf_le, mpf_lt, round_ceiling,
                          round_floor, to_int)

from ..expr import expression as ex
from ..numbers import last_digit_exponent, parse_fraction

__all__ = ["Interval", "rounding_interval", "enclosure", "contains", "describe", "PREC"]

PREC = 256  # bits of every bound (about 77 digits): far below any rounding a text shows
Interval = tuple  # (lower, upper) as mpmath's raw mpf tuples
_ZERO, _ONE = from_int(0), from_int(1)
_INFINITE = (finf, fninf, fnan)
_FLOAT_SLACK = Fraction(1, 10**50)  # relative error allowed for a quantity held as a 60-digit Float


class _Unbounded(Exception):
    """The expression has no finite bound over the intervals."""


def rounding_interval(text: str) -> tuple[Fraction, Fraction]:
    """Return the values that round to a written number: "0.731" -> (0.7305, 0.7315)."""
    half = Fraction(1, 2) * Fraction(10) ** last_digit_exponent(text)
    value = parse_fraction(text)
    return value - half, value + half


def _between(low: Fraction, high: Fraction) -> Interval:
    return (from_rational(low.numerator, low.denominator, PREC, round_floor),
            from_rational(high.numerator, high.denominator, PREC, round_ceiling))


def _exact(value: sympy.Expr) -> Interval:
    """A quantity's exact value as an interval: a Rational as it is, a Float with its last digits' slack."""
    if isinstance(value, (sympy.Rational, int)):
        rational = Fraction(int(sympy.Rational(value).p), int(sympy.Rational(value).q))
        return _between(rational, rational)
    rational = sympy.Rational(sympy.Float(value, 60))
    point = Fraction(int(rational.p), int(rational.q))
    slack = abs(point) * _FLOAT_SLACK
    return _between(point - slack, point + slack)


def contains(interval: Interval, value: sympy.Expr) -> bool:
    """Return True if `value` (exact, or a 60-digit Float) can lie inside `interval`."""
    low, high = _exact(value)
    return bool(mpf_le(interval[0], high) and mpf_le(low, interval[1]))


def _positive(s: Interval) -> bool:
    return mpf_lt(_ZERO, s[0])


def _holds_zero(s: Interval) -> bool:
    return mpf_le(s[0], _ZERO) and mpf_le(_ZERO, s[1])


def _div(s: Interval, t: Interval) -> Interval:
    if _holds_zero(t):
        raise _Unbounded
    return libmpi.mpi_div(s, t, PREC)


def _sigmoid(s: Interval) -> Interval:
    # 1/(1 + e^-x): x appears once and each step is monotone, so the bound is tight
    one = (_ONE, _ONE)
    return _div(one, libmpi.mpi_add(one, libmpi.mpi_exp(libmpi.mpi_neg(s), PREC), PREC))


def _tanh(s: Interval) -> Interval:
    # 1 - 2/(e^2x + 1), again one occurrence of x
    one, two = (_ONE, _ONE), (from_int(2), from_int(2))
    grown = libmpi.mpi_add(libmpi.mpi_exp(libmpi.mpi_mul(two, s, PREC), PREC), one, PREC)
    return libmpi.mpi_sub(one, _div(two, grown), PREC)


def _bell(point: Callable[[Interval], Interval], peak: Interval) -> Callable[[Interval], Interval]:
    """A function even in x and decreasing in |x| (sigmoid', tanh'): bounded from its ends, and its peak at 0."""
    def bound(s: Interval) -> Interval:
        ends = [point((s[0], s[0])), point((s[1], s[1]))]
        low = ends[0][0] if mpf_le(ends[0][0], ends[1][0]) else ends[1][0]
        high = ends[0][1] if mpf_le(ends[1][1], ends[0][1]) else ends[1][1]
        return (low, peak[1] if _holds_zero(s) else high)
    return bound


def _sigmoid_slope(s: Interval) -> Interval:
    value = _sigmoid(s)
    return libmpi.mpi_mul(value, libmpi.mpi_sub((_ONE, _ONE), value, PREC), PREC)


def _tanh_slope(s: Interval) -> Interval:
    return libmpi.mpi_sub((_ONE, _ONE), libmpi.mpi_square(_tanh(s), PREC), PREC)


def _step(s: Interval) -> Interval:
    return tuple(_ONE if mpf_lt(_ZERO, end) else _ZERO for end in s)


def _log(s: Interval) -> Interval:
    if not _positive(s):
        raise _Unbounded
    return libmpi.mpi_log(s, PREC)


_QUARTER = _between(Fraction(1, 4), Fraction(1, 4))
_FUNCTIONS: dict[str, Callable[[Interval], Interval]] = {
    "exp": lambda s: libmpi.mpi_exp(s, PREC), "log": _log, "abs": lambda s: libmpi.mpi_abs(s, PREC),
    "sigmoid": _sigmoid, "tanh": _tanh, "identity": lambda s: s,
    "relu": lambda s: tuple(end if mpf_lt(_ZERO, end) else _ZERO for end in s),
    "sigmoid'": _bell(_sigmoid_slope, _QUARTER), "tanh'": _bell(_tanh_slope, (_ONE, _ONE)),
    "relu'": _step, "identity'": lambda s: (_ONE, _ONE),
}


def _power(base: Interval, exponent: Interval) -> Interval:
    """base^exponent: an integer power of any base; otherwise e^(exponent * log base) for a positive base."""
    if exponent[0] == exponent[1] and from_int(to_int(exponent[0])) == exponent[0]:
        whole = to_int(exponent[0])
        if whole < 0:
            return _div((_ONE, _ONE), libmpi.mpi_pow_int(base, -whole, PREC))
        return libmpi.mpi_pow_int(base, whole, PREC)
    return libmpi.mpi_exp(libmpi.mpi_mul(exponent, _log(base), PREC), PREC)


_BINARY: dict[str, Callable[[Interval, Interval], Interval]] = {
    "+": lambda s, t: libmpi.mpi_add(s, t, PREC), "-": lambda s, t: libmpi.mpi_sub(s, t, PREC),
    "*": lambda s, t: libmpi.mpi_mul(s, t, PREC), "/": _div, "^": _power,
}


def enclosure(node: ex.Node, env: Mapping[str, sympy.Expr],
              widened: Sequence[tuple[Fraction, Fraction] | None]) -> Interval | None:
    """Return bounds on `node` over its number literals' intervals, or None where none are finite.

    `widened[i]` is the interval the i-th number literal (left to right, as
    `expression.numbers` lists them) stands for, or None to take it as written.
    """
    literals = iter(widened)

    def walk(n: ex.Node) -> Interval:
        if isinstance(n, ex.Number):
            given = next(literals, None)
            value = parse_fraction(n.text)
            return _between(*given) if given is not None else _between(value, value)
        if isinstance(n, ex.Name):
            if n.id not in env:
                raise _Unbounded
            return _exact(env[n.id])
        if isinstance(n, ex.Unary):
            inner = walk(n.operand)
            return libmpi.mpi_neg(inner) if n.op == "-" else inner
        if isinstance(n, ex.Call):
            return _FUNCTIONS[n.func](walk(n.arg))
        left = walk(n.left)
        return _BINARY[n.op](left, walk(n.right))

    try:
        bounds = walk(node)
    except (_Unbounded, KeyError, ArithmeticError, ValueError, OverflowError):
        return None
    if bounds[0] in _INFINITE or bounds[1] in _INFINITE:
        return None
    return bounds


def describe(interval: Interval, digits: int = 6) -> str:
    """Return an interval as "[low, high]" with `digits` significant digits, rounded outward."""
    from mpmath.libmp import to_str

    return f"[{to_str(interval[0], digits)}, {to_str(interval[1], digits)}]"
