"""Slips named in every form: a slip found for a claim without an expression is found with one.

Each stated number is worked out here from the slip itself (fractions, mpmath at 50 digits) on
networks made up for the test.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import mpmath

from handcalc.check import check
from handcalc.output import report
from handcalc.read.loader import load_text

mpmath.mp.dps = 50


def sig(x) -> mpmath.mpf:
    return 1 / (1 + mpmath.exp(-mpmath.mpf(x)))


def half_up(x, places: int) -> str:
    d = (Decimal(x.numerator) / Decimal(x.denominator) if isinstance(x, Fraction)
         else Decimal(mpmath.nstr(x, 45, min_fixed=-50, max_fixed=50)))
    return str(d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def claim(cid: str, quantity: str, stated: str, expression: str | None = None) -> str:
    line = f'expression = "{expression}"\n' if expression else ""
    return f'\n[[claims]]\nid = "{cid}"\nquantity = "{quantity}"\n{line}stated = "{stated}"\n'


def judged(text: str) -> dict:
    return {v.claim.id: v for v in check(load_text(text)).verdicts}


# A sigmoid neuron with y1 = 1 * 0.47.
NEURON = """
[network]
sizes = [1, 1]
activation = "sigmoid"
bias = "none"

[parameters]
w1 = 0.47

[[cases]]
inputs = [[1]]
targets = [[0]]
"""
E_PLUS = half_up(1 / (1 + mpmath.exp(mpmath.mpf("0.47"))), 6)  # 1/(1 + e^0.47), the slip's value


def test_e_to_the_x_for_e_to_the_minus_x_in_both_forms_and_in_the_text_report() -> None:
    assert E_PLUS == "0.384616" and half_up(sig("0.47"), 6) == "0.615384"
    text = NEURON + claim("bare", "out_y1", E_PLUS) + claim("written", "out_y1", E_PLUS, "1/(1 + e^0.47)")
    v = judged(text)
    assert v["bare"].verdict == "wrong" and v["written"].verdict == "wrong"
    assert v["bare"].slips[0].startswith("e^x written for e^-x"), v["bare"].slips
    assert v["written"].slips[0] == "e^x written for e^-x (e^0.47 for e^-0.47)", v["written"].slips
    assert "the expression does not compute out_y1" in v["written"].explanation
    shown = " ".join(report.render(check(load_text(text))).split())  # the text report wraps to 100 columns
    assert "likely slip: e^x written for e^-x (e^0.47 for e^-0.47)" in shown


# A sigmoid neuron, half squared error: x1 = 0.8, w1 = 0.6, target 0.9, eta 0.5; y1 = 0.48.
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
OUT = sig("0.48")
D1, D2 = -(mpmath.mpf("0.9") - OUT), OUT * (1 - OUT)
GRAD = D1 * D2 * mpmath.mpf("0.8")


def test_sign_slip_in_a_product() -> None:
    # the gradient's sign lost: +0.0533 for -0.05331978...
    assert half_up(GRAD, 4) == "-0.0533"
    bare = judged(CHAIN + claim("g", "dE_dw1", "0.0533"))["g"]
    assert bare.verdict == "wrong" and any("sign" in s for s in bare.slips), bare.slips
    # written with the minus and a positive result: -0.282*0.236*0.8 = -0.05324..., stated 0.0532
    assert half_up(-Fraction("-0.282") * Fraction("0.236") * Fraction("0.8"), 4) == "0.0532"
    lost = judged(CHAIN + claim("g", "dE_dw1", "0.0532", "-0.282 * 0.236 * 0.8"))["g"]
    assert lost.verdict == "wrong" and any("minus sign lost" in s for s in lost.slips), lost.slips
    # written without the minus: the factor 0.282 stands for dE/dout_y1 = -0.2822...: that number is the root
    v = judged(CHAIN + claim("g", "dE_dw1", "0.0532", "0.282 * 0.236 * 0.8"))
    assert v["g"].verdict == "propagated" and v["g"].roots == ("g[0.282]",)
    assert any("sign" in s for s in v["g[0.282]"].slips), v["g[0.282]"].slips


def test_transposed_digits() -> None:
    # y1 = 0.8 * 0.6 = 0.48, stated 0.84
    bare = judged(CHAIN + claim("y", "y1", "0.84"))["y"]
    written = judged(CHAIN + claim("y", "y1", "0.84", "0.8 * 0.6"))["y"]
    for v in (bare, written):
        assert v.verdict == "wrong"
        assert any("digits transposed in the result: 0.48 written as 0.84" in s for s in v.slips), v.slips


def test_learning_rate_applied_with_the_wrong_sign() -> None:
    right = mpmath.mpf("0.6") - mpmath.mpf("0.5") * GRAD
    slipped = mpmath.mpf("0.6") + mpmath.mpf("0.5") * GRAD
    assert half_up(right, 6) == "0.626660" and half_up(slipped, 6) == "0.573340"
    bare = judged(CHAIN + claim("n", "new_w1", "0.573340"))["n"]
    assert bare.verdict == "wrong" and bare.slips[0].startswith("the learning rate applied with the wrong sign")
    # written as the text would: w1 + eta * dE/dw1 with dE/dw1 rounded to 3 significant digits
    assert 0.6 + 0.5 * -0.0533 == 0.57335
    written = judged(CHAIN + claim("n", "new_w1", "0.57335", "0.6 + 0.5 × (−0.0533)"))["n"]
    assert written.verdict == "wrong", written.explanation
    assert written.slips[0].startswith("the learning rate applied with the wrong sign"), written.slips


# A 2-2 identity network: weight table [[w1, w2], [w3, w4]] = [[0.1, 0.2], [0.7, 0.4]], x = (0.5, 0.3).
TABLE = """
[network]
sizes = [2, 2]
activation = "identity"
bias = "none"

[parameters]
w1 = 0.1
w2 = 0.2
w3 = 0.7
w4 = 0.4

[[cases]]
inputs = [[0.5, 0.3]]
targets = [[0, 0]]
"""


def test_weight_read_from_the_neighbouring_row() -> None:
    # y1 = 0.5*w1 + 0.3*w2 = 0.11; with w3 (the next row's weight) for w1: 0.5*0.7 + 0.3*0.2 = 0.41
    assert Fraction("0.5") * Fraction("0.7") + Fraction("0.3") * Fraction("0.2") == Fraction("0.41")
    bare = judged(TABLE + claim("y", "y1", "0.41"))["y"]
    assert bare.verdict == "wrong" and any("w1" in s and "w3" in s for s in bare.slips), bare.slips
    v = judged(TABLE + claim("y", "y1", "0.41", "0.5*0.7 + 0.3*0.2"))
    assert v["y"].verdict == "propagated" and v["y"].roots == ("y[0.7]",)
    assert v["y[0.7]"].claim.quantity == "w1"
    assert v["y[0.7]"].slips[0] == "the value of w3 (0.7) taken for w1", v["y[0.7]"].slips


def test_the_written_slip_search_stops_at_the_runs_budget() -> None:
    # y1 = 0.5*0.1 + 0.3*0.2 = 0.11, written as a long sum of 60 numbers that gives 0.44 exactly (not y1)
    from handcalc import budget

    terms = " + ".join(["0.01 * 0.5"] * 30) + " + 0.29"
    assert sum([Fraction("0.005")] * 30) + Fraction("0.29") == Fraction("0.44")
    with budget.scope(3_000_000) as run:
        v = judged(TABLE + claim("y", "y1", "0.44", terms))["y"]
    assert v.verdict == "wrong" and "does not compute y1" in v.explanation
    assert "stopped at its budget" in v.explanation and run.spent <= 3_000_000
