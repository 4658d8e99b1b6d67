"""Renderers: one report document written as text, Markdown, LaTeX or HTML.

Place in the flow: the very end.  `report` builds the document (`document`
blocks); this module writes it.  Formats are data, as tabulate's `TableFormat`
is: each `Style` record says how its format writes a heading, a paragraph, a
list, an equation, a page's opening and closing, and a table with each kind of
cell.  `render_document` walks the blocks and never asks which format it is.
"""

from __future__ import annotations

from typing import Callable

from ..heap import collector_paused
from ..records import record
from .document import Block, Cell, Equation, Heading, Paragraph, Table, row_cells
from . import formats
from .terminal import wrap

__all__ = ["Style", "STYLES", "FORMATS", "Options", "render_document"]


@record
class Options:
    """How the reader will see the output: a terminal's width and whether it shows colour."""

    width: int = 100
    color: bool = False


@record
class Style:
    """How one format writes each kind of block (tabulate's TableFormat, for a whole document)."""

    heading: Callable[[int, str], str]
    paragraph: Callable[[str], str]
    item: Callable[[str], str]
    items: Callable[[str], str]  # wraps the joined items: an itemize, a <ul>, or nothing
    equation: Callable[[Equation], str | None]
    table: Callable[[list[str], list[list[Cell]], Options], str]
    begin: Callable[[str], str] = lambda title: ""  # a whole page's opening, and its closing
    end: str = ""
    open: str = ""  # around the report itself, in a page or a fragment (HTML: its scoped style)
    close: str = ""
    title_in_page: bool = False  # the page's opening already shows the level-1 heading
    fits_width: bool = False  # prose is wrapped to Options.width (the terminal)


STYLES: dict[str, Style] = {
    "text": Style(formats.text_heading, lambda t: t, lambda t: f"- {t}", lambda t: t, lambda e: None,
                  formats.text_table, fits_width=True),
    "markdown": Style(lambda level, t: f"{'#' * level} {formats.markdown_escape(t)}", formats.markdown_escape,
                      lambda t: f"- {formats.markdown_escape(t)}", lambda t: t, lambda e: f"${e.latex}$",
                      formats.markdown_table),
    "latex": Style(formats.latex_heading, formats.latex_escape, lambda t: f"\\item {formats.latex_escape(t)}",
                   lambda t: f"\\begin{{itemize}}\n{t}\n\\end{{itemize}}",
                   lambda e: f"\\begin{{equation*}}\n{e.latex}\n\\end{{equation*}}", formats.latex_table,
                   begin=formats.latex_begin, end="\\end{document}", title_in_page=True),
    "html": Style(formats.html_heading, lambda t: f"<p>{formats.html_escape(t)}</p>",
                  lambda t: f"<li>{formats.html_escape(t)}</li>", lambda t: f"<ul>\n{t}\n</ul>",
                  lambda e: f'<p class="equation">{formats.html_escape(e.plain)}</p>', formats.html_table,
                  begin=formats.html_begin, end="</body>\n</html>",
                  open=f'{formats.HTML_STYLE}\n<div class="handcalc-report">', close="</div>"),
}
FORMATS = tuple(STYLES)


_EMPTY = Cell("")  # a missing cell (records are immutable: one serves every table)


def _cells(table: Table) -> tuple[list[str], list[list[Cell]]]:
    """The table's headers and cells, without columns that are empty in every row."""
    width = len(table.headers)
    rows = [(row_cells(row) + [_EMPTY] * width)[:width] for row in table.rows]
    keep = [i for i, header in enumerate(table.headers) if header or any(row[i].text for row in rows)]
    return [table.headers[i] for i in keep], [[row[i] for i in keep] for row in rows]


def _table(table: Table, style: Style, options: Options) -> str:
    headers, rows = _cells(table)
    return f"{style.heading(table.level, table.title)}\n\n{style.table(headers, rows, options)}"


def _fit(text: str, options: Options, indent: str = "") -> str:
    lines = wrap(text, max(20, options.width - len(indent)))
    return "\n".join(lines[:1] + [indent + line for line in lines[1:]])


def _paragraph(block: Paragraph, style: Style, options: Options) -> str:
    fit = (lambda text, indent="": _fit(text, options, indent)) if style.fits_width else (lambda text, indent="": text)
    parts = [style.paragraph(fit(block.text))] if block.text else []
    if block.items:
        items = style.items("\n".join(style.item(fit(item, "  ")) for item in block.items))
        parts.insert(0, items) if not block.text else parts.append(items)
    return "\n\n".join(parts)


def _block(block: Block, style: Style, options: Options) -> str | None:
    if isinstance(block, Heading):
        return style.heading(block.level, _fit(block.text, options) if style.fits_width else block.text)
    if isinstance(block, Paragraph):
        return _paragraph(block, style, options)
    if isinstance(block, Table):
        return _table(block, style, options)
    return style.equation(block)


# Writing a report makes a few objects per number (cells, rows, texts) and no reference cycles, next to the
# check's heap of SymPy expressions; the cyclic collector's passes over that heap were 40% of a [40, 40, 40]
# network's text report (0.85 s -> 0.34 s for its tables): it waits until the report is written.
@collector_paused
def render_document(blocks: list[Block], fmt: str = "text", fragment: bool = False,
                    options: Options | None = None) -> str:
    """Return the document in a format; `fragment` leaves out a LaTeX/HTML page's opening and closing."""
    if fmt not in STYLES:
        raise ValueError(f"unknown format {fmt!r}: expected one of {', '.join(FORMATS)}")
    style, options = STYLES[fmt], options or Options()
    title = next((b.text for b in blocks if isinstance(b, Heading)), "handcalc")
    out = ([] if fragment else [style.begin(title)]) + [style.open]
    for block in blocks:
        if isinstance(block, Heading) and block.level == 1 and style.title_in_page and not fragment:
            continue
        out.append(_block(block, style, options))
    out.append(style.close)
    if not fragment:
        out.append(style.end)
    return "\n\n".join(part for part in out if part) + "\n"
