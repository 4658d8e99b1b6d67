"""What a claim states, in words: the text the report's claim table and the JSON report show.

Place in the flow: the last stage.  One rule per kind of claim (a `ValueClaim`
states its number, a `CompareClaim` its relation, ...), dispatched on the
claim's class.  Its own module so that `jsonreport` needs none of the
document, table and LaTeX machinery `report` brings.
"""

from __future__ import annotations

import functools

from ..judge.verdicts import Verdict
from ..model import (ArrayClaim, Claim, CompareClaim, PredictionClaim, RangeClaim, ShapeClaim, TrainingClaim,
                     ValueClaim)

__all__ = ["stated_text"]


def stated_text(verdict: Verdict) -> str:
    """Return what a claim states, as the report shows it (one rule per kind of claim)."""
    return _statement(verdict.claim)


@functools.singledispatch
def _statement(claim: Claim) -> str:
    raise TypeError(f"no statement for a {type(claim).__name__}")


@_statement.register
def _(claim: ValueClaim) -> str:
    return f"{claim.expression} = {claim.stated}" if claim.expression else claim.stated


@_statement.register
def _(claim: CompareClaim) -> str:
    return f"{claim.expression} {claim.relation} {claim.right}"


@_statement.register
def _(claim: RangeClaim) -> str:
    return f"{claim.expression or claim.quantity} in {claim.bounds[0]}{claim.low}, {claim.high}{claim.bounds[1]}"


@_statement.register
def _(claim: ShapeClaim) -> str:
    return f"{claim.array}{'.T' if claim.transpose else ''} is {claim.stated}"


@_statement.register
def _(claim: TrainingClaim) -> str:
    after = f" after {claim.epoch} epochs" if claim.epoch is not None else ""
    does = "" if claim.holds else " not"
    if claim.check == "loss_decreases":
        verb = "decreases" if claim.holds else "does not decrease"
        return f"the loss {verb} from epoch {claim.from_epoch}{after or ' to the end'}"
    if claim.check == "loss_at":
        return f"loss{after} = {claim.stated}"
    return f"outputs{does} within {claim.tolerance} of targets{after}"


@_statement.register
def _(claim: PredictionClaim) -> str:
    if claim.check == "class":
        return f"row {claim.row}: the network predicts class {claim.stated}"
    return f"row {claim.row}: the probabilities sum to 1"


@_statement.register
def _(claim: ArrayClaim) -> str:
    rows = ", ".join("[" + ", ".join(row) + "]" for row in claim.values)
    return f"{claim.shown} = {rows}" if claim.row is not None else f"{claim.shown} = [{rows}]"
