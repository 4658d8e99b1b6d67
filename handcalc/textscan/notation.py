"""Scan, step 2a: a piece of tutorial text -> expression text the whitelisted parser reads.

Tutorials write arithmetic the way people do: `x1w1 + x2w2`, `Out y1 (1-Out y1)`,
`2 × 0.6`, `e⁻⁰ᐧ³`, `0.5 \\cdot 2`, `½ (t − ŷ)²`, `δ · h₁`, `η ∂E/∂w₅`.  `normalize`
rewrites such a piece into the expression language of worked-example files
(`x1*w1 + x2*w2`, `out_y1*(1-out_y1)`, `(1/2)*(t - y_hat)^(2)`, `delta*h1`,
`eta*dE_dw5`) or refuses it (returns None) when it reads like prose: two words
side by side are multiplied only when the text has given both a value
(`η ∂E/∂w₅`), so `the sum h1` is not an expression but `h1` is.

Names are spelled in ASCII: a Greek letter by its name (`δ` is `delta`; `δh1` and
`Δw` are `delta_h1` and `Delta_w`, an error term and a change, not products), a
subscript as the plain character (`x₁` is `x1`), an accent by its name (`ŷ` is
`y_hat`), and a derivative `∂E/∂w₅` or `dE/dw5` as the name handcalc gives it
(`dE_dw5`).  A vulgar fraction is a number (`½` is `(1/2)`, `1½` is `(1+1/2)`).
Nothing here evaluates anything; `handcalc.expr.expression.parse` still decides.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Iterable

from .calls import rewrite_calls
from .latex import from_tex

__all__ = ["normalize", "split_known", "FUNCTIONS", "TOKEN", "SUPERSCRIPTS"]

FUNCTIONS = frozenset({"S", "σ", "sigmoid", "exp", "log", "ln", "tanh", "relu", "ReLU", "abs"})
_UNICODE = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2014": "-", "\u00d7": "*", "\u00b7": "*",
                          "\u22c5": "*", "\u2219": "*", "\u2217": "*", "\u00f7": "/", "\u2009": " ",
                          "\u00a0": " ", "\u202f": " ", "\u2044": "/"})
SUPERSCRIPTS = {"⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8",
                 "⁹": "9", "⁻": "-", "⁺": "+", "⁽": "(", "⁾": ")", "ˣ": "x", "ⁿ": "n", "ᶻ": "z", "ᐧ": "."}
_SUPER_RUN = re.compile("[" + "".join(SUPERSCRIPTS) + "]+")
_SUBSCRIPTS = str.maketrans(dict(zip("₀₁₂₃₄₅₆₇₈₉ₐₑₒₓₕₖₗₘₙₚₛₜᵢⱼᵣᵤᵥ", "0123456789aeoxhklmnpstijruv")))
# the Greek letters a tutorial names quantities with (σ is the sigmoid; π and Σ are not names)
_GREEK = dict(zip("αβγδεζηθικλμνξρτυφχψωΓΔΘΛΞΦΨΩ",
                  "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi rho tau upsilon phi chi "
                  "psi omega Gamma Delta Theta Lambda Xi Phi Psi Omega".split()))
_GREEK_LETTER = re.compile("([" + "".join(_GREEK) + "])")
_PREFIX = re.compile("([δΔ])(?=[A-Za-z])")  # δh1, Δw5: the error term or change of h1, w5, not a product
_ACCENTS = {"\u0302": "hat", "\u0304": "bar", "\u0303": "tilde", "\u0307": "dot"}  # ŷ ȳ ỹ ẏ, as combining marks
_ACCENTED = re.compile("([A-Za-z])([" + "".join(_ACCENTS) + "])")
_FRACTIONS = {"½": "1/2", "⅓": "1/3", "⅔": "2/3", "¼": "1/4", "¾": "3/4", "⅕": "1/5", "⅖": "2/5", "⅗": "3/5",
              "⅘": "4/5", "⅙": "1/6", "⅚": "5/6", "⅛": "1/8", "⅜": "3/8", "⅝": "5/8", "⅞": "7/8"}
_FRACTION = re.compile(r"([0-9]+)?([" + "".join(_FRACTIONS) + "])")
_DERIVATIVE = re.compile(r"(?:∂\s*([A-Za-z][A-Za-z0-9_]*)\s*/\s*∂|\bd([A-Za-z][A-Za-z0-9_]*)\s*/\s*d(?=[A-Za-z]))"
                         r"\s*([A-Za-z][A-Za-z0-9_]*)")
_LATEX = ((re.compile(r"\\(?:cdot|times)\b"), "*"), (re.compile(r"\\div\b"), "/"),
          (re.compile(r"\\sigma\b"), "σ"), (re.compile(r"\\left|\\right"), ""),
          (re.compile(r"\\exp\b"), "exp"), (re.compile(r"\\(?:ln|log)\b"), "log"))
_OUT = re.compile(r"\b[Oo]ut\s+([A-Za-z][A-Za-z0-9_]*)")  # "Out h1" is the tutorial's name out_h1
_NEW = re.compile(r"\(new\)\s*([A-Za-z][A-Za-z0-9_]*)|\bnew\s+([A-Za-z][A-Za-z0-9_]*)")
TOKEN = re.compile(r"(?P<space>\s+)|(?P<number>(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)"
                   r"|(?P<name>(?:[A-Za-z_][A-Za-z0-9_]*|σ)'?)|(?P<op>\*\*|[-+*/^()|])")
_TIMES = re.compile(r"(?<=[0-9.)])\s+x\s+(?=[(.0-9]|-[.0-9])")  # 0.5 x 0.2: a times sign between numbers
MAX_SPLIT = 8  # most known names one glued identifier (x1w1) is split into


def _superscripts(text: str) -> str:
    """e⁻ˣ -> e^(-x), x² -> x^(2)."""
    return _SUPER_RUN.sub(lambda m: "^(" + "".join(SUPERSCRIPTS[c] for c in m.group()) + ")", text)


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


def _names(text: str) -> str:
    """Greek letters, subscripts, accents, vulgar fractions and derivatives as the ASCII the parser reads."""
    text = unicodedata.normalize("NFD", text).translate(_SUBSCRIPTS)  # NFD: ŷ is y and a combining circumflex
    text = _ACCENTED.sub(lambda m: m.group(1) + "_" + _ACCENTS[m.group(2)], text)
    text = _GREEK_LETTER.sub(lambda m: _GREEK[m.group(1)], _PREFIX.sub(r"\1_", text))
    text = _FRACTION.sub(lambda m: f"({m.group(1)}+{_FRACTIONS[m.group(2)]})" if m.group(1)
                         else f"({_FRACTIONS[m.group(2)]})", text)
    return _DERIVATIVE.sub(lambda m: f"d{m.group(1) or m.group(2)}_d{m.group(3)}", text)


def _rewrite(text: str) -> str | None:
    text = rewrite_calls(_TIMES.sub(" * ", _names(from_tex(text).translate(_UNICODE))))
    if text is None:
        return None
    for pattern, replacement in _LATEX:
        text = pattern.sub(replacement, text)
    text = _superscripts(text)
    text = _NEW.sub(lambda m: "new_" + (m.group(1) or m.group(2)), text)
    return _OUT.sub(lambda m: "out_" + m.group(1), text)


def normalize(text: str, known: Iterable[str] = ()) -> str | None:
    """Return `text` as explicit expression text, or None when it is not arithmetic."""
    text = _rewrite(text)
    if text is None:
        return None
    known = known if isinstance(known, (set, frozenset)) else set(known)
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
        if kind == "name" and value.rstrip("'") not in FUNCTIONS and value != "e":
            parts = split_known(value, known) if value not in known else None
            if parts:
                for index, part in enumerate(parts):
                    tokens.append(("name", part, spaced if index == 0 else False))
                    if index < len(parts) - 1:
                        tokens.append(("op", "*", False))
                spaced = False
                continue
        tokens.append((kind, value, spaced))
        spaced = False
    return _join(tokens, known)


def _join(tokens: list[tuple[str, str, bool]], known: set[str] | frozenset[str] = frozenset()) -> str | None:
    """Insert the multiplications a text leaves implicit; refuse words side by side, unless the text has
    given both a value (`eta dE_dw5`)."""
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
                if p_kind == "name" and value == "(" and p_value.rstrip("'") in FUNCTIONS:
                    pass  # a function call: S(7.5)
                elif p_kind == "name" and p_value == "e" and value == "(":
                    out.append("*")
                elif value == "(" or p_value == ")":
                    out.append("*")  # 2(x), (a)(b), out_y1 (1 - out_y1)
                elif p_kind == "number" and kind == "name" and not spaced:
                    out.append("*")  # 2x
                elif p_kind == kind == "name" and p_value in known and value in known:
                    out.append("*")  # η ∂E/∂w5: two quantities the text gave values
                else:
                    return None  # two words or two numbers side by side: prose, not arithmetic
        out.append(value)
        previous = token
    return " ".join(out) if out else None
