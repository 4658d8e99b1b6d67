"""Tests for handcalc.expr.expression: values checked against Fraction and mpmath."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import pytest
import sympy
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from handcalc.expr.expression import (
    MAX_DEPTH, MAX_LENGTH, MAX_PAREN_DEPTH, Binary, Call, ExpressionError, Name, Number,
    Unary, names, numbers, parse, to_sympy, to_text,
)
from handcalc.expr.arithmetic import evaluate

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def rational(value: Fraction) -> sympy.Rational:
    """Fraction -> SymPy Rational without any float."""
    return sympy.Rational(value.numerator, value.denominator)


def close(value: sympy.Expr, expected: mpmath.mpf, digits: int = 40) -> bool:
    """True if `value` agrees with an mpmath number to `digits` significant digits."""
    with mpmath.workdps(digits + 20):
        got = mpmath.mpf(sympy.Float(value, digits + 20)._mpf_)
        return abs(got - expected) <= abs(expected) * mpmath.mpf(10) ** -digits


def mp(function: str, *args: str) -> mpmath.mpf:
    """Compute an mpmath function at 50 digits from decimal strings."""
    with mpmath.workdps(50):
        values = [mpmath.mpf(arg) for arg in args]
        if function == "sigmoid":
            return 1 / (1 + mpmath.exp(-values[0]))
        return getattr(mpmath, function)(*values)


# --- known values ------------------------------------------------------------

EXACT = [
    ("(2 * .6) + (9 * .3)", sympy.Rational(39, 10)),
    ("0.44 - 0.3 * 0.08582533",
     rational(Fraction("0.44") - Fraction("0.3") * Fraction("0.08582533"))),
    ("(.9994 * .4) + (1.000 * .5) + (.9984 * .9)", sympy.Rational(179832, 100000)),
    ("2^-3", sympy.Rational(1, 8)),
    ("-2^2", sympy.Integer(-4)),
    ("2**3**2", sympy.Integer(512)),
    ("(-2)^3", sympy.Integer(-8)),
    ("1e-3 + 2.5E+2", sympy.Rational(250001, 1000)),
    ("6. / 4", sympy.Rational(3, 2)),
    ("0.5 \u00d7 4 \u2212 1 \u00f7 2", sympy.Rational(3, 2)),
    ("3 \u00b7 2 \u22c5 1 \u2013 1", sympy.Integer(5)),
    ("S(0)", sympy.Rational(1, 2)),
    ("exp(0) + log(1) + tanh(0)", sympy.Integer(1)),
    ("--+-1", sympy.Integer(-1)),
]


@pytest.mark.parametrize(("text", "expected"), EXACT)
def test_exact_values(text: str, expected: sympy.Rational) -> None:
    value = evaluate(parse(text))
    assert isinstance(value, sympy.Rational)
    assert value == expected


with mpmath.workdps(50):
    _X = mpmath.mpf("0.4176")
    APPROXIMATE = [
        ("S(7.5)", mp("sigmoid", "7.5")),
        ("\u03c3(7.5)", mp("sigmoid", "7.5")),
        ("sigmoid(100 * 0.5 - 0.2)", mp("sigmoid", "49.8")),
        ("e^-0.4176", mpmath.exp(-_X)),
        ("e**(-0.4176)", mpmath.exp(-_X)),
        ("e ^ (\u22120.4176)", mpmath.exp(-_X)),
        ("1/(1+e^-0.4176)", mp("sigmoid", "0.4176")),
        ("1 / (1 + exp(-0.4176))", mp("sigmoid", "0.4176")),
        ("-(0.01*log(0.9) + 0.99*ln(0.1))",
         -(mpmath.mpf("0.01") * mpmath.log(mpmath.mpf("0.9"))
           + mpmath.mpf("0.99") * mpmath.log(mpmath.mpf("0.1")))),
        ("tanh(0.75)", mp("tanh", "0.75")),
        ("e", mpmath.e),
        ("2^0.5", mpmath.sqrt(2)),
        ("S(-10000)", mp("sigmoid", "-10000")),
    ]


@pytest.mark.parametrize(("text", "expected"), APPROXIMATE)
def test_function_values_agree_with_mpmath(text: str, expected: mpmath.mpf) -> None:
    value = evaluate(parse(text))
    assert isinstance(value, sympy.Float)
    assert close(value, expected, 40)


def test_digits_controls_precision() -> None:
    value = evaluate(parse("S(7.5)"), digits=100)
    with mpmath.workdps(120):
        expected = 1 / (1 + mpmath.exp(-mpmath.mpf("7.5")))
    assert close(value, expected, 95)
    assert not close(evaluate(parse("S(7.5)"), digits=10), expected, 40)


def test_env_values() -> None:
    env = {"out_h1": sympy.Rational(3, 4), "w5": sympy.Float("0.4", 60), "e": sympy.Integer(9)}
    assert evaluate(parse("out_h1 * 2"), env) == sympy.Rational(3, 2)
    with mpmath.workdps(60):
        expected = mpmath.mpf("1.15")
    assert close(evaluate(parse("w5 + out_h1"), env), expected, 40)
    with pytest.raises(ExpressionError, match="unknown quantity 'foo'"):
        evaluate(parse("foo + 1"), env)
    with pytest.raises(ExpressionError):
        evaluate(parse("x"), {"x": 0.5})  # a Python float is refused
    # the bare name e is always Euler's number
    assert close(evaluate(parse("e^1"), env), mpmath.e, 40)


# --- tree, literals, text -------------------------------------------------------

def test_tree_shape_and_literal_text() -> None:
    node = parse("(2 * .6) + (1.000 * x) - 1e-3")
    assert node == Binary("-", Binary("+", Binary("*", Number("2"), Number(".6")),
                                      Binary("*", Number("1.000"), Name("x"))), Number("1e-3"))
    assert [n.text for n in numbers(node)] == ["2", ".6", "1.000", "1e-3"]
    assert names(node) == frozenset({"x"})
    assert parse("S(out_h1)") == Call("sigmoid", Name("out_h1"))
    assert parse("ln(w5)") == Call("log", Name("w5"))
    assert parse("e^-x") == Call("exp", Unary("-", Name("x")))
    assert parse("e") == Call("exp", Number("1"))
    assert parse("-2^2") == Unary("-", Binary("^", Number("2"), Number("2")))
    assert parse("2^3^2") == Binary("^", Number("2"), Binary("^", Number("3"), Number("2")))
    assert parse("S") == Name("S")


@pytest.mark.parametrize(("text", "expected"), [
    ("(2 * .6) + (9 * .3)", "2*.6 + 9*.3"),
    ("0.44 - (0.3 * 0.08582533)", "0.44 - 0.3*0.08582533"),
    ("a - (b - c)", "a - (b - c)"),
    ("(a - b) - c", "a - b - c"),
    ("a / (b * c)", "a/(b*c)"),
    ("-(a + b)", "-(a + b)"),
    ("(-a)^2", "(-a)^2"),
    ("(a^b)^c", "(a^b)^c"),
    ("a^(b^c)", "a^b^c"),
    ("1/(1+e^-0.4176)", "1/(1 + exp(-0.4176))"),
    ("\u03c3(x \u00d7 2)", "sigmoid(x*2)"),
])
def test_to_text(text: str, expected: str) -> None:
    assert to_text(parse(text)) == expected
    assert parse(to_text(parse(text))) == parse(text)


def test_to_sympy_is_unevaluated() -> None:
    expr = to_sympy(parse("(2 * .6) + (9 * .3)"))
    assert isinstance(expr, sympy.Add)
    assert "2*0.6" in str(expr) and "9*0.3" in str(expr)
    x = sympy.Symbol("x", positive=True)
    expr = to_sympy(parse("S(x) - 1/(1 + e^-x)"), {"x": x})
    assert x in expr.free_symbols
    assert "sigmoid" in str(expr) and "exp(-x)" in str(expr)
    assert sympy.latex(to_sympy(parse("1.000 * x")), full_prec=True).startswith("1.000")


# --- refusals ------------------------------------------------------------------

INJECTIONS = [
    "__import__('os').system('touch SENTINEL')",
    "().__class__.__bases__[0].__subclasses__()",
    "(lambda: 1)()",
    "exp(x=1)",
    "open('f')",
    "S.__globals__",
    "[1,2]",
    "'a'",
    "1 if 1 else 2",
    "a[0]",
    "x:=1",
    "*a",
    "sigmoid(1, 2)",
    "__import__",
    "__builtins__",
    "b'a'",
    "f'{1}'",
    "{1: 2}",
    "{1}",
    "(1, 2)",
    "1 < 2",
    "1 and 2",
    "not 1",
    "1 % 2",
    "1 // 2",
    "a @ b",
    "1 & 2",
    "1 | 2",
    "~1",
    "1 << 2",
    "exp(*a)",
    "exp(**a)",
    "exp",
    "exp(1)[2]",
    "f'(1)",
    "exp'(1)",
    "{1} + 2",
    "(exp)(1)",
    "a.b",
    "eval(1)",
    "x = 1",
]


@pytest.mark.parametrize("payload", INJECTIONS)
def test_injection_payloads_are_refused(payload: str, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ExpressionError) as caught:
        evaluate(parse(payload), {"a": sympy.Integer(1), "x": sympy.Integer(1)})
    assert "\n" not in str(caught.value) and str(caught.value)
    assert not (tmp_path / "SENTINEL").exists()


@pytest.mark.parametrize(("text", "message"), [
    ("1/(1-1)", "division by zero"),
    ("1/(0.5 - .50)", "division by zero"),
    ("log(0)", "log of zero"),
    ("ln(-1)", "negative"),
    ("exp(100000)", "10000"),
    ("S(-10001)", "10000"),
    ("2^100000", "exponent"),
    ("9^9^9", "exponent"),
    ("0^-1", "zero to a negative power"),
    ("(-8)^(1/3)", "only of a positive number"),
    ("1e300^1000", "MAX_EXACT_BITS"),
    ("(2^999)^200 * (2^999)^200", "MAX_EXACT_BITS"),
])
def test_evaluation_errors(text: str, message: str) -> None:
    node = parse(text)
    with pytest.raises(ExpressionError, match=message):
        evaluate(node)


@pytest.mark.parametrize(("text", "message", "column"), [
    ("(" * (MAX_PAREN_DEPTH + 1) + "1" + ")" * (MAX_PAREN_DEPTH + 1), "parentheses",
     MAX_PAREN_DEPTH),
    ("(" * 1000 + ")" * 1000, "longer than", None),
    ("1" * 10_000, "longer than", None),
    ("-" * (MAX_DEPTH + 5) + "1", "nested deeper", None),
    ("+".join(["1"] * (MAX_DEPTH + 5)), "nested deeper", None),
    ("^".join(["1"] * (MAX_DEPTH + 5)), "nested deeper", None),
    ("1e400", "exponent", 0),
    ("", "empty", 0),
    ("   ", "empty", 0),
    ("2 +", "found the end of the expression", 3),
    ("foo(1)", "unknown function 'foo': expected one of", 0),
    ("(1 + 2", "unclosed", 0),
    ("1 + 2)", "unmatched", 5),
    ("1 2", "expected an operator (+ - * / ^) or the end of the expression, found '2'", 2),
    ("(2)3", "expected an operator", 3),
    ("2 x", "expected an operator", 2),
    ("(2 * )", "expected a number, a name, a function or '(', found ')'", 5),
    ("(1 + 2}", "expected ')' to close the '(' at column 1, found '}'", 6),
    ("e^{-x", "unclosed '{'", 2),
    ("{1}", "braces { } group only an exponent", 0),
    ("|x", "expected '|', found the end of the expression", 2),
    ("|x|y|", "expected an operator", 3),
    ("w5(1 - x)", "unknown function 'w5'", 0),
    ("sigmoid'x", "a prime belongs only between a function's name and '('", 7),
    ("\u207b", "unexpected character", 0),
    ("2 $ 3", "unexpected character", 2),
])
def test_parse_errors(text: str, message: str, column: int | None) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse(text)
    assert message in str(caught.value)
    if column is not None:
        assert caught.value.column == column


def test_limits_are_inclusive() -> None:
    nested = "(" * MAX_PAREN_DEPTH + "1" + ")" * MAX_PAREN_DEPTH
    assert evaluate(parse(nested)) == 1
    assert evaluate(parse("-" * (MAX_DEPTH - 1) + "1")) == -1
    assert len("1+" * 200 + "1") <= MAX_LENGTH


# --- property tests ------------------------------------------------------------

@st.composite
def literals(draw: st.DrawFn) -> str:
    """A small decimal literal such as 12, .6, 6., 1.000, 3e-2."""
    digits = draw(st.text("0123456789", min_size=1, max_size=4))
    point = draw(st.one_of(st.none(), st.integers(0, len(digits))))
    text = digits if point is None else digits[:point] + "." + digits[point:]
    if draw(st.booleans()) and draw(st.booleans()):
        text += draw(st.sampled_from(["e", "E"])) + draw(st.sampled_from(["", "+", "-"]))
        text += str(draw(st.integers(0, 3)))
    return text


@st.composite
def trees(draw: st.DrawFn, depth: int = 4) -> tuple:
    """A random tree: ("num", text) | ("neg", t) | (op, t, t)."""
    if depth == 0 or draw(st.integers(0, 3)) == 0:
        return ("num", draw(literals()))
    kind = draw(st.sampled_from(["neg", "+", "-", "*", "/"]))
    if kind == "neg":
        return ("neg", draw(trees(depth - 1)))
    return (kind, draw(trees(depth - 1)), draw(trees(depth - 1)))


def reference(tree: tuple) -> Fraction:
    """Evaluate a random tree independently with fractions.Fraction."""
    if tree[0] == "num":
        return Fraction(tree[1])
    if tree[0] == "neg":
        return -reference(tree[1])
    left, right = reference(tree[1]), reference(tree[2])
    if tree[0] == "/":
        return left / right  # may raise ZeroDivisionError
    return left + right if tree[0] == "+" else left - right if tree[0] == "-" else left * right


def render(tree: tuple, draw: st.DrawFn) -> str:
    """Write a tree as fully parenthesized text with random spacing and symbols."""
    space = lambda: draw(st.sampled_from(["", "", " ", "  ", "\t"]))  # noqa: E731
    if tree[0] == "num":
        return tree[1]
    if tree[0] == "neg":
        return draw(st.sampled_from(["-", "\u2212"])) + space() + "(" + render(tree[1], draw) + ")"
    symbol = {"+": ["+"], "-": ["-", "\u2212", "\u2013"], "*": ["*", "\u00d7", "\u00b7", "\u22c5"],
              "/": ["/", "\u00f7"]}[tree[0]]
    return (f"({space()}{render(tree[1], draw)}{space()}){space()}{draw(st.sampled_from(symbol))}"
            f"{space()}({space()}{render(tree[2], draw)}{space()})")


@SETTINGS
@given(st.data())
def test_random_trees_match_fractions(data: st.DataObject) -> None:
    tree = data.draw(trees())
    text = render(tree, data.draw)
    assume(len(text) <= MAX_LENGTH)
    try:
        expected = reference(tree)
    except ZeroDivisionError:
        with pytest.raises(ExpressionError, match="division by zero"):
            evaluate(parse(text))
        return
    node = parse(text)
    value = evaluate(node)
    assert isinstance(value, sympy.Rational)
    assert value == rational(expected)
    assert parse(to_text(node)) == node
    assert evaluate(parse(to_text(node))) == value
    assert len(numbers(node)) == sum(1 for _ in _leaves(tree))


def _leaves(tree: tuple):
    """Yield the literal texts of a random tree in order."""
    if tree[0] == "num":
        yield tree[1]
    else:
        for child in tree[1:]:
            yield from _leaves(child)


@SETTINGS
@given(st.text(max_size=200))
def test_random_text_only_raises_expression_error(text: str) -> None:
    try:
        evaluate(parse(text), {"x": sympy.Integer(2)})
    except ExpressionError as error:
        assert "\n" not in str(error)


@SETTINGS
@given(st.text("0123456789.eE+-*/^() \u03c3S\u00d7\u2212x_,log", max_size=60))
def test_grammar_like_text_only_raises_expression_error(text: str) -> None:
    try:
        node = parse(text)
    except ExpressionError:
        return
    try:
        evaluate(node, {"x": sympy.Rational(1, 3), "S": sympy.Integer(2)}, digits=30)
    except ExpressionError:
        pass
    assert parse(to_text(node)) == node
