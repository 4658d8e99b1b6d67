"""The pipeline: worked example -> derivation -> exact values -> cross-checks -> verdicts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Mapping

import sympy

from .crosscheck import CrossCheck, cross_check
from .derivation import Derivation, derive
from .example import Case, WorkedExample
from .values import evaluate, given_values
from .verdicts import VERDICTS, Verdict, judge

__all__ = ["CaseResult", "Result", "check", "check_case"]


@dataclass(frozen=True)
class CaseResult:
    """Everything computed for one case of an example."""

    case: Case
    derivation: Derivation
    values: Mapping[str, sympy.Expr]
    cross_check: CrossCheck
    verdicts: tuple[Verdict, ...]


@dataclass(frozen=True)
class Result:
    """Everything computed for a worked example."""

    example: WorkedExample
    cases: tuple[CaseResult, ...]

    @property
    def verdicts(self) -> tuple[Verdict, ...]:
        """Return every claim's verdict, in the file's order."""
        by_id = {v.claim.id: v for case in self.cases for v in case.verdicts}
        return tuple(by_id[claim.id] for claim in self.example.claims)

    @property
    def summary(self) -> dict[str, int]:
        """Return how many claims got each verdict."""
        counts = Counter(v.verdict for v in self.verdicts)
        return {name: counts.get(name, 0) for name in VERDICTS}

    @property
    def exit_code(self) -> int:
        """Return 0 when every claim is correct or rounding (and cross-checks agree), else 1."""
        summary = self.summary
        failed = summary["wrong"] + summary["propagated"]
        return 1 if failed or not all(case.cross_check.ok for case in self.cases) else 0


def check_case(example: WorkedExample, case: Case) -> CaseResult:
    """Return the derivation, exact values, cross-checks and verdicts of one case."""
    from . import vectorized  # NumPy is only needed once a case is checked

    derivation = derive(example.network, len(case.rows))
    values = evaluate(derivation, given_values(derivation, case))
    checks = cross_check(values, vectorized.run(example.network, case),
                         vectorized.finite_difference_gradients(example.network, case))
    verdicts = tuple(judge(claim, values) for claim in example.claims if claim.case == case.name)
    return CaseResult(case, derivation, values, checks, verdicts)


def check(example: WorkedExample) -> Result:
    """Return the full check of a worked example, every case."""
    return Result(example, tuple(check_case(example, case) for case in example.cases))
