"""Did-you-mean: the same name written another way, an index left off, initials, then the closest spelling."""

from __future__ import annotations

import pytest

from handcalc.cli import main
from handcalc.read.spelling import Names, folded, plain_form, suggest

# choice lists of my own making, so nothing depends on the tutorials' names
SQUASHES = ["clamp", "soft_clamp", "hard_tanh", "zero_slope_linear"]
TERMS = ["total_weighted_loss", "weighted_loss", "loss"]


@pytest.mark.parametrize("value, choices, meant", [
    ("CLAMP", SQUASHES, "clamp"),                     # case
    ("Soft-Clamp", SQUASHES, "soft_clamp"),           # case and separator
    ("hard tanh", SQUASHES, "hard_tanh"),
    ("zsl", SQUASHES, "zero_slope_linear"),           # initials
    ("twl", TERMS, "total_weighted_loss"),
    ("wl", TERMS, "weighted_loss"),
    ("q7", ["q7_1", "q7_2", "q70", "q8_1"], "q7_1"),  # an index left off after `_` (q70 is another name)
    ("act_n", ["act_n12", "act_n3", "act_m1"], "act_n12"),  # a digit after a letter: the first in sorted order
    ("dL/dv3", ["dL_dv3", "dL_dv30", "dv3"], "dL_dv3"),
    ("clmap", SQUASHES, "clamp"),                     # no alias: the closest spelling
])
def test_a_name_written_another_way_is_suggested(value, choices, meant) -> None:
    assert suggest(value, choices) == f" (did you mean {meant!r}?)"
    assert suggest(value, Names(choices)) == f" (did you mean {meant!r}?)"  # the indexed set agrees


def test_nothing_near_suggests_nothing() -> None:
    assert suggest("qqqq", SQUASHES) == "" and suggest("", SQUASHES) == "" and suggest(3, SQUASHES) == ""
    assert Names(["q70", "q71"]).aliases.find("q7") is None  # a digit after a digit: another number, not an index


def test_a_derivative_written_as_a_ratio_is_looked_up_as_one_name() -> None:
    from handcalc.read.spelling import joined_ratio

    assert joined_ratio("dL", "2 * dL / dv3 + 1") == "dL_dv3"
    assert joined_ratio("dL", "2 * xdL/dv3 + dL") == "dL"  # xdL is another name; no ratio after dL
    assert suggest(joined_ratio("dE", "dE/dw9 * 2"), Names(["dE_dw9", "dE_db1_1", "w9"])) == " (did you mean 'dE_dw9'?)"


def test_folded_and_plain_forms() -> None:
    assert folded("dE/dw7") == folded("DE_DW7") == folded(" de--dw7 ") == "de_dw7"
    assert plain_form("dE/dw7") == "dE_dw7" and plain_form("Out h1") == "Out_h1"
    assert plain_form("dE_dw7") == "" and plain_form("7/x") == ""  # already plain; no plain form


def test_the_index_is_built_on_the_first_look_up_and_answers_without_scanning() -> None:
    names = Names([f"n{i}_c{j}" for i in range(1, 201) for j in range(1, 151)])  # 30,000 names
    assert "aliases" not in names.__dict__  # lazy: a set that is never looked up costs nothing more
    assert suggest("N17_C150", names) == " (did you mean 'n17_c150'?)"
    assert suggest("n17", names) == " (did you mean 'n17_c1'?)"  # sorted: n17_c1 < n17_c10 < ...
    assert "aliases" in names.__dict__


def _file(tmp_path, activation: str, loss: str, bias_name: str, quantity: str, expression: str = "q1 * 2"):
    path = tmp_path / "mine.toml"
    path.write_text(f"""[example]
name = "mine"
title = "2-3-1 network of my own"

[network]
sizes = [2, 3, 1]
activation = "{activation}"
loss = "{loss}"
bias = "per_neuron"

[[network.layers]]
pre = ["p1", "p2", "p3"]
post = ["q1", "q2", "q3"]

[[network.layers]]

[parameters]
w1 = 0.1
w2 = -0.2
w3 = 0.3
w4 = 0.4
w5 = -0.5
w6 = 0.6
w7 = 0.7
w8 = 0.8
w9 = -0.9
{bias_name} = 0.01
b1_2 = 0.02
b1_3 = 0.03
b2_1 = 0.04

[[cases]]
inputs = [[1.0, 2.0]]
targets = [[0.5]]

[[claims]]
quantity = "{quantity}"
stated = "0.1"

[[claims]]
quantity = "y1"
expression = "{expression}"
stated = "0.1"
""", encoding="utf-8")
    return str(path)


def test_the_loader_suggests_the_name_meant(tmp_path, capsys) -> None:
    assert main([_file(tmp_path, "Leaky-ReLU", "MSE", "b1", "dE/dw9")]) == 2
    err = capsys.readouterr().err
    assert "unknown activation 'Leaky-ReLU'" in err and "(did you mean 'leaky_relu'?)" in err
    assert "unknown loss 'MSE'" in err and "(did you mean 'mean_squared_error'?)" in err
    assert "'b1' is not a parameter of the network (did you mean 'b1_1'?)" in err
    assert "'dE/dw9' is not a plain name" in err and "(did you mean 'dE_dw9'?)" in err


def test_claims_on_unknown_quantities_suggest_the_name_meant(tmp_path, capsys) -> None:
    assert main([_file(tmp_path, "tanh", "squared_error", "b1_1", "DE_DW9", "OUT_Y1 - Q1")]) == 2
    err = capsys.readouterr().err
    assert "no quantity named 'DE_DW9' in case case1 (did you mean 'dE_dw9'?)" in err
    assert "no quantity named 'OUT_Y1' in case case1 (did you mean 'out_y1'?)" in err  # the first unknown name
    assert main([_file(tmp_path, "tanh", "squared_error", "b1_1", "y1", "dE/dw9 * 2")]) == 2
    assert "no quantity named 'dE' in case case1 (did you mean 'dE_dw9'?)" in capsys.readouterr().err
