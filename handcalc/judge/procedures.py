"""Which training procedure produced a text's numbers, when the one it describes does not.

A stated loss or output after N updates that the described procedure does not
give is often right for a slightly different procedure: hidden deltas from
output weights already updated in the same step, biases left alone, online
instead of full-batch updates, the gradient of the squared error instead of
half of it, a mean instead of a sum, the forward pass before the last update,
the learning rate applied twice.  `explain` replays each such variant (one
change at a time) and names the first that reproduces the stated number to its
digits.  The search is bounded: at most len(VARIANTS) replays per case, each
paid for from the run's work budget as optional work (`budget.afford`), cached
across the case's claims, and run only for a training claim already judged
wrong, so a run whose training claims are all correct never pays for it.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from typing import Callable

from ..records import record
from .. import budget
from ..floats.replay import replay
from ..model import Case, Claim, Network, Procedure, TrainingClaim
from ..numbers import to_decimal_text
from .training import TrainingResult, claim_epochs, judge_training
from .verdicts import Verdict

__all__ = ["Variant", "VARIANTS", "variants", "explain", "REPLAY_UNITS"]

REPLAY_UNITS = 50  # `training_work` units (10-20 ns each) per work unit, as the training replay is charged


@record
class Variant:
    """One way a text's procedure may differ from the one it describes."""

    says: str  # "hidden deltas use the already updated output weights"
    procedure: Procedure
    learning_rate: Fraction | None = None  # a different learning rate, None: the case's
    epoch_shift: int = 0  # -1: the numbers come from the forward pass before the last update


def _flip(options: dict[str, tuple[object, object, str, str]]) -> Callable[[Procedure], list[tuple[str, str, Procedure]]]:
    """Variants that flip one two-valued option: (value a, value b, what a reads as, what b reads as)."""
    def make(proc: Procedure) -> list[tuple[str, str, Procedure]]:
        found = []
        for name, (a, b, says_a, says_b) in options.items():
            now = getattr(proc, name)
            found.append((name, says_b if now == a else says_a, replace(proc, **{name: b if now == a else a})))
        return found
    return make


_FLIPS = _flip({
    "hidden_deltas": ("before_update", "after_update", "hidden deltas use the output weights from before the update",
                      "hidden deltas use the already updated output weights"),
    "update_biases": (True, False, "the biases are updated too", "the biases are not updated"),
    "mode": ("batch", "online", "the updates are full-batch (once per epoch)",
             "the updates are online (one row at a time)"),
})

_GRADIENTS = {"half_squared_error": "the gradient of half the squared error (out - t) drives the updates",
              "squared_error": "the gradient of the squared error (2(out - t)) drives the updates",
              "mean_squared_error": "the gradient of the mean squared error (a mean, not a sum) drives the updates"}


def variants(network: Network, case: Case, proc: Procedure) -> list[Variant]:
    """Return the plausible procedures one change away from the described one, in the order they are tried."""
    moot = set()  # options that cannot change this network's numbers
    if len(network.layers) < 2:
        moot.add("hidden_deltas")
    if not any(layer.biases for layer in network.layers):
        moot.add("update_biases")
    if len(case.rows) < 2:
        moot.add("mode")
    found = [Variant(says, changed) for name, says, changed in _FLIPS(proc) if name not in moot]
    used = proc.gradient_loss or network.loss
    if used in _GRADIENTS:
        found += [Variant(says, replace(proc, gradient_loss=loss)) for loss, says in _GRADIENTS.items() if loss != used]
    found.append(Variant("the numbers come from the forward pass before the last update", proc, epoch_shift=-1))
    found.append(Variant("the learning rate is applied twice (eta^2)", proc, case.learning_rate ** 2))
    return found


VARIANTS = ("hidden_deltas", "update_biases", "mode", "gradient (two other losses)", "forward pass before the last "
            "update", "learning rate applied twice")  # for the README and the benchmark: at most 8 replays


class _Search:
    """One case's variant replays, made on first need and kept for its other claims."""

    def __init__(self, network: Network, case: Case, training: TrainingResult, claims: tuple[Claim, ...]) -> None:
        self.network, self.case, self.training = network, case, training
        self.marks = claim_epochs(claims, training.procedure) | {max(training.procedure.epochs - 1, 0)}
        self.marks = frozenset(m for m in self.marks if m > 0)
        self.runs: dict[int, TrainingResult | None] = {}
        self.candidates = variants(network, case, training.procedure)
        from ..read.limits import replay_work

        self.cost = replay_work(network, case, claims) // REPLAY_UNITS + 1

    def result(self, index: int) -> TrainingResult | None:
        if index not in self.runs:
            variant = self.candidates[index]
            if not budget.afford(self.cost):
                self.runs[index] = None
            else:
                case = self.case if variant.learning_rate is None else replace(self.case,
                                                                                learning_rate=variant.learning_rate)
                run = replay(self.network, case, variant.procedure, self.marks)
                self.runs[index] = TrainingResult(variant.procedure, run, 0, 0.0)
        return self.runs[index]


def _shifted(claim: Claim, proc: Procedure, shift: int) -> Claim | None:
    epoch = (claim.epoch if claim.epoch is not None else proc.epochs) + shift
    return replace(claim, epoch=epoch) if epoch > 0 else None


def explain(verdict: Verdict, search: _Search) -> Verdict:
    """Return a wrong training verdict, told which procedure variant reproduces the stated number, if one does."""
    claim = verdict.claim
    if verdict.verdict != "wrong" or (isinstance(claim, TrainingClaim) and claim.check != "loss_at"):
        return verdict
    for index, variant in enumerate(search.candidates):
        asked = _shifted(claim, search.training.procedure, variant.epoch_shift) if variant.epoch_shift else claim
        run = search.result(index) if asked is not None else None
        if run is None:
            continue
        if judge_training(asked, search.case, run, search.network).verdict == "correct":
            described = to_decimal_text(verdict.computed, 12) if verdict.computed is not None else "another value"
            text = (f"{verdict.explanation}; stated {claim.stated} matches the replay in which {variant.says}; "
                    f"the procedure the text describes gives {described}")
            return replace(verdict, explanation=text)
    return verdict


def search_for(network: Network, case: Case, training: TrainingResult | None,
               claims: tuple[Claim, ...]) -> _Search | None:
    """Return the (lazy) variant search of a case's training run, None when it has none."""
    return None if training is None else _Search(network, case, training, claims)
