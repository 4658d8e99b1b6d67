"""Report: the worked solution as tables (via tabulate) and as the JSON contract.

Rows read like a hand calculation: quantity, formula, the numbers substituted,
the value, what the text states, the verdict.  Building the rows is separate
from rendering them, so every format shows the same data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy
from tabulate import tabulate

from .check import CaseResult, Result
from .crosscheck import FINITE_DIFFERENCE_TOLERANCE, NUMPY_TOLERANCE
from .derivation import LEARNING_RATE, Step
from .numbers import to_decimal_text
from .verdicts import Verdict

__all__ = ["Row", "Table", "case_tables", "render", "to_json", "FORMATS"]

HEADERS = ("quantity", "formula", "numbers substituted", "value", "stated", "verdict")
SUBSTITUTED_DIGITS = 10
VALUE_DIGITS = 12
JSON_VALUE_DIGITS = 25
FORMATS = {"text": "simple", "markdown": "github"}  # report format -> tabulate table format


@dataclass(frozen=True)
class Row:
    """One line of a worked solution."""

    quantity: str
    formula: str
    substituted: str
    value: str
    stated: str = ""
    verdict: str = ""


@dataclass(frozen=True)
class Table:
    """A titled section of rows."""

    title: str
    rows: tuple[Row, ...]


def _number_text(value: sympy.Expr, digits: int) -> str:
    return to_decimal_text(value, digits)


def _substitution_numbers(case: CaseResult) -> dict[str, str]:
    """Numbers to put in a formula: the file's own text for given values, else 10 digits."""
    numbers: dict[str, str] = {}
    given = set(case.derivation.given)
    texts = _given_texts(case)
    for name, value in case.values.items():
        text = texts[name] if name in given else _number_text(value, SUBSTITUTED_DIGITS)
        numbers[name] = f"({text})" if text.startswith("-") else text
    return numbers


def _given_texts(case: CaseResult) -> dict[str, str]:
    network, data = case.derivation.network, case.case
    rows = len(data.rows)
    texts = {LEARNING_RATE: data.learning_rate, **data.parameters}
    for r, (row, targets) in enumerate(zip(data.rows, data.targets)):
        suffix = "" if rows == 1 else f"_r{r + 1}"
        texts.update({name + suffix: text for name, text in zip(network.inputs, row)})
        texts.update({name + suffix: text for name, text in zip(network.targets, targets)})
    return texts


def _ordered(steps: list[Step]) -> list[Step]:
    """Order a backward section so each gradient follows the factors it is built from."""
    by_name = {step.name: step for step in steps}
    shown: dict[str, Step] = {}

    def visit(step: Step) -> None:
        if step.name in shown:
            return
        for symbol in sorted(step.expr.free_symbols, key=lambda s: step.template.find("{" + s.name + "}")):
            if symbol.name in by_name:
                visit(by_name[symbol.name])
        shown[step.name] = step

    for step in steps:
        if step.name.startswith("dE_d") and step.row is None:
            visit(step)
    for step in steps:
        visit(step)
    return list(shown.values())


def case_tables(case: CaseResult) -> list[Table]:
    """Return the sections of one case's worked solution, in the order a learner reads them."""
    numbers = _substitution_numbers(case)
    claims: dict[str, list[Verdict]] = {}
    for verdict in case.verdicts:
        claims.setdefault(verdict.claim.quantity, []).append(verdict)
    sections: dict[str, list[Step]] = {}
    for step in case.derivation.steps:
        sections.setdefault(step.section, []).append(step)
    tables = []
    for title, steps in sections.items():
        if title.startswith("backward"):
            steps = _ordered(steps)
        rows = []
        for step in steps:
            stated = claims.get(step.name, [])
            digits = max([VALUE_DIGITS] + [len(v.claim.stated) for v in stated])
            rows.append(Row(
                step.name, step.formula, step.substituted(numbers),
                _number_text(case.values[step.name], digits),
                "; ".join(dict.fromkeys(v.claim.stated for v in stated)),
                "; ".join(dict.fromkeys(v.verdict for v in stated)),
            ))
        tables.append(Table(title[0].upper() + title[1:], tuple(rows)))
    return tables


def _case_heading(case: CaseResult) -> str:
    network, data = case.derivation.network, case.case
    parts = []
    for r, (row, targets) in enumerate(zip(data.rows, data.targets)):
        label = f"row {r + 1}: " if len(data.rows) > 1 else ""
        inputs = ", ".join(f"{n} = {t}" for n, t in zip(network.inputs, row))
        outs = ", ".join(f"{n} = {t}" for n, t in zip(network.targets, targets))
        parts.append(f"{label}{inputs}; targets {outs}")
    return f"Case {data.name}: " + " | ".join(parts) + f"; {LEARNING_RATE} = {data.learning_rate}"


def _cross_check_lines(case: CaseResult) -> list[str]:
    check = case.cross_check
    status = "agree" if check.ok else "DISAGREE"
    return [
        f"NumPy vectorized path: largest relative difference {check.numpy_max_rel_diff:.1e} "
        f"(at {check.numpy_worst}, over {check.compared} values; tolerance {NUMPY_TOLERANCE:.0e})",
        f"Central finite differences: largest relative difference {check.finite_difference_max_rel_diff:.1e} "
        f"(at {check.finite_difference_worst}; tolerance {FINITE_DIFFERENCE_TOLERANCE:.0e})",
        f"Cross-checks {status} with the exact values.",
    ]


def _claim_rows(result: Result) -> list[tuple[str, ...]]:
    rows = []
    for verdict in result.verdicts:
        computed = _number_text(verdict.computed, 15) if verdict.computed is not None else ""
        rows.append((verdict.claim.id, verdict.claim.stated, computed, verdict.verdict,
                     verdict.explanation or "", verdict.claim.where))
    return rows


def _summary_line(result: Result) -> str:
    summary = result.summary
    total = sum(summary.values())
    parts = ", ".join(f"{count} {name}" for name, count in summary.items() if count or name != "unchecked")
    return f"{total} claims: {parts}."


def render(result: Result, fmt: str = "text") -> str:
    """Return the whole report as text or Markdown."""
    table_format = FORMATS[fmt]
    markdown = fmt == "markdown"
    example = result.example

    def heading(text: str, level: int) -> str:
        if markdown:
            return f"{'#' * level} {text}"
        return f"{text}\n{('=' if level == 1 else '-') * len(text)}"

    out = [heading(f"{example.name}: {example.title}" if example.title else example.name, 1)]
    if example.source:
        out.append(f"Source: {example.source}")
    for case in result.cases:
        out += ["", heading(_case_heading(case), 2)]
        for table in case_tables(case):
            out += ["", heading(table.title, 3), tabulate(
                [tuple(row.__dict__.values()) for row in table.rows], headers=HEADERS,
                tablefmt=table_format, disable_numparse=True)]
        out += ["", heading("Cross-checks", 3)] + [f"- {line}" if markdown else line for line in _cross_check_lines(case)]
    out += ["", heading("Claims", 2), tabulate(
        _claim_rows(result), headers=("claim", "stated", "computed", "verdict", "explanation", "where"),
        tablefmt=table_format, disable_numparse=True)]
    out += ["", heading("Summary", 2), _summary_line(result)]
    return "\n".join(out) + "\n"


def _values_json(result: Result) -> dict[str, str]:
    values = {}
    several = len(result.cases) > 1
    for case in result.cases:
        for name, value in case.values.items():
            key = f"{case.case.name}.{name}" if several else name
            values[key] = _number_text(value, JSON_VALUE_DIGITS)
    return values


def to_json(result: Result) -> dict[str, Any]:
    """Return the report as the JSON contract of DESIGN.md (a dict ready for json.dumps)."""
    first = result.cases[0].cross_check
    claims = []
    for verdict in result.verdicts:
        claims.append({
            "id": verdict.claim.id,
            "what": verdict.claim.quantity,
            "stated": verdict.claim.stated,
            "computed": _number_text(verdict.computed, JSON_VALUE_DIGITS) if verdict.computed is not None else None,
            "verdict": verdict.verdict,
            "explanation": verdict.explanation,
            "source": verdict.claim.where,
            "case": verdict.claim.case,
        })
    return {
        "example": result.example.name,
        "title": result.example.title,
        "values": _values_json(result),
        "cross_check": {
            "numpy_max_rel_diff": max(c.cross_check.numpy_max_rel_diff for c in result.cases),
            "finite_difference_max_rel_diff": max(c.cross_check.finite_difference_max_rel_diff for c in result.cases),
            "ok": all(c.cross_check.ok for c in result.cases),
            "numpy_worst": first.numpy_worst,
            "finite_difference_worst": first.finite_difference_worst,
        },
        "claims": claims,
        "summary": result.summary,
        "exit_code": result.exit_code,
    }
