"""The plain-float replay (`handcalc.floats.scalar`) against the NumPy replay and reference loops written elsewhere.

Random small networks of this file's own making, trained one row a step with
every procedure option the scalar path takes: both paths must agree to
rounding (1e-12 relative) on the weights, the losses recorded, the outputs,
the snapshots claims ask for and the predictions.  The expected numbers come
from the tests' own reference loops (`test_training.reference`, plain SGD;
`test_update_rule.train`, momentum and weight decay), which use nothing of
handcalc.  `replay.replay` must pick the scalar path for these networks and
NumPy for the others.
"""

from __future__ import annotations

import random

import numpy as np
import pytest

from handcalc.floats import arithmetic, scalar
from handcalc.floats import replay as numpy_replay
from handcalc.read.loader import load_text
from test_training import Options, assert_close, make_net, reference
from test_update_rule import train

REL = 1e-12

ACTIVATIONS = ["sigmoid", "tanh", "relu", "identity", "leaky_relu", "softplus", "elu"]


LOSSES = ["half_squared_error", "squared_error", "mean_squared_error", "binary_cross_entropy"]


def _random_net(seed: int, activations: list[str] = ACTIVATIONS, losses: list[str] = LOSSES):
    """A network of 1-3 layers of 1-3 neurons, random activations and loss, 1-4 rows."""
    rng = random.Random(seed)
    sizes = [rng.randint(1, 3) for _ in range(rng.randint(2, 4))]
    loss = rng.choice(losses)
    activations = [rng.choice(activations) for _ in sizes[1:]]
    if loss == "binary_cross_entropy":
        activations[-1] = "sigmoid"
    rows = [[round(rng.uniform(-1, 1), 2) for _ in range(sizes[0])] for _ in range(rng.randint(1, 4))]
    targets = [[round(rng.uniform(0.05, 0.95), 2) for _ in range(sizes[-1])] for _ in rows]
    bias = rng.choice(["none", "per_neuron", "shared"])
    return make_net(sizes, activations, loss, rows, targets, eta=rng.choice(["0.1", "0.25", "0.5"]), seed=seed,
                    bias=bias), rng


def _training(net, rng: random.Random, epochs: int) -> dict:
    options = dict(epochs=epochs, mode="online", forward=rng.choice(["every_update", "every_epoch", "once"]),
                   hidden_deltas=rng.choice(["before_update", "after_update"]),
                   update_biases=net.bias != "shared" and rng.random() < 0.7,
                   outputs=rng.choice(["final_weights", "last_forward"]), report_every=rng.choice([1, 3, 7]),
                   monitor=rng.choice([net.loss, "mean_absolute_error", "half_squared_error"]))
    rule = rng.choice(["sgd", "sgd", "classical", "nesterov", "coupled", "decoupled"])
    options.update({"classical": dict(momentum="0.5"), "nesterov": dict(momentum="0.5", nesterov=True),
                    "coupled": dict(weight_decay="0.125"),
                    "decoupled": dict(weight_decay="0.125", decay_form="decoupled")}.get(rule, {}))
    if rule == "nesterov":  # the look-ahead needs a fresh forward pass taken before the update
        options.update(forward="every_update", hidden_deltas="before_update")
    if len(net.rows) > 1 and rng.random() < 0.2:
        options["predict"] = [[0.25] * len(net.rows[0])]
    return options


def _case(net, training: dict):
    training = dict(training)
    predict = training.pop("predict", None)
    text = net.toml(**training)  # [cases.training] is the file's last table
    if predict:
        text += "predict = [" + ", ".join("[" + ", ".join(map(str, row)) + "]" for row in predict) + "]\n"
    example = load_text(text)
    case = example.cases[0]
    return example.network_of(case), case


def _numpy(network, case, epochs, marks=frozenset(), keep=frozenset()):
    with np.errstate(all="ignore"):
        return numpy_replay._run(network, case, case.training, epochs, numpy_replay._Ops(exact=False),
                                 marks, None, keep)


def _close(a, b, rel: float = REL) -> None:
    """Equal to `rel` relative; a diverged run's nan and inf must be the same in both."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    assert a.shape == b.shape
    same = (np.isnan(a) & np.isnan(b)) | (a == b)
    with np.errstate(invalid="ignore"):
        assert np.all(same | (np.abs(a - b) <= rel * np.abs(b) + 1e-15)), (a, b)


def _same_weights(a: dict, b: dict, rel: float = REL) -> None:
    assert list(a) == list(b)
    _close([float(v) for v in a.values()], [float(v) for v in b.values()], rel)


def _float_rounding(network, case, epochs: int, theirs) -> float:
    """How far NumPy's float64 weights end from the 40-digit replay's (relative): the rounding this run shows.

    The two float paths add a step's rows in different orders, and a run that amplifies rounding (a few
    of the random ones do) takes such last-bit differences to 1e-10; they agree to 1e-12 or to a few times
    the distance float64 itself keeps from the 40-digit run.
    """
    import mpmath

    with mpmath.workdps(40):
        exact = numpy_replay._run(network, case, case.training, epochs, numpy_replay._Ops(exact=True))
    with np.errstate(all="ignore"):
        far = [abs(float(theirs.weights[n]) - float(v)) / abs(float(v)) for n, v in exact.weights.items() if v]
    return max([REL, *(4 * d for d in far if np.isfinite(d))])


@pytest.mark.parametrize("mode", ["online", "batch"])
@pytest.mark.parametrize("seed", range(40))
def test_scalar_and_numpy_paths_agree(seed: int, mode: str) -> None:
    net, rng = _random_net(seed)
    network, case = _case(net, {**_training(net, rng, rng.randint(1, 30)), "mode": mode})
    assert scalar.supports(network, case, case.training, exact=True)  # a run it can replay, whatever its size
    epochs = case.training.epochs + 3
    marks = frozenset({1, epochs})
    keep = frozenset({2})
    ours = scalar.run(network, case, case.training, epochs, marks, None, keep)
    theirs = _numpy(network, case, epochs, marks, keep)
    assert ours is not None
    rel = _float_rounding(network, case, epochs, theirs)
    assert rel < 1e-8
    _same_weights(ours.weights, theirs.weights, rel)
    assert [e for e, _ in ours.history] == [e for e, _ in theirs.history]
    _close([v for _, v in ours.history], [v for _, v in theirs.history], rel)
    _close([v for _, v in ours.curve], [v for _, v in theirs.curve], rel)
    _close(ours.outputs, theirs.outputs, rel)
    assert set(ours.snapshots) == set(theirs.snapshots) == marks
    for epoch in marks:
        _close(ours.snapshots[epoch], theirs.snapshots[epoch], rel)
        _close(ours.losses_at[epoch], theirs.losses_at[epoch], rel)
    _same_weights(ours.weights_at[2], theirs.weights_at[2], rel)
    assert (ours.prediction is None) == (theirs.prediction is None)
    if ours.prediction is not None:
        _close(ours.prediction, theirs.prediction, rel)


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("hidden", ["before_update", "after_update"])
def test_plain_sgd_is_the_reference_loop(seed: int, hidden: str) -> None:
    net, rng = _random_net(100 + seed, ["sigmoid", "tanh", "identity"])  # what the reference loop knows
    opt = Options(epochs=rng.randint(1, 25), mode="online", hidden_deltas=hidden,
                  update_biases=net.bias != "shared", forward=rng.choice(["every_update", "every_epoch", "once"]))
    network, case = _case(net, dict(epochs=opt.epochs, mode=opt.mode, hidden_deltas=opt.hidden_deltas,
                                    update_biases=opt.update_biases, forward=opt.forward))
    expected, _, _ = reference(net, opt)
    ours = numpy_replay.replay(network, case, case.training)  # the scalar path: see the next test
    assert_close(ours.weights, expected)


@pytest.mark.parametrize("rule", ["classical", "nesterov", "coupled", "decoupled"])
@pytest.mark.parametrize("seed", range(6))
def test_momentum_and_decay_are_the_reference_rule(rule: str, seed: int) -> None:
    net, rng = _random_net(200 + seed, ["relu", "identity", "tanh", "sigmoid"], ["half_squared_error"])
    settings = {"classical": dict(mu=0.5), "nesterov": dict(mu=0.5, nesterov=True), "coupled": dict(lam=0.125),
                "decoupled": dict(lam=0.125, form="decoupled")}[rule]
    training = {"classical": dict(momentum="0.5"), "nesterov": dict(momentum="0.5", nesterov=True),
                "coupled": dict(weight_decay="0.125"),
                "decoupled": dict(weight_decay="0.125", decay_form="decoupled")}[rule]
    epochs = rng.randint(1, 20)
    if net.bias == "shared":  # the reference moves every bias: a shared one would be tied (NumPy's case)
        net.bias = "none"
        for layer in net.layers:
            layer.biases = layer.bias_names = None
    network, case = _case(net, dict(epochs=epochs, mode="online", **training))
    expected, loss, _ = train(net, epochs, mode="online", **settings)
    ours = scalar.run(network, case, case.training, epochs)
    assert_close(ours.weights, expected)
    _close(ours.history[-1][1], loss)


def test_the_replay_picks_plain_floats_for_small_steps_only(monkeypatch) -> None:
    """Plain floats when a step's rows x parameters are at most SCALAR_WORK (20) per layer, else NumPy."""
    calls = []
    original = scalar.run
    monkeypatch.setattr(scalar, "run", lambda *args, **kw: calls.append(args[0]) or original(*args, **kw))
    rows = [[0.1, 0.2], [0.3, -0.4], [0.5, 0.6], [-0.7, 0.8]]
    small = make_net([2, 2, 1], ["sigmoid", "sigmoid"], "half_squared_error", rows, [[0.5], [0.25], [0.75], [0.5]])
    network, case = _case(small, dict(epochs=5, mode="online"))  # 1 row x 9 parameters, 2 layers
    numpy_replay.replay(network, case, case.training)
    assert len(calls) == 1
    network, case = _case(small, dict(epochs=5, mode="batch"))  # 4 x 9 = 36 <= 40
    numpy_replay.replay(network, case, case.training)
    assert len(calls) == 2
    wide = make_net([2, 2, 1], ["sigmoid", "sigmoid"], "half_squared_error", rows * 2, [[0.5]] * 8)
    network, case = _case(wide, dict(epochs=5, mode="batch"))  # 8 x 9 = 72 > 40: NumPy's
    numpy_replay.replay(network, case, case.training)
    assert len(calls) == 2
    large = make_net([4, 6, 3], ["tanh", "sigmoid"], "half_squared_error", [[0.1, 0.2, 0.3, 0.4]],
                     [[0.5, 0.25, 0.75]])  # 24 + 6 + 18 + 3 = 51 parameters > 40, even one row a step
    network, case = _case(large, dict(epochs=5, mode="online"))
    numpy_replay.replay(network, case, case.training)
    assert len(calls) == 2


def test_a_run_leaving_floats_range_is_replayed_by_numpy() -> None:
    """e^800 overflows in plain floats (OverflowError) where NumPy carries inf: NumPy replays the run."""
    net = make_net([1, 1], ["sigmoid"], "half_squared_error", [[1]], [[0.5]], bias="none")
    net.layers[0].weights = [["-800"]]  # z = -800: the sigmoid is 1/(1 + e^800) = 0 in float64
    network, case = _case(net, dict(epochs=3, mode="online"))
    assert scalar.supports(network, case, case.training)
    assert scalar.run(network, case, case.training, 3) is None
    replayed = numpy_replay.replay(network, case, case.training)
    assert float(replayed.weights["w1_1_1"]) == -800.0  # the output 0 has slope 0: nothing moves
    _close(replayed.outputs, [[0.0]])


# -- 40 digits: plain lists of MPFR (gmpy2) or mpmath numbers, against NumPy's object arrays --------------


def _digits(a, b, digits: int = 30) -> None:
    """Equal to `digits` significant digits (a diverged run's nan and inf alike)."""
    import mpmath

    with mpmath.workdps(60):  # no rounding of the numbers compared
        for x, y in zip(np.ravel(np.asarray(a, dtype=object)), np.ravel(np.asarray(b, dtype=object))):
            x, y = mpmath.mpf(x), mpmath.mpf(y)
            if mpmath.isnan(x) or mpmath.isinf(x):
                assert (mpmath.isnan(x) and mpmath.isnan(y)) or x == y, (x, y)
                continue
            assert abs(x - y) <= mpmath.mpf(10) ** -digits * max(abs(y), 1), (x, y)


@pytest.mark.parametrize("gmpy", [True, False])
@pytest.mark.parametrize("seed", range(12))
def test_40_digit_paths_agree(seed: int, gmpy: bool, monkeypatch) -> None:
    import mpmath

    monkeypatch.setattr(arithmetic, "USE_GMPY2", gmpy)
    net, rng = _random_net(300 + seed)
    training = _training(net, rng, rng.randint(1, 8))
    training["mode"] = rng.choice(["online", "batch"])  # any number of rows a step, at 40 digits
    network, case = _case(net, training)
    assert scalar.supports(network, case, case.training, exact=True)
    with mpmath.workdps(40):
        ours = scalar.run(network, case, case.training, case.training.epochs, frozenset({1}), exact=True)
        theirs = numpy_replay._run(network, case, case.training, case.training.epochs,
                                   numpy_replay._Ops(exact=True), frozenset({1}))
    assert all(isinstance(v, mpmath.mpf) for v in ours.weights.values())
    assert list(ours.weights) == list(theirs.weights)
    _digits(list(ours.weights.values()), list(theirs.weights.values()))
    _digits([v for _, v in ours.history], [v for _, v in theirs.history])
    _digits(ours.outputs, theirs.outputs)
    _digits(ours.snapshots[1], theirs.snapshots[1])


def test_exact_replay_uses_plain_lists_and_gives_mpmath_numbers() -> None:
    import mpmath

    net = make_net([2, 2, 1], ["sigmoid", "sigmoid"], "half_squared_error", [[0.1, 0.2], [0.3, -0.4]],
                   [[0.5], [0.25]])
    network, case = _case(net, dict(epochs=3, mode="batch"))
    replayed = numpy_replay.exact_replay(network, case, case.training, 3)
    with mpmath.workdps(40):
        expected, _, _ = reference(net, Options(epochs=3), exact=True)
    assert all(isinstance(v, mpmath.mpf) for v in replayed.weights.values())
    _digits(list(replayed.weights.values()), [expected[name] for name in replayed.weights], 35)


WITHOUT_GMPY2 = """
import sys
sys.modules["gmpy2"] = None  # as if it were not installed: importing it fails
import mpmath.libmp
from handcalc.floats import arithmetic
from handcalc.floats.replay import exact_replay
from handcalc.read.loader import load_text
example = load_text(open(sys.argv[1]).read())
case = example.cases[0]
network = example.network_of(case)
print(mpmath.libmp.BACKEND, arithmetic._gmpy2())
for name, value in exact_replay(network, case, case.training, case.training.epochs).weights.items():
    print(name, mpmath.nstr(value, 45))
"""


def test_without_gmpy2_the_40_digit_replay_is_pure_mpmath(tmp_path) -> None:
    """The pure-Python fall-back (no gmpy2, mpmath's own backend) gives the numbers gmpy2 gives, to 35 digits."""
    import os
    import subprocess
    import sys

    import mpmath

    net = make_net([3, 3, 2], ["tanh", "sigmoid"], "binary_cross_entropy", [[0.1, 0.2, -0.3], [0.3, -0.4, 0.5]],
                   [[1, 0], [0, 1]], eta="0.5", seed=7)
    text = net.toml(epochs=20, mode="online", momentum="0.5")
    path = tmp_path / "net.toml"
    path.write_text(text, encoding="utf-8")
    env = {**os.environ, "MPMATH_NOGMPY": "1"}
    out = subprocess.run([sys.executable, "-c", WITHOUT_GMPY2, str(path)], capture_output=True, text=True,
                         env=env, check=True).stdout.splitlines()
    assert out[0] == "python None"
    example = load_text(text)
    case = example.cases[0]
    with mpmath.workdps(50):
        theirs = {name: mpmath.mpf(value) for name, value in (line.split() for line in out[1:])}
        ours = numpy_replay.exact_replay(example.network_of(case), case, case.training, 20).weights
        assert list(ours) == list(theirs)
        _digits(list(ours.values()), list(theirs.values()), 35)
