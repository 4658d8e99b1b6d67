"""Generated worked-example files of any size, for the benchmarks (not shipped tutorials).

`network_text(sizes)` writes a fully connected sigmoid network with default
names (w1.. row by row, b1_1.. per neuron when asked), weights and inputs
drawn from a seeded generator as 3-digit decimal text, and one row of targets.
"""

from __future__ import annotations

import random


def weight_count(sizes: list[int]) -> int:
    """Return the number of weights of a fully connected network with these layer sizes."""
    return sum(a * b for a, b in zip(sizes, sizes[1:]))


def network_text(sizes: list[int], rows: int = 1, seed: int = 0, activation: str = "sigmoid",
                 loss: str = "half_squared_error", bias: str = "none") -> str:
    """Return a worked-example file (TOML text) for a network of these sizes."""
    rng = random.Random(seed)

    def number(scale: float = 1.0) -> str:
        return f"{rng.uniform(-scale, scale):.3f}"

    lines = ["[network]", f"sizes = {sizes}", f'loss = "{loss}"', f'bias = "{bias}"']
    for _ in sizes[1:]:
        lines += ["[[network.layers]]", f'activation = "{activation}"']
    lines.append("[parameters]")
    scale = 1.0
    count = 1
    for l, (a, b) in enumerate(zip(sizes, sizes[1:])):
        scale = 2.0 / a ** 0.5
        for _ in range(a * b):
            lines.append(f"w{count} = {number(scale)}")
            count += 1
        if bias == "per_neuron":
            lines += [f"b{l + 1}_{j + 1} = {number(0.5)}" for j in range(b)]
        elif bias == "shared":
            lines.append(f"b{l + 1} = {number(0.5)}")
    inputs = [[number() for _ in range(sizes[0])] for _ in range(rows)]
    targets = [[f"{rng.uniform(0.05, 0.95):.3f}" for _ in range(sizes[-1])] for _ in range(rows)]
    lines += ["[[cases]]",
              "inputs = [" + ", ".join("[" + ", ".join(row) + "]" for row in inputs) + "]",
              "targets = [" + ", ".join("[" + ", ".join(row) + "]" for row in targets) + "]",
              "learning_rate = 0.5"]
    return "\n".join(lines) + "\n"
