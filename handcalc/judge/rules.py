"""The verdict on a stated number: the rules, in the order they are tried.

Part of the judge stage: `handcalc.judge.claims` hands every value claim to
`judge_value`, which tries `VALUE_RULES` in order; the first rule that returns
a verdict decides.  The order is the policy, so each rule says why it stands
where it does.  To add a rule, put it where everything before it should win
over it and it should win over everything after it, and say why.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Optional

import sympy

from ..records import record
from ..expr import expression as ex
from ..model import ValueClaim
from ..numbers import is_infinite_text
from .operands import operand_map
from .rounding import computes_quantity, explained_by_rounding, off_by_one, pairs_by_value
from ..expr.extended import INFINITIES, value_or_reason
from .verdicts import Verdict, consistent, same_infinity, short_value, truncates_to, within_stated_digits

if TYPE_CHECKING:
    from .claims import _Judge

__all__ = ["ValueFacts", "VALUE_RULES", "judge_value", "consistent", "truncated"]


@record
class ValueFacts:
    """What every rule may look at, worked out once per claim."""

    claim: ValueClaim
    node: ex.Node | None  # the expression as written, parsed (None without one)
    pairs: list[tuple[ex.Number, str]]  # each written number that stands for a quantity, with that quantity
    operands: list[Verdict]  # verdicts on the numbers written inside the expression (already judged)
    as_written: sympy.Expr | None  # the expression's arithmetic on its written numbers
    exact: sympy.Expr | None  # the exact value the claim is about: the quantity's, else the expression's
    no_value: ex.ExpressionError | None = None  # why the expression has no value (a form such as 0 × ∞, or a limit)

    @property
    def infinite(self) -> bool:
        """Return True when the text states infinity."""
        return is_infinite_text(self.claim.stated)


def truncated(stated: str, value: sympy.Expr) -> bool:
    """Return True if `stated` is finite `value` cut off, not rounded, at its digits."""
    return not is_infinite_text(stated) and value not in INFINITIES and truncates_to(value, stated)


Rule = Callable[["_Judge", ValueFacts], Optional[Verdict]]


# 1. Nothing to judge against.  First, because every later rule needs the exact value.
def not_computed(judge: _Judge, f: ValueFacts) -> Verdict | None:
    if f.claim.quantity and f.exact is None:
        return Verdict(f.claim, None, "unchecked", judge.why_not_computed(f.claim.quantity))
    return None


# 2. An expression with no value (division by 0, 0 × log(0)) cannot equal any stated number: wrong, saying
#    why.  One whose value handcalc does not compute (2^1001 beyond MAX_POWER, (-8)^(1/3)) is unchecked,
#    naming the limit: nothing shows the stated number false.
def undefined(judge: _Judge, f: ValueFacts) -> Verdict | None:
    if f.exact is None:
        return no_value_verdict(f.claim, f.claim.expression, f.no_value)
    return None


def no_value_verdict(claim: ValueClaim, expression: str, reason: ex.ExpressionError | None) -> Verdict:
    """The verdict on a claim whose expression has no value (wrong) or one beyond handcalc's limits (unchecked)."""
    if isinstance(reason, ex.BeyondLimit):
        return Verdict(claim, None, "unchecked", f"{expression} is not computed here: {reason}")
    return Verdict(claim, None, "wrong", f"{expression} cannot be computed: {reason}")


# 3. Correct: the exact value rounded to the stated digits (or the same infinity).  Before any
#    explanation of a miss, because a right number needs none, whatever its operands were.
def rounds_to_stated(judge: _Judge, f: ValueFacts) -> Verdict | None:
    exact, stated = f.exact, f.claim.stated
    if not f.infinite and exact not in INFINITIES and within_stated_digits(stated, exact):
        return Verdict(f.claim, exact, "correct", None, f.as_written)
    if same_infinity(stated, exact):
        return Verdict(f.claim, exact, "correct", None, f.as_written)
    return None


# 4. Infinity stated for a finite value: wrong, and no recomputation can explain it (an infinity
#    is not a rounded number), so before the rules that recompute; the slip is a log of a rounded 0 or 1.
def infinite_for_finite(judge: _Judge, f: ValueFacts) -> Verdict | None:
    if f.infinite and f.exact not in INFINITIES:
        return judge._infinite(f.claim, f.exact, f.node, f.as_written, f.operands)
    return None


# 5. The arithmetic as written gives the stated number: the text computed right from numbers it
#    wrote.  It inherits their verdict (propagated from a wrong one, rounding from rounded ones).
#    With every operand correct, the written numbers' rounding may explain the difference (rule 1
#    of `handcalc.judge.rounding`); only when the expression is not the quantity's formula at all is
#    it wrong for computing something else.  Otherwise the later rules decide.  Before the
#    truncation rules, because the written arithmetic is the more specific explanation.
def arithmetic_as_written(judge: _Judge, f: ValueFacts) -> Verdict | None:
    claim = f.claim
    if f.node is None or not claim.quantity or f.as_written is None or not consistent(claim.stated, f.as_written):
        return None
    contributors = [v for v in f.operands if v.verdict != "correct"]
    if contributors:
        return judge._inherited(claim, f.exact, contributors, "is right as arithmetic, but it uses", f.as_written)
    pairs, negated = pairs_by_value(f.node, f.pairs, judge._step_inputs(claim.quantity))
    why = explained_by_rounding(claim.quantity, claim.stated, f.node, pairs, judge.values, judge._givens(),
                                f.exact, f.as_written)
    if why:
        return Verdict(claim, f.exact, "rounding", why, f.as_written)
    computes, value = computes_quantity(f.node, pairs, judge.values, f.exact, negated)
    if not computes:
        return judge._wrong(claim, f.exact, f.node, f.as_written, f.operands, (value, bool(pairs)))
    return None


# 6. A bare number that is the exact value cut off rather than rounded: the text's rounding habit,
#    not an error.  Before recomputing, since the exact value already explains it.
def truncated_quantity(judge: _Judge, f: ValueFacts) -> Verdict | None:
    claim = f.claim
    if f.node is None and claim.quantity and truncated(claim.stated, f.exact):
        return Verdict(claim, f.exact, "rounding",
                       f"{claim.quantity} is {short_value(f.exact)}: {claim.stated} is that value truncated, not rounded")
    return None


# 7. Recomputed from the text's own earlier numbers (each quantity as the text stated it), the
#    stated number holds: it inherits their verdicts.  Or it restates an earlier number for the
#    same quantity that was itself off.  Needs the derivation; after the cheaper explanations.
def from_texts_numbers(judge: _Judge, f: ValueFacts) -> Verdict | None:
    claim = f.claim
    if f.node is not None or not claim.quantity or not judge.derivation:
        return None
    overrides = {q: v for q, (v, _) in judge.stated.items()}
    text_value, used = judge.recompute(claim.quantity, overrides)
    earlier = judge.stated.get(claim.quantity)
    contributors = judge._contributors(used)
    if contributors and consistent(claim.stated, text_value):
        how = "follows from" if within_stated_digits(claim.stated, text_value) else "is, truncated, what follows from"
        return judge._inherited(claim, f.exact, contributors, how)
    if earlier and earlier[1].verdict != "correct" and consistent(claim.stated, earlier[0]):
        how = "restates" if within_stated_digits(claim.stated, earlier[0]) else "restates, truncated,"
        return judge._inherited(claim, f.exact, [earlier[1]], how)
    return None


# 8. An expression alone whose value the stated number truncates: rounding, as in rule 6.
def truncated_expression(judge: _Judge, f: ValueFacts) -> Verdict | None:
    claim = f.claim
    if f.node is not None and not claim.quantity and truncated(claim.stated, f.exact):
        return Verdict(claim, f.exact, "rounding", f"{claim.expression} is {short_value(f.exact)}: "
                       f"{claim.stated} is that value truncated, not rounded", f.as_written)
    return None


# 9. Off by one in the last digit: an intermediate the text did not print was rounded (rule 3 of
#    `handcalc.judge.rounding`).  After every rule that names a concrete cause, before calling it wrong.
def off_by_one_digit(judge: _Judge, f: ValueFacts) -> Verdict | None:
    off = off_by_one(f.claim.stated, f.exact) if not f.infinite else None
    if off:
        return Verdict(f.claim, f.exact, "rounding", f"{f.claim.quantity or f.claim.expression} is {off}", f.as_written)
    return None


# 10. Nothing explains it: a root error, with the slips that reproduce the stated number.  Last,
#    because it always decides.
def root_error(judge: _Judge, f: ValueFacts) -> Verdict | None:
    return judge._wrong(f.claim, f.exact, f.node, f.as_written, f.operands)


VALUE_RULES: tuple[Rule, ...] = (not_computed, undefined, rounds_to_stated, infinite_for_finite,
                                 arithmetic_as_written, truncated_quantity, from_texts_numbers,
                                 truncated_expression, off_by_one_digit, root_error)


def judge_value(judge: _Judge, claim: ValueClaim) -> Verdict:
    """Return the verdict on a stated number: the first of `VALUE_RULES` that decides."""
    node = ex.parse(claim.expression, judge.network.function_table) if claim.expression else None
    pairs = operand_map(claim, node, judge.derivation, judge.values) if node is not None and claim.quantity else []
    operands = judge.judge_operands(claim, pairs)
    as_written, no_value = value_or_reason(node, judge.values) if node is not None else (None, None)
    exact = judge.values.get(claim.quantity) if claim.quantity else as_written
    facts = ValueFacts(claim, node, pairs, operands, as_written, exact, no_value)
    for rule in VALUE_RULES:
        verdict = rule(judge, facts)
        if verdict is not None:
            return verdict
    raise AssertionError("root_error always decides")
