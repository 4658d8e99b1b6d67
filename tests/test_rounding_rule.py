"""Rounding judged from the precision of every written number (rigorous intervals), on made-up networks.

Every expected number is worked out here with fractions.Fraction and mpmath at 50 digits.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import mpmath
import pytest
import sympy

from handcalc.check import check
from handcalc.expr.expression import parse
from handcalc.judge.intervals import contains, enclosure, rounding_interval
from handcalc.read.loader import load_text

mpmath.mp.dps = 50


def sig(x) -> mpmath.mpf:
    return 1 / (1 + mpmath.exp(-mpmath.mpf(x)))


def half_up(x, places: int) -> str:
    if isinstance(x, Fraction):
        d = Decimal(x.numerator) / Decimal(x.denominator)
    else:
        d = Decimal(mpmath.nstr(x, 45, min_fixed=-50, max_fixed=50))
    return str(d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def verdicts(text: str) -> dict:
    return {v.claim.id: v for v in check(load_text(text)).verdicts}


def claim(cid: str, quantity: str, stated: str, expression: str | None = None) -> str:
    line = f'expression = "{expression}"\n' if expression else ""
    return f'\n[[claims]]\nid = "{cid}"\nquantity = "{quantity}"\n{line}stated = "{stated}"\n'


# A single sigmoid neuron, squared error: x1 = 1, w1 = 0.5, target 1.
#   out_y1 = S(0.5) = 0.62245933..., dE/dout_y1 = -2(1 - out_y1) = -0.75508133...
NEURON = """
[network]
sizes = [1, 1]
activation = "sigmoid"
loss = "squared_error"
bias = "none"

[parameters]
w1 = 0.5

[[cases]]
inputs = [[1]]
targets = [[1]]
"""
OUT = sig("0.5")
SLOPE = -2 * (1 - OUT)


def test_the_texts_own_rounded_operand_explains_the_result() -> None:
    assert half_up(OUT, 3) == "0.622" and half_up(SLOPE, 3) == "-0.755"
    written = -2 * (1 - Fraction("0.622"))
    assert written == Fraction("-0.756")  # what the text's own 0.622 gives
    v = verdicts(NEURON + claim("o", "out_y1", "0.622") + claim("d", "dE_dout_y1", "-0.756", "-2 * (1 - 0.622)"))
    assert v["o"].verdict == "correct"
    assert v["d"].verdict == "rounding", v["d"].explanation
    assert "0.622 (out_y1 = 0.6224593312) alone explains it" in v["d"].explanation
    off = Fraction("-0.756") - Fraction(mpmath.nstr(SLOPE, 40))
    assert half_up(off, 6) == "-0.000919" and "-0.000919 from the exact value" in v["d"].explanation
    assert "does not compute" not in v["d"].explanation


@pytest.mark.parametrize("expression", ["-2(1 - 0.622)", "−2 × (1 − 0.622)", "2(0.622 - 1)"])
def test_printed_forms_of_the_same_arithmetic(expression: str) -> None:
    assert verdicts(NEURON + claim("d", "dE_dout_y1", "-0.756", expression))["d"].verdict == "rounding"


def test_exact_operands_and_a_last_digit_off_by_one() -> None:
    # -2 * (1 - out_y1) is the formula itself: -0.755081..., which rounds to -0.755; -0.756 is one unit off
    v = verdicts(NEURON + claim("d", "dE_dout_y1", "-0.756", "-2 * (1 - out_y1)"))["d"]
    assert v.verdict == "rounding"
    assert "last digit off by one" in v.explanation and "does not compute" not in v.explanation


def test_an_expression_that_is_not_the_formula_is_wrong_and_says_what_it_gives() -> None:
    # -(1 - 0.622) is the half-squared-error gradient: -0.378 as written; with the exact out_y1 it gives
    # -(1 - 0.6224593312) = -0.3775406688, not dE/dout_y1 = -0.7550813376
    v = verdicts(NEURON + claim("d", "dE_dout_y1", "-0.378", "-(1 - 0.622)"))["d"]
    assert v.verdict == "wrong"
    assert "the expression does not compute dE_dout_y1" in v.explanation
    assert half_up(-(1 - OUT), 12) == "-0.377540668798" and "it gives -0.377540668798" in v.explanation
    assert v.slips and v.slips[0] == "an extra factor 1/2", v.slips


# A sigmoid neuron, half squared error: x1 = 0.8, w1 = 0.6, target 0.9.  y1 = 0.48.
#   dE/dw1 = -(0.9 - out) * out(1 - out) * 0.8 = -0.05331978...
CHAIN = """
[network]
sizes = [1, 1]
activation = "sigmoid"
bias = "none"

[parameters]
w1 = 0.6

[[cases]]
inputs = [[0.8]]
targets = [[0.9]]
learning_rate = 0.5
"""
C_OUT = sig("0.48")
C_D1, C_D2 = -(mpmath.mpf("0.9") - C_OUT), C_OUT * (1 - C_OUT)
C_GRAD = C_D1 * C_D2 * mpmath.mpf("0.8")


def test_a_chain_rule_product_of_three_digit_factors() -> None:
    assert (half_up(C_D1, 3), half_up(C_D2, 3)) == ("-0.282", "0.236")
    written = Fraction("-0.282") * Fraction("0.236") * Fraction("0.8")
    assert half_up(written, 4) == "-0.0532" and half_up(C_GRAD, 4) == "-0.0533"  # the two round differently
    v = verdicts(CHAIN + claim("g", "dE_dw1", "-0.0532", "-0.282 * 0.236 * 0.8"))["g"]
    assert v.verdict == "rounding", v.explanation
    assert "any one of -0.282" not in v.explanation  # the sign is not part of the written number
    assert "0.282 (dE_dout_y1" in v.explanation and "0.236 (dout_y1_dy1" in v.explanation


def test_a_number_too_far_for_its_rounding_is_not_excused() -> None:
    # 0.28 for dE/dout_y1 = -0.2822...: with two digits the product -0.28*0.236*0.8 = -0.052864 -> -0.0529
    written = Fraction("-0.28") * Fraction("0.236") * Fraction("0.8")
    assert half_up(written, 4) == "-0.0529"
    v = verdicts(CHAIN + claim("g", "dE_dw1", "-0.0529", "-0.28 * 0.236 * 0.8"))["g"]
    # [-0.285, -0.275] * [0.2355, 0.2365] * 0.8 holds -0.05332, so this too is rounding ...
    assert v.verdict == "rounding"
    # ... but a wrong factor is not: 0.254 stands for [0.2535, 0.2545], far from out(1 - out) = 0.2362
    v = verdicts(CHAIN + claim("g", "dE_dw1", "-0.0573", "-0.282 * 0.254 * 0.8"))["g"]
    assert v.verdict in ("wrong", "propagated") and v.verdict != "rounding"


# -- the interval arithmetic itself, against brute force over the interval's ends ---------------------

@pytest.mark.parametrize(("text", "env"), [
    ("-2 * (1 - 0.622)", {}),
    ("1/(1 + e^-0.4176) * 0.731", {}),
    ("σ'(0.47) + tanh(0.25)^2 - ln(0.9)", {}),
    ("0.3 / (0.7 - 0.2) + |0.05 - 0.1|", {}),
])
def test_enclosure_holds_every_corner(text: str, env: dict) -> None:
    node = parse(text)
    from handcalc.expr.expression import numbers
    from handcalc.expr.arithmetic import evaluate
    from handcalc.expr.expression import Number
    import itertools
    from dataclasses import replace as _
    literals = numbers(node)
    widths = [None if n.text.isdigit() else rounding_interval(n.text) for n in literals]
    bounds = enclosure(node, env, widths)
    assert bounds is not None
    # every corner (each number at either end of its interval) and the midpoints lie inside
    ends = [[n.text] if w is None else [str(Decimal(w[0].numerator) / Decimal(w[0].denominator)),
                                        n.text, str(Decimal(w[1].numerator) / Decimal(w[1].denominator))]
            for n, w in zip(literals, widths)]
    for choice in itertools.product(*ends):
        it = iter(choice)
        swapped = _swap(node, it)
        assert contains(bounds, evaluate(swapped, env))


def _swap(node, it):
    from dataclasses import replace
    from handcalc.expr import expression as ex
    if isinstance(node, ex.Number):
        return ex.Number(next(it))
    if isinstance(node, ex.Unary):
        return replace(node, operand=_swap(node.operand, it))
    if isinstance(node, ex.Call):
        return replace(node, arg=_swap(node.arg, it))
    if isinstance(node, ex.Binary):
        left = _swap(node.left, it)
        return replace(node, left=left, right=_swap(node.right, it))
    return node


def test_enclosure_is_tight_for_a_monotone_expression() -> None:
    # -2 * (1 - [0.6215, 0.6225]) = [-0.757, -0.755] exactly
    bounds = enclosure(parse("-2 * (1 - 0.622)"), {}, [None, None, rounding_interval("0.622")])
    assert contains(bounds, sympy.Rational("-0.757")) and contains(bounds, sympy.Rational("-0.755"))
    assert not contains(bounds, sympy.Rational("-0.75699") - sympy.Rational(1, 10**3))
    assert not contains(bounds, sympy.Rational("-0.7549"))


def test_no_bound_across_a_pole_or_a_log_of_zero() -> None:
    assert enclosure(parse("1/(0.5 - 0.5)"), {}, [None, None, rounding_interval("0.5")]) is None
    assert enclosure(parse("ln(0.0)"), {}, [rounding_interval("0.0")]) is None


def test_rounding_interval_counts_trailing_zeros() -> None:
    assert rounding_interval("0.731") == (Fraction("0.7305"), Fraction("0.7315"))
    assert rounding_interval("0.50") == (Fraction("0.495"), Fraction("0.505"))
    assert rounding_interval("12") == (Fraction("11.5"), Fraction("12.5"))


def test_bell_shaped_derivatives_keep_their_peak() -> None:
    # sigmoid'(x) over [-0.05, 0.05] peaks at x = 0 with 1/4; tanh'(x) peaks with 1; the ends give the minimum
    low_end = sig("0.05") * (1 - sig("0.05"))
    bounds = enclosure(parse("σ'(0.0)"), {}, [rounding_interval("0.0")])
    assert contains(bounds, sympy.Rational(1, 4))
    assert not contains(bounds, sympy.Rational(1, 4) + sympy.Rational(1, 10**30))
    assert contains(bounds, sympy.Float(mpmath.nstr(low_end, 40), 40))
    assert not contains(bounds, sympy.Float(mpmath.nstr(low_end, 40), 40) - sympy.Rational(1, 10**20))
    tanh_bounds = enclosure(parse("tanh'(0.0)"), {}, [rounding_interval("0.0")])
    assert contains(tanh_bounds, 1) and not contains(tanh_bounds, 1 + sympy.Rational(1, 10**30))
