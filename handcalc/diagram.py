"""A picture of a network as the tutorials draw it: neurons in columns, every weight on its edge.

`draw` puts the inputs and each layer's neurons in columns, one bias node per
layer below the column feeding it, labels every edge with its weight (and its
gradient or updated value) and every neuron with its pre- and post-activation
values, and writes a PNG or SVG. Edge labels sit along their edges where a
small search finds them clear of each other, of the neurons and of the other
edges. Matplotlib is optional: it is imported only when a picture is drawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping

import sympy

from .errors import InputError
from .numbers import parse_rational, to_decimal_text

if TYPE_CHECKING:
    from .check import CaseResult
    from .example import Network

__all__ = ["SHOWS", "FORMATS", "draw"]

SHOWS = {"values": "weights", "gradients": "weights and their gradients dE/dw",
         "updated": "weights -> after one gradient step"}
FORMATS = (".png", ".svg")
MISSING_MATPLOTLIB = "drawing a diagram needs matplotlib: pip install 'handcalc[diagram]'"
EXACT_DIGITS = 6  # a value with at most this many decimals is shown exactly ...
ROUNDED_DIGITS = 4  # ... any other to this many significant digits
FRACTIONS = tuple(round(0.12 + 0.04 * k, 2) for k in range(20))  # where along its edge a label may sit
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#B8860B", "#56B4E9", "#7F3C8D", "#555555")
FILL = {"input": "#E3F2E1", "hidden": "#E1ECF7", "output": "#FBE7D6", "bias": "#F2F2F2"}
Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in inches


# -- the texts ------------------------------------------------------------------------------

def number_text(value: sympy.Expr) -> str:
    """Return short decimal text: exact when it has at most 6 decimals, else 4 significant digits."""
    if isinstance(value, sympy.Rational):
        text = to_decimal_text(value, EXACT_DIGITS)
        if sympy.Rational(text) == value:
            return text
    return to_decimal_text(value, ROUNDED_DIGITS)


def _short_text(text: str) -> bool:
    try:
        return len(Decimal(text.strip().replace("_", "")).as_tuple().digits) <= EXACT_DIGITS
    except InvalidOperation:
        return False


def quantity_texts(result_case: CaseResult) -> Callable[[str], str | None]:
    """Return a look-up: a quantity's number as the text wrote it when short, else rounded; None if unknown.

    A case with several rows names its quantities x1_r1, h1_r1, ...: row 1 is shown.
    """
    values: Mapping[str, Any] = result_case.values
    texts: Mapping[str, str] = result_case.case.texts

    def text(name: str) -> str | None:
        for key in (name, f"{name}_r1"):
            if key in texts and _short_text(texts[key]):
                return texts[key].strip()
            if key in values:
                return number_text(values[key])
            if key in texts:
                return number_text(parse_rational(texts[key]))
        return None

    return text


def _equation(name: str, text: str | None) -> str:
    return name if text is None else f"{name} = {text}"


def parameter_label(quantity: Callable[[str], str | None], name: str, show: str) -> str:
    """Return an edge's label: "w5 = 0.44", plus "dE/dw5 = ..." or "-> new value" as `show` asks."""
    value = quantity(name)
    label = _equation(name, value)
    if show == "gradients" and quantity(f"dE_d{name}") is not None:
        label += f"\ndE/d{name} = {quantity(f'dE_d{name}')}"
    elif show == "updated" and value is not None and quantity(f"new_{name}") is not None:
        label += f" \u2192 {quantity(f'new_{name}')}"
    return label


def neuron_label(quantity: Callable[[str], str | None], pre: str, post: str) -> str:
    """Return a neuron's label: "h1 = 0.4176" over "out_h1 = 0.6029"."""
    return f"{_equation(pre, quantity(pre))}\n{_equation(post, quantity(post))}"


# -- the layout, in inches ------------------------------------------------------------------

@dataclass(frozen=True)
class Node:
    """A box (neuron, input) or circle (bias) with its text, centred at x, y."""

    text: str
    kind: str  # input, hidden, output, bias
    x: float
    y: float
    width: float
    height: float

    @property
    def box(self) -> Box:
        """Return the node's extent."""
        return (self.x - self.width / 2, self.y - self.height / 2, self.x + self.width / 2, self.y + self.height / 2)


@dataclass
class Edge:
    """A connection and its label; `fraction` is where along it the label's centre sits."""

    start: tuple[float, float]
    end: tuple[float, float]
    source: str  # edges leaving the same node get labels at different fractions
    group: int  # the layer it feeds: labels only compete with labels of their own group
    color: str
    dashed: bool = False
    label: str = ""
    size: tuple[float, float] = (0.0, 0.0)  # the label's width and height
    fraction: float = 0.5

    def label_box(self, fraction: float | None = None) -> Box:
        """Return the label's extent at `fraction` (default: its own) of the way along the edge."""
        t = self.fraction if fraction is None else fraction
        x = self.start[0] + t * (self.end[0] - self.start[0])
        y = self.start[1] + t * (self.end[1] - self.start[1])
        return (x - self.size[0] / 2, y - self.size[1] / 2, x + self.size[0] / 2, y + self.size[1] / 2)


def _overlap(a: Box, b: Box) -> float:
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


def _inside_length(box: Box, edge: Edge) -> float:
    """Return the length of the edge's segment inside the box (Liang-Barsky clipping)."""
    (x0, y0), (x1, y1) = edge.start, edge.end
    dx, dy = x1 - x0, y1 - y0
    low, high = 0.0, 1.0
    for p, q in ((-dx, x0 - box[0]), (dx, box[2] - x0), (-dy, y0 - box[1]), (dy, box[3] - y0)):
        if p == 0:
            if q < 0:
                return 0.0
        elif p < 0:
            low = max(low, q / p)
        else:
            high = min(high, q / p)
    return max(0.0, high - low) * (dx * dx + dy * dy) ** 0.5


def place_labels(edges: list[Edge], obstacles: list[Box], margin: float = 0.04) -> None:
    """Set each labelled edge's fraction: labels clear of each other, the nodes and the other edges.

    A greedy pass, then sweeps that move one label at a time to its cheapest
    fraction until none moves. Cost: overlapping area (labels, nodes) far above
    length of other edges under the label; labels of edges leaving the same
    node never share a fraction.
    """
    for group in sorted({edge.group for edge in edges}):
        lines = [edge for edge in edges if edge.group == group]
        labelled = [edge for edge in lines if edge.label]
        placed: dict[int, Box] = {}

        def cost(index: int, fraction: float) -> float:
            edge = labelled[index]
            x0, y0, x1, y1 = edge.label_box(fraction)
            box = (x0 - margin, y0 - margin, x1 + margin, y1 + margin)
            total = sum(_overlap(box, other) for other in obstacles) * 1000
            for other_index, other in placed.items():
                if other_index != index:
                    total += _overlap(box, other) * 1000
                    if labelled[other_index].source == edge.source and labelled[other_index].fraction == fraction:
                        total += 1000
            total += sum(_inside_length(box, other) for other in lines if other is not edge)
            return total + abs(fraction - 0.5) * 0.01  # ties: nearer the middle

        def best(index: int) -> float:
            return min(FRACTIONS, key=lambda fraction: cost(index, fraction))

        for index, edge in enumerate(labelled):
            edge.fraction = best(index)
            placed[index] = edge.label_box()
        for _ in range(10):
            moved = False
            for index, edge in enumerate(labelled):
                fraction = best(index)
                if fraction != edge.fraction and cost(index, fraction) < cost(index, edge.fraction) - 1e-9:
                    edge.fraction, moved = fraction, True
                    placed[index] = edge.label_box()
            if not moved:
                break


@dataclass(frozen=True)
class Layout:
    """Everything to draw, positioned in inches."""

    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    notes: tuple[tuple[float, float, str, str], ...]  # x, y, text, horizontal alignment
    font_size: float


def layout(network: Network, result_case: CaseResult, show: str,
           measure: Callable[[str, float], tuple[float, float]]) -> Layout:
    """Return the positioned picture; `measure(text, font_size)` gives a text's width and height in inches."""
    quantity = quantity_texts(result_case)
    widest = max(network.sizes)
    size = 10.0 if widest <= 3 else 9.0 if widest <= 4 else 8.0 if widest <= 6 else 7.0
    pad = size / 72 * 0.7
    columns = [[(_equation(name, quantity(name)), "input") for name in network.inputs]]
    for index, layer in enumerate(network.layers):
        kind = "output" if index == len(network.layers) - 1 else "hidden"
        columns.append([(neuron_label(quantity, pre, post), kind) for pre, post in zip(layer.pre, layer.post)])
    widths = [max(measure(text, size)[0] for text, _ in column) + 2 * pad for column in columns]
    height = max(measure(text, size)[1] for column in columns for text, _ in column) + 2 * pad
    labels = [[parameter_label(quantity, name, show) for row in layer.weights for name in row]
              + [parameter_label(quantity, name, show) for name in set(layer.biases)] for layer in network.layers]
    label_sizes = [[measure(text, size - 0.5) for text in group] for group in labels]
    label_height = max(h for group in label_sizes for _, h in group)
    step = height + max(0.45, 2.2 * label_height)

    xs = [0.0]
    for index, layer in enumerate(network.layers):
        count = len(labels[index]) + (len(layer.biases) if len(set(layer.biases)) > 1 else 0)
        label_width = max(w for w, _ in label_sizes[index])
        area = count * (label_width + 0.15) * (label_sizes[index][0][1] + 0.15) * 2.5
        span = max(len(columns[index]), len(columns[index + 1])) * step
        gap = max(2.0 * label_width + 0.6, area / span, 2.2)
        xs.append(xs[-1] + widths[index] / 2 + gap + widths[index + 1] / 2)

    nodes = [[Node(text, kind, xs[c], ((len(column) - 1) / 2 - r) * step, widths[c], height)
              for r, (text, kind) in enumerate(column)] for c, column in enumerate(columns)]
    edges: list[Edge] = []
    bias_nodes: list[Node] = []
    notes: list[tuple[float, float, str, str]] = []
    for index, layer in enumerate(network.layers):
        sources, targets = nodes[index], nodes[index + 1]
        for j, target in enumerate(targets):
            for i, source in enumerate(sources):
                name = layer.weights[j][i]
                edges.append(Edge((source.x + source.width / 2, source.y), (target.x - target.width / 2, target.y),
                                  f"{index}:{i}", index, PALETTE[j % len(PALETTE)],
                                  label=parameter_label(quantity, name, show),
                                  size=measure(parameter_label(quantity, name, show), size - 0.5)))
        if not layer.biases:
            continue
        shared = len(set(layer.biases)) == 1
        radius = max(measure(layer.biases[0], size)[0] / 2 + pad, 0.2) if shared else 0.2
        bottom = min(node.y for node in sources + targets) - height / 2
        bias = Node(layer.biases[0] if shared else "1", "bias", sources[0].x + sources[0].width / 2,
                    bottom - step * 0.55 - radius, 2 * radius, 2 * radius)
        bias_nodes.append(bias)
        for j, (target, name) in enumerate(zip(targets, layer.biases)):
            end = (target.x - target.width / 2, target.y)
            length = ((end[0] - bias.x) ** 2 + (end[1] - bias.y) ** 2) ** 0.5
            start = (bias.x + radius * (end[0] - bias.x) / length, bias.y + radius * (end[1] - bias.y) / length)
            text = "" if shared else parameter_label(quantity, name, show)
            edges.append(Edge(start, end, f"bias{index}", index, PALETTE[j % len(PALETTE)], True, text,
                              measure(text, size - 0.5) if text else (0.0, 0.0)))
        if shared:
            notes.append((bias.x, bias.y - radius - 0.08, parameter_label(quantity, layer.biases[0], show), "top"))

    for node in nodes[-1]:
        pass
    obstacles = [node.box for column in nodes for node in column] + [node.box for node in bias_nodes]
    obstacles += [_note_box(note, measure, size - 0.5) for note in notes]
    place_labels(edges, obstacles)
    return Layout(tuple(node for column in nodes for node in column) + tuple(bias_nodes), tuple(edges),
                  tuple(notes), size)


def _note_box(note: tuple[float, float, str, str], measure: Callable[[str, float], tuple[float, float]],
              size: float) -> Box:
    x, y, text, _ = note
    width, height = measure(text, size)
    return (x - width / 2, y - height, x + width / 2, y)


# -- the picture ----------------------------------------------------------------------------

def draw(result_case: CaseResult, network: Network, path: str | Path, show: str = "values") -> Path:
    """Write a picture of the network with the case's values (row 1 of a batch) to a .png or .svg; return its path.

    `show`: "values" labels each edge with its weight, "gradients" adds dE/dw,
    "updated" adds the weight after one gradient step.
    """
    target = Path(path)
    if target.suffix.lower() not in FORMATS:
        raise InputError(f"cannot draw {path}: the file name must end in .png or .svg")
    if show not in SHOWS:
        raise InputError(f"cannot draw {show!r}: show one of {', '.join(SHOWS)}")
    if not target.parent.is_dir():
        raise InputError(f"cannot write {path}: the folder {target.parent} does not exist")
    try:
        import matplotlib
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch
    except ImportError:
        raise InputError(MISSING_MATPLOTLIB) from None

    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "handcalc", "font.family": "DejaVu Sans"}):
        figure = Figure(dpi=150)
        renderer = FigureCanvasAgg(figure).get_renderer()

        def measure(text: str, size: float) -> tuple[float, float]:
            artist = figure.text(0, 0, text, fontsize=size)
            extent = artist.get_window_extent(renderer)
            artist.remove()
            return extent.width / figure.dpi, extent.height / figure.dpi

        picture = layout(network, result_case, show, measure)
        size = picture.font_size
        ...
    return target
