"""The finite-difference cross-check: no correct network fails it, a wrong derivative always does.

Networks of 1,000+ weights (where a relative tolerance alone failed on tiny
gradients), a network at an exact minimum (every gradient exactly 0, the
finite difference pure rounding), and gradients made wrong on purpose by
dropping one chain-rule factor, computed here from the exact values.
"""

from __future__ import annotations

import random
from decimal import Decimal, localcontext
from fractions import Fraction

import pytest

from handcalc.check import check
from handcalc.exact.derivation import derive
from handcalc.exact.values import evaluate, given_values
from handcalc.floats import vectorized
from handcalc.floats.crosscheck import FINITE_DIFFERENCE_TOLERANCE, cross_check
from handcalc.floats.differences import finite_differences
from handcalc.read.loader import load_text


def _network(sizes: list[int], activation: str, seed: int, loss: str = "half_squared_error",
             bias: str = "none", rows: int = 1, output: str | None = None, one_hot: bool = False) -> str:
    """A worked-example file with default names and weights of 3 decimals, scaled by 1/sqrt(fan-in)."""
    rng = random.Random(seed)
    lines = ["[network]", f"sizes = {sizes}", f'loss = "{loss}"', f'bias = "{bias}"']
    for index in range(len(sizes) - 1):
        last = index == len(sizes) - 2
        lines += ["[[network.layers]]", f'activation = "{output if last and output else activation}"']
    lines.append("[parameters]")
    count = 0
    for l, (a, b) in enumerate(zip(sizes, sizes[1:])):
        for _ in range(a * b):
            count += 1
            lines.append(f"w{count} = {rng.uniform(-2, 2) / a ** 0.5:.3f}")
        if bias == "per_neuron":
            lines += [f"b{l + 1}_{j + 1} = {rng.uniform(-0.5, 0.5):.3f}" for j in range(b)]
        elif bias == "shared":
            lines.append(f"b{l + 1} = {rng.uniform(-0.5, 0.5):.3f}")
    inputs = [[f"{rng.uniform(-1, 1):.3f}" for _ in range(sizes[0])] for _ in range(rows)]
    targets = [[f"{rng.uniform(0.05, 0.95):.3f}" for _ in range(sizes[-1])] for _ in range(rows)]
    if one_hot:
        targets = [["1" if k == r % sizes[-1] else "0" for k in range(sizes[-1])] for r in range(rows)]
    lines += ["[[cases]]", f"inputs = [{', '.join('[' + ', '.join(r) + ']' for r in inputs)}]",
              f"targets = [{', '.join('[' + ', '.join(r) + ']' for r in targets)}]", "learning_rate = 0.5"]
    return "\n".join(lines) + "\n"


LARGE = {  # each has 1,000+ weights
    "sigmoid_20_40_20": ([20, 40, 20], "sigmoid", {}),
    "sigmoid_23_42_23": ([23, 42, 23], "sigmoid", {"bias": "per_neuron"}),
    "tanh_10_30_30_5_mse_2_rows": ([10, 30, 30, 5], "tanh", {"loss": "mean_squared_error", "rows": 2}),
    "tanh_sigmoid_bce_25_40_1": ([25, 40, 1], "tanh", {"loss": "binary_cross_entropy", "output": "sigmoid"}),
    "relu_identity_30_40_2_se": ([30, 40, 2], "relu", {"loss": "squared_error", "output": "identity",
                                                       "bias": "per_neuron"}),
}


def _checked(name: str, seed: int):
    sizes, activation, options = LARGE[name]
    example = load_text(_network(sizes, activation, seed, **options))
    network, case = example.network, example.cases[0]
    derivation = derive(network, len(case.rows))
    values = evaluate(derivation, given_values(derivation, case))
    return network, case, derivation, values, finite_differences(network, case)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("name", sorted(LARGE))
def test_no_correct_network_fails(name: str, seed: int) -> None:
    network, case, derivation, values, fd = _checked(name, seed)
    assert len(network.parameters) >= 1000
    result = cross_check(values, vectorized.run(network, case), fd.gradients, (), fd.kinks, fd.resolution)
    assert result.finite_difference_max_rel_diff <= FINITE_DIFFERENCE_TOLERANCE, result
    # the floor is a floor: for most gradients the relative tolerance is what decides
    nonzero = [k for k in fd.gradients if values[k] != 0]  # a dead relu's weights have gradient 0
    tight = [k for k in nonzero if fd.resolution[k] < FINITE_DIFFERENCE_TOLERANCE * abs(values[k])]
    assert len(tight) >= 0.75 * len(nonzero)


def _dropped(network, values, which: str) -> dict:
    """The exact gradients with one chain-rule factor dropped, for the gradients of one kind."""
    wrong = dict(values)
    last = len(network.layers) - 1
    for index, layer in enumerate(network.layers):
        for j, row in enumerate(layer.weights):
            z, out = layer.pre[j], layer.post[j]
            for i, weight in enumerate(row):
                source = network.inputs[i] if index == 0 else network.layers[index - 1].post[i]
                exact = values[f"dE_d{weight}"]
                if which == "activation derivative" and index == last:
                    wrong[f"dE_d{weight}"] = exact / values[f"d{out}_d{z}"]
                elif which == "input" and index == 0 and values[source] != 0:
                    wrong[f"dE_d{weight}"] = exact / values[source]
                elif which == "hidden activation derivative" and index == 0 and last > 0:
                    wrong[f"dE_d{weight}"] = exact / values[f"d{out}_d{z}"]
    return wrong


@pytest.mark.parametrize("which", ["activation derivative", "input", "hidden activation derivative"])
@pytest.mark.parametrize("name", ["sigmoid_20_40_20", "sigmoid_23_42_23", "tanh_sigmoid_bce_25_40_1"])
def test_a_dropped_factor_always_fails(name: str, which: str) -> None:
    network, case, derivation, values, fd = _checked(name, 0)
    wrong = _dropped(network, values, which)
    changed = [k for k in fd.gradients if wrong[k] != values[k]]
    assert changed
    result = cross_check(wrong, {}, fd.gradients, (), fd.kinks, fd.resolution)
    assert result.finite_difference_max_rel_diff > FINITE_DIFFERENCE_TOLERANCE
    # and each wrong gradient on its own is caught unless the factor dropped is within 1e-6 of 1
    for key in changed:
        alone = cross_check({**values, key: wrong[key]}, {}, {key: fd.gradients[key]}, (), {}, fd.resolution)
        assert alone.finite_difference_max_rel_diff > FINITE_DIFFERENCE_TOLERANCE or \
            abs(wrong[key] - values[key]) <= 1e-5 * abs(values[key]), key


EXACT_MINIMUM = """
[network]
sizes = [3, 4, 2]
loss = "half_squared_error"
bias = "per_neuron"
[[network.layers]]
activation = "relu"
[[network.layers]]
activation = "identity"
[parameters]
{parameters}
[[cases]]
inputs = [[0.7, -0.3, 1.1]]
targets = [[{t1}, {t2}]]
learning_rate = 0.1
"""


def _decimal(value: Fraction) -> str:
    """A Fraction with a power-of-ten denominator as exact decimal text."""
    with localcontext() as context:
        context.prec = 50
        return str(Decimal(value.numerator) / Decimal(value.denominator))


def test_an_exact_minimum_passes() -> None:
    """Targets equal to the outputs (worked out here with Fractions): every gradient is exactly 0."""
    rng = random.Random(5)
    w = [Fraction(rng.randint(-999, 999), 1000) for _ in range(12 + 4 + 8 + 2)]
    x = [Fraction(7, 10), Fraction(-3, 10), Fraction(11, 10)]
    hidden = [max(Fraction(0), sum(x[i] * w[3 * j + i] for i in range(3)) + w[12 + j]) for j in range(4)]
    outputs = [sum(hidden[j] * w[16 + 4 * k + j] for j in range(4)) + w[24 + k] for k in range(2)]
    names = [f"w{i + 1}" for i in range(12)] + [f"b1_{j + 1}" for j in range(4)] + \
            [f"w{13 + i}" for i in range(8)] + ["b2_1", "b2_2"]
    text = EXACT_MINIMUM.format(parameters="\n".join(f"{n} = {_decimal(v)}" for n, v in zip(names, w)),
                                t1=_decimal(outputs[0]), t2=_decimal(outputs[1]))
    example = load_text(text)
    (result,) = check(example).cases
    gradients = [result.values[f"dE_d{p}"] for p in example.network.parameters]
    assert all(g == 0 for g in gradients)
    fd = finite_differences(example.network, example.cases[0])
    assert max(abs(v) for v in fd.gradients.values()) < 1e-12
    assert result.cross_check.ok, result.cross_check


SMALL = {  # every path of the moves: rank-one restart, last-layer column, softmax restart, tied, batches
    "sigmoid_bias_2_rows": ([4, 6, 3], "sigmoid", {"bias": "per_neuron", "rows": 2}),
    "tanh_deep_mse": ([3, 5, 4, 2], "tanh", {"loss": "mean_squared_error", "rows": 3}),
    "sigmoid_shared_bias": ([3, 4, 2], "sigmoid", {"bias": "shared", "rows": 2}),
    "relu_identity_se": ([4, 7, 2], "relu", {"loss": "squared_error", "output": "identity", "bias": "per_neuron"}),
    "tanh_sigmoid_bce": ([5, 6, 1], "tanh", {"loss": "binary_cross_entropy", "output": "sigmoid", "rows": 2}),
    "softmax_cross_entropy": ([3, 4, 3], "sigmoid", {"loss": "cross_entropy", "output": "softmax", "rows": 2,
                                                          "one_hot": True}),
}


def _reference(network, case) -> dict[str, float]:
    """Central differences with each moved loss from a whole forward pass (`vectorized.loss`), one move at a time."""
    eps = 2.0 ** -52
    values = {name: float(case.parameters[name]) for name in network.parameters}
    result = {}
    for name, p in values.items():
        h = eps ** (1 / 3) * max(1.0, abs(p))
        up, down = (p + h) - p, (p - h) - p
        plus = vectorized.loss(network, case, {**values, name: p + up})
        minus = vectorized.loss(network, case, {**values, name: p + down})
        result[f"dE_d{name}"] = (plus - minus) / (up - down)
    return result


@pytest.mark.parametrize("batch", [None, 7])
@pytest.mark.parametrize("name", sorted(SMALL))
def test_moves_agree_with_whole_forward_passes(name: str, batch: int | None, monkeypatch) -> None:
    """Each difference is the one whole forward passes give (to their rounding), in one batch or in many."""
    from handcalc.floats import differences

    if batch is not None:
        monkeypatch.setattr(differences, "BATCH_NUMBERS", batch)
    sizes, activation, options = SMALL[name]
    for seed in range(3):
        example = load_text(_network(sizes, activation, seed, **options))
        network, case = example.network, example.cases[0]
        fd = finite_differences(network, case)
        expected = _reference(network, case)
        assert list(fd.gradients) == list(expected)
        scale = max(1.0, abs(vectorized.loss(network, case, case.parameters)))
        for key, value in expected.items():
            # each difference quotient carries rounding of about eps |E| / h ~ 4e-11 |E|
            assert abs(fd.gradients[key] - value) <= 1e-9 * scale, (key, fd.gradients[key], value)
