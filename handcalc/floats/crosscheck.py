"""Cross-checks: the exact values against the NumPy path and finite differences."""

from __future__ import annotations

import math
from ..records import record
from typing import Mapping

import sympy
from ..exact.derivation import Derivation
from ..naming import row_suffix
from ..numbers import to_decimal_text

__all__ = ["CrossCheck", "float_notes", "NUMPY_TOLERANCE", "FINITE_DIFFERENCE_TOLERANCE", "relative_difference", "cross_check",
           "NOISE_MARGIN"]

NUMPY_TOLERANCE = 1e-12
FINITE_DIFFERENCE_TOLERANCE = 1e-6
# Below this magnitude a difference is measured absolutely: float64 cannot
# carry a relative error for a quantity that is itself at rounding level.
_FLOOR = 1e-12
NOISE_MARGIN = 100  # how far beyond its measured rounding noise a NumPy value may stray (`noise`)


@record
class CrossCheck:
    """The largest relative differences found, and where."""

    numpy_max_rel_diff: float
    numpy_worst: str
    finite_difference_max_rel_diff: float
    finite_difference_worst: str
    compared: int  # how many values the NumPy path was compared on
    notes: tuple[str, ...] = ()  # where float64 cannot hold a value, and what that means

    @property
    def ok(self) -> bool:
        """Return True when both cross-checks are within their tolerances."""
        return (self.numpy_max_rel_diff <= NUMPY_TOLERANCE
                and self.finite_difference_max_rel_diff <= FINITE_DIFFERENCE_TOLERANCE)


def relative_difference(approximate: float, exact: float | sympy.Expr, floor: float = _FLOOR,
                        infinities: bool = False) -> float:
    """Return |approximate - exact| / max(|exact|, floor), in Python floats (`exact` converted by float()).

    `floor` is the magnitude below which the difference is measured absolutely (1e-12 unless given: a
    quantity at float64's rounding level carries no relative error; a float-vs-float comparison may go
    down to 1e-300). With `infinities`, equal values (equal infinities too) differ by 0, and a value that
    overflowed (inf or nan) on one side only, or differently, differs by inf: never nan, never a warning.
    Without, inf and nan go through the arithmetic as they are.
    """
    reference = float(exact)
    if infinities:
        if approximate == reference:
            return 0.0
        if not (math.isfinite(approximate) and math.isfinite(reference)):
            return math.inf
    return abs(approximate - reference) / max(abs(reference), floor)


def beyond_float64(value: sympy.Expr) -> bool:
    """Return True when an exact value is too large in size for float64 (about 1.8e308)."""
    try:
        return math.isinf(float(value))
    except OverflowError:
        return True


def _largest(approximate: Mapping[str, float], exact: Mapping[str, sympy.Expr],
             floors: Mapping[str, float], overflowed: list[str] | None = None,
             huge: bool = False) -> tuple[float, str, int]:
    """The largest relative difference, where, and over how many values; with `overflowed` (the case holds
    values beyond float64), a float that overflowed to inf or nan is listed there instead of compared."""
    worst, where, count = 0.0, "", 0
    for name, value in approximate.items():
        if name not in exact:
            continue
        if overflowed is not None and (not math.isfinite(value) or (huge and beyond_float64(exact[name]))):
            overflowed.append(name)
            continue
        count += 1
        floor = floors.get(name, _FLOOR)  # nan where the error estimate itself overflowed: no floor of its own
        difference = relative_difference(value, exact[name], floor if floor >= _FLOOR else _FLOOR)
        if difference > worst or not where:
            worst, where = difference, name
    return worst, where, count


def _left_out(reason: str, values: str) -> str:
    """The note saying which float values are not cross-checked because float64 overflowed, and why."""
    return f"Float64: {reason}, so {values} are not cross-checked; the exact values do not depend on float64"


def cross_check(exact: Mapping[str, sympy.Expr], vectorized: Mapping[str, float],
                finite_differences: Mapping[str, float], notes: tuple[str, ...] = (),
                kinks: Mapping[str, str] | None = None, resolution: Mapping[str, float] | None = None,
                noise: Mapping[str, float] | None = None) -> CrossCheck:
    """Return the largest differences of the NumPy values and finite-difference gradients.

    `resolution` gives, per gradient, the absolute error its finite difference cannot
    rule out (rounding and truncation, `floats.differences`): a gradient is measured
    relative to max(|gradient|, resolution / FINITE_DIFFERENCE_TOLERANCE), so one at the
    finite difference's own noise level (a minimum, a gradient of 1e-9) passes exactly when
    the difference stays within that noise, and any larger gradient is held to 1e-6.
    `noise` does the same for the NumPy path: per value, how much it moved when every
    input, target and parameter was moved by a few units in the last place
    (`vectorized.rounding_noise`); where a value is that sensitive to rounding (a sum
    whose terms cancel: new_w = 0.0003 - 0.5*0.00054, E = (t - out)^2/2 with out near t),
    NumPy may differ from the exact value by NOISE_MARGIN times as much.

    `kinks` names the gradients whose finite difference straddles a kink (relu, leaky_relu, elu), and the
    neuron: they are left out of that comparison, and a note says so.
    """
    kinks = kinks or {}
    scales = {name: NOISE_MARGIN * error / NUMPY_TOLERANCE for name, error in (noise or {}).items()}
    # only a float path that overflowed somewhere can meet an exact value beyond float64: look only then
    floats_overflowed = not all(map(math.isfinite, vectorized.values()))
    huge = next((name for name, value in exact.items() if beyond_float64(value)), None) if floats_overflowed else None
    overflowed: list[str] | None = [] if huge is not None else None
    numpy_worst, numpy_where, compared = _largest(vectorized, exact, scales, overflowed, huge is not None)
    smooth = {name: value for name, value in finite_differences.items() if name not in kinks}
    floors = {name: error / FINITE_DIFFERENCE_TOLERANCE for name, error in (resolution or {}).items()}
    # a finite difference that is inf or nan is float64 failing at the stepped loss (an input of 1e300 times
    # the step), never a value the exact path got wrong: always left out, and said so
    stepped: list[str] = []
    fd_worst, fd_where, _ = _largest(smooth, exact, floors, overflowed if overflowed is not None else stepped,
                                     huge is not None)
    if overflowed:
        notes = tuple(notes) + (_left_out(
            f"{huge} = {str(sympy.Float(exact[huge], 6)).replace('E', 'e')} is beyond float64's range "
            f"(about 1.8e308)",
            f"{len(overflowed)} float values that overflowed to inf or nan (first {overflowed[0]})"),)
    if stepped:
        notes = tuple(notes) + (_left_out(
            f"the finite difference of {len(stepped)} gradients (first {stepped[0]}) overflowed to inf or nan "
            f"at the stepped loss", "they"),)
    if kinks:
        at = {}
        for gradient, neuron in kinks.items():
            at.setdefault(neuron, []).append(gradient)
        notes = tuple(notes) + tuple(
            f"Kink: {neuron} = {to_decimal_text(exact[neuron], 6)} sits at the kink of its activation at 0, "
            f"where the loss has no derivative: handcalc takes the derivative from the left (relu'(0) = 0, "
            f"leaky_relu'(0) = its slope, elu'(0) = its alpha), so {', '.join(gradients)} "
            f"{'is' if len(gradients) == 1 else 'are'} left out of the finite-difference check"
            for neuron, gradients in at.items())
    return CrossCheck(numpy_worst, numpy_where, fd_worst, fd_where, compared, notes)


_FROM_LOGITS = {"binary_cross_entropy": ("binary cross-entropy", "the logit"),
                "cross_entropy": ("cross-entropy", "the logits (max-shifted softmax, log-sum-exp)")}


def float_notes(derivation: Derivation, exact: Mapping[str, sympy.Expr]) -> tuple[str, ...]:
    """Say which activations float64 rounds onto 0 or 1, and what a naive float loss makes of that."""
    notes = []
    network = derivation.network
    outputs = set(network.layers[-1].post)
    for step in derivation.steps:
        value = exact[step.name]
        if not step.section.startswith("forward") or value in (0, 1) or not value.is_real:
            continue
        as_float = float(value)
        base = step.name.removesuffix(row_suffix(step.row, derivation.rows)) if step.row is not None else step.name
        if as_float in (0.0, 1.0) and value != as_float:
            gap = abs(value - as_float)
            note = (f"Float64: {step.name} = {sympy.Float(value, 25)} is exactly {as_float} in float64 (the gap "
                    f"{sympy.Float(gap, 3)} is below float64's resolution)")
            if base in outputs and network.loss in _FROM_LOGITS:
                loss, source = _FROM_LOGITS[network.loss]
                note += (f"; a naive float64 {loss} takes log(0) = -inf there, while the exact loss is finite; "
                         f"handcalc's NumPy path works from {source} and stays finite")
            notes.append(note)
    return tuple(notes)
