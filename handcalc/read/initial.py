"""Initial weights drawn as a tutorial's NumPy code draws them, bit for bit.

`np.random.seed(s)` followed by `2*np.random.random(shape) - 1`,
`np.random.random(shape)`, `np.random.randn(*shape)` or `np.random.normal()`
uses NumPy's legacy Mersenne-Twister stream, weights and biases in the order
the code draws them (`order`);
`numpy.random.RandomState(s)` reproduces it without touching global state.
Each float drawn becomes the exact rational it is, so the exact path starts
from the very numbers the tutorial's code starts from.
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

from ..model import Init, Network

__all__ = ["draw", "draw_order", "order_problem"]

ORDER_ITEM = re.compile(r"([Wb])([1-9][0-9]?)", re.ASCII)  # W2: layer 2's weights, b2: its biases


def draw_order(network: Network, init: Init) -> list[tuple[str, int]]:
    """Return what the code draws, in order: ("W", layer) and ("b", layer), 0-based layers.

    Default: every layer's weights, first layer first, and no biases.
    """
    if init.order is None:
        return [("W", index) for index in range(len(network.layers))]
    return [(m.group(1), int(m.group(2)) - 1) for m in (ORDER_ITEM.fullmatch(item) for item in init.order)]


def order_problem(network: Network, order: Any) -> str | None:
    """Say what is wrong with an `order` list (None when it is right)."""
    if not isinstance(order, list) or not all(isinstance(item, str) for item in order):
        return 'expected a list such as ["W1", "b1", "W2", "b2"]'
    layers = len(network.layers)
    for item in order:
        match = ORDER_ITEM.fullmatch(item)
        if not match or int(match.group(2)) > layers:
            return f"{item!r} is not W1..W{layers} or b1..b{layers}"
        if match.group(1) == "b" and not network.layers[int(match.group(2)) - 1].biases:
            return f"{item!r}: layer {match.group(2)} has no biases (network.bias is 'none')"
    if len(set(order)) != len(order):
        return "an item is drawn twice"
    return None


def _sample(state: Any, method: str, shape: tuple[int, ...]) -> Any:
    if method == "uniform_pm1":
        return 2 * state.random_sample(shape) - 1
    if method == "uniform_01":
        return state.random_sample(shape)
    if method == "zeros":
        import numpy as np

        return np.zeros(shape)
    return state.randn(*shape)


def draw(network: Network, init: Init) -> tuple[dict[str, Fraction], dict[str, str]]:
    """Return the drawn parameters (exact) and their texts (the float's shortest repr), in the code's order.

    A layer's biases are drawn as a vector of its size (np.random.randn(size),
    or one np.random.normal() per neuron: the same stream), a shared bias as one
    number, with `bias_method` (default: the weights' method).  An unseeded draw
    is replayed with the documented `replay_seed` (its numbers are never a verdict).
    """
    import numpy as np

    state = np.random.RandomState(init.draw_seed)
    layout = init.layout
    values: dict[str, Fraction] = {}
    texts: dict[str, str] = {}

    def keep(name: str, number: float) -> None:
        values.setdefault(name, Fraction(number))
        texts.setdefault(name, repr(number))

    for what, index in draw_order(network, init):
        layer = network.layers[index]
        fan_in, size = len(layer.weights[0]), layer.size
        if what == "b":
            names = tuple(dict.fromkeys(layer.biases))  # a shared bias is one number
            for name, number in zip(names, _sample(state, init.bias_method or init.method, (len(names),))):
                keep(name, float(number))
            continue
        shape = (fan_in, size) if layout == "inputs_by_neurons" else (size, fan_in)
        matrix = _sample(state, init.method, shape)
        for j in range(size):
            for i in range(fan_in):
                keep(layer.weights[j][i], float(matrix[i, j] if layout == "inputs_by_neurons" else matrix[j, i]))
    return values, texts
