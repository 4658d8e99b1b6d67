"""Softmax, categorical cross-entropy and the newer activations, against independent paths.

1. every activation's derivative entry = `sympy.diff` of its function (softmax: its Jacobian);
2. chain rule = `sympy.diff` for softmax + cross-entropy networks of several sizes, one row
   (online) and several (batch), with and without biases; the simplified dE/dz = (out - T)/rows
   equals the long form exactly;
3. random softmax networks (hypothesis): exact = NumPy = finite differences, near-saturated logits too;
4. logits of +-1000: float64 agrees where it can hold the value, and says where it cannot;
5. the 2-3-3 worked example against a plain mpmath loop written here (no handcalc code);
6. bad input: targets that are not probability vectors, cross-entropy without softmax, a stray slope.
"""

from __future__ import annotations

import random
import re
import shutil
import subprocess
import tomllib
from decimal import Decimal
from pathlib import Path

import mpmath
import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from handcalc.check import check
from handcalc.exact.derivation import derive, symbol
from handcalc.functions import ACTIVATIONS, LOSSES, softmax, softmax_backward, softmax_jacobian
from handcalc.exact.values import evaluate, given_values
from handcalc.floats import vectorized
from handcalc.floats.replay import _Ops
from handcalc.read.loader import load_file, load_text
from handcalc.read.reader import InputError

EXAMPLE = Path(__file__).parent / "data" / "softmax_2_3_3.toml"


# --- helpers ------------------------------------------------------------------------------

def _text(k: int, scale: int = 1000) -> str:
    """k/scale as decimal text, never through float."""
    return str(Decimal(k) / Decimal(scale))


def _names(sizes: list[int], bias: str) -> list[str]:
    """The loader's documented default parameter names."""
    count = sum(a * b for a, b in zip(sizes, sizes[1:]))
    names = [f"w{i + 1}" for i in range(count)]
    for l, size in enumerate(sizes[1:]):
        names += {"none": [], "shared": [f"b{l + 1}"], "per_neuron": [f"b{l + 1}_{j + 1}" for j in range(size)]}[bias]
    return names


def _probabilities(rng: random.Random, size: int) -> list[str]:
    """A probability vector with two-decimal entries summing to exactly 1 (one-hot half the time)."""
    if rng.random() < 0.5:
        hot = rng.randrange(size)
        return ["1" if k == hot else "0" for k in range(size)]
    cuts = sorted(rng.randint(0, 100) for _ in range(size - 1))
    parts = [b - a for a, b in zip([0] + cuts, cuts + [100])]
    return [_text(p, 100) for p in parts]


def softmax_network(sizes: list[int], hidden: list[str], bias: str, rows: int, seed: int, scale: int = 1,
                    slope: str | None = None, loss: str = "cross_entropy") -> str:
    """A worked-example file: hidden activations as given, a softmax output layer, probability targets."""
    rng = random.Random(seed)
    lines = ["[network]", f"sizes = {sizes}", f'loss = "{loss}"', f'bias = "{bias}"']
    if slope is not None:
        lines.append(f"slope = {slope}")
    for activation in hidden + ["softmax"]:
        lines += ["[[network.layers]]", f'activation = "{activation}"']
    lines.append("[parameters]")
    lines += [f"{name} = {_text(rng.randint(-900, 900) * scale)}" for name in _names(sizes, bias)]
    inputs = [[_text(rng.randint(-1000, 1000)) for _ in range(sizes[0])] for _ in range(rows)]
    targets = [_probabilities(rng, sizes[-1]) for _ in range(rows)]
    lines += ["[[cases]]",
              "inputs = [" + ", ".join("[" + ", ".join(row) + "]" for row in inputs) + "]",
              "targets = [" + ", ".join("[" + ", ".join(row) + "]" for row in targets) + "]",
              "learning_rate = 0.1"]
    return "\n".join(lines) + "\n"


# --- 1. the derivative table ----------------------------------------------------------------

POINTS = [sympy.Rational(k, 7) for k in (-20, -3, -1, 2, 5, 19)]  # never 0: no point on a kink


@pytest.mark.parametrize("name", sorted(n for n, a in ACTIVATIONS.items() if a.default is not None))
def test_derivative_entries_with_a_declared_constant_are_sympy_diff(name: str) -> None:
    """test_functions checks every entry at its default constant; here other constants too."""
    activation = ACTIVATIONS[name]
    z = sympy.Symbol("z", real=True)
    for a in (sympy.Rational(1, 5), sympy.Rational(-3, 2), sympy.Rational(7, 3)):
        f = activation.function(z, a)
        reference = sympy.diff(f, z)
        for point in POINTS:
            ours = activation.derivative(z, f, a).xreplace({z: point})
            theirs = reference.xreplace({z: point})
            assert abs(sympy.N(ours - theirs, 40)) < sympy.Float("1e-35"), (name, a, point)


def test_leaky_relu_and_elu_known_values() -> None:
    """Pinned by hand: leaky_relu(-2) = -0.02 and slope 0.01 below 0; elu(-1) = e^-1 - 1; softplus(0) = ln 2."""
    leaky, elu, softplus = ACTIVATIONS["leaky_relu"], ACTIVATIONS["elu"], ACTIVATIONS["softplus"]
    assert leaky.function(sympy.Integer(-2)) == sympy.Rational(-2, 100)
    assert leaky.function(sympy.Integer(3)) == 3
    assert leaky.derivative(sympy.Integer(0), sympy.Integer(0)) == sympy.Rational(1, 100)  # from the left at the kink
    assert sympy.simplify(elu.function(sympy.Integer(-1)) - (sympy.exp(-1) - 1)) == 0
    assert elu.function(sympy.Integer(-1), sympy.Rational(1, 2)) == (sympy.exp(-1) - 1) / 2
    assert sympy.simplify(softplus.function(sympy.Integer(0)) - sympy.log(2)) == 0
    assert leaky.has_kink() and not elu.has_kink() and elu.has_kink(sympy.Rational(1, 2))


def test_softmax_jacobian_is_sympy_diff() -> None:
    zs = sympy.symbols("z1:5", real=True)
    outs = [softmax(list(zs), j) for j in range(4)]
    point = {z: sympy.Rational(k, 3) for z, k in zip(zs, (2, -1, 5, 0))}
    for i in range(4):
        for j in range(4):
            ours = softmax_jacobian(outs, i, j).xreplace(point)
            theirs = sympy.diff(outs[i], zs[j]).xreplace(point)
            assert abs(sympy.N(ours - theirs, 40)) < sympy.Float("1e-35"), (i, j)
    # the array form the replay runs: dE/dz = J^T dE/dout, against the Jacobian entries
    out = np.array([[float(sympy.N(o.xreplace(point), 30)) for o in outs]])
    g = np.array([[0.5, -1.25, 2.0, 0.125]])
    by_entries = [sum(g[0, i] * float(sympy.N(softmax_jacobian(outs, i, j).xreplace(point), 30)) for i in range(4))
                  for j in range(4)]
    assert np.allclose(softmax_backward(out, g)[0], by_entries, rtol=1e-14, atol=0)


def test_softmax_on_arrays_is_max_shifted() -> None:
    """Logits of 1000: a naive e^z overflows; the shifted form gives e^0/(e^0 + e^-1000 + e^-2000)."""
    z = np.array([[1000.0, 0.0, -1000.0]])
    out = ACTIVATIONS["softmax"].on_array(z, _Ops(False))
    assert out[0, 0] == 1.0 and out[0, 1] == pytest.approx(float(mpmath.exp(-1000)), rel=1e-12, abs=0)
    loss = LOSSES["cross_entropy"].on_logits(z, np.array([[0.0, 0.0, 1.0]]), 1, _Ops(False))
    assert loss == pytest.approx(2000.0, rel=1e-15)  # -ln softmax(z)_3 = 2000 + ln(1 + e^-1000 + e^-2000)


# --- 2. chain rule = sympy.diff ------------------------------------------------------------------

NETWORKS = {
    "2_3_per_neuron_online": ([2, 3], [], "per_neuron", 1),
    "2_2_3_tanh_no_bias_batch": ([2, 2, 3], ["tanh"], "none", 2),
    "3_2_4_sigmoid_shared_online": ([3, 2, 4], ["sigmoid"], "shared", 1),
    "2_2_2_leaky_per_neuron_batch": ([2, 2, 2], ["leaky_relu"], "per_neuron", 2),
    "1_2_2_elu_shared_online": ([1, 2, 2], ["elu"], "shared", 1),
    "1_2_2_softplus_per_neuron_batch_of_3": ([1, 2, 2], ["softplus"], "per_neuron", 3),
}


@pytest.mark.parametrize("name", sorted(NETWORKS))
def test_softmax_cross_entropy_chain_rule_is_sympy_diff(name: str) -> None:
    sizes, hidden, bias, rows = NETWORKS[name]
    example = load_text(softmax_network(sizes, hidden, bias, rows, seed=len(name), slope=None))
    network = example.network
    derivation = derive(network, rows)
    total = derivation.expand(network.total_error)
    rng = random.Random(name)
    symbols = {n: symbol(n) for n in derivation.given}
    point = {}
    for given_symbol in symbols.values():
        point[given_symbol] = sympy.Rational(rng.randint(-1000, 1000), 997)
    for r in range(rows):  # targets: a probability vector per row, as the loader demands
        s = "" if rows == 1 else f"_r{r + 1}"
        weights = [rng.randint(0, 5) for _ in network.targets]
        weights[0] += 1
        for t, w in zip(network.targets, weights):
            point[symbols[t + s]] = sympy.Rational(w, sum(weights))
    data = {s: value for s, value in point.items() if s.name not in network.parameters}
    total = total.xreplace(data)  # inputs and targets in first: a smaller expression to differentiate
    weights = [symbols[p] for p in network.parameters]
    at = [mpmath.mpf(point[w].p) / point[w].q for w in weights]
    mpmath.mp.dps = 50
    for parameter in network.parameters:
        # both sides evaluated by mpmath at 50 digits (much faster than sympy.N on these trees)
        ours = sympy.lambdify(weights, derivation.expand(f"dE_d{parameter}").xreplace(data), "mpmath")(*at)
        theirs = sympy.lambdify(weights, sympy.diff(total, symbols[parameter]), "mpmath")(*at)
        assert abs(ours - theirs) < mpmath.mpf("1e-40") * max(1, abs(theirs)), (parameter, ours, theirs)


@pytest.mark.parametrize("rows", [1, 2])
def test_simplified_delta_equals_the_long_form_exactly(rows: int) -> None:
    """Symbolically: the long form minus (out - T)/rows is zero once the targets sum to 1."""
    example = load_text(softmax_network([2, 3], [], "per_neuron", rows, seed=5))
    derivation = derive(example.network, rows)
    outs = example.network.layers[-1].post
    for r in range(rows):
        s = "" if rows == 1 else f"_r{r + 1}"
        targets = [symbol(t + s) for t in example.network.targets]
        last = {targets[-1]: 1 - sum(targets[:-1])}
        for pre in example.network.layers[-1].pre:
            long = derivation.expand(f"dE_d{pre}{s}").xreplace(last)
            short = derivation.expand(f"dE_d{pre}{s}_simplified").xreplace(last)
            assert sympy.simplify(long - short) == 0, pre
        assert {f"dE_d{pre}{s}_simplified" for pre in example.network.layers[-1].pre} <= set(derivation.by_name)
    assert outs  # the output layer has neurons


# --- 3. exact = NumPy = finite differences ---------------------------------------------------------

@st.composite
def softmax_networks(draw) -> str:
    hidden_count = draw(st.integers(0, 2))
    sizes = [draw(st.integers(1, 3))] + [draw(st.integers(1, 3)) for _ in range(hidden_count)] + \
        [draw(st.integers(2, 4))]
    scale = draw(st.sampled_from([1, 1, 10, 40]))  # 40: weights up to 36, logits far into saturation
    # (not behind a saturated sigmoid or tanh: float64's 1 - out loses the digits the test would compare)
    choices = ["leaky_relu", "softplus", "elu", "identity"] + (["sigmoid", "tanh"] if scale < 40 else [])
    hidden = [draw(st.sampled_from(choices)) for _ in range(hidden_count)]
    bias = draw(st.sampled_from(["none", "shared", "per_neuron"]))
    return softmax_network(sizes, hidden, bias, draw(st.integers(1, 2)), draw(st.integers(0, 10**6)), scale)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(softmax_networks())
def test_exact_values_agree_with_numpy_and_finite_differences(text: str) -> None:
    example = load_text(text)
    network, case = example.network, example.cases[0]
    derivation = derive(network, len(case.rows))
    exact = evaluate(derivation, given_values(derivation, case))
    suffixes = [""] if len(case.rows) == 1 else [f"_r{r + 1}" for r in range(len(case.rows))]
    for layer in network.layers:
        if layer.activation in ("leaky_relu", "elu"):
            assume(all(abs(exact[pre + s]) > sympy.Rational(1, 1000) for pre in layer.pre for s in suffixes))
    numpy_values = vectorized.run(network, case)
    assert {f"dE_d{p}" for p in network.parameters} <= set(numpy_values)
    for key, value in numpy_values.items():
        reference = float(exact[key])
        # float64 loses digits in 1 - out of a saturated sigmoid hidden neuron: absolute below 1e-5
        assert abs(value - reference) <= 1e-9 * max(abs(reference), 1e-5), (key, reference, value)
    loss = float(exact[network.total_error])
    for key, numeric in vectorized.finite_difference_gradients(network, case).items():
        reference = float(exact[key])
        # the central difference's rounding error grows with the loss itself (eps*|E|/h)
        assert abs(numeric - reference) <= 1e-5 * max(abs(reference), 1e-3 * max(1.0, loss)), (key, reference, numeric)


# --- 4. logits of +-1000 ---------------------------------------------------------------------------

SATURATED = """
[network]
sizes = [1, 3]
activation = "softmax"
loss = "cross_entropy"
bias = "per_neuron"
[parameters]
w1 = 1000
w2 = -1000
w3 = 0
b1_1 = 0
b1_2 = 0
b1_3 = 0
[[cases]]
inputs = [[1]]
targets = [[0, 1, 0]]
learning_rate = 0.1
"""


def test_logits_of_plus_minus_1000_agree_or_are_flagged() -> None:
    """out_y2 = e^-2000/(e^1000 + e^-1000 + 1) ~ 1e-1303: float64 holds 0; the loss 2000 it holds exactly."""
    example = load_text(SATURATED)
    result = check(example)
    case = result.cases[0]
    exact = case.values
    mpmath.mp.dps = 60
    denominator = mpmath.exp(1000) + mpmath.exp(-1000) + 1
    assert abs(exact["E_total"] - sympy.Float(str(-mpmath.log(mpmath.exp(-1000) / denominator)), 60)) < 1e-40
    assert abs(float(exact["E_total"]) - 2000.0) < 1e-9  # ln(e^1000 + e^-1000 + 1) + 1000
    numpy_values = vectorized.run(example.network, example.cases[0])
    assert numpy_values["E_total"] == pytest.approx(2000.0, rel=1e-15)  # log-sum-exp: finite
    assert numpy_values["out_y2"] == 0.0 and exact["out_y2"] > 0  # the true value is below float64's range
    assert numpy_values["dE_dw1"] == pytest.approx(1.0, rel=1e-15)  # (out_y1 - 0)*x, out_y1 ~ 1
    assert numpy_values["dE_dw2"] == pytest.approx(-1.0, rel=1e-15)
    assert case.cross_check.ok, case.cross_check
    notes = " ".join(case.cross_check.notes)
    assert "out_y2" in notes and "is exactly 0.0 in float64" in notes and "log-sum-exp" in notes


# --- 5. the 2-3-3 worked example, recomputed here ---------------------------------------------------

def reference() -> dict[str, mpmath.mpf]:
    """The worked example's quantities by a plain mpmath loop: relu hidden layer, softmax, mean cross-entropy."""
    mpmath.mp.dps = 50
    data = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"), parse_float=str)
    p = {k: mpmath.mpf(str(v)) for k, v in data["parameters"].items()}
    case = data["cases"][0]
    xs = [[mpmath.mpf(str(v)) for v in row] for row in case["inputs"]]
    ts = [[mpmath.mpf(str(v)) for v in row] for row in case["targets"]]
    eta = mpmath.mpf(str(case["learning_rate"]))
    w1 = [[p[f"w{2 * j + i + 1}"] for i in range(2)] for j in range(3)]
    w2 = [[p[f"w{6 + 3 * k + j + 1}"] for j in range(3)] for k in range(3)]
    b1, b2 = [p[f"b1_{j + 1}"] for j in range(3)], [p[f"b2_{k + 1}"] for k in range(3)]
    rows = len(xs)
    v: dict[str, mpmath.mpf] = {"E_total": mpmath.mpf(0)}
    grad = {name: mpmath.mpf(0) for name in p}
    for r, (x, t) in enumerate(zip(xs, ts)):
        s = f"_r{r + 1}"
        h = [w1[j][0] * x[0] + w1[j][1] * x[1] + b1[j] for j in range(3)]
        a = [max(mpmath.mpf(0), value) for value in h]
        y = [sum(w2[k][j] * a[j] for j in range(3)) + b2[k] for k in range(3)]
        e = [mpmath.exp(value) for value in y]
        out = [value / sum(e) for value in e]
        v["E_total"] += -sum(t[k] * mpmath.log(out[k]) for k in range(3)) / rows
        dy = [(out[k] - t[k]) / rows for k in range(3)]
        dh = [sum(dy[k] * w2[k][j] for k in range(3)) * (1 if h[j] > 0 else 0) for j in range(3)]
        for k in range(3):
            v[f"y{k + 1}{s}"], v[f"out_y{k + 1}{s}"], v[f"dE_dy{k + 1}{s}"] = y[k], out[k], dy[k]
            v[f"h{k + 1}{s}"] = h[k]
            for i in range(3):
                v[f"dout_y{i + 1}{s}_dy{k + 1}{s}"] = out[i] * ((1 if i == k else 0) - out[k])
            grad[f"b2_{k + 1}"] += dy[k]
            grad[f"b1_{k + 1}"] += dh[k]
            for j in range(3):
                grad[f"w{6 + 3 * k + j + 1}"] += dy[k] * a[j]
            for i in range(2):
                grad[f"w{2 * k + i + 1}"] += dh[k] * x[i]
    for name, value in grad.items():
        v[f"dE_d{name}"] = value
        v[f"new_{name}"] = p[name] - eta * value
    return v


def _rounds_to(value: mpmath.mpf, stated: str) -> bool:
    places = -Decimal(stated).as_tuple().exponent
    return abs(value - mpmath.mpf(stated)) <= mpmath.mpf(1) / 2 / 10**places


def test_worked_example_every_stated_number_is_the_mpmath_value_but_the_planted_one() -> None:
    data = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"), parse_float=str)
    v = reference()
    for claim in data["claims"]:
        if "quantity" not in claim:
            continue
        fits = _rounds_to(v[claim["quantity"]], claim["stated"])
        assert fits == (claim["quantity"] != "dE_dy1_r1"), claim
    # the planted slip: out_y1_r1 - T1_r1 without the mean over the two rows
    assert _rounds_to(2 * v["dE_dy1_r1"], "-0.6017")
    outputs = next(c for c in data["claims"] if c.get("array") == "outputs")["stated"]
    for r, row in enumerate(outputs):
        assert abs(sum(mpmath.mpf(t) for t in row) - 1) < mpmath.mpf("0.0002")
        for k, text in enumerate(row):
            assert _rounds_to(v[f"out_y{k + 1}_r{r + 1}"], text)


def test_worked_example_verdicts() -> None:
    result = check(load_file(EXAMPLE))
    verdicts = {v.claim.id: v for v in result.verdicts}
    planted = verdicts["dE_dy1_r1"]
    assert planted.verdict == "wrong"
    assert "a factor 1/2 missing" in planted.explanation
    assert all(v.verdict == "correct" for name, v in verdicts.items() if name != "dE_dy1_r1"), verdicts
    assert result.exit_code == 1
    assert result.cases[0].cross_check.ok


def test_worked_example_values_match_mpmath_everywhere() -> None:
    result = check(load_file(EXAMPLE))
    values = result.cases[0].values
    for name, value in reference().items():
        assert abs(sympy.Float(values[name], 50) - sympy.Float(str(value), 50)) < sympy.Float("1e-40"), name


# --- 6. bad input ---------------------------------------------------------------------------------

def _problems(text: str) -> str:
    with pytest.raises(InputError) as raised:
        load_text(text, "net.toml")
    return str(raised.value)


def test_targets_must_be_probability_vectors() -> None:
    text = softmax_network([2, 3], [], "none", 1, seed=1).replace("targets = [", "targets = [[0.5, 0.4, 0.2]] #")
    assert "[cases[0].targets[0]] cross_entropy needs each target row to be a probability vector summing to 1" \
        in _problems(text)
    negative = softmax_network([2, 3], [], "none", 1, seed=1).replace("targets = [", "targets = [[1.5, -0.5, 0]] #")
    assert "cross_entropy needs targets in [0, 1], found -0.5" in _problems(negative)


def test_cross_entropy_needs_a_softmax_output() -> None:
    text = softmax_network([2, 2, 3], ["tanh"], "none", 1, seed=2).replace('activation = "softmax"',
                                                                           'activation = "sigmoid"')
    assert ("[network.loss] cross_entropy needs outputs that are probabilities summing to 1: the output layer's "
            "activation must be softmax, found sigmoid") in _problems(text)


def test_a_slope_on_an_activation_without_one_is_refused() -> None:
    text = softmax_network([2, 2, 3], ["tanh"], "none", 1, seed=3).replace(
        'activation = "tanh"', 'activation = "tanh"\nslope = 0.2')
    assert "[network.layers[0].slope] a slope is given but tanh takes none" in _problems(text)


def test_a_declared_slope_reaches_every_path() -> None:
    """leaky_relu with slope 0.2 on a negative pre-activation: out = 0.2*z, exact = NumPy = by hand."""
    text = softmax_network([1, 1, 2], ["leaky_relu"], "none", 1, seed=4, slope="0.2")
    text = text.replace("w1 = ", "w1 = -0.5 #").replace("inputs = [", "inputs = [[2]] #")
    example = load_text(text)
    assert example.network.layers[0].slope == sympy.Rational(1, 5)
    values = check(example).cases[0].values
    assert values["h1"] == -1 and values["out_h1"] == sympy.Rational(-1, 5)
    assert values["dout_h1_dh1"] == sympy.Rational(1, 5)
    assert vectorized.run(example.network, example.cases[0])["out_h1"] == pytest.approx(-0.2, rel=1e-15)


# --- 7. every format shows the Jacobian's factors ----------------------------------------------------

@pytest.mark.parametrize("fmt", ["text", "markdown", "latex", "html", "json"])
def test_every_format_shows_the_softmax_jacobian_factors(fmt: str) -> None:
    from handcalc.output.jsonreport import to_json
    from handcalc.output.report import render

    result = check(load_file(EXAMPLE))
    out = "" if fmt == "json" else render(result, fmt)
    if fmt == "json":
        values = to_json(result)["values"]
        # dout_y1/dy2 of row 1 = -out_y1*out_y2, by the mpmath loop
        assert mpmath.mpf(values["dout_y1_r1_dy2_r1"]) == pytest.approx(
            reference()["dout_y1_r1_dy2_r1"], rel=1e-18)
        assert {"dE_dy1_r1_simplified", "dout_y3_r2_dy1_r2"} <= set(values)
        return
    if fmt == "markdown":  # Markdown escapes the underscores of names outside code spans
        out = out.replace(r"\_", "_")
    out = out.replace(r"\allowbreak{}", "")  # LaTeX's break points inside long names
    escape = (lambda text: text.replace("_", r"\_")) if fmt == "latex" else (lambda text: text)
    for name in ("dout_y1_r1_dy2_r1", "dout_y2_r1_dy2_r1", "dE_dy1_r1_simplified"):
        assert escape(name) in out, (fmt, name)
    # each Jacobian entry with its formula, and the report notes the simplification
    if fmt == "latex":  # typeset: names as out_{y1 r1}
        assert r"out_{y1 r1} \cdot out_{y2 r1}" in out and r"1 - out_{y1 r1}" in out
    else:
        assert "-out_y2_r1*out_y1_r1" in out and "out_y1_r1*(1 - out_y1_r1)" in out
    assert "Softmax with cross-entropy" in out and "simplifies to" in out


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="no LaTeX toolchain")
def test_softmax_report_latex_compiles(tmp_path) -> None:
    from handcalc.output.report import render

    (tmp_path / "report.tex").write_text(render(check(load_file(EXAMPLE)), "latex"), encoding="utf-8")
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "report.tex"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout[-3000:]


def _jacobian_rows() -> list[tuple[str, str, str]]:
    """Row 1's nine Jacobian entries: (name, formula as the text report writes it, value), by the mpmath loop."""
    v = reference()
    rows = []
    for i in range(1, 4):
        for j in range(1, 4):
            name = f"dout_y{i}_r1_dy{j}_r1"
            formula = (f"out_y{i}_r1*(1 - out_y{i}_r1)" if i == j else f"-out_y{i}_r1*out_y{j}_r1")
            rows.append((name, formula, mpmath.nstr(v[name], 12, strip_zeros=False)))
    return rows


def _close(text: str, value: str) -> bool:
    """`text` is the value to its 12 significant digits, as the report rounds it (the last digit may differ by 1)."""
    return abs(mpmath.mpf(text) - mpmath.mpf(value)) <= 1.01 * 10 ** (mpmath.floor(mpmath.log10(abs(
        mpmath.mpf(value)))) - 11)


def test_jacobian_factors_read_as_rows_in_every_real_renderer(tmp_path) -> None:
    """Each entry is one row: its name, its formula and its value, in the text table, GitHub's Markdown
    renderer, an HTML parser, the typeset PDF and the JSON report."""
    from test_formats import _compile, _parse
    from handcalc.output.jsonreport import to_json
    from handcalc.output.report import render

    result = check(load_file(EXAMPLE))
    entries = _jacobian_rows()
    blocks = {block.split("\n")[0]: block for block in render(result, "text").split("\n\n")
              if "\n  formula" in block}  # the derivation's blocks (the claims' blocks have no formula)
    def derivation_rows(page: str) -> dict[str, list[str]]:  # the tables whose second column is the formula
        return {cells[0]: cells for table in _parse(page).tables if table[0][1][1:2] == ["formula"]
                for _, cells, _ in table[1:]}

    html_rows = derivation_rows(render(result, "html"))
    cmarkgfm = pytest.importorskip("cmarkgfm")
    md_rows = derivation_rows(cmarkgfm.github_flavored_markdown_to_html(render(result, "markdown")))
    values = to_json(result)["values"]
    for name, formula, value in entries:
        block = blocks[name]  # text: the name, then its formula, numbers and value, one per line
        assert f"formula              {formula}" in block and _close(block.split("value")[1].split()[0], value)
        for rows in (html_rows, md_rows):  # name | formula | numbers substituted | value
            cells = rows[name]
            assert cells[1] == formula and _close(cells[3], value), (name, cells)
        assert mpmath.mpf(values[name]) == pytest.approx(mpmath.mpf(value), rel=1e-11)
    if shutil.which("pdflatex") and shutil.which("pdftotext"):
        log, layout = _compile(str(EXAMPLE), tmp_path)
        assert "Overfull" not in log
        lines = layout.splitlines()
        for name, _, value in entries:  # typeset as the fraction dout_yi r1 over dyj r1, the value on its top line
            i, j = name[6], name[13]
            top = next(line for line, below in zip(lines, lines[1:])
                       if line.split()[:3] == ["dout", f"y{i}", "r1"] and below.split()[:2] == [f"dy{j}", "r1"])
            numbers = [token.replace("\u2212", "-") for token in top.split()]
            assert any(_close(token, value) for token in numbers if re.fullmatch(r"-?\d+\.\d+", token)), top


# --- 8. one row's probability vector, as a text states it ---------------------------------------------

def _with_claim(claim: str) -> str:
    return EXAMPLE.read_text(encoding="utf-8") + "\n[[claims]]\nid = \"probabilities\"\n" + claim


def test_one_rows_probability_vector_is_judged_entry_by_entry() -> None:
    v = reference()
    digits = [mpmath.nstr(v[f"out_y{k}_r2"], 2 + k, strip_zeros=False) for k in (1, 2, 3)]  # each its own digits
    good = load_text(_with_claim(f'kind = "array"\narray = "outputs"\nrow = 2\nstated = [{", ".join(digits)}]\n'))
    verdict = next(v for v in check(good).verdicts if v.claim.id == "probabilities")
    assert verdict.verdict == "correct", verdict.explanation
    from handcalc.output.report import render

    assert f"outputs row 2 = [{', '.join(digits)}]" in render(check(good), "text")
    off = list(digits)
    off[1] = mpmath.nstr(v["out_y2_r2"] + mpmath.mpf("0.01"), 3 + 1, strip_zeros=False)
    bad = load_text(_with_claim(f'kind = "array"\narray = "outputs"\nrow = 2\nstated = [{", ".join(off)}]\n'))
    verdict = next(v for v in check(bad).verdicts if v.claim.id == "probabilities")
    assert verdict.verdict == "wrong" and verdict.explanation.startswith("outputs row 2: [0][1] is ")
    assert f"not {off[1]}" in verdict.explanation and "[0][0]" not in verdict.explanation


@pytest.mark.parametrize("claim, key, message", [
    ('kind = "array"\narray = "outputs"\nrow = 3\nstated = [0.2, 0.3, 0.5]\n', "row", "has no row 3"),
    ('kind = "array"\narray = "outputs"\nrow = 1\nstated = [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]]\n', "stated",
     "a claim on one row states one row of numbers, found 2 rows"),
    ('kind = "array"\narray = "W2"\nrow = 4\nstated = [0.2, 0.3, 0.5]\n', "row", "W2 has 3 rows, not 4"),
    ('kind = "array"\narray = "outputs"\nrow = 0\nstated = [0.2, 0.3, 0.5]\n', "row", "a row (1-based)"),
])
def test_a_row_the_array_lacks_is_a_clear_error(claim: str, key: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        load_text(_with_claim(claim), "softmax.toml")
    problem = next(p for p in caught.value.problems if p.key.endswith(f".{key}"))
    assert message in problem.message and problem.line is not None, problem
