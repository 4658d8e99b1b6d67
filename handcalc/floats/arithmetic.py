"""The arithmetic of the plain-list training replays (`floats.scalar`): float64, or 40 digits.

`Kit` gives a replay its numbers and functions: Python floats with `math` for
the float64 replay; for the 40-digit one, MPFR numbers from gmpy2 (the
optional `fast` extra) at mpmath's working precision, or mpmath's own numbers
where gmpy2 is not installed.  `tables` writes the activations and losses once
for any of these, as `handcalc.functions` writes them on arrays, so the two
replays share their formulas; `as_mpmath` hands an MPFR replay back in mpmath
numbers, the type the 40-digit replay always returns.
"""

from __future__ import annotations

import contextlib
import math
from fractions import Fraction
from typing import Any, Callable, Mapping

import numpy as np

from .replay import Replay

__all__ = ["Kit", "tables", "as_mpmath", "USE_GMPY2"]


def tables(exp: Callable, log: Callable, tanh: Callable) -> tuple[dict, dict]:
    """The activations and losses on one row's numbers, written as `functions` writes them on arrays."""

    def softplus(z: Any) -> Any:
        return (z if z > 0 else z * 0) + log(1 + exp(-abs(z)))

    def bce(out: list, t: list) -> Any:
        return -sum(ti * log(o) + (1 - ti) * log(1 - o) for o, ti in zip(out, t))

    # per activation, on pre-activations zs: (outputs(zs, a), douts/dzs(zs, outs, a)); a is leaky_relu's
    # slope or elu's alpha, unused by the others
    activations = {
        "sigmoid": (lambda zs, a: [1 / (1 + exp(-z)) for z in zs], lambda zs, outs, a: [o * (1 - o) for o in outs]),
        "tanh": (lambda zs, a: [tanh(z) for z in zs], lambda zs, outs, a: [1 - o * o for o in outs]),
        "relu": (lambda zs, a: [z if z > 0 else z * 0 for z in zs],
                 lambda zs, outs, a: [z * 0 + 1 if z > 0 else z * 0 for z in zs]),
        "identity": (lambda zs, a: list(zs), lambda zs, outs, a: [z * 0 + 1 for z in zs]),
        "leaky_relu": (lambda zs, a: [z if z > 0 else z * a for z in zs],
                       lambda zs, outs, a: [z * 0 + 1 if z > 0 else z * 0 + a for z in zs]),
        "softplus": (lambda zs, a: [softplus(z) for z in zs], lambda zs, outs, a: [1 / (1 + exp(-z)) for z in zs]),
        "elu": (lambda zs, a: [z if z > 0 else (exp(z) - 1) * a for z in zs],
                lambda zs, outs, a: [z * 0 + 1 if z > 0 else o + a for z, o in zip(zs, outs)]),
    }
    # per loss, on one row: (the sum of its terms before dividing by n, dE/dout, dE/dz on a sigmoid output,
    # whether the sum is a mean over n); n is the step's number of targets.  dE/dz on a sigmoid output is
    # dE/dout * out(1 - out) computed in one pass (the same operations, so the same numbers), except for
    # cross-entropy, where the sigmoid's derivative cancels as NumPy code writes it
    losses = {
        "half_squared_error": (lambda out, t: sum((ti - o) * (ti - o) for o, ti in zip(out, t)) / 2,
                               lambda out, t, n: [o - ti for o, ti in zip(out, t)],
                               lambda out, t, n: [(o - ti) * (o * (1 - o)) for o, ti in zip(out, t)], False),
        "squared_error": (lambda out, t: sum((ti - o) * (ti - o) for o, ti in zip(out, t)),
                          lambda out, t, n: [2 * (o - ti) for o, ti in zip(out, t)],
                          lambda out, t, n: [2 * (o - ti) * (o * (1 - o)) for o, ti in zip(out, t)], False),
        "mean_squared_error": (lambda out, t: sum((ti - o) * (ti - o) for o, ti in zip(out, t)),
                               lambda out, t, n: [2 * (o - ti) / n for o, ti in zip(out, t)],
                               lambda out, t, n: [2 * (o - ti) / n * (o * (1 - o)) for o, ti in zip(out, t)], True),
        "binary_cross_entropy": (bce, lambda out, t, n: [-(ti / o - (1 - ti) / (1 - o)) / n for o, ti in zip(out, t)],
                                 lambda out, t, n: [(o - ti) / n for o, ti in zip(out, t)], True),
        "mean_absolute_error": (lambda out, t: sum(abs(ti - o) for o, ti in zip(out, t)), None, None, True),
    }
    return activations, losses


USE_GMPY2 = True  # 40-digit replays in gmpy2's MPFR numbers when gmpy2 is installed (tests turn it off)


class Kit:
    """The arithmetic of a replay: float64 with `math`, or numbers of the caller's mpmath precision (40 digits).

    At 40 digits each operation is a Python-level mpmath call (about a microsecond, barely less with
    gmpy2 as mpmath's backend); gmpy2's MPFR numbers at the same precision run in C, several times
    faster.  So with the optional gmpy2 installed the replay computes in MPFR (correctly rounded at
    mpmath's working precision) and hands back mpmath numbers; without it, in mpmath throughout.
    """

    def __init__(self, exact: bool) -> None:
        self.gmpy2: Any = None
        self.dtype: Any = object if exact else np.float64
        if not exact:
            self.number: Callable[[Fraction], Any] = float
            self.activations, self.losses = tables(math.exp, math.log, math.tanh)
            return
        import mpmath

        self.precision = mpmath.mp.prec
        self.gmpy2 = _gmpy2()
        if self.gmpy2 is not None:
            g = self.gmpy2
            self.number = lambda value: g.mpfr(g.mpq(value.numerator, value.denominator))
            self.activations, self.losses = tables(g.exp, g.log, g.tanh)
        else:
            self.number = lambda value: mpmath.mpf(value.numerator) / value.denominator
            self.activations, self.losses = tables(mpmath.exp, mpmath.log, mpmath.tanh)

    def array(self, rows: Any) -> np.ndarray:
        return np.array(rows, dtype=self.dtype)

    def context(self) -> Any:
        """The arithmetic's context: MPFR at mpmath's working precision, else none."""
        if self.gmpy2 is None:
            return contextlib.nullcontext()
        return self.gmpy2.context(self.gmpy2.get_context(), precision=self.precision)


def _gmpy2() -> Any:
    """The gmpy2 module when it is installed and wanted, else None."""
    if not USE_GMPY2:
        return None
    try:
        import gmpy2
    except ImportError:
        return None
    return gmpy2


def as_mpmath(replay: Replay) -> Replay:
    """The same replay with every MPFR number turned into the mpmath number of the same value (exactly)."""
    import mpmath

    def number(value: Any) -> Any:
        if not hasattr(value, "as_mantissa_exp"):
            return value
        mantissa, exponent = value.as_mantissa_exp()
        return mpmath.mpf((int(mantissa), int(exponent)))

    def array(values: Any) -> Any:
        return None if values is None else np.array([[number(v) for v in row] for row in values], dtype=object)

    def named(values: Mapping[str, Any]) -> dict[str, Any]:
        return {name: number(v) for name, v in values.items()}

    return Replay(tuple((e, number(v)) for e, v in replay.history), named(replay.weights), array(replay.outputs),
                  {e: array(v) for e, v in replay.snapshots.items()},
                  {e: number(v) for e, v in replay.losses_at.items()}, array(replay.prediction),
                  tuple((e, number(v)) for e, v in replay.curve),
                  {e: named(v) for e, v in replay.weights_at.items()})


