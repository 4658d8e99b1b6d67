"""Training replays in plain Python lists: float64 for small networks, and every 40-digit replay.

`handcalc.floats.replay` steps a network through NumPy; at 2-4 neurons a layer
and a few rows a step, the cost of each NumPy call (about a microsecond) dwarfs
its arithmetic.  This module replays the same procedure with lists of floats
and the `math` module: one `sum(map(mul, ...))` per dot product, no array
calls.  A layer's numbers for all the step's rows sit in one flat list, so an
activation is one pass over every row, and the rows' columns, which each
weight's gradient sums over, are slices and `zip`s done in C.  `replay.replay`
chooses this path when a step's rows times the parameters are at most
`SCALAR_WORK` per layer (measured: below that, plain floats win), and the run
is one it supports (`supports`): elementwise activations, the losses in
`_LOSSES`, no parameter in several places.  Otherwise NumPy runs.

It follows `replay._run` step for step (same forward pass, deltas, update
rule and order of updates; the same records kept), so the two agree to
rounding: NumPy's exp and matrix products may round the last bit differently
from `math.exp` and a sequential sum.  A run that leaves float64's range (a
diverging one: `math.exp` overflows where NumPy gives inf) returns None, and
the caller replays it with NumPy, which carries inf and nan through.

`replay.exact_replay` runs the same code at 40 digits (`arithmetic.Kit`), for
any network it supports: there every operation is a Python call anyway, and
plain lists save NumPy's object-array machinery around each.
"""

from __future__ import annotations

import math
from fractions import Fraction
from operator import mul
from typing import Any, Callable

import numpy as np

from ..model import Case, Layer, Network, Procedure
from .arithmetic import Kit, as_mpmath, tables
from .replay import Replay, _End, _Log
from .update import is_tied, tie

__all__ = ["SCALAR_WORK", "supports", "run"]

# A step in plain floats costs about rows x parameters multiplications; through NumPy, a fixed cost per
# layer (each array call about a microsecond).  Measured (300 epochs, sigmoid layers, plain floats / NumPy):
# 3-1 with 4 rows a step 0.77, 8 rows 1.08; 2-2-2 with 2 rows 0.76, 4 rows 0.98; 4-4-4 one row 0.65-0.98,
# 2 rows 1.23; 4-8-4 one row 1.04-1.11; 2-4-4-2 one row 0.58-0.78, 2 rows 1.11.  So plain floats replay a
# run whose rows a step times parameters are at most SCALAR_WORK per layer.
SCALAR_WORK = 20

Rows = list[list[Any]]  # one list of numbers per row
Flat = list[Any]  # one layer's numbers for several rows in one list: row r's neuron j at r * size + j
# a forward pass: per layer its pre-activations and outputs (Flat), and each layer's inputs as rows (row
# tuples, the network's inputs first; as columns, what each weight's gradient sums over)
Pass = tuple[list[Flat], list[Flat], list[Rows]]


def _cut(values: Flat, size: int) -> Rows:
    """Flat values cut into rows of `size`."""
    return list(zip(*[iter(values)] * size))


_ACTIVATIONS, _LOSSES = tables(math.exp, math.log, math.tanh)  # for `supports`: the same names in both


def supports(network: Network, case: Case, proc: Procedure, exact: bool = False) -> bool:
    """Return True when this module can replay the run and, in float64, it is small enough to gain from it.

    With 40-digit numbers every operation is a Python call either way, and plain lists save NumPy's
    object-array machinery around each: any size gains.
    """
    rows = 1 if proc.mode == "online" else len(case.rows)
    if not exact and rows * len(network.parameters) > SCALAR_WORK * len(network.layers):
        return False
    if is_tied(network, proc):
        return False
    gradient, monitor = proc.gradient_loss or network.loss, proc.monitor or network.loss
    if gradient not in _LOSSES or _LOSSES[gradient][1] is None or monitor not in _LOSSES:
        return False  # a loss with no gradient is NumPy's to refuse
    return all(layer.activation in _ACTIVATIONS for layer in network.layers)


def _constant(layer: Layer, kit: Kit) -> Any:
    """leaky_relu's slope or elu's alpha: declared, else the table's default (unused by the others)."""
    from ..functions import activation

    default = activation(layer.activation).default
    if layer.slope is not None:
        return kit.number(layer.slope)
    return kit.number(Fraction(default)) if default is not None else 0


class _Net:
    """A small network's state in plain floats: weights W[l][j][i], biases b[l][j], and the update rule's."""

    def __init__(self, network: Network, case: Case, proc: Procedure, kit: Kit) -> None:
        values, number = case.parameters, kit.number
        self.network, self.proc, self.kit = network, proc, kit
        self.width = network.layers[-1].size
        self.x_rows: Rows | None = None  # the run's input rows and their columns, which the first layer's
        self.x_columns: Rows | None = None  # gradients sum over at every batch step: cut once
        self.layers = [(kit.activations[layer.activation], _constant(layer, kit), bool(layer.biases))
                       for layer in network.layers]
        self.weights = [[[number(values[name]) for name in row] for row in layer.weights] for layer in network.layers]
        self.biases = [[number(values[b]) for b in layer.biases] if layer.biases else [0.0] * layer.size
                       for layer in network.layers]
        self.eta = number(case.learning_rate)
        self.mu = number(proc.momentum) if proc.momentum else None
        self.decay = number(proc.weight_decay) if proc.weight_decay else None
        decayed = set(proc.decays(network))
        self.shares = ([[[1.0 if name in decayed else 0.0 for name in row] for row in layer.weights]
                        for layer in network.layers],
                       [[1.0 if name in decayed else 0.0 for name in layer.biases] or [0.0] * layer.size
                        for layer in network.layers])
        self.velocity = None
        if self.mu is not None:
            self.velocity = ([[[0.0] * len(row) for row in w] for w in self.weights],
                             [[0.0] * len(b) for b in self.biases])
        self.plain = self.velocity is None and self.decay is None
        # the layers from the last back, each with whether its biases move
        self.backwards = [(index, proc.update_biases and bool(layer.biases))
                          for index, layer in reversed(list(enumerate(network.layers)))]
        self.after_update = proc.hidden_deltas == "after_update"
        self.output_delta = self._output_delta(kit.losses[proc.gradient_loss or network.loss])

    def _output_delta(self, loss: tuple) -> Callable[[Flat, Flat, Flat, int], Flat]:
        """dE/dz of the output layer (pres, outputs, targets, the step's number of targets) -> deltas."""
        if self.layers[-1][0] is self.kit.activations["sigmoid"] and loss[2] is not None:
            return lambda pres, posts, t, n: loss[2](posts, t, n)
        gradient, ((_, derivative), constant, _) = loss[1], self.layers[-1]
        return lambda pres, posts, t, n: [g * d for g, d in zip(gradient(posts, t, n), derivative(pres, posts, constant))]

    def forward(self, x: Rows, weights: list[Rows], biases: Rows) -> Pass:
        """The forward pass of the rows x: each layer's pre- and post-activations, and its inputs as rows."""
        pres, posts, rows, a, size = [], [], [], x, 0
        for ((function, _), constant, has_bias), w, b in zip(self.layers, weights, biases):
            if posts:  # the previous layer's outputs, cut into rows, are this one's inputs
                a = _cut(posts[-1], size)
            rows.append(a)
            size = len(w)
            if has_bias:
                z = [sum(map(mul, wj, row)) + bj for row in a for wj, bj in zip(w, b)]
            else:
                z = [sum(map(mul, wj, row)) for row in a for wj in w]
            pres.append(z)
            posts.append(function(z, constant))
        return pres, posts, rows

    def outputs(self, now: Pass) -> Rows:
        """The network's outputs of a forward pass, as rows."""
        return _cut(now[1][-1], self.width)

    def point(self) -> tuple[list[Rows], Rows]:
        """Where the gradient is taken: the weights themselves, or Nesterov's look-ahead w + mu*v."""
        if not self.proc.nesterov or self.velocity is None:
            return self.weights, self.biases
        mu, (vw, vb) = self.mu, self.velocity
        ahead_w = [[[w - v * (-mu) for w, v in zip(row, vrow)] for row, vrow in zip(layer, vlayer)]
                   for layer, vlayer in zip(self.weights, vw)]
        ahead_b = self.biases
        if self.proc.update_biases:
            ahead_b = [[b - v * (-mu) for b, v in zip(layer, vlayer)] for layer, vlayer in zip(self.biases, vb)]
        return ahead_w, ahead_b

    def step_of(self, g: float, now: float, at: float, share: float, velocity: list[float], k: int) -> float:
        """What to subtract from one parameter, as `update.Rule.step` does for an array of them."""
        if self.decay is not None and self.proc.decay_form == "coupled":
            g = g + at * share * self.decay
        if velocity is None:
            step = g * self.eta
        else:
            v = velocity[k] * self.mu - g * self.eta
            velocity[k] = v
            step = -v
        if self.decay is not None and self.proc.decay_form == "decoupled":
            step = step + now * share * (self.eta * self.decay)
        return step

    def updated(self, index: int, part: int, gradient: list, at: list) -> list:
        """Layer `index`'s weights (`part` 0, a list of rows) or biases (1, a list) after the step of `gradient`."""
        now = self.weights[index] if part == 0 else self.biases[index]
        if self.plain and part == 1:  # plain SGD: b - eta*g (weights: see `_update`, which fuses it with g)
            eta = self.eta
            return [w - g * eta for w, g in zip(now, gradient)]
        shares = self.shares[part][index]
        velocity = None if self.velocity is None else self.velocity[part][index]
        if part == 1:
            return [n - self.step_of(g, n, a, s, velocity, k)
                    for k, (g, n, a, s) in enumerate(zip(gradient, now, at, shares))]
        return [[n - self.step_of(g, n, a, s, None if velocity is None else velocity[j], k)
                 for k, (g, n, a, s) in enumerate(zip(grow, nrow, arow, srow))]
                for j, (grow, nrow, arow, srow) in enumerate(zip(gradient, now, at, shares))]

    def apply(self, index: int, new_w: Rows, new_b: list[float] | None) -> None:
        """Replace one layer's parameters (`at` sees them where it is the weights themselves, as in NumPy)."""
        self.weights[index] = new_w
        if new_b is not None:
            self.biases[index] = new_b

    def step(self, now: Pass, t: Flat, at: tuple[list[Rows], Rows]) -> None:
        """One update from a forward pass of the step's rows (taken at the weights `at`) and their targets t."""
        pres, posts, rows = now
        deltas = self.output_delta(pres[-1], posts[-1], t, len(t))
        pending, single = [], len(rows[0]) == 1
        for index, moves_biases in self.backwards:
            if single:
                new_w, new_b = self._one_row_update(index, moves_biases, deltas, rows[index][0], at)
            else:
                new_w, new_b = self._update(index, moves_biases, deltas, rows[index], at)
            if index > 0:
                if self.after_update:
                    self.apply(index, new_w, new_b)
                    new_w = None
                # at[0] is the weights themselves unless Nesterov looks ahead: after_update sees the new ones
                deltas = self.hidden_deltas(index, deltas, pres[index - 1], posts[index - 1], at[0][index])
            if new_w is not None:
                pending.append((index, new_w, new_b))
        for update in pending:
            self.apply(*update)

    def _update(self, index: int, moves_biases: bool, deltas: Flat, inputs: Rows, at: tuple) -> tuple:
        """Layer `index`'s new weights and biases (None: they stay) from its deltas over several rows."""
        # dE/dw_ji = sum over the rows, in order, of delta_j * a_i: neuron j's deltas by columns of the inputs
        size = len(at[0][index])
        per_neuron = [deltas[j::size] for j in range(size)] if size > 1 else [deltas]
        columns = self.x_columns if inputs is self.x_rows else list(zip(*inputs))
        if self.plain:  # w - eta*g, without building g first
            eta = self.eta
            new_w = [[w - sum(map(mul, d, a)) * eta for w, a in zip(w_j, columns)]
                     for w_j, d in zip(self.weights[index], per_neuron)]
        else:
            new_w = self.updated(index, 0, [[sum(map(mul, d, a)) for a in columns] for d in per_neuron], at[0][index])
        return new_w, self.updated(index, 1, [sum(d) for d in per_neuron], at[1][index]) if moves_biases else None

    def _one_row_update(self, index: int, moves_biases: bool, deltas: Flat, inputs: Rows, at: tuple) -> tuple:
        """`_update` for one row, where each gradient is one product delta_j * a_i (the same numbers)."""
        if self.plain:
            eta = self.eta
            new_w = [[w - d * a * eta for w, a in zip(w_j, inputs)] for w_j, d in zip(self.weights[index], deltas)]
        else:
            new_w = self.updated(index, 0, [[d * a for a in inputs] for d in deltas], at[0][index])
        return new_w, self.updated(index, 1, deltas, at[1][index]) if moves_biases else None

    def hidden_deltas(self, index: int, deltas: Flat, pres: Flat, posts: Flat, w: Rows) -> Flat:
        """dE/dz of layer index - 1 (pre-activations and outputs given) from layer index's, back through w."""
        (_, derivative), constant, _ = self.layers[index - 1]
        columns = list(zip(*w))
        back = [sum(map(mul, d, column)) for d in zip(*[iter(deltas)] * len(w)) for column in columns]
        return [b * s for b, s in zip(back, derivative(pres, posts, constant))]

    def batch(self, x: Rows) -> Pass:
        """The forward pass of every row at the current weights."""
        return self.forward(x, self.weights, self.biases)

    def loss(self, name: str, outputs: Rows, t: Rows) -> float:
        """The monitored loss of these outputs (rows), with the weight-decay penalty when decay is in the loss."""
        total, _, _, mean = self.kit.losses[name]
        value = sum([total(out, tr) for out, tr in zip(outputs, t)])
        if mean:
            value = value / (len(t) * len(t[0]))
        if self.proc.coupled_decay:
            values = self.named()
            value = value + sum((values[name] * values[name] for name in self.proc.decays(self.network)),
                                0 * self.decay) * self.decay / 2
        return value

    def named(self) -> dict[str, float]:
        """Parameter values by name."""
        return tie(self.network, [np.array(w) for w in self.weights], [np.array([b]) for b in self.biases])


def run(network: Network, case: Case, proc: Procedure, epochs: int, marks: frozenset[int] = frozenset(),
        progress: Callable[[int], None] | None = None, keep: frozenset[int] = frozenset(),
        exact: bool = False) -> Replay | None:
    """Return the replay in plain floats (or 40-digit mpmath numbers, in the caller's mpmath context), or
    None when it leaves float64's range (replay with NumPy)."""
    kit = Kit(exact)
    try:
        with kit.context():
            done = _run(_Net(network, case, proc, kit), case, epochs, marks, progress, keep)
        return done if kit.gmpy2 is None else as_mpmath(done)
    except (OverflowError, ZeroDivisionError, ValueError):
        return None


def _run(net: _Net, case: Case, epochs: int, marks: frozenset[int], progress: Callable[[int], None] | None,
         keep: frozenset[int]) -> Replay:
    proc = net.proc
    x = [[net.kit.number(v) for v in row] for row in case.rows]
    t = [[net.kit.number(v) for v in row] for row in case.targets]
    t_all = [v for row in t for v in row]
    net.x_rows, net.x_columns = x, list(zip(*x))
    monitor = proc.monitor or net.network.loss
    log = _Log(proc, epochs, lambda now: net.loss(monitor, net.outputs(now), t))
    once, batch, due = proc.forward == "once", proc.mode == "batch", log.due
    cached = net.batch(x) if once else None
    fresh_rows = proc.mode == "online" and proc.forward == "every_update"
    last_out: Any = None
    result: _End | None = None
    events = marks | keep | {log.end}  # after these epochs there is something to keep
    for epoch in range(epochs):
        if fresh_rows:
            if epoch in due:
                log.record(epoch, net.batch(x))
            last_out = _online_epoch(net, x, t)
        else:
            at = net.point()
            if not once:
                cached = net.forward(x, *at)
            last_out = cached[1][-1]  # cut into rows and made an array only when the run ends
            if epoch in due:  # the pass just made, unless it was made once before training or at a look-ahead
                log.record(epoch, cached if not once and at[0] is net.weights else net.batch(x))
            if batch:
                net.step(cached, t_all, at)
            else:
                _steps_from(net, cached, t, at)
        if epoch + 1 in events:
            if epoch + 1 == log.end:
                result = _finish(net, x, t, monitor, last_out)
            _record(net, log, epoch + 1, x, marks, keep, lambda outputs: net.loss(monitor, outputs, t))
        if progress is not None:
            progress(epoch)
    if result is None:  # no epochs at all
        result = _finish(net, x, t, monitor, None)
    return log.replay(result)


def _record(net: _Net, log: _Log, done: int, x: Rows, marks: frozenset[int], keep: frozenset[int],
            loss: Callable[[Rows], Any]) -> None:
    """Keep what claims ask for after `done` epochs: the outputs and loss (`marks`), the weights (`keep`)."""
    if done in marks:
        final = net.outputs(net.batch(x))
        log.snapshots[done] = net.kit.array(final)
        log.losses_at[done] = loss(final)
    if done in keep:
        log.kept[done] = net.named()


def _online_epoch(net: _Net, x: Rows, t: Rows) -> Flat:
    """One online epoch in which each row's forward pass sees the previous row's update; return the outputs."""
    outputs = []
    for row, target in zip(x, t):
        at = net.point()
        now = net.forward([row], *at)
        outputs.extend(now[1][-1])
        net.step(now, target, at)
    return outputs


def _steps_from(net: _Net, cached: Pass, t: Rows, at: tuple) -> None:
    """One online epoch's updates from one forward pass of every row: a step per row, from that row's part."""
    pres, posts, rows = cached
    sizes = [len(w) for w in net.weights]
    for r, target in enumerate(t):
        net.step(([z[r * n:(r + 1) * n] for z, n in zip(pres, sizes)],
                  [a[r * n:(r + 1) * n] for a, n in zip(posts, sizes)],
                  [layer[r:r + 1] for layer in rows]), target, at)


def _finish(net: _Net, x: Rows, t: Rows, monitor: str, last_out: Any) -> _End:
    """What the run ends with: final loss, weights, outputs (as the procedure says) and predictions."""
    proc = net.proc
    outputs = net.outputs(net.batch(x))
    last_out = outputs if proc.outputs == "final_weights" or last_out is None else _cut(last_out, net.width)
    prediction = None
    if proc.predict:
        prediction = net.kit.array(net.outputs(net.batch([[net.kit.number(v) for v in row] for row in proc.predict])))
    return _End(net.loss(monitor, outputs, t), net.named(), net.kit.array(last_out), prediction)
