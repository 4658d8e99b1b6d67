"""The symbolic derivation against independent paths.

1. every chain-rule gradient equals `sympy.diff` of the expanded total error;
2. the chain products have the factors a tutorial writes;
3. the number of steps grows linearly with the number of weights;
4. random networks: exact values = NumPy path = finite differences, >= 30 digits;
5. tutorial1 pinned to the tutorial's own numbers and to a hand-coded mpmath chain rule;
6. a 3-4-2 tanh worked example whose stated numbers come from mpmath, not handcalc.
"""

from __future__ import annotations

import random
import time
import tomllib
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import mpmath
import pytest
import sympy
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from handcalc.floats import vectorized
from handcalc.check import check
from handcalc.exact.derivation import derive, symbol
from handcalc.read.loader import load_file, load_text
from handcalc.exact.values import evaluate, given_values

ROOT = Path(__file__).parent.parent
TUTORIAL1 = ROOT / "worked_examples" / "tutorial1.toml"
TANH342 = Path(__file__).parent / "data" / "tanh_3_4_2.toml"


# --- helpers: worked-example TOML built from plain data ---------------------------

def parameter_names(sizes: list[int], bias: str) -> list[str]:
    """The loader's documented default names: w1.. row by row, then b{l} or b{l}_{j}."""
    count = sum(a * b for a, b in zip(sizes, sizes[1:]))
    names = [f"w{i + 1}" for i in range(count)]
    for l, size in enumerate(sizes[1:]):
        if bias == "shared":
            names.append(f"b{l + 1}")
        elif bias == "per_neuron":
            names += [f"b{l + 1}_{j + 1}" for j in range(size)]
    return names


def network_toml(sizes: list[int], activations: list[str], loss: str, bias: str,
                 parameters: dict[str, str], inputs: list[list[str]], targets: list[list[str]],
                 learning_rate: str = "0.5") -> str:
    """Return a worked-example file for a network with default names."""
    lines = ["[network]", f"sizes = {sizes}", f'loss = "{loss}"', f'bias = "{bias}"']
    for activation in activations:
        lines += ["[[network.layers]]", f'activation = "{activation}"']
    lines.append("[parameters]")
    lines += [f"{name} = {value}" for name, value in parameters.items()]
    lines += ["[[cases]]",
              "inputs = [" + ", ".join("[" + ", ".join(row) + "]" for row in inputs) + "]",
              "targets = [" + ", ".join("[" + ", ".join(row) + "]" for row in targets) + "]",
              f"learning_rate = {learning_rate}"]
    return "\n".join(lines) + "\n"


def _decimal_text(k: int) -> str:
    """k/1000 as decimal text without passing through float: 1250 -> '1.25'."""
    sign = "-" if k < 0 else ""
    whole, frac = divmod(abs(k), 1000)
    digits = f"{frac:03d}".rstrip("0") or "0"
    return f"{sign}{whole}.{digits}"


def _fixed_network(sizes, activations, loss, bias, rows=1, seed=0) -> str:
    rng = random.Random(seed)
    params = {n: _decimal_text(rng.randint(-900, 900)) for n in parameter_names(sizes, bias)}
    inputs = [[_decimal_text(rng.randint(-1000, 1000)) for _ in range(sizes[0])] for _ in range(rows)]
    low = 0 if loss == "binary_cross_entropy" else -1000
    targets = [[_decimal_text(rng.randint(low, 1000)) for _ in range(sizes[-1])] for _ in range(rows)]
    return network_toml(sizes, activations, loss, bias, params, inputs, targets)


# --- 1. chain rule = sympy.diff ---------------------------------------------------------

TIED_WEIGHTS = """
[network]
sizes = [2, 3, 2]
bias = "per_neuron"
loss = "half_squared_error"
[[network.layers]]
activation = "tanh"
weights = [["a", "b"], ["b", "c"], ["d", "a"]]   # a and b in two places each
[[network.layers]]
activation = "sigmoid"
weights = [["a", "k", "f"], ["g", "h", "b"]]     # ... and again in the output layer
[parameters]
a = 0.35
b = -0.8
c = 0.125
d = 1.5
k = 0.2
f = -0.45
g = 0.7
h = 0.05
b1_1 = 0.1
b1_2 = -0.2
b1_3 = 0.3
b2_1 = -0.05
b2_2 = 0.6
[[cases]]
inputs = [[0.5, -1.25]]
targets = [[0.25, 0.5]]
learning_rate = 0.1
"""

CHAIN_RULE_NETWORKS = {
    "tutorial1": lambda: load_file(TUTORIAL1),
    "tanh_3_4_2_mse_per_neuron": lambda: load_file(TANH342),
    "sigmoid_2_3_1_bce_no_bias": lambda: load_text(_fixed_network(
        [2, 3, 1], ["sigmoid", "sigmoid"], "binary_cross_entropy", "none", seed=1)),
    "relu_identity_2_2_2_1_se": lambda: load_text(_fixed_network(
        [2, 2, 2, 1], ["relu", "identity", "sigmoid"], "squared_error", "per_neuron", seed=2)),
    "sigmoid_2_2_2_mse_batch_of_2": lambda: load_text(_fixed_network(
        [2, 2, 2], ["sigmoid", "sigmoid"], "mean_squared_error", "shared", rows=2, seed=3)),
    "tied_weights_across_layers": lambda: load_text(TIED_WEIGHTS),
}


def _random_point(derivation, rng: random.Random, positive: bool) -> dict[sympy.Symbol, sympy.Rational]:
    low = 1 if positive else -1000
    return {symbol(name): sympy.Rational(rng.randint(low, 1000), 1009) for name in derivation.given}


def _relu_kinks(example, derivation, point) -> bool:
    """True if some relu pre-activation is exactly zero at the point (sympy.diff says 1/2 there)."""
    suffixes = [""] if derivation.rows == 1 else [f"_r{r + 1}" for r in range(derivation.rows)]
    return any(derivation.expand(pre + s).xreplace(point) == 0
               for layer in example.network.layers if layer.activation == "relu"
               for pre in layer.pre for s in suffixes)


@pytest.mark.parametrize("name", sorted(CHAIN_RULE_NETWORKS))
def test_chain_rule_equals_sympy_diff(name: str) -> None:
    example = CHAIN_RULE_NETWORKS[name]()
    network = example.network
    derivation = derive(network, len(example.cases[0].rows))
    total = derivation.expand(network.total_error)
    given_symbols = {symbol(n) for n in derivation.given}
    assert total.free_symbols <= given_symbols
    rng = random.Random(name)
    points = []
    while len(points) < 3:
        point = _random_point(derivation, rng, positive=not points)  # one point with every value > 0
        if not _relu_kinks(example, derivation, point):
            points.append(point)
    for parameter in network.parameters:
        chain = derivation.expand(f"dE_d{parameter}")
        assert chain.free_symbols <= given_symbols, parameter
        reference = sympy.diff(total, symbol(parameter))
        for point in points:
            ours = sympy.N(chain.xreplace(point), 50)
            theirs = sympy.N(reference.xreplace(point), 50)
            assert abs(ours - theirs) < sympy.Float("1e-40", 50) * max(1, abs(theirs)), (parameter, ours, theirs)


def test_chain_rule_equals_sympy_diff_symbolically_for_tanh() -> None:
    """No sample points: the difference simplifies to zero for a small tanh net."""
    example = load_text(_fixed_network([1, 2, 1], ["tanh", "identity"], "half_squared_error", "per_neuron", seed=4))
    derivation = derive(example.network)
    total = derivation.expand("E_total")
    for parameter in example.network.parameters:
        difference = derivation.expand(f"dE_d{parameter}") - sympy.diff(total, symbol(parameter))
        assert sympy.simplify(difference.rewrite(sympy.exp)) == 0, parameter


# --- 2. the factors a tutorial writes ----------------------------------------------------

def test_tutorial1_chain_products_have_the_tutorials_factors() -> None:
    example = load_file(TUTORIAL1)
    derivation = derive(example.network)
    steps = derivation.by_name
    assert steps["dE_dw5"].factors == ("dE_dout_y1", "dout_y1_dy1", "dy1_dw5")
    assert steps["dE_dw1"].factors == ("dE_dout_h1", "dout_h1_dh1", "dh1_dw1")
    assert steps["dE_dw8"].factors == ("dE_dout_y2", "dout_y2_dy2", "dy2_dw8")
    assert steps["dE_dw4"].factors == ("dE_dout_h2", "dout_h2_dh2", "dh2_dw4")
    for name in ("dE_dw5", "dE_dw1"):
        step = steps[name]
        assert step.expr == sympy.Mul(*(symbol(f) for f in step.factors))
    s = symbol
    assert steps["dE_dout_h1"].expr == s("dE1_dout_h1") + s("dE2_dout_h1")
    assert steps["dE_dout_h1"].formula == "dE1_dout_h1 + dE2_dout_h1"
    # the local factors are the tutorial's: dy1/dw5 = out_h1, dh1/dw1 = x1, dy1/dout_h1 = w5
    assert steps["dy1_dw5"].expr == s("out_h1")
    assert steps["dh1_dw1"].expr == s("x1")
    assert steps["dy1_dout_h1"].expr == s("w5")
    assert steps["dout_y1_dy1"].expr == s("out_y1") * (1 - s("out_y1"))
    # every step refers only to given values and earlier steps
    known = set(derivation.given)
    for step in derivation.steps:
        assert {sym.name for sym in step.expr.free_symbols} <= known, step.name
        known.add(step.name)


# --- 3. linear cost ---------------------------------------------------------------------

def _square_network(n: int):
    sizes = [n, n, n]
    return load_text(_fixed_network(sizes, ["sigmoid", "sigmoid"], "half_squared_error", "per_neuron", seed=n))


def test_steps_grow_linearly_with_the_weights() -> None:
    ratios = []
    for n in (2, 4, 8):
        network = _square_network(n).network
        derivation = derive(network)
        weights = 2 * n * n
        ratios.append(len(derivation.steps) / weights)
        # no step is a whole-network expression: each is a small formula in earlier names
        for step in derivation.steps:
            assert sympy.count_ops(step.expr) <= 2 * n + 8, (n, step.name, step.expr)
    # steps per weight is bounded (it falls as the O(neurons) steps matter less): O(weights)
    assert ratios[0] >= ratios[1] >= ratios[2], ratios
    assert ratios[2] <= 6, ratios


def test_derive_is_fast_on_a_10_10_10_network() -> None:
    network = _square_network(10).network
    start = time.perf_counter()
    derivation = derive(network)
    elapsed = time.perf_counter() - start
    assert len(derivation.steps) <= 8 * 200
    assert elapsed < 2.0, elapsed


# --- 4. random networks: exact = NumPy = finite differences ----------------------------

ACTIVATIONS = ["sigmoid", "tanh", "relu", "identity"]
LOSSES = ["half_squared_error", "squared_error", "mean_squared_error", "binary_cross_entropy"]
VALUE = st.integers(-1000, 1000).map(_decimal_text)
UNIT = st.integers(0, 1000).map(_decimal_text)


@st.composite
def random_networks(draw) -> str:
    sizes = draw(st.lists(st.integers(1, 4), min_size=3, max_size=4))
    loss = draw(st.sampled_from(LOSSES))
    bias = draw(st.sampled_from(["none", "shared", "per_neuron"]))
    activations = [draw(st.sampled_from(ACTIVATIONS)) for _ in sizes[1:]]
    if loss == "binary_cross_entropy":
        activations[-1] = "sigmoid"
    params = {name: draw(VALUE) for name in parameter_names(sizes, bias)}
    rows = draw(st.integers(1, 2))
    inputs = [[draw(VALUE) for _ in range(sizes[0])] for _ in range(rows)]
    target = UNIT if loss == "binary_cross_entropy" else VALUE
    targets = [[draw(target) for _ in range(sizes[-1])] for _ in range(rows)]
    rate = draw(st.sampled_from(["0.1", "0.5", "1.0", "0.03"]))
    return network_toml(sizes, activations, loss, bias, params, inputs, targets, rate)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_networks())
def test_exact_values_agree_with_numpy_and_finite_differences(text: str) -> None:
    example = load_text(text)
    network, case = example.network, example.cases[0]
    derivation = derive(network, len(case.rows))
    exact = evaluate(derivation, given_values(derivation, case))
    suffixes = [""] if len(case.rows) == 1 else [f"_r{r + 1}" for r in range(len(case.rows))]
    for layer in network.layers:
        if layer.activation == "relu":
            assume(all(abs(exact[pre + s]) > sympy.Rational(1, 1000) for pre in layer.pre for s in suffixes))

    numpy_values = vectorized.run(network, case)
    common = set(numpy_values) & set(exact)
    expected = {f"dE_d{p}" for p in network.parameters} | {f"new_{p}" for p in network.parameters}
    expected |= {network.total_error} | {f"{name}{s}" for s in suffixes for layer in network.layers
                                         for name in layer.pre + layer.post}
    assert expected <= common
    for key in common:
        value = float(exact[key])
        # float64 through a few layers keeps ~1e-13 relative; sums that cancel (new_w = w - eta*dE) lose more,
        # so the bound is relative to the value with an absolute floor
        assert abs(numpy_values[key] - value) <= 1e-9 * max(abs(value), 1e-6), (key, value, numpy_values[key])

    for key, numeric in vectorized.finite_difference_gradients(network, case).items():
        value = float(exact[key])
        assert abs(numeric - value) <= 1e-5 * max(abs(value), 1e-3), (key, value, numeric)

    # >= 30 correct digits: the 60-digit working agrees with a 90-digit one
    finer = evaluate(derivation, given_values(derivation, case), digits=90)
    for step in derivation.steps:
        a, b = exact[step.name], finer[step.name]
        scale = max(abs(sympy.Float(b, 90)), sympy.Float("1e-20"))
        assert abs(sympy.Float(a, 90) - sympy.Float(b, 90)) <= sympy.Float("1e-35") * scale, (step.name, a, b)


# --- 5. tutorial1 pinned -----------------------------------------------------------------

def _rounds_to(value: sympy.Expr, stated: str) -> bool:
    """True if `value` is within half a unit of the last digit of `stated`."""
    places = -Decimal(stated).as_tuple().exponent
    return abs(sympy.Float(value, 60) - sympy.Rational(stated)) <= sympy.Rational(1, 2) / 10**places


@pytest.fixture(scope="module")
def tutorial1_values() -> dict[str, sympy.Expr]:
    example = load_file(TUTORIAL1)
    derivation = derive(example.network)
    return evaluate(derivation, given_values(derivation, example.cases[0]))


def test_tutorial1_pinned_to_the_tutorial(tutorial1_values) -> None:
    v = tutorial1_values
    assert v["h1"] == sympy.Rational(261, 625)  # 0.4176 exactly
    assert v["h1"].is_Rational
    for name, stated in [("out_h1", "0.60290881"), ("y1", "0.97753007"), ("out_y1", "0.72661785"),
                         ("E_total", "0.3060832"), ("dE_dw5", "0.08582533"), ("new_w5", "0.41425240")]:
        assert _rounds_to(v[name], stated), (name, v[name], stated)


def tutorial1_by_hand() -> dict[str, mpmath.mpf]:
    """Tutorial1 worked out with mpmath from the formulas, written out neuron by neuron."""
    mpf = mpmath.mpf
    with mpmath.workdps(60):
        x1, x2, t1, t2 = mpf("0.03"), mpf("0.09"), mpf("0.01"), mpf("0.99")
        w1, w2, w3, w4 = mpf("0.11"), mpf("0.27"), mpf("0.19"), mpf("0.52")
        w5, w6, w7, w8 = mpf("0.44"), mpf("0.48"), mpf("0.23"), mpf("0.29")
        b1, b2, eta = mpf("0.39"), mpf("0.42"), mpf("0.3")
        sig = lambda z: 1 / (1 + mpmath.exp(-z))  # noqa: E731
        h1, h2 = x1 * w1 + x2 * w2 + b1, x1 * w3 + x2 * w4 + b1
        oh1, oh2 = sig(h1), sig(h2)
        y1, y2 = oh1 * w5 + oh2 * w6 + b2, oh1 * w7 + oh2 * w8 + b2
        oy1, oy2 = sig(y1), sig(y2)
        e_total = (t1 - oy1) ** 2 / 2 + (t2 - oy2) ** 2 / 2
        d_y1 = -(t1 - oy1) * oy1 * (1 - oy1)
        d_y2 = -(t2 - oy2) * oy2 * (1 - oy2)
        d_oh1 = d_y1 * w5 + d_y2 * w7
        de_dw1 = d_oh1 * oh1 * (1 - oh1) * x1
        de_dw5 = d_y1 * oh1
        return {"E_total": e_total, "dE_dw1": de_dw1, "dE_dw5": de_dw5, "new_w1": w1 - eta * de_dw1}


def test_tutorial1_pinned_to_a_hand_coded_mpmath_chain_rule(tutorial1_values) -> None:
    for name, value in tutorial1_by_hand().items():
        with mpmath.workdps(60):
            ours = mpmath.mpf(str(sympy.Float(tutorial1_values[name], 60)))
            assert abs(ours - value) <= mpmath.mpf("1e-40") * abs(value), (name, ours, value)


# --- 6. a 3-4-2 tanh worked example with independently computed claims ----------------

def tanh342_reference(parameters: dict[str, str], inputs: list[str], targets: list[str],
                      learning_rate: str) -> dict[str, mpmath.mpf]:
    """Every named quantity of the 3-4-2 tanh network, with mpmath at 50 digits, loop by loop.

    Hidden neuron j (0-based): z_{j+1} = sum_i x_i * w(3j+i+1) + b1_{j+1}, a = tanh(z);
    output neuron k: y_{k+1} = sum_j a_j * w(13+4k+j) + b2_{k+1}, out = tanh(y);
    E_k = (T_k - out_k)^2 / n with n = 2 (outputs x rows).
    """
    with mpmath.workdps(50):
        p = {k: mpmath.mpf(v) for k, v in parameters.items()}
        x = [mpmath.mpf(v) for v in inputs]
        t = [mpmath.mpf(v) for v in targets]
        eta = mpmath.mpf(learning_rate)
        w1 = [[p[f"w{3 * j + i + 1}"] for i in range(3)] for j in range(4)]
        w2 = [[p[f"w{13 + 4 * k + j}"] for j in range(4)] for k in range(2)]
        z = [sum(w1[j][i] * x[i] for i in range(3)) + p[f"b1_{j + 1}"] for j in range(4)]
        a = [mpmath.tanh(zj) for zj in z]
        y = [sum(w2[k][j] * a[j] for j in range(4)) + p[f"b2_{k + 1}"] for k in range(2)]
        out = [mpmath.tanh(yk) for yk in y]
        n = 2
        v: dict[str, mpmath.mpf] = {}
        for j in range(4):
            v[f"z{j + 1}"], v[f"a{j + 1}"] = z[j], a[j]
        for k in range(2):
            v[f"y{k + 1}"], v[f"out_y{k + 1}"] = y[k], out[k]
            v[f"E{k + 1}"] = (t[k] - out[k]) ** 2 / n
        v["E_total"] = v["E1"] + v["E2"]
        d_out = [-2 * (t[k] - out[k]) / n for k in range(2)]
        d_y = [d_out[k] * (1 - out[k] ** 2) for k in range(2)]
        grads = {}
        for k in range(2):
            v[f"dE_dout_y{k + 1}"], v[f"dE_dy{k + 1}"] = d_out[k], d_y[k]
            for j in range(4):
                grads[f"w{13 + 4 * k + j}"] = d_y[k] * a[j]
            grads[f"b2_{k + 1}"] = d_y[k]
        for j in range(4):
            d_a = sum(d_y[k] * w2[k][j] for k in range(2))
            d_z = d_a * (1 - a[j] ** 2)
            v[f"dE_da{j + 1}"], v[f"dE_dz{j + 1}"] = d_a, d_z
            for i in range(3):
                grads[f"w{3 * j + i + 1}"] = d_z * x[i]
            grads[f"b1_{j + 1}"] = d_z
        for name, g in grads.items():
            v[f"dE_d{name}"] = g
            v[f"new_{name}"] = p[name] - eta * g
        return v


def _round_half_up(value: mpmath.mpf, like: str) -> str:
    exponent = Decimal(like).as_tuple().exponent
    text = mpmath.nstr(value, 45, min_fixed=-100, max_fixed=100)
    return str(Decimal(text).quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_UP))


def _tanh342_data() -> dict:
    return tomllib.loads(TANH342.read_text(encoding="utf-8"), parse_float=str)


def test_tanh342_stated_numbers_are_the_mpmath_values() -> None:
    data = _tanh342_data()
    case = data["cases"][0]
    reference = tanh342_reference({k: str(v) for k, v in data["parameters"].items()},
                                  case["inputs"][0], case["targets"][0], case["learning_rate"])
    claims = data["claims"]
    assert len(claims) >= 20
    for claim in claims:
        assert claim["stated"] == _round_half_up(reference[claim["quantity"]], claim["stated"]), claim


def test_tanh342_every_claim_is_correct() -> None:
    example = load_file(TANH342)
    assert example.network.sizes == (3, 4, 2)
    assert example.network.layers[0].pre == ("z1", "z2", "z3", "z4")
    result = check(example)
    verdicts = {v.claim.id: v.verdict for v in result.verdicts}
    assert set(verdicts.values()) == {"correct"}, verdicts
    assert len(verdicts) == len(_tanh342_data()["claims"])
    assert result.exit_code == 0
    assert all(case.cross_check.ok for case in result.cases)


def test_tanh342_values_match_mpmath_everywhere() -> None:
    """Not only the claimed quantities: every name both sides compute agrees to 40 digits."""
    data = _tanh342_data()
    case_data = data["cases"][0]
    reference = tanh342_reference({k: str(v) for k, v in data["parameters"].items()},
                                  case_data["inputs"][0], case_data["targets"][0], case_data["learning_rate"])
    example = load_file(TANH342)
    derivation = derive(example.network)
    values = evaluate(derivation, given_values(derivation, example.cases[0]))
    assert set(reference) <= set(values)
    with mpmath.workdps(60):
        for name, expected in reference.items():
            ours = mpmath.mpf(str(sympy.Float(values[name], 60)))
            assert abs(ours - expected) <= mpmath.mpf("1e-40") * max(abs(expected), 1), name


def test_tanh342_a_wrong_claim_is_wrong() -> None:
    text = TANH342.read_text(encoding="utf-8")
    assert 'stated = "0.0506903422"' in text
    example = load_text(text.replace('stated = "0.0506903422"', 'stated = "0.0506903442"'), str(TANH342))
    result = check(example)
    verdicts = {v.claim.id: v for v in result.verdicts}
    assert verdicts["dE_dw1"].verdict == "wrong"
    assert "0.0506903422" in verdicts["dE_dw1"].explanation
    assert sum(1 for v in verdicts.values() if v.verdict != "correct") == 1
    assert result.summary["wrong"] == 1
    assert result.exit_code == 1


def test_deriving_and_evaluating_pause_the_cyclic_collector_and_put_it_back(monkeypatch) -> None:
    """derive and evaluate run with gc paused (their objects form no cycles); the state is restored after."""
    import gc

    from handcalc.exact import derivation as derivation_module, values as values_module
    from handcalc.heap import collector_paused

    seen: list[tuple[str, bool]] = []
    for module in (derivation_module, values_module):
        original = module.charge
        monkeypatch.setattr(module, "charge", lambda *a, _o=original, _m=module.__name__, **k:
                            seen.append((_m, gc.isenabled())) or _o(*a, **k))
    example = load_file(ROOT / "worked_examples" / "tutorial1.toml")
    case = example.cases[0]
    derive.cache_clear()
    derivation = derive(example.network_of(case), len(case.rows))
    evaluate(derivation, given_values(derivation, case))
    assert {m for m, _ in seen} == {"handcalc.exact.derivation", "handcalc.exact.values"}
    assert not any(enabled for _, enabled in seen)
    assert gc.isenabled()

    def fails() -> None:
        raise ValueError("inside")

    with pytest.raises(ValueError):
        collector_paused(fails)()
    assert gc.isenabled()  # put back after an exception too
    gc.disable()
    try:
        collector_paused(lambda: None)()
        assert not gc.isenabled()  # a caller that paused it keeps it paused
    finally:
        gc.enable()
