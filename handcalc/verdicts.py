"""Claim verdicts: each stated number judged against the exact value.

A stated number is correct when it is the exact value rounded to the digits
it states: within half a unit of its last digit, trailing zeros counting.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import sympy

from .example import Claim
from .numbers import last_digit_exponent, parse_rational, round_to_exponent, to_decimal_text

__all__ = ["Verdict", "VERDICTS", "judge", "rounded_text", "within_stated_digits"]

VERDICTS = ("correct", "rounding", "propagated", "wrong", "unchecked")


@dataclass(frozen=True)
class Verdict:
    """The judgement of one claim."""

    claim: Claim
    computed: sympy.Expr | None  # the exact value, None when it could not be computed
    verdict: str
    explanation: str | None = None


def within_stated_digits(stated: str, value: sympy.Expr) -> bool:
    """Return True if `value` rounds to `stated` at the digits `stated` gives."""
    half_unit = sympy.Rational(1, 2) * sympy.Rational(10) ** last_digit_exponent(stated)
    difference = abs(sympy.Float(value, 60) - parse_rational(stated))
    return bool(difference <= half_unit)


def rounded_text(value: sympy.Expr, like: str) -> str:
    """Return `value` rounded to the same last digit as the stated text `like`."""
    return round_to_exponent(value, last_digit_exponent(like))


def judge(claim: Claim, values: Mapping[str, sympy.Expr]) -> Verdict:
    """Return the verdict on one claim about a named quantity."""
    value = values.get(claim.quantity)
    if value is None:
        return Verdict(claim, None, "unchecked", f"no quantity named {claim.quantity!r} in this case")
    if within_stated_digits(claim.stated, value):
        return Verdict(claim, value, "correct")
    return Verdict(claim, value, "wrong",
                   f"{claim.quantity} is {rounded_text(value, claim.stated)} to the stated digits "
                   f"({to_decimal_text(value, 15)}), not {claim.stated}")
