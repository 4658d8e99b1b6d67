"""Training replay: a tutorial's training run, replayed as its text describes it.

One description of the procedure (`Procedure`) drives two replays: NumPy
float64, fast enough for tens of thousands of epochs, and the same code on
NumPy object arrays of 40-digit mpmath numbers, for short runs and to bound
the float error of the long one.  The options are the ones tutorials differ
on: online or full-batch updates, which loss gradient drives them, whether
biases move, whether hidden deltas see the output weights before or after
this step's update, and whether the forward pass is recomputed before each
update or reused (`once` computes it a single time, before training).
"""

from __future__ import annotations

from dataclasses import field
from fractions import Fraction
from typing import Any, Callable, Mapping

import numpy as np

from ..functions import UnknownFunction, activation, loss, softmax_backward
from ..model import Case, Layer, Network, Procedure
from ..records import record
from .update import Rule, apply, tie

__all__ = ["Replay", "replay", "exact_replay", "exact_epochs", "EXACT_BUDGET"]

EXACT_DIGITS = 40
CURVE_POINTS = 200
MAX_HISTORY = 1_000  # losses kept for the report's table, whatever report_every asks
EXACT_BUDGET = 800  # epochs x rows x parameters the 40-digit replay may spend on one run


@record
class Replay:
    """What a replay found."""

    history: tuple[tuple[int, float], ...]  # (epoch, monitored loss before that epoch's updates; last: after)
    weights: Mapping[str, Any]  # final parameter values (float or mpmath)
    outputs: np.ndarray  # rows x outputs after training, as `Procedure.outputs` says
    snapshots: Mapping[int, np.ndarray] = field(default_factory=dict)  # outputs after given epochs
    losses_at: Mapping[int, float] = field(default_factory=dict)  # monitored loss after given epochs
    prediction: np.ndarray | None = None
    curve: tuple[tuple[int, float], ...] = ()  # the monitored loss at about 200 points, for a plot
    weights_at: Mapping[int, Mapping[str, Any]] = field(default_factory=dict)  # parameter values after given epochs


class _Ops:
    """Elementwise functions for float64 arrays, or for object arrays of mpmath numbers."""

    def __init__(self, exact: bool) -> None:
        self.exact = exact
        if exact:
            import mpmath

            self.exp = np.frompyfunc(mpmath.exp, 1, 1)
            self.log = np.frompyfunc(mpmath.log, 1, 1)
            self.tanh = np.frompyfunc(mpmath.tanh, 1, 1)
            self.number = lambda value: mpmath.mpf(value.numerator) / value.denominator
        else:
            self.exp, self.log, self.tanh = np.exp, np.log, np.tanh
            self.number = float

    def array(self, rows: Any) -> np.ndarray:
        return np.array([[self.number(v) for v in row] for row in rows], dtype=object if self.exact else np.float64)

    def activate(self, name: str, z: np.ndarray, slope: Fraction | None = None) -> np.ndarray:
        return activation(name).on_array(z, self, *self.constants(name, slope))

    def constants(self, name: str, slope: Fraction | None) -> tuple:
        """leaky_relu's slope or elu's alpha as a number of this arithmetic: declared, else the default."""
        entry = activation(name)
        if entry.default is None:
            return ()
        return (self.number(Fraction(entry.default) if slope is None else slope),)

    def backward(self, layer: Layer, z: np.ndarray, out: np.ndarray, de_dout: np.ndarray) -> np.ndarray:
        """dE/dz from dE/dout: elementwise, or through softmax's Jacobian."""
        entry = activation(layer.activation)
        if not entry.elementwise:
            return softmax_backward(out, de_dout)
        return de_dout * entry.derivative_on_array(z, out, *self.constants(layer.activation, layer.slope))

    def loss(self, name: str, out: np.ndarray, t: np.ndarray, z: np.ndarray | None = None) -> Any:
        """The summed loss of outputs `out`; from the logits `z` where the loss has a stable form there."""
        entry = loss(name)
        if z is not None and entry.on_logits is not None:
            return entry.on_logits(z, t, entry.count(t), self)
        return entry.on_array(out, t, entry.count(t), self)

    @staticmethod
    def loss_gradient(name: str, out: np.ndarray, t: np.ndarray, n: int, sigmoid_output: bool,
                      softmax_output: bool = False) -> tuple[np.ndarray, bool]:
        """dE/dout, or dE/dz directly (second item True) where the loss has a shortcut on a sigmoid or softmax."""
        entry = loss(name)
        n = t.shape[0] if entry.per_row else n
        if sigmoid_output and entry.sigmoid_delta is not None:
            return entry.sigmoid_delta(out, t, n), True
        if softmax_output and entry.softmax_delta is not None:
            return entry.softmax_delta(out, t, n), True
        if entry.gradient_on_array is None:
            raise UnknownFunction(f"the loss {name!r} is only monitored: it has no gradient to train with")
        return entry.gradient_on_array(out, t, n), False


def _parameters(network: Network, case: Case, ops: _Ops) -> tuple[list[np.ndarray], list[np.ndarray]]:
    weights = [ops.array([[case.parameters[name] for name in row] for row in layer.weights]) for layer in network.layers]
    zero = Fraction(0)
    biases = [ops.array([[case.parameters[b] if b else zero for b in (layer.biases or ("",) * layer.size)]])
              for layer in network.layers]
    return weights, biases


def _forward(network: Network, weights: list[np.ndarray], biases: list[np.ndarray], x: np.ndarray,
             ops: _Ops) -> tuple[list[np.ndarray], list[np.ndarray]]:
    pres, posts, a = [], [], x
    for layer, w, b in zip(network.layers, weights, biases):
        z = a @ w.T + b if layer.biases else a @ w.T
        a = ops.activate(layer.activation, z, layer.slope)
        pres.append(z)
        posts.append(a)
    return pres, posts


def _step(network: Network, proc: Procedure, rule: Rule, weights: list[np.ndarray], biases: list[np.ndarray],
          at: tuple[list[np.ndarray], list[np.ndarray]], x: np.ndarray, pres: list[np.ndarray],
          posts: list[np.ndarray], t: np.ndarray, ops: _Ops, n: int) -> None:
    """One update from the rows of x (their forward values, taken at the weights `at`, given), in place."""
    layers = network.layers
    gradient, is_delta = ops.loss_gradient(proc.gradient_loss or network.loss, posts[-1], t, n,
                                           layers[-1].activation == "sigmoid", layers[-1].activation == "softmax")
    delta = gradient if is_delta else ops.backward(layers[-1], pres[-1], posts[-1], gradient)
    updates = []
    for index in range(len(layers) - 1, -1, -1):
        a_prev = x if index == 0 else posts[index - 1]
        step_w = rule.step(index, 0, delta.T @ a_prev, weights[index], at[0][index])
        step_b = None
        if proc.update_biases and layers[index].biases:
            step_b = rule.step(index, 1, delta.sum(axis=0, keepdims=True), biases[index], at[1][index])
        if index > 0:
            if proc.hidden_deltas == "after_update":
                apply(network, weights, biases, [(index, step_w, step_b)], rule.tied)
                step_w = None
            back = delta @ at[0][index]
            delta = ops.backward(layers[index - 1], pres[index - 1], posts[index - 1], back)
        if step_w is not None:
            updates.append((index, step_w, step_b))
    apply(network, weights, biases, updates, rule.tied)


class _Log:
    """What a run records as it goes: the loss's history and curve, and the snapshots claims ask for."""

    def __init__(self, proc: Procedure, epochs: int, loss_of: Callable[[tuple], Any]) -> None:
        # the loss is kept every `report_every` epochs, but at most MAX_HISTORY times (a claim about any epoch gets
        # its own snapshot): report_every = 1 over a million epochs would otherwise fill gigabytes
        self.every = max(proc.report_every or max(1, epochs // 10), -(-min(proc.epochs, epochs) // MAX_HISTORY))
        self.sample = max(1, epochs // CURVE_POINTS)
        self.end = min(proc.epochs, epochs)  # the run the text describes; later epochs only serve claims about them
        self.loss_of = loss_of
        self.history: list[tuple[int, Any]] = []
        self.curve: list[tuple[int, Any]] = []
        self.snapshots: dict[int, np.ndarray] = {}
        self.losses_at: dict[int, Any] = {}
        self.kept: dict[int, Mapping[str, Any]] = {}
        # the epochs whose loss before their updates is kept (looked up every epoch: a set, not arithmetic)
        self.due = frozenset(range(0, self.end, self.every)) | frozenset(range(0, self.end, self.sample))

    def record(self, epoch: int, now: tuple) -> None:
        _record(epoch, self.every, self.sample, self.history, self.curve, lambda: self.loss_of(now))

    def replay(self, result: _End) -> Replay:
        self.history.append((self.end, result.loss))
        self.curve.append(self.history[-1])
        return Replay(tuple(self.history), result.weights, result.outputs, self.snapshots, self.losses_at,
                      result.prediction, tuple(self.curve), self.kept)


def _run(network: Network, case: Case, proc: Procedure, epochs: int, ops: _Ops,
         marks: frozenset[int] = frozenset(), progress: Callable[[int], None] | None = None,
         keep: frozenset[int] = frozenset()) -> Replay:
    weights, biases = _parameters(network, case, ops)
    x, t = ops.array(case.rows), ops.array(case.targets)
    rule = Rule(network, proc, weights, biases, ops.number(case.learning_rate), ops)
    monitor = proc.monitor or network.loss

    def loss_of(now: tuple) -> Any:  # the monitored loss, with the weight-decay penalty when decay is in the loss
        value = ops.loss(monitor, now[1][-1], t, now[0][-1])
        penalty = rule.penalty(weights, biases)
        return value if penalty is None else value + penalty

    log = _Log(proc, epochs, loss_of)
    cached = _forward(network, weights, biases, x, ops) if proc.forward == "once" else None
    single = [(x[r:r + 1], t[r:r + 1]) for r in range(x.shape[0])]
    fresh_rows = proc.mode == "online" and proc.forward == "every_update"
    last_out = None
    result: _End | None = None
    for epoch in range(epochs):
        if fresh_rows:
            if epoch in log.due:
                log.record(epoch, _forward(network, weights, biases, x, ops))
            last_out = _online_epoch(network, proc, rule, weights, biases, single, ops)
        else:
            at = rule.point(weights, biases)
            if proc.forward != "once":
                cached = _forward(network, *at, x, ops)
            last_out = cached[1][-1]
            if epoch in log.due:  # the pass just made, unless it was made once before training or at a look-ahead
                fresh = proc.forward != "once" and at[0] is weights
                log.record(epoch, cached if fresh else _forward(network, weights, biases, x, ops))
            _steps_from(cached, network, proc, rule, weights, biases, at, x, t, single, ops)
        if epoch + 1 == log.end:
            result = _finish(network, proc, weights, biases, x, ops, loss_of, last_out)
        if epoch + 1 in marks:
            final = _forward(network, weights, biases, x, ops)
            log.snapshots[epoch + 1] = final[1][-1]
            log.losses_at[epoch + 1] = loss_of(final)
        if epoch + 1 in keep:
            log.kept[epoch + 1] = tie(network, weights, biases)
        if progress is not None:
            progress(epoch)
    if result is None:  # no epochs at all
        result = _finish(network, proc, weights, biases, x, ops, loss_of, None)
    return log.replay(result)


def _online_epoch(network: Network, proc: Procedure, rule: Rule, weights: list, biases: list, single: list,
                  ops: _Ops) -> list:
    """One online epoch in which each row's forward pass sees the previous row's update; return the outputs."""
    row_outputs = []
    for x_row, t_row in single:
        at = rule.point(weights, biases)
        pres, posts = _forward(network, *at, x_row, ops)
        row_outputs.append(posts[-1])
        _step(network, proc, rule, weights, biases, at, x_row, pres, posts, t_row, ops, t_row.size)
    return row_outputs


def _steps_from(cached: tuple, network: Network, proc: Procedure, rule: Rule, weights: list, biases: list,
                at: tuple, x: Any, t: Any, single: list, ops: _Ops) -> None:
    """One epoch's updates from one forward pass: a batch step, or a step per row from that pass's rows."""
    if proc.mode == "batch":
        _step(network, proc, rule, weights, biases, at, x, cached[0], cached[1], t, ops, t.size)
        return
    for r, (x_row, t_row) in enumerate(single):
        one = slice(r, r + 1)
        _step(network, proc, rule, weights, biases, at, x_row, [z[one] for z in cached[0]],
              [a[one] for a in cached[1]], t_row, ops, t_row.size)


@record
class _End:
    """What a run ends with: the monitored loss, the weights by name, the outputs and any predictions."""

    loss: Any
    weights: Mapping[str, Any]
    outputs: np.ndarray
    prediction: np.ndarray | None


def _finish(network: Network, proc: Procedure, weights: list[np.ndarray], biases: list[np.ndarray],
            x: np.ndarray, ops: _Ops, loss_of: Callable[[tuple], Any], last_out: Any) -> _End:
    """What the run ends with: final loss, weights, outputs (as the procedure says) and predictions."""
    now = _forward(network, weights, biases, x, ops)
    final = now[1][-1]
    if proc.outputs == "final_weights" or last_out is None:
        outputs = final
    else:
        outputs = np.vstack(last_out) if isinstance(last_out, list) else last_out
    prediction = None
    if proc.predict:
        prediction = _forward(network, weights, biases, ops.array(proc.predict), ops)[1][-1]
    return _End(loss_of(now), tie(network, weights, biases), outputs, prediction)


def _record(epoch: int, every: int, sample: int, history: list, curve: list, loss: Callable[[], Any]) -> None:
    """Keep the monitored loss at the reported epochs and at the plot's sample points."""
    if epoch % every and epoch % sample:
        return
    value = loss()
    if epoch % every == 0:
        history.append((epoch, value))
    if epoch % sample == 0:
        curve.append((epoch, value))


def replay(network: Network, case: Case, proc: Procedure, marks: frozenset[int] = frozenset(),
           progress: Callable[[int], None] | None = None, keep: frozenset[int] = frozenset()) -> Replay:
    """Return the float64 replay of a case's training run (`keep`: epochs after which to keep the weights).

    A small network is replayed in plain floats (`floats.scalar`), where NumPy's cost per call would dominate.
    """
    from . import scalar

    epochs = max([proc.epochs, *marks])
    if scalar.supports(network, case, proc):
        done = scalar.run(network, case, proc, epochs, frozenset(marks), progress, frozenset(keep))
        if done is not None:
            return done
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):  # a diverged run: judged
        return _run(network, case, proc, epochs, _Ops(exact=False), frozenset(marks), progress, frozenset(keep))


def exact_replay(network: Network, case: Case, proc: Procedure, epochs: int) -> Replay:
    """Return the replay of the first `epochs` epochs with 40-digit arithmetic."""
    import mpmath

    from . import scalar

    with mpmath.workdps(EXACT_DIGITS):
        if scalar.supports(network, case, proc, exact=True):
            done = scalar.run(network, case, proc, epochs, exact=True)
            if done is not None:
                return done
        return _run(network, case, proc, epochs, _Ops(exact=True))


def exact_epochs(network: Network, case: Case, proc: Procedure) -> int:
    """Return how many epochs the 40-digit replay can afford within its budget."""
    cost = max(1, len(case.rows) * len(network.parameters))
    return max(1, min(proc.epochs, EXACT_BUDGET // cost))
