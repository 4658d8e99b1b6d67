"""A softmax + cross-entropy training run, replayed over several epochs, against a loop written here.

`reference` trains a 3-4-3 network of this file (a tanh hidden layer, a
softmax output, categorical cross-entropy as the mean over rows) with mpmath
at 50 digits: scalar loops, softmax as e^y_k / sum e^y, the loss as
-(1/rows) sum T ln(out), and its own backward pass through softmax's full
Jacobian (dE/dy_j = sum_i dE/dout_i * out_i (delta_ij - out_j)), not the
simplified out - T, so nothing is shared with handcalc's shortcut.  One target
row is a soft probability vector.  The claims on the final loss and outputs are
the reference's numbers rounded here; one is planted wrong.
"""

from __future__ import annotations

import mpmath
import pytest

from handcalc.check import check
from handcalc.floats.replay import exact_replay, replay
from handcalc.read.loader import load_text

X = [["0.5", "-1.0", "0.25"], ["1.5", "0.5", "-0.75"], ["-0.25", "1.0", "1.0"], ["0.0", "0.5", "-0.5"]]
T = [["1", "0", "0"], ["0", "1", "0"], ["0", "0", "1"], ["0.25", "0.5", "0.25"]]  # the last row: soft targets
W1 = [["0.4", "-0.3", "0.2"], ["0.1", "0.5", "-0.6"], ["-0.2", "0.3", "0.7"], ["0.6", "0.1", "-0.1"]]
B1 = ["0.05", "-0.1", "0.0", "0.2"]
W2 = [["0.3", "-0.5", "0.2", "0.4"], ["-0.4", "0.6", "0.1", "-0.2"], ["0.2", "0.1", "-0.3", "0.5"]]
B2 = ["0.1", "0.0", "-0.1"]
ETA = "0.8"


def _names():
    w1 = [[f"a{j + 1}{i + 1}" for i in range(3)] for j in range(4)]
    w2 = [[f"c{k + 1}{j + 1}" for j in range(4)] for k in range(3)]
    return w1, [f"b1_{j + 1}" for j in range(4)], w2, [f"b2_{k + 1}" for k in range(3)]


def _forward(w1, b1, w2, b2, x):
    hidden = [mpmath.tanh(sum(w1[j][i] * x[i] for i in range(3)) + b1[j]) for j in range(4)]
    y = [sum(w2[k][j] * hidden[j] for j in range(4)) + b2[k] for k in range(3)]
    total = sum(mpmath.exp(v) for v in y)
    return hidden, [mpmath.exp(v) / total for v in y]


def _loss(params, xs, ts):
    return -sum(t * mpmath.log(o) for x, tr in zip(xs, ts) for t, o in zip(tr, _forward(*params, x)[1])) / len(xs)


def reference(epochs, mode="batch", momentum=0):
    """Return (weights by name, final loss, final outputs per row) after `epochs` of training (50 digits)."""
    with mpmath.workdps(50):
        return _reference(epochs, mode, momentum)


def _reference(epochs, mode, momentum):
    num = lambda text: mpmath.mpf(text)  # noqa: E731
    w1, b1 = [[num(v) for v in r] for r in W1], [num(v) for v in B1]
    w2, b2 = [[num(v) for v in r] for r in W2], [num(v) for v in B2]
    xs, ts = [[num(v) for v in r] for r in X], [[num(v) for v in r] for r in T]
    eta, mu = num(ETA), num(momentum)
    params = [w1, b1, w2, b2]
    velocity = [[[0] * 3 for _ in range(4)], [0] * 4, [[0] * 4 for _ in range(3)], [0] * 3]
    groups = [list(range(4))] if mode == "batch" else [[r] for r in range(4)]
    for _ in range(epochs):
        for rows in groups:
            g = [[[0] * 3 for _ in range(4)], [0] * 4, [[0] * 4 for _ in range(3)], [0] * 3]
            for r in rows:
                hidden, out = _forward(*params, xs[r])
                d_out = [-ts[r][i] / out[i] / len(rows) for i in range(3)]  # d(-T ln out / rows)/d out
                d_y = [sum(d_out[i] * out[i] * ((1 if i == j else 0) - out[j]) for i in range(3)) for j in range(3)]
                d_h = [sum(d_y[k] * w2[k][j] for k in range(3)) * (1 - hidden[j] ** 2) for j in range(4)]
                for k in range(3):
                    g[3][k] += d_y[k]
                    for j in range(4):
                        g[2][k][j] += d_y[k] * hidden[j]
                for j in range(4):
                    g[1][j] += d_h[j]
                    for i in range(3):
                        g[0][j][i] += d_h[j] * xs[r][i]
            for p, v, d in zip(params, velocity, g):
                for a in range(len(p)):
                    if isinstance(p[a], list):
                        for b in range(len(p[a])):
                            v[a][b] = mu * v[a][b] - eta * d[a][b]
                            p[a][b] += v[a][b]
                    else:
                        v[a] = mu * v[a] - eta * d[a]
                        p[a] += v[a]
    names = _names()
    values = {}
    for name_block, p in zip(names, params):
        for a, n in enumerate(name_block):
            if isinstance(n, list):
                values.update(zip(n, p[a]))
            else:
                values[n] = p[a]
    return values, _loss(params, xs, ts), [_forward(*params, x)[1] for x in xs]


def _toml(epochs, mode="batch", momentum=None, claims=""):
    w1, b1, w2, b2 = _names()
    lines = ["[network]", "sizes = [3, 4, 3]", 'loss = "cross_entropy"', 'bias = "per_neuron"', "",
             "[[network.layers]]", 'activation = "tanh"', f"weights = {w1!r}".replace("'", '"'),
             f"biases = {b1!r}".replace("'", '"'), "",
             "[[network.layers]]", 'activation = "softmax"', f"weights = {w2!r}".replace("'", '"'),
             f"biases = {b2!r}".replace("'", '"'), "", "[parameters]"]
    for names, values in ((w1, W1), (w2, W2)):
        lines += [f"{n} = {v}" for rn, rv in zip(names, values) for n, v in zip(rn, rv)]
    lines += [f"{n} = {v}" for n, v in zip(b1 + b2, B1 + B2)]
    rows = lambda m: "[" + ", ".join("[" + ", ".join(r) + "]" for r in m) + "]"  # noqa: E731
    lines += ["", "[[cases]]", 'name = "run"', f"inputs = {rows(X)}", f"targets = {rows(T)}",
              f"learning_rate = {ETA}", "", "[cases.training]", f"epochs = {epochs}", f'mode = "{mode}"']
    if momentum:
        lines.append(f"momentum = {momentum}")
    return "\n".join(lines) + "\n" + claims


@pytest.mark.parametrize("mode,momentum", [("batch", None), ("online", None), ("batch", "0.5"), ("online", "0.5")])
def test_replays_are_the_reference_loop(mode, momentum):
    expected, loss, outputs = reference(8, mode, momentum or 0)
    example = load_text(_toml(8, mode, momentum))
    case = example.cases[0]
    network = example.network_of(case)
    fast = replay(network, case, case.training)
    with mpmath.workdps(40):
        exact = exact_replay(network, case, case.training, 8)
    for name, value in expected.items():
        assert abs(exact.weights[name] - value) < mpmath.mpf("1e-35"), name
        assert fast.weights[name] == pytest.approx(float(value), rel=1e-12, abs=1e-15), name
    assert abs(exact.history[-1][1] - loss) < mpmath.mpf("1e-35")
    assert fast.history[-1][1] == pytest.approx(float(loss), rel=1e-12)
    for row, want in zip(fast.outputs, outputs):
        assert list(row) == pytest.approx([float(v) for v in want], rel=1e-12)


@mpmath.workdps(50)
def test_the_loss_falls_and_the_reference_is_its_own_gradient():
    # a check on the checker: one reference step moves each weight by -eta times the loss's numerical slope
    start, first, _ = reference(0)
    after, second, _ = reference(1)
    assert second < first
    w1, b1, w2, b2 = [[[mpmath.mpf(v) for v in r] for r in W1], [mpmath.mpf(v) for v in B1],
                      [[mpmath.mpf(v) for v in r] for r in W2], [mpmath.mpf(v) for v in B2]]
    xs, ts = [[mpmath.mpf(v) for v in r] for r in X], [[mpmath.mpf(v) for v in r] for r in T]
    h = mpmath.mpf("1e-20")
    for block, (a, b), name in ((w2, (1, 2), "c23"), (w1, (3, 0), "a41")):
        block[a][b] += h
        up = _loss([w1, b1, w2, b2], xs, ts)
        block[a][b] -= 2 * h
        down = _loss([w1, b1, w2, b2], xs, ts)
        block[a][b] += h
        slope = (up - down) / (2 * h)
        assert abs((start[name] - after[name]) / mpmath.mpf(ETA) - slope) < mpmath.mpf("1e-30"), name


def _round(value, digits):
    return mpmath.nstr(value, digits, strip_zeros=False, min_fixed=-30, max_fixed=30)


def test_claims_on_the_final_loss_and_outputs():
    epochs = 12
    _, loss, outputs = reference(epochs, "online", "0.5")
    _, loss_at_5, _ = reference(5, "online", "0.5")
    claims = f"""
[[claims]]
id = "final_loss"
kind = "training"
check = "loss_at"
stated = "{_round(loss, 6)}"

[[claims]]
id = "loss_epoch_5"
kind = "training"
check = "loss_at"
epoch = 5
stated = "{_round(loss_at_5, 5)}"

[[claims]]
id = "row4_out_y2"
quantity = "out_y2_r4"
stage = "after_training"
stated = "{_round(outputs[3][1], 6)}"

[[claims]]
id = "probabilities"
kind = "array"
array = "outputs"
stage = "after_training"
stated = [{", ".join("[" + ", ".join(_round(v, 4) for v in row) + "]" for row in outputs)}]

[[claims]]
id = "soft_row"
kind = "array"
array = "outputs"
row = 4
stage = "after_training"
stated = [{", ".join(_round(v, 3) for v in outputs[3])}]

[[claims]]
id = "soft_row_off"
kind = "array"
array = "outputs"
row = 4
stage = "after_training"
stated = [{_round(outputs[3][0], 3)}, {_round(outputs[3][1] - mpmath.mpf("0.05"), 3)}, {_round(outputs[3][2], 3)}]

[[claims]]
id = "falls"
kind = "training"
check = "loss_decreases"

[[claims]]
id = "planted"
quantity = "out_y3_r3"
stage = "after_training"
stated = "{_round(outputs[2][2] + mpmath.mpf('0.02'), 6)}"
"""
    result = check(load_text(_toml(epochs, "online", "0.5", claims)))
    verdicts = {v.claim.id.split("[")[0]: v for v in result.verdicts}
    for name in ("final_loss", "loss_epoch_5", "row4_out_y2", "falls", "soft_row"):
        assert verdicts[name].verdict == "correct", (name, verdicts[name].explanation)
    probabilities = [v for v in result.verdicts if v.claim.id.startswith("probabilities")]
    assert probabilities and {v.verdict for v in probabilities} == {"correct"}
    assert verdicts["soft_row_off"].verdict == "wrong" and "[0][1] is" in verdicts["soft_row_off"].explanation
    assert "[0][0]" not in verdicts["soft_row_off"].explanation
    assert verdicts["planted"].verdict == "wrong"
    assert _round(outputs[2][2], 6)[:7] in verdicts["planted"].explanation
    assert result.exit_code == 1
