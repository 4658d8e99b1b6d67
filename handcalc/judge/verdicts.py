"""Verdicts and the precision rules they rest on.

A stated number is correct when it is the exact value rounded to the digits
it states: within half a unit of its last digit, trailing zeros counting.
"""

from __future__ import annotations

from fractions import Fraction

import sympy

from ..records import record
from ..model import Claim
from ..expr.extended import INFINITIES, infinity_text
from ..numbers import (infinity_sign, is_infinite_text, last_digit_exponent, parse_fraction, round_to_exponent,
                       to_decimal_text)

__all__ = ["Verdict", "VERDICTS", "within_stated_digits", "rounded_text", "truncates_to", "short_value",
           "same_infinity", "consistent"]

VERDICTS = ("correct", "rounding", "propagated", "wrong", "unchecked")


@record
class Verdict:
    """The judgement of one claim."""

    claim: Claim
    computed: sympy.Expr | None  # the exact value the claim is about, None when not computed
    verdict: str
    explanation: str | None = None
    as_written: sympy.Expr | None = None  # the arithmetic of the written expression, when there is one
    roots: tuple[str, ...] = ()  # for `propagated`: the root claims' ids
    slips: tuple[str, ...] = ()  # for `wrong`: slips that reproduce the stated number


def short_value(value: sympy.Expr | None, digits: int = 12) -> str:
    """Return a value as an explanation quotes it: `digits` significant digits, 1 - 8.76E-27 near 1, ∞."""
    if value is None:
        return "undefined"
    if value in INFINITIES:
        return infinity_text(value)
    gap = abs(1 - value)
    if gap != 0 and gap < sympy.Rational(10) ** (2 - digits):  # (a Float 1.0 is not == 1 in SymPy)
        return f"1 {'-' if value < 1 else '+'} {sympy.Float(gap, 3)}"  # 0.999... would print as 1.000...
    return to_decimal_text(value, digits)


def _exact(value: sympy.Expr, number: Fraction, unit: Fraction) -> Fraction:
    """The value as an exact fraction, to compare with `number` at steps of half a `unit`: a Rational as it
    is, a Float as the binary number it holds.

    The comparisons below are exact either way; they run on `Fraction`s, several times faster than SymPy's
    arithmetic (a claim's operands are compared by the dozen).  A Float far beyond |number| + unit, or far
    below unit/8, is not made exact (e^-4.6e300 would need 10^300 bits): a stand-in of its sign just as far
    out compares the same with every multiple of unit/2, the only bounds these comparisons use.
    """
    if isinstance(value, sympy.Rational):
        return Fraction(int(value.p), int(value.q))
    value = sympy.Float(value, 60)
    sign, mantissa, exponent, count = value._mpf_
    if mantissa:  # |value| < 2^bits (zero, inf and nan have none)
        bits, far = exponent + count, abs(number) + unit
        if bits >= far.numerator.bit_length() - far.denominator.bit_length() + 3:  # beyond 2 (|number| + unit)
            return 4 * far * (-1 if sign else 1)
        if bits < unit.numerator.bit_length() - unit.denominator.bit_length() - 4:  # below unit/8
            return unit / 8 * (-1 if sign else 1)
    rational = sympy.Rational(value)
    return Fraction(int(rational.p), int(rational.q))


def _unit(stated: str) -> Fraction:
    """One unit of the last digit `stated` gives: 1/100 for "0.41"."""
    return Fraction(10) ** last_digit_exponent(stated)


def within_stated_digits(stated: str, value: sympy.Expr) -> bool:
    """Return True if `value` rounds to `stated` at the digits `stated` gives (ties count as rounding to it)."""
    number, unit = parse_fraction(stated), _unit(stated)
    return abs(_exact(value, number, unit) - number) <= unit / 2


def truncates_to(value: sympy.Expr, stated: str) -> bool:
    """Return True if cutting `value` off (not rounding it) at the stated digits gives `stated`."""
    unit = _unit(stated)
    number = parse_fraction(stated)
    exact = _exact(value, number, unit)
    if number >= 0:
        return number <= exact < number + unit
    return number - unit < exact <= number


def rounded_text(value: sympy.Expr, like: str) -> str:
    """Return `value` rounded to the same last digit as the stated text `like`."""
    return round_to_exponent(value, last_digit_exponent(like))


def same_infinity(stated: str, value: sympy.Expr | None) -> bool:
    """Return True if `stated` writes infinity and `value` is that infinity, sign included (-log(0) is ∞)."""
    return (value in INFINITIES and is_infinite_text(stated)
            and infinity_sign(stated) == (1 if value > 0 else -1))


def consistent(stated: str, value: sympy.Expr | None) -> bool:
    """Return True if `stated` is `value` rounded or truncated at its digits, or the same infinity.

    The one rule for "the text's number is this value" in claims and in the text scan.
    """
    if value is None:
        return False
    if value in INFINITIES or is_infinite_text(stated):
        return same_infinity(stated, value)
    return within_stated_digits(stated, value) or truncates_to(value, stated)
