"""Exact values: the documented numbers substituted into every derived step.

Inputs, targets, parameters and the learning rate enter as exact rationals;
a step stays exact while it is rational (h1 = 0.4176 exactly) and is
otherwise evaluated to `WORKING_DIGITS` significant digits, far more than the
30 the report promises, so rounding in the working never reaches a verdict.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Mapping

import sympy

from .derivation import Derivation, symbol
from ..naming import LEARNING_RATE, row_suffix
from ..model import Case, Network

__all__ = ["WORKING_DIGITS", "given_inputs", "given_values", "evaluate"]

WORKING_DIGITS = 60


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
    return values


def evaluate(derivation: Derivation, given: Mapping[str, sympy.Expr],
             digits: int = WORKING_DIGITS) -> dict[str, sympy.Expr]:
    """Return every step's value, given values first, in derivation order."""
    env: dict[sympy.Symbol, sympy.Expr] = {symbol(k): v for k, v in given.items()}
    values: dict[str, sympy.Expr] = dict(given)
    for step in derivation.steps:
        value = step.expr.xreplace(env)
        if not value.is_Rational:
            value = sympy.Float(value.evalf(digits), digits)
        env[symbol(step.name)] = value
        values[step.name] = value
    return values
