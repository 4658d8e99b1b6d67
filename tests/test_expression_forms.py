"""The arithmetic tutorials print, read by handcalc.expr: implicit products, f(x) and f'(x),
e^{-x}, superscripts, typeset operators, |x|; values checked against Fraction and mpmath."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import pytest
import sympy

from handcalc.expr.arithmetic import evaluate
from handcalc.expr.expression import (Binary, Call, ExpressionError, Name, Number, Unary, parse,
                                      to_text)


def rational(value: Fraction) -> sympy.Rational:
    return sympy.Rational(value.numerator, value.denominator)


def agrees(value: sympy.Expr, expected: mpmath.mpf, digits: int = 40) -> bool:
    with mpmath.workdps(digits + 20):
        got = mpmath.mpf(sympy.Float(value, digits + 20)._mpf_)
        return abs(got - expected) <= abs(expected) * mpmath.mpf(10) ** -digits


F = Fraction
EXACT_FORMS = [
    ("-2(1 - 0.731)", -2 * (1 - F("0.731"))),
    ("0.7311(1 - 0.7311)", F("0.7311") * (1 - F("0.7311"))),
    ("1/2 (0.01 - 0.75)^2", F(1, 2) * (F("0.01") - F("0.75")) ** 2),
    ("1/2(0.01 - 0.75)²", F(1, 2) * (F("0.01") - F("0.75")) ** 2),
    ("(0.2 + 0.3)(0.5 - 0.1)", F("0.5") * F("0.4")),
    ("3 × 0.25 · 2 ⋅ 4 − 1 – 1", 3 * F("0.25") * 2 * 4 - 2),
    ("2⁻¹ + 10²", F(1, 2) + 100),
    ("|0.3 - 0.8| + |−2|", F("0.5") + 2),
    ("2abs(-0.25)", F("0.5")),
    ("||0.1 - 1| - 2|", F("1.1")),
    ("|1 - 3| |2 - 5|", F(6)),
    ("relu(-0.4) + relu(0.4) + ReLU(2)", F("2.4")),
]


@pytest.mark.parametrize(("text", "expected"), EXACT_FORMS)
def test_exact_forms(text: str, expected: Fraction) -> None:
    assert evaluate(parse(text)) == rational(expected)


def _sig(x: mpmath.mpf) -> mpmath.mpf:
    return 1 / (1 + mpmath.exp(-x))


with mpmath.workdps(60):
    _A, _B = mpmath.mpf("0.4"), mpmath.mpf("0.47")
    FUNCTION_FORMS = [
        ("e⁻⁰·⁴", mpmath.exp(-_A), {}),
        ("e^{-0.4}", mpmath.exp(-_A), {}),
        ("e^-0.4", mpmath.exp(-_A), {}),
        ("exp(-0.4)", mpmath.exp(-_A), {}),
        ("1/(1 + e^{-0.47})", _sig(_B), {}),
        ("2e^-0.4", 2 * mpmath.exp(-_A), {}),
        ("0.5 e^{-0.4}(1 - 0.4)", mpmath.mpf("0.5") * mpmath.exp(-_A) * mpmath.mpf("0.6"), {}),
        ("σ(0.47)(1 - σ(0.47))", _sig(_B) * (1 - _sig(_B)), {}),
        ("σ'(0.47)", _sig(_B) * (1 - _sig(_B)), {}),
        ("S′(0.47)", _sig(_B) * (1 - _sig(_B)), {}),
        ("f(0.47)", _sig(_B), {"f": "sigmoid"}),
        ("f'(0.47)", _sig(_B) * (1 - _sig(_B)), {"f": "sigmoid"}),
        ("g'(0.47) + g(0.47)", 1 - mpmath.tanh(_B) ** 2 + mpmath.tanh(_B), {"g": "tanh"}),
        ("tanh'(0.4)", 1 - mpmath.tanh(_A) ** 2, {}),
        ("ln(0.4) - log(0.47)", mpmath.log(_A) - mpmath.log(_B), {}),
    ]


@pytest.mark.parametrize(("text", "expected", "functions"), FUNCTION_FORMS)
def test_function_forms(text: str, expected: mpmath.mpf, functions: dict[str, str]) -> None:
    assert agrees(evaluate(parse(text, functions)), expected)


def test_relu_and_identity_derivatives_are_exact() -> None:
    table = {"f": "relu", "h": "identity"}
    assert evaluate(parse("f'(0.3) + 10 f'(-0.3) + h'(5) + h(0.25)", table)) == sympy.Rational(9, 4)


def test_trees_of_the_new_forms() -> None:
    assert parse("-2(1 - x)") == Binary("*", Unary("-", Number("2")),
                                        Binary("-", Number("1"), Name("x")))
    assert parse("e⁻⁰·⁴") == Call("exp", Unary("-", Number("0.4")))
    assert parse("e^{-x + 1}") == Call("exp", Binary("+", Unary("-", Name("x")), Number("1")))
    assert parse("f'(y1)", {"f": "sigmoid"}) == Call("sigmoid'", Name("y1"))
    assert parse("|x|") == Call("abs", Name("x"))
    # juxtaposition binds like *, left to right: 1/2 (a) is (1/2)*(a), not 1/(2*(a))
    assert parse("1/2 (a)") == Binary("*", Binary("/", Number("1"), Number("2")), Name("a"))


@pytest.mark.parametrize("text", ["σ'(x)(1 - |x|)", "f(x) + f'(x)", "2e^{-x}", "x²", "e⁻⁰·⁴ ⋅ 3"])
def test_canonical_text_reads_back(text: str) -> None:
    node = parse(text, {"f": "tanh"})
    assert parse(to_text(node)) == node


def test_function_names_must_stand_for_an_activation() -> None:
    with pytest.raises(ExpressionError, match="must stand for one of"):
        parse("f(1)", {"f": "exp"})
    with pytest.raises(ExpressionError, match="unknown function 'f'"):
        parse("f(1)")
    with pytest.raises(ExpressionError, match="only an activation has a derivative"):
        parse("ln'(1)")


def test_argument_limits_hold_for_derivatives_but_not_abs() -> None:
    with pytest.raises(ExpressionError, match="10000"):
        evaluate(parse("σ'(20000)"))
    assert evaluate(parse("|-20000| + relu(20000)")) == 40000


def test_nested_bars_are_bounded() -> None:
    with pytest.raises(ExpressionError):
        parse("|" * 200 + "1" + "|" * 200)


from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text("0123456789.e+-*/^(){}|' \u03c3Sfgx\u00b2\u207b\u2070\u00b7\u00d7\u2212ln", max_size=60))
def test_printed_forms_only_ever_raise_expression_error(text: str) -> None:
    """Random text over the printed forms' alphabet parses and evaluates, or is refused cleanly."""
    try:
        node = parse(text, {"f": "sigmoid", "g": "tanh"})
    except ExpressionError as error:
        assert "\n" not in str(error) and error.column is None or 0 <= error.column <= len(text)
        return
    try:
        evaluate(node, {"x": sympy.Rational(1, 3), "S": sympy.Integer(2)}, digits=30)
    except ExpressionError:
        pass
    assert parse(to_text(node), {"f": "sigmoid", "g": "tanh"}) == node
