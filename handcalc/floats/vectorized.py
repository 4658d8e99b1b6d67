"""The NumPy (float64) vectorized path: forward, loss and backprop in matrix form.

One of the two cross-checks of the exact symbolic values, so it is written
independently of the SymPy layer: the activations and losses are re-implemented
here in NumPy (following the conventions of `handcalc.functions`, never calling
it), and the whole batch goes through each layer as one matrix product.

Conventions: layer l has W of shape (size_l, fan_in) with `layer.weights[j][i]`
naming the parameter from input i to neuron j; pre = A_prev @ W.T + b and
post = act(pre) for the batch A_prev (rows x fan_in).  A name appearing in
several places (tied weights, a shared bias) gets the sum of their gradients.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Mapping

import numpy as np

from ..model import Case, Layer, Network
from ..numbers import as_float
from ..records import record
from ..naming import PENALTY, gradient, penalty_gradient, row_suffix, updated

__all__ = ["run", "loss", "rounding_noise", "finite_differences", "finite_difference_gradients", "matrices",
           "parameter_floats", "parameter_index", "decayed"]


# --- activations -------------------------------------------------------------

def _sigmoid(z: np.ndarray) -> np.ndarray:
    """Numerically stable logistic: 1/(1+e^-z) for z >= 0, e^z/(1+e^z) for z < 0 (one e^-|z| serves both).

    The numerator, 1 for z >= 0 and e^-|z| below, is max(sign(z), e^-|z|) (e^-|z| <= 1; at 0 both are 1):
    the same numbers as a `where`, a fifth faster on the finite differences' large batches.
    """
    e = np.abs(z)
    np.negative(e, out=e)
    np.exp(e, out=e)
    out = np.sign(z)
    np.maximum(out, e, out=out)
    e += 1.0
    out /= e
    return out


def _softmax(z: np.ndarray) -> np.ndarray:
    """Softmax along each row, shifted by the row's largest logit so no e^z overflows."""
    shifted = np.exp(z - z.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def _log_softmax(z: np.ndarray) -> np.ndarray:
    """ln softmax(z) by log-sum-exp: finite even where softmax itself underflows to 0."""
    top = z.max(axis=-1, keepdims=True)
    return z - top - np.log(np.exp(z - top).sum(axis=-1, keepdims=True))


def _constant(layer: Layer) -> float:
    """The layer's activation constant: its declared slope, else the convention's default."""
    if layer.slope is not None:
        return float(layer.slope)
    return 1.0 if layer.activation == "elu" else 0.01


# f(z, a) per activation; a is leaky_relu's slope or elu's alpha (ignored by the others)
_FUNCTIONS = {
    "sigmoid": lambda z, a: _sigmoid(z),
    "tanh": lambda z, a: np.tanh(z),
    "relu": lambda z, a: np.maximum(z, 0.0),
    "identity": lambda z, a: z.copy(),
    "leaky_relu": lambda z, a: np.where(z > 0, z, a * z),
    "softplus": lambda z, a: np.logaddexp(0.0, z),
    "elu": lambda z, a: np.where(z > 0, z, a * np.expm1(np.minimum(z, 0.0))),
    "softmax": lambda z, a: _softmax(z),
}

# dout/dz elementwise, from z, out and a; at a kink (z = 0) the left derivative, as relu'(0) = 0
_DERIVATIVES = {
    "sigmoid": lambda z, out, a: out * (1.0 - out),
    "tanh": lambda z, out, a: 1.0 - out * out,
    "relu": lambda z, out, a: (z > 0).astype(np.float64),
    "identity": lambda z, out, a: np.ones_like(z),
    "leaky_relu": lambda z, out, a: np.where(z > 0, 1.0, a),
    "softplus": lambda z, out, a: _sigmoid(z),
    "elu": lambda z, out, a: np.where(z > 0, 1.0, a * np.exp(np.minimum(z, 0.0))),  # a*e^z: no cancellation
}


ELEMENTWISE_ACTIVATIONS = frozenset(_DERIVATIVES)  # each output depends on its own pre-activation only
ELEMENTWISE_LOSSES = frozenset({"half_squared_error", "squared_error", "mean_squared_error", "binary_cross_entropy"})


def _activate(layer: Layer, z: np.ndarray) -> np.ndarray:
    return _FUNCTIONS[layer.activation](z, _constant(layer))


def _backward(layer: Layer, z: np.ndarray, out: np.ndarray, de_dout: np.ndarray) -> np.ndarray:
    """dE/dz from dE/dout: elementwise, or through softmax's Jacobian (dz_j = out_j (g_j - sum_i g_i out_i))."""
    if layer.activation == "softmax":
        return out * (de_dout - (de_dout * out).sum(axis=-1, keepdims=True))
    return de_dout * _DERIVATIVES[layer.activation](z, out, _constant(layer))


# --- losses ------------------------------------------------------------------

def _terms(network: Network, z: np.ndarray, out: np.ndarray, t: np.ndarray, count: int | None = None) -> np.ndarray:
    """The loss term of every (row, output neuron); the total error is their sum.

    `count` is the number of targets a mean divides by, when `t` holds only some of them.
    """
    n = t.size if count is None else count  # outputs x rows
    name = network.loss
    if name == "half_squared_error":
        half = t - out
        np.square(half, out=half)
        half *= 0.5
        return half
    if name == "squared_error":
        return (t - out) ** 2
    if name == "mean_squared_error":
        return (t - out) ** 2 / n
    if name == "binary_cross_entropy":
        if network.layers[-1].activation == "sigmoid":
            # from the logit: log(sigmoid(z)) = -logaddexp(0, -z), log(1 - sigmoid(z)) = -logaddexp(0, z)
            return (t * np.logaddexp(0.0, -z) + (1.0 - t) * np.logaddexp(0.0, z)) / n
        return -(t * np.log(out) + (1.0 - t) * np.log(1.0 - out)) / n
    if name == "cross_entropy":
        # from the logits: ln out = z - logsumexp(z); a 0 target contributes 0, never 0*(-inf)
        log_out = _log_softmax(z)
        return -np.where(t == 0, 0.0, t * log_out) / t.shape[0]
    raise ValueError(f"unknown loss {name!r}")


def _output_delta(network: Network, z: np.ndarray, out: np.ndarray, t: np.ndarray,
                  count: int | None = None) -> np.ndarray:
    """dE/dz for the output layer, one row per batch row (`count`: as for `_terms`)."""
    n = t.size if count is None else count
    name = network.loss
    layer = network.layers[-1]
    if name == "binary_cross_entropy" and layer.activation == "sigmoid":
        return (out - t) / n
    if name == "cross_entropy":  # softmax + cross-entropy: dE/dz = (out - T)/rows, since each T sums to 1
        return (out - t) / t.shape[0]
    if name == "half_squared_error":
        de_dout = out - t
    elif name == "squared_error":
        de_dout = 2.0 * (out - t)
    elif name == "mean_squared_error":
        de_dout = 2.0 * (out - t) / n
    elif name == "binary_cross_entropy":
        de_dout = -(t / out - (1.0 - t) / (1.0 - out)) / n
    else:
        raise ValueError(f"unknown loss {name!r}")
    return _backward(layer, z, out, de_dout)


# --- the network -------------------------------------------------------------

def matrices(network: Network, parameters: Mapping[str, float | str]) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Return W (size x fan_in) and b (size,) per layer; b is all zeros without biases."""
    weights, biases = [], []
    for layer in network.layers:
        weights.append(np.array([[float(parameters[name]) for name in row] for row in layer.weights],
                                dtype=np.float64).reshape(layer.size, -1))
        if layer.biases:
            biases.append(np.array([float(parameters[name]) for name in layer.biases], dtype=np.float64))
        else:
            biases.append(np.zeros(layer.size, dtype=np.float64))
    return weights, biases


def _data(network: Network, case: Case) -> tuple[np.ndarray, np.ndarray]:
    x = np.array([[float(v) for v in row] for row in case.rows], dtype=np.float64)
    t = np.array([[float(v) for v in row] for row in case.targets], dtype=np.float64)
    return x.reshape(len(case.rows), len(network.inputs)), t.reshape(len(case.targets), len(network.targets))


def _forward(network: Network, weights: list[np.ndarray], biases: list[np.ndarray],
             x: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Return pre- and post-activations per layer (posts[0] is the input batch)."""
    pres: list[np.ndarray] = []
    posts: list[np.ndarray] = [x]
    for layer, w, b in zip(network.layers, weights, biases):
        z = posts[-1] @ w.T + b
        pres.append(z)
        posts.append(_activate(layer, z))
    return pres, posts


def _loss_and_pres(network: Network, case: Case, parameters: Mapping[str, float | str]) -> tuple[float, list]:
    """Return the total error of `case` with these parameter values, and the pre-activations per layer."""
    weights, biases = matrices(network, parameters)
    x, t = _data(network, case)
    pres, posts = _forward(network, weights, biases, x)
    return float(np.sum(_terms(network, pres[-1], posts[-1], t))), pres


def loss(network: Network, case: Case, parameters: Mapping[str, float | str]) -> float:
    """Return the total error of `case` with these parameter values."""
    return _loss_and_pres(network, case, parameters)[0]


@record
class _Layout:
    """Where each parameter sits and what its values are named, for one network (built once: `_layout`).

    With it the per-name work of a run is a handful of bulk operations, not dictionary updates name by
    name (at 16,000 weights those outgrow the processor's caches and cost more a weight the larger the
    network: NumPy path W^1.13 over 512 -> 16,200 weights with them, W^0.95 without).
    """

    weights: list[np.ndarray]  # per layer, the index in `network.parameters` of each W[j, i]
    biases: list[np.ndarray | None]  # per layer, the index of each b[j], or None without biases
    places: np.ndarray  # every place's parameter index, layer by layer, W row by row then b: what sums a tied name
    parameter_keys: list[str]  # per parameter: dE_dw1, new_w1


@lru_cache(maxsize=8)
def parameter_index(network: Network) -> dict[str, int]:
    """Return each parameter's place in `network.parameters` (built once per network; do not change it)."""
    return {name: i for i, name in enumerate(network.parameters)}


def parameter_floats(network: Network, case: Case) -> list[float]:
    """Return the case's parameters as float64 values, in `network.parameters`' order."""
    given = case.parameters
    return [as_float(given[name]) for name in network.parameters]


def decayed(network: Network, case: Case) -> list[int]:
    """Return the places of the parameters the case's weight decay shrinks (none without decay)."""
    proc = case.training
    if proc is None or not proc.weight_decay:
        return []
    index = parameter_index(network)
    return [index[name] for name in proc.decays(network)]


@lru_cache(maxsize=8)
def _layout(network: Network) -> _Layout:
    # as many names as places (the usual network): the parameters are the places in order, nothing to look up
    counts = [(layer.size * len(layer.weights[0]) if layer.weights else 0, len(layer.biases)) for layer in network.layers]
    untied = len(network.parameters) == sum(w + b for w, b in counts)
    index = {} if untied else parameter_index(network)
    weights, biases, places = [], [], []
    start = 0
    for layer, (w_count, b_count) in zip(network.layers, counts):
        if untied:
            w = np.arange(start, start + w_count, dtype=np.intp)
            b = np.arange(start + w_count, start + w_count + b_count, dtype=np.intp)
            start += w_count + b_count
        else:
            w = np.array([index[name] for row in layer.weights for name in row], dtype=np.intp)
            b = np.array([index[name] for name in layer.biases], dtype=np.intp)
        weights.append(w.reshape(layer.size, -1))
        biases.append(b if layer.biases else None)
        places += [w] + ([b] if layer.biases else [])
    parameter_keys = [key for name in network.parameters for key in (gradient(name), updated(name))]
    return _Layout(weights, biases, np.concatenate(places), parameter_keys)


@lru_cache(maxsize=8)
def _row_keys(network: Network, rows: int) -> list[str]:
    """The names of a run's per-row values: per row, per layer, per neuron h1, out_h1, dE_dh1; then its loss terms."""
    keys: list[str] = []
    for r in range(rows):
        s = row_suffix(r, rows)
        for layer in network.layers:
            for pre, post in zip(layer.pre, layer.post):
                keys += (pre + s, post + s, gradient(pre + s))
        keys += [name + s for name in network.errors]
    return keys


def run(network: Network, case: Case) -> dict[str, float]:
    """Forward, loss, backward and one update step for `case`; every named quantity.

    A network whose floats overflow (a weight of 1e300) gives inf and nan: the cross-check leaves such values
    out and says so; no NumPy warning reaches the user's terminal.
    """
    parameters = parameter_floats(network, case)
    x, t = _data(network, case)
    keys, values = _values(network, case, parameters, x, t, float(case.learning_rate))
    return dict(zip(keys, values.tolist()))


def _values(network: Network, case: Case, parameters: list[float], x: np.ndarray, t: np.ndarray,
            eta: float) -> tuple[list[str], np.ndarray]:
    """`run`'s names and values in float64, from the parameters in `network.parameters`' order, data and rate."""
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        return _computed(network, case, parameters, x, t, eta)


def _computed(network: Network, case: Case, parameters: list[float], x: np.ndarray, t: np.ndarray,
              eta: float) -> tuple[list[str], np.ndarray]:
    layout = _layout(network)
    p = np.array(parameters, dtype=np.float64)
    weights = [p[w] for w in layout.weights]
    biases = [p[b] if b is not None else np.zeros(layer.size) for layer, b in zip(network.layers, layout.biases)]
    pres, posts = _forward(network, weights, biases, x)
    terms = _terms(network, pres[-1], posts[-1], t)

    # backward: delta = dE/dz per layer (rows x size), last layer first
    deltas = [_output_delta(network, pres[-1], posts[-1], t)]
    for l in range(len(network.layers) - 1, 0, -1):
        below = network.layers[l - 1]
        deltas.insert(0, _backward(below, pres[l - 1], posts[l], deltas[0] @ weights[l]))

    # each place's gradient (summed over rows), added into its parameter's in the places' order: a name may
    # stand in several places (tied weights)
    shares = []
    for b, delta, a_prev in zip(layout.biases, deltas, posts):
        shares.append((delta.T @ a_prev).ravel())
        if b is not None:
            shares.append(delta.sum(axis=0))
    gradients = np.bincount(layout.places, weights=np.concatenate(shares), minlength=len(parameters))

    rows = x.shape[0]
    blocks = [np.stack([z, out, delta], axis=2).reshape(rows, -1) for z, out, delta in zip(pres, posts[1:], deltas)]
    keys, values = list(_row_keys(network, rows)), [np.concatenate(blocks + [terms], axis=1).ravel()]
    keys.append(network.total_error)
    total = [float(np.sum(terms))]
    shrink = _decay(network, case, parameters, gradients, keys, total)
    values.append(np.array(total))
    updated_values = p - eta * gradients - eta * shrink
    keys += layout.parameter_keys
    values.append(np.stack([gradients, updated_values], axis=1).ravel())
    return keys, np.concatenate(values)


def _decay(network: Network, case: Case, parameters: list[float], gradients: np.ndarray, keys: list[str],
           values: list[float]) -> np.ndarray | float:
    """L2 weight decay lambda of the case's training run, in place: in the loss (coupled), E_reg = lambda/2 *
    sum w^2 joins the total (values[0]) and its share lambda*w each gradient (named after it in `keys` and
    `values`); return decoupled decay's lambda*w per parameter (0 without it)."""
    places = decayed(network, case)
    if not places:
        return 0.0
    proc = case.training
    lam = float(proc.weight_decay)  # type: ignore[union-attr]
    if proc.decay_form != "coupled":  # type: ignore[union-attr]
        shrink = np.zeros(len(parameters))
        shrink[places] = [lam * parameters[i] for i in places]
        return shrink
    penalty = lam / 2 * sum(parameters[i] ** 2 for i in places)
    values[0] += penalty
    keys.append(PENALTY)
    values.append(penalty)
    for i in places:
        keys.append(penalty_gradient(network.parameters[i]))
        values.append(lam * parameters[i])
        gradients[i] += lam * parameters[i]
    return 0.0


def rounding_noise(network: Network, case: Case, trials: int = 3) -> dict[str, float]:
    """Return, per value of `run`, how far it moves when every number it starts from moves by ~2 ulps.

    A value computed in float64 carries rounding errors of about this size: each operation
    rounds its result by an ulp, which is what moving its operands does.  A well-conditioned
    value moves by a few ulps of itself; one whose terms cancel moves by ulps of its terms.
    The numbers are moved in the parameters' order, then the inputs', the targets' and the rate.
    """
    import random

    rng = random.Random(0)  # seeded: the same report every run (numpy.random would cost 12 ms to import)
    eps = float(np.finfo(np.float64).eps)

    def moved(values: list[float]) -> list[float]:
        return [value * (1 + eps * rng.uniform(-2, 2)) for value in values]

    parameters = parameter_floats(network, case)
    x, t = _data(network, case)
    eta = float(case.learning_rate)
    keys, base = _values(network, case, parameters, x, t, eta)
    noise = np.zeros_like(base)
    for _ in range(trials):
        other_parameters = moved(parameters)
        other_x = np.array(moved(x.ravel().tolist())).reshape(x.shape)
        other_t = np.array(moved(t.ravel().tolist())).reshape(t.shape)
        other_eta = moved([eta])[0]
        with np.errstate(invalid="ignore"):  # inf - inf: a value beyond float64 moves by nan, ignored (fmax)
            np.fmax(noise, np.abs(_values(network, case, other_parameters, other_x, other_t, other_eta)[1] - base),
                    out=noise)
    return dict(zip(keys, noise.tolist()))


def finite_differences(network: Network, case: Case) -> tuple[dict[str, float], dict[str, str]]:
    """Central differences of the loss w.r.t. each parameter, keyed by gradient name (dE_dw5), and the kinks.

    The kinks map each gradient whose moves lie on either side of a relu's kink at 0 to
    that neuron: there the loss has no derivative, the exact path takes relu'(0) = 0 (as the
    NumPy path does) while the central difference averages the slopes on the two sides, so
    the two cannot be compared.  `handcalc.floats.differences` computes them (with each
    difference's resolution).
    """
    from .differences import finite_differences as differences

    result = differences(network, case)
    return result.gradients, result.kinks


def finite_difference_gradients(network: Network, case: Case) -> dict[str, float]:
    """Central differences of `loss` w.r.t. each parameter, keyed f"dE_d{p}"."""
    return finite_differences(network, case)[0]


def _has_kink(layer: Layer) -> bool:
    """relu always; leaky_relu and elu unless their constant is 1 (then the two slopes at 0 agree)."""
    return layer.activation == "relu" or (layer.activation in ("leaky_relu", "elu") and _constant(layer) != 1.0)
