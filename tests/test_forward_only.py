"""Cases a text works without a full network run: forward only (no targets), and what is not computed."""

from __future__ import annotations

from fractions import Fraction

import mpmath

from handcalc.check import check
from handcalc.read.loader import load_text

NEURON = """
[network]
sizes = [2, 1]
bias = "shared"
inputs = ["a", "b"]

[[network.layers]]
pre = ["sum"]
post = ["act"]
weights = [["u", "v"]]
biases = ["c"]

[parameters]
u = 0.25
v = -2
c = 1.5

[[cases]]
name = "neuron"
inputs = [[2, 0.5]]

[[claims]]
quantity = "sum"
stated = "1"

[[claims]]
quantity = "act"
stated = "{act}"

[[claims]]
quantity = "E_total"
stated = "0.1"

[[claims]]
quantity = "dE_du"
stated = "0.1"

[[claims]]
quantity = "dact_du"
stated = "{dact_du}"
"""


def test_a_case_without_targets_is_worked_forward() -> None:
    z = Fraction(1, 4) * 2 + Fraction(-2) * Fraction(1, 2) + Fraction(3, 2)  # 0.5 - 1 + 1.5 = 1
    act = 1 / (1 + mpmath.exp(-mpmath.mpf(z.numerator) / z.denominator))
    text = NEURON.format(act=mpmath.nstr(act, 6), dact_du=mpmath.nstr(act * (1 - act) * 2, 5))
    verdicts = {v.claim.id: v for v in check(load_text(text, "neuron.toml")).verdicts}
    assert verdicts["sum"].verdict == "correct"
    assert verdicts["act"].verdict == "correct"
    assert verdicts["dact_du"].verdict == "correct"  # a derivative within the forward pass
    for name in ("E_total", "dE_du"):
        assert verdicts[name].verdict == "unchecked"
        assert "has no targets" in verdicts[name].explanation
