"""Decimal text -> exact numbers, and exact numbers -> decimal text.

A number a text states is kept as the text itself: "0.41425240" keeps its
trailing zero, because the digits stated are part of the claim.  It becomes an
exact SymPy Rational only through `fractions.Fraction`, never through float.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from functools import lru_cache
from typing import Sequence

import sympy

__all__ = [
    "NumberError",
    "INFINITY_TEXTS",
    "is_infinite_text",
    "infinity_sign",
    "MAX_EXPONENT",
    "MAX_NUMBER_CHARS",
    "is_number_text",
    "parse_fraction",
    "parse_rational",
    "exact_rows",
    "last_digit_exponent",
    "to_decimal_text",
    "round_to_exponent",
]

# An exponent beyond this in a written number (1e400) is refused: no tutorial
# needs it and exact arithmetic on it could take unbounded time.
MAX_EXPONENT = 300
# A written number longer than this is refused: tutorials state at most ~20 digits.
MAX_NUMBER_CHARS = 100
# Digits `round_to_exponent` writes out in plain notation before it switches to 1.23E+4567
# (below Python's 4,300-digit limit on reading integers, so the text can always be read back).
MAX_WRITTEN_DIGITS = 4_000

_NUMBER = re.compile(r"[+-]?(?:\d+(?:_\d+)*\.?\d*(?:_\d+)*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
# The one list of ways a text writes infinity; each may carry a sign (+ or -) and any letter case.
INFINITY_TEXTS = ("∞", "inf", "infinity")


class NumberError(ValueError):
    """A text that should be a finite decimal number is not one."""


def _unsigned(text: str) -> tuple[int, str]:
    """Split a stripped, lower-cased text into its sign (+1 or -1) and the rest."""
    cleaned = text.strip().lower()
    if cleaned.startswith(("+", "-")):
        return (-1 if cleaned[0] == "-" else 1), cleaned[1:]
    return 1, cleaned


def is_infinite_text(text: str) -> bool:
    """Return True if a stated value is written as infinity: ∞, inf, infinity, each maybe signed.

    >>> [is_infinite_text(t) for t in ("∞", "-inf", "+Infinity", "1e400", "nan")]
    [True, True, True, False, False]
    """
    return _unsigned(text)[1] in INFINITY_TEXTS


def infinity_sign(text: str) -> int:
    """Return +1 or -1: the sign of an infinity's text ("∞" and "+inf" are +1, "-∞" is -1)."""
    return _unsigned(text)[0]


def is_number_text(text: str, max_chars: int = MAX_NUMBER_CHARS) -> bool:
    """Return True if `text` is a plain finite decimal number such as ".6" or "1e-3" (of at most `max_chars`)."""
    return len(text) <= max_chars and bool(_NUMBER.fullmatch(text.strip()))


def parse_fraction(text: str) -> Fraction:
    """Return the exact value of a decimal number written as text."""
    if not isinstance(text, str):
        raise NumberError(f"expected a number's text, found {type(text).__name__}")
    return _parsed(text)


@lru_cache(maxsize=4096)  # judging reads the same stated texts again and again (a Fraction is immutable)
def _parsed(text: str) -> Fraction:
    if len(text) > MAX_NUMBER_CHARS:
        raise NumberError(f"a number has at most {MAX_NUMBER_CHARS} characters, found {len(text)}")
    cleaned = text.strip()
    if not _NUMBER.fullmatch(cleaned):
        if is_infinite_text(cleaned) or _unsigned(cleaned)[1] == "nan":
            raise NumberError(f"{cleaned!r} is not a finite number")
        raise NumberError(f"{text!r} is not a decimal number")
    mantissa, _, exponent = cleaned.replace("_", "").lower().partition("e")
    power = int(exponent or 0)
    if abs(power) > MAX_EXPONENT:
        raise NumberError(f"{text!r} has an exponent beyond {MAX_EXPONENT}")
    # digits / 10^places, read as integers (Fraction's own text parser is several times slower)
    whole, _, decimals = mantissa.lstrip("+-").partition(".")
    digits = int(whole + decimals or "0") * (-1 if mantissa.startswith("-") else 1)
    places = len(decimals) - power
    return Fraction(digits, 10 ** places) if places > 0 else Fraction(digits * 10 ** -places)


def as_float(value: Fraction) -> float:
    """float(value), correctly rounded as float() rounds it (one division), without the numbers ABC's
    dispatch, 4x faster: the float paths convert every parameter of a network."""
    return value.numerator / value.denominator


def parse_rational(text: str) -> sympy.Rational:
    """Return the exact SymPy Rational of a decimal number written as text."""
    value = parse_fraction(text)
    return sympy.Rational(value.numerator, value.denominator)


def exact_rows(rows: Sequence[Sequence[str]], divisors: Sequence[Fraction] | None = None
               ) -> tuple[tuple[Fraction, ...], ...]:
    """Return rows of number texts as exact values, each column divided by its divisor (if given)."""
    exact = [[parse_fraction(text) for text in row] for row in rows]
    if divisors is None:
        return tuple(tuple(row) for row in exact)
    return tuple(tuple(value / d for value, d in zip(row, divisors)) for row in exact)


def last_digit_exponent(text: str) -> int:
    """Return the power of ten of the last digit a number's text states.

    "0.41425240" -> -8, "7.5" -> -1, "92" -> 0, "1e-3" -> -3, ".8579443067" -> -10.
    """
    parse_fraction(text)  # validates
    cleaned = text.strip().replace("_", "")
    return Decimal(cleaned).as_tuple().exponent


def _decimal(value: sympy.Expr | Fraction | int, digits: int) -> Decimal:
    """Return `value` as a Decimal carrying `digits` significant digits or more."""
    if isinstance(value, Fraction):
        value = sympy.Rational(value.numerator, value.denominator)
    value = sympy.Integer(value) if isinstance(value, int) else value
    if isinstance(value, sympy.Float):  # the same digits as below, without SymPy's evalf and printer
        from mpmath.libmp import dps_to_prec, mpf_pos, round_nearest, to_str

        return Decimal(to_str(mpf_pos(value._mpf_, dps_to_prec(digits + 10), round_nearest), digits + 10))
    return Decimal(str(sympy.Float(sympy.N(value, digits + 10), digits + 10)))


def _precision(adjusted: int, exponent: int) -> int:
    """Return the Decimal precision that writes digits from 10**adjusted down to 10**exponent."""
    return max(200, adjusted - exponent + 10)


def round_to_exponent(value: sympy.Expr | Fraction | int, exponent: int) -> str:
    """Return `value` rounded half up to a last digit at 10**exponent, as plain text.

    A value with more than MAX_WRITTEN_DIGITS digits down to that place is
    written in scientific notation instead, at 60 significant digits.
    """
    decimal = _decimal(value, 60)
    with localcontext() as context:
        context.prec = _precision(decimal.adjusted(), exponent)
        if context.prec > MAX_WRITTEN_DIGITS:
            return format(decimal, "E")
        rounded = decimal.quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_UP)
        return format(rounded, "f")


def _factor_count(n: int, p: int) -> tuple[int, int]:
    """Return (k, n / p**k) for the largest k with p**k dividing n, in O(log k) big divisions.

    Dividing by p one factor at a time is quadratic in the size of n (a
    denominator of 10^60000 took seconds); dividing by p, p^2, p^4, ... and
    then back down takes a few dozen divisions.

    >>> _factor_count(2 * 5**13, 5)
    (13, 2)
    """
    count, powers = 0, [p]
    while n % powers[-1] == 0:
        n //= powers[-1]
        count += 1 << (len(powers) - 1)
        powers.append(powers[-1] * powers[-1])
    for index in range(len(powers) - 2, -1, -1):
        if n % powers[index] == 0:
            n //= powers[index]
            count += 1 << index
    return count, n


def to_decimal_text(value: sympy.Expr | Fraction | int, digits: int = 20) -> str:
    """Return `value` as plain decimal text: exact if it terminates within `digits`, else rounded.

    A rounded value whose plain text would run past MAX_WRITTEN_DIGITS digits
    (below about 1e-4000) is written as 1.23E-4567 instead.
    """
    text = None
    if value.__class__ is sympy.Float:  # most of a report's numbers
        text = _float_text(value._mpf_, digits) if 0 < digits <= _FAST_DIGITS else None
    elif isinstance(value, sympy.Rational):
        text = _terminating_text(int(value.p), int(value.q), digits)
    elif value.__class__ is Fraction or value.__class__ is int:
        text = _terminating_text(value.numerator, value.denominator, digits)
    return _decimal_text(value, digits) if text is None else text


# --- Floats and terminating fractions in integer arithmetic: the same text as `_decimal_text` --------
#
# Measured: a 60-digit Float at 10 digits 2.9 us against 10-12 us through Decimal.
#
# `_decimal_text` writes a Float as: its mpf rounded to nearest at dps_to_prec(digits + 10) bits;
# that written by mpmath's to_str at digits + 10 significant digits (exact floor digits, then half up
# on the next digit); that rounded half up to `digits` significant digits by Decimal.quantize (at the
# exponent before rounding: 9.99996 at 5 digits is 10.0000); that written out in full.  `_float_text`
# does the same in integers.

_FAST_DIGITS = 150  # beyond this the Decimal context's 200 digits decide: the general path
_FAST_BITS = 3500  # mpmath's to_str rescales values beyond 2**3500 inexactly: the general path does it


class _Powers(dict):
    """10**k by k, each made once when first asked for (the fast paths ask for at most ~2,700 of them)."""

    def __missing__(self, k: int) -> int:
        self[k] = 10 ** k
        return self[k]


_TEN = _Powers()
_BITS = {wide: max(1, int(round((wide + 1) * 3.3219280948873626))) for wide in range(1, _FAST_DIGITS + 11)}  # dps_to_prec


def _scaled(man: int, exp: int, places: int) -> int:
    """floor(man * 2**exp * 10**places) for man >= 0."""
    n = man * _TEN[places] if places >= 0 else man
    n = n << exp if exp >= 0 else n >> -exp
    return n if places >= 0 else n // _TEN[-places]


def _terminating_places(denominator: int) -> int | None:
    """The decimal places a fraction with this (positive) denominator ends after, or None if it never ends."""
    twos = (denominator & -denominator).bit_length() - 1  # trailing zero bits: the factors of 2, at once
    fives, rest = _factor_count(denominator >> twos, 5)
    return max(twos, fives) if rest == 1 else None


def _terminating_text(numerator: int, denominator: int, digits: int) -> str | None:
    """An exact fraction's plain text when it ends within `digits` decimals, else None (the general path)."""
    if not numerator:
        return "0"
    if numerator.bit_length() > _FAST_BITS or denominator.bit_length() > _FAST_BITS:
        return None
    places = _terminating_places(denominator)
    if places is None or places > digits:
        return None
    text = str(abs(numerator) * _TEN[places] // denominator)
    if places:
        text = text.rjust(places + 1, "0")
        text = f"{text[:-places]}.{text[-places:]}"
    return "-" + text if numerator < 0 else text


def _float_text(mpf: tuple, digits: int) -> str | None:
    """A Float's (raw mpf's) text at `digits` significant digits, or None to leave it to the general path."""
    sign, man, exp, _ = mpf
    man, wide = int(man), digits + 10
    drop = man.bit_length() - _BITS[wide]
    if drop > 0:  # rounded to nearest, ties to even, at dps_to_prec(wide) bits, as mpmath's mpf_pos rounds it
        half = 1 << (drop - 1)
        rest, man, exp = man & (2 * half - 1), man >> drop, exp + drop
        man += rest > half or (rest == half and man & 1)
    top = exp + man.bit_length()  # 2**(top - 1) <= the value < 2**top
    if not man or not -_FAST_BITS <= top <= _FAST_BITS:
        return None  # zero, inf, nan, or beyond mpmath's exact rescaling
    lead = (top - 1) * 30102999566 // 100000000000  # 10**lead <= the value < 10**(lead + 1), or one off
    floor = _scaled(man, exp, wide - lead)  # wide + 1 digits when `lead` is right
    while floor >= _TEN[wide + 1]:
        lead, floor = lead + 1, floor // 10  # floor(floor(y) / 10) is floor(y / 10)
    while floor < _TEN[wide]:
        lead -= 1
        floor = _scaled(man, exp, wide - lead)
    floor, last = divmod(floor, 10)
    coefficient = floor + (last >= 5)  # to_str's rounding to `wide` digits
    if coefficient == _TEN[wide]:
        coefficient, lead = coefficient // 10, lead + 1
    kept, rest = divmod(coefficient, 10_000_000_000)  # quantize's rounding to `digits`, at the same exponent
    text, point = str(kept + (rest >= 5_000_000_000)), lead - digits + 1  # point: the last digit's power of ten
    # (|lead| <= 1,054 here: plain text never runs past MAX_WRITTEN_DIGITS, where the general path writes 1E-4567)
    if point >= 0:
        text += "0" * point
    elif len(text) > -point:
        text = f"{text[:point]}.{text[point:]}"
    else:
        text = "0." + "0" * (-point - len(text)) + text
    return "-" + text if sign else text


def _decimal_text(value: sympy.Expr | Fraction | int, digits: int) -> str:
    """`to_decimal_text` through Decimal: every kind of value (the fast path's reference)."""
    if isinstance(value, Fraction):
        value = sympy.Rational(value.numerator, value.denominator)
    if isinstance(value, int) or (isinstance(value, sympy.Rational)):
        value = sympy.Rational(value)
        if value == 0:
            return "0"
        places = _terminating_places(int(value.q))
        if places is not None and places <= digits:
            numerator, denominator = Decimal(int(value.p)), Decimal(int(value.q))
            with localcontext() as context:
                context.prec = _precision(numerator.adjusted() - denominator.adjusted() + 1, -places)
                exact = numerator / denominator
                return format(exact.quantize(Decimal(1).scaleb(-places)), "f")
    if value == 0:
        return "0"
    with localcontext() as context:
        context.prec = 200
        decimal = _decimal(value, digits)
        if decimal == 0:
            return "0"
        rounded = decimal.quantize(Decimal(1).scaleb(decimal.adjusted() - digits + 1), rounding=ROUND_HALF_UP)
        if max(rounded.adjusted(), digits - rounded.adjusted()) > MAX_WRITTEN_DIGITS:
            return format(rounded, "E")  # exp(-10000): 4,343 zeros would not read back (Rational(text) fails)
        return format(rounded, "f")
