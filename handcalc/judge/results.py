"""The records judging ends with: one case's derivation, exact values, cross-checks and verdicts,
and the whole example's. `check` (the pipeline) builds them; the output stage reads them.
"""

from __future__ import annotations

from collections import Counter
from typing import Mapping

import sympy

from ..records import record
from ..exact.derivation import Derivation
from ..floats.crosscheck import CrossCheck
from ..model import Case, WorkedExample
from .training import TrainingResult
from .verdicts import VERDICTS, Verdict

__all__ = ["CaseResult", "Result"]


@record
class CaseResult:
    """Everything computed for one case of an example."""

    case: Case
    derivation: Derivation | None  # None when the case has no parameter values to derive with
    values: Mapping[str, sympy.Expr]
    cross_check: CrossCheck | None
    verdicts: tuple[Verdict, ...]
    training: TrainingResult | None = None


@record
class Result:
    """Everything computed for a worked example."""

    example: WorkedExample
    cases: tuple[CaseResult, ...]

    @property
    def verdicts(self) -> tuple[Verdict, ...]:
        """Return every claim's verdict, in the file's order."""
        order = {claim.id: index for index, claim in enumerate(self.example.claims)}
        verdicts = [v for case in self.cases for v in case.verdicts]
        return tuple(sorted(verdicts, key=lambda v: order.get(v.claim.id.split("[")[0], len(order))))

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
        return 1 if failed or not all(case.cross_check.ok for case in self.cases if case.cross_check) else 0
