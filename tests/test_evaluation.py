"""The fast evaluation (`exact.interpreter`) against SymPy evaluating the same steps.

`values.evaluate` works with Fractions and mpmath floats; an independent
evaluation substitutes the values into each step's SymPy expression
(`xreplace`) and lets SymPy do the arithmetic, as handcalc did before.  The two
must agree to 55 of the 60 digits, and be rational at the same steps.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy
from hypothesis import HealthCheck, given, settings

from handcalc.exact.derivation import derive, symbol
from handcalc.exact.formulas import ARGS, Apply, Sum
from handcalc.exact.interpreter import compile_rule
from handcalc.exact.values import evaluate, given_values
from handcalc.read.loader import load_text

from test_derivation import CHAIN_RULE_NETWORKS, random_networks

PREC = 203  # 60 digits


def _by_sympy(derivation, given: dict) -> dict:
    """Each step's SymPy expression with the earlier values substituted, as SymPy evaluates it."""
    values = dict(given)
    for step in derivation.steps:
        value = step.expr.xreplace({symbol(n): values[n] for n in step.inputs})
        values[step.name] = value if value.is_Rational else sympy.Float(value.evalf(60), 60)
    return values


def _agree(derivation, case) -> None:
    given_ = given_values(derivation, case)
    fast, slow = evaluate(derivation, given_), _by_sympy(derivation, given_)
    for step in derivation.steps:
        a, b = fast[step.name], slow[step.name]
        assert a.is_Rational == b.is_Rational, (step.name, a, b)
        if a.is_Rational:
            assert a == b, (step.name, a, b)
        else:
            scale = max(abs(b), sympy.Float("1e-30"))
            assert abs(a - b) <= sympy.Float("1e-55") * scale, (step.name, a, b)


@pytest.mark.parametrize("name", sorted(CHAIN_RULE_NETWORKS))
def test_fast_evaluation_agrees_with_sympy(name: str) -> None:
    example = CHAIN_RULE_NETWORKS[name]()
    case = example.cases[0]
    _agree(derive(example.network_of(case), len(case.rows)), case)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_networks())
def test_fast_evaluation_agrees_with_sympy_on_random_networks(text: str) -> None:
    example = load_text(text)
    case = example.cases[0]
    _agree(derive(example.network, len(case.rows)), case)


def test_exact_values_stay_exact() -> None:
    """sigmoid(0) = 1/2, tanh(0) = 0 and relu of a negative rational are exact, as SymPy has them."""
    z = ARGS[0]
    sigmoid = compile_rule(1 / (1 + sympy.exp(-z)), ARGS, PREC)
    assert sigmoid([Fraction(0)]) is None  # left to SymPy, which gives exactly 1/2
    relu = compile_rule(sympy.Max(0, z), ARGS, PREC)
    assert relu([Fraction(-3, 10)]) == 0 and relu([Fraction(3, 10)]) == Fraction(3, 10)
    step = compile_rule(sympy.Heaviside(z, 0), ARGS, PREC)
    assert step([Fraction(0)]) == 0 and step([Fraction(1, 7)]) == 1
    product = compile_rule(z * (1 - z), ARGS, PREC)
    assert product([Fraction(1, 2)]) == Fraction(1, 4)


def test_float_arithmetic_rounds_as_sympy_does() -> None:
    """sigmoid of a 60-digit float: the same digits as SymPy's Float arithmetic, and as mpmath at 60 digits."""
    x = sympy.Float("0.41762912837410284571938475610293847561029384756102938475610", 60)
    sigmoid = compile_rule(1 / (1 + sympy.exp(-ARGS[0])), ARGS, PREC)
    fast = sympy.Float._new(sigmoid([x._mpf_]), PREC)
    assert fast == 1 / (1 + sympy.exp(-x))
    import mpmath

    with mpmath.workdps(80):
        reference = 1 / (1 + mpmath.exp(-mpmath.mpf(x._mpf_)))
        assert abs(mpmath.mpf(fast._mpf_) - reference) < mpmath.mpf("1e-59")


def test_formulas_stand_for_their_sympy_expressions() -> None:
    """A Sum and an Apply build the SymPy expression they name."""
    s = sympy.Symbol
    terms = Sum((("x1", "w1"), ("x2", "w2"), ("b1",)))
    assert terms.expr == s("x1", real=True) * s("w1", real=True) + s("x2", real=True) * s("w2", real=True) \
        + s("b1", real=True)
    assert Sum(((),)).expr == 1
    update = Apply(ARGS[0] - ARGS[1] * ARGS[2], ("w5", "eta", "dE_dw5"))
    assert update.expr == s("w5", real=True) - s("eta", real=True) * s("dE_dw5", real=True)
    assert update.names == ("w5", "eta", "dE_dw5")


def test_a_rule_filled_in_from_its_placeholders_is_the_steps_expression_filled_in() -> None:
    """`evaluate` leaves exact arguments (sigmoid of a rational h1) to SymPy, filling the rule's
    placeholders straight in; that must be the very expression the step's own one gives filled in,
    whatever order the step's names sort in (so SymPy rounds the same way)."""
    from handcalc.exact.formulas import activation_shape, derivative_shape, loss_derivative_shape, loss_shape
    from handcalc.exact.values import _substituted
    from handcalc.functions import ACTIVATIONS, LOSSES

    rules = [ARGS[0] - ARGS[1] * ARGS[2]]
    for activation in ACTIVATIONS.values():
        if activation.elementwise:
            constants = (sympy.Rational(1, 10),) if activation.default is not None else ()
            rules += [activation_shape(activation.function, *constants),
                      derivative_shape(activation.derivative, *constants)]
    for loss in LOSSES.values():
        rules += [loss_shape(loss.term, 3)] + ([loss_derivative_shape(loss.term, 3)] if loss.gradient_on_array else [])
    numbers = [sympy.Rational(-3, 7), sympy.Rational(2, 5), sympy.Float("0.6029088085515347845735074", 60),
               sympy.Float("-1.25", 60), sympy.Integer(0)]
    for rule in rules:
        for operands in (("zz", "yy", "xx"), ("aa", "bb", "cc")):  # names sorting against, and with, _0 _1 _2
            formula = Apply(rule, operands)
            for start in range(len(numbers)):
                values = {name: numbers[(start + k) % len(numbers)] for k, name in enumerate(operands)}
                if any(v == 0 for v in values.values()) and rule.has(sympy.log):
                    continue
                by_names = formula.expr.xreplace({symbol(name): values[name] for name in formula.names})
                assert _substituted(formula, values) == by_names, (rule, values)
