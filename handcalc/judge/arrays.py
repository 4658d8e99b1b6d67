"""Claims about whole arrays: a stated shape ("3x2") or printed numbers.

The arrays are laid out as the tutorials' NumPy code lays them out: `inputs`
(rows x inputs), `targets` and `outputs` (rows x outputs), and `W1`, `W2`, ...
(inputs of the layer x its neurons, so that `inputs @ W1` is the first
layer's pre-activations); `transpose = true` in a claim swaps rows and columns.
"""

from __future__ import annotations

import re
from typing import Mapping

import sympy

from ..exact.derivation import Derivation
from ..model import ArrayClaim, Case, Claim, Network, ShapeClaim
from ..naming import row_suffixes
from ..numbers import to_decimal_text
from .verdicts import Verdict, rounded_text, within_stated_digits

__all__ = ["array_values", "judge"]

Matrix = list[list[sympy.Expr]]


def array_values(name: str, case: Case, derivation: Derivation | None,
                 values: Mapping[str, sympy.Expr]) -> Matrix | None:
    """Return a named array of a case, or None if the case does not have it."""
    rational = lambda f: sympy.Rational(f.numerator, f.denominator)  # noqa: E731
    if name in ("inputs", "X"):
        return [[rational(v) for v in row] for row in case.rows]
    if name in ("targets", "y"):
        return [[rational(v) for v in row] for row in case.targets]
    if derivation is None:
        return None
    network = derivation.network
    if name in ("outputs", "out"):
        rows = len(case.rows)
        suffixes = row_suffixes(rows)
        return [[values[post + s] for post in network.layers[-1].post] for s in suffixes]
    match = re.fullmatch(r"W(\d+)", name)
    if match and 1 <= int(match.group(1)) <= len(network.layers):
        layer = network.layers[int(match.group(1)) - 1]
        return [[values[layer.weights[j][i]] for j in range(layer.size)] for i in range(len(layer.weights[0]))]
    return None


def array_shape(name: str, case: Case, network: Network) -> tuple[int, int] | None:
    """Return a named array's shape, known from the network and case alone."""
    rows = len(case.rows)
    shapes = {"inputs": (rows, len(network.inputs)), "X": (rows, len(network.inputs)),
              "targets": (rows, len(network.targets)), "y": (rows, len(network.targets)),
              "outputs": (rows, len(network.targets)), "out": (rows, len(network.targets))}
    match = re.fullmatch(r"W(\d+)", name)
    if match and 1 <= int(match.group(1)) <= len(network.layers):
        layer = network.layers[int(match.group(1)) - 1]
        return len(layer.weights[0]), layer.size
    return shapes.get(name)


def _shape_text(text: str) -> tuple[int, int]:
    numbers = re.findall(r"\d+", text)
    return int(numbers[0]), int(numbers[1])


def judge(claim: Claim, case: Case, network: Network, derivation: Derivation | None,
          values: Mapping[str, sympy.Expr]) -> Verdict:
    """Return the verdict on a shape or array claim."""
    name = claim.shown if isinstance(claim, ArrayClaim) else f"{claim.array}.T" if claim.transpose else claim.array
    if isinstance(claim, ShapeClaim):
        shape = array_shape(claim.array or "", case, network)
        if shape is None:
            return Verdict(claim, None, "unchecked", f"case {case.name} has no array named {claim.array!r}")
        if claim.transpose:
            shape = shape[::-1]
        stated = _shape_text(claim.stated)
        text = f"{name} is {shape[0]}x{shape[1]}"
        return Verdict(claim, None, "correct" if stated == shape else "wrong",
                       text if stated == shape else f"{text}, not {stated[0]}x{stated[1]}")
    matrix = array_values(claim.array or "", case, derivation, values)
    if matrix is None:
        return Verdict(claim, None, "unchecked", f"case {case.name} has no values for the array {claim.array!r}")
    if claim.transpose:
        matrix = [list(column) for column in zip(*matrix)]
    if claim.row is not None and claim.row > len(matrix):
        return Verdict(claim, None, "unchecked", f"{name}: the array has {len(matrix)} rows")
    matrix = claim.pick(matrix)
    shape = (len(matrix), len(matrix[0]) if matrix else 0)
    stated_shape = (len(claim.values), len(claim.values[0]) if claim.values else 0)
    if stated_shape != shape:
        return Verdict(claim, None, "wrong", f"{name} is {shape[0]}x{shape[1]}, the text prints "
                       f"{stated_shape[0]}x{stated_shape[1]} numbers")
    misses = []
    for r, (row, stated_row) in enumerate(zip(matrix, claim.values)):
        for c, (value, text) in enumerate(zip(row, stated_row)):
            if not within_stated_digits(text, value):
                misses.append(f"[{r}][{c}] is {rounded_text(value, text)} ({to_decimal_text(value, 12)}), not {text}")
    if misses:
        return Verdict(claim, None, "wrong", f"{name}: " + "; ".join(misses))
    return Verdict(claim, None, "correct", f"every number of {name} matches to its printed digits")
