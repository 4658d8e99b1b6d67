"""The pipeline: worked example -> derivation -> exact values -> cross-checks -> verdicts."""

from __future__ import annotations

import sys
from typing import Callable

from . import budget
from .floats.crosscheck import cross_check, float_notes, relative_difference
from .exact.derivation import derive
from .model import Case, Claim, Network, Procedure, WorkedExample
from .judge.training import TrainingResult
from .exact.derivatives import Quantities
from .naming import is_quantity
from .exact.values import ValueRangeError, evaluate, given_inputs, given_values
from .judge.claims import judge_case
from .judge.results import CaseResult, Result

__all__ = ["CaseResult", "Result", "check", "check_case", "case_values", "validate_claims"]

PROGRESS_THRESHOLD = 2_000_000  # epochs x rows beyond which a terminal gets a progress bar
DIFFERENCE_COST = 40  # work units (~microseconds) of one parameter's finite difference, per row (measured: 21)
TRAINING_UNITS = 50  # `training_work` units (10-20 ns each) per work unit
# the float replay against the 40-digit one: two floats, compared relatively down to 1e-300
DRIFT_FLOOR = 1e-300


def _train(network: Network, case: Case, claims: tuple[Claim, ...], progress: bool) -> TrainingResult | None:
    """Replay the case's training run in float64, and its first epochs with 40 digits to bound the error."""
    if case.training is None or not case.has_parameters or not case.targets:
        return None
    from .judge.training import claim_epochs
    from .floats.replay import exact_epochs, exact_replay, replay

    from .read.limits import replay_work

    procedure = case.training
    budget.charge(replay_work(network, case, claims) // TRAINING_UNITS, "the training replay", f"case {case.name}")
    bar = progress_bar(procedure, case) if progress else None
    epochs = exact_epochs(network, case, procedure)
    run = replay(network, case, procedure, claim_epochs(claims, procedure), bar, frozenset({epochs}))
    exact = exact_replay(network, case, procedure, epochs)
    short = run.weights if epochs == procedure.epochs else run.weights_at[epochs]  # recorded in the same run
    drift = max((relative_difference(float(short[name]), float(exact.weights[name]), DRIFT_FLOOR, infinities=True)
                 for name in exact.weights), default=0.0)
    return TrainingResult(procedure, run, epochs, drift)


def case_values(example: WorkedExample, case: Case) -> Quantities:
    """Return a case's exact values: the given ones, every derived step (forward only without targets),
    the file's aliases, and any derivative dA_dB on request."""
    network = example.network_of(case)
    if not case.has_parameters or not (case.targets or case.reproducible):
        # weights an unseeded draw replaces are not the case's: without targets there is nothing else to show
        return Quantities(given_inputs(network, case), None, example.aliases)
    derivation = derive(network, len(case.rows), bool(case.targets), case.decay(network))
    try:
        values = evaluate(derivation, given_values(derivation, case), what=f"case {case.name}")
    except ValueRangeError as error:  # the file's numbers, not handcalc, put a value out of range: bad input
        from .read.reader import InputError, Problem

        index = example.cases.index(case)
        raise InputError([Problem(str(example.path), f"cases[{index}]", f"case {case.name}: {error}")]) from None
    return Quantities(values, derivation, example.aliases)


def check_case(example: WorkedExample, case: Case, progress: bool = False) -> CaseResult:
    """Return the derivation, exact values, cross-checks, training replay and verdicts of one case.

    `progress` allows a progress bar on stderr for a long replay (the caller knows whether one fits).
    """
    from .floats import vectorized  # NumPy is only needed once a case is checked
    from .floats.differences import finite_differences

    network = example.network_of(case)
    claims = tuple(claim for claim in example.claims if claim.case == case.name)
    training = _train(network, case, claims, progress)
    values = case_values(example, case)
    derivation = values.derivation
    if derivation is None:
        return CaseResult(case, None, values, None, judge_case(claims, network, case, None, values), training)
    checks = None
    if case.targets:  # the cross-checks compare gradients: a case worked forward only has none
        budget.charge(DIFFERENCE_COST * len(network.parameters) * len(case.rows),
                      "the finite-difference cross-check", f"case {case.name}")
        differences = finite_differences(network, case)
        checks = cross_check(values.base, vectorized.run(network, case), differences.gradients,
                             float_notes(derivation, values.base), differences.kinks, differences.resolution,
                             vectorized.rounding_noise(network, case))
    verdicts = judge_case(claims, network, case, derivation, values, training)
    return CaseResult(case, derivation, values, checks, verdicts, training)


def progress_bar(procedure: Procedure, case: Case) -> Callable[[int], None] | None:
    """A progress bar on stderr for a long run when stderr is a terminal (tqdm, when installed), else None."""
    if procedure.epochs * len(case.rows) < PROGRESS_THRESHOLD or not sys.stderr.isatty():
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    bar = tqdm(total=procedure.epochs, desc=f"replaying {case.name}", unit="epoch", leave=False, file=sys.stderr)

    def advance(epoch: int) -> None:
        bar.update(1)
        if epoch + 1 >= procedure.epochs:
            bar.close()

    return advance


def validate_claims(example: WorkedExample) -> None:
    """Raise InputError for claims about quantities or names the example does not have.

    The loader already refuses such claims in a file; this guards a `WorkedExample`
    built or changed in code, against the names the derivation really makes.
    `check` runs it once per example, before any work.
    """
    from .expr import expression as ex
    from .read.reader import MAX_PROBLEMS, InputError, Names, Problem, suggest
    from .read.spelling import joined_ratio
    from .read.loader import claim_line
    from .naming import quantity_names

    problems = []
    for case in example.cases:
        network = example.network_of(case)
        # every name the network declares: a claim on one the case cannot compute is judged unchecked, saying why
        known = Names(name for name, _ in quantity_names(network, len(case.rows), decay=case.decay(network)))
        for index, claim in enumerate(example.claims):
            if claim.case != case.name:
                continue
            if claim.quantity and not is_quantity(claim.quantity, known, example.aliases, network.total_error):
                problems.append(Problem(str(example.path), f"claims[{index}].quantity",
                                        f"no quantity named {claim.quantity!r} in case {case.name}"
                                        f"{suggest(claim.quantity, known)}", claim_line(example.path, index)))
            for field in ("expression", "right"):
                text = getattr(claim, field, None)  # the kinds that write expressions have these fields
                if not text:
                    continue
                try:
                    unknown = sorted(name for name in ex.names(ex.parse(text, network.function_table))
                                     if not is_quantity(name, known, example.aliases, network.total_error))
                except ex.ExpressionError as error:
                    problems.append(Problem(str(example.path), f"claims[{index}].{field}", str(error),
                                            claim_line(example.path, index)))
                    continue
                if unknown:
                    problems.append(Problem(str(example.path), f"claims[{index}].{field}",
                                            f"no quantity named {unknown[0]!r} in case {case.name}"
                                            f"{suggest(joined_ratio(unknown[0], text), known)}",
                                            claim_line(example.path, index)))
            if len(problems) >= MAX_PROBLEMS:
                raise InputError(problems)
    if problems:
        raise InputError(problems)


def check(example: WorkedExample, progress: bool = False) -> Result:
    """Return the full check of a worked example, every case (`progress`: see `check_case`).

    The work is charged to the running budget (`budget.scope`), or to a new default one.
    """
    with budget.scope():
        validate_claims(example)
        return Result(example, tuple(check_case(example, case, progress) for case in example.cases))
