"""Exact values: the documented numbers substituted into every derived step.

Inputs, targets, parameters and the learning rate enter as exact rationals;
a step stays exact while it is rational (h1 = 0.4176 exactly) and is
otherwise evaluated to `WORKING_DIGITS` significant digits, far more than the
30 the report promises, so rounding in the working never reaches a verdict.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Callable, Mapping

import sympy
from mpmath.libmp import dps_to_prec, finf, fnan, fninf

from .derivation import Derivation
from ..expr.arithmetic import MAX_EXACT_BITS
from .formulas import ARGS, Apply, Formula, Sum, symbol
from .interpreter import Number, add, compile_rule, multiply
from ..read.limits import MAX_WORKING_DIGITS
from ..naming import LEARNING_RATE, WEIGHT_DECAY, row_suffix
from ..budget import afford, charge
from ..model import Case, Network
from ..heap import collector_paused

__all__ = ["WORKING_DIGITS", "given_inputs", "given_values", "evaluate", "ValueRangeError"]

WORKING_DIGITS = 60
_SATURATING = frozenset({"sigmoid", "tanh", "softmax"})
EVALUATION_COST = 20  # work units (~microseconds) of evaluating one step (measured: 15 at 50,000 steps)


class ValueRangeError(ArithmeticError):
    """A step's value is beyond 2^MAX_EXACT_BITS in size or below 2^-MAX_EXACT_BITS (a weight of 1e300
    makes sigmoid(-6e299) = e^-6e299), or has no finite value even at MAX_WORKING_DIGITS: nothing
    downstream could write, compare or make it exact."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name} {message}")
        self.name = name


def _bits(value: sympy.Expr) -> int:
    """Return about log2 |value| (0 for zero) without making a Float exact: its mpf exponent and bit count."""
    if value.is_Float:
        _, mantissa, exponent, count = value._mpf_
        return exponent + count if mantissa else 0
    return int(value.p).bit_length() - int(value.q).bit_length()


def _magnitude(value: sympy.Expr) -> str:
    """Roughly how large a value out of range is, as about 1e<power of ten>: the power may itself be beyond
    float64 (sigmoid(-1e390) is about 1e-6.3e389), so it is worked out as a Decimal."""
    power = Decimal(_bits(value)) * Decimal("0.30103")
    return f"{'-' if value < 0 else ''}about 1e{power:.4g}".replace("e+", "e")


def _in_range(name: str, value: sympy.Expr) -> None:
    """Refuse a value outside 2^+-MAX_EXACT_BITS (see ValueRangeError); zero is in range."""
    bits = _bits(value)
    if abs(bits) > MAX_EXACT_BITS:
        size, sign = ("beyond", "") if bits > 0 else ("below", "-")
        raise ValueRangeError(name, f"= {_magnitude(value)} is {size} 2^{sign}{MAX_EXACT_BITS} (about "
                              f"1e{sign}{int(MAX_EXACT_BITS * 0.30103)}), the range of values handcalc computes "
                              f"(MAX_EXACT_BITS): the numbers the case gives are too large")


def _rational(value: Fraction) -> sympy.Rational:
    return sympy.Rational(value.numerator, value.denominator)


def given_inputs(network: Network, case: Case) -> dict[str, sympy.Rational]:
    """Return the exact inputs and targets of a case (all a case without weights has)."""
    rows = len(case.rows)
    values: dict[str, sympy.Rational] = {}
    for r, row in enumerate(case.rows):
        suffix = row_suffix(r, rows)
        values.update({name + suffix: _rational(v) for name, v in zip(network.inputs, row)})
        if r < len(case.targets):
            values.update({name + suffix: _rational(v) for name, v in zip(network.targets, case.targets[r])})
    values[LEARNING_RATE] = _rational(case.learning_rate)
    return values


def given_values(derivation: Derivation, case: Case) -> dict[str, sympy.Rational]:
    """Return the exact values the file gives: inputs, targets, parameters, eta."""
    network = derivation.network
    rows = len(case.rows)
    values: dict[str, sympy.Rational] = {}
    for r, row in enumerate(case.rows):
        suffix = row_suffix(r, rows)
        for name, value in zip(network.inputs, row):
            values[name + suffix] = _rational(value)
        for name, value in zip(network.targets, case.targets[r] if r < len(case.targets) else ()):
            values[name + suffix] = _rational(value)
    for name in network.parameters:
        values[name] = _rational(case.parameters[name])
    values[LEARNING_RATE] = _rational(case.learning_rate)
    if WEIGHT_DECAY in derivation.given:
        values[WEIGHT_DECAY] = _rational(case.training.weight_decay)
    return values


@collector_paused
def evaluate(derivation: Derivation, given: Mapping[str, sympy.Expr],
             digits: int = WORKING_DIGITS, what: str = "the case") -> dict[str, sympy.Expr]:
    """Return every step's value, given values first, in derivation order.

    Each step is worked out with `interpreter`'s numbers (exact rationals, else
    `digits`-digit floats rounded after each operation, as SymPy's own arithmetic
    does); a step they cannot do exactly as SymPy would is left to SymPy.
    `what` names the case for the work budget.

    A sigmoid of 200 is 1 - 1.4e-87: at 60 digits it rounds to exactly 1, and the
    binary cross-entropy's log(1 - out) would be log(0).  When a saturating
    activation rounds onto 0 or +-1, or a step has no finite value, the whole
    case is worked again with four times the digits, up to MAX_WORKING_DIGITS;
    a step still without a finite value there is a ValueRangeError.
    """
    paid = False
    while True:
        try:
            return _evaluate_at(derivation, given, digits, what, paid)
        except _Saturated as saturated:
            at_most = digits >= MAX_WORKING_DIGITS
            digits, paid = min(4 * digits, MAX_WORKING_DIGITS), False
            if saturated.finite is None and at_most:
                raise ValueRangeError(saturated.name, f"has no finite value even at {MAX_WORKING_DIGITS} digits "
                                      f"(MAX_WORKING_DIGITS): an output rounds onto 0 or 1 there") from None
            if saturated.finite is not None:  # only rounded onto 0 or 1: more digits if the budget can spare them
                if at_most or not afford(_cost(digits) * len(derivation.steps)):
                    return saturated.finite
                paid = True


class _Saturated(ArithmeticError):
    """A step needs more digits: `finite` holds the values when they are all finite (only rounded onto 0 or 1)."""

    def __init__(self, name: str, finite: dict[str, sympy.Expr] | None = None) -> None:
        super().__init__(name)
        self.name, self.finite = name, finite


def _cost(digits: int) -> int:
    """Work units of evaluating one step at `digits` digits."""
    return EVALUATION_COST * max(1, digits // WORKING_DIGITS)


def _saturating_outputs(derivation: Derivation) -> frozenset[str]:
    """Every row's outputs of sigmoid, tanh and softmax neurons: never exactly 0 or +-1 from a finite input."""
    rows = derivation.rows
    return frozenset(post + row_suffix(r, rows) for layer in derivation.network.layers
                     if layer.activation in _SATURATING for post in layer.post for r in range(rows))


def _evaluate_at(derivation: Derivation, given: Mapping[str, sympy.Expr], digits: int,
                 what: str, paid: bool = False) -> dict[str, sympy.Expr]:
    """`evaluate` at `digits` digits (`paid`: already afforded); raises _Saturated when a step needs more."""
    prec = dps_to_prec(digits)
    values: dict[str, sympy.Expr] = dict(given)
    working: dict[str, Number] = {name: _working(value, digits) for name, value in given.items()}
    rules: dict[sympy.Expr, Callable] = {}
    rationals: dict[Fraction, sympy.Expr] = {}
    saturating, rounded_onto = _saturating_outputs(derivation), None
    cost = 0 if paid else _cost(digits)
    for step in derivation.steps:
        charge(cost, "exact evaluation", what)
        formula, result = step.formula_of, None
        try:
            if isinstance(formula, Sum):
                result = add([working[term[0]] if len(term) == 1 else multiply([working[n] for n in term], prec)
                              for term in formula.terms], prec)
            elif isinstance(formula, Apply):
                if formula.rule not in rules:
                    rules[formula.rule] = compile_rule(formula.rule, ARGS, prec)
                result = rules[formula.rule]([working[name] for name in formula.operands])
        except ZeroDivisionError:
            raise _Saturated(step.name) from None
        if result is None:
            value = _substituted(formula, values)
            if not value.is_Rational:
                value = value.evalf(digits)
                if not (value.is_real and value.is_finite):  # log(1 - out) with out rounded onto 1
                    raise _Saturated(step.name)
                value = sympy.Float(value, digits)
            working[step.name] = _working(value, digits)
        elif isinstance(result, Fraction):
            if result not in rationals:
                rationals[result] = sympy.Rational(result.numerator, result.denominator)
            value = rationals[result]
            working[step.name] = result
        else:
            if result in (finf, fninf, fnan):
                raise _Saturated(step.name)
            value = sympy.Float._new(result, prec)
            working[step.name] = result
        _in_range(step.name, value)
        values[step.name] = value
        if step.name in saturating and value.is_Float and value in (0, 1, -1) and rounded_onto is None:
            rounded_onto = step.name
    if rounded_onto is not None:
        raise _Saturated(rounded_onto, values)
    return values


def _substituted(formula: Formula, values: Mapping[str, sympy.Expr]) -> sympy.Expr:
    """Return a step's formula with its operands' values put in, for SymPy to finish.

    A rule is filled in straight from its placeholders: the same expression as the
    step's own (`formula.expr`) filled in, without building that one first.
    """
    if isinstance(formula, Apply):
        return formula.rule.xreplace({arg: values[name] for arg, name in zip(ARGS, formula.operands)})
    return formula.expr.xreplace({symbol(name): values[name] for name in formula.names})


def _working(value: sympy.Expr, digits: int) -> Number:
    """Return a SymPy number as a working number: a Fraction when rational, else an mpf tuple."""
    if value.is_Rational:
        return Fraction(int(value.p), int(value.q))
    if not value.is_Float:
        value = sympy.Float(value.evalf(digits), digits)
    return value._mpf_
