"""Symbolic derivation: every quantity of a worked example as a named SymPy step.

Forward pass, loss terms, then reverse mode as a tutorial writes it by hand:
output deltas first (dE/dout_y1 * dout_y1/dy1), hidden deltas from them
(dE/dout_h1 = dE1/dout_h1 + dE2/dout_h1), and each partial as delta times the
input to that weight (dE/dw5 = dE/dout_y1 * dout_y1/dy1 * dy1/dw5).  A softmax
layer is not elementwise: its delta sums over every output through the
Jacobian's named entries (dE/dy1 = dE/dout_y1 * dout_y1/dy1 + dE/dout_y2 *
dout_y2/dy1 + ...), and with cross-entropy the simplified (out_y1 - T1)/rows
is a step of its own, which must agree.  With L2 weight decay in the loss
(a training run's coupled `weight_decay`), E_reg = lambda/2*(w1^2 + ...) is
added into E_total and each decayed gradient gains the factor dE_reg_dw5 =
lambda*w5; decoupled decay leaves the gradients alone and shrinks the update
(new_w5 = w5 - eta*dE_dw5 - eta*lambda*w5).  Each step
is a formula in the names of earlier steps, so the work grows linearly with
the number of weights; `expand` rebuilds a step in terms of inputs, targets
and parameters only, for checking against `sympy.diff`.
"""

from __future__ import annotations

from functools import cached_property, lru_cache
from typing import Iterable

import sympy

from ..records import record
from ..budget import charge
from ..model import Decay, Layer, Network
from ..naming import (LEARNING_RATE, PENALTY, WEIGHT_DECAY, NeuronNames, gradient, in_row, neuron_names,
                      penalty_gradient, row_suffix, updated)
from ..numbers import to_decimal_text
from ..functions import SOFTMAX_JACOBIAN_FORMULAS, softmax, softmax_jacobian
from ..functions import activation as activation_named, loss as loss_named
from .formulas import (UPDATE, Apply, Formula, Sum, Symbolic, activation_shape, derivative_shape, loss_derivative_shape,
                       loss_shape, symbol)
from ..heap import collector_paused

__all__ = ["Step", "Derivation", "DerivationError", "derive", "symbol"]

STEP_COST = 15  # work units (~microseconds) of building one step (measured: 11 at 50,000 steps)


class DerivationError(RuntimeError):
    """Two steps of a derivation would share a name.

    The loader refuses every network whose names could collide (with the
    key path to rename), so reaching this is a bug, not bad input.
    """


@record
class Step:
    """One named quantity: its formula in earlier names (a `Formula`, SymPy on demand), and as text."""

    name: str
    section: str  # "forward pass, hidden layer", "error", "backward pass, output layer", ...
    formula_of: Formula  # in the names of earlier steps and of the given values
    template: str  # "{x1}*{w1} + {x2}*{w2} + {b1}": names in braces
    factors: tuple[str, ...] = ()  # for a chain-rule product: the factors' names
    row: int | None = None  # 0-based input row, None for batch-wide quantities

    @property
    def expr(self) -> sympy.Expr:
        """Return the formula as a SymPy expression in the symbols of earlier steps and given values."""
        return self.formula_of.expr

    @property
    def inputs(self) -> tuple[str, ...]:
        """Return the names the formula uses."""
        return self.formula_of.names

    @property
    def formula(self) -> str:
        """Return the formula with names, e.g. "x1*w1 + x2*w2 + b1"."""
        return self.template.replace("{", "").replace("}", "")

    def substituted(self, numbers: dict[str, str]) -> str:
        """Return the formula with each name replaced by its number's text."""
        return self.template.format_map(numbers)


@record
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

    def expand(self, name: str) -> sympy.Expr:
        """Return a step in terms of the given values only (inputs, targets, parameters, eta)."""
        return self._expanded[name]

    @cached_property
    def _expanded(self) -> dict[str, sympy.Expr]:
        expanded: dict[sympy.Symbol, sympy.Expr] = {}
        result: dict[str, sympy.Expr] = {}
        for step in self.steps:
            full = step.expr.xreplace(expanded)
            expanded[symbol(step.name)] = full
            result[step.name] = full
        return result


def _wrap(template: str) -> str:
    """Parenthesise a sum so it can stand as a factor."""
    return f"({template})" if (" + " in template or " - " in template) else template


class _Builder:
    def __init__(self, network: Network, rows: int, decay: Decay | None = None) -> None:
        self.network = network
        self.rows = rows
        self.decay = decay
        self.steps: list[Step] = []
        self.names: set[str] = set()

    def sym(self, name: str) -> sympy.Symbol:
        return symbol(name)

    def add(self, name: str, section: str, expr: sympy.Expr | Formula, template: str,
            factors: Iterable[str] = (), row: int | None = None) -> sympy.Symbol:
        """Add a step; `expr` is a `Formula`, or any SymPy expression in earlier names."""
        if name in self.names:
            raise DerivationError(f"the name {name!r} is used for two different quantities")
        self.names.add(name)
        charge(STEP_COST, "the derivation", f"a network on {self.rows} row(s)")
        formula = expr if isinstance(expr, (Sum, Apply, Symbolic)) else Symbolic(expr)
        self.steps.append(Step(name, section, formula, template, tuple(factors), row))
        return self.sym(name)


def _per_term(formula: str, n: int) -> str:
    """A mean over a single term divides by 1: leave the "/1" out of the formula shown."""
    return formula.replace("/{n}", "") if n == 1 else formula


def _layer_label(index: int, count: int) -> str:
    if index == count - 1:
        return "output layer"
    return "hidden layer" if count == 2 else f"hidden layer {index + 1}"


@lru_cache(maxsize=32)
@collector_paused
def derive(network: Network, rows: int = 1, targets: bool = True, decay: Decay | None = None) -> Derivation:
    """Return the symbolic derivation of `network` on `rows` input rows (cached: networks are frozen).

    Without `targets` (a case worked forward only) it stops after the forward
    pass: there is no loss, so no gradient and no update.  `decay`: the case's
    L2 weight decay, shown in the loss and gradients (coupled) or the updates.
    """
    b = _Builder(network, rows, decay if targets else None)
    loss = loss_named(network.loss)
    count = len(network.layers)
    outputs = network.layers[-1]
    # terms averaged over, for the mean losses: outputs x rows, or rows (categorical cross-entropy)
    n = rows if loss.per_row else len(outputs.pre) * rows
    given = [in_row(x, r, rows) for r in range(rows) for x in network.inputs]
    if targets:
        given += [in_row(t, r, rows) for r in range(rows) for t in network.targets]
    given += list(network.parameters) + [LEARNING_RATE] + ([WEIGHT_DECAY] if b.decay else [])
    b.names.update(given)

    # Forward pass and loss terms, row by row.
    error_terms: list[str] = []
    for r in range(rows):
        s = row_suffix(r, rows)
        inputs = [f"{x}{s}" for x in network.inputs]
        for index, layer in enumerate(network.layers):
            _forward_layer(b, layer, f"forward pass, {_layer_label(index, count)}", inputs, r)
            inputs = [f"{post}{s}" for post in layer.post]
        if not targets:
            continue
        for error, target, out in zip(network.errors, network.targets, outputs.post):
            b.add(error + s, "error", Apply(loss_shape(loss.term, n), (target + s, out + s)),
                  _per_term(loss.formula, n).format(t=f"{{{target}{s}}}", out=f"{{{out}{s}}}", n=n), row=r)
            error_terms.append(error + s)
    if not targets:
        return Derivation(network, rows, tuple(b.steps), tuple(given))
    if b.decay is not None and b.decay.coupled:
        _penalty(b)
        error_terms.append(PENALTY)
    b.add(network.total_error, "error", Sum(tuple((name,) for name in error_terms)),
          " + ".join(f"{{{e}}}" for e in error_terms))

    # Backward pass, row by row: deltas layer by layer from the output back.
    contributions: dict[str, list[tuple]] = {p: [] for p in network.parameters}
    for r in range(rows):
        deltas: list[str] = []
        for index in range(count - 1, -1, -1):
            deltas = _backward_layer(b, index, r, n, deltas, contributions)
    _gradients(b, contributions)
    return Derivation(network, rows, tuple(b.steps), tuple(given))


def _constants(layer: Layer) -> tuple:
    """The layer's activation constant as an exact number, or () for an activation without one."""
    declared = None if layer.slope is None else sympy.Rational(layer.slope.numerator, layer.slope.denominator)
    return activation_named(layer.activation).constants(declared)


def _constant_text(layer: Layer) -> str:
    """The activation constant as the formulas show it: the declared one, or the default."""
    default = activation_named(layer.activation).default
    return default or "" if layer.slope is None else to_decimal_text(layer.slope, 12)


def _forward_layer(b: _Builder, layer: Layer, section: str, inputs: list[str], r: int) -> None:
    """Add one layer's pre-activations and activations for row r (softmax: every z before any out)."""
    s = row_suffix(r, b.rows)
    activation = activation_named(layer.activation)
    for j, pre in enumerate(layer.pre):
        terms = [(inputs[i], weight) for i, weight in enumerate(layer.weights[j])]
        template = " + ".join(f"{{{x}}}*{{{w}}}" for x, w in terms)
        if layer.biases:
            terms.append((layer.biases[j],))
            template += f" + {{{layer.biases[j]}}}"
        b.add(pre + s, section, Sum(tuple(terms)), template, row=r)
        if activation.elementwise:
            b.add(layer.post[j] + s, section, Apply(activation_shape(activation.function, *_constants(layer)),
                                                    (pre + s,)),
                  activation.formula.format(z=f"{{{pre}{s}}}", a=_constant_text(layer)), row=r)
    if not activation.elementwise:
        zs = [symbol(pre + s) for pre in layer.pre]
        total = " + ".join(f"e^{{{pre}{s}}}" for pre in layer.pre)
        for j, (pre, post) in enumerate(zip(layer.pre, layer.post)):
            b.add(post + s, section, softmax(zs, j), activation.formula.format(z=f"{{{pre}{s}}}", total=total), row=r)


def _backward_layer(b: _Builder, index: int, r: int, n: int, deltas: list[str],
                    contributions: dict[str, list[tuple]]) -> list[str]:
    """Add one layer's dE/dout, dout/dz and deltas dE/dz for row r; return the deltas' names."""
    network, s = b.network, row_suffix(r, b.rows)
    layer = network.layers[index]
    section = f"backward pass, {_layer_label(index, len(network.layers))}"
    activation = activation_named(layer.activation)
    inputs = ([f"{x}{s}" for x in network.inputs] if index == 0
              else [f"{post}{s}" for post in network.layers[index - 1].post])
    every = [neuron_names(network, index, j, r, b.rows) for j in range(layer.size)]
    if not activation.elementwise:  # softmax: every dE/dout first, the Jacobian after
        for j, names in enumerate(every):
            _d_out(b, index, j, names, n, deltas, section, r)
    new_deltas = []
    for j, names in enumerate(every):
        if activation.elementwise:
            _d_out(b, index, j, names, n, deltas, section, r)
            z, out, d_out, d_act = names.pre, names.post, names.d_out, names.d_act
            b.add(d_act, section, Apply(derivative_shape(activation.derivative, *_constants(layer)), (z, out)),
                  activation.derivative_formula.format(z=f"{{{z}}}", out=f"{{{out}}}", a=_constant_text(layer)),
                  row=r)
            b.add(names.delta, section, Sum(((d_out, d_act),)),
                  f"{_wrap('{' + d_out + '}')}*{{{d_act}}}", factors=(d_out, d_act), row=r)
            chain: tuple[str, ...] = (d_out, d_act)
        else:
            _softmax_delta(b, layer, j, every, section, r)
            chain = (names.delta,)
        new_deltas.append(names.delta)
        sources = [inputs[i] for i in range(len(layer.weights[j]))] + ([None] if layer.biases else [])
        parameters = layer.weights[j] + layer.biases[j:j + 1]
        for source, parameter, local in zip(sources, parameters, names.locals):
            b.add(local, section, Sum(((source,) if source else (),)), f"{{{source}}}" if source else "1", row=r)
            contributions[parameter].append((chain + (local,), local, names.delta, section))
    return new_deltas


def _d_out(b: _Builder, index: int, j: int, names: NeuronNames, n: int, deltas: list[str], section: str,
           r: int) -> None:
    """Add dE/dout of neuron j of layer `index`: from the loss, or summed over the next layer's neurons."""
    network = b.network
    out = names.post
    if index == len(network.layers) - 1:
        loss = loss_named(network.loss)
        target = in_row(network.targets[j], r, b.rows)
        b.add(names.d_out, section, Apply(loss_derivative_shape(loss.term, n), (target, out)),
              _per_term(loss.derivative_formula, n).format(t=f"{{{target}}}", out=f"{{{out}}}", n=n), row=r)
        return
    following = network.layers[index + 1]
    for k, (link, via) in enumerate(names.links):
        weight = following.weights[k][j]
        b.add(link, section, Sum(((weight,),)), f"{{{weight}}}", row=r)
        b.add(via, section, Sum(((deltas[k], link),)), f"{{{deltas[k]}}}*{{{link}}}", factors=(deltas[k], link),
              row=r)
    vias = [via for _, via in names.links]
    b.add(names.d_out, section, Sum(tuple((p,) for p in vias)), " + ".join(f"{{{p}}}" for p in vias), row=r)


def _softmax_delta(b: _Builder, layer: Layer, j: int, every: list[NeuronNames], section: str, r: int) -> None:
    """Add column j of softmax's Jacobian and dE/dz_j = sum_i dE/dout_i * dout_i/dz_j, the long way.

    With cross-entropy on the output layer, also dE/dz_j's simplified form (out_j - T_j)/rows,
    equal to the long one because each target row sums to 1.
    """
    names = every[j]
    outs = [symbol(other.post) for other in every]
    for i, link in enumerate(names.jacobian):
        form = SOFTMAX_JACOBIAN_FORMULAS[0 if i == j else 1]
        b.add(link, section, softmax_jacobian(outs, i, j),
              form.format(out=f"{{{every[i].post}}}", other=f"{{{names.post}}}"), row=r)
    pairs = [(other.d_out, link) for other, link in zip(every, names.jacobian)]
    b.add(names.delta, section, Sum(tuple(pairs)), " + ".join(f"{{{d}}}*{{{link}}}" for d, link in pairs), row=r)
    if names.simplified:
        target = in_row(b.network.targets[j], r, b.rows)
        b.add(names.simplified, section, (symbol(names.post) - symbol(target)) / b.rows,
              _per_term("({out} - {t})/{n}", b.rows).format(out=f"{{{names.post}}}", t=f"{{{target}}}", n=b.rows),
              row=r)


def _penalty(b: _Builder) -> None:
    """Add the weight-decay term of the loss, E_reg = lambda/2 * (w1^2 + w2^2 + ...)."""
    names = b.decay.names
    expr = symbol(WEIGHT_DECAY) / 2 * sympy.Add(*(symbol(p) ** 2 for p in names))
    b.add(PENALTY, "error", Symbolic(expr), f"{{{WEIGHT_DECAY}}}/2*(" + " + ".join(f"{{{p}}}^2" for p in names) + ")")


def _gradients(b: _Builder, contributions: dict[str, list[tuple]]) -> None:
    """Each gradient, then each update.

    A parameter in one place gets the chain product (dE/dout * dout/dz * dz/dw, or through
    softmax dE/dz * dz/dw); one in several places or rows the sum of delta x local derivative.
    Under weight decay in the loss, a decayed parameter's gradient adds dE_reg_dw = lambda*w.
    """
    decay = b.decay
    penalised = set(decay.names) if decay is not None and decay.coupled else set()
    for parameter in b.network.parameters:
        places = contributions[parameter]
        name = gradient(parameter)
        section = places[0][3]
        extra, extra_text = ((), "")
        if parameter in penalised:
            term = penalty_gradient(parameter)
            b.add(term, section, Sum(((WEIGHT_DECAY, parameter),)), f"{{{WEIGHT_DECAY}}}*{{{parameter}}}")
            extra, extra_text = ((term,),), f" + {{{term}}}"
        if len(places) == 1:
            factors = places[0][0]
            b.add(name, section, Sum((factors,) + extra),
                  "*".join(_wrap("{" + f + "}") for f in factors) + extra_text, factors=() if extra else factors)
        else:
            b.add(name, section, Sum(tuple((delta, local) for _, local, delta, _ in places) + extra),
                  " + ".join(f"{{{delta}}}*{{{local}}}" for _, local, delta, _ in places) + extra_text)
    shrunk = set(decay.names) if decay is not None and not decay.coupled else set()
    for parameter in b.network.parameters:
        grad = gradient(parameter)
        if parameter in shrunk:  # decoupled: w - eta*dE/dw - eta*lambda*w
            expr = symbol(parameter) - symbol(LEARNING_RATE) * (symbol(grad) + symbol(WEIGHT_DECAY) * symbol(parameter))
            b.add(updated(parameter), "updated parameters", Symbolic(expr),
                  f"{{{parameter}}} - {{{LEARNING_RATE}}}*{{{grad}}} - "
                  f"{{{LEARNING_RATE}}}*{{{WEIGHT_DECAY}}}*{{{parameter}}}")
            continue
        b.add(updated(parameter), "updated parameters", Apply(UPDATE, (parameter, LEARNING_RATE, grad)),
              f"{{{parameter}}} - {{{LEARNING_RATE}}}*{{{grad}}}")
