"""Claims about a training run, judged against its replay.

Outputs printed after training, losses at given epochs, "the loss decreases",
"the outputs come close to the targets".  The float64 replay decides them;
its error is bounded by the 40-digit replay of the run's first epochs.
"""

from __future__ import annotations


import numpy as np
import sympy

from ..records import record
from ..model import ArrayClaim, Case, Claim, Network, Procedure, TrainingClaim, ValueClaim
from ..naming import row_of
from ..numbers import parse_rational, to_decimal_text
from ..floats.replay import Replay
from .verdicts import Verdict, rounded_text, within_stated_digits

__all__ = ["TrainingResult", "judge_training", "claim_epochs"]


@record
class TrainingResult:
    """A case's replay, and how far the float64 run strays from 40-digit arithmetic."""

    procedure: Procedure
    replay: Replay
    exact_epochs: int  # epochs also replayed with 40 digits
    float_vs_exact: float  # largest relative difference of the weights after `exact_epochs`


def claim_epochs(claims: tuple[Claim, ...], procedure: Procedure) -> frozenset[int]:
    """Return the epochs the claims ask about, besides the run's own length."""
    return frozenset(e for claim in claims for e in claim.epochs() if e > 0 and e != procedure.epochs)


class _Diverged(ArithmeticError):
    """A value the claim needs is NaN or infinite in the float64 replay."""


def _exact(value: float) -> sympy.Expr:
    """The exact value of a float the replay gives; NaN or infinity (a diverged run) raises `_Diverged`."""
    if not np.isfinite(float(value)):
        raise _Diverged(str(float(value)))
    return sympy.Rational(float(value))


def _divergence(training: TrainingResult) -> str:
    """Say where the replay stopped being a number (the first reported loss that is NaN or infinite)."""
    for epoch, loss in training.replay.history:
        if not np.isfinite(float(loss)):
            return f"the float64 replay diverged: its loss is {float(loss)} by epoch {epoch:,}"
    return "the float64 replay diverged: it ends in NaN or infinite values"


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


def _array(claim: Claim, network: Network, training: TrainingResult) -> tuple[np.ndarray | None, str]:
    """The replayed array an after-training array claim is about, and what it is ("" when it has none)."""
    if claim.array in ("outputs", "out"):
        return _outputs(claim, training), "the outputs"
    epochs = claim.epoch if claim.epoch is not None else training.procedure.epochs
    if epochs != training.procedure.epochs:
        return None, f"only the outputs are kept after {epochs} epochs"
    if claim.array == "predictions":
        if training.replay.prediction is None:
            return None, "the training run predicts nothing ([cases.training] predict)"
        return training.replay.prediction, "the predictions"
    if claim.array and claim.array[0] == "W" and claim.array[1:].isdigit():
        layer = network.layers[int(claim.array[1:]) - 1]
        weights = training.replay.weights
        matrix = [[float(weights[layer.weights[j][i]]) for j in range(layer.size)] for i in range(len(layer.weights[0]))]
        return np.array(matrix), f"the weights {claim.array}"
    return None, f"the {claim.array} do not change in training"


def _after_training(claim: Claim, network: Network, training: TrainingResult) -> tuple[float | None, str]:
    """The replayed number an after-training value claim names: an output (of a row), the loss, a parameter."""
    epochs = claim.epoch if claim.epoch is not None else training.procedure.epochs
    name = claim.quantity or ""
    for k, post in enumerate(network.layers[-1].post):
        suffix = row_of(name, post)
        if suffix is not None:
            row = int(suffix[2:]) - 1 if suffix else 0
            outputs = _outputs(claim, training)
            if row >= outputs.shape[0]:
                return None, f"the run has {outputs.shape[0]} rows"
            return float(outputs[row, k]), f"{name} after {epochs} epochs"
    if name == network.total_error:
        monitor = training.procedure.monitor
        if monitor not in (None, network.loss):
            return None, f"the run monitors {monitor}, not the network's {network.loss} ({name})"
        return _loss(training, epochs), f"the loss after {epochs} epochs"
    if name in network.parameters and epochs == training.procedure.epochs:
        return float(training.replay.weights[name]), f"{name} after {epochs} epochs"
    return None, (f"after training, the replay gives the outputs, the loss ({network.total_error}), the final "
                  f"parameters and the predictions: {name} after {epochs} epochs is none of them")


def _value_verdict(claim: Claim, network: Network, training: TrainingResult) -> Verdict:
    value, what = _after_training(claim, network, training)
    if value is None:
        return Verdict(claim, None, "unchecked", what)
    exact = _exact(value)
    if within_stated_digits(claim.stated, exact):
        return Verdict(claim, exact, "correct", f"{what} is {to_decimal_text(exact, 12)}")
    return Verdict(claim, exact, "wrong", f"{what} is {rounded_text(exact, claim.stated)}, not {claim.stated}")


def judge_training(claim: Claim, case: Case, training: TrainingResult | None, network: Network) -> Verdict:
    """Return the verdict on an after-training value or array claim, or a training claim.

    A claim that needs a value the float64 replay has lost to NaN or infinity
    (a run that diverged) is wrong, and says where the run diverged.
    """
    if training is None:
        return Verdict(claim, None, "unchecked", f"case {case.name} describes no training run ([cases.training])")
    try:
        return _judge_training(claim, case, training, network)
    except _Diverged:
        return Verdict(claim, None, "wrong", f"{_divergence(training)}: no number it ends with can bear this claim out")


def _judge_training(claim: Claim, case: Case, training: TrainingResult, network: Network) -> Verdict:
    epochs = claim.epoch if claim.epoch is not None else training.procedure.epochs
    if isinstance(claim, ValueClaim):
        return _value_verdict(claim, network, training)
    if isinstance(claim, ArrayClaim):
        outputs, what = _array(claim, network, training)
        if outputs is None:
            return Verdict(claim, None, "unchecked", what)
        if claim.transpose:
            outputs = outputs.T
        if claim.row is not None:
            if claim.row > outputs.shape[0]:
                return Verdict(claim, None, "unchecked", f"{what} have {outputs.shape[0]} rows, not {claim.row}")
            outputs = outputs[claim.row - 1:claim.row]
            what = f"{what}, row {claim.row},"
        if outputs.shape != (len(claim.values), len(claim.values[0])):
            return Verdict(claim, None, "wrong", f"{what} are {outputs.shape[0]}x{outputs.shape[1]}")
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
