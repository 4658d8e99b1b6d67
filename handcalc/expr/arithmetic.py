"""Exact arithmetic of a parsed expression, with every refusal an `ExpressionError`.

`evaluate(parse("(2 * .6) + (9 * .3)"))` is the Rational 39/10.  Sums,
products, quotients, integer powers, abs, relu and identity stay exact;
sigmoid, exp, log, tanh, their derivatives and non-integer powers become SymPy
Floats of `digits` significant digits.  Limits
keep every value finite and small enough to compute: division by zero, the log
of zero or of a negative number and an overflow are errors, never a number.
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache
from typing import Mapping

import sympy

from .expression import Binary, Call, ExpressionError, Name, Node, Number, Unary
from .nodes import BeyondLimit
from ..numbers import NumberError, parse_fraction

__all__ = ["evaluate", "MAX_FUNCTION_ARGUMENT", "MAX_POWER", "MAX_EXACT_BITS", "MAX_DIGITS"]

MAX_FUNCTION_ARGUMENT = 10000  # |x| allowed in exp, sigmoid, tanh
MAX_POWER = 1000  # |exponent| allowed in a power
MAX_EXACT_BITS = 200_000  # bits of an exact value's numerator or denominator
MAX_DIGITS = 1000  # most significant digits `evaluate` will compute
_HUGE = sympy.Float(2, 30) ** MAX_EXACT_BITS  # no value, exact or not, may reach this
_HUGE_DIGITS = int(MAX_EXACT_BITS * 0.30103)


def _shown(value: sympy.Expr) -> str:
    """A value as a refusal quotes it: a few significant digits."""
    if isinstance(value, sympy.Integer) and value.p.bit_length() < 64:
        return str(value)
    return f"{float(value):.6g}" if abs(value) < 1e300 else "a value beyond 1e300"


def _bits(value: sympy.Rational) -> int:
    """Return the bit length of the larger of numerator and denominator."""
    return max(value.p.bit_length(), value.q.bit_length())


def _finite(value: sympy.Expr) -> sympy.Expr:
    """Return `value` if it is a finite real SymPy number, else refuse."""
    if not isinstance(value, (sympy.Rational, sympy.Float)) or value.is_finite is not True:
        raise ExpressionError("the result is not a finite real number")
    if isinstance(value, sympy.Rational) and _bits(value) > MAX_EXACT_BITS:
        raise BeyondLimit(f"a number's exact value takes more than {MAX_EXACT_BITS} bits (MAX_EXACT_BITS)")
    if isinstance(value, sympy.Float) and abs(value) >= _HUGE:
        raise BeyondLimit(f"overflow: a value beyond 2^{MAX_EXACT_BITS} (about 1e{_HUGE_DIGITS}) is too large")
    if isinstance(value, sympy.Float) and value._mpf_[1] and value._mpf_[2] + value._mpf_[3] < -MAX_EXACT_BITS:
        # e^-10000 to the 1000th: a value this small could not be made exact or written (MAX_EXACT_BITS)
        raise BeyondLimit(f"underflow: a value below 2^-{MAX_EXACT_BITS} (about 1e-{_HUGE_DIGITS}) "
                              f"is too small to compute")
    return value


def _quantity(name: str, value: object, digits: int) -> sympy.Expr:
    """Return the value of a quantity from the environment as a SymPy number."""
    if isinstance(value, int) and not isinstance(value, bool):
        return _finite(sympy.Integer(value))
    if isinstance(value, Fraction):
        return _finite(sympy.Rational(value.numerator, value.denominator))
    if isinstance(value, (sympy.Rational, sympy.Float)):
        return _finite(value)
    if isinstance(value, sympy.Expr) and value.is_number:
        return _finite(value.evalf(digits))
    raise ExpressionError(f"quantity '{name}' is not an exact or SymPy number")


def _power(base: sympy.Expr, exponent: sympy.Expr, digits: int) -> sympy.Expr:
    """Return base^exponent: exact for integer exponents, else to `digits` digits."""
    if abs(exponent) > MAX_POWER:
        raise BeyondLimit(f"the exponent {_shown(exponent)} is beyond \u00b1{MAX_POWER} (MAX_POWER)")
    whole = int(exponent)
    if (exponent - whole).is_zero:
        if base.is_zero and whole < 0:
            raise ExpressionError("zero to a negative power")
        if isinstance(base, sympy.Rational):
            if _bits(base) * abs(whole) > MAX_EXACT_BITS:
                raise BeyondLimit(f"the power's exact value would take more than {MAX_EXACT_BITS} bits "
                                      f"(MAX_EXACT_BITS)")
        return _finite(base ** whole)
    if not base > 0:
        raise BeyondLimit(f"a non-integer power (^{_shown(exponent)}) is computed only of a positive number, "
                              f"not of {_shown(base)}")
    return _finite(sympy.Pow(base, exponent, evaluate=False).evalf(digits))


def _sigmoid(x: sympy.Expr) -> sympy.Expr:
    return 1 / (1 + sympy.exp(-x))


# Each function of the language; an activation's derivative f'(z) is taken at its argument z.
_EXACT_FUNCTIONS = {
    "exp": sympy.exp, "log": sympy.log, "tanh": sympy.tanh, "abs": sympy.Abs,
    "sigmoid": _sigmoid, "relu": lambda x: sympy.Max(0, x), "identity": lambda x: x,
    "sigmoid'": lambda x: _sigmoid(x) * (1 - _sigmoid(x)), "tanh'": lambda x: 1 - sympy.tanh(x) ** 2,
    "relu'": lambda x: sympy.Integer(1 if x > 0 else 0), "identity'": lambda x: sympy.Integer(1),
}
_BOUNDED = frozenset({"exp", "sigmoid", "tanh", "sigmoid'", "tanh'"})  # |x| <= MAX_FUNCTION_ARGUMENT


@lru_cache(maxsize=1024)  # a slip search evaluates many trees that share their calls (SymPy numbers are immutable)
def _function(func: str, x: sympy.Expr, digits: int) -> sympy.Expr:
    """Return a function of x (see _EXACT_FUNCTIONS): exact if SymPy finds it so, else `digits` digits."""
    if func not in _EXACT_FUNCTIONS:
        raise ExpressionError(f"unknown function '{func}'")
    if func == "log" and not x > 0:
        raise ExpressionError("log of zero" if x.is_zero else "log of a negative number")
    if func in _BOUNDED and abs(x) > MAX_FUNCTION_ARGUMENT:
        raise BeyondLimit(f"{func} of {_shown(x)} is beyond its argument limit \u00b1{MAX_FUNCTION_ARGUMENT} "
                              f"(MAX_FUNCTION_ARGUMENT)")
    result = _EXACT_FUNCTIONS[func](x)
    return _finite(result if result.is_Rational else result.evalf(digits))


def _evaluate(node: Node, env: Mapping[str, sympy.Expr], digits: int) -> sympy.Expr:
    """Evaluate one node (see `evaluate`)."""
    if isinstance(node, Number):
        try:
            value = parse_fraction(node.text)
        except NumberError as exc:
            raise ExpressionError(str(exc)) from None
        return sympy.Rational(value.numerator, value.denominator)
    if isinstance(node, Name):
        if node.id not in env:
            raise ExpressionError(f"unknown quantity '{node.id}'")
        return _quantity(node.id, env[node.id], digits)
    if isinstance(node, Unary) and node.op in ("+", "-"):
        operand = _evaluate(node.operand, env, digits)
        return -operand if node.op == "-" else operand
    if isinstance(node, Call):
        return _function(node.func, _evaluate(node.arg, env, digits), digits)
    if not isinstance(node, Binary) or node.op not in ("+", "-", "*", "/", "^"):
        raise ExpressionError(f"cannot evaluate {type(node).__name__}")
    left, right = _evaluate(node.left, env, digits), _evaluate(node.right, env, digits)
    if node.op == "^":
        return _power(left, right, digits)
    if node.op == "/":
        if right.is_zero:
            raise ExpressionError("division by zero")
        return _finite(left / right)
    if node.op == "*":
        return _finite(left * right)
    return _finite(left + right if node.op == "+" else left - right)


def evaluate(node: Node, env: Mapping[str, sympy.Expr] | None = None,
             digits: int = 60) -> sympy.Expr:
    """Return the value of `node`: a SymPy Rational when exact, else a Float of `digits` digits."""
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= MAX_DIGITS:
        raise ExpressionError(f"digits must be an integer from 1 to {MAX_DIGITS}")
    try:
        return _evaluate(node, env or {}, digits)
    except (ArithmeticError, RecursionError, MemoryError) as exc:
        raise BeyondLimit(f"cannot compute the expression ({type(exc).__name__})") from None
