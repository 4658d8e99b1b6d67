"""Any derivative dA_dB of two named quantities, aliases, and `handcalc names`.

Made-up networks; every expected value is computed here with mpmath from the
network's own formulas (by hand-written chain rule and by numerical
differentiation), never taken from handcalc.
"""

from __future__ import annotations

from pathlib import Path

import mpmath
import pytest

from handcalc.check import case_values, check
from handcalc.cli import main
from handcalc.read.loader import load_text

mpmath.mp.dps = 50

NET = """
[network]
sizes = [2, 2, 1]
bias = "none"

[parameters]
w1 = 0.5
w2 = -0.25
w3 = 0.75
w4 = 0.125
w5 = 1.5
w6 = -0.5

[[cases]]
name = "c"
inputs = [[1, 2]]
targets = [[0.25]]
learning_rate = 0.5

[aliases]
delta_y1 = "dE_dy1"
link = "dout_y1_dout_h1"
"""

W = {"w1": "0.5", "w2": "-0.25", "w3": "0.75", "w4": "0.125", "w5": "1.5", "w6": "-0.5"}


def _s(z):
    return 1 / (1 + mpmath.exp(-z))


def _forward(x1=mpmath.mpf(1), x2=mpmath.mpf(2), **over):
    w = {k: mpmath.mpf(v) for k, v in W.items()}
    w.update(over)
    h1, h2 = x1 * w["w1"] + x2 * w["w2"], x1 * w["w3"] + x2 * w["w4"]
    o1, o2 = _s(h1), _s(h2)
    y = o1 * w["w5"] + o2 * w["w6"]
    out = _s(y)
    return {"h1": h1, "h2": h2, "o1": o1, "o2": o2, "y": y, "out": out, "E": (mpmath.mpf("0.25") - out) ** 2 / 2}


def _values(claims: str = ""):
    example = load_text(NET + claims, "made_up.toml")
    return example, case_values(example, example.cases[0])


def test_a_derivative_two_steps_apart_is_the_product_of_its_factors() -> None:
    _, values = _values()
    f = _forward()
    expected = mpmath.mpf("1.5") * f["out"] * (1 - f["out"])  # dout_y1/dout_h1 = w5 * f'(y1)
    found = values.derivative("dout_y1_dout_h1")
    assert found.paths == (("dout_y1_dy1", "dy1_dout_h1"),)
    assert abs(mpmath.mpf(str(found.value)) - expected) < mpmath.mpf(10) ** -40


def test_the_total_derivative_sums_every_path() -> None:
    _, values = _values()
    numeric = mpmath.diff(lambda x1: _forward(x1=x1)["E"], mpmath.mpf(1))
    found = values.derivative("dE_dx1")  # E: the total error, through h1 and h2
    assert found.path_count == 2
    assert abs(mpmath.mpf(str(found.value)) - numeric) < mpmath.mpf(10) ** -30
    assert values["dE_total_dx1"] == found.value


def test_a_derivative_with_respect_to_a_weight_several_steps_down() -> None:
    _, values = _values()
    numeric = mpmath.diff(lambda w1: _forward(w1=w1)["out"], mpmath.mpf("0.5"))
    assert abs(mpmath.mpf(str(values["dout_y1_dw1"])) - numeric) < mpmath.mpf(10) ** -30
    assert values["dout_h1_dw3"] == 0  # out_h1 does not depend on w3: no path


def test_an_alias_names_a_quantity_or_a_derivative() -> None:
    _, values = _values()
    assert values["delta_y1"] == values["dE_dy1"]
    assert values["link"] == values["dout_y1_dout_h1"]


def test_claims_on_derivatives_and_aliases_are_judged(tmp_path: Path) -> None:
    f = _forward()
    link = mpmath.mpf("1.5") * f["out"] * (1 - f["out"])
    delta = (f["out"] - mpmath.mpf("0.25")) * f["out"] * (1 - f["out"])
    claims = f"""
[[claims]]
quantity = "dout_y1_dout_h1"
stated = "{mpmath.nstr(link, 4)}"

[[claims]]
quantity = "delta_y1"
stated = "{mpmath.nstr(delta, 5)}"

[[claims]]
id = "wrong"
quantity = "dout_y1_dout_h1"
stated = "{mpmath.nstr(link * 2, 4)}"

[[claims]]
id = "written"
quantity = "dout_y1_dout_h1"
expression = "1.5 * {mpmath.nstr(f['out'] * (1 - f['out']), 4)}"
stated = "{mpmath.nstr(link, 4)}"
"""
    example, _ = _values(claims)
    verdicts = {v.claim.id: v for v in check(example).verdicts}
    assert verdicts["dout_y1_dout_h1"].verdict == "correct"
    assert verdicts["delta_y1"].verdict == "correct"
    assert verdicts["wrong"].verdict == "wrong"
    # the number written in the expression is paired with the factor it stands for
    assert f"written[{mpmath.nstr(f['out'] * (1 - f['out']), 4)}]" in verdicts
    assert verdicts[f"written[{mpmath.nstr(f['out'] * (1 - f['out']), 4)}]"].claim.quantity == "dout_y1_dy1"


def test_an_unknown_derivative_name_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(NET + '\n[[claims]]\nquantity = "dout_y1_dout_h9"\nstated = "1"\n', encoding="utf-8")
    assert main([str(path)]) == 2
    assert "no quantity named 'dout_y1_dout_h9'" in capsys.readouterr().err


def test_an_alias_of_nothing_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(NET.replace('delta_y1 = "dE_dy1"', 'delta_y1 = "dE_dq1"'), encoding="utf-8")
    assert main([str(path)]) == 2
    assert "aliases.delta_y1" in capsys.readouterr().err


def test_names_lists_every_quantity_and_shows_a_derivative(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "net.toml"
    path.write_text(NET, encoding="utf-8")
    assert main(["names", str(path)]) == 0
    listing = capsys.readouterr().out
    f = _forward()
    for name in ("x1", "h1", "out_h2", "E_total", "dE_dw5", "new_w6", "delta_y1"):
        assert f"\n{name} " in listing
    assert "Any dA_dB" in listing
    assert main(["names", str(path), "dout_y1_dout_h1"]) == 0
    shown = capsys.readouterr().out
    assert "dout_y1_dout_h1 = dout_y1_dy1*dy1_dout_h1 = " in shown
    assert mpmath.nstr(mpmath.mpf("1.5") * f["out"] * (1 - f["out"]), 12) in shown


def test_a_batch_derivative_follows_each_row(tmp_path: Path) -> None:
    text = NET.replace("inputs = [[1, 2]]", "inputs = [[1, 2], [0.5, -1]]").replace(
        "targets = [[0.25]]", "targets = [[0.25], [0.75]]").replace("dE_dy1", "dE_dy1_r1").replace(
        "dout_y1_dout_h1", "dout_y1_r2_dout_h1_r2")
    example = load_text(text, "batch.toml")
    values = case_values(example, example.cases[0])
    f = _forward(x1=mpmath.mpf("0.5"), x2=mpmath.mpf(-1))
    expected = mpmath.mpf("1.5") * f["out"] * (1 - f["out"])
    assert abs(mpmath.mpf(str(values["link"])) - expected) < mpmath.mpf(10) ** -40
    assert values["dout_y1_r1_dout_h1_r2"] == 0  # row 1's output does not see row 2
