"""A small, whitelisted arithmetic language for the sums tutorials write.

`parse("(2 * .6) + (9 * .3)")` builds an immutable tree with our own
recursive-descent parser (no eval, no ast, no SymPy string parsing), keeping
every number literal as written; `to_text` and `to_sympy` show it again
(`handcalc.expr.arithmetic.evaluate` computes it exactly).  Every refusal is an
`ExpressionError`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator, Mapping, Union

import sympy

from handcalc.numbers import NumberError, parse_fraction

__all__ = [
    "ExpressionError", "Number", "Name", "Unary", "Binary", "Call", "Node",
    "parse", "to_sympy", "to_text", "names", "numbers", "SYMPY_FUNCTIONS",
    "MAX_LENGTH", "MAX_PAREN_DEPTH", "MAX_DEPTH",
]

MAX_LENGTH = 500  # characters of expression text
MAX_PAREN_DEPTH = 30  # nesting of parentheses
MAX_DEPTH = 50  # depth of the tree


class ExpressionError(ValueError):
    """An expression text is not allowed, or its value cannot be computed."""

    def __init__(self, message: str, column: int | None = None) -> None:
        super().__init__(message)
        self.column = column


@dataclass(frozen=True)
class Number:
    """A number literal, kept exactly as written (".6", "1.000", "1e-3")."""
    text: str


@dataclass(frozen=True)
class Name:
    """A quantity named in the worked example, such as out_h1 or w5."""
    id: str


@dataclass(frozen=True)
class Unary:
    """A sign in front of an operand: op is "-" or "+"."""
    op: str
    operand: Node


@dataclass(frozen=True)
class Binary:
    """An operation on two operands: op is "+", "-", "*", "/" or "^"."""
    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Call:
    """A function of one argument: func is "sigmoid", "exp", "log" or "tanh"."""
    func: str
    arg: Node


Node = Union[Number, Name, Unary, Binary, Call]

_NORMALIZE = str.maketrans({"\u2212": "-", "\u2013": "-", "\u00d7": "*", "\u00b7": "*",
                            "\u22c5": "*", "\u00f7": "/"})
_TOKEN = re.compile(r"(?P<space>\s+)"
                    r"|(?P<number>(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)"
                    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*|\u03c3)"
                    r"|(?P<op>\*\*|[-+*/^(),])")
_FUNCTIONS = {"S": "sigmoid", "\u03c3": "sigmoid", "sigmoid": "sigmoid", "exp": "exp",
              "log": "log", "ln": "log", "tanh": "tanh"}
_RESERVED = frozenset(_FUNCTIONS) - {"S"}  # "S" alone may name a quantity
_SIGMOID = sympy.Function("sigmoid")
SYMPY_FUNCTIONS = {"exp": sympy.exp, "log": sympy.log, "tanh": sympy.tanh}  # sigmoid stays an unevaluated name
_Token = tuple[str, str, int]  # kind ("number", "name", "op"), text, column


def _tokens(text: str) -> list[_Token]:
    """Split normalized text into tokens, refusing stray characters and bad parentheses."""
    tokens: list[_Token] = []
    opened: list[int] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise ExpressionError(f"unexpected character {text[position]!r}", position)
        value = "^" if match.group() == "**" else match.group()
        if value == "(":
            opened.append(position)
            if len(opened) > MAX_PAREN_DEPTH:
                raise ExpressionError(
                    f"parentheses are nested deeper than {MAX_PAREN_DEPTH}", position)
        elif value == ")" and not opened:
            raise ExpressionError("unmatched ')'", position)
        elif value == ")":
            opened.pop()
        if match.lastgroup != "space":
            tokens.append((match.lastgroup or "", value, position))
        position = match.end()
    if opened:
        raise ExpressionError("unclosed '('", opened[-1])
    return tokens


class _Parser:
    """Recursive descent over the tokens; each rule returns (node, depth of its tree)."""

    def __init__(self, text: str, tokens: list[_Token]) -> None:
        self.text, self.tokens, self.index, self.powers = text, tokens, 0, 0

    def peek(self, offset: int = 0) -> _Token:
        """Return the token `offset` places ahead, or ("end", "", len(text))."""
        index = self.index + offset
        return self.tokens[index] if index < len(self.tokens) else ("end", "", len(self.text))

    def take(self, *ops: str) -> str | None:
        """Consume and return the next token if it is an operator in `ops`."""
        kind, value, _ = self.peek()
        if kind == "op" and value in ops:
            self.index += 1
            return value
        return None

    def fail(self, message: str | None = None) -> ExpressionError:
        """Return an error at the next token (by default: that token is unexpected)."""
        kind, value, column = self.peek()
        if message is None:
            message = "unexpected end of expression" if kind == "end" else f"unexpected {value!r}"
        return ExpressionError(message, column)

    def deep(self, depth: int) -> int:
        """Refuse a tree deeper than MAX_DEPTH; return `depth`."""
        if depth > MAX_DEPTH:
            raise self.fail(f"expression is nested deeper than {MAX_DEPTH} levels")
        return depth

    def whole(self) -> Node:
        """whole := sum <end>"""
        node, _ = self.chain(("+", "-"))
        if self.peek()[0] != "end":
            raise self.fail()
        return node

    def chain(self, ops: tuple[str, str]) -> tuple[Node, int]:
        """sum := product (("+"|"-") product)*; product := signed (("*"|"/") signed)*"""
        def operand() -> tuple[Node, int]:
            return self.chain(("*", "/")) if ops == ("+", "-") else self.signed()
        node, depth = operand()
        while op := self.take(*ops):
            right, right_depth = operand()
            node, depth = Binary(op, node, right), self.deep(max(depth, right_depth) + 1)
        return node, depth

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
        """power := primary ("^" signed)?; e^x is exp(x) and a lone e is exp(1)."""
        is_e = self.peek()[:2] == ("name", "e") and self.peek(1)[:2] != ("op", "(")
        if is_e:
            self.index += 1
            base, depth = Call("exp", Number("1")), 2
        else:
            base, depth = self.primary()
        if not self.take("^"):
            return base, depth
        self.powers = self.deep(self.powers + 1)
        exponent, exponent_depth = self.signed()
        self.powers -= 1
        if is_e:
            return Call("exp", exponent), self.deep(exponent_depth + 1)
        return Binary("^", base, exponent), self.deep(max(depth, exponent_depth) + 1)

    def primary(self) -> tuple[Node, int]:
        """primary := number | name | function "(" sum ")" | "(" sum ")" """
        kind, value, column = self.peek()
        if kind == "number":
            try:
                parse_fraction(value)
            except NumberError as exc:
                raise ExpressionError(str(exc), column) from None
            self.index += 1
            return Number(value), 1
        if kind == "name" and self.peek(1)[:2] == ("op", "("):
            if value not in _FUNCTIONS:
                raise ExpressionError(f"unknown function '{value}'", column)
            self.index += 2
            arg, depth = self.chain(("+", "-"))
            if self.peek()[:2] == ("op", ","):
                raise self.fail(f"{value}() takes exactly one argument")
            self.close()
            return Call(_FUNCTIONS[value], arg), self.deep(depth + 1)
        if kind == "name":
            if value in _RESERVED:
                message = f"function '{value}' needs an argument in parentheses"
                raise ExpressionError(message, column)
            if value.startswith("__"):
                raise ExpressionError(f"name '{value}' is not allowed", column)
            self.index += 1
            return Name(value), 1
        if not self.take("("):
            raise self.fail()
        node, depth = self.chain(("+", "-"))
        self.close()
        return node, depth

    def close(self) -> None:
        """Consume ")" or refuse."""
        if not self.take(")"):
            raise self.fail()


def parse(text: str) -> Node:
    """Parse an arithmetic expression into a tree, refusing anything not allowed."""
    if not isinstance(text, str):
        raise ExpressionError("an expression must be text")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"expression is longer than {MAX_LENGTH} characters")
    normalized = text.translate(_NORMALIZE)
    if not normalized.strip():
        raise ExpressionError("empty expression", 0)
    try:
        return _Parser(normalized, _tokens(normalized)).whole()
    except (RecursionError, MemoryError):
        raise ExpressionError("expression is too complex") from None


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
        if node.func == "sigmoid":
            return _SIGMOID(arg)
        return SYMPY_FUNCTIONS[node.func](arg, evaluate=False)
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


_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "^": 4}


def _precedence(node: Node) -> int:
    """Return how tightly a node binds: 1 sum, 2 product, 3 sign, 4 power, 5 atom."""
    if isinstance(node, Binary):
        return _PRECEDENCE[node.op]
    return 3 if isinstance(node, Unary) else 5


def to_text(node: Node) -> str:
    """Return canonical text for `node` with only the parentheses needed."""
    def wrap(child: Node, needed: bool) -> str:
        return f"({to_text(child)})" if needed else to_text(child)

    if isinstance(node, Number):
        return node.text
    if isinstance(node, Name):
        return node.id
    if isinstance(node, Unary):
        return node.op + wrap(node.operand, _precedence(node.operand) < 3)
    if isinstance(node, Call):
        return f"{node.func}({to_text(node.arg)})"
    level = _PRECEDENCE[node.op]
    if node.op == "^":
        return wrap(node.left, _precedence(node.left) < 5) + "^" + wrap(
            node.right, _precedence(node.right) < 3)
    separator = f" {node.op} " if level == 1 else node.op
    return wrap(node.left, _precedence(node.left) < level) + separator + wrap(
        node.right, _precedence(node.right) <= level)


def _walk(node: Node) -> Iterator[Node]:
    """Yield every node, parents first, children left to right."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, Unary):
            stack.append(current.operand)
        elif isinstance(current, Call):
            stack.append(current.arg)
        elif isinstance(current, Binary):
            stack.extend((current.right, current.left))


def names(node: Node) -> frozenset[str]:
    """Return the ids of the quantities `node` uses."""
    return frozenset(item.id for item in _walk(node) if isinstance(item, Name))


def numbers(node: Node) -> tuple[Number, ...]:
    """Return the number literals of `node` in left-to-right order."""
    return tuple(item for item in _walk(node) if isinstance(item, Number))
