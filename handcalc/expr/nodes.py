"""The expression tree: frozen nodes, the error every refusal raises, and walks over a tree.

`handcalc.expr.expression.parse` builds these nodes from text; `to_text`
writes a tree back as canonical text with only the parentheses needed.
"""

from __future__ import annotations

from typing import Iterator, Union

from ..records import record

__all__ = ["ExpressionError", "BeyondLimit", "Number", "Name", "Unary", "Binary", "Call", "Node",
           "to_text", "walk", "names", "numbers"]


class ExpressionError(ValueError):
    """An expression text is not allowed, or its value cannot be computed."""

    def __init__(self, message: str, column: int | None = None) -> None:
        super().__init__(message)
        self.column = column


class BeyondLimit(ExpressionError):
    """The value may well exist, but handcalc does not compute it: it meets one of the limits (MAX_POWER,
    MAX_EXACT_BITS, MAX_FUNCTION_ARGUMENT) or lies outside the real arithmetic handcalc does (a non-integer
    power of a negative number).  A claim about it is `unchecked`, never `wrong`: nothing shows it false."""


@record
class Number:
    """A number literal, kept exactly as written (".6", "1.000", "1e-3")."""
    text: str


@record
class Name:
    """A quantity named in the worked example, such as out_h1 or w5."""
    id: str


@record
class Unary:
    """A sign in front of an operand: op is "-" or "+"."""
    op: str
    operand: Node


@record
class Binary:
    """An operation on two operands: op is "+", "-", "*", "/" or "^"."""
    op: str
    left: Node
    right: Node


@record
class Call:
    """A function of one argument: exp, log, abs, an activation (sigmoid, tanh, relu,
    identity) or an activation's derivative (sigmoid', tanh', relu', identity')."""
    func: str
    arg: Node


Node = Union[Number, Name, Unary, Binary, Call]

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
        return f"|{to_text(node.arg)}|" if node.func == "abs" else f"{node.func}({to_text(node.arg)})"
    level = _PRECEDENCE[node.op]
    if node.op == "^":
        return wrap(node.left, _precedence(node.left) < 5) + "^" + wrap(
            node.right, _precedence(node.right) < 3)
    separator = f" {node.op} " if level == 1 else node.op
    return wrap(node.left, _precedence(node.left) < level) + separator + wrap(
        node.right, _precedence(node.right) <= level)


def walk(node: Node) -> Iterator[Node]:
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
    return frozenset(item.id for item in walk(node) if isinstance(item, Name))


def numbers(node: Node) -> tuple[Number, ...]:
    """Return the number literals of `node` in left-to-right order."""
    return tuple(item for item in walk(node) if isinstance(item, Number))
