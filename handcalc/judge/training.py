"""Claims about a training run, judged against its replay.

Outputs printed after training, losses at given epochs, "the loss decreases",
"the outputs come close to the targets".  The float64 replay decides them;
its error is bounded by the 40-digit replay of the run's first epochs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy

from ..model import ArrayClaim, Case, Claim, Procedure, TrainingClaim
from ..numbers import parse_rational, to_decimal_text
from ..floats.replay import Replay
from .verdicts import Verdict, rounded_text, within_stated_digits

__all__ = ["TrainingResult", "judge_training", "claim_epochs"]


@dataclass(frozen=True)
class TrainingResult:
    """A case's replay, and how far the float64 run strays from 40-digit arithmetic."""

    procedure: Procedure
    replay: Replay
    exact_epochs: int  # epochs also replayed with 40 digits
    float_vs_exact: float  # largest relative difference of the weights after `exact_epochs`


def claim_epochs(claims: tuple[Claim, ...], procedure: Procedure) -> frozenset[int]:
    """Return the epochs the claims ask about, besides the run's own length."""
    return frozenset(e for claim in claims for e in claim.epochs() if e > 0 and e != procedure.epochs)


def _exact(value: float) -> sympy.Expr:
    return sympy.Rational(float(value))


def _outputs(claim: Claim, training: TrainingResult) -> np.ndarray:
    epoch = claim.epoch if claim.epoch is not None else training.procedure.epochs
    if epoch == training.procedure.epochs:
        return training.replay.outputs
    return training.replay.snapshots[epoch]


def _loss(training: TrainingResult, epoch: int) -> float:
    for at, value in training.replay.history:
        if at == epoch:
            return float(value)
    return float(training.replay.losses_at[epoch])


def judge_training(claim: Claim, case: Case, training: TrainingResult | None) -> Verdict:
    """Return the verdict on an after-training array claim or a training claim."""
    if training is None:
        return Verdict(claim, None, "unchecked", f"case {case.name} describes no training run ([cases.training])")
    epochs = claim.epoch if claim.epoch is not None else training.procedure.epochs
    if isinstance(claim, ArrayClaim):
        outputs = _outputs(claim, training)
        if claim.transpose:
            outputs = outputs.T
        if outputs.shape != (len(claim.values), len(claim.values[0])):
            return Verdict(claim, None, "wrong", f"the outputs are {outputs.shape[0]}x{outputs.shape[1]}")
        misses = [f"[{r}][{c}] is {rounded_text(_exact(outputs[r, c]), text)}, not {text}"
                  for r, row in enumerate(claim.values) for c, text in enumerate(row)
                  if not within_stated_digits(text, _exact(outputs[r, c]))]
        shown = to_decimal_text(_exact(outputs.flat[0]), 12)
        if misses:
            return Verdict(claim, _exact(outputs.flat[0]), "wrong", f"after {epochs} epochs: " + "; ".join(misses))
        return Verdict(claim, _exact(outputs.flat[0]), "correct",
                       f"after {epochs} epochs the replay prints every number to its digits (first: {shown})")
    if not isinstance(claim, TrainingClaim):  # the loader lets only array and training claims through
        raise TypeError(f"a training replay does not decide a {type(claim).__name__}")
    if claim.check == "loss_decreases":
        start, end = _loss(training, claim.from_epoch), _loss(training, epochs)
        text = f"loss after {claim.from_epoch} epochs {start:.6g}, after {epochs} epochs {end:.6g}"
        return Verdict(claim, _exact(end), _holds(claim, end < start), text)
    if claim.check == "loss_at":
        value = _exact(_loss(training, epochs))
        if within_stated_digits(claim.stated, value):
            return Verdict(claim, value, "correct", f"loss after {epochs} epochs")
        return Verdict(claim, value, "wrong", f"the loss after {epochs} epochs is {rounded_text(value, claim.stated)}, "
                       f"not {claim.stated}")
    outputs = _outputs(claim, training)
    targets = np.array([[float(v) for v in row] for row in case.targets])
    gap = float(np.max(np.abs(outputs - targets)))
    limit = parse_rational(claim.tolerance or "0")
    text = f"after {epochs} epochs the largest |output - target| is {gap:.4g} (tolerance {claim.tolerance})"
    return Verdict(claim, _exact(gap), _holds(claim, _exact(gap) <= limit), text)


def _holds(claim: Claim, passed: bool) -> str:
    """The verdict on a check the text says passes (`holds`) or, with holds = false, does not."""
    return "correct" if passed == claim.holds else "wrong"
