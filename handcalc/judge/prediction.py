"""Claims about one row's outputs: the predicted class (the argmax) and "the probabilities sum to 1".

Both are decided from the case's exact outputs: a class only when one output is
strictly the largest (a tie is reported as a tie, never broken), a sum only
when it is exactly 1.
"""

from __future__ import annotations

from typing import Mapping

import sympy

from ..model import Case, Network, PredictionClaim
from ..naming import in_row
from .verdicts import Verdict, short_value

__all__ = ["judge"]

_DIGITS = 60  # working precision to tell two exact outputs apart; equal ones are proved equal


def _sign(difference: sympy.Expr) -> int:
    """Return the exact sign of a difference of two exact values."""
    if difference == 0:
        return 0
    for digits in (_DIGITS, 4 * _DIGITS):
        value = difference.evalf(digits)
        if value.is_comparable and abs(value) > sympy.Float(10) ** (10 - digits):
            return 1 if value > 0 else -1
    return 0 if sympy.simplify(difference) == 0 else (1 if difference.evalf(16 * _DIGITS) > 0 else -1)


def _outputs(claim: PredictionClaim, case: Case, network: Network,
             values: Mapping[str, sympy.Expr]) -> list[sympy.Expr]:
    rows = len(case.rows)
    return [values[in_row(post, claim.row - 1, rows)] for post in network.layers[-1].post]


def judge(claim: PredictionClaim, case: Case, network: Network, values: Mapping[str, sympy.Expr]) -> Verdict:
    """Return the verdict on a prediction claim, from the case's exact outputs."""
    outputs = _outputs(claim, case, network, values)
    shown = ", ".join(short_value(v) for v in outputs)
    if claim.check == "sums_to_one":
        total = sum(outputs, sympy.Integer(0))
        if _sign(total - 1) == 0:
            return Verdict(claim, sympy.Integer(1), "correct", f"row {claim.row}'s outputs [{shown}] sum to exactly 1")
        return Verdict(claim, total, "wrong", f"row {claim.row}'s outputs [{shown}] sum to {short_value(total)}, not 1")
    best = [0]
    for k in range(1, len(outputs)):
        sign = _sign(outputs[k] - outputs[best[0]])
        if sign > 0:
            best = [k]
        elif sign == 0:
            best.append(k)
    classes = [k + 1 for k in best]
    exact = sympy.Integer(classes[0])
    if len(classes) > 1:
        tied = ", ".join(str(c) for c in classes)
        return Verdict(claim, None, "wrong", f"row {claim.row}'s outputs [{shown}] tie for the largest between "
                       f"classes {tied}: no single predicted class, not class {claim.stated}")
    if classes[0] == int(claim.stated):
        return Verdict(claim, exact, "correct", f"row {claim.row}'s largest output is class {classes[0]} of [{shown}]")
    return Verdict(claim, exact, "wrong", f"row {claim.row}'s largest output is class {classes[0]} of [{shown}], "
                   f"not class {claim.stated}")
