"""The likely slip: small, plausible mistakes that reproduce a wrong stated number.

Each generator yields (description, value) candidates; `find_slips` keeps the
descriptions whose value rounds to the stated number at its stated digits.
Nothing is guessed: when no candidate fits, the answer is empty.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable, Iterator, Mapping, NamedTuple

import sympy

from .. import budget
from ..expr import expression as ex
from ..expr.arithmetic import evaluate
from ..expr.extended import extended_value
from .verdicts import within_stated_digits
from ..naming import LEARNING_RATE
from ..numbers import (infinity_sign, is_infinite_text, is_number_text, last_digit_exponent, parse_rational,
                       round_to_exponent)

__all__ = ["SlipSearch", "find_slips", "given_candidates", "expression_candidates", "value_candidates"]

Candidate = tuple[str, sympy.Expr]
MAX_SLIPS = 3
MAX_CANDIDATES = 5_000  # slip candidates tried for one claim
CANDIDATE_COST = 300  # work units (~microseconds) of building and evaluating one candidate


def _matches(stated: str, value: sympy.Expr) -> bool:
    """Return True if a candidate value reproduces the stated text (an infinity only by one of its sign)."""
    if is_infinite_text(stated) or value in (sympy.oo, -sympy.oo):
        return bool(is_infinite_text(stated) and value in (sympy.oo, -sympy.oo)
                    and (1 if value > 0 else -1) == infinity_sign(stated))
    if not (value.is_real and value.is_finite):  # a slip that divides by 0 or logs a negative number
        return False
    return within_stated_digits(stated, value)


class SlipSearch(NamedTuple):
    """The slips found for a claim, and a note when the search stopped at its budget."""

    slips: tuple[str, ...]
    stopped: str | None = None

    def explanation(self) -> str:
        """Return what a wrong verdict's explanation adds: the likely slip, or why none is named ('' if neither)."""
        if self.slips:
            return f"; likely slip: {self.slips[0]}"
        return f"; {self.stopped}" if self.stopped else ""


def _distance(value: sympy.Expr, stated: str) -> float:
    """How far a candidate that reproduces `stated` lies from it (0 for an infinity; inf if not a float)."""
    if is_infinite_text(stated):
        return 0.0
    try:
        return float(abs(sympy.N(value - parse_rational(stated), 15)))
    except (TypeError, ValueError, OverflowError):
        return float("inf")


def find_slips(stated: str, candidates: Iterator[Candidate], claim: str = "") -> SlipSearch:
    """Return the descriptions of the candidates that reproduce `stated` (at most a few).

    Each candidate is paid for from the run's work budget, at most MAX_CANDIDATES
    per claim; a search that stops early says so, and the verdict stands without
    the slips it did not try.
    """
    found: list[str] = []
    distance: dict[str, float] = {}
    tried = 0
    while True:
        if tried >= MAX_CANDIDATES or not budget.afford(CANDIDATE_COST):
            return SlipSearch(tuple(found), f"slip search for claim {claim!r} stopped at its budget: {tried:,} "
                                            "candidates tried; the verdict stands without a named slip")
        try:
            description, value = next(candidates)
        except StopIteration:
            break
        tried += 1
        if value is None or description in found:
            continue
        if _matches(stated, value):
            found.append(description)
            distance[description] = _distance(value, stated)
        if len(found) >= MAX_SLIPS:
            break
    # the likeliest first: the one that reproduces the stated number most closely (log10(100) is 2 exactly,
    # log(8) only to the stated digit), in the order tried among equals
    return SlipSearch(tuple(sorted(found, key=lambda d: distance[d])))


def _digit_variants(text: str, dropped_first: bool = False) -> Iterator[tuple[str, str]]:
    """Digits of a number's text transposed (adjacent) or dropped: (kind, new text)."""
    positions = [i for i, ch in enumerate(text) if ch.isdigit()]
    transposed = [("digits transposed", text[:a] + text[b] + text[a] + text[b + 1:])
                  for a, b in zip(positions, positions[1:]) if b == a + 1 and text[a] != text[b]]
    dropped = [("a digit dropped", text[:i] + text[i + 1:]) for i in positions
               if any(ch.isdigit() for ch in text[:i] + text[i + 1:])]
    yield from (dropped + transposed) if dropped_first else (transposed + dropped)


def result_digit_candidates(value: sympy.Expr, stated: str) -> Iterator[Candidate]:
    """The right value's digits, transposed or with one dropped, at the stated precision or one more."""
    exponent = last_digit_exponent(stated)
    for extra in (0, 1):
        right = round_to_exponent(value, exponent - extra)
        for kind, text in _digit_variants(right, dropped_first=True):
            if is_number_text(text, max_chars=len(text)):  # not when the digit dropped was an exponent's last
                yield f"{kind} in the result: {right} written as {stated}", sympy.Rational(text)


def _rebuild(node: ex.Node, change: Callable[[ex.Node], Iterator[tuple[str, ex.Node]]]) -> Iterator[tuple[str, ex.Node]]:
    """Every tree made by applying `change` at exactly one node."""
    yield from change(node)
    if isinstance(node, ex.Unary):
        for why, operand in _rebuild(node.operand, change):
            yield why, replace(node, operand=operand)
    elif isinstance(node, ex.Binary):
        for why, left in _rebuild(node.left, change):
            yield why, replace(node, left=left)
        for why, right in _rebuild(node.right, change):
            yield why, replace(node, right=right)
    elif isinstance(node, ex.Call):
        for why, arg in _rebuild(node.arg, change):
            yield why, replace(node, arg=arg)


def _rounded_texts(value: sympy.Expr) -> Iterator[tuple[int, str]]:
    for places in range(0, 5):
        yield places, round_to_exponent(value, -places)


def _signs(n: ex.Node) -> Iterator[tuple[str, ex.Node]]:
    """A sign slip at one node: a minus lost, + and - swapped, a number's sign flipped."""
    if isinstance(n, ex.Unary) and n.op == "-":
        yield f"a minus sign lost in {ex.to_text(n)}", n.operand
    if isinstance(n, ex.Binary) and n.op in "+-":
        flipped = "-" if n.op == "+" else "+"
        yield f"{n.op} taken as {flipped} in {ex.to_text(n)}", replace(n, op=flipped)
    if isinstance(n, ex.Number):
        yield f"the sign of {n.text} flipped", ex.Unary("-", n)


def expression_candidates(node: ex.Node, env: Mapping[str, sympy.Expr],
                          other_numbers: Mapping[str, str], stated: str) -> Iterator[Candidate]:
    """Slips in an expression as written: misread operands, digits, signs, sigmoid and log forms."""

    def value(tree: ex.Node) -> sympy.Expr | None:
        try:
            return evaluate(tree, env)
        except ex.ExpressionError:
            return None

    def misread(n: ex.Node) -> Iterator[tuple[str, ex.Node]]:
        if isinstance(n, ex.Number):
            for other, source in other_numbers.items():
                if other != n.text and sympy.Rational(other) != sympy.Rational(n.text.replace("_", "")):
                    yield f"{n.text} read as {other} ({source})", ex.Number(other)
            for kind, new in _digit_variants(n.text):
                yield f"{kind} in {n.text}: {new}", ex.Number(new)

    def functions(n: ex.Node) -> Iterator[tuple[str, ex.Node]]:
        if isinstance(n, ex.Call) and n.func == "sigmoid":
            arg = ex.to_text(n.arg)
            denominator = ex.Binary("+", ex.Number("1"), ex.Call("exp", ex.Unary("-", n.arg)))
            yield (f"the sigmoid's denominator 1 + e^-({arg}) written instead of its reciprocal "
                   f"1/(1 + e^-({arg}))"), denominator
            yield f"e^x written for e^-x in the sigmoid (e^{arg} for e^-{arg})", ex.Binary(
                "/", ex.Number("1"), ex.Binary("+", ex.Number("1"), ex.Call("exp", n.arg)))
            yield f"e^-({arg}) taken for the sigmoid of {arg}", ex.Call("exp", ex.Unary("-", n.arg))
        if isinstance(n, ex.Call) and n.func == "exp":
            yield f"e^x and e^-x confused in exp({ex.to_text(n.arg)})", ex.Call("exp", ex.Unary("-", n.arg))
        if isinstance(n, ex.Call) and n.func == "log":
            for base in ("10", "2"):  # a text's log is natural; a calculator's log key is base 10
                yield f"log taken to base {base}, not e (log{base}({ex.to_text(n.arg)}))", ex.Binary(
                    "/", n, ex.Call("log", ex.Number(base)))
            inner = value(n.arg)
            if inner is not None and inner > 0 and round_to_exponent(inner, 0) in ("0", "1"):
                rounded = round_to_exponent(inner, 0)
                if rounded == "0":
                    yield f"the log taken of {ex.to_text(n.arg)} already rounded to 0", ex.Call("log", ex.Number("0"))
                else:
                    yield f"the log taken of {ex.to_text(n.arg)} already rounded to 1", ex.Number("0")

    def early(n: ex.Node) -> Iterator[tuple[str, ex.Node]]:
        if isinstance(n, (ex.Call, ex.Binary)):
            exact = value(n)
            if exact is not None:
                for places, rounded in _rounded_texts(exact):
                    yield f"{ex.to_text(n)} rounded to {places} decimals too early ({rounded})", ex.Number(rounded)

    for change in (functions, misread, _signs, early):  # a function mistaken before a number misread
        for why, tree in _rebuild(node, change):
            yield why, extended_value(tree, env)
    whole = value(node)
    if whole is not None:
        yield "a factor 1/2 missing", whole * 2
        yield "an extra factor 1/2", whole / 2
        yield from result_digit_candidates(whole, stated)


def value_candidates(compute: Callable[[Mapping[str, sympy.Expr]], sympy.Expr | None],
                     inputs: Mapping[str, sympy.Expr], others: Mapping[str, sympy.Expr],
                     exact: sympy.Expr, stated: str, pre_value: sympy.Expr | None,
                     pre_name: str | None, sigmoid_argument: sympy.Expr | None) -> Iterator[Candidate]:
    """Slips in a quantity computed from named inputs: misread inputs, signs, factors, forms."""
    # the forms particular to an activation first: they name the slip more exactly than a sign does
    if pre_value is not None:
        yield f"the pre-activation {pre_name} used for the post-activation", pre_value
    if sigmoid_argument is not None:
        z = sigmoid_argument
        yield ("the sigmoid's denominator 1 + e^-z written instead of its reciprocal",
               (1 + sympy.exp(-z)).evalf(60))
        yield (f"e^x written for e^-x in the sigmoid (e^{_short(z)} for e^-{_short(z)})",
               (1 / (1 + sympy.exp(z))).evalf(60))
    if LEARNING_RATE in inputs:  # an update: w - eta*dE/dw done as w + eta*dE/dw
        yield "the learning rate applied with the wrong sign (w + eta*dE/dw)", compute(
            dict(inputs, **{LEARNING_RATE: -inputs[LEARNING_RATE]}))
    for name, current in inputs.items():
        for other_name, other in others.items():
            if other_name != name and other != current:
                changed = dict(inputs, **{name: other})
                yield f"{name} ({_short(current)}) read as {other_name} ({_short(other)})", compute(changed)
        yield f"the sign of {name} flipped", compute(dict(inputs, **{name: -current}))
        for places, rounded in _rounded_texts(current):
            if sympy.Rational(rounded) != current:
                yield f"{name} rounded to {places} decimals too early ({rounded})", compute(
                    dict(inputs, **{name: sympy.Rational(rounded)}))
    yield "the sign flipped", -exact
    yield "a factor 1/2 missing", exact * 2
    yield "an extra factor 1/2", exact / 2
    yield from result_digit_candidates(exact, stated)


def given_candidates(quantity: str, texts: Mapping[str, str]) -> Iterator[Candidate]:
    """A given value (a weight, an input) written as another one: w6's value for w5."""
    for name, text in texts.items():
        if name != quantity:
            yield f"the value of {name} ({text}) taken for {quantity}", sympy.Rational(text)


def _short(value: sympy.Expr) -> str:
    from ..numbers import to_decimal_text

    return to_decimal_text(value, 6)
