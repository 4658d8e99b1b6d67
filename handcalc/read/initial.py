"""Initial weights drawn as a tutorial's NumPy code draws them, bit for bit.

`np.random.seed(s)` followed by `2*np.random.random(shape) - 1` or
`np.random.randn(*shape)` uses NumPy's legacy Mersenne-Twister stream;
`numpy.random.RandomState(s)` reproduces it without touching global state.
Each float drawn becomes the exact rational it is, so the exact path starts
from the very numbers the tutorial's code starts from.
"""

from __future__ import annotations

from fractions import Fraction
from ..model import Init, Network

__all__ = ["draw"]


def draw(network: Network, init: Init) -> tuple[dict[str, Fraction], dict[str, str]]:
    """Return the drawn weights (exact) and their texts (the float's shortest repr), layer by layer.

    An unseeded draw is replayed with the documented `replay_seed` (its numbers are never a verdict).
    """
    import numpy as np

    state = np.random.RandomState(init.draw_seed)
    layout = init.layout
    values: dict[str, Fraction] = {}
    texts: dict[str, str] = {}
    for layer in network.layers:
        fan_in, size = len(layer.weights[0]), layer.size
        shape = (fan_in, size) if layout == "inputs_by_neurons" else (size, fan_in)
        if init.method == "uniform_pm1":
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
