"""Scan, step 4: a scan's verdicts as a report document (text, Markdown, LaTeX, HTML) or as JSON.

The document is made of the same blocks as `handcalc check`'s report and
rendered by `handcalc.output.render`, so every format shows the same thing:
a summary, the root errors with what follows from each, every statement with
its line and column, and the values picked up from the text.
"""

from __future__ import annotations

from typing import Any

import sympy

from ..expr.extended import INFINITIES, infinity_text
from ..output.render import render_document
from ..output.document import CODE, NUMBER, VERDICT, Block, Cell, Heading, Paragraph, Table
from ..output.typeset import number_text
from .judging import Checked
from .scanner import ScanResult

__all__ = ["build", "render", "to_json", "schema", "summary_line", "SCHEMA_VERSION"]

SCHEMA_VERSION = "1"  # as `handcalc check`'s report; bump with scan.schema.json's "const" when a field changes meaning
HEADERS = ("statement", "line:col", "as written", "value", "verdict", "explanation")
VALUE_HEADERS = ("name", "value", "line")
_DIGITS = 12


def _value(value: sympy.Expr | None, digits: int = _DIGITS) -> str:
    if value is None:
        return ""
    if value in INFINITIES:
        return infinity_text(value)
    return number_text(value, digits)


def summary_line(result: ScanResult) -> str:
    """Return "N statements: a correct, b rounding, ..." (unchecked only when there are some)."""
    summary, total = result.summary, len(result.statements)
    parts = ", ".join(f"{count} {name}" for name, count in summary.items() if count or name != "unchecked")
    return f"{total} statement{'' if total == 1 else 's'}: {parts}."


def root_lines(result: ScanResult) -> list[str]:
    """Each wrong statement with what follows from it."""
    lines = []
    for root in (s for s in result.statements if s.verdict.verdict == "wrong"):
        following = [s.id for s in result.statements if root.id in s.verdict.roots]
        line = f"{root.id} (line {root.line}: {root.text}): {root.verdict.explanation}"
        if following:
            line += f". Follows from it: {', '.join(following)}"
        lines.append(line)
    return lines


def _row(statement: Checked) -> tuple[str, ...]:
    verdict = statement.verdict
    return (statement.id, f"{statement.line}:{statement.column}", Cell(statement.text, CODE),
            Cell(_value(verdict.computed), NUMBER), Cell(verdict.verdict, VERDICT, classes=(verdict.verdict,)),
            verdict.explanation or "")


def build(result: ScanResult) -> list[Block]:
    """Return the scan as a document: the same blocks for every format."""
    blocks: list[Block] = [Heading(1, f"handcalc scan: {result.name}")]
    code = " and the comments in its code" if result.code else ""
    blocks.append(Paragraph(f"The arithmetic the text states{code}, recomputed exactly ({result.fmt} input). "
                            + summary_line(result)))
    roots = root_lines(result)
    if roots:
        blocks.append(Paragraph("Root errors, each with what follows from it:", tuple(roots)))
    if result.statements:
        blocks.append(Table("Statements", tuple(_row(s) for s in result.statements), HEADERS, 2))
    if result.values:
        rows = tuple((b.name, b.text, str(b.line)) for b in result.values)
        blocks.append(Table("Values picked up from the text", rows, VALUE_HEADERS, 2))
    return blocks


def render(result: ScanResult, fmt: str = "text") -> str:
    """Return the scan report in a format: text, markdown, latex or html."""
    return render_document(build(result), fmt)


def schema() -> dict[str, Any]:
    """Return the JSON Schema the scan's JSON follows (scan.schema.json, shipped inside the package)."""
    import json
    from pathlib import Path

    return json.loads(Path(__file__).with_name("scan.schema.json").read_text(encoding="utf-8"))


def _statement_json(statement: Checked) -> dict[str, Any]:
    verdict = statement.verdict
    return {
        "id": statement.id,
        "line": statement.line,
        "column": statement.column,
        "text": statement.text,
        "name": statement.name,
        "expression": statement.expression,
        "stated": verdict.claim.stated,
        "value": _value(verdict.computed, 25) or None,
        "as_written": _value(verdict.as_written, 25) or None,
        "verdict": verdict.verdict,
        "explanation": verdict.explanation,
        "roots": list(verdict.roots),
        "slips": list(verdict.slips),
        "uses": list(statement.references),
    }


def to_json(result: ScanResult) -> dict[str, Any]:
    """Return the scan as a JSON-ready dict: every statement with its line, column and verdict."""
    return {
        "schema_version": SCHEMA_VERSION,
        "scan": result.name,
        "input_format": result.fmt,
        "statements": [_statement_json(s) for s in result.statements],
        "values": [{"name": b.name, "stated": b.text, "line": b.line} for b in result.values],
        "summary": result.summary,
        "exit_code": result.exit_code,
    }
