"""Tables for a terminal: fit the width, wrap inside cells, stack when columns cannot fit, colour verdicts.

Place in the flow: the text format's table writer (`render.STYLES["text"]`).
A table keeps its columns while they fit `Options.width`; formulas, numbers
substituted and prose wrap inside their cells (never cut: every character of a
stated number stays on the page); when even wrapped columns cannot fit, each
row becomes a block of `header  value` lines.  Verdicts carry a symbol, so they
read without colour, and an ANSI colour when `Options.color` is on.
"""

from __future__ import annotations

import re
from typing import Any

from .document import NUMBER, VERDICT, Cell

__all__ = ["text_table", "wrap", "SYMBOLS", "COLORS", "paint_verdicts"]

SYMBOLS = {"correct": "✓", "rounding": "≈", "propagated": "↳", "wrong": "✗", "unchecked": "?"}
COLORS = {"correct": "32", "rounding": "33", "propagated": "35", "wrong": "1;31", "unchecked": "2"}
GAP = 2  # spaces between columns (tabulate's "simple" format)
MIN_WRAPPED = 12  # no column is wrapped narrower than this
MAX_LINES = 4  # a cell wrapped to more lines than this reads worse than the stacked layout
_PIECE = re.compile(r"\S*?(?:[*,;](?=\S)|\s+|$)|\S+")
_VERDICT_WORD = re.compile("|".join(SYMBOLS))


def wrap(text: str, width: int) -> list[str]:
    """Break `text` into lines of at most `width`: at spaces, or after * , ; inside a formula.

    A piece longer than a whole line is cut into line-long parts; nothing is left out.
    """
    if len(text) <= width and "\n" not in text:
        return [text.strip()]  # what `_wrapped` makes of a line that fits, and most cells do
    return _wrapped(text, width)


def _wrapped(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for piece in (p for p in _PIECE.findall(paragraph) if p):
            if len(line) + len(piece.rstrip()) > width and line.strip():
                lines.append(line.rstrip())
                line = ""
            line += piece if line or not piece.isspace() else ""
            while len(line.rstrip()) > width:
                lines.append(line[:width])
                line = line[width:]
        lines.append(line.rstrip())
    return lines


def _natural(column: list[str]) -> int:
    return max((len(line) for text in column for line in text.split("\n")), default=0)


def _longest_piece(column: list[str]) -> int:
    """The widest part of a column that `wrap` never breaks (a number, a name): the column is never narrower."""
    return max((len(piece.rstrip()) for text in column for piece in _PIECE.findall(text)), default=0)


def _widths(headers: list[str], rows: list[list[Cell]], width: int) -> list[int] | None:
    """Each column's width so the table fits, or None when wrapped columns would not read well."""
    columns = [[h] + [row[i].text for row in rows] for i, h in enumerate(headers)]
    natural = [_natural(column) for column in columns]
    # the first column (the row's name), numbers and verdicts keep their width; formulas and prose wrap
    flexible = [i for i in range(1, len(headers)) if all(row[i].kind not in (NUMBER, VERDICT) for row in rows)]
    room = width - sum(natural[i] for i in range(len(headers)) if i not in flexible) - GAP * (len(headers) - 1)
    widths = list(natural)
    waiting = sum(natural[i] for i in flexible)
    for i in sorted(flexible, key=lambda i: natural[i]):  # narrow columns first: what they leave goes on
        share = room * natural[i] // waiting if waiting else 0
        widths[i] = min(natural[i], max(share, MIN_WRAPPED, _longest_piece(columns[i])))
        room, waiting = room - widths[i], waiting - natural[i]
    if room < 0:
        return None
    wrapped: dict[int, list[list[str]]] = {i: [] for i in flexible}  # each text wrapped once, for both uses
    for i in flexible:
        for text in columns[i]:
            wrapped[i].append(wrap(text, widths[i]))
            if len(wrapped[i][-1]) > MAX_LINES:
                return None
    for i in flexible:  # each wrapped column as wide as its longest wrapped line; what that frees goes on
        widths[i] = max((len(line) for lines in wrapped[i] for line in lines), default=0)
    spare = width - sum(widths) - GAP * (len(headers) - 1)
    for i in sorted(flexible, key=lambda i: natural[i] - widths[i]):  # the nearest to fitting first
        more = min(spare, natural[i] - widths[i])
        widths[i], spare = widths[i] + more, spare - more
    return widths


def _symbol(text: str) -> str:
    return "; ".join(f"{SYMBOLS[v]} {v}" if v in SYMBOLS else v for v in text.split("; ")) if text else ""


def paint_verdicts(text: str) -> str:
    """Colour every verdict word in `text` with its ANSI colour."""
    return _VERDICT_WORD.sub(lambda m: f"\033[{COLORS[m.group(0)]}m{m.group(0)}\033[0m", text)


def _marked(rows: list[list[Cell]]) -> list[list[Cell]]:
    return [[Cell(_symbol(c.text), c.kind, c.math, c.classes) if c.kind == VERDICT and c.text else c for c in row]
            for row in rows]


def _stacked(headers: list[str], rows: list[list[Cell]], width: int) -> str:
    """One block per row: its name, then one `header  value` line (wrapped) per filled cell."""
    label = max(len(h) for h in headers[1:]) if len(headers) > 1 else 0
    room = max(MIN_WRAPPED, width - label - 4)
    blocks = []
    for row in rows:
        lines = wrap(row[0].text, width)
        for header, cell in zip(headers[1:], row[1:]):
            if cell.text:
                parts = wrap(cell.text, room)
                lines.append(f"  {header:<{label}}  {parts[0]}")
                lines += [f"  {'':<{label}}  {part}" for part in parts[1:]]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _lines(cells: list[str], widths: list[int], paints: list[Any]) -> list[str]:
    """One table row as lines: each cell padded to its column (then painted), GAP spaces between columns."""
    if not any("\n" in cell for cell in cells):  # one line: most rows
        return [(" " * GAP).join(paint(cell.ljust(w)) for cell, w, paint in zip(cells, widths, paints)).rstrip()]
    parts = [cell.split("\n") for cell in cells]
    height = max(len(lines) for lines in parts)
    return [(" " * GAP).join(paint(lines[k].ljust(w)) if k < len(lines) else " " * w
                             for lines, w, paint in zip(parts, widths, paints)).rstrip() for k in range(height)]


def text_table(headers: list[str], rows: list[list[Cell]], options: Any) -> str:
    """The table as columns that fit `options.width`, or stacked blocks when they cannot."""
    rows = _marked(rows)
    widths = _widths(headers, rows, options.width)
    paint = paint_verdicts if options.color else (lambda text: text)
    if widths is None:
        painted = [[Cell(paint(c.text), c.kind) if c.kind == VERDICT else c for c in row] for row in rows] \
            if options.color else rows  # (`_stacked` reads only the texts)
        return _stacked(headers, painted, options.width)
    plain = [lambda text: text] * len(headers)
    lines = _lines(["\n".join(wrap(h, w)) for h, w in zip(headers, widths)], widths, plain)
    lines.append((" " * GAP).join("-" * w for w in widths))
    for row in rows:
        cells = ["\n".join(wrap(c.text, widths[i])) if c.text and c.kind != VERDICT else c.text
                 for i, c in enumerate(row)]
        lines += _lines(cells, widths, [paint if c.kind == VERDICT else str for c in row])
    return "\n".join(lines)
