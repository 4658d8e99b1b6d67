"""After-training numbers (one output, the loss, a weight, predictions) and seeded draws that cover biases.

The expected numbers come from a NumPy training loop written here, as a
tutorial's code would write it, never from handcalc.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from handcalc.check import check
from handcalc.cli import main
from handcalc.read.loader import load_text

X = np.array([[0.0, 1.0], [1.0, 0.5], [0.25, 0.75]])
T = np.array([[1.0], [0.0], [0.5]])
W1 = np.array([[0.3, -0.2], [0.45, 0.1]])  # rows: neurons h1, h2; columns: inputs
B1 = np.array([0.05, -0.05])
W2 = np.array([[0.6, -0.35]])
B2 = np.array([0.2])
ETA, EPOCHS = 0.75, 4

NET = f"""
[network]
sizes = [2, 2, 1]
bias = "per_neuron"

[parameters]
w1 = 0.3
w2 = -0.2
w3 = 0.45
w4 = 0.1
w5 = 0.6
w6 = -0.35
b1_1 = 0.05
b1_2 = -0.05
b2_1 = 0.2

[[cases]]
name = "run"
inputs = [[0.0, 1.0], [1.0, 0.5], [0.25, 0.75]]
targets = [[1.0], [0.0], [0.5]]
learning_rate = {ETA}

[cases.training]
epochs = {EPOCHS}
mode = "batch"
predict = [[0.5, 0.5]]
"""


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-z))


def _train() -> dict[str, np.ndarray]:
    """Full-batch gradient descent on E = sum 1/2 (t - out)^2, biases updated, as a tutorial's loop does."""
    w1, b1, w2, b2 = W1.copy(), B1.copy(), W2.copy(), B2.copy()
    for _ in range(EPOCHS):
        hidden = _sigmoid(X @ w1.T + b1)
        out = _sigmoid(hidden @ w2.T + b2)
        delta = (out - T) * out * (1 - out)
        delta_hidden = (delta @ w2) * hidden * (1 - hidden)
        w2, b2 = w2 - ETA * delta.T @ hidden, b2 - ETA * delta.sum(axis=0)
        w1, b1 = w1 - ETA * delta_hidden.T @ X, b1 - ETA * delta_hidden.sum(axis=0)
    out = _sigmoid(_sigmoid(X @ w1.T + b1) @ w2.T + b2)
    prediction = _sigmoid(_sigmoid(np.array([[0.5, 0.5]]) @ w1.T + b1) @ w2.T + b2)
    return {"out": out, "loss": ((T - out) ** 2).sum() / 2, "w5": w2[0, 0], "prediction": prediction}


def _claims(result: dict[str, np.ndarray]) -> str:
    return f"""
[[claims]]
id = "out_row2"
quantity = "out_y1_r2"
stage = "after_training"
stated = "{result['out'][1, 0]:.6f}"

[[claims]]
id = "loss"
quantity = "E_total"
stage = "after_training"
stated = "{result['loss']:.5f}"

[[claims]]
id = "w5"
quantity = "w5"
stage = "after_training"
stated = "{result['w5']:.7f}"

[[claims]]
id = "prediction"
kind = "array"
array = "predictions"
stage = "after_training"
stated = [[{result['prediction'][0, 0]:.6f}]]

[[claims]]
id = "off"
quantity = "out_y1_r1"
stage = "after_training"
stated = "{result['out'][0, 0] + 0.01:.6f}"
"""


def test_one_output_the_loss_a_weight_and_predictions_after_training() -> None:
    result = _train()
    verdicts = {v.claim.id: v for v in check(load_text(NET + _claims(result), "run.toml")).verdicts}
    for name in ("out_row2", "loss", "w5", "prediction"):
        assert verdicts[name].verdict == "correct", verdicts[name].explanation
        assert "tolerance" not in (verdicts[name].explanation or "")
    assert verdicts["off"].verdict == "wrong"
    assert f"{result['out'][0, 0]:.6f}" in verdicts["off"].explanation


def test_predictions_need_the_after_training_stage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(NET + '[[claims]]\nkind = "array"\narray = "predictions"\nstated = [[0.5]]\n', encoding="utf-8")
    assert main([str(path)]) == 2
    assert "predictions exist only after training" in capsys.readouterr().err


DRAWN = """
[network]
sizes = [2, 3, 1]
bias = "{bias}"

[[cases]]
name = "drawn"
inputs = [[1, 0]]
targets = [[1]]
init = {{ method = "randn", seed = 7, layout = "inputs_by_neurons"{order} }}
"""


def test_seeded_draws_cover_biases_in_the_order_the_code_draws_them() -> None:
    text = DRAWN.format(bias="per_neuron", order=', order = ["W1", "b1", "W2", "b2"], bias_method = "uniform_01"')
    case = load_text(text, "drawn.toml").cases[0]
    np.random.seed(7)  # the tutorial's code: weights then biases, layer by layer
    w1 = np.random.randn(2, 3)
    b1 = np.random.random(3)
    w2 = np.random.randn(3, 1)
    b2 = np.random.random(1)
    p = case.parameters
    assert [p[f"w{k + 1}"] for k in range(6)] == [Fraction(float(w1[i, j])) for j in range(3) for i in range(2)]
    assert [p["w7"], p["w8"], p["w9"]] == [Fraction(float(v)) for v in w2[:, 0]]
    assert [p["b1_1"], p["b1_2"], p["b1_3"], p["b2_1"]] == [Fraction(float(v)) for v in list(b1) + list(b2)]


def test_a_shared_bias_is_one_normal_draw() -> None:
    text = DRAWN.format(bias="shared", order=', order = ["W1", "W2", "b1", "b2"]')
    case = load_text(text, "drawn.toml").cases[0]
    np.random.seed(7)
    np.random.randn(2, 3)
    np.random.randn(3, 1)
    b1, b2 = np.random.normal(), np.random.normal()  # one scalar each, after all the weights
    assert (case.parameters["b1"], case.parameters["b2"]) == (Fraction(b1), Fraction(b2))


def test_a_draw_that_leaves_parameters_without_values_says_so(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "partial.toml"
    path.write_text(DRAWN.format(bias="per_neuron", order=""), encoding="utf-8")
    assert main([str(path)]) == 2
    err = capsys.readouterr().err
    assert "cases[0].init" in err and "no value for 'b1_1'" in err and "init.order" in err
