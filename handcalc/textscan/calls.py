"""Scan, step 2a within notation: the calls a text makes that the expression language has no word for.

Texts compute with functions of several arguments and with library spellings:
`max(0, -0.3)`, `np.maximum(0, z)`, `math.sqrt(0.25)`, `np.log10(100)`,
`np.dot([0.1, 0.2], [0.3, 0.4])`.  `rewrite_calls` writes each as the
arithmetic it stands for, exactly:

- a library's prefix (`np.`, `numpy.`, `math.`, `torch.`, `tf.`, `F.`) is dropped;
- `max(0, a)` is `relu(a)`; any other maximum or minimum of two is
  `(a + b ± |a - b|)/2`; `maximum` and `minimum` are the same;
- `sqrt(a)` is `a^(1/2)`, `log10(a)` and `log2(a)` are `log(a)/log(10)` and
  `log(a)/log(2)` (`log` and `ln` are natural);
- `dot([a1, a2, ...], [b1, b2, ...])` is `a1*b1 + a2*b2 + ...`.

An argument is written out more than once in a maximum, so nested maxima double
in length: a text that would outgrow MAX_REWRITTEN characters is not read
(None).  Nothing here evaluates anything.
"""

from __future__ import annotations

import re
from typing import Callable

__all__ = ["rewrite_calls", "split_arguments", "MAX_REWRITTEN"]

MAX_REWRITTEN = 1_000  # characters a member may grow to as its calls are written out
_MODULE = re.compile(r"\b(?:np|numpy|math|torch|tf\.math|tf\.nn|tf|F)\.(?=[A-Za-z])")
_CALL = re.compile(r"\b(max|min|maximum|minimum|sqrt|log10|log2|dot)\s*\(")
_LIST = re.compile(r"\s*\[([^\[\]]*)\]\s*")


def split_arguments(inside: str) -> list[str]:
    """The comma-separated parts of a call's or a list's inside (commas in nested brackets belong to them)."""
    parts, depth, begin = [], 0, 0
    for index, char in enumerate(inside):
        depth += char in "(["
        depth -= char in ")]"
        if char == "," and depth == 0:
            parts.append(inside[begin:index])
            begin = index + 1
    return parts + [inside[begin:]]


def _arguments(text: str, start: int) -> tuple[list[str], int] | None:
    """The comma-separated arguments of the call whose "(" is at `start`, and the index after its ")"."""
    depth = 0
    for index in range(start, len(text)):
        depth += text[index] in "(["
        depth -= text[index] in ")]"
        if depth == 0:
            return split_arguments(text[start + 1:index]), index + 1
    return None


def _extreme(name: str, args: list[str]) -> str | None:
    if len(args) != 2:
        return None
    a, b = args
    if name in ("max", "maximum") and "0" in (a, b):
        return f"relu({b if a == '0' else a})"
    sign = "+" if name in ("max", "maximum") else "-"
    return f"(({a}) + ({b}) {sign} abs(({a}) - ({b})))/2"


def _dot(args: list[str]) -> str | None:
    lists = [_LIST.fullmatch(arg) for arg in args]
    if len(args) != 2 or not all(lists):
        return None
    left, right = ([e.strip() for e in m.group(1).split(",")] for m in lists)  # type: ignore[union-attr]
    if len(left) != len(right) or not all(left + right):
        return None
    return "(" + " + ".join(f"({a})*({b})" for a, b in zip(left, right)) + ")"


_WRITTEN: dict[str, Callable[[list[str]], str | None]] = {
    "max": lambda args: _extreme("max", args), "maximum": lambda args: _extreme("max", args),
    "min": lambda args: _extreme("min", args), "minimum": lambda args: _extreme("min", args),
    "sqrt": lambda args: f"(({args[0]})^(1/2))" if len(args) == 1 else None,
    "log10": lambda args: f"(log({args[0]})/log(10))" if len(args) == 1 else None,
    "log2": lambda args: f"(log({args[0]})/log(2))" if len(args) == 1 else None,
    "dot": _dot,
}


def rewrite_calls(text: str) -> str | None:
    """Return `text` with its calls written as arithmetic (a call it cannot write is left as written);
    None once it would pass MAX_REWRITTEN characters."""
    text = _MODULE.sub("", text)
    match = _CALL.search(text)
    if match is None:
        return text
    found = _arguments(text, match.end() - 1)
    if found is None:
        return text
    args = []
    for arg in found[0]:
        inner = rewrite_calls(arg.strip())
        if inner is None or sum(map(len, args)) + len(inner) > MAX_REWRITTEN:
            return None
        args.append(inner)
    rewritten = _WRITTEN[match.group(1)](args) if all(args) else None
    rest = rewrite_calls(text[found[1]:])
    if rest is None:
        return None
    head = text[:match.end()] + ", ".join(args) + ")" if rewritten is None else text[:match.start()] + rewritten
    return head + rest if len(head) + len(rest) <= 4 * MAX_REWRITTEN else None
