"""Any derivative a tutorial names: dA_dB for two named quantities A and B, derived on demand.

The derivation (`derivation.derive`) names the chain-rule factors of one way to
group a hand calculation.  Tutorials group them differently: dE/dw1 =
dE/dout_y1 * dout_y1/dout_h1 * dout_h1/dw1, where dout_y1/dout_h1 = w5 * f'(y1)
spans two steps.  `derivative` builds dA/dB from the steps themselves: every
path from B to A through the step graph, each path the product of local
partials dS/dC (one step S with respect to one of its inputs C, named
`dS_dC`), summed over the paths (the total derivative).  The value is
accumulated forward along the graph (one pass over the steps between B and A,
so one request costs at most linear work in the network); paths are listed for
display only while there are few.  Nothing is computed for a pair no one asks
for: the pairs are quadratic in number.
"""

from __future__ import annotations

from typing import Mapping

import sympy

from ..records import record
from .. import budget
from ..naming import derivative as derivative_name, split_derivative
from .derivation import Derivation, symbol

__all__ = ["Derivative", "Quantities", "derivative", "MAX_SHOWN_PATHS"]

MAX_SHOWN_PATHS = 8  # paths written out in a formula; beyond, the formula says how many there are
STEP_COST = 2  # work units (~microseconds) of looking at one step to find the paths
PARTIAL_COST = 300  # work units of differentiating one step by one input with SymPy and evaluating it


@record
class Derivative:
    """dA/dB: its value, and the paths (products of named local partials) that add up to it."""

    name: str  # dout_y1_dout_h1
    top: str  # out_y1
    bottom: str  # out_h1
    value: sympy.Expr
    paths: tuple[tuple[str, ...], ...]  # each path's factors, from A down to B: ("dout_y1_dy1", "dy1_dout_h1")
    path_count: int  # all paths (more than `paths` when there are too many to show)
    factors: Mapping[str, sympy.Expr]  # each factor's value

    @property
    def formula(self) -> str:
        """Return the sum of products of factor names, e.g. "dout_y1_dy1*dy1_dout_h1"."""
        if self.path_count == 0:
            return "0"
        if self.path_count > len(self.paths):
            return f"sum over {self.path_count} paths from {self.bottom} to {self.top}"
        return " + ".join("*".join(path) or "1" for path in self.paths)


def _inputs(derivation: Derivation, name: str) -> list[str]:
    step = derivation.by_name.get(name)
    return [] if step is None else sorted(set(step.inputs))


def _between(derivation: Derivation, top: str, bottom: str) -> list[str]:
    """The steps on some path from `bottom` to `top`, in evaluation order (bottom itself first)."""
    below = {bottom}
    for step in derivation.steps:  # everything `bottom` reaches
        if step.name != bottom and any(name in below for name in step.inputs):
            below.add(step.name)
    if top not in below:
        return []
    needed, stack = {top}, [top]
    while stack:  # everything `top` depends on, within what `bottom` reaches
        for name in _inputs(derivation, stack.pop()):
            if name in below and name not in needed:
                needed.add(name)
                stack.append(name)
    order = [bottom] + [s.name for s in derivation.steps if s.name in needed and s.name != bottom]
    return order


def _number(value: sympy.Expr, digits: int) -> sympy.Expr:
    return value if value.is_Rational else sympy.Float(value.evalf(digits), digits)


def derivative(derivation: Derivation, values: Mapping[str, sympy.Expr], top: str, bottom: str,
               name: str | None = None, digits: int = 60) -> Derivative:
    """Return dtop/dbottom, the total derivative through every path of the network's steps."""
    name = name or derivative_name(top, bottom)
    budget.charge(STEP_COST * len(derivation.steps), "derivatives", name)
    order = _between(derivation, top, bottom)
    budget.charge(PARTIAL_COST * sum(len(derivation.by_name[n].inputs) for n in order[1:]), "derivatives", name)
    if not order:
        return Derivative(name, top, bottom, sympy.Integer(0), (), 0, {})
    env = {symbol(k): v for k, v in values.items() if k in derivation.by_name or k in derivation.given}
    on_path = set(order)
    total: dict[str, sympy.Expr] = {bottom: sympy.Integer(1)}
    count: dict[str, int] = {bottom: 1}
    shown: dict[str, list[tuple[str, ...]]] = {bottom: [()]}
    factors: dict[str, sympy.Expr] = {}
    for current in order[1:]:
        expr = derivation.by_name[current].expr
        total[current], count[current], shown[current] = sympy.Integer(0), 0, []
        for source in _inputs(derivation, current):
            if source not in on_path:
                continue
            local = derivative_name(current, source)
            partial = _number(sympy.diff(expr, symbol(source)).xreplace(env), digits)
            factors[local] = partial
            total[current] = _number(total[current] + partial * total[source], digits)
            count[current] += count[source]
            link = () if partial == 1 else (local,)  # the link from a term to its sum: a factor 1, left out
            if len(shown[current]) < MAX_SHOWN_PATHS:
                shown[current] += [link + path for path in shown[source]][:MAX_SHOWN_PATHS - len(shown[current])]
    return Derivative(name, top, bottom, total[top], tuple(shown[top]), count[top], factors)


class Quantities(Mapping[str, sympy.Expr]):
    """A case's values: the derived ones, the aliases a file declares, and any dA_dB on first request.

    Iterating gives the derived values only (the pairs are too many to list);
    looking a name up computes a derivative or follows an alias, once.
    """

    def __init__(self, base: Mapping[str, sympy.Expr], derivation: Derivation | None,
                 aliases: Mapping[str, str] | None = None) -> None:
        self.base = base
        self.derivation = derivation
        self.aliases = dict(aliases or {})
        self.derived: dict[str, Derivative] = {}

    def resolve(self, name: str) -> str:
        """Return the name an alias stands for (a name that is no alias stands for itself)."""
        return self.aliases.get(name, name) if name not in self.base else name

    def derivative(self, name: str) -> Derivative | None:
        """Return the derivative `name` reads as (dA_dB, or an alias of one), computing it once; None if none."""
        name = self.resolve(name)
        if name in self.derived:
            return self.derived[name]
        if self.derivation is None or name in self.base:
            return None
        pair = split_derivative(name, self.base, self.derivation.network.total_error)
        if pair is None:
            return None
        self.derived[name] = derivative(self.derivation, self.base, pair[0], pair[1], name)
        return self.derived[name]

    def __getitem__(self, name: str) -> sympy.Expr:
        target = self.resolve(name)
        if target in self.base:
            return self.base[target]
        found = self.derivative(target)
        if found is None:
            raise KeyError(name)
        return found.value

    def __iter__(self):
        return iter(self.base)

    def __len__(self) -> int:
        return len(self.base)

