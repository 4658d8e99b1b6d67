"""Expression text -> tokens, the first step of `handcalc.expr.expression.parse`.

The tokens are what printed arithmetic uses: numbers as written, names, the
operators `+ - * / ^ **` in their typeset forms too (`−`, `–`, `×`, `·`, `⋅`,
`÷`), parentheses, braces (for an exponent, `e^{-x}`), absolute-value bars, a
prime (`f'(x)`) and superscripts: `e⁻⁰·⁴` is read as `e^-0.4` (a `·` between
superscript digits is their decimal point).  Each token keeps its column and
the text as written, so an error can point at what the user typed.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from .nodes import ExpressionError

__all__ = ["Token", "tokens", "MAX_PAREN_DEPTH"]

MAX_PAREN_DEPTH = 30  # nesting of parentheses and braces

_OPERATORS = {"**": "^", "\u2212": "-", "\u2013": "-", "\u00d7": "*", "\u00b7": "*", "\u22c5": "*",
              "\u2217": "*", "\u00f7": "/", "\u2032": "'"}
_SUPERSCRIPTS = "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079"  # ⁰¹²³⁴⁵⁶⁷⁸⁹
_SUPER_TEXT = str.maketrans({**{ch: str(i) for i, ch in enumerate(_SUPERSCRIPTS)},
                             "\u207b": "-", "\u207a": "+", "\u00b7": ".", ".": "."})
_TOKEN = re.compile(r"(?P<space>\s+)"
                    r"|(?P<number>(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)"
                    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*|\u03c3)"
                    rf"|(?P<super>[\u207b\u207a]?[{_SUPERSCRIPTS}]+(?:[.\u00b7][{_SUPERSCRIPTS}]+)?)"
                    r"|(?P<op>\*\*|[-+*/^(){}|,\u2212\u2013\u00d7\u00b7\u22c5\u2217\u00f7]"
                    r"|(?<=[A-Za-z0-9_\u03c3])['\u2032](?=\s*\())")  # a prime only between a name and "("
_CLOSING = {"(": ")", "{": "}"}


class Token(NamedTuple):
    """One token: kind ("number", "name", "op" or "end"), its value, column, and the text as written."""

    kind: str
    value: str
    column: int
    written: str


def _superscript(written: str, column: int) -> list[Token]:
    """A superscript run as the tokens of ^(its exponent): "⁻⁰·⁴" -> ^ - 0.4."""
    plain = written.translate(_SUPER_TEXT)
    out = [Token("op", "^", column, written)]
    if plain[0] in "+-":
        out.append(Token("op", plain[0], column, written))
        plain = plain[1:]
    out.append(Token("number", plain, column, written))
    return out


def _bracket(value: str, position: int, opened: list[tuple[str, int]]) -> None:
    """Track ( and { against ) and }, refusing a mismatch or nesting beyond MAX_PAREN_DEPTH."""
    if value in _CLOSING:
        opened.append((value, position))
        if len(opened) > MAX_PAREN_DEPTH:
            raise ExpressionError(f"parentheses are nested deeper than {MAX_PAREN_DEPTH}", position)
    elif value in (")", "}"):
        if not opened:
            raise ExpressionError(f"unmatched {value!r}", position)
        opening, where = opened.pop()
        if _CLOSING[opening] != value:
            raise ExpressionError(f"expected {_CLOSING[opening]!r} to close the {opening!r} at column "
                                  f"{where + 1}, found {value!r}", position)


def tokens(text: str) -> list[Token]:
    """Split text into tokens, refusing stray characters and unbalanced brackets."""
    found: list[Token] = []
    opened: list[tuple[str, int]] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            hint = (": a prime belongs only between a function's name and '(', as in f'(x)"
                    if text[position] in "'\u2032" else "")
            raise ExpressionError(f"unexpected character {text[position]!r}{hint}", position)
        written, kind = match.group(), match.lastgroup or ""
        if kind == "super":
            found.extend(_superscript(written, position))
        elif kind != "space":
            value = _OPERATORS.get(written, written) if kind == "op" else written
            _bracket(value, position, opened)
            found.append(Token(kind, value, position, written))
        position = match.end()
    if opened:
        opening, where = opened[-1]
        raise ExpressionError(f"unclosed {opening!r}", where)
    return found
