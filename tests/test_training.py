"""The training replay (`handcalc.floats.replay`), option by option, against code written here.

Every expected number comes from `Reference`, a plain-Python training loop in
this file: scalar loops over rows, neurons and inputs, `math` for floats (or
mpmath at 40 digits for the exact path), no NumPy matrix code and nothing from
handcalc.  Each procedure option is one explicit branch of that loop, so a test
pins down what the option means; a second assertion per option checks that
switching it changes the result, so an option the replay ignored would fail.

tutorial3 is checked against the tutorial's own NumPy loop, written here as the
tutorial writes it, and against the outputs it prints.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction

import mpmath
import numpy as np
import pytest

from handcalc.read.catalog import resolve
from handcalc.check import check
from handcalc.read.reader import InputError
from handcalc.read.loader import load_file, load_text
from handcalc.floats.replay import exact_replay, replay

REL = 1e-12  # the float replay against the float reference
EXACT_DIGITS = 40


# -- the reference: one small network, trained by hand in plain Python -----------------------

@dataclass
class RefLayer:
    activation: str
    weights: list[list]  # weights[j][i]: input i -> neuron j
    biases: list | None  # one per neuron, or None
    weight_names: list[list[str]]
    bias_names: list[str] | None


@dataclass
class Net:
    """A small network given by plain numbers (decimal text), with the loop options as plain fields."""

    loss: str
    layers: list[RefLayer]
    rows: list[list[str]]
    targets: list[list[str]]
    eta: str
    bias: str = "per_neuron"
    init: str = ""  # an `init = {...}` line for the case, when wanted

    def toml(self, **training) -> str:
        """The worked-example file of this network, with a [cases.training] table from `training`."""
        sizes = [len(self.rows[0])] + [len(layer.weights) for layer in self.layers]
        lines = ["[example]", 'name = "t"', "", "[network]", f"sizes = {sizes}", f'loss = "{self.loss}"',
                 f'bias = "{self.bias}"', ""]
        for layer in self.layers:
            lines.append("[[network.layers]]")
            lines.append(f'activation = "{layer.activation}"')
            lines.append("weights = [" + ", ".join("[" + ", ".join(f'"{n}"' for n in row) + "]"
                                                   for row in layer.weight_names) + "]")
            if layer.bias_names is not None:
                names = layer.bias_names[:1] if self.bias == "shared" else layer.bias_names
                lines.append("biases = [" + ", ".join(f'"{n}"' for n in names) + "]")
            lines.append("")
        lines.append("[parameters]")
        for layer in self.layers:
            for names, values in zip(layer.weight_names, layer.weights):
                lines += [f"{n} = {v}" for n, v in zip(names, values)]
            if layer.biases is not None:
                pairs = list(zip(layer.bias_names, layer.biases))
                lines += [f"{n} = {v}" for n, v in (pairs[:1] if self.bias == "shared" else pairs)]
        lines += ["", "[[cases]]", 'name = "training"',
                  "inputs = " + _rows(self.rows), "targets = " + _rows(self.targets),
                  f"learning_rate = {self.eta}"]
        if self.init:
            lines.append(self.init)
        lines += ["", "[cases.training]"]
        for key, value in training.items():
            if isinstance(value, bool):
                lines.append(f"{key} = {'true' if value else 'false'}")
            elif isinstance(value, int):
                lines.append(f"{key} = {value}")
            else:
                lines.append(f'{key} = "{value}"')
        return "\n".join(lines) + "\n"


def _rows(rows: list[list[str]]) -> str:
    return "[" + ", ".join("[" + ", ".join(str(v) for v in row) + "]" for row in rows) + "]"


def make_net(sizes, activations, loss, rows, targets, eta="0.5", seed=0, bias="per_neuron") -> Net:
    """A network with explicit names and small 'random' weights written as short decimals."""
    rng = np.random.RandomState(seed)  # only to pick the decimal texts; every value is then exact text
    layers = []
    for k, (fan_in, size) in enumerate(zip(sizes, sizes[1:])):
        weights = [[f"{rng.uniform(-1, 1):.3f}" for _ in range(fan_in)] for _ in range(size)]
        names = [[f"w{k + 1}_{j + 1}_{i + 1}" for i in range(fan_in)] for j in range(size)]
        if bias == "none":
            biases, bias_names = None, None
        elif bias == "shared":
            value = f"{rng.uniform(-0.5, 0.5):.3f}"
            biases, bias_names = [value] * size, [f"b{k + 1}"] * size
        else:
            biases = [f"{rng.uniform(-0.5, 0.5):.3f}" for _ in range(size)]
            bias_names = [f"b{k + 1}_{j + 1}" for j in range(size)]
        layers.append(RefLayer(activations[k], weights, biases, names, bias_names))
    return Net(loss, layers, [[str(v) for v in r] for r in rows], [[str(v) for v in t] for t in targets], eta,
               bias=bias)


class Arithmetic:
    """Scalar arithmetic: Python floats with `math`, or mpmath numbers at 40 digits."""

    def __init__(self, exact: bool) -> None:
        self.exact = exact
        if exact:
            self.exp, self.log, self.tanh = mpmath.exp, mpmath.log, mpmath.tanh
        else:
            self.exp, self.log, self.tanh = math.exp, math.log, math.tanh

    def num(self, text: str):
        if self.exact:
            value = Fraction(text)
            return mpmath.mpf(value.numerator) / value.denominator
        return float(text)


def activate(name: str, z, ar: Arithmetic):
    if name == "sigmoid":
        return 1 / (1 + ar.exp(-z))
    if name == "tanh":
        return ar.tanh(z)
    if name == "identity":
        return z
    raise ValueError(name)


def slope(name: str, out):
    """d out / d z written with the neuron's output."""
    if name == "sigmoid":
        return out * (1 - out)
    if name == "tanh":
        return 1 - out * out
    if name == "identity":
        return 1
    raise ValueError(name)


def loss_value(name: str, outs: list[list], targets: list[list], ar: Arithmetic):
    """The loss over all rows and outputs; the mean losses divide by rows x outputs."""
    n = sum(len(row) for row in targets)
    total = 0
    for o_row, t_row in zip(outs, targets):
        for o, t in zip(o_row, t_row):
            if name == "half_squared_error":
                total += (t - o) ** 2 / 2
            elif name in ("squared_error", "mean_squared_error"):
                total += (t - o) ** 2
            elif name == "mean_absolute_error":
                total += abs(t - o)
            elif name == "binary_cross_entropy":
                total += -(t * ar.log(o) + (1 - t) * ar.log(1 - o))
            else:
                raise ValueError(name)
    if name in ("mean_squared_error", "mean_absolute_error", "binary_cross_entropy"):
        total = total / n
    return total


@dataclass
class Options:
    epochs: int
    mode: str = "batch"
    gradient: str | None = None
    update_biases: bool = True
    hidden_deltas: str = "before_update"
    forward: str = "every_update"
    outputs: str = "final_weights"


class Reference:
    """The network's numbers as plain nested lists, and the training loop over them."""

    def __init__(self, net: Net, exact: bool = False) -> None:
        self.net = net
        self.ar = Arithmetic(exact)
        num = self.ar.num
        self.W = [[[num(v) for v in row] for row in layer.weights] for layer in net.layers]
        self.b = [None if layer.biases is None else [num(v) for v in layer.biases] for layer in net.layers]
        self.act = [layer.activation for layer in net.layers]
        self.X = [[num(v) for v in row] for row in net.rows]
        self.T = [[num(v) for v in row] for row in net.targets]
        self.eta = num(net.eta)
        self.shared = net.bias == "shared"

    # forward pass of one row: the activations of every layer, the inputs first
    def forward(self, x: list) -> list[list]:
        acts = [list(x)]
        for W, b, act in zip(self.W, self.b, self.act):
            prev, out = acts[-1], []
            for j in range(len(W)):
                z = 0
                for i in range(len(prev)):
                    z += W[j][i] * prev[i]
                if b is not None:
                    z += b[j]
                out.append(activate(act, z, self.ar))
            acts.append(out)
        return acts

    def outputs(self) -> list[list]:
        return [self.forward(x)[-1] for x in self.X]

    def loss(self, name: str):
        return loss_value(name, self.outputs(), self.T, self.ar)

    def output_delta(self, out: list, t: list, n: int, gradient: str) -> list:
        """dE/dz of each output neuron for one row (n: the number of loss terms of the step)."""
        last = self.act[-1]
        delta = []
        for o, tk in zip(out, t):
            if gradient == "half_squared_error":      # E = 1/2 (t - o)^2
                delta.append((o - tk) * slope(last, o))
            elif gradient == "squared_error":         # E = (t - o)^2
                delta.append(2 * (o - tk) * slope(last, o))
            elif gradient == "mean_squared_error":    # E = (1/n) sum (t - o)^2
                delta.append(2 * (o - tk) / n * slope(last, o))
            elif gradient == "binary_cross_entropy" and last == "sigmoid":
                delta.append((o - tk) / n)            # o(1-o) cancels: dE/dz = (o - t)/n
            elif gradient == "binary_cross_entropy":
                delta.append(-(tk / o - (1 - tk) / (1 - o)) / n * slope(last, o))
            else:
                raise ValueError(gradient)
        return delta

    def apply(self, k: int, gW: list[list], gb: list | None) -> None:
        W = self.W[k]
        for j in range(len(W)):
            for i in range(len(W[j])):
                W[j][i] = W[j][i] - self.eta * gW[j][i]
        if gb is not None:
            if self.shared:  # one bias for the layer: its gradient is the sum over the layer's neurons
                total = sum(gb[1:], gb[0])
                self.b[k] = [value - self.eta * total for value in self.b[k]]
            else:
                for j in range(len(gb)):
                    self.b[k][j] = self.b[k][j] - self.eta * gb[j]

    def step(self, acts_rows: list[list[list]], targets: list[list], opt: Options) -> None:
        """One update from the given rows, whose forward activations are `acts_rows`."""
        gradient = opt.gradient or self.net.loss
        n = sum(len(t) for t in targets)
        deltas = [self.output_delta(acts[-1], t, n, gradient) for acts, t in zip(acts_rows, targets)]
        pending = []
        for k in range(len(self.W) - 1, -1, -1):
            W = self.W[k]
            gW = [[0] * len(W[0]) for _ in W]
            for r, acts in enumerate(acts_rows):
                for j in range(len(W)):
                    for i in range(len(W[0])):
                        gW[j][i] += deltas[r][j] * acts[k][i]
            gb = None
            if opt.update_biases and self.b[k] is not None:
                gb = [sum((deltas[r][j] for r in range(len(acts_rows))), 0) for j in range(len(W))]
            applied = False
            if k > 0:
                if opt.hidden_deltas == "after_update":  # this layer moves before the deltas below see it
                    self.apply(k, gW, gb)
                    applied = True
                below = []
                for r, acts in enumerate(acts_rows):
                    row = []
                    for i in range(len(W[0])):
                        back = 0
                        for j in range(len(W)):
                            back += deltas[r][j] * W[j][i]
                        row.append(back * slope(self.act[k - 1], acts[k][i]))
                    below.append(row)
                deltas = below
            if not applied:
                pending.append((k, gW, gb))
        for k, gW, gb in pending:
            self.apply(k, gW, gb)

    def train(self, opt: Options) -> list[list] | None:
        """Train in place; return the loop's last forward outputs (all rows), if the loop kept them."""
        cached = [self.forward(x) for x in self.X] if opt.forward == "once" else None
        last = None
        for _ in range(opt.epochs):
            if opt.forward == "every_epoch":
                cached = [self.forward(x) for x in self.X]
            if opt.mode == "batch":
                acts = cached if opt.forward != "every_update" else [self.forward(x) for x in self.X]
                last = [a[-1] for a in acts]
                self.step(acts, self.T, opt)
            else:
                if opt.forward != "every_update":
                    last = [a[-1] for a in cached]
                for r in range(len(self.X)):
                    acts = cached[r] if opt.forward != "every_update" else self.forward(self.X[r])
                    self.step([acts], [self.T[r]], opt)
        return last

    def named(self) -> dict[str, object]:
        values = {}
        for layer, W, b in zip(self.net.layers, self.W, self.b):
            for names, row in zip(layer.weight_names, W):
                values.update(zip(names, row))
            if b is not None:
                values.update(zip(layer.bias_names, b))
        return values


def reference(net: Net, opt: Options, exact: bool = False) -> tuple[dict[str, object], list[list], Reference]:
    """Final named weights and the outputs after training (as `opt.outputs` says)."""
    ref = Reference(net, exact)
    last = ref.train(opt)
    outs = ref.outputs() if opt.outputs == "final_weights" else last
    return ref.named(), outs, ref


def run(net: Net, opt: Options, **extra):
    """handcalc's float replay of `net` trained as `opt` says (through the file format)."""
    training = dict(epochs=opt.epochs, mode=opt.mode, update_biases=opt.update_biases,
                    hidden_deltas=opt.hidden_deltas, forward=opt.forward, outputs=opt.outputs, **extra)
    if opt.gradient:
        training["gradient"] = opt.gradient
    example = load_text(net.toml(**training))
    case = example.cases[0]
    return replay(example.network_of(case), case, case.training), example, case


def assert_close(got: dict, expected: dict, rel: float = REL, floor: float = 1e-14) -> None:
    assert set(got) == set(expected)
    for name in expected:
        a, b = float(got[name]), float(expected[name])
        assert abs(a - b) <= rel * abs(b) + floor, f"{name}: replay {a!r}, reference {b!r}"


def largest_change(a: dict, b: dict) -> float:
    return max(abs(float(a[n]) - float(b[n])) for n in a)


# -- the small networks -----------------------------------------------------------------------

ROWS3 = [[0.1, 0.8], [0.9, -0.4], [-0.5, 0.3]]

NET_221_SIG = make_net([2, 2, 1], ["sigmoid", "sigmoid"], "half_squared_error", ROWS3, [[0.9], [0.1], [0.6]],
                       eta="0.7", seed=1)
NET_232_TANH = make_net([2, 3, 2], ["tanh", "tanh"], "mean_squared_error", ROWS3,
                        [[0.5, -0.2], [-0.3, 0.4], [0.1, 0.6]], eta="0.3", seed=2)
NET_232_MIX = make_net([2, 3, 2], ["tanh", "sigmoid"], "binary_cross_entropy", ROWS3,
                       [[1, 0], [0, 1], [1, 1]], eta="0.4", seed=3)
NET_2221 = make_net([2, 2, 2, 1], ["tanh", "sigmoid", "sigmoid"], "half_squared_error", ROWS3[:2], [[0.8], [0.2]],
                    eta="0.9", seed=4)
NETS = {"2-2-1 sigmoid": NET_221_SIG, "2-3-2 tanh": NET_232_TANH, "2-3-2 tanh/sigmoid": NET_232_MIX,
        "2-2-2-1": NET_2221}


def test_reference_agrees_with_finite_differences():
    """The reference's one batch step is -eta times the numerical gradient (a check on the checker)."""
    for name, net in NETS.items():
        for gradient in ("half_squared_error", "squared_error", "mean_squared_error", "binary_cross_entropy"):
            if gradient == "binary_cross_entropy" and net.layers[-1].activation != "sigmoid":
                continue
            with mpmath.workdps(EXACT_DIGITS):
                start = Reference(net, exact=True)
                before = start.named()
                after, _, _ = reference(net, Options(1, gradient=gradient), exact=True)
                for pname in before:
                    h = mpmath.mpf("1e-15")
                    plus, minus = Reference(net, exact=True), Reference(net, exact=True)
                    _nudge(plus, pname, h)
                    _nudge(minus, pname, -h)
                    numeric = (plus.loss(gradient) - minus.loss(gradient)) / (2 * h)
                    step = (before[pname] - after[pname]) / start.eta
                    assert abs(step - numeric) <= mpmath.mpf("1e-20") * max(1, abs(numeric)), (name, gradient, pname)


def _nudge(ref: Reference, pname: str, h) -> None:
    for k, layer in enumerate(ref.net.layers):
        for j, names in enumerate(layer.weight_names):
            for i, n in enumerate(names):
                if n == pname:
                    ref.W[k][j][i] += h
        if layer.bias_names is not None:
            for j, n in enumerate(layer.bias_names):
                if n == pname:
                    ref.b[k][j] += h


# -- 1. each option, against the reference --------------------------------------------------

OPTION_CASES = {
    # name: (net, option A, option B) -- A and B differ in exactly the option named
    "mode": (NET_232_TANH, Options(4, mode="batch"), Options(4, mode="online")),
    "gradient hse/mse": (NET_221_SIG, Options(4, gradient="half_squared_error"),
                         Options(4, gradient="mean_squared_error")),
    "gradient se/mse": (NET_232_TANH, Options(4, gradient="squared_error"), Options(4, gradient="mean_squared_error")),
    "gradient hse/se": (NET_232_TANH, Options(4, gradient="half_squared_error"), Options(4, gradient="squared_error")),
    "gradient bce/hse": (NET_232_MIX, Options(4, gradient="binary_cross_entropy"),
                         Options(4, gradient="half_squared_error")),
    "gradient bce online": (NET_232_MIX, Options(4, mode="online", gradient="binary_cross_entropy"),
                            Options(4, mode="online", gradient="mean_squared_error")),
    "update_biases": (NET_232_TANH, Options(4, update_biases=True), Options(4, update_biases=False)),
    "update_biases online": (NET_221_SIG, Options(5, mode="online", update_biases=True),
                             Options(5, mode="online", update_biases=False)),
    "hidden_deltas batch": (NET_221_SIG, Options(4, hidden_deltas="before_update"),
                            Options(4, hidden_deltas="after_update")),
    "hidden_deltas online": (NET_232_TANH, Options(3, mode="online", hidden_deltas="before_update"),
                             Options(3, mode="online", hidden_deltas="after_update")),
    "hidden_deltas 3 layers": (NET_2221, Options(4, hidden_deltas="before_update"),
                               Options(4, hidden_deltas="after_update")),
    "hidden_deltas fixed biases": (NET_232_MIX, Options(4, hidden_deltas="after_update", update_biases=False),
                                   Options(4, hidden_deltas="before_update", update_biases=False)),
    "forward online every_update/every_epoch": (NET_232_TANH, Options(4, mode="online", forward="every_update"),
                                                Options(4, mode="online", forward="every_epoch")),
    "forward online every_epoch/once": (NET_221_SIG, Options(4, mode="online", forward="every_epoch"),
                                        Options(4, mode="online", forward="once")),
    "forward online every_update/once": (NET_232_MIX, Options(3, mode="online", forward="every_update"),
                                         Options(3, mode="online", forward="once")),
    "forward batch every_epoch/once": (NET_232_TANH, Options(4, forward="every_epoch"), Options(4, forward="once")),
    "forward online once, after_update": (NET_2221, Options(3, mode="online", forward="once",
                                                            hidden_deltas="after_update"),
                                          Options(3, mode="online", forward="once")),
}


@pytest.mark.parametrize("name", OPTION_CASES)
def test_each_option_matches_the_reference_and_changes_the_weights(name):
    net, a, b = OPTION_CASES[name]
    results = []
    for opt in (a, b):
        expected, expected_out, _ = reference(net, opt)
        got, _, _ = run(net, opt)
        assert_close(got.weights, expected)
        assert np.asarray(got.outputs).shape == (len(net.rows), len(net.targets[0]))
        for r, row in enumerate(expected_out):
            for c, value in enumerate(row):
                assert got.outputs[r, c] == pytest.approx(value, rel=REL, abs=1e-14)
        results.append(got.weights)
    # the option is not ignored: it moves the final weights well beyond rounding
    assert largest_change(results[0], results[1]) > 1e-6


def test_every_option_has_a_case():
    """Every value of every option appears in a compared pair above."""
    seen = {name: set() for name in ("mode", "gradient", "update_biases", "hidden_deltas", "forward")}
    for _, a, b in OPTION_CASES.values():
        for opt in (a, b):
            for field_name in seen:
                seen[field_name].add(getattr(opt, field_name))
    assert seen["mode"] == {"batch", "online"}
    assert seen["gradient"] >= {"half_squared_error", "mean_squared_error", "squared_error", "binary_cross_entropy"}
    assert seen["update_biases"] == {True, False}
    assert seen["hidden_deltas"] == {"before_update", "after_update"}
    assert seen["forward"] == {"every_update", "every_epoch", "once"}


def test_gradient_defaults_to_the_network_loss():
    for net in (NET_221_SIG, NET_232_TANH, NET_232_MIX):
        implicit, _, _ = run(net, Options(3))
        explicit, _, _ = run(net, Options(3, gradient=net.loss))
        assert dict(implicit.weights) == dict(explicit.weights)


def test_batch_every_update_equals_every_epoch():
    """In batch mode one forward pass per epoch is all there is: the two options are the same loop."""
    for net in (NET_221_SIG, NET_232_TANH):
        a, _, _ = run(net, Options(4, forward="every_update"))
        b, _, _ = run(net, Options(4, forward="every_epoch"))
        assert dict(a.weights) == dict(b.weights)
        once, _, _ = run(net, Options(4, forward="once"))
        assert largest_change(a.weights, once.weights) > 1e-6


def test_fixed_biases_stay_bit_for_bit():
    got, _, case = run(NET_232_TANH, Options(5, mode="online", update_biases=False))
    for layer in NET_232_TANH.layers:
        for name in layer.bias_names:
            assert got.weights[name] == float(case.parameters[name])


def test_one_online_epoch_of_one_row_is_one_batch_epoch():
    net = make_net([2, 3, 1], ["sigmoid", "sigmoid"], "half_squared_error", [[0.3, -0.7]], [[0.25]], seed=5)
    a, _, _ = run(net, Options(3, mode="batch"))
    b, _, _ = run(net, Options(3, mode="online"))
    assert_close(a.weights, b.weights, rel=1e-15, floor=1e-16)


@pytest.mark.parametrize("mode, forward", [("batch", "every_update"), ("batch", "every_epoch"), ("batch", "once"),
                                           ("online", "every_epoch"), ("online", "once")])
def test_outputs_last_forward_is_the_last_epochs_forward_pass(mode, forward):
    """`last_forward`: the outputs the loop computed in its last epoch, before that epoch's updates."""
    net = NET_232_TANH
    final = Options(5, mode=mode, forward=forward, outputs="final_weights")
    last = replace(final, outputs="last_forward")
    weights_f, outs_f, _ = reference(net, final)
    weights_l, outs_l, _ = reference(net, last)
    got_f, _, _ = run(net, final)
    got_l, _, _ = run(net, last)
    assert dict(got_f.weights) == dict(got_l.weights)  # the option changes what is shown, not the training
    for got, outs in ((got_f, outs_f), (got_l, outs_l)):
        for r, row in enumerate(outs):
            for c, value in enumerate(row):
                assert got.outputs[r, c] == pytest.approx(value, rel=REL, abs=1e-14)
    assert np.max(np.abs(got_f.outputs - got_l.outputs)) > 1e-6  # not ignored


def test_last_forward_in_batch_is_the_outputs_after_one_epoch_less():
    net = NET_221_SIG
    got, _, _ = run(net, Options(6, outputs="last_forward"))
    shorter, _, _ = run(net, Options(5))
    assert np.array_equal(got.outputs, shorter.outputs)


def test_shared_bias_moves_by_the_sum_of_its_neurons_gradients():
    """A shared bias is one parameter: its gradient is the sum over the neurons that use it."""
    net = make_net([2, 2, 1], ["sigmoid", "sigmoid"], "half_squared_error", ROWS3, [[0.9], [0.1], [0.6]],
                   eta="0.7", seed=1, bias="shared")
    for opt in (Options(1), Options(4)):
        expected, _, _ = reference(net, opt)
        got, _, _ = run(net, opt)
        assert_close(got.weights, expected, rel=1e-12)


# -- 2. float replay against the 40-digit replay (and the reference at 40 digits) ------------

@pytest.mark.parametrize("name, opt", [
    ("2-2-1 sigmoid", Options(20)),
    ("2-3-2 tanh", Options(12, mode="online")),
    ("2-3-2 tanh/sigmoid", Options(8, mode="online", forward="every_epoch", hidden_deltas="after_update")),
    ("2-2-2-1", Options(5, forward="once", update_biases=False)),
    ("2-2-1 sigmoid", Options(15, mode="online", forward="once", gradient="squared_error")),
])
def test_float_replay_agrees_with_exact_replay(name, opt):
    net = NETS[name]
    got, example, case = run(net, opt)
    exact = exact_replay(example.network_of(case), case, case.training, opt.epochs)
    assert set(exact.weights) == set(got.weights)
    for pname, value in exact.weights.items():
        assert isinstance(value, mpmath.mpf)
        assert abs(got.weights[pname] - float(value)) <= 1e-10 * abs(float(value)) + 1e-14, pname
    # the exact path is the same procedure: it agrees with the reference at 40 digits to ~30 digits
    with mpmath.workdps(EXACT_DIGITS):
        expected, _, _ = reference(net, opt, exact=True)
        for pname, value in expected.items():
            assert abs(exact.weights[pname] - value) <= mpmath.mpf("1e-30") * max(1, abs(value)), pname


# -- 3. tutorial3: the printed outputs and the tutorial's own NumPy loop ----------------------

def tutorial3_loop(epochs: int = 10_000):
    """tutorial3's code, as the tutorial writes it (its prints kept as values)."""

    def sigmoid(x):
        return 1 / (1 + np.exp(-x))

    def sigmoid_derivative(x):
        return x * (1 - x)

    inputs = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]])
    outputs = np.array([[0], [0], [1], [1]])
    np.random.seed(42)
    weights = 2 * np.random.random((3, 1)) - 1
    printed = []
    for iteration in range(epochs):
        input_layer = inputs
        layer_output = sigmoid(np.dot(input_layer, weights))
        error = outputs - layer_output
        adjustments = error * sigmoid_derivative(layer_output)
        weights += np.dot(input_layer.T, adjustments)
        if iteration % 1000 == 0:
            printed.append((iteration, np.mean(np.abs(error))))
    return weights, layer_output, printed


@pytest.fixture(scope="module")
def tutorial3():
    example = load_file(resolve("tutorial3"))
    case = example.case("training")
    network = example.network_of(case)
    return example, case, network, replay(network, case, case.training)


def test_tutorial3_initial_weights_are_numpys_bit_for_bit(tutorial3):
    _, case, network, _ = tutorial3
    state = np.random.get_state()
    try:
        np.random.seed(42)
        expected = 2 * np.random.random((3, 1)) - 1
    finally:
        np.random.set_state(state)
    names = [row[0] for row in zip(*network.layers[0].weights)]  # input i -> the one neuron
    assert names == ["w1", "w2", "w3"]
    for i, name in enumerate(names):
        value = case.parameters[name]
        assert value == Fraction(float(expected[i, 0]))  # the exact rational of the float drawn
        assert float(value) == expected[i, 0]


def test_tutorial3_prints_the_outputs_after_10000_epochs(tutorial3):
    _, case, _, run3 = tutorial3
    assert case.training.epochs == 10_000
    printed = ["0.00966808", "0.00786589", "0.99358863", "0.99211705"]
    assert run3.outputs.shape == (4, 1)
    for r, text in enumerate(printed):
        assert f"{run3.outputs[r, 0]:.8f}" == text
        assert abs(Decimal(repr(float(run3.outputs[r, 0]))) - Decimal(text)) <= Decimal("0.5e-8")


def test_tutorial3_replay_matches_the_tutorials_loop(tutorial3):
    _, _, _, run3 = tutorial3
    state = np.random.get_state()
    try:
        weights, layer_output, printed = tutorial3_loop()
    finally:
        np.random.set_state(state)
    for i, name in enumerate(("w1", "w2", "w3")):
        assert run3.weights[name] == pytest.approx(weights[i, 0], rel=1e-12, abs=0)
    assert np.allclose(run3.outputs, layer_output, rtol=1e-12, atol=0)
    # the printed error every 1000 iterations is the replay's history (mean |error| before that iteration)
    history = dict(run3.history)
    assert sorted(history) == [0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10_000]
    for iteration, value in printed:
        assert history[iteration] == pytest.approx(value, rel=1e-12, abs=0)


def test_tutorial3_claims_are_correct():
    result = check(load_file(resolve("tutorial3")))
    verdicts = {v.claim.id: v.verdict for v in result.verdicts if v.claim.case == "training"}
    assert verdicts["array_outputs"] == "correct"
    assert verdicts["training_outputs_near_targets"] == "correct"
    assert verdicts["training_loss_decreases"] == "correct"


# -- 4. randn initial weights ------------------------------------------------------------------

@pytest.mark.parametrize("seed", [0, 1, 42, 2024])
def test_randn_init_reproduces_numpys_draws(seed):
    text = "\n".join([
        "[example]", 'name = "r"', "[network]", "sizes = [2, 3, 1]", 'bias = "none"',
        "[[cases]]", "inputs = [[1, 2]]", "targets = [[0.5]]",
        f'init = {{ method = "randn", seed = {seed}, layout = "inputs_by_neurons" }}', ""])
    example = load_text(text)
    case = example.cases[0]
    network = example.network_of(case)
    state = np.random.get_state()
    try:
        np.random.seed(seed)
        w1 = np.random.randn(2, 3)  # inputs x hidden neurons, drawn first
        w2 = np.random.randn(3, 1)
    finally:
        np.random.set_state(state)
    for layer, matrix in zip(network.layers, (w1, w2)):
        for j, row in enumerate(layer.weights):  # row j: neuron j's weights, one per input i
            for i, name in enumerate(row):
                assert float(case.parameters[name]) == matrix[i, j]
                assert case.parameters[name] == Fraction(float(matrix[i, j]))
    # and the other layout: (neurons, inputs) matrices
    example = load_text(text.replace("inputs_by_neurons", "neurons_by_inputs"))
    case = example.cases[0]
    rng = np.random.RandomState(seed)
    m1, m2 = rng.randn(3, 2), rng.randn(1, 3)
    for layer, matrix in zip(example.network_of(case).layers, (m1, m2)):
        for j, row in enumerate(layer.weights):
            for i, name in enumerate(row):
                assert float(case.parameters[name]) == matrix[j, i]


# -- 5. the monitored loss history ------------------------------------------------------------

@pytest.mark.parametrize("monitor", ["half_squared_error", "squared_error", "mean_squared_error",
                                     "mean_absolute_error", "binary_cross_entropy"])
def test_history_starts_at_the_loss_of_the_initial_weights(monitor):
    net = NET_232_MIX  # sigmoid outputs in (0, 1), 0/1 targets: every monitor is defined
    got, _, _ = run(net, Options(6, mode="online"), monitor=monitor)
    start = Reference(net).loss(monitor)
    assert got.history[0][0] == 0
    assert got.history[0][1] == pytest.approx(start, rel=1e-13, abs=0)
    # and the last entry is the loss after all epochs
    _, _, ref = reference(net, Options(6, mode="online"))
    assert got.history[-1] == (6, pytest.approx(ref.loss(monitor), rel=1e-12, abs=0))


def test_monitor_defaults_to_the_network_loss():
    got, _, _ = run(NET_232_TANH, Options(3))
    assert got.history[0][1] == pytest.approx(Reference(NET_232_TANH).loss("mean_squared_error"), rel=1e-13)


def _losses_after(net: Net, opt: Options, monitor: str) -> list:
    """The monitored loss with the weights after 0, 1, ..., opt.epochs epochs (reference)."""
    values = []
    for k in range(opt.epochs + 1):
        _, _, ref = reference(net, replace(opt, epochs=k))
        values.append(ref.loss(monitor))
    return values


@pytest.mark.parametrize("epochs, every, listed", [
    (7, 3, [0, 3, 6, 7]),
    (6, 2, [0, 2, 4, 6]),
    (5, 1, [0, 1, 2, 3, 4, 5]),
    (5, 9, [0, 5]),
    (25, 0, [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 25]),  # 0: about ten points
])
def test_report_every_lists_the_epochs_and_the_loss_after_each(epochs, every, listed):
    net = NET_221_SIG
    opt = Options(epochs, mode="online")
    got, _, _ = run(net, opt, monitor="half_squared_error", report_every=every)
    assert [epoch for epoch, _ in got.history] == listed
    expected = _losses_after(net, opt, "half_squared_error")
    for epoch, value in got.history:
        assert value == pytest.approx(expected[epoch], rel=1e-12, abs=0), epoch


@pytest.mark.parametrize("mode", ["batch", "online"])
def test_history_with_forward_every_epoch_is_the_loss_after_each_epoch(mode):
    net = NET_232_TANH
    opt = Options(4, mode=mode, forward="every_epoch")
    got, _, _ = run(net, opt, report_every=1)
    expected = _losses_after(net, opt, "mean_squared_error")
    assert [e for e, _ in got.history] == [0, 1, 2, 3, 4]
    for epoch, value in got.history:
        assert value == pytest.approx(expected[epoch], rel=1e-12, abs=0), epoch


@pytest.mark.parametrize("mode", ["batch", "online"])
def test_history_with_forward_once_is_the_loss_after_each_epoch(mode):
    net = NET_232_TANH
    opt = Options(4, mode=mode, forward="once")
    got, _, _ = run(net, opt, report_every=1)
    expected = _losses_after(net, opt, "mean_squared_error")
    for epoch, value in got.history:
        assert value == pytest.approx(expected[epoch], rel=1e-12, abs=0), epoch


def test_marks_give_snapshots_and_losses_after_those_epochs():
    net = NET_232_TANH
    opt = Options(6, mode="online")
    example = load_text(net.toml(epochs=6, mode="online"))
    case = example.cases[0]
    got = replay(example.network_of(case), case, case.training, marks=frozenset({2, 5}))
    for k in (2, 5):
        _, _, ref = reference(net, replace(opt, epochs=k))
        outs = ref.outputs()
        assert np.allclose(got.snapshots[k], outs, rtol=1e-12, atol=1e-14)
        assert got.losses_at[k] == pytest.approx(ref.loss("mean_squared_error"), rel=1e-12)
    assert_close(got.weights, reference(net, opt)[0])


# -- 6. training claims through handcalc.check ------------------------------------------------

def claims_file(net: Net, claims: list[str], **training) -> str:
    return net.toml(**training) + "\n" + "\n".join(claims)


def claim(**fields) -> str:
    lines = ["[[claims]]", 'case = "training"']
    for key, value in fields.items():
        if isinstance(value, bool):
            lines.append(f"{key} = {str(value).lower()}")
        elif isinstance(value, str) and key not in ("stated", "tolerance"):
            lines.append(f'{key} = "{value}"')
        elif isinstance(value, list):
            lines.append(f"{key} = " + _rows(value))
        else:
            lines.append(f"{key} = {value}")
    return "\n".join(lines) + "\n"


def verdicts_of(text: str) -> dict[str, str]:
    result = check(load_text(text))
    return {v.claim.id: v.verdict for v in result.verdicts}


def _sig(value: float, digits: int) -> str:
    return f"{value:.{digits}g}"


def _wrong_text(text: str) -> str:
    """The same number with its last digit moved by 3 (well outside its rounding)."""
    last = int(text[-1])
    return text[:-1] + str((last + 3) % 10)


def test_training_claims_correct_and_wrong():
    net = NET_221_SIG
    opt = Options(8, mode="online")
    _, outs, ref = reference(net, opt)
    loss8 = ref.loss("half_squared_error")
    _, _, ref3 = reference(net, replace(opt, epochs=3))
    loss3 = ref3.loss("half_squared_error")
    gap = max(abs(o - t) for row_o, row_t in zip(outs, ref.T) for o, t in zip(row_o, row_t))
    shown = [[f"{o:.6f}" for o in row] for row in outs]
    wrong_shown = [row[:] for row in shown]
    wrong_shown[1][0] = _wrong_text(wrong_shown[1][0])
    claims = [
        claim(id="dec", kind="training", check="loss_decreases"),
        claim(id="at_ok", kind="training", check="loss_at", stated=_sig(loss8, 6)),
        claim(id="at_bad", kind="training", check="loss_at", stated=_wrong_text(_sig(loss8, 6))),
        claim(id="at3_ok", kind="training", check="loss_at", epoch=3, stated=_sig(loss3, 5)),
        claim(id="at3_bad", kind="training", check="loss_at", epoch=3, stated=_sig(loss8, 5)),
        claim(id="near_ok", kind="training", check="outputs_near_targets", tolerance=f"{gap * 1.01:.6g}"),
        claim(id="near_bad", kind="training", check="outputs_near_targets", tolerance=f"{gap * 0.99:.6g}"),
        claim(id="arr_ok", kind="array", array="outputs", stage="after_training", stated=shown),
        claim(id="arr_bad", kind="array", array="outputs", stage="after_training", stated=wrong_shown),
    ]
    verdicts = verdicts_of(claims_file(net, claims, epochs=8, mode="online"))
    assert verdicts == {"dec": "correct", "at_ok": "correct", "at_bad": "wrong", "at3_ok": "correct",
                        "at3_bad": "wrong", "near_ok": "correct", "near_bad": "wrong", "arr_ok": "correct",
                        "arr_bad": "wrong"}


def test_loss_decreases_is_wrong_when_the_loss_grows():
    """One identity neuron, w = 1, x = 1, target 0, eta = 3: w -> -2w, the loss grows fourfold each epoch."""
    text = "\n".join([
        "[example]", 'name = "grow"', "[network]", "sizes = [1, 1]", 'activation = "identity"', 'bias = "none"',
        "[parameters]", "w1 = 1", "[[cases]]", 'name = "training"', "inputs = [[1]]", "targets = [[0]]",
        "learning_rate = 3", "[cases.training]", "epochs = 3", "report_every = 1", ""])
    claims = [claim(id="dec", kind="training", check="loss_decreases"),
              claim(id="no_dec", kind="training", check="loss_decreases", holds=False),
              claim(id="at", kind="training", check="loss_at", stated="32"),  # (1/2)(-8)^2
              claim(id="at1", kind="training", check="loss_at", epoch=1, stated="2")]  # (1/2)(-2)^2
    verdicts = verdicts_of(text + "\n" + "\n".join(claims))
    assert verdicts == {"dec": "wrong", "no_dec": "correct", "at": "correct", "at1": "correct"}
    example = load_text(text)
    case = example.cases[0]
    got = replay(example.network_of(case), case, case.training)
    assert got.weights["w1"] == -8.0
    assert list(got.history) == [(0, 0.5), (1, 2.0), (2, 8.0), (3, 32.0)]


def test_a_later_claim_does_not_move_the_runs_own_outputs():
    net = NET_221_SIG
    opt = Options(8, mode="online")
    _, outs, _ = reference(net, opt)
    shown = [[f"{o:.6f}" for o in row] for row in outs]
    claims = [claim(id="arr", kind="array", array="outputs", stage="after_training", stated=shown),
              claim(id="later", kind="training", check="loss_decreases", epoch=40)]
    verdicts = verdicts_of(claims_file(net, claims, epochs=8, mode="online"))
    assert verdicts["arr"] == "correct"


def test_loss_at_an_intermediate_epoch_with_forward_once():
    net = NET_232_TANH
    _, _, ref = reference(net, Options(2, forward="once"))
    claims = [claim(id="at2", kind="training", check="loss_at", epoch=2, stated=_sig(ref.loss("mean_squared_error"), 6))]
    verdicts = verdicts_of(claims_file(net, claims, epochs=4, forward="once", report_every=1))
    assert verdicts["at2"] == "correct"


def test_holds_false_turns_a_check_into_its_negation():
    """"Never gets within 0.1 of the targets" is right exactly when the replay's largest gap exceeds 0.1."""
    net = NET_221_SIG
    opt = Options(8, mode="online")
    _, outs, ref = reference(net, opt)
    gap = max(abs(o - t) for row_o, row_t in zip(outs, ref.T) for o, t in zip(row_o, row_t))
    claims = [
        claim(id="near", kind="training", check="outputs_near_targets", tolerance=f"{gap * 1.01:.6g}", holds=False),
        claim(id="far", kind="training", check="outputs_near_targets", tolerance=f"{gap * 0.99:.6g}", holds=False),
        claim(id="dec", kind="training", check="loss_decreases", holds=False),
    ]
    verdicts = verdicts_of(claims_file(net, claims, epochs=8, mode="online"))
    assert verdicts == {"near": "wrong", "far": "correct", "dec": "wrong"}
    assert ref.loss("half_squared_error") < reference(net, replace(opt, epochs=0))[2].loss("half_squared_error")


def test_holds_false_does_not_fit_loss_at():
    bad = claims_file(NET_221_SIG, [claim(kind="training", check="loss_at", stated="0.1", holds=False)], epochs=2)
    with pytest.raises(InputError, match=r"holds = false fits loss_decreases and outputs_near_targets"):
        load_text(bad)


def test_an_unseeded_runs_claim_is_unchecked_but_shows_the_replay_seeds_result():
    text = claims_file(NET_221_SIG, [claim(id="near", kind="training", check="outputs_near_targets",
                                           tolerance="1e-9")], epochs=3)
    text = text.replace("[cases.training]", 'init = { method = "randn", seed = "none", replay_seed = 7 }\n'
                        "[cases.training]", 1)
    (verdict,) = check(load_text(text)).verdicts
    assert verdict.verdict == "unchecked"
    assert "not reproducible" in verdict.explanation
    assert "the replay from the documented seed 7: after 3 epochs the largest |output - target|" in verdict.explanation
    assert verdict.explanation.endswith("(would be wrong)")
