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
absolute products that make up z (what its rounding error scales with), and
E+-, dE/dz are taken at the two moved points.

Speed: moving a weight of layer l only changes one column of layer l's
pre-activations, so the forward pass restarts there (the layers before are
computed once), and all the moves of a layer go through NumPy together, in
batches of at most `BATCH_NUMBERS` numbers.  A parameter used in several places
(a shared bias, a tied weight) is moved everywhere at once, one at a time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..model import Case, Network
from ..naming import gradient, in_row
from .vectorized import _activate, _data, _has_kink, _output_delta, _terms, matrices

__all__ = ["FiniteDifferences", "finite_differences", "BATCH_NUMBERS"]

EPS = float(np.finfo(np.float64).eps)
BATCH_NUMBERS = 1 << 20  # numbers of one batch of moved forward passes (8 MB)


@dataclass(frozen=True)
class FiniteDifferences:
    """Every parameter's finite-difference gradient, its resolution, and the relu kinks straddled."""

    gradients: dict[str, float]  # dE_dw5 -> central difference D(h)
    resolution: dict[str, float]  # dE_dw5 -> absolute error the finite difference cannot rule out
    kinks: dict[str, str]  # dE_dw1 -> the relu neuron whose kink the moves straddle


def _step(p: float) -> float:
    # The cube root of machine epsilon (~6e-6) times the parameter's scale balances the
    # central difference's O(h^2) truncation error against its O(eps*|E|/h) rounding error.
    return EPS ** (1 / 3) * max(1.0, abs(p))


def _places(network: Network) -> dict[str, list[tuple[int, int, int | None]]]:
    """Where each parameter sits: (layer, neuron, input index, or None for a bias)."""
    places: dict[str, list[tuple[int, int, int | None]]] = {name: [] for name in network.parameters}
    for l, layer in enumerate(network.layers):
        for j, row in enumerate(layer.weights):
            for i, name in enumerate(row):
                places[name].append((l, j, i))
        for j, name in enumerate(layer.biases):
            places[name].append((l, j, None))
    return places


class _Net:
    """The network's float64 state: matrices, data, and the unmoved forward pass."""

    def __init__(self, network: Network, case: Case) -> None:
        self.network = network
        self.weights, self.biases = matrices(network, {p: float(case.parameters[p]) for p in network.parameters})
        self.x, self.t = _data(network, case)
        self.posts = [self.x]
        self.pres = []
        for layer, w, b in zip(network.layers, self.weights, self.biases):
            self.pres.append(self.posts[-1] @ w.T + b)
            self.posts.append(_activate(layer, self.pres[-1]))

    def losses(self, start: int, z: np.ndarray, weights: list[np.ndarray] | None = None,
               biases: list[np.ndarray] | None = None) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
        """Loss, rounding scale and pre-activations of a batch (C, rows, size) of layer `start`'s pre-activations."""
        weights = self.weights if weights is None else weights
        biases = self.biases if biases is None else biases
        layers = self.network.layers
        pres, a_prev = [z], self.posts[start]
        a = _activate(layers[start], z)
        for l in range(start + 1, len(layers)):
            a_prev, z = a, a @ weights[l].T + biases[l]
            pres.append(z)
            a = _activate(layers[l], z)
        last = z
        # the sum of |products| that make up each output pre-activation: its rounding error scales with it
        scale = np.abs(a_prev) @ np.abs(weights[-1]).T + np.abs(biases[-1])
        terms = _terms(self.network, last, a, self.t)
        delta = _output_delta(self.network, last, a, self.t)
        f = terms.sum(axis=(-2, -1))
        rounding = np.abs(terms).sum(axis=(-2, -1)) + (np.abs(delta) * scale).sum(axis=(-2, -1))
        return f, rounding, pres


def _kinks(network: Network, start: int, below: list[np.ndarray], above: list[np.ndarray],
           rows: int) -> list[str | None]:
    """For each move of a batch, the first neuron with a kink (relu, leaky_relu, elu) whose pre-activation changes sign."""
    found: list[str | None] = [None] * below[0].shape[0]
    for l, low, high in zip(range(start, len(network.layers)), below, above):
        if not _has_kink(network.layers[l]):
            continue
        changed = (low > 0) != (high > 0)
        for c in np.flatnonzero(changed.any(axis=(1, 2))):
            if found[c] is None:
                r, j = np.argwhere(changed[c])[0]
                found[c] = in_row(network.layers[l].pre[j], int(r), rows)
    return found


def _batched(net: _Net, layer: int, moves: list[tuple[str, int, int | None, float]],
             result: FiniteDifferences) -> None:
    """Finite differences of the untied parameters of one layer, all moves of a batch at once."""
    rows, size = net.x.shape[0], net.pres[layer].shape[1]
    width = max([size] + [w.shape[0] for w in net.weights[layer:]])
    per_batch = max(1, BATCH_NUMBERS // (rows * width))
    source = net.posts[layer]
    for start in range(0, len(moves), per_batch):
        chunk = moves[start:start + per_batch]
        c = np.arange(len(chunk))
        js = np.array([j for _, j, _, _ in chunk])
        column = np.stack([source[:, i] if i is not None else np.ones(rows) for _, _, i, _ in chunk])
        p = np.array([value for _, _, _, value in chunk])
        h = np.array([_step(value) for value in p])
        outcomes = {}
        for k in (1, 2):
            for sign in (1, -1):
                moved = (p + sign * k * h) - p  # the move as float64 represents it
                z = np.repeat(net.pres[layer][None], len(chunk), axis=0)
                z[c, :, js] += moved[:, None] * column
                outcomes[k, sign] = (moved,) + net.losses(layer, z)
        _record(net, layer, [name for name, _, _, _ in chunk], outcomes, result)


def _record(net: _Net, layer: int, names: list[str], outcomes: dict, result: FiniteDifferences) -> None:
    """The central differences, their resolution and the kinks of a batch of moves."""
    (up1, f1, r1, pres1), (down1, g1, s1, low1) = outcomes[1, 1], outcomes[1, -1]
    (up2, f2, _, _), (down2, g2, _, _) = outcomes[2, 1], outcomes[2, -1]
    d1 = (f1 - g1) / (up1 - down1)
    d2 = (f2 - g2) / (up2 - down2)
    rounding = 2 * len(net.network.layers) * EPS * (r1 + s1) / (up1 - down1)
    resolution = np.abs(d1 - d2) + rounding
    kinks = _kinks(net.network, layer, low1, pres1, net.x.shape[0])
    for index, name in enumerate(names):
        key = gradient(name)
        result.gradients[key] = float(d1[index])
        result.resolution[key] = float(resolution[index])
        if kinks[index]:
            result.kinks[key] = kinks[index]


def _tied(net: _Net, name: str, places: list[tuple[int, int, int | None]], value: float,
          result: FiniteDifferences) -> None:
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
            outcomes[k, sign] = (np.array([moved]),) + net.losses(0, z, weights, biases)
    _record(net, 0, [name], outcomes, result)


def _penalty(network: Network, case: Case, result: FiniteDifferences) -> None:
    """Add the weight-decay term's central difference, when the case's training run puts it in the loss.

    The term (lambda/2)*p^2 is a quadratic in each parameter, so its central difference is exactly
    lambda*p, with no truncation error: adding it is the finite difference of the whole loss.
    """
    proc = case.training
    if proc is None or not proc.coupled_decay:
        return
    lam = float(proc.weight_decay)
    for name in proc.decays(network):
        result.gradients[gradient(name)] += lam * float(case.parameters[name])


def finite_differences(network: Network, case: Case) -> FiniteDifferences:
    """Return the finite-difference gradient of every parameter, its resolution, and the relu kinks straddled."""
    net = _Net(network, case)
    result = FiniteDifferences({}, {}, {})
    by_layer: dict[int, list[tuple[str, int, int | None, float]]] = {}
    with np.errstate(over="ignore", under="ignore"):
        for name, places in _places(network).items():
            value = float(case.parameters[name])
            if len(places) == 1:
                l, j, i = places[0]
                by_layer.setdefault(l, []).append((name, j, i, value))
            else:
                _tied(net, name, places, value, result)
        for layer, moves in by_layer.items():
            _batched(net, layer, moves, result)
    _penalty(network, case, result)
    order = {gradient(name): k for k, name in enumerate(network.parameters)}
    return FiniteDifferences(dict(sorted(result.gradients.items(), key=lambda item: order[item[0]])),
                             result.resolution, result.kinks)
