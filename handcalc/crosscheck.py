"""Cross-checks: the exact values against the NumPy path and finite differences."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import sympy

__all__ = ["CrossCheck", "NUMPY_TOLERANCE", "FINITE_DIFFERENCE_TOLERANCE", "relative_difference", "cross_check"]

NUMPY_TOLERANCE = 1e-12
FINITE_DIFFERENCE_TOLERANCE = 1e-6
# Below this magnitude a difference is measured absolutely: float64 cannot
# carry a relative error for a quantity that is itself at rounding level.
_FLOOR = 1e-12


@dataclass(frozen=True)
class CrossCheck:
    """The largest relative differences found, and where."""

    numpy_max_rel_diff: float
    numpy_worst: str
    finite_difference_max_rel_diff: float
    finite_difference_worst: str
    compared: int  # how many values the NumPy path was compared on

    @property
    def ok(self) -> bool:
        """Return True when both cross-checks are within their tolerances."""
        return (self.numpy_max_rel_diff <= NUMPY_TOLERANCE
                and self.finite_difference_max_rel_diff <= FINITE_DIFFERENCE_TOLERANCE)


def relative_difference(approximate: float, exact: sympy.Expr) -> float:
    """Return |approximate - exact| / max(|exact|, 1e-12)."""
    reference = float(exact)
    return abs(approximate - reference) / max(abs(reference), _FLOOR)


def _largest(approximate: Mapping[str, float], exact: Mapping[str, sympy.Expr]) -> tuple[float, str, int]:
    worst, where, count = 0.0, "", 0
    for name, value in approximate.items():
        if name not in exact:
            continue
        count += 1
        difference = relative_difference(value, exact[name])
        if difference > worst or not where:
            worst, where = difference, name
    return worst, where, count


def cross_check(exact: Mapping[str, sympy.Expr], vectorized: Mapping[str, float],
                finite_differences: Mapping[str, float]) -> CrossCheck:
    """Return the largest differences of the NumPy values and finite-difference gradients."""
    numpy_worst, numpy_where, compared = _largest(vectorized, exact)
    fd_worst, fd_where, _ = _largest(finite_differences, exact)
    return CrossCheck(numpy_worst, numpy_where, fd_worst, fd_where, compared)
