"""Prediction claims: the predicted class (argmax, 1-based) and "the probabilities sum to 1".

The expected class is worked out here with fractions (softmax is increasing, so the
largest logit is the largest probability), never taken from handcalc.
"""

from __future__ import annotations

from fractions import Fraction

import mpmath
import pytest

from handcalc.check import check
from handcalc.read.loader import load_text
from handcalc.read.reader import InputError

W1 = [["0.4", "-0.7"], ["0.9", "0.2"], ["-0.3", "0.6"]]  # hidden neuron j: (from x1, from x2)
B1 = ["0.1", "-0.2", "0.3"]
W2 = [["0.5", "-0.8", "0.2"], ["-0.1", "0.7", "0.4"], ["0.3", "0.3", "-0.9"]]  # output k: from h1, h2, h3
B2 = ["0.05", "0.1", "-0.15"]
ROWS = [["1.0", "0.5"], ["-0.6", "0.9"]]


def network(claims: str, w2: list[list[str]] = W2, b2: list[str] = B2, output: str = "softmax",
            loss: str = "cross_entropy") -> str:
    """A 2-3-3 relu/softmax file with per-neuron biases, two rows, and the claims given."""
    lines = ["[network]", "sizes = [2, 3, 3]", f'loss = "{loss}"', 'bias = "per_neuron"',
             "[[network.layers]]", 'activation = "relu"', "[[network.layers]]", f'activation = "{output}"',
             "[parameters]"]
    weights = [w for row in W1 for w in row] + [w for row in w2 for w in row]
    lines += [f"w{i + 1} = {w}" for i, w in enumerate(weights)]
    lines += [f"b1_{j + 1} = {b}" for j, b in enumerate(B1)] + [f"b2_{k + 1} = {b}" for k, b in enumerate(b2)]
    lines += ["[[cases]]", "inputs = [[1.0, 0.5], [-0.6, 0.9]]", "targets = [[1, 0, 0], [0, 1, 0]]",
              "learning_rate = 0.1"]
    return "\n".join(lines) + "\n" + claims


def logits(row: list[str], w2: list[list[str]] = W2, b2: list[str] = B2) -> list[Fraction]:
    """The output pre-activations of a row, by hand with fractions."""
    x = [Fraction(v) for v in row]
    hidden = [max(Fraction(0), sum(Fraction(w) * xi for w, xi in zip(W1[j], x)) + Fraction(B1[j])) for j in range(3)]
    return [sum(Fraction(w) * h for w, h in zip(w2[k], hidden)) + Fraction(b2[k]) for k in range(3)]


def claim(check_: str, row: int, stated: int | None = None, claim_id: str = "p") -> str:
    text = f'[[claims]]\nkind = "prediction"\nid = "{claim_id}"\ncheck = "{check_}"\nrow = {row}\n'
    return text + (f"stated = {stated}\n" if stated is not None else "")


def verdicts(text: str) -> dict:
    return {v.claim.id: v for v in check(load_text(text)).verdicts}


def test_predicted_class_right_and_wrong_on_both_rows() -> None:
    expected = []
    for row in ROWS:
        z = logits(row)
        assert len(set(z)) == 3  # no tie in this network
        expected.append(z.index(max(z)) + 1)
    claims = "".join(claim("class", r + 1, expected[r], f"right{r + 1}") +
                     claim("class", r + 1, expected[r] % 3 + 1, f"wrong{r + 1}") for r in range(2))
    result = verdicts(network(claims))
    for r in range(2):
        assert result[f"right{r + 1}"].verdict == "correct"
        wrong = result[f"wrong{r + 1}"]
        assert wrong.verdict == "wrong"
        assert f"largest output is class {expected[r]}" in wrong.explanation


def test_a_tie_is_reported_not_broken() -> None:
    w2 = [W2[1], W2[1], W2[0]]  # outputs 1 and 2 get the same weights and bias: equal probabilities
    b2 = [B2[1], B2[1], B2[0]]
    z = logits(ROWS[0], w2, b2)
    assert z[0] == z[1] > z[2]  # worked out by hand: a tie for the largest
    for stated in (1, 2, 3):
        result = verdicts(network(claim("class", 1, stated), w2, b2))["p"]
        assert result.verdict == "wrong"
        assert "tie for the largest between classes 1, 2" in result.explanation


def test_probabilities_sum_to_one_for_softmax_and_not_for_sigmoid() -> None:
    assert verdicts(network(claim("sums_to_one", 2)))["p"].verdict == "correct"
    sigmoid = verdicts(network(claim("sums_to_one", 1), output="sigmoid", loss="half_squared_error"))["p"]
    total = sum(1 / (1 + mpmath.exp(-mpmath.mpf(z.numerator) / z.denominator)) for z in logits(ROWS[0]))
    assert abs(total - 1) > mpmath.mpf("1e-3")  # independently: these sigmoid outputs do not sum to 1
    assert sigmoid.verdict == "wrong"
    assert abs(mpmath.mpf(str(sigmoid.computed.evalf(30))) - total) < mpmath.mpf("1e-20")


@pytest.mark.parametrize("claims, message", [
    (claim("class", 1, 4), "[claims[0].stated] expected a class (1-based) from 1 to 3, found 4"),
    (claim("class", 1, 0), "[claims[0].stated] expected a class (1-based) from 1 to 3, found 0"),
    (claim("class", 1), "[claims[0].stated] is missing: expected the predicted class, 1 to 3"),
    (claim("class", 3, 1), "[claims[0].row] case case1 has no row 3"),
    (claim("sums_to_one", 1, 1), "[claims[0].stated] a sums_to_one claim states no number"),
    (claim("argmax", 1, 1), "[claims[0].check]"),
])
def test_bad_prediction_claims(claims: str, message: str) -> None:
    with pytest.raises(InputError) as raised:
        load_text(network(claims), "net.toml")
    assert message in str(raised.value)
