"""Is a missed stated number explained by the text's own rounding?  Three rules, one place.

1. `explained_by_rounding`: the arithmetic as written gives the stated number
   and the quantity's exact value lies inside what the written expression can
   give over its numbers' rounding intervals (`intervals.enclosure`).  Numbers
   that stand for a given value copied exactly, and whole numbers written
   without a point (the 2 of -2(1 - x)), are exact; every other written number
   stands for its rounding interval.  The explanation says by how much the
   stated number is off and which number's rounding alone explains it.
2. `computes_quantity`: the written expression with each number replaced by
   the exact value of the quantity it stands for; only when that differs from
   the quantity's exact value may a verdict say "the expression does not
   compute" it.
3. `off_by_one`: a stated number of three or more significant digits one unit
   away in its last digit from the exact value rounded (an unprinted
   intermediate was rounded).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from fractions import Fraction
from typing import Mapping, Sequence

import sympy

from .. import budget
from ..expr import expression as ex
from ..expr.extended import extended_value
from ..numbers import last_digit_exponent, parse_fraction, parse_rational, to_decimal_text
from .intervals import contains, describe, enclosure, rounding_interval
from .verdicts import rounded_text, short_value

__all__ = ["explained_by_rounding", "stated_widths", "pairs_by_value", "not_computed_text", "computes_quantity",
           "off_by_one", "ENCLOSURE_COST", "MAX_EXPLAINERS", "MIN_OFF_BY_ONE_DIGITS"]

ENCLOSURE_COST = 100  # work units (~microseconds) per written number of one interval evaluation (measured: 80-170)
MAX_EXPLAINERS = 12  # written numbers tried one at a time for "which rounding alone explains it"
MIN_OFF_BY_ONE_DIGITS = 3  # fewer significant digits than this: one unit off is too much to call rounding
Pairs = Sequence[tuple[ex.Number, str]]


def _short(value: sympy.Expr, digits: int = 10) -> str:
    return short_value(value, digits)


def stated_widths(node: ex.Node, pairs: Pairs, values: Mapping[str, sympy.Expr],
            givens: Sequence[str]) -> list[tuple[Fraction, Fraction] | None]:
    """The interval each written number stands for (None: taken exactly as written)."""
    paired = {id(number): quantity for number, quantity in pairs}
    given = {name: Fraction(int(values[name].p), int(values[name].q)) for name in givens
             if name in values and values[name].is_Rational}
    exact_givens = set(given.values())
    widths: list[tuple[Fraction, Fraction] | None] = []
    for number in ex.numbers(node):
        value, quantity = parse_fraction(number.text), paired.get(id(number))
        if quantity is not None:
            copied = quantity in given and given[quantity] == value
            widths.append(None if copied else rounding_interval(number.text))
        elif number.text.isdigit() or value in exact_givens:
            widths.append(None)
        else:
            widths.append(rounding_interval(number.text))
    return widths


def _label(number: ex.Number, quantity: str | None, values: Mapping[str, sympy.Expr]) -> str:
    if quantity is None or quantity not in values:
        return number.text
    return f"{number.text} ({quantity} = {_short(values[quantity])})"


def explained_by_rounding(quantity: str, stated: str, node: ex.Node, pairs: Pairs, values: Mapping[str, sympy.Expr],
                          givens: Sequence[str], exact: sympy.Expr, as_written: sympy.Expr) -> str | None:
    """Return why the rounding of the written numbers explains `stated`, or None when it does not.

    `givens` names the values the file gives (inputs, targets, parameters, eta): copied exactly, they are exact.
    """
    widths = stated_widths(node, pairs, values, givens)
    cost = ENCLOSURE_COST * (len(widths) + 1)
    budget.charge(cost, "the rounding check", f"{quantity} = {stated}")
    whole = enclosure(node, values, widths)
    if whole is None or not any(widths) or not contains(whole, exact):
        return None
    paired = {id(number): q for number, q in pairs}
    alone = []
    for index, number in enumerate(ex.numbers(node)):
        if widths[index] is None or index >= MAX_EXPLAINERS:
            continue
        only = [width if at == index else None for at, width in enumerate(widths)]
        budget.charge(cost, "the rounding check", f"{quantity} = {stated}")
        part = enclosure(node, values, only)
        if part is not None and contains(part, exact):
            alone.append(_label(number, paired.get(id(number)), values))
    off = parse_rational(stated) - exact
    because = (f"the rounding of {alone[0]} alone explains it" if len(alone) == 1 else
               f"the rounding of any one of {', '.join(alone)} explains it" if alone else
               "the rounding of its written numbers together explains it")
    return (f"{quantity} is {_short(exact, 12)}; {stated} is what the arithmetic as written gives "
            f"({_short(as_written, 12)}), {_short(off, 3)} from the exact value but inside {describe(whole)}, "
            f"which the written numbers' rounding allows: {because}")


def _with_exact_operands(node: ex.Node, pairs: Pairs, negated: set[int]) -> ex.Node:
    """`node` with every paired number replaced by the name of the quantity it stands for (a negated
    one, -0.282 for a negative quantity, together with its minus)."""
    paired = {id(number): quantity for number, quantity in pairs}

    def swap(n: ex.Node) -> ex.Node:
        if isinstance(n, ex.Unary) and n.op == "-" and id(n.operand) in negated:
            return ex.Name(paired[id(n.operand)])
        if isinstance(n, ex.Number):
            return ex.Name(paired[id(n)]) if id(n) in paired else n
        if isinstance(n, ex.Unary):
            return replace(n, operand=swap(n.operand))
        if isinstance(n, ex.Call):
            return replace(n, arg=swap(n.arg))
        if isinstance(n, ex.Binary):
            return replace(n, left=swap(n.left), right=swap(n.right))
        return n

    return swap(node)


def computes_quantity(node: ex.Node, pairs: Pairs, values: Mapping[str, sympy.Expr],
                      exact: sympy.Expr, negated: set[int] = frozenset()) -> tuple[bool, sympy.Expr | None]:
    """Return (whether the expression with exact operands gives `exact`, the value it gives)."""
    value = extended_value(_with_exact_operands(node, pairs, negated), values)
    if value is None or value in (sympy.oo, -sympy.oo) or exact in (sympy.oo, -sympy.oo):
        return value == exact, value
    tolerance = sympy.Rational(1, 10**40) * max(1, abs(exact))
    return bool(abs(sympy.Rational(sympy.Float(value, 60)) - sympy.Rational(sympy.Float(exact, 60))) <= tolerance
                if not (value.is_Rational and exact.is_Rational) else value == exact), value


def off_by_one(stated: str, exact: sympy.Expr) -> str | None:
    """Return how `stated` is one unit off in its last digit from `exact` rounded, or None."""
    if exact in (sympy.oo, -sympy.oo):
        return None
    digits = Decimal(stated.strip().replace("_", "")).as_tuple().digits
    if len(digits) - next((i for i, d in enumerate(digits) if d), len(digits)) < MIN_OFF_BY_ONE_DIGITS:
        return None
    rounded = rounded_text(exact, stated)
    written, nearest = Decimal(stated.strip().replace("_", "")), Decimal(rounded)
    if abs(written.adjusted() - nearest.adjusted()) > 1:  # magnitudes apart (1e300 against 0.44): not one unit
        return None
    unit = Fraction(10) ** last_digit_exponent(stated)
    if abs(Fraction(written) - Fraction(nearest)) != unit:
        return None
    return (f"{_short(exact, 12)} rounds to {rounded}: {stated} is its last digit off by one, "
            f"as when an unprinted intermediate is rounded")


def pairs_by_value(node: ex.Node, pairs: Pairs, inputs: Mapping[str, sympy.Expr]) -> tuple[list, set[int]]:
    """`pairs`, plus each unpaired written number that rounds from exactly one of `inputs` (the quantities
    the claim's step is computed from; -0.282 after a minus from a negative one); and the ids of those negated."""
    from .verdicts import within_stated_digits

    paired = {id(number) for number, _ in pairs}
    minus = {id(n.operand) for n in ex.walk(node) if isinstance(n, ex.Unary) and n.op == "-"}
    extra, negated = [], set()
    for number in ex.numbers(node):
        if id(number) in paired or number.text.isdigit():
            continue
        sign = -1 if id(number) in minus else 1
        fits = [name for name, value in inputs.items() if within_stated_digits(number.text, sign * value)]
        if len(fits) == 1:
            extra.append((number, fits[0]))
            if sign < 0:
                negated.add(id(number))
    return list(pairs) + extra, negated


def not_computed_text(quantity: str, exact: sympy.Expr, as_written: sympy.Expr, with_exact: sympy.Expr | None,
                      paired: bool) -> str:
    """Why the written arithmetic, right as arithmetic, is not the quantity's value (rule 2)."""
    head = f"the arithmetic as written gives {_short(as_written, 12)}, but {quantity} is {_short(exact, 12)}"
    if paired and with_exact is not None:
        return (f"{head}: the expression does not compute {quantity} (with the exact values of the "
                f"quantities its numbers stand for it gives {_short(with_exact, 12)})")
    return f"{head}, further off than the rounding of its written numbers allows"
