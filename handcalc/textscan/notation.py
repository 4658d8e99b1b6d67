"""Scan, step 2a: a piece of tutorial text -> expression text the whitelisted parser reads.

Tutorials write arithmetic the way people do: `x1w1 + x2w2`, `Out y1 (1-Out y1)`,
`2 × 0.6`, `e⁻⁰ᐧ³`, `0.5 \\cdot 2`.  `normalize` rewrites such a piece into the
expression language of worked-example files (`x1*w1 + x2*w2`, `out_y1*(1-out_y1)`)
or refuses it (returns None) when it reads like prose: two words side by side
are never multiplied, so `the sum h1` is not an expression but `h1` is.
Nothing here evaluates anything; `handcalc.expr.expression.parse` still decides.
"""

from __future__ import annotations

import re
from typing import Iterable

__all__ = ["normalize", "split_known", "FUNCTIONS", "TOKEN"]

FUNCTIONS = frozenset({"S", "σ", "sigmoid", "exp", "log", "ln", "tanh", "relu", "ReLU", "abs"})
_UNICODE = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2014": "-", "\u00d7": "*", "\u00b7": "*",
                          "\u22c5": "*", "\u2219": "*", "\u2217": "*", "\u00f7": "/", "\u2009": " ",
                          "\u00a0": " ", "\u202f": " ", "\u2044": "/", "\u03b7": "eta", "\u03b1": "alpha"})
_SUPERSCRIPTS = {"⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8",
                 "⁹": "9", "⁻": "-", "⁺": "+", "⁽": "(", "⁾": ")", "ˣ": "x", "ⁿ": "n", "ᶻ": "z", "ᐧ": "."}
_SUPER_RUN = re.compile("[" + "".join(_SUPERSCRIPTS) + "]+")
_LATEX = ((re.compile(r"\\(?:cdot|times)\b"), "*"), (re.compile(r"\\div\b"), "/"),
          (re.compile(r"\\sigma\b"), "σ"), (re.compile(r"\\left|\\right"), ""),
          (re.compile(r"\\exp\b"), "exp"), (re.compile(r"\\(?:ln|log)\b"), "log"))
_OUT = re.compile(r"\b[Oo]ut\s+([A-Za-z][A-Za-z0-9_]*)")  # "Out h1" is the tutorial's name out_h1
_NEW = re.compile(r"\(new\)\s*([A-Za-z][A-Za-z0-9_]*)|\bnew\s+([A-Za-z][A-Za-z0-9_]*)")
TOKEN = re.compile(r"(?P<space>\s+)|(?P<number>(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)"
                   r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*|σ)|(?P<op>\*\*|[-+*/^()|])")
MAX_SPLIT = 8  # most known names one glued identifier (x1w1) is split into


def _superscripts(text: str) -> str:
    """e⁻ˣ -> e^(-x), x² -> x^(2)."""
    return _SUPER_RUN.sub(lambda m: "^(" + "".join(_SUPERSCRIPTS[c] for c in m.group()) + ")", text)


def split_known(name: str, known: Iterable[str]) -> list[str] | None:
    """Split a glued identifier into known names: x1w1 -> [x1, w1]; None when it does not split."""
    names = set(known)
    best: dict[int, list[str]] = {0: []}
    for start in range(len(name)):
        if start not in best or len(best[start]) >= MAX_SPLIT:
            continue
        for end in range(start + 1, len(name) + 1):
            if name[start:end] in names and end not in best:
                best[end] = best[start] + [name[start:end]]
    found = best.get(len(name))
    return found if found and len(found) > 1 else None


def _rewrite(text: str) -> str:
    text = text.translate(_UNICODE)
    for pattern, replacement in _LATEX:
        text = pattern.sub(replacement, text)
    text = _superscripts(text)
    text = _NEW.sub(lambda m: "new_" + (m.group(1) or m.group(2)), text)
    return _OUT.sub(lambda m: "out_" + m.group(1), text)


def normalize(text: str, known: Iterable[str] = ()) -> str | None:
    """Return `text` as explicit expression text, or None when it is not arithmetic."""
    text = _rewrite(text)
    tokens: list[tuple[str, str, bool]] = []  # kind, text, preceded by space
    position, spaced = 0, False
    while position < len(text):
        match = TOKEN.match(text, position)
        if match is None:
            return None
        position = match.end()
        if match.lastgroup == "space":
            spaced = True
            continue
        kind, value = match.lastgroup or "", match.group()
        if kind == "name" and value not in FUNCTIONS and value != "e":
            parts = split_known(value, known) if value not in set(known) else None
            if parts:
                for index, part in enumerate(parts):
                    tokens.append(("name", part, spaced if index == 0 else False))
                    if index < len(parts) - 1:
                        tokens.append(("op", "*", False))
                spaced = False
                continue
        tokens.append((kind, value, spaced))
        spaced = False
    return _join(tokens)


def _join(tokens: list[tuple[str, str, bool]]) -> str | None:
    """Insert the multiplications a text leaves implicit; refuse words side by side."""
    out: list[str] = []
    previous: tuple[str, str, bool] | None = None
    for token in tokens:
        kind, value, spaced = token
        if value == "|":  # |x|: the parser decides whether a bar opens or closes
            if previous is not None and previous[0] == "name" and spaced:
                return None  # `is |2 - 3|`: a word before a bar is prose
            out.append(value)
            previous = None
            continue
        if previous is not None:
            p_kind, p_value, _ = previous
            ends_operand = p_kind in ("number", "name") or p_value == ")"
            starts_operand = kind in ("number", "name") or value == "("
            if ends_operand and starts_operand:
                if p_kind == "name" and value == "(" and p_value in FUNCTIONS:
                    pass  # a function call: S(7.5)
                elif p_kind == "name" and p_value == "e" and value == "(":
                    out.append("*")
                elif value == "(" or p_value == ")":
                    out.append("*")  # 2(x), (a)(b), out_y1 (1 - out_y1)
                elif p_kind == "number" and kind == "name" and not spaced:
                    out.append("*")  # 2x
                else:
                    return None  # two words or two numbers side by side: prose, not arithmetic
        out.append(value)
        previous = token
    return " ".join(out) if out else None
