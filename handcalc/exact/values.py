"""Exact values: the documented numbers substituted into every derived step.

Inputs, targets, parameters and the learning rate enter as exact rationals;
a step stays exact while it is rational (h1 = 0.4176 exactly) and is
otherwise evaluated to `WORKING_DIGITS` significant digits, far more than the
30 the report promises, so rounding in the working never reaches a verdict.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Callable, Mapping

import sympy
from mpmath.libmp import dps_to_prec

from .derivation import Derivation
from ..expr.arithmetic import MAX_EXACT_BITS
from .formulas import ARGS, Apply, Sum, symbol
from .interpreter import Number, add, compile_rule, multiply
from ..naming import LEARNING_RATE, WEIGHT_DECAY, row_suffix
from ..budget import charge
from ..model import Case, Network

__all__ = ["WORKING_DIGITS", "given_inputs", "given_values", "evaluate", "ValueRangeError"]

WORKING_DIGITS = 60
EVALUATION_COST = 20  # work units (~microseconds) of evaluating one step (measured: 15 at 50,000 steps)


class ValueRangeError(ArithmeticError):
    """A step's value is beyond 2^MAX_EXACT_BITS in size or below 2^-MAX_EXACT_BITS (a weight of 1e300
    makes sigmoid(-6e299) = e^-6e299): nothing downstream could write, compare or make it exact."""

    def __init__(self, name: str, value: sympy.Expr, bits: int) -> None:
        self.name, self.bits = name, bits
        size = "beyond" if bits > 0 else "below"
        super().__init__(f"{name} = {_magnitude(value)} is {size} 2^{'-' if bits < 0 else ''}{MAX_EXACT_BITS} "
                         f"(about 1e{'-' if bits < 0 else ''}{int(MAX_EXACT_BITS * 0.30103)}), "
                         f"the range of values handcalc computes (MAX_EXACT_BITS): "
                         f"the numbers the case gives are too large")


def _bits(value: sympy.Expr) -> int:
    """Return about log2 |value| (0 for zero) without making a Float exact: its mpf exponent and bit count."""
    if value.is_Float:
        _, mantissa, exponent, count = value._mpf_
        return exponent + count if mantissa else 0
    return int(value.p).bit_length() - int(value.q).bit_length()


def _magnitude(value: sympy.Expr) -> str:
    """Roughly how large a value out of range is, as about 1e<power of ten> (the power may have 300 digits)."""
    return f"{'-' if value < 0 else ''}about 1e{_bits(value) * 0.30103:.4g}".replace("e+", "e")


def _in_range(name: str, value: sympy.Expr) -> None:
    """Refuse a value outside 2^+-MAX_EXACT_BITS (see ValueRangeError); zero is in range."""
    bits = _bits(value)
    if abs(bits) > MAX_EXACT_BITS:
        raise ValueRangeError(name, value, bits)


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


def evaluate(derivation: Derivation, given: Mapping[str, sympy.Expr],
             digits: int = WORKING_DIGITS, what: str = "the case") -> dict[str, sympy.Expr]:
    """Return every step's value, given values first, in derivation order.

    Each step is worked out with `interpreter`'s numbers (exact rationals, else
    `digits`-digit floats rounded after each operation, as SymPy's own arithmetic
    does); a step they cannot do exactly as SymPy would is left to SymPy.
    `what` names the case for the work budget.
    """
    prec = dps_to_prec(digits)
    values: dict[str, sympy.Expr] = dict(given)
    working: dict[str, Number] = {name: _working(value, digits) for name, value in given.items()}
    rules: dict[sympy.Expr, Callable] = {}
    rationals: dict[Fraction, sympy.Expr] = {}
    for step in derivation.steps:
        charge(EVALUATION_COST, "exact evaluation", what)
        formula, result = step.formula_of, None
        if isinstance(formula, Sum):
            result = add([working[term[0]] if len(term) == 1 else multiply([working[n] for n in term], prec)
                          for term in formula.terms], prec)
        elif isinstance(formula, Apply):
            if formula.rule not in rules:
                rules[formula.rule] = compile_rule(formula.rule, ARGS, prec)
            result = rules[formula.rule]([working[name] for name in formula.operands])
        if result is None:
            value = formula.expr.xreplace({symbol(name): values[name] for name in formula.names})
            if not value.is_Rational:
                value = sympy.Float(value.evalf(digits), digits)
            working[step.name] = _working(value, digits)
        elif isinstance(result, Fraction):
            if result not in rationals:
                rationals[result] = sympy.Rational(result.numerator, result.denominator)
            value = rationals[result]
            working[step.name] = result
        else:
            value = sympy.Float._new(result, prec)
            working[step.name] = result
        _in_range(step.name, value)
        values[step.name] = value
    return values


def _working(value: sympy.Expr, digits: int) -> Number:
    """Return a SymPy number as a working number: a Fraction when rational, else an mpf tuple."""
    if value.is_Rational:
        return Fraction(int(value.p), int(value.q))
    if not value.is_Float:
        value = sympy.Float(value.evalf(digits), digits)
    return value._mpf_
