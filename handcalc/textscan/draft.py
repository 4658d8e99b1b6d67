"""Scan, step 6: a worked-example file drafted from a scan, for the user to complete.

Every statement found becomes a [[claims]] entry (`expression`, `stated`,
`where` with its line); values the text gives plainly become parameters (w*,
b*), inputs (x1, x2, ...), targets (T1, ...) and the learning rate (eta);
what a text cannot say for sure (the network's shape, which quantity a claim
states) is left as a line marked FILL IN.  Once those are filled in,
`handcalc check` runs the file like any other.
"""

from __future__ import annotations

import json
import re

from ..expr import expression as ex
from .judging import Binding
from .scanner import ScanResult

__all__ = ["draft", "FILL_IN"]

FILL_IN = "FILL IN"
_PARAMETER = re.compile(r"^(?:w|b)\d+(?:_\d+)?$")
_RATE = ("eta", "learning_rate", "alpha", "lr")


def _string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def _numbered(values: dict[str, Binding], prefix: str) -> list[Binding]:
    found = []
    while f"{prefix}{len(found) + 1}" in values:
        found.append(values[f"{prefix}{len(found) + 1}"])
    return found


def _row(bindings: list[Binding]) -> str:
    return "[[" + ", ".join(_string(b.text) for b in bindings) + "]]"


def _head(result: ScanResult, values: dict[str, Binding]) -> list[str]:
    stem = re.sub(r"\W+", "_", result.name.rsplit("/", 1)[-1].rsplit(".", 1)[0]).strip("_") or "draft"
    inputs, targets = _numbered(values, "x"), _numbered(values, "T")
    parameters = sorted((b for n, b in values.items() if _PARAMETER.match(n)),
                        key=lambda b: (b.name[0] == "b", [int(part) for part in re.findall(r"\d+", b.name)]))
    rate = next((values[n] for n in _RATE if n in values), None)
    lines = [f"# Drafted by `handcalc scan {result.name}`: every statement found is a claim below.",
             f"# Complete every line marked {FILL_IN}, then run: handcalc check THIS_FILE", "",
             "[example]", f"name = {_string(stem if stem[0].isalpha() else 'draft_' + stem)}",
             f'title = "{FILL_IN}: a one-line description"', f"source = {_string(result.name)}", "",
             "[network]", f"sizes = []                     # {FILL_IN}: layer sizes, inputs first, e.g. [2, 2, 2]",
             f'activation = "sigmoid"         # {FILL_IN} if not: sigmoid, tanh, relu, identity',
             f'bias = "shared"                # {FILL_IN} if not: none, shared, per_neuron', "",
             f"[parameters]                   # the values the text gives; {FILL_IN} every other weight and bias"]
    lines += [f"{b.name} = {_string(b.text)}{' ' * max(1, 24 - len(b.name) - len(b.text))}# line {b.line}"
              for b in parameters]
    lines += ["", "[[cases]]", 'name = "text"']
    lines.append(f"inputs = {_row(inputs)}    # from the text: {', '.join(f'{b.name} line {b.line}' for b in inputs)}"
                 if inputs else f"inputs = [[]]                  # {FILL_IN}: the input row(s)")
    lines.append(f"targets = {_row(targets)}   # from the text: {', '.join(f'{b.name} line {b.line}' for b in targets)}"
                 if targets else f"targets = [[]]                 # {FILL_IN}: the target row(s), or remove")
    lines.append(f"learning_rate = {_string(rate.text)}   # {rate.name}, line {rate.line}" if rate
                 else f'learning_rate = "1"            # {FILL_IN}: the learning rate')
    return lines


def _claims(result: ScanResult) -> list[str]:
    lines: list[str] = []
    for statement in result.statements:
        lines += ["", "[[claims]]"]
        names = sorted(ex.names(ex.parse(statement.expression))) if statement.expression else []
        if statement.name:
            lines.append(f'# quantity = {_string(statement.name)}   # {FILL_IN}: the quantity this states, if the '
                         "network has it (the text calls it so)")
        else:
            lines.append(f"# quantity = \"\"   # {FILL_IN}: the quantity this states, if any")
        if statement.expression:
            lines.append(f"expression = {_string(statement.expression)}")
        if names:
            lines.append(f"# {FILL_IN}: {', '.join(names)} must be names of the network or its parameters")
        lines.append(f"stated = {_string(statement.verdict.claim.stated)}")
        lines.append(f"where = {_string(f'line {statement.line}: {statement.text}')}")
        lines.append(f"# scan verdict: {statement.verdict.verdict}")
    return lines


def draft(result: ScanResult) -> str:
    """Return the drafted worked-example file's text (TOML)."""
    values = {b.name: b for b in result.values}
    return "\n".join(_head(result, values) + _claims(result)) + "\n"
