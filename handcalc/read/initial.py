"""Initial weights drawn as a tutorial's NumPy code draws them, bit for bit.

`np.random.seed(s)` followed by `2*np.random.random(shape) - 1` or
`np.random.randn(*shape)` uses NumPy's legacy Mersenne-Twister stream;
`numpy.random.RandomState(s)` reproduces it without touching global state.
Each float drawn becomes the exact rational it is, so the exact path starts
from the very numbers the tutorial's code starts from.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any, Mapping

from ..model import Network

__all__ = ["INIT_METHODS", "LAYOUTS", "draw", "is_seeded"]

INIT_METHODS = ("uniform_pm1", "randn")  # 2*random(shape) - 1, and randn(*shape)
LAYOUTS = ("inputs_by_neurons", "neurons_by_inputs")  # np.random.xxx((fan_in, size)) or ((size, fan_in))


def is_seeded(init: Mapping[str, Any]) -> bool:
    """Return True when the draw names a seed (and so can be reproduced)."""
    seed = init.get("seed")
    return isinstance(seed, int) and not isinstance(seed, bool)


def draw(network: Network, init: Mapping[str, Any]) -> tuple[dict[str, Fraction], dict[str, str]]:
    """Return the drawn weights (exact) and their texts (the float's shortest repr), layer by layer."""
    import numpy as np

    seed = init["seed"] if is_seeded(init) else init["replay_seed"]  # an unseeded draw is replayed with a documented seed
    state = np.random.RandomState(seed)
    layout = init.get("layout", "inputs_by_neurons")
    values: dict[str, Fraction] = {}
    texts: dict[str, str] = {}
    for layer in network.layers:
        fan_in, size = len(layer.weights[0]), layer.size
        shape = (fan_in, size) if layout == "inputs_by_neurons" else (size, fan_in)
        if init["method"] == "uniform_pm1":
            matrix = 2 * state.random_sample(shape) - 1
        else:
            matrix = state.randn(*shape)
        for j in range(size):
            for i in range(fan_in):
                number = float(matrix[i, j] if layout == "inputs_by_neurons" else matrix[j, i])
                name = layer.weights[j][i]
                values[name] = Fraction(number)
                texts[name] = repr(number)
    return values, texts
