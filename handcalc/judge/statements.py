"""Statements: a claim that compares two expressions or places one in a range, judged on exact values.

Part of the judge stage: `handcalc.judge.claims` hands every `CompareClaim`
(`E_total < 0.3`, `out_y1 > out_y2`) and `RangeClaim` (`out_h1 in (0, 1)`) here,
as it hands arrays to `arrays` and predictions to `prediction`.  Each side is
worked out from the case's exact values (with -∞ and ∞ where a log meets 0), so
the relation is decided exactly; a value float64 would show differently is noted.
"""

from __future__ import annotations

from typing import Mapping

import sympy

from ..expr import expression as ex
from ..expr.extended import extended_value
from ..model import CompareClaim, Network, RangeClaim
from ..numbers import is_number_text, parse_rational
from .verdicts import Verdict, short_value

__all__ = ["judge_compare", "judge_range"]

_RELATIONS = {"<": lambda a, b: a < b, ">": lambda a, b: a > b, "<=": lambda a, b: a <= b,
              ">=": lambda a, b: a >= b, "==": lambda a, b: a == b, "!=": lambda a, b: a != b}


def judge_compare(claim: CompareClaim, network: Network, values: Mapping[str, sympy.Expr]) -> Verdict:
    """Return the verdict on `left relation right`, both sides computed exactly."""
    left = _expression_value(claim.expression or "", network, values)
    right = _expression_value(claim.right or "", network, values)
    holds = _RELATIONS[claim.relation](left, right)
    sides = [f"{claim.expression} = {short_value(left)}"]
    if not is_number_text(claim.right or ""):
        sides.append(f"{claim.right} = {short_value(right)}")
    text = ", ".join(sides)
    if holds:
        return Verdict(claim, left, "correct", text)
    return Verdict(claim, left, "wrong", f"{text}: {claim.expression} {claim.relation} {claim.right} does not hold")


def judge_range(claim: RangeClaim, network: Network, values: Mapping[str, sympy.Expr]) -> Verdict:
    """Return the verdict on a value said to lie in an interval (open or closed at each end)."""
    left = _expression_value(claim.expression or claim.quantity or "", network, values)
    low = parse_rational(claim.low) if claim.low is not None else -sympy.oo
    high = parse_rational(claim.high) if claim.high is not None else sympy.oo
    inside = ((low <= left) if claim.bounds[0] == "[" else (low < left)) and \
             ((left <= high) if claim.bounds[1] == "]" else (left < high))
    interval = f"{claim.bounds[0]}{claim.low or '-∞'}, {claim.high or '∞'}{claim.bounds[1]}"
    text = f"{claim.expression or claim.quantity} = {short_value(left, 25)}"
    note = _float_note(left)
    if inside:
        return Verdict(claim, left, "correct", f"{text} lies in {interval}" + (f"; {note}" if note else ""))
    return Verdict(claim, left, "wrong", f"{text} is not in {interval}")


def _expression_value(text: str, network: Network, values: Mapping[str, sympy.Expr]) -> sympy.Expr:
    value = extended_value(ex.parse(text, network.function_table), values)
    if value is None:
        raise ex.ExpressionError(f"{text} cannot be computed")
    return value


def _float_note(value: sympy.Expr) -> str | None:
    """Say why float64 would show a different value, where it would."""
    if value in (sympy.oo, -sympy.oo) or value == 0 or value == 1:
        return None
    as_float = float(value)
    if as_float == 1.0:
        return (f"in float64 it is exactly 1.0 (1 - {short_value(1 - value, 3)} is not representable), so a float "
                f"computation puts it on the boundary and log(1 - it) is log 0 = -inf")
    if as_float == 0.0:
        return "in float64 it underflows to exactly 0.0"
    return None
