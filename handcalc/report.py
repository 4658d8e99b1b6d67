"""Report: the worked solution as tables (via tabulate) and as the JSON contract.

Rows read like a hand calculation: quantity, formula, the numbers substituted,
the value, what the text states, the verdict.  Building the rows is separate
from rendering them, so every format shows the same data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import sympy
from tabulate import tabulate

from .check import CaseResult, Result
from .crosscheck import FINITE_DIFFERENCE_TOLERANCE, NUMPY_TOLERANCE
from .derivation import LEARNING_RATE, Step
from .example import Network
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
    """Decimal text; more digits where rounding would make a value look like a whole number it is not."""
    text = to_decimal_text(value, digits)
    while digits < 40 and value.is_Float and sympy.Rational(text) == int(sympy.Rational(text)) \
            and sympy.Rational(text) != value and float(value) != 0:
        digits += 8
        text = to_decimal_text(value, digits)
    return text


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
    return dict(case.case.texts)


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
                "; ".join(dict.fromkeys(v.claim.stated for v in stated if v.claim.kind == "value")),
                "; ".join(dict.fromkeys(v.verdict for v in stated if v.claim.kind == "value")),
            ))
        tables.append(Table(title[0].upper() + title[1:], tuple(rows)))
    return tables


def _case_heading(case: CaseResult, network: Network) -> str:
    data = case.case
    parts = []
    several = len(data.rows) > 1
    for r in range(len(data.rows)):
        suffix = f"_r{r + 1}" if several else ""
        label = f"row {r + 1}: " if several else ""
        inputs = ", ".join(f"{n} = {data.texts[n + suffix]}" for n in network.inputs)
        outs = ", ".join(f"{n} = {data.texts[n + suffix]}" for n in network.targets if n + suffix in data.texts)
        parts.append(f"{label}{inputs}" + (f"; targets {outs}" if outs else ""))
    return f"Case {data.name}: " + " | ".join(parts) + f"; {LEARNING_RATE} = {data.texts[LEARNING_RATE]}"


def _cross_check_lines(case: CaseResult) -> list[str]:
    check = case.cross_check
    status = "agree" if check.ok else "DISAGREE"
    return [
        f"NumPy vectorized path: largest relative difference {check.numpy_max_rel_diff:.1e} "
        f"(at {check.numpy_worst}, over {check.compared} values; tolerance {NUMPY_TOLERANCE:.0e})",
        f"Central finite differences: largest relative difference {check.finite_difference_max_rel_diff:.1e} "
        f"(at {check.finite_difference_worst}; tolerance {FINITE_DIFFERENCE_TOLERANCE:.0e})",
        f"Cross-checks {status} with the exact values.",
    ] + [f"Float64: {note}" for note in check.notes]


def _no_derivation(case: CaseResult) -> str:
    if case.case.init is not None and not case.case.has_parameters:
        return ("No hand calculation: the tutorial's code draws this case's weights at random "
                f"({_init_text(case.case.init)}); only claims about its data are judged.")
    return "No hand calculation: this case gives inputs only (no targets); only claims about its data are judged."


def _init_text(init: Mapping[str, Any]) -> str:
    return ", ".join(f"{key} {value}" for key, value in init.items())


def _computed_text(verdict: Verdict) -> str:
    value = verdict.computed
    if value is None:
        return ""
    if value in (sympy.oo, -sympy.oo):
        return "∞" if value > 0 else "-∞"
    return _number_text(value, 15)


def _stated_text(verdict: Verdict) -> str:
    claim = verdict.claim
    if claim.kind == "value":
        return f"{claim.expression} = {claim.stated}" if claim.expression else claim.stated
    if claim.kind == "compare":
        return f"{claim.expression} {claim.relation} {claim.right}"
    if claim.kind == "range":
        return f"{claim.expression or claim.quantity} in {claim.bounds[0]}{claim.low}, {claim.high}{claim.bounds[1]}"
    if claim.kind == "shape":
        return f"{claim.array}{'.T' if claim.transpose else ''} is {claim.stated}"
    rows = ", ".join("[" + ", ".join(row) + "]" for row in claim.values)
    return f"{claim.array}{'.T' if claim.transpose else ''} = [{rows}]"


def _claim_rows(result: Result) -> list[tuple[str, ...]]:
    rows = []
    for verdict in result.verdicts:
        rows.append((verdict.claim.id, _clip(_stated_text(verdict), 48), _computed_text(verdict), verdict.verdict,
                     _wrap_text(verdict.explanation or "", 70), _wrap_text(verdict.claim.where, 50)))
    return rows


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def _wrap_text(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) if text else ""


def _summary_lines(result: Result) -> list[str]:
    summary = result.summary
    total = sum(summary.values())
    parts = ", ".join(f"{count} {name}" for name, count in summary.items() if count or name != "unchecked")
    lines = []
    verdicts = result.verdicts
    roots = [v for v in verdicts if v.verdict == "wrong"]
    if roots:
        lines.append("Root errors, each with what follows from it:")
        for root in roots:
            following = [v.claim.id for v in verdicts if root.claim.id in v.roots]
            line = f"- {root.claim.id} ({_stated_text(root)}): {root.explanation}"
            if following:
                line += f". Follows from it: {', '.join(following)}"
            lines.append(line)
    lines.append(f"{total} claims: {parts}.")
    return lines


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
        out += ["", heading(_case_heading(case, example.network_of(case.case)), 2)]
        if case.case.title:
            out.append(case.case.title[0].upper() + case.case.title[1:])
        if case.derivation is None:
            out += ["", _no_derivation(case)]
            continue
        for table in case_tables(case):
            out += ["", heading(table.title, 3), tabulate(
                [tuple(row.__dict__.values()) for row in table.rows], headers=HEADERS,
                tablefmt=table_format, disable_numparse=True)]
        out += ["", heading("Cross-checks", 3)] + [f"- {line}" if markdown else line for line in _cross_check_lines(case)]
    out += ["", heading("Claims", 2), tabulate(
        _claim_rows(result), headers=("claim", "stated", "computed", "verdict", "explanation", "where"),
        tablefmt=table_format, disable_numparse=True)]
    out += ["", heading("Summary", 2)] + _summary_lines(result)
    return "\n".join(out) + "\n"


def _json_number(value: sympy.Expr | None) -> str | None:
    if value is None:
        return None
    if value in (sympy.oo, -sympy.oo):
        return "Infinity" if value > 0 else "-Infinity"
    return _number_text(value, JSON_VALUE_DIGITS)


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
    checks = [c.cross_check for c in result.cases if c.cross_check is not None]
    claims = []
    for verdict in result.verdicts:
        claim = verdict.claim
        claims.append({
            "id": claim.id,
            "what": claim.quantity or claim.expression or claim.array,
            "kind": claim.kind,
            "stated": claim.stated if claim.kind in ("value", "shape") else _stated_text(verdict),
            "computed": _json_number(verdict.computed),
            "verdict": verdict.verdict,
            "explanation": verdict.explanation,
            "source": claim.where,
            "case": claim.case,
            "as_written": _json_number(verdict.as_written) if claim.expression and claim.kind == "value" else None,
            "expression": claim.expression,
            "roots": list(verdict.roots),
            "slips": list(verdict.slips),
        })
    return {
        "example": result.example.name,
        "title": result.example.title,
        "values": _values_json(result),
        "cross_check": {
            "numpy_max_rel_diff": max((c.numpy_max_rel_diff for c in checks), default=None),
            "finite_difference_max_rel_diff": max((c.finite_difference_max_rel_diff for c in checks), default=None),
            "ok": all(c.ok for c in checks),
            "numpy_worst": max(checks, key=lambda c: c.numpy_max_rel_diff).numpy_worst if checks else None,
            "finite_difference_worst": (max(checks, key=lambda c: c.finite_difference_max_rel_diff)
                                        .finite_difference_worst if checks else None),
        },
        "claims": claims,
        "summary": result.summary,
        "exit_code": result.exit_code,
    }
