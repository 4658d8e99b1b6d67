"""Claim verdicts: every stated number and statement judged like a careful teacher would.

A stated number is `correct` when it is the exact value rounded to its stated
digits.  One that misses is recomputed from the text's own earlier stated
numbers: if it holds then, it is `rounding` (or `propagated`, naming the root
claim, when one of those earlier numbers is itself wrong); otherwise it is a
root error, `wrong`, with the slips that reproduce it.  A number written inside
an expression stands for a quantity of the network and is judged as its own
claim (`y1[.9994]`), so a chain of numbers shows where it first went wrong.
Statements (comparisons, ranges), arrays, predictions and training claims are
decided by `statements`, `arrays`, `prediction` and `training`.
"""

from __future__ import annotations

import functools
from functools import cached_property
from typing import Mapping

from mpmath.libmp import prec_to_dps

import sympy

from ..expr import expression as ex
from ..exact.derivation import Derivation, symbol
from ..model import ArrayClaim, Case, Claim, CompareClaim, Network, PredictionClaim, RangeClaim, ShapeClaim, ValueClaim
from .training import TrainingResult, judge_training
from ..exact.values import WORKING_DIGITS, given_inputs
from ..numbers import is_infinite_text, parse_rational
from .undo import written_slips
from .rounding import not_computed_text
from ..naming import LEARNING_RATE, row_of
from .slips import SlipSearch, expression_candidates, find_slips, given_candidates, value_candidates
from .rules import judge_value
from .verdicts import Verdict, short_value
from . import arrays, prediction, statements
from .nearby import RECENT, NearbyNumbers

__all__ = ["judge_case"]


class _Judge:
    """Judges one case's claims in the order the text makes them."""

    def __init__(self, network: Network, derivation: Derivation | None, values: Mapping[str, sympy.Expr],
                 case: Case, training: TrainingResult | None = None) -> None:
        self.network = network
        self.training = training
        self.given = given_inputs(network, case)
        self.derivation = derivation
        self.values = values
        self.case = case
        self.stated: dict[str, tuple[sympy.Expr, Verdict]] = {}  # quantity -> text's latest number for it
        self.verdicts: list[Verdict] = []
        self._nearby: NearbyNumbers | None = None  # built on the first slip search

    @property
    def nearby(self) -> NearbyNumbers:
        if self._nearby is None:
            self._nearby = NearbyNumbers(self.case.texts, self.case.name)
        return self._nearby

    # -- recomputing from the text's own numbers ---------------------------------------

    def recompute(self, name: str, overrides: Mapping[str, sympy.Expr]) -> tuple[sympy.Expr | None, set[str]]:
        """Return `name` computed from its inputs, each taken as the text stated it where it did (None: no
        finite value)."""
        used: set[str] = set()
        memo: dict[str, sympy.Expr] = {}
        steps = self.derivation.by_name

        def value(n: str, top: bool = False) -> sympy.Expr:
            if not top and n in overrides:
                used.add(n)
                return overrides[n]
            if n in memo:
                return memo[n]
            if n not in steps:
                return self.values[n]
            step = steps[n]
            env = {s: value(s.name) for s in step.expr.free_symbols}
            if any(v is None for v in env.values()):
                memo[n] = None
                return None
            result = step.expr.xreplace(env)
            if not result.is_Rational:  # at the case's own working digits: 1 - sigmoid(200) is not 0
                result = result.evalf(self.working_digits)
                result = sympy.Float(result, self.working_digits) if result.is_real and result.is_finite else None
            memo[n] = result  # None: no finite value (log(1 - 1) from a text's rounded 1)
            return memo[n]

        return value(name, top=True), used

    @cached_property
    def working_digits(self) -> int:
        """The digits the case's values were worked out with (more than 60 where an output saturates)."""
        base = getattr(self.values, "base", self.values)
        precisions = {v._prec for v in base.values() if isinstance(v, sympy.Float)}
        return max([WORKING_DIGITS] + [prec_to_dps(p) for p in precisions])

    def _contributors(self, names: set[str]) -> list[Verdict]:
        """The earlier claims used in a recomputation whose numbers differ from the exact values."""
        return [self.stated[n][1] for n in sorted(names)
                if n in self.stated and self.stated[n][0] != self.values.get(n)]

    @staticmethod
    def _roots(contributors: list[Verdict]) -> tuple[str, ...]:
        roots: list[str] = []
        for verdict in contributors:
            if verdict.verdict == "wrong":
                roots.append(verdict.claim.id)
            elif verdict.verdict == "propagated":
                roots.extend(verdict.roots)
        return tuple(dict.fromkeys(roots))

    def _inherited(self, claim: Claim, exact: sympy.Expr, contributors: list[Verdict],
                   how: str, as_written: sympy.Expr | None = None) -> Verdict:
        roots = self._roots(contributors)
        numbers = ", ".join(f"{v.claim.quantity} = {v.claim.stated}" for v in contributors)
        if roots:
            plural = "s" if len(roots) > 1 else ""
            return Verdict(claim, exact, "propagated",
                           f"{claim.quantity} is {short_value(exact)}; {claim.stated} {how} the text's own {numbers}; "
                           f"the error goes back to the wrong claim{plural} {', '.join(roots)}", as_written, roots)
        return Verdict(claim, exact, "rounding",
                       f"{claim.quantity} is {short_value(exact)}; {claim.stated} {how} the text's own rounded "
                       f"{numbers}", as_written)

    # -- operands: the numbers written inside an expression ------------------------------

    def judge_operands(self, claim: Claim, pairs: list[tuple[ex.Number, str]]) -> list[Verdict]:
        """Judge each written number that stands for a quantity, as its own claim."""
        verdicts = []
        given = set(self.derivation.given) if self.derivation else set()
        for number, quantity in pairs:
            if quantity not in self.values:
                continue
            exact = self.values[quantity]
            if quantity in given and parse_rational(number.text) == exact:
                continue  # a given value copied exactly: nothing to judge
            base = f"{claim.id}[{number.text}]"
            taken = {v.claim.id for v in self.verdicts + verdicts}
            sub_id, count = base, 1
            while sub_id in taken:
                count += 1
                sub_id = f"{base}#{count}"
            sub = ValueClaim(id=sub_id, stated=number.text, where=f"operand of {claim.id}: {claim.expression}",
                             case=claim.case, quantity=quantity)
            verdict = self.judge_value(sub)
            verdicts.append(verdict)
            self.remember(verdict)
        return verdicts

    # -- value claims ---------------------------------------------------------------------

    def remember(self, verdict: Verdict) -> None:
        claim = verdict.claim
        if claim.quantity and not is_infinite_text(claim.stated):
            name = self.values.resolve(claim.quantity) if hasattr(self.values, "resolve") else claim.quantity
            self.stated[name] = (parse_rational(claim.stated), verdict)
        self.verdicts.append(verdict)

    def _with_replay_seed(self, unchecked: Verdict) -> Verdict:
        """An unchecked training claim, told what the replay with the documented seed gives (not a verdict)."""
        claim, seed = unchecked.claim, self.case.init.replay_seed if self.case.init else None
        if self.training is None or seed is None or not claim.by_replay:
            return unchecked
        replayed = judge_training(claim, self.case, self.training, self.network)
        return Verdict(claim, None, "unchecked", f"{unchecked.explanation}; for comparison, the replay from the "
                       f"documented seed {seed}: {replayed.explanation} (would be {replayed.verdict})")

    def judge_value(self, claim: ValueClaim) -> Verdict:
        """Return the verdict on a stated number (the rules and their order: `handcalc.judge.rules`)."""
        return judge_value(self, claim)

    def _wrong(self, claim: Claim, exact: sympy.Expr, node: ex.Node | None, as_written: sympy.Expr | None,
               operands: list[Verdict] = (), not_computed: tuple[sympy.Expr | None, bool] | None = None) -> Verdict:
        """A root error, with the likely slip.  `not_computed` is (the value of the expression with exact
        operands, whether any number was paired with a quantity) when the arithmetic as written gives the
        stated number but is not the quantity's formula."""
        what = claim.quantity or claim.expression
        if not_computed is not None:
            explanation = not_computed_text(claim.quantity, exact, as_written, *not_computed)
            update = bool(self.derivation) and LEARNING_RATE in self._step_inputs(claim.quantity)
            search = written_slips(node, self.values, self._numbers(claim, node), self._givens(), exact, update,
                                   claim.id)
        else:
            explanation = f"{what} is {short_value(exact, 15)}, not {claim.stated}"
            inherited = self._roots([v for v in operands if v.verdict != "correct"])
            if inherited:
                explanation += f"; it also builds on the wrong claim{'s' if len(inherited) > 1 else ''} {', '.join(inherited)}"
            if node is not None and claim.quantity and as_written is not None:
                explanation += f"; the arithmetic as written gives {short_value(as_written)}"
            search = SlipSearch(())
            if node is not None:
                search = find_slips(claim.stated, expression_candidates(node, self.values, self._numbers(claim, node),
                                                                        claim.stated), claim=claim.id)
            elif claim.quantity and self.derivation:
                search = find_slips(claim.stated, self._value_candidates(claim, exact), claim=claim.id)
        return Verdict(claim, exact, "wrong", explanation + search.explanation(), as_written, (), search.slips)

    def _step_inputs(self, quantity: str) -> dict[str, sympy.Expr]:
        """The exact values of the quantities a quantity's step is computed from ({} for a given value)."""
        step = self.derivation.by_name.get(quantity) if self.derivation else None
        names = sorted(s.name for s in step.expr.free_symbols) if step is not None else []
        return {name: self.values[name] for name in names if name in self.values}

    def _givens(self) -> tuple[str, ...]:
        """The names of the values the file gives (inputs, targets, parameters, eta)."""
        return tuple(self.derivation.given) if self.derivation else tuple(self.given)

    def _infinite(self, claim: Claim, exact: sympy.Expr, node: ex.Node | None,
                  as_written: sympy.Expr | None, operands: list[Verdict]) -> Verdict:
        slips = []
        for verdict in operands:
            value = self.values.get(verdict.claim.quantity)
            if value is not None and parse_rational(verdict.claim.stated) in (0, 1) and value not in (0, 1):
                q, written = verdict.claim.quantity, verdict.claim.stated
                inside = f"1 - {q}" if parse_rational(written) == 1 else q
                slips.append(f"the log taken of {inside} after rounding {q} = {short_value(value, 25)} to {written}: "
                             f"log({inside}) became log 0")
        slips = list(dict.fromkeys(slips))
        explanation = f"{claim.quantity or claim.expression} is finite: {short_value(exact, 25)}, not {claim.stated}"
        if slips:
            explanation += f"; likely slip: {slips[0]}"
        return Verdict(claim, exact, "wrong", explanation, as_written, (), tuple(slips))

    def _numbers(self, claim: Claim, node: ex.Node) -> dict[str, str]:
        """Numbers a slip in the claim's expression could have taken, each with where it comes from."""
        used = set(ex.names(node)) | ({claim.quantity} if claim.quantity else set())
        step = self.derivation.by_name.get(claim.quantity) if self.derivation and claim.quantity else None
        if step is not None:
            used |= {s.name for s in step.expr.free_symbols}
        numbers: dict[str, str] = {}
        for name, text in self.nearby.around(used, [n.text for n in ex.numbers(node)]).items():
            numbers.setdefault(text, f"the value of {name}")
        for verdict in self._recent():
            numbers.setdefault(verdict.claim.stated, f"the text's number for claim {verdict.claim.id}")
        return numbers

    def _recent(self) -> list[Verdict]:
        """The text's latest stated numbers (value claims), the latest last."""
        recent: list[Verdict] = []
        for verdict in reversed(self.verdicts):
            if len(recent) >= RECENT:
                break
            if isinstance(verdict.claim, ValueClaim) and not is_infinite_text(verdict.claim.stated):
                recent.append(verdict)
        return recent[::-1]

    def _value_candidates(self, claim: Claim, exact: sympy.Expr):
        step = self.derivation.by_name.get(claim.quantity)
        if step is None:
            return given_candidates(claim.quantity, self.case.texts)
        inputs = {s.name: self.values[s.name] for s in step.expr.free_symbols}
        others = {n: parse_rational(t) for n, t in self.nearby.around(inputs).items()}
        recent = {v.claim.quantity for v in self._recent()}
        others.update({q: v for q, (v, _) in self.stated.items() if q in recent})

        def compute(env: Mapping[str, sympy.Expr]) -> sympy.Expr | None:
            result = step.expr.xreplace({symbol(k): v for k, v in env.items()})
            return result if result.is_Rational else result.evalf(60)

        pre_value = pre_name = sigmoid_argument = None
        for layer in self.derivation.network.layers:
            for pre, post in zip(layer.pre, layer.post):
                suffix = row_of(claim.quantity, post)
                if suffix is not None:
                    pre_name, pre_value = pre + suffix, self.values[pre + suffix]
                    if layer.activation == "sigmoid":
                        sigmoid_argument = pre_value
        return value_candidates(compute, inputs, others, exact, claim.stated, pre_value, pre_name, sigmoid_argument)

    # -- deciding a claim: whether it can be, and which rule does --------------------------

    def missing(self, claim: Claim) -> Verdict | None:
        """An `unchecked` verdict when the case has no reproducible weights to decide the claim with."""
        if not _needs_weights(claim, set(self.given), self.network.function_table):
            return None
        init = self.case.init
        if not claim.reproducible or not self.case.reproducible:
            method = f" ({init.method})" if init else ""
            return Verdict(claim, None, "unchecked", f"depends on weights the tutorial's code draws without a "
                           f"seed{method}: not reproducible, so not judged")
        if self.derivation is None and not claim.by_replay:
            return Verdict(claim, None, "unchecked", self.why_not_computed())
        return None

    def why_not_computed(self, name: str | None = None) -> str:
        """Say which of weights and targets a case lacks for a quantity it does not compute."""
        case, what = self.case.name, f"{name} is not computed" if name else "it cannot be computed"
        if not self.case.has_parameters:
            init = self.case.init
            if init is not None:
                return f"case {case}'s weights are to be drawn ({init.method}) but the draw could not be " \
                       f"applied, so {what}"
            return f"case {case} gives no values for its weights, so {what}"
        if not self.case.targets:
            return f"case {case} has no targets: it is worked forward only, so its loss and gradients" \
                   f"{f' ({name} among them)' if name else ''} are not computed"
        return f"{what} in case {case}"

    def judge(self, claim: Claim) -> Verdict:
        missing = self.missing(claim)
        if missing is not None:
            return self._with_replay_seed(missing)
        if claim.by_replay:
            return judge_training(claim, self.case, self.training, self.network)
        return _decide(claim, self)


# --- what differs by kind of claim -----------------------------------------------------------

@functools.singledispatch
def _decide(claim: Claim, judge: _Judge) -> Verdict:
    """Return the verdict on a claim the hand calculation decides (a training replay decides the others)."""
    raise TypeError(f"no rule judges a {type(claim).__name__}")


@_decide.register
def _(claim: ValueClaim, judge: _Judge) -> Verdict:
    return judge.judge_value(claim)


@_decide.register
def _(claim: CompareClaim, judge: _Judge) -> Verdict:
    return statements.judge_compare(claim, judge.network, judge.values)


@_decide.register
def _(claim: RangeClaim, judge: _Judge) -> Verdict:
    return statements.judge_range(claim, judge.network, judge.values)


@_decide.register(ShapeClaim)
@_decide.register(ArrayClaim)
def _(claim: Claim, judge: _Judge) -> Verdict:
    return arrays.judge(claim, judge.case, judge.network, judge.derivation, judge.values)


@_decide.register
def _(claim: PredictionClaim, judge: _Judge) -> Verdict:
    return prediction.judge(claim, judge.case, judge.network, judge.values)


@functools.singledispatch
def _needs_weights(claim: Claim, given: set[str], functions: Mapping[str, str] | None) -> bool:
    """Return True when a claim can only be decided with the case's weights: it names more than the data."""
    if claim.by_replay:
        return True
    names = {claim.quantity} if claim.quantity else set()
    for text in claim.texts():
        names |= ex.names(ex.parse(text, functions))
    return not names <= given


@_needs_weights.register
def _(claim: ShapeClaim, given: set[str], functions: Mapping[str, str] | None) -> bool:
    return False  # a shape follows from the network's sizes


@_needs_weights.register
def _(claim: ArrayClaim, given: set[str], functions: Mapping[str, str] | None) -> bool:
    return claim.by_replay or claim.array not in ("inputs", "X", "targets", "y")


@_needs_weights.register
def _(claim: PredictionClaim, given: set[str], functions: Mapping[str, str] | None) -> bool:
    return True  # the outputs need the weights


def judge_case(claims: tuple[Claim, ...], network: Network, case: Case, derivation: Derivation | None,
               values: Mapping[str, sympy.Expr], training: TrainingResult | None = None) -> tuple[Verdict, ...]:
    """Return the verdicts on a case's claims, operand claims just before the claim they belong to."""
    from .procedures import explain, search_for

    judge = _Judge(network, derivation, values, case, training)
    search = search_for(network, case, training, claims)  # replays nothing until a training claim is wrong
    for claim in claims:
        try:
            verdict = judge.judge(claim)
        except ex.ExpressionError as error:
            verdict = Verdict(claim, None, "wrong", f"cannot compute {claim.expression}: {error}")
        if search is not None and claim.by_replay and verdict.verdict == "wrong":
            verdict = explain(verdict, search)
        if isinstance(verdict.claim, ValueClaim) and not claim.by_replay:  # the text's own numbers, for later claims
            judge.remember(verdict)
        else:
            judge.verdicts.append(verdict)
    return tuple(judge.verdicts)
