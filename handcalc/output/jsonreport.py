"""The JSON report: the stable contract for tools and CI (README, "JSON for tools and CI")."""

from __future__ import annotations

import math

from typing import Any, Iterable

import sympy

from ..heap import collector_paused
from ..judge.results import Result
from .stated import stated_text
from .typeset import number_text

__all__ = ["SCHEMA_VERSION", "document", "schema", "to_json"]

JSON_VALUE_DIGITS = 25
SCHEMA_VERSION = "1"  # bump when a field is removed or changes meaning (report.schema.json's "const" too)


def schema() -> dict[str, Any]:
    """Return the JSON Schema the report follows (report.schema.json, shipped inside the package)."""
    import json
    from pathlib import Path

    return json.loads(Path(__file__).with_name("report.schema.json").read_text(encoding="utf-8"))


def _float(value: Any) -> float | str:
    """A replayed float for JSON: a number, or "NaN", "Infinity", "-Infinity" for a run that diverged."""
    number = float(value)
    if math.isfinite(number):
        return number
    return "NaN" if math.isnan(number) else ("Infinity" if number > 0 else "-Infinity")


def _difference(differences: Iterable[float]) -> float | str | None:
    """The largest of some relative differences for JSON (None: there were none; see `_float`)."""
    largest = max(differences, default=None)
    return None if largest is None else _float(largest)


def _training_json(result: Result) -> dict[str, Any]:
    training = {}
    for case in result.cases:
        if case.training is None:
            continue
        replay, proc = case.training.replay, case.training.procedure
        training[case.case.name] = {
            "epochs": proc.epochs,
            "procedure": {"mode": proc.mode, "gradient": proc.gradient_loss, "update_biases": proc.update_biases,
                          "hidden_deltas": proc.hidden_deltas, "forward": proc.forward, "monitor": proc.monitor,
                          "outputs": proc.outputs, "momentum": _float(proc.momentum), "nesterov": proc.nesterov,
                          "weight_decay": _float(proc.weight_decay), "decay_form": proc.decay_form,
                          "decay_biases": proc.decay_biases},
            "reproducible": case.case.reproducible,
            "history": [{"epoch": epoch, "loss": _float(loss)} for epoch, loss in replay.history],
            "final_weights": {name: _float(value) for name, value in replay.weights.items()},
            "outputs": [[_float(v) for v in row] for row in replay.outputs],
            "prediction": None if replay.prediction is None else [[_float(v) for v in row] for row in replay.prediction],
            "exact_epochs": case.training.exact_epochs,
            "float_vs_exact": _float(case.training.float_vs_exact),
        }
    return training


def _json_number(value: sympy.Expr | None) -> str | None:
    if value is None:
        return None
    if value in (sympy.oo, -sympy.oo):
        return "Infinity" if value > 0 else "-Infinity"
    return number_text(value, JSON_VALUE_DIGITS, scientific=False)


def _values_json(result: Result) -> dict[str, str]:
    values = {}
    for index, case in enumerate(result.cases):
        for name, value in case.values.items():
            key = name if index == 0 else f"{case.case.name}.{name}"  # the first case keeps plain names
            values[key] = number_text(value, JSON_VALUE_DIGITS, scientific=False)
    return values


@collector_paused  # see `render.render_document`
def to_json(result: Result) -> dict[str, Any]:
    """Return the report as the JSON contract (README, "JSON for tools and CI") (a dict ready for json.dumps)."""
    checks = [c.cross_check for c in result.cases if c.cross_check is not None]
    claims = []
    for verdict in result.verdicts:
        claim = verdict.claim
        claims.append({
            "id": claim.id,
            "what": claim.quantity or claim.expression or claim.array,
            "kind": claim.kind,
            "stated": claim.stated if claim.kind in ("value", "shape") else stated_text(verdict),
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
        "schema_version": SCHEMA_VERSION,
        "example": result.example.name,
        "title": result.example.title,
        "values": _values_json(result),
        "cross_check": {
            "numpy_max_rel_diff": _difference(c.numpy_max_rel_diff for c in checks),
            "finite_difference_max_rel_diff": _difference(c.finite_difference_max_rel_diff for c in checks),
            "ok": all(c.ok for c in checks),
            "numpy_worst": max(checks, key=lambda c: c.numpy_max_rel_diff).numpy_worst if checks else None,
            "finite_difference_worst": (max(checks, key=lambda c: c.finite_difference_max_rel_diff)
                                        .finite_difference_worst if checks else None),
            "notes": [note for c in checks for note in c.notes],
        },
        "claims": claims,
        "training": _training_json(result),
        "summary": result.summary,
        "exit_code": result.exit_code,
    }


def document(reports: list[dict[str, Any]]) -> dict[str, Any]:
    """What `--format json` prints: the one report itself, or several under `reports` with their totals.

    Either way the top level is an object with `schema_version`, `summary` and `exit_code`, so a CI step
    reads the verdict counts and the exit code at the same place for one example and for several.
    """
    if len(reports) == 1:
        return reports[0]
    summary = {verdict: sum(report["summary"][verdict] for report in reports) for verdict in reports[0]["summary"]}
    return {
        "schema_version": SCHEMA_VERSION,
        "reports": reports,
        "summary": summary,
        "exit_code": max(report["exit_code"] for report in reports),
    }
