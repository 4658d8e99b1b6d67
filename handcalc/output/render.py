"""Renderers: one report document as text, Markdown, LaTeX or HTML (tables via tabulate).

Formats are data: each `Style` says how a heading, a paragraph, a list item,
a table and an equation are written, and how text is escaped.
"""

from __future__ import annotations

import html
import re
import textwrap
from dataclasses import dataclass
from typing import Callable

from tabulate import tabulate

from .report import Block, Equation, Heading, Paragraph, Row, Table

__all__ = ["Style", "STYLES", "FORMATS", "render_document"]

FORMATS = ("text", "markdown", "latex", "html")
_WRAP = {"explanation": 70, "where": 50, "formula": 40, "numbers substituted": 50}


@dataclass(frozen=True)
class Style:
    """How one format writes each kind of block."""

    table_format: str
    heading: Callable[[int, str], str]
    paragraph: Callable[[str], str]
    item: Callable[[str], str]
    equation: Callable[[Equation], str | None]
    escape: Callable[[str], str]
    wrap_cells: bool = False
    begin: Callable[[str], str] = lambda title: ""
    end: str = ""


def _text_heading(level: int, text: str) -> str:
    return text if level > 3 else f"{text}\n{('=' if level == 1 else '-') * len(text)}"


_LATEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
                  "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
                  "∞": r"$\infty$", "−": "-", "×": r"$\times$", "·": r"$\cdot$", "σ": r"$\sigma$",
                  "<": r"$<$", ">": r"$>$", "–": "--", "’": "'"}


def _latex_escape(text: str) -> str:
    return "".join(_LATEX_SPECIAL.get(ch, ch) for ch in text)


def _latex_heading(level: int, text: str) -> str:
    command = {1: "section*", 2: "subsection*", 3: "subsubsection*"}.get(level, "paragraph*")
    return f"\\{command}{{{_latex_escape(text)}}}"


_LATEX_BEGIN = r"""\documentclass[10pt]{article}
\usepackage[a4paper,landscape,margin=1.2cm]{geometry}
\usepackage[T1]{fontenc}
\usepackage[utf8]{inputenc}
\usepackage{lmodern}
\usepackage{amsmath}
\usepackage{booktabs}
\usepackage{longtable}
\usepackage{array}
\DeclareUnicodeCharacter{221E}{\ensuremath{\infty}}
\DeclareUnicodeCharacter{2212}{-}
\DeclareUnicodeCharacter{00D7}{\ensuremath{\times}}
\DeclareUnicodeCharacter{00B7}{\ensuremath{\cdot}}
\DeclareUnicodeCharacter{03C3}{\ensuremath{\sigma}}
\DeclareUnicodeCharacter{2192}{\ensuremath{\to}}
\setlength{\parindent}{0pt}
\setlength{\parskip}{0.5em}
\title{%s}
\date{}
\begin{document}
\maketitle
"""

_HTML_BEGIN = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>%s</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
td.correct { color: #1a7f37; } td.rounding { color: #9a6700; }
td.propagated { color: #bc4c00; } td.wrong { color: #cf222e; font-weight: bold; } td.unchecked { color: #777; }
p.equation { font-family: monospace; }
</style>
</head>
<body>
"""

STYLES: dict[str, Style] = {
    "text": Style("simple", _text_heading, lambda t: t, lambda t: f"- {t}", lambda e: None,
                  lambda t: t, wrap_cells=True),
    "markdown": Style("github", lambda level, t: f"{'#' * level} {t}", lambda t: t, lambda t: f"- {t}",
                      lambda e: f"${e.latex}$", lambda t: t.replace("|", "\\|").replace("\n", " ")),
    "latex": Style("latex_longtable", _latex_heading, _latex_escape, lambda t: f"\\item {_latex_escape(t)}",
                   lambda e: f"\\begin{{equation*}}\n{e.latex}\n\\end{{equation*}}", lambda t: t,
                   begin=lambda title: _LATEX_BEGIN % _latex_escape(title), end="\\end{document}"),
    "html": Style("html", lambda level, t: f"<h{level}>{html.escape(t)}</h{level}>",
                  lambda t: f"<p>{html.escape(t)}</p>", lambda t: f"<li>{html.escape(t)}</li>",
                  lambda e: f'<p class="equation">{html.escape(e.plain)}</p>', lambda t: t,
                  begin=lambda title: _HTML_BEGIN % html.escape(title), end="</body>\n</html>"),
}


def _cells(table: Table, style: Style) -> tuple[list[str], list[list[str]]]:
    rows = [list(row.__dict__.values()) if isinstance(row, Row) else list(row) for row in table.rows]
    rows = [row[: len(table.headers)] + [""] * (len(table.headers) - len(row)) for row in rows]
    keep = [i for i, header in enumerate(table.headers) if header or any(row[i] for row in rows)]
    headers = [table.headers[i] for i in keep]
    rows = [[row[i] for i in keep] for row in rows]
    if style.wrap_cells:
        for column, header in enumerate(headers):
            if header in _WRAP:
                for row in rows:
                    row[column] = "\n".join(textwrap.wrap(row[column], _WRAP[header])) if row[column] else ""
    return [style.escape(h) for h in headers], [[style.escape(c) for c in row] for row in rows]


def _latex_table(headers: list[str], rows: list[list[str]]) -> str:
    """tabulate's longtable, with wrapping columns so long explanations fit the page."""
    text = tabulate(rows, headers=headers, tablefmt="latex_longtable", disable_numparse=True)
    widths = {"explanation": "7cm", "where": "5cm", "formula": "4cm", "numbers substituted": "5.5cm",
              "stated": "4cm", "inputs": "3cm", "outputs": "4cm"}
    spec = "".join(f"p{{{widths[h]}}}" if h in widths else "l" for h in headers)
    return re.sub(r"\\begin\{longtable\}\{[lcr]*\}", lambda _: "\\begin{longtable}{" + spec + "}", text, count=1)


def _table(table: Table, style: Style, fmt: str) -> str:
    headers, rows = _cells(table, style)
    if fmt == "latex":
        body = _latex_table(headers, rows)
    else:
        body = tabulate(rows, headers=headers, tablefmt=style.table_format, disable_numparse=True)
    if fmt == "html":
        body = re.sub(r"<td>(correct|rounding|propagated|wrong|unchecked)\s*</td>", r'<td class="\1">\1</td>', body)
    return f"{style.heading(table.level, table.title)}\n\n{body}"


def _paragraph(block: Paragraph, style: Style, fmt: str) -> str:
    parts = [style.paragraph(block.text)] if block.text else []
    if block.items:
        items = "\n".join(style.item(item) for item in block.items)
        if fmt == "latex":
            items = f"\\begin{{itemize}}\n{items}\n\\end{{itemize}}"
        elif fmt == "html":
            items = f"<ul>\n{items}\n</ul>"
        parts.insert(0, items) if not block.text else parts.append(items)
    return "\n\n".join(parts)


def render_document(blocks: list[Block], fmt: str = "text", fragment: bool = False) -> str:
    """Return the document in a format; `fragment` leaves out a LaTeX/HTML page's preamble."""
    if fmt not in STYLES:
        raise ValueError(f"unknown format {fmt!r}: expected one of {', '.join(FORMATS)}")
    style = STYLES[fmt]
    out = []
    title = next((b.text for b in blocks if isinstance(b, Heading)), "handcalc")
    if not fragment and style.begin(title):
        out.append(style.begin(title))
    for block in blocks:
        if isinstance(block, Heading):
            if fmt == "latex" and block.level == 1 and not fragment:
                continue  # the title page already shows it
            out.append(style.heading(block.level, block.text))
        elif isinstance(block, Paragraph):
            out.append(_paragraph(block, style, fmt))
        elif isinstance(block, Table):
            out.append(_table(block, style, fmt))
        else:
            written = style.equation(block)
            if written:
                out.append(written)
    if not fragment and style.end:
        out.append(style.end)
    return "\n\n".join(part for part in out if part) + "\n"
