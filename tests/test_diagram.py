"""The network picture: every weight, bias and neuron value is in it, labels stand clear, every case draws.

Expected numbers are the tutorials' own (w1 = 0.11, ...) or worked out here
with `math` (h1 = 0.03*0.11 + 0.09*0.27 + 0.39); handcalc's rounding is not
used to produce them.
"""

from __future__ import annotations

import math
import struct
import sys
import xml.etree.ElementTree as ElementTree
from functools import lru_cache
from itertools import combinations
from pathlib import Path

import pytest

pytest.importorskip("matplotlib")

from handcalc.output import diagram  # noqa: E402
from handcalc.read.catalog import resolve  # noqa: E402
from handcalc.check import CaseResult, check_case  # noqa: E402
from handcalc.read.reader import InputError  # noqa: E402
from handcalc.model import Network  # noqa: E402
from handcalc.read.loader import load_file, load_text  # noqa: E402

TUTORIAL1_WEIGHTS = {"w1": "0.11", "w2": "0.27", "w3": "0.19", "w4": "0.52",
                     "w5": "0.44", "w6": "0.48", "w7": "0.23", "w8": "0.29"}


@lru_cache(maxsize=None)
def _case(example: str, name: str) -> tuple[CaseResult, Network]:
    loaded = load_file(resolve(example))
    case = loaded.case(name)
    return check_case(loaded, case), loaded.network_of(case)


@pytest.fixture(scope="module")
def tutorial1() -> tuple[CaseResult, Network]:
    return _case("tutorial1", "first_row")


def _svg_texts(path: Path) -> list[str]:
    """Every line of text in an SVG written with svg.fonttype "none"."""
    return [element.text or "" for element in ElementTree.parse(path).iter("{http://www.w3.org/2000/svg}text")]


def _monospace(text: str, size: float) -> tuple[float, float]:
    """A stand-in for matplotlib's text extent: 0.6 em per character, 1.2 em per line, in inches."""
    lines = text.split("\n")
    return max(len(line) for line in lines) * size * 0.6 / 72, len(lines) * size * 1.2 / 72


def _overlaps(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


def _assert_clear(picture: diagram.Layout) -> None:
    """No two edge labels overlap, no label covers a neuron, edges from one node label at different fractions."""
    labelled = [edge for edge in picture.edges if edge.label]
    for first, second in combinations(labelled, 2):
        assert not _overlaps(first.label_box(), second.label_box()), (first.label, second.label)
        if first.source == second.source:
            assert first.fraction != second.fraction, (first.label, second.label)
    for edge in labelled:
        for node in picture.nodes:
            assert not _overlaps(edge.label_box(), node.box), (edge.label, node.text)


def test_svg_shows_every_weight_bias_and_neuron_value(tutorial1, tmp_path):
    path = diagram.draw(*tutorial1, tmp_path / "tutorial1.svg")
    texts = _svg_texts(path)
    for name, value in TUTORIAL1_WEIGHTS.items():
        assert f"{name} = {value}" in texts
    assert "b1 = 0.39" in texts and "b2 = 0.42" in texts
    assert "b1" in texts and "b2" in texts  # the bias nodes
    h1 = 0.03 * 0.11 + 0.09 * 0.27 + 0.39
    assert f"h1 = {h1:.4f}" in texts  # h1 = 0.4176 exactly
    assert f"out_h1 = {1 / (1 + math.exp(-h1)):.4f}" in texts
    assert {"x1 = 0.03", "x2 = 0.09", "T1 = 0.01", "T2 = 0.99"} <= set(texts)


def test_gradients_and_updates_are_shown(tutorial1, tmp_path):
    gradients = _svg_texts(diagram.draw(*tutorial1, tmp_path / "gradients.svg", show="gradients"))
    updated = _svg_texts(diagram.draw(*tutorial1, tmp_path / "updated.svg", show="updated"))
    assert all(f"dE/dw{k} = " in " ".join(gradients) for k in range(1, 9))
    # w5 -> w5 - eta * dE/dw5, eta = 0.3: the updated value is below 0.44 and shown after an arrow
    w5 = next(text for text in updated if text.startswith("w5 = 0.44 \u2192 "))
    assert 0.40 < float(w5.split("\u2192")[1]) < 0.44


def test_png_is_a_png_of_reasonable_size(tutorial1, tmp_path):
    path = diagram.draw(*tutorial1, str(tmp_path / "tutorial1.png"))
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    assert 800 < width < 6000 and 300 < height < 4000 and width > height
    assert len(data) > 20_000


@pytest.mark.parametrize("example, case, expected", [
    ("tutorial2", "hand", ["w9 = 0.9", "h1 = 7.6", "x2 = 9"]),  # h1 = 2*0.2 + 9*0.8
    ("tutorial3", "training", ["w1 = -0.2509", "x3 = 1"]),  # row 1 of 4; w1 = -0.250919762305275
    ("tutorial3", "frontprop", ["w = 0.5", "b = -0.2", "z = 49.8"]),  # z = 0.5*100 - 0.2
    ("tutorial2", "prediction", ["w1 = 0.2", "h1", "out_y1"]),  # no targets: names only on neurons
])
@pytest.mark.parametrize("show", diagram.SHOWS)
def test_shipped_cases_draw(example, case, expected, show, tmp_path):
    texts = _svg_texts(diagram.draw(*_case(example, case), tmp_path / "case.svg", show=show))
    assert all(text in texts or any(line.startswith(text + " ") for line in texts) for text in expected)


def test_tutorial_labels_stand_clear(tutorial1):
    for result, network in (tutorial1, _case("tutorial2", "hand")):
        for show in diagram.SHOWS:
            _assert_clear(diagram.layout(network, result, show, _monospace))


def test_wide_network_labels_stand_clear():
    weights = "\n".join(f"w{k} = {(k * 37 % 199 - 99) / 100}" for k in range(1, 8 * 8 + 8 * 4 + 1))
    biases = "\n".join(f"b{layer}_{j} = 0.{j}" for layer, size in ((1, 8), (2, 4)) for j in range(1, size + 1))
    loaded = load_text(f"""
[example]
name = "wide"
[network]
sizes = [8, 8, 4]
activation = "sigmoid"
loss = "half_squared_error"
bias = "per_neuron"
[parameters]
{weights}
{biases}
[[cases]]
inputs = [[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]]
""")
    case = loaded.cases[0]
    picture = diagram.layout(loaded.network, check_case(loaded, case), "values", _monospace)
    assert sum(1 for edge in picture.edges if edge.label) == 64 + 32 + 12
    _assert_clear(picture)


@pytest.mark.parametrize("name", ["tutorial1.jpg", "tutorial1", "tutorial1.svg.txt"])
def test_a_bad_suffix_is_an_input_error(tutorial1, tmp_path, name):
    with pytest.raises(InputError, match="must end in .png, .svg or .pdf"):
        diagram.draw(*tutorial1, tmp_path / name)


def test_a_pdf_diagram_is_a_pdf(tutorial1, tmp_path):
    written = diagram.draw(*tutorial1, tmp_path / "network.pdf")
    assert written.read_bytes()[:5] == b"%PDF-" and written.stat().st_size > 5_000


def test_bad_show_or_folder_is_an_input_error(tutorial1, tmp_path):
    with pytest.raises(InputError, match="show one of values, gradients, updated"):
        diagram.draw(*tutorial1, tmp_path / "x.png", show="weights")
    with pytest.raises(InputError, match="does not exist"):
        diagram.draw(*tutorial1, tmp_path / "missing" / "x.png")


def test_without_matplotlib_the_error_says_how_to_install_it(tutorial1, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(InputError, match=r"pip install 'handcalc\[diagram\]'"):
        diagram.draw(*tutorial1, tmp_path / "x.png")
    assert not (tmp_path / "x.png").exists()


# -- a softmax layer is drawn as one unit ------------------------------------------------------

SOFTMAX_FILE = Path(__file__).parent / "data" / "softmax_2_3_3.toml"
HIDDEN_SOFTMAX = """
[network]
sizes = [2, 3, 1]
loss = "half_squared_error"
[[network.layers]]
activation = "softmax"
[[network.layers]]
activation = "identity"
[parameters]
w1 = 0.1
w2 = 0.2
w3 = 0.3
w4 = 0.4
w5 = 0.5
w6 = 0.6
w7 = 0.7
w8 = 0.8
w9 = 0.9
b1 = 0.1
b2 = 0.2
[[cases]]
inputs = [[1, 2]]
targets = [[0.5]]
"""


def _softmax(logits: list[float]) -> list[float]:
    exps = [math.exp(v) for v in logits]
    return [v / sum(exps) for v in exps]


def _inside(inner: tuple[float, ...], outer: tuple[float, ...]) -> bool:
    return outer[0] < inner[0] and outer[1] < inner[1] and inner[2] < outer[2] and inner[3] < outer[3]


@pytest.mark.parametrize("source, framed", [("file", 2), ("hidden", 1)])
def test_softmax_layer_is_one_framed_unit(source, framed):
    loaded = load_file(SOFTMAX_FILE) if source == "file" else load_text(HIDDEN_SOFTMAX)
    case = loaded.cases[0]
    network = loaded.network_of(case)
    for show in diagram.SHOWS:
        picture = diagram.layout(network, check_case(loaded, case), show, _monospace)
        frames = [node for node in picture.nodes if node.kind == "softmax_frame"]
        members = [node for node in picture.nodes if node.kind == "softmax"]
        assert len(frames) == 1 and len(members) == 3
        assert all(_inside(node.box, frames[0].box) for node in members)  # every neuron of the layer in it ...
        others = [node for node in picture.nodes if node.kind not in ("softmax", "softmax_frame")]
        assert not any(_overlaps(node.box, frames[0].box) for node in others)  # ... and nothing else
        layer = network.layers[framed - 1]
        title = next(text for _, _, text, _, _ in picture.notes if "softmax" in text)
        assert title.endswith(f"{layer.post[0]} = e^{layer.pre[0]} / (e^{layer.pre[0]} + e^{layer.pre[1]} + "
                              f"e^{layer.pre[2]})")
        assert "outputs sum to 1" in title
        _assert_clear(picture)


def test_softmax_svg_shows_logits_probabilities_and_the_formula(tmp_path):
    loaded = load_file(SOFTMAX_FILE)
    case = loaded.cases[0]
    texts = _svg_texts(diagram.draw(check_case(loaded, case), loaded.network, tmp_path / "softmax.svg"))
    # row 1, worked here: x = (1.0, -0.5); relu leaves h1 = 0.5 + 0.15 + 0.1 = 0.75 and zeroes h2, h3
    logits = [0.75 * 0.3 + 0.05, 0.75 * -0.4 - 0.05, 0.75 * 0.2 + 0.1]
    probabilities = _softmax(logits)
    assert abs(sum(probabilities) - 1) < 1e-15
    for k, (y, p) in enumerate(zip(logits, probabilities), 1):
        assert f"y{k} = {y:.4g}" in texts
        assert f"out_y{k} = {p:.4g}" in texts
    assert "output layer: softmax, outputs sum to 1" in texts
    assert "out_y1 = e^y1 / (e^y1 + e^y2 + e^y3)" in texts


def test_networks_without_softmax_have_no_frame(tutorial1):
    picture = diagram.layout(tutorial1[1], tutorial1[0], "values", _monospace)
    assert not any(node.kind.startswith("softmax") for node in picture.nodes)
