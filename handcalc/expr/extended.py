"""Values in the extended reals: the one meaning of log(0) and of infinity in an expression.

`arithmetic.evaluate` refuses a log of 0.  A hand calculation of a
cross-entropy writes -log(0) = ∞, so every verdict (claims, the text scan, the
slip search) evaluates a written expression with `extended` instead: a log of
exactly 0 is -∞, and ±∞ then follows the rules of the extended reals.

    ∞ + x = ∞ (x finite, however large: log(0) + 1e100 is -∞)    -(-∞) = ∞
    x × ∞ = ±∞ (x ≠ 0)    x / ∞ = 0    e^-∞ = 0    sigmoid(∞) = 1    tanh(-∞) = -1

Forms with no value are errors that name the form: ∞ - ∞, 0 × ∞ (so
0 × log(0) is not 0), ∞ / ∞, a power with an infinite exponent or an infinite
base to the power 0.  Every other refusal is `evaluate`'s, with its reason and
limit.  Nothing finite is ever infinite: 1e300 stays exactly 1e300.
"""

from __future__ import annotations

from typing import Mapping

import sympy

from .arithmetic import _EXACT_FUNCTIONS, evaluate
from .nodes import BeyondLimit, Binary, Call, ExpressionError, Name, Node, Unary, walk

__all__ = ["INFINITIES", "extended", "extended_value", "value_or_reason", "infinity_text"]

INFINITIES = (sympy.oo, -sympy.oo)
_OPERATIONS = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
               "/": lambda a, b: a / b}


def infinity_text(value: sympy.Expr) -> str:
    """Return ∞ or -∞ as a message writes it."""
    return "∞" if value > 0 else "-∞"


def _shown(value: sympy.Expr) -> str:
    return infinity_text(value) if value in INFINITIES else ("0" if value == 0 else "a finite number")


def _infinite_binary(op: str, left: sympy.Expr, right: sympy.Expr) -> sympy.Expr:
    """An operation with an infinite operand, by the extended reals' rules (see the module docstring)."""
    if op == "/" and right == 0:
        raise ExpressionError("division by zero")
    if op == "^":
        if right in INFINITIES:
            raise ExpressionError("an infinite exponent (from a log of 0) has no value here")
        if right == 0:
            raise ExpressionError(f"{_shown(left)} to the power 0 has no value")
        if int(right) != right:
            raise ExpressionError("a non-integer power of an infinity (from a log of 0) has no value here")
        result = left ** int(right)
    else:
        result = _OPERATIONS[op](left, right)
    if result is sympy.nan or not (result.is_extended_real and (result.is_finite or result in INFINITIES)):
        form = {"+": "∞ - ∞", "-": "∞ - ∞", "*": "0 × ∞", "/": "∞ / ∞"}.get(op, "this power")
        raise ExpressionError(f"{_shown(left)} {op} {_shown(right)} is {form}, which has no value")
    return result


def _infinite_call(func: str, arg: sympy.Expr) -> sympy.Expr:
    """A function of ±∞: its limit there (exp(-∞) = 0, sigmoid(∞) = 1, log(∞) = ∞), if it has one."""
    if func not in _EXACT_FUNCTIONS:
        raise ExpressionError(f"unknown function '{func}'")
    if func == "log" and arg < 0:
        raise ExpressionError("log of a negative number (-∞)")
    result = _EXACT_FUNCTIONS[func](arg)
    if not (result.is_extended_real and (result.is_finite or result in INFINITIES)):
        raise ExpressionError(f"{func}({infinity_text(arg)}) has no value")
    return result


def _has_log(node: Node) -> bool:
    return any(isinstance(n, Call) and n.func == "log" for n in walk(node))


def _extended(node: Node, env: Mapping[str, sympy.Expr]) -> sympy.Expr:
    """Evaluate `node`; a subtree without a log is `evaluate`'s, so finite values are exactly its values."""
    if not _has_log(node):
        return evaluate(node, env)
    if isinstance(node, Call):
        arg = _extended(node.arg, env)
        if node.func == "log" and arg == 0:
            return -sympy.oo
        if arg in INFINITIES:
            return _infinite_call(node.func, arg)
        return evaluate(Call(node.func, Name("<arg>")), {**env, "<arg>": arg})
    if isinstance(node, Unary):
        operand = _extended(node.operand, env)
        return -operand if node.op == "-" else operand
    if isinstance(node, Binary):
        left, right = _extended(node.left, env), _extended(node.right, env)
        if left in INFINITIES or right in INFINITIES:
            return _infinite_binary(node.op, left, right)
        return evaluate(Binary(node.op, Name("<left>"), Name("<right>")), {**env, "<left>": left, "<right>": right})
    return evaluate(node, env)  # a name or a number: no log in it


def extended(node: Node, env: Mapping[str, sympy.Expr]) -> sympy.Expr:
    """Return the value of `node` in the extended reals (a Rational, a Float, or ±∞).

    Raises ExpressionError saying why when it has none (a form such as 0 × ∞, or a limit of `evaluate`).
    """
    try:
        return _extended(node, env)
    except (ArithmeticError, RecursionError, MemoryError) as exc:
        raise BeyondLimit(f"cannot compute the expression ({type(exc).__name__})") from None


def extended_value(node: Node, env: Mapping[str, sympy.Expr]) -> sympy.Expr | None:
    """Return `extended(node, env)`, or None when the expression has no value."""
    try:
        return extended(node, env)
    except ExpressionError:
        return None


def value_or_reason(node: Node, env: Mapping[str, sympy.Expr]) -> tuple[sympy.Expr | None, ExpressionError | None]:
    """Return (the value of `node`, None), or (None, why it has none): the form that has no value, or a
    `BeyondLimit` when the value may exist but handcalc does not compute it."""
    try:
        return extended(node, env), None
    except ExpressionError as error:
        return None, error
