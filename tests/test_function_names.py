"""f(x), f'(x), σ and friends in a claim's expression: the network's activations by the names a file gives them.

Networks and numbers are made up here; expected values come from mpmath at 50 digits.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import mpmath
import pytest

from handcalc.check import check
from handcalc.read.loader import load_text
from handcalc.read.reader import InputError

mpmath.mp.dps = 50


def half_up(x: mpmath.mpf, places: int) -> str:
    return str(Decimal(mpmath.nstr(x, 45)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def network(activation: str, names: str = "", hidden: str | None = None) -> str:
    """A 2-1-1 network, no biases: x = (0.5, 0.2), w1 = 0.6, w2 = 1.5, w3 = 0.8, target 0.25: h1 = 0.6."""
    layers = f'\n[[network.layers]]\nactivation = "{hidden}"\n\n[[network.layers]]\n' if hidden else ""
    return f"""
[network]
sizes = [2, 1, 1]
activation = "{activation}"
bias = "none"
{names}
{layers}
[parameters]
w1 = 0.6
w2 = 1.5
w3 = 0.8

[[cases]]
inputs = [[0.5, 0.2]]
targets = [[0.25]]
"""


def claim(cid: str, quantity: str, expression: str, stated: str) -> str:
    return f'\n[[claims]]\nid = "{cid}"\nquantity = "{quantity}"\nexpression = "{expression}"\nstated = "{stated}"\n'


H1 = mpmath.mpf("0.6")  # 0.5*0.6 + 0.2*1.5


def test_declared_name_reads_as_the_activation_and_its_derivative() -> None:
    out_h1 = 1 / (1 + mpmath.exp(-H1))
    slope = out_h1 * (1 - out_h1)
    text = network("sigmoid", 'function_names = ["phi"]') + claim("o", "out_h1", "phi(0.6)", half_up(out_h1, 6)) + \
        claim("d", "dout_h1_dh1", "phi'(0.6)", half_up(slope, 6))
    verdicts = {v.claim.id: v for v in check(load_text(text)).verdicts}
    assert verdicts["o"].verdict == "correct" and verdicts["d"].verdict == "correct"
    assert verdicts["o[0.6]"].claim.quantity == "h1"  # 0.6 paired with h1 through phi(h1)
    assert verdicts["d[0.6]"].claim.quantity == "h1"  # and through phi'(h1)


def test_f_and_g_default_to_the_single_activation() -> None:
    text = network("tanh") + claim("o", "out_h1", "f(0.6)", half_up(mpmath.tanh(H1), 5)) + \
        claim("d", "dout_h1_dh1", "g'(0.6)", half_up(1 - mpmath.tanh(H1) ** 2, 5))
    verdicts = {v.claim.id: v for v in check(load_text(text)).verdicts}
    assert verdicts["o"].verdict == "correct" and verdicts["d"].verdict == "correct"


def test_a_table_names_the_activations_of_different_layers() -> None:
    # relu hidden layer: out_h1 = 0.6; identity output: y1 = 0.8*0.6 = 0.48
    names = 'function_names = { r = "relu", f = "identity" }'
    text = network("identity", names, hidden="relu") + claim("o", "out_h1", "r(0.6)", "0.6") + \
        claim("y", "out_y1", "f(0.8*0.6)", "0.480") + claim("d", "dout_h1_dh1", "r'(0.6)", "1")
    verdicts = {v.claim.id: v for v in check(load_text(text)).verdicts}
    assert [verdicts[c].verdict for c in "oyd"] == ["correct"] * 3


@pytest.mark.parametrize(("names", "hidden", "message"), [
    ('function_names = ["f"]', "relu", "the layers use different activations (relu, identity)"),
    ('function_names = ["exp"]', None, "'exp' already means exp in an expression"),
    ('function_names = { f = "softmax" }', None, "unknown activation 'softmax'"),
    ('function_names = "f"', None, "expected a list of names or a table"),
])
def test_bad_function_names_are_clear_errors(names: str, hidden: str | None, message: str) -> None:
    with pytest.raises(InputError) as caught:
        load_text(network("identity", names, hidden=hidden))
    assert message in str(caught.value)


def test_declared_names_replace_the_default_ones() -> None:
    with pytest.raises(InputError) as caught:
        load_text(network("sigmoid", 'function_names = ["phi"]') + claim("o", "out_h1", "f(0.6)", "0.65"))
    assert "unknown function 'f'" in str(caught.value) and "phi" in str(caught.value)


def test_undeclared_f_with_mixed_activations_is_an_error_naming_the_column() -> None:
    text = network("identity", hidden="relu") + claim("o", "out_h1", "2 * f(0.3)", "0.6")
    with pytest.raises(InputError) as caught:
        load_text(text)
    assert "unknown function 'f'" in str(caught.value) and "at column 5" in str(caught.value)
