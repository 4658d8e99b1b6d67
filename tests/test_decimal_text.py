"""A number's decimal text in integer arithmetic is byte for byte the text the Decimal path writes.

`to_decimal_text` writes a SymPy Float through `numbers._float_text`, and a fraction that ends
within the digits asked for through `numbers._terminating_text` (integers only); the general
path `numbers._decimal_text` (mpmath's to_str, Decimal, quantize) is the reference here, on many
thousands of seeded random values and on the edges: ties at the rounding digit (and at the digit
mpmath rounds to first), runs of nines that carry into a new digit, tiny and huge exponents
(past mpmath's exact rescaling, where the general path takes over), negative numbers and zero.
"""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction

import pytest
import sympy

from handcalc.numbers import MAX_WRITTEN_DIGITS, _decimal_text, _float_text, to_decimal_text

DIGITS = (1, 2, 3, 5, 8, 10, 12, 15, 20, 30, 40)


def _agree(value: sympy.Float, digits: int) -> None:
    assert to_decimal_text(value, digits) == _decimal_text(value, digits), (value, digits)


def _random_float(rng: random.Random) -> sympy.Float:
    precision = rng.choice((15, 20, 30, 60, 60, 60, 100))
    mantissa = "".join(rng.choice("0123456789") for _ in range(precision))
    text = f"{rng.choice('-+')}0.{mantissa}e{rng.choice((rng.randint(-12, 12), rng.randint(-400, 400)))}"
    return sympy.Float(text, precision)


def test_random_floats_agree_with_the_decimal_path() -> None:
    rng = random.Random(20261202)
    for _ in range(6000):
        _agree(_random_float(rng), rng.choice(DIGITS))


def test_floats_from_python_floats_agree() -> None:
    rng = random.Random(7)
    for _ in range(3000):
        number = rng.uniform(-1, 1) * 10.0 ** rng.randint(-30, 30)
        _agree(sympy.Float(number, rng.choice((15, 60))), rng.choice(DIGITS))


@pytest.mark.parametrize("digits", DIGITS)
def test_ties_at_the_rounding_digits_agree(digits: int) -> None:
    # a 5 (or 4999..., or 5000...1) right after the last digit kept, and right after the digit
    # mpmath's to_str keeps (digits + 10): where rounding twice and rounding once differ
    rng = random.Random(digits)
    for _ in range(12):
        kept = "".join(rng.choice("0123456789") for _ in range(digits)).lstrip("0") or "1"
        for tail in ("5", "50000000000", "49999999999", "4999999999", "4999999999" "5", "4999999999" "49",
                     "5000000001", "0000000000" "5", "9999999999" "5", "45"):
            for exponent in (-digits - 3, -1, 0, 2, rng.randint(-60, 60)):
                for sign in ("", "-"):
                    value = sympy.Float(f"{sign}{kept}{tail}e{exponent}", 60)
                    _agree(value, digits)


def test_nines_that_carry_into_a_new_digit_agree() -> None:
    # 9.99996 at 5 digits is 10.0000 (quantize keeps the exponent); at digits + 10 nines mpmath carries first
    for nines in range(1, 45):
        for exponent in (-7, -1, 0, 1, 5, 30):
            for precision in (30, 60):
                value = sympy.Float(f"{'9' * nines}e{exponent - nines + 1}", precision)
                for digits in DIGITS:
                    _agree(value, digits)
                    _agree(-value, digits)
                    _agree(value * sympy.Float("0.99999999999999999999", 60), digits)


def test_tiny_and_huge_exponents_agree() -> None:
    rng = random.Random(3)
    for power in list(range(-1100, 1101, 37)) + [-1054, -1053, -1052, 1052, 1053, 1054, -4010, 4010, -9000]:
        for _ in range(3):
            value = sympy.Float(f"{rng.random():.30f}e{power}", 60)
            for digits in (1, 10, 15):
                _agree(value, digits)


def test_zero_and_the_general_paths() -> None:
    zero = sympy.Float(0, 60)
    assert _float_text(zero._mpf_, 10) is None  # zero is left to the general path, which writes "0"
    assert to_decimal_text(zero, 10) == "0"
    # a value too small for plain text is written 1.2345E-4567 by the general path
    tiny = sympy.Float("1.23456789e-5000", 60)
    assert _float_text(tiny._mpf_, 5) is None
    assert to_decimal_text(tiny, 5) == "1.2346E-5000"
    assert max(5000, 5) > MAX_WRITTEN_DIGITS


def test_the_text_is_the_value_rounded_half_up() -> None:
    # independent of both paths: the exact binary value of a Float, rounded half up by Fraction arithmetic
    rng = random.Random(11)
    for _ in range(2000):
        value = _random_float(rng)
        digits = rng.choice((3, 10, 12))
        exact = Fraction(Decimal(str(sympy.Float(value, 120))))  # far more digits than the text keeps
        text = to_decimal_text(value, digits)
        unit = Fraction(10) ** (Decimal(text).adjusted() - digits + 1)  # the last digit kept
        assert abs(Fraction(Decimal(text)) - exact) <= unit / 2, (value, digits, text)
        if "." in text:  # every digit written out: one more only after a carry (9.99996 -> 10.0000)
            assert len(text.lstrip("-0").replace(".", "").lstrip("0")) in (digits, digits + 1)


def test_exact_fractions_agree_with_the_decimal_path() -> None:
    rng = random.Random(5)
    for _ in range(4000):
        numerator = rng.randint(-10 ** rng.randint(0, 40), 10 ** rng.randint(0, 40))
        denominator = 2 ** rng.randint(0, 30) * 5 ** rng.randint(0, 30) * rng.choice((1, 1, 1, 3, 7, 9))
        digits = rng.choice(DIGITS)
        for value in (Fraction(numerator, denominator), sympy.Rational(numerator, denominator)):
            assert to_decimal_text(value, digits) == _decimal_text(value, digits), (value, digits)
    for value in (0, 1, -1, 10 ** 50, -(10 ** 50) - 1, Fraction(0), sympy.Integer(0), sympy.S.Half,
                  Fraction(-1, 3), Fraction(1, 2 ** 40), Fraction(10 ** 40 + 1, 10 ** 20), 2 ** 12000):
        for digits in (1, 10, 12, 20, 45):
            assert to_decimal_text(value, digits) == _decimal_text(value, digits), (value, digits)
    assert to_decimal_text(Fraction(-3, 8), 5) == "-0.375"  # by hand
    assert to_decimal_text(sympy.Rational(1, 2 ** 12), 20) == "0.000244140625"
