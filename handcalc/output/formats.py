"""The pieces each format's style is made of: escaping, headings, page openings and table writers.

Place in the flow: used only by `render`, whose `STYLES` records put these
pieces together, one record per format.  Every function here writes one
format; none of them asks which format it is.
"""

from __future__ import annotations

import html
import re

from tabulate import tabulate

from .document import CODE, NUMBER, VERDICT, Cell
from .terminal import text_table

__all__ = ["text_heading", "text_table", "markdown_escape", "markdown_table", "latex_escape",
           "latex_heading", "latex_begin", "latex_table", "html_escape", "html_heading", "html_begin",
           "html_table", "VERDICT_ORDER"]

# Least to most severe: a cell holding several verdicts is shown as its most severe one.
VERDICT_ORDER = ("correct", "unchecked", "rounding", "propagated", "wrong")


def text_heading(level: int, text: str) -> str:
    """A title underlined with = (level 1) or - (levels 2-3) as long as its longest line; deeper: plain."""
    rule = max(len(line) for line in text.split("\n"))
    return text if level > 3 else f"{text}\n{('=' if level == 1 else '-') * rule}"


# --- Markdown (GitHub-flavoured): prose escaped, formulas and numbers in code spans --------------

_MARKDOWN_SPECIAL = "\\`*_{}[]<>|~$&#!"
_MARKDOWN_ESCAPES = str.maketrans({ch: "\\" + ch for ch in _MARKDOWN_SPECIAL})  # one pass, no regex


def markdown_escape(text: str) -> str:
    """Escape every character that could start emphasis, a link, HTML, math or break a table."""
    return text.translate(_MARKDOWN_ESCAPES).replace("\n", " ")


def _markdown_code(text: str) -> str:
    fence = "``" if "`" in text else "`"
    return f"{fence} {text} {fence}" if fence == "``" else f"`{text.replace('|', chr(92) + '|')}`"


def _markdown_cell(cell: Cell) -> str:
    if not cell.text:
        return ""
    if cell.kind == CODE:
        return _markdown_code(cell.text.replace("\n", " "))
    return markdown_escape(cell.text)


def markdown_table(headers: list[str], rows: list[list[Cell]], options: object = None) -> str:
    """A GitHub table whose cells render exactly as written (no emphasis, no split cells)."""
    body = [[_markdown_cell(c) for c in row] for row in rows]
    return tabulate(body, headers=[markdown_escape(h) for h in headers], tablefmt="github", disable_numparse=True)


# --- LaTeX: columns that break, formulas as math, only texlive-latex-recommended packages -----

_LATEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
                  "_": r"\_\allowbreak{}", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
                  "^": r"\textasciicircum{}", "∞": r"$\infty$", "−": "-", "×": r"$\times$",
                  "·": r"$\cdot$", "σ": r"$\sigma$", "<": r"$<$", ">": r"$>$", "|": r"$|$",
                  "–": "--", "’": "'", "→": r"$\to$", "η": r"$\eta$", "[": r"[\allowbreak{}",
                  "(": r"(\allowbreak{}", "/": r"/\allowbreak{}"}
# In formulas and numbers written as code: a line may break after these.
_BREAK_AFTER = set("*+-/,=(;")


def latex_escape(text: str) -> str:
    """Escape TeX's special characters; an underscore may end a line (long names break there)."""
    return "".join(_LATEX_SPECIAL.get(ch, ch) for ch in text)


def _latex_code(text: str) -> str:
    out = []
    for ch in text:
        out.append(_LATEX_SPECIAL.get(ch, ch) if ch != "_" else r"\_")
        if ch in _BREAK_AFTER or ch == "_":
            out.append(r"\allowbreak{}")
    return r"\texttt{" + "".join(out) + "}"


_DIGIT_RUN = re.compile(r"(\d{8})(?=\d)")
LATEX_UNBROKEN = 16  # characters of a number that every column holds on one line


def _latex_cell(cell: Cell) -> str:
    if not cell.text:
        return ""
    if cell.latex is not None:  # a number too long for its column may break after every eighth digit
        long = len(cell.text) > LATEX_UNBROKEN
        return "$" + (_DIGIT_RUN.sub(r"\1\\allowbreak ", cell.latex) if long else cell.latex) + "$"
    if cell.kind in (CODE, NUMBER):
        return _latex_code(cell.text)
    if cell.kind == VERDICT and "wrong" in cell.classes:
        return r"\textbf{" + latex_escape(cell.text) + "}"
    return latex_escape(cell.text)


def latex_heading(level: int, text: str) -> str:
    """A numbered-free section command for levels 1-3, a run-in paragraph title below."""
    command = {1: "section*", 2: "subsection*", 3: "subsubsection*"}.get(level, "paragraph*")
    return f"\\{command}{{{latex_escape(text)}}}"


_LATEX_BEGIN = r"""\documentclass[10pt]{article}
\usepackage[a4paper,landscape,margin=1.2cm]{geometry}
\usepackage[utf8]{inputenc}
\usepackage{amsmath}
\usepackage{array}
\usepackage{longtable}
\DeclareUnicodeCharacter{221E}{\ensuremath{\infty}}
\DeclareUnicodeCharacter{2212}{-}
\DeclareUnicodeCharacter{00D7}{\ensuremath{\times}}
\DeclareUnicodeCharacter{00B7}{\ensuremath{\cdot}}
\DeclareUnicodeCharacter{03C3}{\ensuremath{\sigma}}
\DeclareUnicodeCharacter{03B7}{\ensuremath{\eta}}
\DeclareUnicodeCharacter{2192}{\ensuremath{\to}}
\setlength{\parindent}{0pt}
\setlength{\parskip}{0.5em}
\setlength{\emergencystretch}{3em}
\allowdisplaybreaks
\title{%s}
\date{}
\begin{document}
\maketitle
"""


def latex_begin(title: str) -> str:
    """The preamble: plain Computer Modern (no lmodern), landscape A4, breaking tables."""
    return _LATEX_BEGIN % latex_escape(title)


# How much of the line each column takes (shares of the whole; the rest is split evenly).
_LATEX_SHARES = {"quantity": 0.1, "formula": 0.2, "numbers substituted": 0.28, "value": 0.13,
                 "stated": 0.17, "verdict": 0.08, "claim": 0.12, "computed": 0.13, "explanation": 0.28,
                 "where": 0.13, "inputs": 0.25, "outputs": 0.35, "targets": 0.2}


def _latex_columns(headers: list[str]) -> str:
    shares = [_LATEX_SHARES.get(h, 0.0) for h in headers]
    free = max(0.0, 1.0 - sum(shares))
    unknown = sum(1 for s in shares if s == 0.0)
    shares = [s or free / unknown for s in shares]
    total = sum(shares)
    return "".join(f">{{\\raggedright\\arraybackslash}}p{{\\dimexpr {int(1000 * s / total) / 1000:.3f}"
                   "\\linewidth-2\\tabcolsep\\relax}" for s in shares)  # rounded down: never past the line


def latex_table(headers: list[str], rows: list[list[Cell]], options: object = None) -> str:
    """A longtable of paragraph columns that fill the line: every cell wraps inside its column."""
    lines = [f"\\begin{{longtable}}{{{_latex_columns(headers)}}}", r"\hline",
             " & ".join(r"\textbf{" + latex_escape(h) + "}" for h in headers) + r" \\", r"\hline", r"\endhead"]
    lines += [" & ".join(_latex_cell(c) for c in row) + r" \\" for row in rows]
    lines += [r"\hline", r"\end{longtable}"]
    return "\n".join(lines)


# --- HTML: one self-contained page, or a fragment with its own scoped style ---------------

def html_escape(text: str) -> str:
    """Escape &, <, > and quotes."""
    return html.escape(text)


def html_heading(level: int, text: str) -> str:
    """<h1> to <h6>."""
    return f"<h{min(level, 6)}>{html.escape(text)}</h{min(level, 6)}>"


# Scoped to the report's own <div>, so a notebook's page keeps its style and the report gets its own.
HTML_STYLE = """<style>
.handcalc-report { font-family: system-ui, sans-serif; color: #222; }
.handcalc-report table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.9em; }
.handcalc-report th, .handcalc-report td { border: 1px solid #ccc; padding: 0.25em 0.5em; text-align: left;
  vertical-align: top; }
.handcalc-report th { background: #f3f3f3; }
.handcalc-report td.code { font-family: ui-monospace, monospace; }
.handcalc-report td.verdict.correct { color: #1a7f37; }
.handcalc-report td.verdict.unchecked { color: #777777; }
.handcalc-report td.verdict.rounding { color: #9a6700; }
.handcalc-report td.verdict.propagated { color: #bc4c00; }
.handcalc-report td.verdict.wrong { color: #cf222e; font-weight: bold; }
.handcalc-report tr.wrong > td { background: #ffebe9; }
.handcalc-report p.equation { font-family: ui-monospace, monospace; }
</style>"""

_HTML_BEGIN = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>%s</title>
</head>
<body>
"""


def html_begin(title: str) -> str:
    """A complete page's opening; the report itself opens with its scoped style (see `html_fragment`)."""
    return _HTML_BEGIN % html.escape(title)


def _html_cell(cell: Cell) -> str:
    classes = [cell.kind] + list(cell.classes) if cell.kind != "text" else list(cell.classes)
    attribute = f' class="{" ".join(classes)}"' if classes else ""
    return f"<td{attribute}>{html.escape(cell.text)}</td>"


def html_table(headers: list[str], rows: list[list[Cell]], options: object = None) -> str:
    """A table whose rows and verdict cells carry their verdicts as classes, read from the data."""
    lines = ["<table>", "<thead>", "<tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in headers) + "</tr>",
             "</thead>", "<tbody>"]
    for row in rows:
        verdicts = sorted({v for c in row if c.kind == VERDICT for v in c.classes}, key=VERDICT_ORDER.index)
        attribute = f' class="{" ".join(verdicts)}"' if verdicts else ""
        lines.append(f"<tr{attribute}>" + "".join(_html_cell(c) for c in row) + "</tr>")
    return "\n".join(lines + ["</tbody>", "</table>"])
