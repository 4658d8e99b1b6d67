"""The NumPy vectorized path against independent numbers.

Tutorial values worked out by hand, a scalar per-neuron loop written here in
plain Python, finite differences of the loss, and batch = sum of single rows.
"""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from handcalc.read.loader import load_file, load_text
from handcalc.floats.vectorized import finite_difference_gradients, finite_differences, loss, matrices, run

ROOT = Path(__file__).parent.parent


# --- 1. tutorial1 --------------------------------------------------------------

TUTORIAL1 = {
    "h1": 0.4176,
    "out_h1": 0.60290881,
    "out_h2": 0.60885457,
    "y1": 0.97753007,
    "y2": 0.73523685,
    "out_y1": 0.72661785,
    "E1": 0.25677057,
    "E2": 0.04931263,
    "E_total": 0.3060832,
    "dE_dw5": 0.08582533,
    "new_w5": 0.41425240,
}


@pytest.mark.parametrize("quantity", sorted(TUTORIAL1))
def test_tutorial1_values(quantity: str) -> None:
    example = load_file(ROOT / "worked_examples" / "tutorial1.toml")
    result = run(example.network, example.cases[0])
    assert result[quantity] == pytest.approx(TUTORIAL1[quantity], abs=1e-8, rel=0)


def test_tutorial1_shapes_and_loss() -> None:
    example = load_file(ROOT / "worked_examples" / "tutorial1.toml")
    network, case = example.network, example.cases[0]
    weights, biases = matrices(network, case.parameters)
    assert [w.shape for w in weights] == [(2, 2), (2, 2)]
    assert weights[1][0, 1] == 0.48 and weights[1][1, 0] == 0.23  # w6: out_h2 -> y1, w7: out_h1 -> y2
    assert list(biases[0]) == [0.39, 0.39]
    assert loss(network, case, case.parameters) == run(network, case)["E_total"]


# --- 2. a scalar loop, written independently -------------------------------------

def _scalar_act(name: str, z: float) -> tuple[float, float]:
    """(out, dout/dz) in plain floats."""
    if name == "sigmoid":
        out = 1.0 / (1.0 + math.exp(-z))
        return out, out * (1.0 - out)
    if name == "tanh":
        out = math.tanh(z)
        return out, 1.0 - out * out
    if name == "relu":
        return (z, 1.0) if z > 0 else (0.0, 0.0)
    return z, 1.0


def scalar_reference(network, case) -> dict[str, float]:
    """Forward and backprop one row and one neuron at a time, plain floats."""
    p = {name: float(case.parameters[name]) for name in network.parameters}
    n = len(case.rows) * len(network.targets)
    grads = {name: 0.0 for name in network.parameters}
    result: dict[str, float] = {}
    total = 0.0
    for r, (row, trow) in enumerate(zip(case.rows, case.targets)):
        s = "" if len(case.rows) == 1 else f"_r{r + 1}"
        acts = [[float(v) for v in row]]
        zs, ds = [], []
        for layer in network.layers:
            z_layer, a_layer, d_layer = [], [], []
            for j in range(layer.size):
                z = sum(p[layer.weights[j][i]] * acts[-1][i] for i in range(len(acts[-1])))
                if layer.biases:
                    z += p[layer.biases[j]]
                a, d = _scalar_act(layer.activation, z)
                z_layer.append(z)
                a_layer.append(a)
                d_layer.append(d)
                result[layer.pre[j] + s], result[layer.post[j] + s] = z, a
            zs.append(z_layer)
            acts.append(a_layer)
            ds.append(d_layer)
        # loss terms and dE/dout for the output neurons
        dout = []
        for k, text in enumerate(trow):
            t, o = float(text), acts[-1][k]
            if network.loss == "half_squared_error":
                term, g = 0.5 * (t - o) ** 2, -(t - o)
            elif network.loss == "squared_error":
                term, g = (t - o) ** 2, -2.0 * (t - o)
            elif network.loss == "mean_squared_error":
                term, g = (t - o) ** 2 / n, -2.0 * (t - o) / n
            else:
                term = -(t * math.log(o) + (1 - t) * math.log(1 - o)) / n
                g = -(t / o - (1 - t) / (1 - o)) / n
            result[network.errors[k] + s] = term
            total += term
            dout.append(g)
        # back through the layers, neuron by neuron
        for l in range(len(network.layers) - 1, -1, -1):
            layer = network.layers[l]
            delta = [dout[j] * ds[l][j] for j in range(layer.size)]
            for j in range(layer.size):
                result[f"dE_d{layer.pre[j]}{s}"] = delta[j]
                for i in range(len(acts[l])):
                    grads[layer.weights[j][i]] += delta[j] * acts[l][i]
                if layer.biases:
                    grads[layer.biases[j]] += delta[j]
            dout = [sum(delta[j] * p[layer.weights[j][i]] for j in range(layer.size))
                    for i in range(len(acts[l]))]
    result[network.total_error] = total
    for name in network.parameters:
        result[f"dE_d{name}"] = grads[name]
        result[f"new_{name}"] = p[name] - float(case.learning_rate) * grads[name]
    return result


TANH_PER_NEURON = """
[network]
sizes = [2, 3, 2]
bias = "per_neuron"
loss = "mean_squared_error"
[[network.layers]]
activation = "tanh"
weights = [["a", "b"], ["b", "c"], ["d", "a"]]   # tied weights a and b
[[network.layers]]
activation = "identity"
[parameters]
a = 0.35
b = -0.8
c = 0.125
d = 1.5
w1 = 0.2
w2 = -0.45
w3 = 0.7
w4 = 0.05
w5 = -0.9
w6 = 0.33
b1_1 = 0.1
b1_2 = -0.2
b1_3 = 0.3
b2_1 = -0.05
b2_2 = 0.6
[[cases]]
inputs = [[0.5, -1.25], [2.0, 0.75]]
targets = [[0.25, -0.5], [1.0, 0.0]]
learning_rate = 0.1
"""

SIGMOID_NO_BIAS = """
[network]
sizes = [3, 2, 1]
bias = "none"
loss = "binary_cross_entropy"
activation = "sigmoid"
[parameters]
w1 = 0.4
w2 = -0.6
w3 = 0.9
w4 = 1.1
w5 = 0.25
w6 = -0.75
w7 = 1.3
w8 = -0.4
[[cases]]
inputs = [[1.0, 0.5, -0.5], [0.2, -0.3, 0.8], [-1.5, 0.0, 0.4]]
targets = [[1.0], [0.0], [0.3]]
learning_rate = 0.5
"""


@pytest.mark.parametrize("text", [TANH_PER_NEURON, SIGMOID_NO_BIAS], ids=["tanh_per_neuron", "sigmoid_no_bias"])
def test_matches_scalar_loop(text: str) -> None:
    example = load_text(text)
    expected = scalar_reference(example.network, example.cases[0])
    actual = run(example.network, example.cases[0])
    assert set(actual) == set(expected)
    for key, value in expected.items():
        assert math.isclose(actual[key], value, rel_tol=1e-12, abs_tol=1e-15), (key, actual[key], value)


# --- 3. finite differences on random networks --------------------------------------

ACTIVATION_NAMES = ["sigmoid", "tanh", "relu", "identity"]
LOSS_NAMES = ["half_squared_error", "squared_error", "mean_squared_error", "binary_cross_entropy"]
DECIMAL = st.integers(-1000, 1000).map(lambda k: f"{k / 1000:.3f}")
UNIT = st.integers(0, 1000).map(lambda k: f"{k / 1000:.3f}")


def _toml_list(values) -> str:
    return "[" + ", ".join(values) + "]"


@st.composite
def random_examples(draw):
    sizes = draw(st.lists(st.integers(1, 4), min_size=3, max_size=4))  # inputs + 2-3 layers
    loss_name = draw(st.sampled_from(LOSS_NAMES))
    bias = draw(st.sampled_from(["none", "shared", "per_neuron"]))
    activations = [draw(st.sampled_from(ACTIVATION_NAMES)) for _ in sizes[1:]]
    if loss_name == "binary_cross_entropy":
        activations[-1] = "sigmoid"
    lines = ["[network]", f"sizes = {sizes}", f'loss = "{loss_name}"', f'bias = "{bias}"']
    for activation in activations:
        lines += ["[[network.layers]]", f'activation = "{activation}"']
    lines.append("[parameters]")
    count = sum(a * b for a, b in zip(sizes, sizes[1:]))
    names = [f"w{i + 1}" for i in range(count)]
    for l, size in enumerate(sizes[1:]):
        if bias == "shared":
            names.append(f"b{l + 1}")
        elif bias == "per_neuron":
            names += [f"b{l + 1}_{j + 1}" for j in range(size)]
    lines += [f"{name} = {draw(DECIMAL)}" for name in names]
    rows = draw(st.integers(1, 3))
    target = UNIT if loss_name == "binary_cross_entropy" else DECIMAL
    inputs = [_toml_list([draw(DECIMAL) for _ in range(sizes[0])]) for _ in range(rows)]
    targets = [_toml_list([draw(target) for _ in range(sizes[-1])]) for _ in range(rows)]
    lines += ["[[cases]]", f"inputs = {_toml_list(inputs)}", f"targets = {_toml_list(targets)}",
              f"learning_rate = {draw(st.sampled_from(['0.1', '0.5', '1']))}"]
    return load_text("\n".join(lines) + "\n")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_examples())
def test_gradients_match_finite_differences(example) -> None:
    network, case = example.network, example.cases[0]
    result = run(network, case)
    suffixes = [""] if len(case.rows) == 1 else [f"_r{r + 1}" for r in range(len(case.rows))]
    for layer in network.layers:
        if layer.activation == "relu":
            assume(all(abs(result[name + s]) >= 1e-3 for name in layer.pre for s in suffixes))
    numeric = finite_difference_gradients(network, case)
    assert set(numeric) == {f"dE_d{p}" for p in network.parameters}
    for key, value in numeric.items():
        exact = result[key]
        assert abs(value - exact) <= 1e-6 * max(abs(exact), 1e-3), (key, exact, value)


# --- 4. a batch is the sum of its rows -------------------------------------------

def test_batch_is_sum_of_single_rows() -> None:
    example = load_text(TANH_PER_NEURON.replace(
        "inputs = [[0.5, -1.25], [2.0, 0.75]]", "inputs = [[0.5, -1.25], [2.0, 0.75], [-0.3, 0.9]]").replace(
        "targets = [[0.25, -0.5], [1.0, 0.0]]", "targets = [[0.25, -0.5], [1.0, 0.0], [-0.7, 0.4]]").replace(
        '"mean_squared_error"', '"half_squared_error"'))  # a per-row loss: no 1/n coupling rows
    network, batch = example.network, example.cases[0]
    assert len(batch.rows) == 3
    together = run(network, batch)
    singles = [run(network, replace(batch, rows=(row,), targets=(target,)))
               for row, target in zip(batch.rows, batch.targets)]
    assert together["E_total"] == pytest.approx(sum(s["E_total"] for s in singles), rel=1e-13)
    for name in network.parameters:
        assert together[f"dE_d{name}"] == pytest.approx(sum(s[f"dE_d{name}"] for s in singles), rel=1e-12, abs=1e-15)
    for r, single in enumerate(singles):
        for key in ("h1", "out_y2", "E1", "dE_dy1", "dE_dh3"):
            assert together[f"{key}_r{r + 1}"] == pytest.approx(single[key], rel=1e-14)


def test_relu_derivative_is_zero_at_zero() -> None:
    example = load_text("""
[network]
sizes = [1, 2, 1]
bias = "per_neuron"
loss = "half_squared_error"
[[network.layers]]
activation = "relu"
[[network.layers]]
activation = "identity"
[parameters]
w1 = 0.5
w2 = 0.5
w3 = 2.0
w4 = 3.0
b1_1 = -0.5
b1_2 = -0.25
b2_1 = 0.0
[[cases]]
inputs = [[1.0]]
targets = [[0.0]]
""")
    result = run(example.network, example.cases[0])
    assert result["h1"] == 0.0 and result["h2"] == 0.25
    assert result["y1"] == 0.75 and result["dE_dy1"] == 0.75
    assert result["dE_dh1"] == 0.0 and result["dE_dw1"] == 0.0 and result["dE_db1_1"] == 0.0  # step(0) = 0
    assert result["dE_dh2"] == 2.25 and result["dE_dw2"] == 2.25


# --- 5. a relu exactly at its kink ----------------------------------------------------

RELU_AT_KINK = """
[network]
sizes = [2, 2, 1]
bias = "none"
loss = "squared_error"
[[network.layers]]
activation = "relu"
[[network.layers]]
activation = "identity"
[parameters]
w1 = 0.5
w2 = -0.25
w3 = 0.1
w4 = 0.2
w5 = 1.5
w6 = -2
[[cases]]
inputs = [[1, 2]]
targets = [[1]]
"""


def test_a_relu_at_its_kink_is_left_out_of_the_finite_difference_check() -> None:
    """h1 = 1*0.5 + 2*(-0.25) = 0 exactly: relu'(0) = 0 by convention, the central difference sees half a slope."""
    from handcalc.check import check

    example = load_text(RELU_AT_KINK)
    network, case = example.network, example.cases[0]
    assert finite_differences(network, case)[1] == {"dE_dw1": "h1", "dE_dw2": "h1"}
    # worked out by hand: y1 = 1.5*relu(h1) - 2*relu(h2), h2 = 0.1 + 0.4 = 0.5, y1 = -1, E = (1 - y1)^2 = 4,
    # dE/dy1 = -2(1 - y1) = -4, dE/dh1 from the right = -4 * 1.5 = -6, from the left 0: the central
    # difference of dE/dw1 = x1 * (-6 + 0) / 2 = -3 (+ 1.125 h from the curvature), and the convention gives 0
    numeric = finite_difference_gradients(network, case)
    assert abs(numeric["dE_dw1"] - (-3.0)) < 1e-4 and abs(numeric["dE_dw2"] - (-6.0)) < 1e-4
    assert run(network, case)["dE_dw1"] == 0.0
    (result,) = check(example).cases
    assert result.cross_check.ok
    assert result.values["dE_dw1"] == 0 and result.values["dE_dw3"] == 8  # dE/dh2 = -4 * (-2) * 1, times x1 = 1
    assert any("h1 = 0 sits at the kink" in note and "dE_dw1, dE_dw2" in note for note in result.cross_check.notes)


def test_no_kink_no_note() -> None:
    example = load_text(RELU_AT_KINK.replace("w2 = -0.25", "w2 = -0.2"))
    assert finite_differences(example.network, example.cases[0])[1] == {}


# --- 5. rounding noise ---------------------------------------------------------------


def _noise_by_definition(network, case, trials: int = 3) -> dict[str, float]:
    """`rounding_noise` as its docstring defines it, through `run` on whole moved cases of exact Fractions: every
    number moved by u ulps-ish, u from Random(0) in the parameters', inputs', targets' and rate's order."""
    import random
    from fractions import Fraction

    rng = random.Random(0)
    eps = 2.0 ** -52

    def moved(value) -> Fraction:
        return Fraction(float(value) * (1 + eps * rng.uniform(-2, 2)))

    base = run(network, case)
    noise = dict.fromkeys(base, 0.0)
    for _ in range(trials):
        other = replace(case, parameters={name: moved(case.parameters[name]) for name in network.parameters},
                        rows=tuple(tuple(moved(v) for v in row) for row in case.rows),
                        targets=tuple(tuple(moved(v) for v in row) for row in case.targets),
                        learning_rate=moved(case.learning_rate))
        for name, value in run(network, other).items():
            noise[name] = max(noise[name], abs(value - base[name]))
    return noise


@pytest.mark.parametrize("text", [TANH_PER_NEURON, SIGMOID_NO_BIAS], ids=["tanh_per_neuron", "sigmoid_no_bias"])
def test_rounding_noise_is_what_moved_cases_give(text: str) -> None:
    from handcalc.floats.vectorized import rounding_noise

    example = load_text(text)
    network, case = example.network, example.cases[0]
    noise = rounding_noise(network, case)
    assert noise == _noise_by_definition(network, case)
    # a value moves by some ulps of itself when every number moves by 2: never 0 for all, never a whole percent
    assert any(value > 0 for value in noise.values())
    base = run(network, case)
    assert all(noise[name] <= 1e-12 * max(1.0, abs(base[name])) for name in base)
