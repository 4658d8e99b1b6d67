"""Typeset: how the report writes a number or a quantity's name, as plain text and as LaTeX.

Place in the flow: the last stage's smallest piece.  `report` (and `jsonreport`,
and the scan's report) ask it for a value's decimal text (scientific when a row
of zeros would hide the digits), a float's text, and the LaTeX of a number, a
name (dE_dw5 as a partial-derivative fraction) or a step's formula; `render`
then places those texts in each format.
"""

from __future__ import annotations

import functools
import math
import re
from decimal import Decimal
from typing import Mapping

import sympy

from ..budget import charge
from ..numbers import to_decimal_text

__all__ = ["number_text", "float_text", "latex_number", "latex_formula", "latex_name",
           "SCIENTIFIC_BELOW", "SCIENTIFIC_FROM"]

# A value this small or this large is written as 2.355780384e-22: a row of zeros hides its digits.
# JSON keeps every value in plain decimal; this is only how a report shows it.
SCIENTIFIC_BELOW = Decimal("1e-5")
SCIENTIFIC_FROM = 10**9
NUMBER_COST = 30  # work units (~microseconds) of writing a number, besides one per digit


def _scientific(text: str) -> str:
    """0.000002355780384 -> 2.355780384e-6, keeping exactly the significant digits written."""
    number = Decimal(text)
    digits = "".join(map(str, number.as_tuple().digits)).lstrip("0") or "0"
    sign = "-" if number < 0 else ""
    mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return f"{sign}{mantissa}e{number.adjusted()}"


def number_text(value: sympy.Expr, digits: int, scientific: bool = True) -> str:
    """Decimal text; more digits where rounding would make a value look like a whole number it is not.

    With `scientific`, a value below SCIENTIFIC_BELOW or from SCIENTIFIC_FROM on is
    written as mantissa e exponent, with the same significant digits.
    """
    charge(NUMBER_COST + digits, "printing", "the report's numbers")
    text = to_decimal_text(value, digits)
    # Decimal, not sympy.Rational(text): a value below ~1e-4300 is a text of more digits than
    # Python turns into an int (sys.get_int_max_str_digits), and Rational(text) raised TypeError.
    while digits < 40 and value.is_Float and _is_whole(text) \
            and sympy.Integer(int(Decimal(text))) != value and not value.is_zero:
        digits += 8
        text = to_decimal_text(value, digits)
    # a zero value is written "0", so only that text needs the (slower) SymPy comparison
    if scientific and (text != "0" or value != 0) and not SCIENTIFIC_BELOW <= abs(Decimal(text)) < SCIENTIFIC_FROM:
        return _scientific(text)
    return text


def _is_whole(text: str) -> bool:
    """Whether a decimal text is a whole number: 12, 12.000 (read as a string unless it has an exponent)."""
    if "E" in text or "e" in text:
        number = Decimal(text)
        return number == number.to_integral_value()
    return "." not in text or text.rstrip("0").endswith(".")


def float_text(value: float, digits: int) -> str:
    """A float's text at `digits` significant digits (no trailing zeros), with the same scientific rule."""
    if not math.isfinite(float(value)):  # a replay that diverged: nan, inf
        return str(float(value))
    number = Decimal(format(float(value), f".{digits}g"))
    if number != 0 and not SCIENTIFIC_BELOW <= abs(number) < SCIENTIFIC_FROM:
        return _scientific(str(number))
    return format(number, "f")


_SCIENTIFIC = re.compile(r"(\d(?:\.\d+)?)e([+-]?\d+)")


def latex_number(text: str) -> str:
    """2.35e-22 -> 2.35 \\times 10^{-22} wherever it appears in `text`; plain decimals as they are."""
    return _SCIENTIFIC.sub(lambda m: rf"{m.group(1)} \times 10^{{{int(m.group(2))}}}", text)


def latex_formula(expr: sympy.Expr, names: Mapping[str, str]) -> str:
    """The formula as LaTeX math, each symbol written as `names` says (a name or a number): `sympy.latex`."""
    settings = {"mul_symbol": "dot", "symbol_names": {s: names.get(s.name, s.name) for s in expr.free_symbols}}
    return _printer()(settings).doprint(expr)


@functools.lru_cache(maxsize=1)
def _printer() -> type:
    """SymPy's LaTeX printer (what `sympy.latex` runs), remembering the order of each sum's terms.

    A report prints each step's formula twice, with names and with numbers, and sorting a sum's terms
    (`as_ordered_terms`) was a quarter of a LaTeX report's time; the order depends on the expression
    only, never on how its symbols are written, so the second printing reuses it.
    """
    from sympy.printing.latex import LatexPrinter

    class OrderRemembering(LatexPrinter):
        orders: dict = {}

        def _as_ordered_terms(self, expr: sympy.Expr, order: str | None = None) -> list:
            key = (expr, order or self.order)
            if key not in self.orders:
                if len(self.orders) >= 4096:  # a bounded memory: the reuse is between neighbouring cells
                    self.orders.clear()
                self.orders[key] = super()._as_ordered_terms(expr, order)
            return list(self.orders[key])

    return OrderRemembering


@functools.lru_cache(maxsize=1 << 16)  # a report names each quantity several times (its row, every chain rule using it)
def latex_name(name: str) -> str:
    """dE_dw5 -> a partial-derivative fraction, dout_y1_dy1 -> d out_y1 / d y1; out_h1 -> out_{h1}."""
    if name.startswith("d"):
        for cut in [m.start() for m in re.finditer("_d", name)][::-1]:
            top, bottom = name[1:cut], name[cut + 2:]
            if re.fullmatch(r"[A-Za-z]\w*", top) and re.fullmatch(r"[A-Za-z]\w*", bottom):
                return rf"\frac{{\partial {_symbol(top)}}}{{\partial {_symbol(bottom)}}}"
    return _symbol(name)


@functools.lru_cache(maxsize=1 << 16)
def _symbol(name: str) -> str:
    return sympy.latex(sympy.Symbol(name))
