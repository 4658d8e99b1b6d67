"""`handcalc names FILE`: every quantity a worked example defines, with its formula and value.

A user writing a worked-example file looks names up here.  The derivatives
dA_dB of any two names are quantities too, but they are quadratic in number:
the listing says so, and `handcalc names FILE NAME...` shows the named ones,
each with its chain of factors and their values.
"""

from __future__ import annotations

from typing import Iterable

from tabulate import tabulate

from ..exact.derivatives import Quantities
from ..numbers import to_decimal_text

__all__ = ["list_names", "show_names"]

DIGITS = 12


def _number(value, factor: bool = False) -> str:
    text = to_decimal_text(value, DIGITS)
    return f"({text})" if factor and text.startswith("-") else text


def _example_pair(values: Quantities) -> str | None:
    """A derivative two or more steps apart to show as an example (an output with respect to a hidden value)."""
    derivation = values.derivation
    if derivation is None:
        return None
    network = derivation.network
    suffix = "_r1" if derivation.rows > 1 else ""
    below = network.layers[-2].post[0] + suffix if len(network.layers) > 1 else network.inputs[0] + suffix
    return f"d{network.layers[-1].post[0]}{suffix}_d{below}"


def list_names(case_name: str, title: str, values: Quantities) -> str:
    """Return the table of a case's quantities: name, formula (given for the file's values), value."""
    derivation = values.derivation
    rows = []
    steps = derivation.by_name if derivation else {}
    for name in values:
        formula = steps[name].formula if name in steps else "given"
        rows.append((name, formula, _number(values[name])))
    for alias, target in values.aliases.items():
        if alias not in values.base:
            try:
                rows.append((alias, f"alias of {target}", _number(values[alias])))
            except KeyError:
                rows.append((alias, f"alias of {target}", "not computed in this case"))
    heading = f"Case {case_name}" + (f": {title}" if title else "")
    lines = [heading, "-" * len(heading), "", tabulate(rows, headers=("name", "formula", "value")), ""]
    example = _example_pair(values)
    if example:
        total = derivation.network.total_error
        loss = f" (dE_dB: of the total error {total})" if total in values.base else ""
        lines.append(f"Any dA_dB of two of these names is a quantity too: the derivative of A with respect to B "
                     f"through every path{loss}. Show one with: handcalc names FILE {example}")
    elif derivation is None:
        lines.append("No weights to compute with: only the given values are defined.")
    return "\n".join(lines) + "\n"


def show_names(case_name: str, values: Quantities, names: Iterable[str]) -> str:
    """Return each named quantity of a case with its formula, its factors' values and its value."""
    lines = []
    for name in names:
        found = values.derivative(name)
        if found is not None:
            shown = name if found.path_count == 0 else f"{name} = {found.formula}"
            if 0 < found.path_count == len(found.paths):  # every path written out: substitute its factors
                shown += " = " + " + ".join("*".join(_number(found.factors[f], True) for f in path)
                                            for path in found.paths)
            lines.append(f"{case_name}: {shown} = {_number(found.value)}")
            for factor in dict.fromkeys(f for path in found.paths for f in path):
                lines.append(f"    {factor} = {_number(found.factors[factor])}")
        elif name in values:
            steps = values.derivation.by_name if values.derivation else {}
            target = values.resolve(name)
            formula = f" = {steps[target].formula}" if target in steps else ""
            lines.append(f"{case_name}: {name}{formula} = {_number(values[name])}")
        else:
            lines.append(f"{case_name}: no quantity named {name!r}")
    return "\n".join(lines) + "\n"
