"""Momentum (classical, Nesterov) and L2 weight decay (coupled, decoupled) in both training replays.

Every expected number comes from `train`, a reference loop written here: it
keeps the parameters in a dict by name, works each row's forward and backward
pass with scalar loops, and applies the update rule as the README writes it
(v = mu*v - eta*g, w += v; Nesterov's g at w + mu*v; coupled decay adds
lambda*w to g and (lambda/2)*sum w^2 to the loss; decoupled decay subtracts
eta*lambda*w in the same step).  Nothing in it comes from handcalc.  With relu
and identity layers every number is rational, so the reference runs in
Fractions and the 40-digit replay must agree to 30 digits; tanh and sigmoid
networks run in floats against the float64 replay.  The networks are this
file's own (`make_net` only writes their worked-example text).
"""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath
import pytest

from handcalc.cli import main
from handcalc.floats.replay import exact_replay, replay
from handcalc.read.loader import load_text
from handcalc.read.reader import InputError
from test_training import make_net

ROWS = [[0.5, -1.0, 0.25], [1.5, 0.5, -0.75], [-0.25, 1.0, 1.0]]
RELU = make_net([3, 3, 2], ["relu", "identity"], "half_squared_error", ROWS,
                [[0.5, -0.25], [1.0, 0.5], [-0.5, 0.75]], eta="0.125", seed=11)
RELU_SHARED = make_net([3, 2, 2], ["relu", "identity"], "half_squared_error", ROWS,
                       [[0.5, -0.25], [1.0, 0.5], [-0.5, 0.75]], eta="0.25", seed=12, bias="shared")
TANH = make_net([3, 4, 2], ["tanh", "sigmoid"], "half_squared_error", ROWS, [[0.9, 0.1], [0.2, 0.7], [0.6, 0.4]],
                eta="0.5", seed=13)


# -- the reference loop -----------------------------------------------------------------------

def _act(name, z):
    return {"relu": lambda: z if z > 0 else 0 * z, "identity": lambda: z, "tanh": lambda: math.tanh(z),
            "sigmoid": lambda: 1 / (1 + math.exp(-z))}[name]()


def _dact(name, z, out):
    return {"relu": lambda: 1 if z > 0 else 0, "identity": lambda: 1, "tanh": lambda: 1 - out * out,
            "sigmoid": lambda: out * (1 - out)}[name]()


def _layers(net):
    """(activation, weight names [j][i], bias name per neuron or None) per layer."""
    return [(layer.activation, layer.weight_names, layer.bias_names) for layer in net.layers]


def _values(net, number):
    values = {}
    for layer in net.layers:
        for names, row in zip(layer.weight_names, layer.weights):
            values.update({n: number(v) for n, v in zip(names, row)})
        if layer.bias_names:
            values.update({n: number(v) for n, v in zip(layer.bias_names, layer.biases)})
    return values


def _pass(net, p, x, t):
    """One row's half squared error and its gradient by name (summed over a name's places)."""
    acts, zs = [list(x)], []
    for activation, weights, biases in _layers(net):
        z = [sum((p[w] * a for w, a in zip(weights[j], acts[-1])), 0 * x[0]) + (p[biases[j]] if biases else 0)
             for j in range(len(weights))]
        zs.append(z)
        acts.append([_act(activation, v) for v in z])
    loss = sum(((o - tk) ** 2 / 2 for o, tk in zip(acts[-1], t)), 0 * x[0])
    grad = {}
    d_out = [o - tk for o, tk in zip(acts[-1], t)]
    for k in range(len(zs) - 1, -1, -1):
        activation, weights, biases = _layers(net)[k]
        delta = [d * _dact(activation, z, a) for d, z, a in zip(d_out, zs[k], acts[k + 1])]
        for j in range(len(weights)):
            for i, w in enumerate(weights[j]):
                grad[w] = grad.get(w, 0) + delta[j] * acts[k][i]
            if biases:
                grad[biases[j]] = grad.get(biases[j], 0) + delta[j]
        d_out = [sum(delta[j] * p[weights[j][i]] for j in range(len(weights))) for i in range(len(acts[k]))]
    return loss, grad, acts[-1]


def train(net, epochs, mode="batch", mu=0, nesterov=False, lam=0, form="coupled", decay_biases=False,
          exact=False):
    """Return (parameters by name, the loss with any coupled penalty, the outputs) after `epochs`."""
    number = Fraction if exact else float
    p = _values(net, number)
    v = dict.fromkeys(p, number(0))
    eta, mu, lam = number(net.eta), number(mu), number(lam)
    X = [[number(str(a)) for a in row] for row in net.rows]
    T = [[number(str(a)) for a in row] for row in net.targets]
    weights = {w for _, names, _ in _layers(net) for row in names for w in row}
    decayed = set(p) if decay_biases else weights
    groups = [list(range(len(X)))] if mode == "batch" else [[r] for r in range(len(X))]
    for _ in range(epochs):
        for rows in groups:
            point = {n: p[n] + mu * v[n] for n in p} if nesterov else p
            g = dict.fromkeys(p, number(0))
            for r in rows:
                for n, d in _pass(net, point, X[r], T[r])[1].items():
                    g[n] += d
            new = {}
            for n in p:
                if lam and form == "coupled" and n in decayed:
                    g[n] += lam * point[n]
                v[n] = mu * v[n] - eta * g[n]
                new[n] = p[n] + v[n]
                if lam and form == "decoupled" and n in decayed:
                    new[n] -= eta * lam * p[n]
            p = new
    passes = [_pass(net, p, x, t) for x, t in zip(X, T)]
    loss = sum((loss for loss, _, _ in passes), number(0))
    if lam and form == "coupled":
        loss += lam / 2 * sum(p[n] ** 2 for n in decayed)
    return p, loss, [out for _, _, out in passes]


def _replay(net, exact=False, **training):
    example = load_text(net.toml(**training))
    case = example.cases[0]
    network = example.network_of(case)
    if exact:
        return exact_replay(network, case, case.training, case.training.epochs)
    return replay(network, case, case.training)


RULES = {
    "classical": dict(momentum="0.75"),
    "nesterov": dict(momentum="0.75", nesterov=True),
    "coupled": dict(weight_decay="0.25"),
    "decoupled momentum": dict(momentum="0.5", weight_decay="0.25", decay_form="decoupled"),
    "coupled momentum": dict(momentum="0.5", weight_decay="0.25", decay_form="coupled"),
    "nesterov coupled biases": dict(momentum="0.5", nesterov=True, weight_decay="0.125", decay_biases=True),
    "nesterov decoupled": dict(momentum="0.5", nesterov=True, weight_decay="0.125", decay_form="decoupled"),
}


def _reference_args(rule):
    return dict(mu=Fraction(rule.get("momentum", "0")), nesterov=rule.get("nesterov", False),
                lam=Fraction(rule.get("weight_decay", "0")), form=rule.get("decay_form", "coupled"),
                decay_biases=rule.get("decay_biases", False))


@pytest.mark.parametrize("mode", ["batch", "online"])
@pytest.mark.parametrize("net", [RELU, RELU_SHARED], ids=["per-neuron biases", "shared biases"])
@pytest.mark.parametrize("name", list(RULES))
def test_exact_replay_is_the_reference_rule(name, net, mode):
    rule = RULES[name]
    epochs = 3 if mode == "batch" else 2  # 3 and 6 updates: Fractions grow with every update
    expected, loss, outputs = train(net, epochs, mode, exact=True, **_reference_args(rule))
    with mpmath.workdps(40):
        got = _replay(net, exact=True, epochs=epochs, mode=mode, **rule)
        assert set(got.weights) == set(expected)
        for n, value in expected.items():
            assert abs(got.weights[n] - mpmath.mpf(value.numerator) / value.denominator) <= mpmath.mpf("1e-30"), n
        assert abs(got.history[-1][1] - mpmath.mpf(loss.numerator) / loss.denominator) <= mpmath.mpf("1e-30")
        for row, want in zip(got.outputs, outputs):
            assert all(abs(a - mpmath.mpf(b.numerator) / b.denominator) <= mpmath.mpf("1e-30")
                       for a, b in zip(row, want))


@pytest.mark.parametrize("mode", ["batch", "online"])
@pytest.mark.parametrize("name", list(RULES))
def test_float_replay_is_the_reference_rule(name, mode):
    rule = RULES[name]
    expected, loss, outputs = train(TANH, 6, mode, **_reference_args(rule))
    got = _replay(TANH, epochs=6, mode=mode, **rule)
    for n, value in expected.items():
        assert got.weights[n] == pytest.approx(value, rel=1e-12, abs=1e-14), n
    assert got.history[-1][1] == pytest.approx(loss, rel=1e-12)
    assert got.outputs.ravel().tolist() == pytest.approx([o for row in outputs for o in row], rel=1e-12)


def test_each_setting_changes_the_numbers():
    # a setting the replay ignored would leave the weights where plain SGD puts them
    plain = _replay(RELU, exact=False, epochs=4).weights
    seen = [plain]
    for rule in RULES.values():
        weights = _replay(RELU, epochs=4, **rule).weights
        assert all(max(abs(weights[n] - other[n]) for n in weights) > 1e-6 for other in seen), rule
        seen.append(weights)


def test_decay_forms_agree_without_momentum_and_differ_with_it():
    # with plain SGD, eta*(g + lambda*w) and eta*g + eta*lambda*w are the same step; momentum tells them apart
    a = _replay(RELU, exact=True, epochs=3, weight_decay="0.25")
    b = _replay(RELU, exact=True, epochs=3, weight_decay="0.25", decay_form="decoupled")
    assert all(abs(a.weights[n] - b.weights[n]) < 1e-30 for n in a.weights)
    coupled, _, _ = train(RELU, 3, mu=Fraction(1, 2), lam=Fraction(1, 4), exact=True)
    decoupled, _, _ = train(RELU, 3, mu=Fraction(1, 2), lam=Fraction(1, 4), form="decoupled", exact=True)
    assert max(abs(coupled[n] - decoupled[n]) for n in coupled) > Fraction(1, 10**4)


def test_reference_gradient_is_the_finite_difference():
    # a check on the checker: the reference's gradient is the slope of its own loss
    p = _values(TANH, float)
    x, t = [float(a) for a in TANH.rows[1]], [float(a) for a in TANH.targets[1]]
    _, grad, _ = _pass(TANH, p, x, t)
    for n in p:
        h = 1e-6
        up, down = dict(p, **{n: p[n] + h}), dict(p, **{n: p[n] - h})
        slope = (_pass(TANH, up, x, t)[0] - _pass(TANH, down, x, t)[0]) / (2 * h)
        assert grad[n] == pytest.approx(slope, rel=1e-6, abs=1e-9), n


# -- bad settings: one clear line each, with the key and its line -------------------------------

BAD_RULES = [
    (dict(momentum="1"), "cases[0].training.momentum", "expected a number from 0 to below 1, found 1"),
    (dict(momentum="-0.5"), "cases[0].training.momentum", "found -0.5"),
    (dict(weight_decay="-0.01"), "cases[0].training.weight_decay", "expected a number from 0 to up, found -0.01"),
    (dict(nesterov=True), "cases[0].training.nesterov", "nesterov = true needs a momentum above 0"),
    (dict(momentum="0.9", nesterov=True, forward="once"), "cases[0].training.forward",
     "which needs forward = 'every_update', found 'once'"),
    (dict(decay_form="decoupled"), "cases[0].training.decay_form", "decay_form is given but weight_decay is not given"),
    (dict(weight_decay="0.1", decay_form="both"), "cases[0].training.decay_form", "unknown decay form 'both'"),
    (dict(weight_decay="0.1", decay_biases="yes"), "cases[0].training.decay_biases", "expected true or false"),
    (dict(weight_decay="0.1", decay_biases=True, update_biases=False), "cases[0].training.decay_biases",
     "the biases never move"),
    (dict(momentum="fast"), "cases[0].training.momentum", "'fast' is not a"),
]


@pytest.mark.parametrize("rule,key,message", BAD_RULES)
def test_bad_rule_is_one_clear_line(rule, key, message, tmp_path, capsys):
    text = RELU.toml(epochs=2, **rule)
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(InputError) as caught:
        load_text(text, str(path))
    problems = [p for p in caught.value.problems if p.key == key]
    assert problems and message in problems[0].message, caught.value
    line = next(i for i, row in enumerate(text.splitlines(), 1) if row.startswith(key.rsplit(".", 1)[1] + " ="))
    assert problems[0].line == line
    assert main([str(path)]) == 2
    err = capsys.readouterr().err
    assert f"bad.toml:{line}" in err and f"[{key}]" in err and "Traceback" not in err


# -- the hand derivation of one update under weight decay ---------------------------------------

def _decimal(value: Fraction, digits: int = 12) -> str:
    """A Fraction rounded to `digits` decimals, as a text would state it (written here, not by handcalc)."""
    scaled = value * 10 ** digits
    whole = int(scaled + Fraction(1, 2)) if scaled >= 0 else -int(-scaled + Fraction(1, 2))
    sign = "-" if whole < 0 else ""
    text = str(abs(whole)).rjust(digits + 1, "0")
    return f"{sign}{text[:-digits]}.{text[-digits:]}"


def _hand(net, claims, **training):
    text = net.toml(epochs=1, **training).replace('name = "training"\n', 'name = "training"\n', 1)
    rows = [f'[[claims]]\nquantity = "{q}"\nstated = "{s}"\ncase = "training"\n' for q, s in claims]
    example = load_text(text + "\n" + "\n".join(rows))
    from handcalc.check import check

    return check(example)


@pytest.mark.parametrize("form,biases", [("coupled", False), ("coupled", True), ("decoupled", False)])
def test_one_hand_update_is_the_reference_step(form, biases):
    # one batch update from the given weights: the reference's step, whatever the momentum (v starts at 0)
    lam = Fraction(3, 8)
    after, _, _ = train(RELU, 1, lam=lam, form=form, decay_biases=biases, exact=True)
    before, loss, _ = train(RELU, 0, lam=lam, form=form, decay_biases=biases, exact=True)
    eta = Fraction(RELU.eta)
    claims = [(f"new_{n}", _decimal(after[n])) for n in before]
    if form == "coupled":  # the regularised gradient, from the reference's step: (w - new w)/eta
        claims += [(f"dE_d{n}", _decimal((before[n] - after[n]) / eta)) for n in before]
        claims += [("E_total", _decimal(loss))]
    rule = dict(weight_decay="0.375", decay_form=form, decay_biases=biases, momentum="0.9")
    result = _hand(RELU, claims, **rule)
    verdicts = {v.claim.quantity: v.verdict for case in result.cases for v in case.verdicts}
    assert set(verdicts.values()) == {"correct"}, {q: v for q, v in verdicts.items() if v != "correct"}
    assert len(verdicts) == len(claims)
    assert result.cases[0].cross_check.ok  # NumPy and finite differences agree with the regularised values


def test_coupled_gradient_shows_the_decay_factor_and_is_sympy_diff():
    import sympy

    from handcalc.exact.derivation import derive

    example = load_text(RELU.toml(epochs=1, weight_decay="0.125", decay_biases=True))
    case = example.cases[0]
    network = example.network_of(case)
    derivation = derive(network, len(case.rows), True, case.decay(network))
    step = derivation.by_name["dE_dw1_1_1"]
    assert step.formula.endswith(" + dE_reg_dw1_1_1")
    assert derivation.by_name["dE_reg_dw1_1_1"].formula == "lambda*w1_1_1"
    assert derivation.by_name["E_total"].formula.endswith(" + E_reg")
    total = derivation.expand("E_total")
    for name in ("w1_1_1", "w2_2_3", "b1_2", "b2_1"):
        difference = sympy.diff(total, sympy.Symbol(name, real=True)) - derivation.expand(f"dE_d{name}")
        # relu's derivative is a Heaviside step: compare at the case's numbers
        values = {sympy.Symbol(k, real=True): sympy.Rational(str(v)) for k, v in case.parameters.items()}
        values.update({sympy.Symbol(f"x{i + 1}_r{r + 1}", real=True): sympy.Rational(str(x))
                       for r, row in enumerate(case.rows) for i, x in enumerate(row)})
        values.update({sympy.Symbol(f"T{i + 1}_r{r + 1}", real=True): sympy.Rational(str(t))
                       for r, row in enumerate(case.targets) for i, t in enumerate(row)})
        values[sympy.Symbol("lambda", real=True)] = sympy.Rational(1, 8)
        assert sympy.simplify(difference.subs(values)) == 0, name


def test_a_gradient_stated_without_the_decay_term_is_wrong():
    lam = Fraction(1, 4)
    before, _, _ = train(RELU, 0, exact=True)
    plain, _, _ = train(RELU, 1, exact=True)  # no decay: the data gradient alone
    decayed, _, _ = train(RELU, 1, lam=lam, exact=True)
    eta = Fraction(RELU.eta)
    name = "w2_1_2"
    data_gradient = (before[name] - plain[name]) / eta
    right = (before[name] - decayed[name]) / eta
    assert right == data_gradient + lam * before[name]
    result = _hand(RELU, [(f"dE_d{name}", _decimal(data_gradient, 8)), (f"new_{name}", _decimal(decayed[name], 8))],
                   weight_decay="0.25")
    verdicts = {v.claim.quantity: v for v in result.cases[0].verdicts}
    assert verdicts[f"dE_d{name}"].verdict == "wrong"
    assert verdicts[f"new_{name}"].verdict == "correct"


def test_claims_may_write_lambda_and_the_decay_names():
    text = RELU.toml(epochs=1, weight_decay="0.25") + '''
[[claims]]
kind = "compare"
expression = "lambda*w2_1_2"
relation = "=="
right = "dE_reg_dw2_1_2"
case = "training"

[[claims]]
kind = "compare"
expression = "E_total - E_reg"
relation = "=="
right = "E1_r1 + E2_r1 + E1_r2 + E2_r2 + E1_r3 + E2_r3"
case = "training"

[[claims]]
kind = "compare"
expression = "lambda*w2_1_2"
relation = "=="
right = "2*dE_reg_dw2_1_2"
case = "training"
'''
    from handcalc.check import check

    verdicts = [v.verdict for v in check(load_text(text)).cases[0].verdicts]
    assert verdicts == ["correct", "correct", "wrong"]


def test_lambda_and_e_reg_are_reserved_names():
    text = RELU.toml(epochs=1).replace('"w2_1_2"', '"lambda"').replace("w2_1_2 =", "lambda =")
    with pytest.raises(InputError, match="'lambda' is reserved for the weight decay"):
        load_text(text)


def test_the_reports_name_the_update_rule():
    from handcalc.check import check
    from handcalc.output.jsonreport import to_json
    from handcalc.output.report import render

    result = check(load_text(RELU.toml(epochs=2, momentum="0.75", nesterov=True, weight_decay="0.125",
                                       decay_biases=True)))
    procedure = to_json(result)["training"]["training"]["procedure"]
    assert (procedure["momentum"], procedure["nesterov"], procedure["weight_decay"]) == (0.75, True, 0.125)
    assert (procedure["decay_form"], procedure["decay_biases"]) == ("coupled", True)
    text = render(result, "text")
    assert "Nesterov momentum 0.75" in text and "L2 weight decay lambda = 0.125 (in the loss, weights and biases)" \
        in " ".join(text.split())
    assert "loss shown: half_squared_error + E_reg" in " ".join(text.split())
