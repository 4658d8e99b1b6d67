"""Scan, step 2a before notation: TeX math (MathJax, KaTeX) -> the plain notation `normalize` reads.

Tutorials on the web write their arithmetic in TeX: `$$net_{h1} = w_1 \\cdot i_1
+ b_1 = 0.15 \\cdot 0.05 + 0.35 = 0.3775$$`, `\\frac{1}{1+e^{-0.3775}}`,
`\\frac{\\partial E_{total}}{\\partial w_5}`, `w_5^{+}`.  `unmath` blanks a line's
math delimiters (`$`, `$$`, `\\(`, `\\)`, `\\[`, `\\]`) character for character, so
every offset in the line still points into the source; `from_tex` rewrites the
TeX of one member into plain notation:

- `\\frac{a}{b}` is `((a)/(b))`, `\\sqrt{a}` is `((a)^(1/2))`, and a fraction of two
  partials is a derivative, `∂E_total/∂w5`;
- a subscript joins its name, fused when it is a number (`w_1` and `w_{1}` are
  `w1`, as the text's `w1` elsewhere; `net_{h1}` is `net_h1`), and a name raised
  to `+` is that parameter after the update (`w_5^{+}` is `new_w5`);
- `\\cdot`, `\\times`, `\\div`, Greek letters, `\\partial`, `\\exp`, `\\ln`, `\\tanh`
  become the characters `normalize` knows; `\\text{...}` and `\\mathrm{...}` keep
  their content; spacing commands, `&` and `\\left`/`\\right` are dropped; the
  remaining braces group, as parentheses.

A command it does not know is left as written, so the member is refused as
before.  Nothing here evaluates anything.
"""

from __future__ import annotations

import re

__all__ = ["from_tex", "unmath"]

_DELIMITERS = re.compile(r"\$\$?|\\[()\[\]]")
_GROUPED = ("frac", "sqrt", "text", "mathrm", "mathit", "operatorname", "hat", "bar", "tilde", "mathbf")
_COMMAND = re.compile(r"\\(" + "|".join(_GROUPED) + r")\s*\{")
_SYMBOLS = {"cdot": "·", "times": "×", "div": "÷", "partial": "∂", "exp": "exp", "ln": "ln", "log": "log",
            "tanh": "tanh", "sigma": "σ", "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε",
            "varepsilon": "ε", "eta": "η", "theta": "θ", "lambda": "λ", "mu": "μ", "tau": "τ", "phi": "φ",
            "omega": "ω", "Delta": "Δ", "cdotp": "·", "ast": "*"}
_SYMBOL = re.compile(r"\\(" + "|".join(sorted(_SYMBOLS, key=len, reverse=True)) + r")(?![A-Za-z])")
_SPACING = re.compile(r"\\[,;:! ]|\\q?quad\b|\\left\b|\\right\b|\\displaystyle\b|&|~")
_SUBSCRIPT = re.compile(r"([A-Za-z])_\{([A-Za-z0-9_]+)\}|([A-Za-z])_([A-Za-z0-9])")
_FUSED = re.compile(r"([A-Za-z])_([0-9]+)(?![A-Za-z0-9_])")
_UPDATED = re.compile(r"([A-Za-z][A-Za-z0-9_]*)\^\{?\+\}?(?![0-9A-Za-z(.])")
_ACCENT = {"hat": "\u0302", "bar": "\u0304", "tilde": "\u0303"}


def unmath(line: str) -> str:
    """Return `line` with its math delimiters blanked (same length: offsets still point into the source).

    `$` is a delimiter only where the line has them in pairs, so a price (`$5`) stays as written."""
    if "\\" not in line and line.count("$") % 2:
        return line
    return _DELIMITERS.sub(lambda m: " " * len(m.group()), line)


def _group(text: str, start: int) -> tuple[str, int] | None:
    """The content of the brace group opening at `start`, and the index after it; None if unbalanced."""
    depth = 0
    for index in range(start, len(text)):
        if text[index] == "{":
            depth += 1
        elif text[index] == "}":
            depth -= 1
            if depth == 0:
                return text[start + 1:index], index + 1
    return None


def _commands(text: str) -> str:
    """Rewrite the grouped commands (\\frac, \\sqrt, \\text, accents), innermost arguments first."""
    match = _COMMAND.search(text)
    if match is None:
        return text
    name, first = match.group(1), _group(text, match.end() - 1)
    if first is None:
        return text
    argument, end = first
    if name == "frac":
        second = _group(text, end) if text[end:end + 1] == "{" else None
        if second is None:
            return text
        top, bottom = _commands(argument).strip(), _commands(second[0]).strip()
        if top.startswith(("∂", "\\partial")) and bottom.startswith(("∂", "\\partial")):
            rewritten = f"{top}/{bottom}"  # a derivative: notation names it
        else:
            rewritten = f"(({top})/({bottom}))"
        end = second[1]
    elif name == "sqrt":
        rewritten = f"(({_commands(argument)})^(1/2))"
    elif name in _ACCENT:
        rewritten = _commands(argument).strip() + _ACCENT[name]
    else:
        rewritten = _commands(argument)
    return text[:match.start()] + rewritten + _commands(text[end:])


def from_tex(text: str) -> str:
    """Return one member's TeX in the plain notation `normalize` reads (text without TeX comes back as it is)."""
    if "\\" not in text and "{" not in text and "_" not in text:
        return text
    text = _commands(_SPACING.sub(" ", text))
    text = _SYMBOL.sub(lambda m: _SYMBOLS[m.group(1)], text)
    text = _SUBSCRIPT.sub(lambda m: f"{m.group(1)}_{m.group(2)}" if m.group(1) else f"{m.group(3)}_{m.group(4)}", text)
    text = _FUSED.sub(r"\1\2", text)
    text = _UPDATED.sub(r"new_\1", text)
    return text.replace("{", "(").replace("}", ")")
