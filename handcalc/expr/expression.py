"""A small, whitelisted arithmetic language for the sums tutorials write.

`parse("(2 * .6) + (9 * .3)")` builds an immutable tree with our own
recursive-descent parser (no eval, no ast, no SymPy string parsing), keeping
every number literal as written; `to_text` and `to_sympy` show it again
(`handcalc.expr.arithmetic.evaluate` computes it exactly).  Every refusal is an
`ExpressionError` with the column and what was expected there.

The grammar reads what texts print:

    sum      := product (("+" | "-") product)*
    product  := signed (("*" | "/") signed | <juxtaposed> power)*
    signed   := ("+" | "-")* power
    power    := (e | primary) ("^" (signed | "{" sum "}"))?       also written as superscripts: e⁻⁰·⁴
    primary  := number | name | function "'"? "(" sum ")" | "(" sum ")" | "|" sum "|"

Juxtaposition is multiplication when the right side opens with "(", "|", a
function or e: `-2(1 - 0.731)`, `0.7311(1 - 0.7311)`, `1/2 (0.01 - 0.75)^2`,
`σ(x)(1 - σ(x))`, `2e^-x` (not `2x`: a number next to a name is refused).
Functions: exp, log (ln), abs (or |x|), and the activations sigmoid (S, σ),
tanh, relu and identity, each with its derivative written with a prime
(`σ'(x)`); `functions` adds names of a network's own activations (`f`, `g`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Mapping

import sympy

from handcalc.numbers import NumberError, parse_fraction

from .nodes import (BeyondLimit, Binary, Call, ExpressionError, Name, Node, Number, Unary, names, numbers,
                    to_text, walk)
from .tokens import MAX_PAREN_DEPTH, Token, tokens

__all__ = [
    "ExpressionError", "BeyondLimit", "Number", "Name", "Unary", "Binary", "Call", "Node",
    "parse", "to_sympy", "to_text", "names", "numbers", "walk",
    "BUILTIN_FUNCTIONS", "ACTIVATION_FUNCTIONS", "MAX_LENGTH", "MAX_PAREN_DEPTH", "MAX_DEPTH",
]

MAX_LENGTH = 500  # characters of expression text
MAX_DEPTH = 50  # depth of the tree

ACTIVATION_FUNCTIONS = ("sigmoid", "tanh", "relu", "identity")  # each has a derivative: "sigmoid'", ...
BUILTIN_FUNCTIONS = {"S": "sigmoid", "\u03c3": "sigmoid", "sigmoid": "sigmoid", "tanh": "tanh",
                     "relu": "relu", "ReLU": "relu", "exp": "exp", "log": "log", "ln": "log", "abs": "abs"}
_BARE_NAMES = frozenset({"S"})  # a function name that may also name a quantity on its own
_PRIMARY = "a number, a name, a function or '('"


def _shown(token: Token) -> str:
    return "the end of the expression" if token.kind == "end" else repr(token.written)


class _Parser:
    """Recursive descent over the tokens; each rule returns (node, depth of its tree)."""

    def __init__(self, text: str, found: list[Token], functions: Mapping[str, str]) -> None:
        self.text, self.tokens, self.index = text, found, 0
        self.functions = functions
        self.powers = self.bars = 0  # exponents and |...| currently open

    def peek(self, offset: int = 0) -> Token:
        """Return the token `offset` places ahead, or an "end" token."""
        index = self.index + offset
        return self.tokens[index] if index < len(self.tokens) else Token("end", "", len(self.text), "")

    def at(self, kind: str, value: str, offset: int = 0) -> bool:
        """Return True if the token `offset` places ahead is (kind, value)."""
        token = self.peek(offset)
        return token.kind == kind and token.value == value

    def take(self, *ops: str) -> str | None:
        """Consume and return the next token if it is an operator in `ops`."""
        token = self.peek()
        if token.kind == "op" and token.value in ops:
            self.index += 1
            return token.value
        return None

    def expected(self, what: str) -> ExpressionError:
        """Return an error at the next token: `what` was expected there."""
        token = self.peek()
        return ExpressionError(f"expected {what}, found {_shown(token)}", token.column)

    def deep(self, depth: int) -> int:
        """Refuse a tree deeper than MAX_DEPTH; return `depth`."""
        if depth > MAX_DEPTH:
            raise ExpressionError(f"expression is nested deeper than {MAX_DEPTH} levels", self.peek().column)
        return depth

    def whole(self) -> Node:
        """whole := sum <end>"""
        node, _ = self.sum()
        if self.peek().kind != "end":
            raise self.expected("an operator (+ - * / ^) or the end of the expression")
        return node

    def sum(self) -> tuple[Node, int]:
        """sum := product (("+"|"-") product)*"""
        node, depth = self.product()
        while op := self.take("+", "-"):
            right, right_depth = self.product()
            node, depth = Binary(op, node, right), self.deep(max(depth, right_depth) + 1)
        return node, depth

    def juxtaposed(self) -> bool:
        """Return True if the next token opens a factor written without "*": (, |, a function or e."""
        token = self.peek()
        if token.kind == "op":
            return token.value == "(" or (token.value == "|" and self.bars == 0)
        if token.kind != "name":
            return False
        if token.value == "e":
            return not self.at("op", "(", 1)
        return self.at("op", "(", 1) or (self.at("op", "'", 1) and self.at("op", "(", 2))

    def product(self) -> tuple[Node, int]:
        """product := signed (("*"|"/") signed | <juxtaposed> power)*"""
        node, depth = self.signed()
        while True:
            op = self.take("*", "/")
            if op is None and not self.juxtaposed():
                return node, depth
            right, right_depth = self.signed() if op else self.power()
            node, depth = Binary(op or "*", node, right), self.deep(max(depth, right_depth) + 1)

    def signed(self) -> tuple[Node, int]:
        """signed := ("+"|"-")* power"""
        signs: list[str] = []
        while sign := self.take("+", "-"):
            signs.append(sign)
            self.deep(len(signs))
        node, depth = self.power()
        for sign in reversed(signs):
            node, depth = Unary(sign, node), self.deep(depth + 1)
        return node, depth

    def power(self) -> tuple[Node, int]:
        """power := primary ("^" exponent)?; e^x is exp(x) and a lone e is exp(1)."""
        is_e = self.at("name", "e") and not self.at("op", "(", 1)
        if is_e:
            self.index += 1
            base, depth = Call("exp", Number("1")), 2
        else:
            base, depth = self.primary()
        if not self.take("^"):
            return base, depth
        self.powers = self.deep(self.powers + 1)
        if self.take("{"):
            exponent, exponent_depth = self.sum()
            self.close("}")
        elif self.at("op", "{"):
            raise self.expected("an exponent")
        else:
            exponent, exponent_depth = self.signed()
        self.powers -= 1
        if is_e:
            return Call("exp", exponent), self.deep(exponent_depth + 1)
        return Binary("^", base, exponent), self.deep(max(depth, exponent_depth) + 1)

    def primary(self) -> tuple[Node, int]:
        """primary := number | name | function "'"? "(" sum ")" | "(" sum ")" | "|" sum "|" """
        token = self.peek()
        if token.kind == "number":
            try:
                parse_fraction(token.value)
            except NumberError as exc:
                raise ExpressionError(str(exc), token.column) from None
            self.index += 1
            return Number(token.value), 1
        if token.kind == "name":
            return self.named(token)
        if self.take("|"):
            self.bars = self.deep(self.bars + 1)
            if self.bars > MAX_PAREN_DEPTH:
                raise ExpressionError(f"absolute values are nested deeper than {MAX_PAREN_DEPTH}", token.column)
            node, depth = self.sum()
            self.close("|")
            self.bars -= 1
            return Call("abs", node), self.deep(depth + 1)
        if token.kind == "op" and token.value == "{":
            raise ExpressionError("braces { } group only an exponent, as in e^{-x}: use ( )", token.column)
        if not self.take("("):
            raise self.expected(_PRIMARY)
        node, depth = self.sum()
        self.close(")")
        return node, depth

    def named(self, token: Token) -> tuple[Node, int]:
        """A quantity's name, or a function applied to a parenthesized argument (f(x), f'(x))."""
        primed = self.at("op", "'", 1)
        if not self.at("op", "(", 2 if primed else 1):  # (the tokenizer lets a prime stand only before "(")
            if token.value in BUILTIN_FUNCTIONS and token.value not in _BARE_NAMES:
                raise ExpressionError(f"function '{token.value}' needs an argument in parentheses", token.column)
            if token.value.startswith("__"):
                raise ExpressionError(f"name '{token.value}' is not allowed", token.column)
            self.index += 1
            return Name(token.value), 1
        func = self.functions.get(token.value) or BUILTIN_FUNCTIONS.get(token.value)
        if func is None:
            known = ", ".join(sorted(set(BUILTIN_FUNCTIONS) | set(self.functions)))
            raise ExpressionError(f"unknown function '{token.value}': expected one of {known}", token.column)
        if primed and func not in ACTIVATION_FUNCTIONS:
            raise ExpressionError(f"{token.value}' is not defined: only an activation has a derivative "
                                  f"written with a prime", token.column)
        self.index += 3 if primed else 2
        arg, depth = self.sum()
        if self.at("op", ","):
            raise ExpressionError(f"{token.value}() takes exactly one argument", self.peek().column)
        self.close(")")
        return Call(func + "'" if primed else func, arg), self.deep(depth + 1)

    def close(self, bracket: str) -> None:
        """Consume the closing `bracket` or refuse."""
        if not self.take(bracket):
            raise self.expected(f"{bracket!r}" if bracket != ")" else "')' or an operator")


def parse(text: str, functions: Mapping[str, str] | None = None) -> Node:
    """Parse an arithmetic expression into a tree, refusing anything not allowed.

    `functions` maps extra function names to an activation in ACTIVATION_FUNCTIONS
    (`{"f": "sigmoid"}` reads `f(x)` as sigmoid(x) and `f'(x)` as its derivative).
    """
    if not isinstance(text, str):
        raise ExpressionError("an expression must be text")
    return _parsed(text, tuple(sorted((functions or {}).items())))


@lru_cache(maxsize=1024)  # a claim's expressions are parsed on loading, on checking their names and when judged
def _parsed(text: str, functions: tuple[tuple[str, str], ...]) -> Node:
    """`parse`, once per text and function table (a tree of frozen records can be shared)."""
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"expression is longer than {MAX_LENGTH} characters")
    if not text.strip():
        raise ExpressionError("empty expression", 0)
    table = dict(functions)
    for name, func in table.items():
        if func not in ACTIVATION_FUNCTIONS:
            raise ExpressionError(f"function name '{name}' must stand for one of {', '.join(ACTIVATION_FUNCTIONS)}")
    try:
        return _Parser(text, tokens(text), table).whole()
    except (RecursionError, MemoryError):
        raise ExpressionError("expression is too complex") from None


SYMPY_FUNCTIONS = {"exp": sympy.exp, "log": sympy.log, "tanh": sympy.tanh, "abs": sympy.Abs}


def _display_number(text: str) -> sympy.Expr:
    """Return a number literal as a SymPy Integer or a Float with the digits written."""
    if text.isdigit():
        return sympy.Integer(text)
    mantissa = re.split("[eE]", text)[0].replace(".", "").lstrip("0")
    return sympy.Float(text, max(len(mantissa), 1))


def _negate(expr: sympy.Expr) -> sympy.Expr:
    """Return -expr without evaluating anything but the sign of a plain number."""
    if isinstance(expr, (sympy.Integer, sympy.Float)):
        return -expr
    return sympy.Mul(sympy.S.NegativeOne, expr, evaluate=False)


def to_sympy(node: Node, symbols: Mapping[str, sympy.Symbol] | None = None) -> sympy.Expr:
    """Return an unevaluated SymPy expression of `node`, for display and LaTeX."""
    if isinstance(node, Number):
        return _display_number(node.text)
    if isinstance(node, Name):
        return symbols[node.id] if symbols and node.id in symbols else sympy.Symbol(node.id)
    if isinstance(node, Unary):
        operand = to_sympy(node.operand, symbols)
        return _negate(operand) if node.op == "-" else operand
    if isinstance(node, Call):
        arg = to_sympy(node.arg, symbols)
        if node.func in SYMPY_FUNCTIONS:
            return SYMPY_FUNCTIONS[node.func](arg, evaluate=False)
        return sympy.Function(node.func)(arg)  # an activation stays an unevaluated name
    left, right = to_sympy(node.left, symbols), to_sympy(node.right, symbols)
    if node.op in ("+", "-"):
        return sympy.Add(left, right if node.op == "+" else _negate(right), evaluate=False)
    if node.op == "^":
        return sympy.Pow(left, right, evaluate=False)
    if node.op == "/":
        right = sympy.Pow(right, -1, evaluate=False)
        if left == 1:
            return right
    return sympy.Mul(left, right, evaluate=False)
