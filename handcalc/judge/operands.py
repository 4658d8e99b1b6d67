"""Which quantity each number written in an expression stands for.

`(.9994 * .4) + (1.000 * .5) + (.9984 * .9) = 1.79832` computes y1 of tutorial2:
matched against y1's formula `out_h1*w7 + out_h2*w8 + out_h3*w9`, the tree of
the written sum pairs .9994 with out_h1, .4 with w7, and so on.  + and * may be
written in either order; of the pairings that fit, the one whose numbers lie
closest to the quantities' exact values wins: first the one with the fewest numbers
that do not round from their quantity, then the smallest total distance.
"""

from __future__ import annotations

import re
from typing import Mapping

import sympy

from ..expr import expression as ex
from ..exact.derivation import Derivation
from ..model import Claim
from ..naming import row_of
from ..numbers import parse_rational

__all__ = ["operand_map", "MAX_PAIRINGS"]

MAX_PAIRINGS = 64  # pairings tried per expression: enough for any sum a text writes by hand

_CALLS = {"sigmoid": "sigmoid", "tanh": "tanh"}  # activations a text may write as a function call


def _formulas(name: str, derivation: Derivation | None, values: Mapping[str, sympy.Expr]) -> list[ex.Node]:
    """A quantity's formula as trees: as derived (a derivative dA_dB: its chain of factors), S(z) for a
    sigmoid (tanh(z) for tanh), and S'(z) for the sigmoid's derivative dout/dz (f'(z) for any activation)."""
    name = values.resolve(name) if hasattr(values, "resolve") else name  # an alias stands for its quantity
    step = derivation.by_name.get(name) if derivation else None
    if step is None:
        found = values.derivative(name) if hasattr(values, "derivative") else None
        if found is None or found.path_count != len(found.paths) or not found.paths:
            return []
        return [ex.parse(found.formula)]
    forms = []
    try:
        forms.append(ex.parse(step.formula))
    except ex.ExpressionError:
        pass  # a formula outside the expression language (max(0, z)) is matched by its call form only
    for layer in derivation.network.layers:
        for pre, post in zip(layer.pre, layer.post):
            suffix = row_of(name, post)
            if suffix is not None and layer.activation in _CALLS:
                forms.append(ex.Call(_CALLS[layer.activation], ex.Name(pre + suffix)))
            local = re.fullmatch(rf"d{re.escape(post)}(_r[0-9]+)?_d{re.escape(pre)}(_r[0-9]+)?", name)
            if local and local.group(1) == local.group(2):
                forms.append(ex.Call(layer.activation + "'", ex.Name(pre + (local.group(1) or ""))))
    return forms


def _distance(number: ex.Number, quantity: str, values: Mapping[str, sympy.Expr]) -> float:
    """How far a written number is from the quantity it would stand for (relative)."""
    value = values.get(quantity)
    if value is None:
        return 1.0
    written = float(parse_rational(number.text))
    return abs(written - float(value)) / max(abs(float(value)), 1e-12)


def _rounds_from(number: ex.Number, quantity: str, values: Mapping[str, sympy.Expr]) -> bool:
    """Return True if the written number is the quantity's value rounded to its digits."""
    from .verdicts import within_stated_digits

    return quantity in values and within_stated_digits(number.text, values[quantity])


def operand_map(claim: Claim, node: ex.Node, derivation: Derivation | None,
                values: Mapping[str, sympy.Expr]) -> list[tuple[ex.Number, str]]:
    """Pair each number written in the claim's expression with the quantity it stands for."""
    if claim.operands:
        return [(n, q) for n, q in zip(ex.numbers(node), claim.operands) if q]
    best: list[tuple[ex.Number, str]] = []
    best_cost = None
    fits: dict[tuple[str, str], tuple[bool, float]] = {}  # the pairings share most of their pairs: judge each once

    def fit(number: ex.Number, quantity: str) -> tuple[bool, float]:
        """(the number does not round from the quantity, its distance from it)."""
        key = (number.text, quantity)
        if key not in fits:
            fits[key] = (not _rounds_from(number, quantity, values), _distance(number, quantity, values))
        return fits[key]

    for form in _formulas(claim.quantity or "", derivation, values):
        for pairs in _pairings(node, form):
            each = [fit(number, quantity) for number, quantity in pairs]
            cost = (sum(missed for missed, _ in each), sum(distance for _, distance in each))
            if best_cost is None or cost < best_cost:
                best, best_cost = pairs, cost
    return best


def _pairings(written: ex.Node, formula: ex.Node) -> list[list[tuple[ex.Number, str]]]:
    """Every way to pair written numbers with formula names, the two trees having the same shape.

    A formula's trailing /1 or *1 may be left out in the writing.
    """
    if isinstance(formula, ex.Name):
        return [[(written, formula.id)]] if isinstance(written, ex.Number) else []
    if isinstance(formula, ex.Number):
        return [[]] if isinstance(written, ex.Number) else []
    if isinstance(formula, ex.Binary) and formula.op in "*/" and isinstance(formula.right, ex.Number) \
            and formula.right.text == "1" and not (isinstance(written, ex.Binary) and written.op == formula.op):
        return _pairings(written, formula.left)
    if type(written) is not type(formula):
        return []
    if isinstance(formula, ex.Unary):
        return _pairings(written.operand, formula.operand) if written.op == formula.op else []
    if isinstance(formula, ex.Call):
        return _pairings(written.arg, formula.arg) if written.func == formula.func else []
    if written.op != formula.op:
        return []
    orders = [(written.left, written.right)]
    if formula.op in "+*":
        orders.append((written.right, written.left))
    found = []
    for left, right in orders:
        for a in _pairings(left, formula.left):
            for b in _pairings(right, formula.right):
                found.append(a + b)
                if len(found) >= MAX_PAIRINGS:
                    return found
    return found
