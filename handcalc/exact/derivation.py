"""Symbolic derivation: every quantity of a worked example as a named SymPy step.

Forward pass, loss terms, then reverse mode as a tutorial writes it by hand:
output deltas first (dE/dout_y1 * dout_y1/dy1), hidden deltas from them
(dE/dout_h1 = dE1/dout_h1 + dE2/dout_h1), and each partial as delta times the
input to that weight (dE/dw5 = dE/dout_y1 * dout_y1/dy1 * dy1/dw5).  Each step
is a formula in the names of earlier steps, so the work grows linearly with
the number of weights; `expand` rebuilds a step in terms of inputs, targets
and parameters only, for checking against `sympy.diff`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Iterable

import sympy

from ..read.reader import InputError
from ..model import Layer, Network
from ..numbers import to_decimal_text
from .functions import ACTIVATIONS, LOSSES, SOFTMAX_FORMULA, SOFTMAX_JACOBIAN_FORMULAS, softmax, softmax_jacobian

__all__ = ["Step", "Derivation", "derive", "LEARNING_RATE", "simplified_name"]

LEARNING_RATE = "eta"


@dataclass(frozen=True)
class Step:
    """One named quantity: its formula in earlier names, as SymPy and as text."""

    name: str
    section: str  # "forward pass, hidden layer", "error", "backward pass, output layer", ...
    expr: sympy.Expr  # in the symbols of earlier steps and of the given values
    template: str  # "{x1}*{w1} + {x2}*{w2} + {b1}": names in braces
    factors: tuple[str, ...] = ()  # for a chain-rule product: the factors' names
    row: int | None = None  # 0-based input row, None for batch-wide quantities

    @property
    def formula(self) -> str:
        """Return the formula with names, e.g. "x1*w1 + x2*w2 + b1"."""
        return self.template.replace("{", "").replace("}", "")

    def substituted(self, numbers: dict[str, str]) -> str:
        """Return the formula with each name replaced by its number's text."""
        return self.template.format_map(numbers)


@dataclass(frozen=True)
class Derivation:
    """All steps of one network on a given number of input rows, in evaluation order."""

    network: Network
    rows: int
    steps: tuple[Step, ...]
    given: tuple[str, ...]  # names of values supplied from the file: inputs, targets, parameters, eta

    @cached_property
    def by_name(self) -> dict[str, Step]:
        """Return the steps keyed by name."""
        return {step.name: step for step in self.steps}

    def symbol(self, name: str) -> sympy.Symbol:
        """Return the (real) SymPy symbol of a quantity name."""
        return sympy.Symbol(name, real=True)

    def expand(self, name: str) -> sympy.Expr:
        """Return a step in terms of the given values only (inputs, targets, parameters, eta)."""
        return self._expanded[name]

    @cached_property
    def _expanded(self) -> dict[str, sympy.Expr]:
        expanded: dict[sympy.Symbol, sympy.Expr] = {}
        result: dict[str, sympy.Expr] = {}
        for step in self.steps:
            full = step.expr.xreplace(expanded)
            expanded[self.symbol(step.name)] = full
            result[step.name] = full
        return result

    def gradient_name(self, parameter: str) -> str:
        """Return the name of dE/dp for a parameter: dE_dw5."""
        return f"dE_d{parameter}"


def _suffix(row: int, rows: int) -> str:
    return "" if rows == 1 else f"_r{row + 1}"


def _wrap(template: str) -> str:
    """Parenthesise a sum so it can stand as a factor."""
    return f"({template})" if (" + " in template or " - " in template) else template


class _Builder:
    def __init__(self, network: Network, rows: int) -> None:
        self.network = network
        self.rows = rows
        self.steps: list[Step] = []
        self.names: set[str] = set()

    def sym(self, name: str) -> sympy.Symbol:
        return sympy.Symbol(name, real=True)

    def add(self, name: str, section: str, expr: sympy.Expr, template: str,
            factors: Iterable[str] = (), row: int | None = None) -> sympy.Symbol:
        if name in self.names:
            raise InputError(f"the name {name!r} is used for two different quantities")
        self.names.add(name)
        self.steps.append(Step(name, section, expr, template, tuple(factors), row))
        return self.sym(name)


def _per_term(formula: str, n: int) -> str:
    """A mean over a single term divides by 1: leave the "/1" out of the formula shown."""
    return formula.replace("/{n}", "") if n == 1 else formula


def _constant(layer: Layer) -> sympy.Rational | None:
    """The layer's declared activation constant as an exact number (None: the activation's default)."""
    return None if layer.slope is None else sympy.Rational(layer.slope.numerator, layer.slope.denominator)


def _constant_text(layer: Layer) -> str:
    """The activation constant as the formulas show it: the declared one, or the default."""
    default = ACTIVATIONS[layer.activation].default
    return default or "" if layer.slope is None else to_decimal_text(layer.slope, 12)


def _layer_label(index: int, count: int) -> str:
    if index == count - 1:
        return "output layer"
    return "hidden layer" if count == 2 else f"hidden layer {index + 1}"


@lru_cache(maxsize=32)
def derive(network: Network, rows: int = 1) -> Derivation:
    """Return the symbolic derivation of `network` on `rows` input rows (cached: networks are frozen)."""
    b = _Builder(network, rows)
    loss = LOSSES[network.loss]
    outputs = network.layers[-1]
    # terms averaged over, for the mean losses: outputs x rows, or rows (categorical cross-entropy)
    n = rows if loss.per_row else len(outputs.pre) * rows
    given = [f"{x}{_suffix(r, rows)}" for r in range(rows) for x in network.inputs]
    given += [f"{t}{_suffix(r, rows)}" for r in range(rows) for t in network.targets]
    given += list(network.parameters) + [LEARNING_RATE]
    b.names.update(given)

    # Forward pass and loss terms, row by row.
    error_terms: list[str] = []
    for r in range(rows):
        s = _suffix(r, rows)
        inputs = [f"{x}{s}" for x in network.inputs]
        for index, layer in enumerate(network.layers):
            _forward_layer(b, layer, f"forward pass, {_layer_label(index, len(network.layers))}", inputs, r)
            inputs = [f"{post}{s}" for post in layer.post]
        for error, target, out in zip(network.errors, network.targets, outputs.post):
            term = loss.term(b.sym(target + s), b.sym(out + s), n)
            b.add(error + s, "error", term,
                  _per_term(loss.formula, n).format(t=f"{{{target}{s}}}", out=f"{{{out}{s}}}", n=n), row=r)
            error_terms.append(error + s)
    total_expr = sum((b.sym(name) for name in error_terms), sympy.Integer(0))
    b.add(network.total_error, "error", total_expr, " + ".join(f"{{{e}}}" for e in error_terms))

    # Backward pass, row by row: deltas layer by layer from the output back.
    contributions: dict[str, list[tuple]] = {p: [] for p in network.parameters}
    for r in range(rows):
        deltas: list[str] = []
        for index in range(len(network.layers) - 1, -1, -1):
            deltas = _backward_layer(b, index, r, n, deltas, contributions)
    _gradients(b, contributions)
    return Derivation(network, rows, tuple(b.steps), tuple(given))


def _forward_layer(b: _Builder, layer: Layer, section: str, inputs: list[str], r: int) -> None:
    """Add one layer's pre-activations and activations for row r (softmax: every z before any out)."""
    s = _suffix(r, b.rows)
    activation = ACTIVATIONS[layer.activation]
    for j, pre in enumerate(layer.pre):
        terms = [(inputs[i], weight) for i, weight in enumerate(layer.weights[j])]
        expr = sum((b.sym(x) * b.sym(w) for x, w in terms), sympy.Integer(0))
        template = " + ".join(f"{{{x}}}*{{{w}}}" for x, w in terms)
        if layer.biases:
            expr += b.sym(layer.biases[j])
            template += f" + {{{layer.biases[j]}}}"
        z = b.add(pre + s, section, expr, template, row=r)
        if activation.elementwise:
            b.add(layer.post[j] + s, section, activation.at(z, _constant(layer)),
                  activation.formula.format(z=f"{{{pre}{s}}}", a=_constant_text(layer)), row=r)
    if not activation.elementwise:
        zs = [b.sym(pre + s) for pre in layer.pre]
        total = " + ".join(f"e^{{{pre}{s}}}" for pre in layer.pre)
        for j, (pre, post) in enumerate(zip(layer.pre, layer.post)):
            b.add(post + s, section, softmax(zs, j), SOFTMAX_FORMULA.format(z=f"{{{pre}{s}}}", total=total), row=r)


def _backward_layer(b: _Builder, index: int, r: int, n: int, deltas: list[str],
                    contributions: dict[str, list[tuple]]) -> list[str]:
    """Add one layer's dE/dout, dout/dz and deltas dE/dz for row r; return the deltas' names."""
    network, s = b.network, _suffix(r, b.rows)
    layer, count = network.layers[index], len(network.layers)
    section = f"backward pass, {_layer_label(index, count)}"
    activation = ACTIVATIONS[layer.activation]
    inputs = ([f"{x}{s}" for x in network.inputs] if index == 0
              else [f"{post}{s}" for post in network.layers[index - 1].post])
    d_outs = []
    for j, post in enumerate(layer.post):
        if not activation.elementwise:  # softmax: every dE/dout first, the Jacobian after
            d_outs.append(_d_out(b, index, j, r, n, deltas, section))
    new_deltas = []
    for j, (pre, post) in enumerate(zip(layer.pre, layer.post)):
        out, z = post + s, pre + s
        if activation.elementwise:
            d_out = _d_out(b, index, j, r, n, deltas, section)
            d_act = f"d{out}_d{z}"
            b.add(d_act, section, activation.slope(b.sym(z), b.sym(out), _constant(layer)),
                  activation.derivative_formula.format(z=f"{{{z}}}", out=f"{{{out}}}", a=_constant_text(layer)),
                  row=r)
            delta = b.add(f"dE_d{z}", section, b.sym(d_out) * b.sym(d_act),
                          f"{_wrap('{' + d_out + '}')}*{{{d_act}}}", factors=(d_out, d_act), row=r).name
            chain: tuple[str, ...] = (d_out, d_act)
        else:
            delta = _softmax_delta(b, layer, j, r, d_outs, section)
            chain = (delta,)
        new_deltas.append(delta)
        places = [(inputs[i], weight) for i, weight in enumerate(layer.weights[j])]
        if layer.biases:
            places.append((None, layer.biases[j]))
        for source, parameter in places:
            local = f"d{z}_d{parameter}"
            b.add(local, section, b.sym(source) if source else sympy.Integer(1),
                  f"{{{source}}}" if source else "1", row=r)
            contributions[parameter].append((chain + (local,), local, delta, section))
    return new_deltas


def _d_out(b: _Builder, index: int, j: int, r: int, n: int, deltas: list[str], section: str) -> str:
    """Add dE/dout of neuron j of layer `index` for row r: from the loss, or summed over the next layer."""
    network, s = b.network, _suffix(r, b.rows)
    out = network.layers[index].post[j] + s
    d_out = f"dE_d{out}"
    if index == len(network.layers) - 1:
        loss = LOSSES[network.loss]
        target = network.targets[j] + s
        b.add(d_out, section, sympy.diff(loss.term(b.sym(target), b.sym(out), n), b.sym(out)),
              _per_term(loss.derivative_formula, n).format(t=f"{{{target}}}", out=f"{{{out}}}", n=n), row=r)
        return d_out
    following, paths = network.layers[index + 1], []
    for k, next_pre in enumerate(following.pre):
        weight = following.weights[k][j]
        via = (f"d{network.errors[k]}{s}_d{out}" if index + 2 == len(network.layers)
               else f"dE_d{out}_via_{next_pre}{s}")
        link = f"d{next_pre}{s}_d{out}"
        b.add(link, section, b.sym(weight), f"{{{weight}}}", row=r)
        b.add(via, section, b.sym(deltas[k]) * b.sym(link),
              f"{{{deltas[k]}}}*{{{link}}}", factors=(deltas[k], link), row=r)
        paths.append(via)
    b.add(d_out, section, sum((b.sym(p) for p in paths), sympy.Integer(0)),
          " + ".join(f"{{{p}}}" for p in paths), row=r)
    return d_out


def _softmax_delta(b: _Builder, layer: Layer, j: int, r: int, d_outs: list[str], section: str) -> str:
    """Add column j of softmax's Jacobian and dE/dz_j = sum_i dE/dout_i * dout_i/dz_j, the long way.

    With cross-entropy on the output layer, also dE/dz_j's simplified form (out_j - T_j)/rows,
    equal to the long one because each target row sums to 1.
    """
    network, s = b.network, _suffix(r, b.rows)
    outs = [b.sym(post + s) for post in layer.post]
    z = layer.pre[j] + s
    links = []
    for i, post in enumerate(layer.post):
        link = f"d{post}{s}_d{z}"
        form = SOFTMAX_JACOBIAN_FORMULAS[0 if i == j else 1]
        b.add(link, section, softmax_jacobian(outs, i, j),
              form.format(out=f"{{{post}{s}}}", other=f"{{{layer.post[j]}{s}}}"), row=r)
        links.append(link)
    delta = f"dE_d{z}"
    b.add(delta, section, sum((b.sym(d) * b.sym(link) for d, link in zip(d_outs, links)), sympy.Integer(0)),
          " + ".join(f"{{{d}}}*{{{link}}}" for d, link in zip(d_outs, links)), row=r)
    if layer is network.layers[-1] and network.loss == "cross_entropy":
        out, target = layer.post[j] + s, network.targets[j] + s
        b.add(simplified_name(delta), section, (b.sym(out) - b.sym(target)) / b.rows,
              _per_term("({out} - {t})/{n}", b.rows).format(out=f"{{{out}}}", t=f"{{{target}}}", n=b.rows), row=r)
    return delta


def simplified_name(delta: str) -> str:
    """Return the name of softmax + cross-entropy's simplified dE/dz: dE_dy1_simplified."""
    return f"{delta}_simplified"


def _gradients(b: _Builder, contributions: dict[str, list[tuple]]) -> None:
    """Each gradient, then each update.

    A parameter in one place gets the chain product (dE/dout * dout/dz * dz/dw, or through
    softmax dE/dz * dz/dw); one in several places or rows the sum of delta x local derivative.
    """
    for parameter in b.network.parameters:
        places = contributions[parameter]
        name = f"dE_d{parameter}"
        section = places[0][3]
        if len(places) == 1:
            factors = places[0][0]
            expr = sympy.Mul(*(b.sym(f) for f in factors))
            b.add(name, section, expr, "*".join(_wrap("{" + f + "}") for f in factors), factors=factors)
        else:
            expr = sum((b.sym(delta) * b.sym(local) for _, local, delta, _ in places), sympy.Integer(0))
            b.add(name, section, expr, " + ".join(f"{{{delta}}}*{{{local}}}" for _, local, delta, _ in places))
    for parameter in b.network.parameters:
        grad = f"dE_d{parameter}"
        b.add(f"new_{parameter}", "updated parameters",
              b.sym(parameter) - b.sym(LEARNING_RATE) * b.sym(grad),
              f"{{{parameter}}} - {{{LEARNING_RATE}}}*{{{grad}}}")
