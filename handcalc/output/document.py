"""The report's document: headings, paragraphs, tables and equations as plain data.

Place in the flow: the last stage's middle.  `report` turns a checked example
into these blocks; `render` writes the same blocks as text, Markdown, LaTeX or
HTML.  A table cell says what it holds (prose, a formula, a number, verdicts), so
each format can write it its own way without the document knowing any format.
"""

from __future__ import annotations

from typing import Callable, Union

from ..records import record

__all__ = ["Cell", "Row", "Heading", "Paragraph", "Table", "Equation", "Block",
           "HEADERS", "CLAIM_HEADERS", "cell", "row_cells"]

HEADERS = ("quantity", "formula", "numbers substituted", "value", "stated", "verdict")
CLAIM_HEADERS = ("claim", "stated", "computed", "verdict", "explanation", "where")

# What a cell holds; a format's style says how it writes each kind.
TEXT, CODE, NUMBER, VERDICT = "text", "code", "number", "verdict"


@record
class Cell:
    """One table cell: its plain text, what kind of thing it is, and a typeset form where one exists.

    `math` makes the cell's LaTeX math (a formula from SymPy) when a format asks
    for it, so formats that never show math never pay for typesetting; `classes`
    name the verdicts a verdict cell holds, so a format marks them from the data.
    """

    text: str
    kind: str = TEXT
    math: Callable[[], str] | None = None
    classes: tuple[str, ...] = ()

    @property
    def latex(self) -> str | None:
        """The cell as LaTeX math, or None when it has no typeset form."""
        return None if self.math is None else self.math()


def cell(value: "str | Cell") -> Cell:
    """Return `value` as a Cell (a bare string is prose)."""
    return value if isinstance(value, Cell) else Cell(value)


@record
class Row:
    """One line of a worked solution."""

    quantity: str | Cell
    formula: str | Cell
    substituted: str | Cell
    value: str | Cell
    stated: str | Cell = ""
    verdict: str | Cell = ""


def row_cells(row: "Row | tuple[str | Cell, ...]") -> list[Cell]:
    """Return a row's cells in column order."""
    values = list(row.__dict__.values()) if isinstance(row, Row) else list(row)
    return [cell(value) for value in values]


@record
class Heading:
    """A section title; level 1 is the example's title."""

    level: int
    text: str


@record
class Paragraph:
    """A sentence or a few; `items` makes it a list."""

    text: str
    items: tuple[str, ...] = ()


@record
class Table:
    """A titled table: the title is shown as a heading of `level`."""

    title: str
    rows: tuple[Row, ...] | tuple[tuple[str | Cell, ...], ...]
    headers: tuple[str, ...] = HEADERS
    level: int = 3


@record
class Equation:
    """A chain-rule derivation in plain text, and `math` to make the same as LaTeX when a format shows it."""

    plain: str
    math: Callable[[], str]

    @property
    def latex(self) -> str:
        """The derivation as LaTeX math."""
        return self.math()


Block = Union[Heading, Paragraph, Table, Equation]
