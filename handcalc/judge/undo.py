"""The slip in a written expression that does not compute its quantity.

When the arithmetic as written gives the stated number but is not the
quantity's formula (`1/(1 + e^0.47)` written for the sigmoid of 0.47), the
slip is the change that turns the written expression back into one that gives
the quantity's exact value, up to the rounding of the numbers written
(`rounding.stated_widths`, `intervals.enclosure`).  Each candidate is named
the way the text went wrong: "e^x written for e^-x (e^0.47 for e^-0.47)",
"+ written for -", "the sign of 2 flipped", "0.3 written for 0.2 (the value
of w2)".  At most MAX_UNDO_CANDIDATES candidates are tried.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Iterator, Mapping, Sequence

import sympy

from ..expr import expression as ex
from .intervals import contains, enclosure
from .. import budget
from .rounding import ENCLOSURE_COST, stated_widths
from .slips import SlipSearch, _digit_variants, _rebuild

__all__ = ["written_slips", "MAX_UNDO_CANDIDATES"]

MAX_UNDO_CANDIDATES = 2000  # candidate trees bounded per claim (each costs one pass over the expression)
MAX_NAMED = 3


def _exp_sign(n: ex.Node) -> Iterator[tuple[str, ex.Node]]:
    if isinstance(n, ex.Call) and n.func == "exp":
        if isinstance(n.arg, ex.Unary) and n.arg.op == "-":
            inner = ex.to_text(n.arg.operand)
            yield f"e^-x written for e^x (e^-{inner} for e^{inner})", replace(n, arg=n.arg.operand)
        else:
            inner = ex.to_text(n.arg)
            yield f"e^x written for e^-x (e^{inner} for e^-{inner})", replace(n, arg=ex.Unary("-", n.arg))


def _signs(n: ex.Node) -> Iterator[tuple[str, ex.Node]]:
    if isinstance(n, ex.Unary) and n.op == "-":
        yield f"a stray minus sign in {ex.to_text(n)}", n.operand
    if isinstance(n, ex.Binary) and n.op in "+-":
        flipped = "-" if n.op == "+" else "+"
        yield f"{n.op} written for {flipped} in {ex.to_text(n)}", replace(n, op=flipped)
    if isinstance(n, ex.Number):
        yield f"the sign of {n.text} flipped", ex.Unary("-", n)


def _numbers(other_numbers: Mapping[str, str]):
    def misread(n: ex.Node) -> Iterator[tuple[str, ex.Node]]:
        if isinstance(n, ex.Number):
            written = sympy.Rational(n.text.replace("_", ""))
            for other, source in other_numbers.items():
                if sympy.Rational(other) != written:
                    yield f"{n.text} written for {other} ({source})", ex.Number(other)
            for kind, new in _digit_variants(n.text):
                yield f"{kind}: {new} written as {n.text}", ex.Number(new)
    return misread


def _candidates(node: ex.Node, other_numbers: Mapping[str, str], update: bool) -> Iterator[tuple[str, ex.Node]]:
    if update and isinstance(node, ex.Binary) and node.op == "+":  # w + eta*dE/dw for an update
        yield "the learning rate applied with the wrong sign (+ written for - in w - eta*dE/dw)", replace(node, op="-")
    for change in (_exp_sign, _signs, _numbers(other_numbers)):
        yield from _rebuild(node, change)
    yield "an extra factor 1/2", ex.Binary("*", node, ex.Number("2"))
    yield "a factor 1/2 missing", ex.Binary("/", node, ex.Number("2"))


def written_slips(node: ex.Node, values: Mapping[str, sympy.Expr], other_numbers: Mapping[str, str],
                  givens: Sequence[str], exact: sympy.Expr, update: bool = False, claim: str = "") -> SlipSearch:
    """Return the slips whose undoing makes the written expression give `exact` (at most a few).

    `update`: the quantity is an updated parameter, so a + at the top is the learning rate's sign.
    Each candidate is paid for from the run's work budget (`budget.afford`), as `slips.find_slips` does.
    """
    found: list[str] = []
    trees: list[ex.Node] = []
    cost = ENCLOSURE_COST * (len(ex.numbers(node)) + 1)  # one interval pass over the candidate expression
    for tried, (why, tree) in enumerate(_candidates(node, other_numbers, update)):
        if len(found) >= MAX_NAMED:
            break
        if tried >= MAX_UNDO_CANDIDATES or not budget.afford(cost):
            return SlipSearch(tuple(found), f"slip search for claim {claim!r} stopped at its budget: {tried:,} "
                                            "candidates tried; the verdict stands without a named slip")
        if why in found or tree in trees:
            continue
        bounds = enclosure(tree, values, stated_widths(tree, (), values, givens))
        if bounds is not None and contains(bounds, exact):
            found.append(why)
            trees.append(tree)
    return SlipSearch(tuple(found))
