"""Central finite differences of the loss, the second cross-check of the exact gradients.

Each parameter p is moved by +-h and +-2h and the loss recomputed in float64.
The central difference D(h) is the finite-difference gradient; D(2h) serves
to estimate its error, as in Richardson's extrapolation: D(h) - D(2h) is three
times D(h)'s truncation error plus the rounding noise of both (with h near
the cube root of eps the noise dominates, so the extrapolated
(4 D(h) - D(2h))/3 would be no closer).  Each gradient comes with the
resolution of its finite difference: what float64 and the step allow it to
say, below which a difference from the exact gradient is not evidence of an
error.  A relative tolerance alone fails near
zero (a gradient of 1e-7, or exactly 0 at a minimum, where the difference
quotient is pure rounding); the resolution is the absolute floor under it.

    resolution = |D(h) - D(2h)|                       (the truncation left, and the noise)
               + 2 L eps (|E+| + |E-| + sum |dE/dz| S) / 2h   (rounding, L layers)

where the sum runs over the output pre-activations z, S is the sum of the
absolute products that make up z (what its rounding error scales with), |E|
stands for the sum of the absolute loss terms, and E+-, dE/dz are taken at the
two moved points (S at the unmoved one: the moves change it by a relative O(h)).

Speed: moving a parameter of layer l only changes one neuron's pre-activations.
Through an elementwise activation only that neuron's output changes, so the next
layer's pre-activations move by a rank-one term (the change times the neuron's
outgoing weights) and, in the last layer, only that output's loss terms move: a
move costs one layer's width, not a matrix product.  A softmax layer (every output
moves) restarts the forward pass at the moved layer instead.  The layers before
are computed once, and all the moves of a layer go through NumPy together, in
batches of at most `BATCH_NUMBERS` numbers, so the Python work is per layer and per
batch, and what grows is NumPy arithmetic.  That arithmetic is what a true finite
difference must do: a move before the last layer changes every output, so a [k, k, k]
network costs k^2 moves times k outputs (W^1.5 in the weights W; at 16,200 weights the
first layer's 2.9 million output evaluations, about 9 ns each, are 80% of the time).
A parameter used in several places (a shared bias, a tied weight) is moved everywhere
at once, one at a time.
"""

from __future__ import annotations

from collections import Counter
from ..records import record

import numpy as np

from ..model import Case, Network
from ..naming import in_row
from .vectorized import (ELEMENTWISE_ACTIVATIONS, ELEMENTWISE_LOSSES, _activate, _data, _has_kink, _layout,
                         _output_delta, _terms, decayed, parameter_floats, parameter_index)

__all__ = ["FiniteDifferences", "finite_differences", "BATCH_NUMBERS"]

EPS = float(np.finfo(np.float64).eps)
BATCH_NUMBERS = 1 << 16  # numbers of one batch of moved forward passes (512 KB: it stays in the cache)


@record
class FiniteDifferences:
    """Every parameter's finite-difference gradient, its resolution, and the relu kinks straddled."""

    gradients: dict[str, float]  # dE_dw5 -> central difference D(h)
    resolution: dict[str, float]  # dE_dw5 -> absolute error the finite difference cannot rule out
    kinks: dict[str, str]  # dE_dw1 -> the relu neuron whose kink the moves straddle


# The cube root of machine epsilon (~6e-6) times the parameter's scale balances the
# central difference's O(h^2) truncation error against its O(eps*|E|/h) rounding error.
_STEP = EPS ** (1 / 3)


def _step(p: float) -> float:
    return _STEP * max(1.0, abs(p))


@record
class _Moves:
    """The untied parameters of one layer, as arrays (no object per parameter, so nothing for the GC)."""

    indices: np.ndarray  # the parameter's place in `network.parameters`
    neurons: np.ndarray  # j: the neuron whose pre-activation the parameter feeds
    inputs: np.ndarray  # i: the input it multiplies; fan_in for a bias (a column of ones)
    values: np.ndarray


@record
class _Found:
    """What the moves found, by the parameter's place in `network.parameters` (filled in batches)."""

    gradients: np.ndarray
    resolution: np.ndarray
    kinks: dict[int, str]


def _layer_moves(network: Network, layer: int, values: np.ndarray, tied: set[int]) -> _Moves:
    """Every parameter of `layer` that sits nowhere else, weights row by row, then biases."""
    spec = network.layers[layer]
    places = _layout(network)
    weights, biases = places.weights[layer], places.biases[layer]
    size, fan_in = weights.shape
    count = 0 if biases is None else len(biases)
    indices = weights.ravel() if biases is None else np.concatenate([weights.ravel(), biases])
    neurons = np.concatenate([np.repeat(np.arange(spec.size), fan_in), np.arange(count)])
    inputs = np.concatenate([np.tile(np.arange(fan_in), spec.size), np.full(count, fan_in)])
    if tied:
        keep = np.array([i not in tied for i in indices.tolist()], dtype=bool)
        indices, neurons, inputs = indices[keep], neurons[keep], inputs[keep]
    return _Moves(indices, neurons.astype(np.intp), inputs.astype(np.intp), values[indices])


def _tied_places(network: Network) -> dict[str, list[tuple[int, int, int | None]]]:
    """Where each parameter used in several places sits: (layer, neuron, input index, or None for a bias)."""
    places_count = sum(len(row) for layer in network.layers for row in layer.weights)
    if len(network.parameters) == places_count + sum(len(layer.biases) for layer in network.layers):
        return {}  # as many names as places: each parameter sits in one (the usual network), nothing to count
    uses = Counter(name for layer in network.layers for row in layer.weights for name in row)
    uses.update(name for layer in network.layers for name in layer.biases)
    places: dict[str, list[tuple[int, int, int | None]]] = {name: [] for name, n in uses.items() if n > 1}
    for l, layer in enumerate(network.layers):
        for j, row in enumerate(layer.weights):
            for i, name in enumerate(row):
                if name in places:
                    places[name].append((l, j, i))
        for j, name in enumerate(layer.biases):
            if name in places:
                places[name].append((l, j, None))
    return places


class _Net:
    """The network's float64 state: matrices, data, the unmoved forward pass and its rounding scales."""

    def __init__(self, network: Network, case: Case, values: np.ndarray) -> None:
        self.network = network
        places = _layout(network)
        self.weights = [values[w] for w in places.weights]
        self.biases = [values[b] if b is not None else np.zeros(layer.size)
                       for layer, b in zip(network.layers, places.biases)]
        self.x, self.t = _data(network, case)
        self.posts = [self.x]
        self.pres = []
        for layer, w, b in zip(network.layers, self.weights, self.biases):
            self.pres.append(self.posts[-1] @ w.T + b)
            self.posts.append(_activate(layer, self.pres[-1]))
        # S: the sum of |products| that make up each output pre-activation (its rounding error scales with it)
        # each neuron's outgoing weights as one contiguous row (the next layer's W.T): the rank-one moves' factors
        self.outgoing = [np.ascontiguousarray(w.T) for w in self.weights[1:]]
        self.scale = np.abs(self.posts[-2]) @ np.abs(self.weights[-1]).T + np.abs(self.biases[-1])
        self.terms, self.rounding = self.outcome(self.pres[-1], self.posts[-1], self.t, self.scale)

    def outcome(self, z: np.ndarray, out: np.ndarray, t: np.ndarray, scale: np.ndarray,
                rounding: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """The loss terms of these outputs, and |e| + |dE/dz| S for each (0 unless `rounding` is asked)."""
        count = self.t.size
        terms = _terms(self.network, z, out, t, count)
        if not rounding:
            return terms, np.zeros((1, 1))
        delta = _output_delta(self.network, z, out, t, count)
        return terms, np.abs(terms) + np.abs(delta) * scale

    def losses(self, start: int, z: np.ndarray, weights: list[np.ndarray] | None = None,
               biases: list[np.ndarray] | None = None,
               rounding: bool = True) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
        """Loss, rounding scale and pre-activations of a batch (C, rows, size) of layer `start`'s pre-activations."""
        weights = self.weights if weights is None else weights
        biases = self.biases if biases is None else biases
        layers = self.network.layers
        pres = [z]
        a = _activate(layers[start], z)
        for l in range(start + 1, len(layers)):
            z = a @ weights[l].T + biases[l]
            pres.append(z)
            a = _activate(layers[l], z)
        terms, scales = self.outcome(z, a, self.t, self.scale, rounding)
        return terms.sum(axis=(-2, -1)), scales.sum(axis=(-2, -1)), pres

    def column_losses(self, layer: int, js: np.ndarray, column: np.ndarray,
                      rounding: bool = True) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
        """`losses` when only neuron js[c]'s pre-activations (C, rows) of `layer` move.

        Only for an elementwise activation (`_by_column`): then only that neuron's output moves,
        which moves the next layer's pre-activations by a rank-one term (its change times the
        neuron's outgoing weights), or, in the last layer, only that output's loss terms.
        """
        change = _activate(self.network.layers[layer], column) - self.posts[layer + 1][:, js].T  # (C, rows)
        if layer + 1 < len(self.network.layers):
            z = np.multiply(change[:, :, None], self.outgoing[layer][js][:, None, :])
            z += self.pres[layer + 1]
            return self.losses(layer + 1, z, rounding=rounding)
        out = self.posts[-1][:, js].T + change
        terms, scales = self.outcome(column, out, self.t[:, js].T, self.scale[:, js].T, rounding)
        # every other output's terms are unmoved
        rest = self.terms.sum() - self.terms.sum(axis=0)[js]
        rest_scales = np.maximum(0.0, self.rounding.sum() - self.rounding.sum(axis=0)[js])
        return rest + terms.sum(axis=-1), rest_scales + scales.sum(axis=-1), []


def _by_column(network: Network, layer: int) -> bool:
    """Whether a move in `layer` can go through `column_losses`: elementwise activation (and loss, if last)."""
    if network.layers[layer].activation not in ELEMENTWISE_ACTIVATIONS:
        return False
    return layer + 1 < len(network.layers) or network.loss in ELEMENTWISE_LOSSES


def _kinks(network: Network, start: int, below: list[np.ndarray], above: list[np.ndarray],
           rows: int, found: list[str | None]) -> list[str | None]:
    """For each move of a batch, the first neuron with a kink (relu, leaky_relu, elu) whose pre-activation changes sign."""
    for l, low, high in zip(range(start, len(network.layers)), below, above):
        if not _has_kink(network.layers[l]):
            continue
        changed = (low > 0) != (high > 0)
        for c in np.flatnonzero(changed.any(axis=(1, 2))):
            if found[c] is None:
                r, j = np.argwhere(changed[c])[0]
                found[c] = in_row(network.layers[l].pre[j], int(r), rows)
    return found


def _column_kinks(network: Network, layer: int, js: np.ndarray, low: np.ndarray, high: np.ndarray,
                  rows: int) -> list[str | None]:
    """The kinks straddled by moved neurons' own pre-activations (C, rows), before any later layer's."""
    found: list[str | None] = [None] * len(js)
    if _has_kink(network.layers[layer]):
        changed = (low > 0) != (high > 0)
        for c in np.flatnonzero(changed.any(axis=1)):
            found[c] = in_row(network.layers[layer].pre[js[c]], int(np.flatnonzero(changed[c])[0]), rows)
    return found


def _batched(net: _Net, layer: int, moves: _Moves, result: _Found) -> None:
    """Finite differences of the untied parameters of one layer, all moves of a batch at once."""
    rows = net.x.shape[0]
    by_column = _by_column(net.network, layer)
    # the widest array a batch makes, per move: the layers it recomputes (by column, only the moved column of
    # its own layer, and in the last layer nothing wider)
    width = max([1] + [w.shape[0] for w in net.weights[layer + by_column:]])
    per_batch = max(1, BATCH_NUMBERS // (rows * width))
    # the moved parameter's input column; a bias multiplies a column of ones
    source = np.hstack([net.posts[layer], np.ones((rows, 1))]).T
    steps = _STEP * np.maximum(1.0, np.abs(moves.values))  # _step, for every move at once
    for start in range(0, len(moves.indices), per_batch):
        batch = slice(start, start + per_batch)
        j, column, p, h = moves.neurons[batch], source[moves.inputs[batch]], moves.values[batch], steps[batch]
        base = net.pres[layer][:, j].T  # (C, rows)
        outcomes = {}
        for k in (1, 2):
            for sign in (1, -1):
                moved = (p + sign * k * h) - p  # the move as float64 represents it
                z = base + moved[:, None] * column
                rounding = k == 1  # the resolution's rounding term is taken at the +-h moves
                if by_column:
                    outcomes[k, sign] = (moved, z) + net.column_losses(layer, j, z, rounding)
                else:
                    full = np.repeat(net.pres[layer][None], len(j), axis=0)
                    full[np.arange(len(j)), :, j] = z
                    outcomes[k, sign] = (moved, z) + net.losses(layer, full, rounding=rounding)
        _record(net, layer, j, moves.indices[batch], outcomes, result, by_column)


def _record(net: _Net, layer: int, js: np.ndarray, indices: np.ndarray, outcomes: dict, result: _Found,
            by_column: bool = False) -> None:
    """The central differences, their resolution and the kinks of a batch of moves."""
    (up1, high, f1, r1, pres1), (down1, low, g1, s1, low1) = outcomes[1, 1], outcomes[1, -1]
    (up2, _, f2, _, _), (down2, _, g2, _, _) = outcomes[2, 1], outcomes[2, -1]
    d1 = (f1 - g1) / (up1 - down1)
    d2 = (f2 - g2) / (up2 - down2)
    rounding = 2 * len(net.network.layers) * EPS * (r1 + s1) / (up1 - down1)
    resolution = np.abs(d1 - d2) + rounding
    rows = net.x.shape[0]
    if by_column:
        own = _column_kinks(net.network, layer, js, low, high, rows)  # the moved neurons' own kinks first
        kinks = _kinks(net.network, layer + 1, low1, pres1, rows, own)
    else:
        kinks = _kinks(net.network, layer, low1, pres1, rows, [None] * len(indices))
    result.gradients[indices] = d1
    result.resolution[indices] = resolution
    result.kinks.update((i, kink) for i, kink in zip(indices.tolist(), kinks) if kink)


def _tied(net: _Net, index: int, places: list[tuple[int, int, int | None]], value: float, result: _Found) -> None:
    """Finite difference of a parameter used in several places: every place moved, the whole pass redone."""
    h = _step(value)
    outcomes = {}
    for k in (1, 2):
        for sign in (1, -1):
            moved = (value + sign * k * h) - value
            weights = [w.copy() for w in net.weights]
            biases = [b.copy() for b in net.biases]
            for l, j, i in places:
                if i is None:
                    biases[l][j] += moved
                else:
                    weights[l][j, i] += moved
            z = (net.x @ weights[0].T + biases[0])[None]
            outcomes[k, sign] = (np.array([moved]), None) + net.losses(0, z, weights, biases)
    _record(net, 0, np.zeros(1, dtype=np.intp), np.array([index]), outcomes, result)


def _penalty(network: Network, case: Case, values: np.ndarray, gradients: np.ndarray) -> None:
    """Add the weight-decay term's central difference, when the case's training run puts it in the loss.

    The term (lambda/2)*p^2 is a quadratic in each parameter, so its central difference is exactly
    lambda*p, with no truncation error: adding it is the finite difference of the whole loss.
    """
    proc = case.training
    if proc is None or not proc.coupled_decay:
        return
    lam = float(proc.weight_decay)
    for i in decayed(network, case):
        gradients[i] += lam * values[i]


def finite_differences(network: Network, case: Case) -> FiniteDifferences:
    """Return the finite-difference gradient of every parameter, its resolution, and the relu kinks straddled."""
    values = np.array(parameter_floats(network, case), dtype=np.float64)
    found = _Found(np.zeros(len(values)), np.zeros(len(values)), {})
    tied = _tied_places(network)
    index = parameter_index(network) if tied else {}
    # a network whose floats overflow (a weight of 1e300) gives inf and nan here: the cross-check reports
    # them as beyond float64, and no NumPy warning reaches the user's terminal
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        net = _Net(network, case, values)
        for name, places in tied.items():
            _tied(net, index[name], places, float(values[index[name]]), found)
        for layer in range(len(network.layers)):
            _batched(net, layer, _layer_moves(network, layer, values, {index[name] for name in tied}), found)
    _penalty(network, case, values, found.gradients)
    keys = _layout(network).parameter_keys[::2]  # dE_dw1, in the parameters' order
    return FiniteDifferences(dict(zip(keys, found.gradients.tolist())), dict(zip(keys, found.resolution.tolist())),
                             {keys[i]: kink for i, kink in found.kinks.items()})
