"""A picture of a network as the tutorials draw it: neurons in columns, every weight on its edge.

`draw` puts the inputs and each layer's neurons in columns, one bias node per
layer below the column feeding it, labels every edge with its weight (and its
gradient or updated value) and every neuron with its pre- and post-activation
values, and writes a PNG or SVG. A softmax layer is drawn as one unit: its
neurons (each with its logit and its probability) share a fill of their own
inside a dashed frame, under a title that gives softmax's formula and says the
outputs sum to 1, since no neuron's output depends on its logit alone. Edge
labels sit along their edges where a
small search finds them clear of each other, of the neurons and of the other
edges. Matplotlib is optional: it is imported only when a picture is drawn.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping

import sympy

from ..records import record
from ..read.reader import InputError
from ..numbers import parse_rational, to_decimal_text
from .placement import Box, Edge, Node, place_labels

if TYPE_CHECKING:
    from ..judge.results import CaseResult
    from ..model import Network

__all__ = ["SHOWS", "FORMATS", "draw"]

SHOWS = {"values": "weight values", "gradients": "weight values and gradients dE/dw",
         "updated": "weight values \u2192 after one gradient step"}
FORMATS = (".png", ".svg", ".pdf")
MISSING_MATPLOTLIB = "drawing a diagram needs matplotlib: pip install 'handcalc[diagram]'"
EXACT_DIGITS = 6  # a value with at most this many decimals is shown exactly ...
ROUNDED_DIGITS = 4  # ... any other to this many significant digits
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#B8860B", "#56B4E9", "#7F3C8D", "#555555")
FILL = {"input": "#E3F2E1", "hidden": "#E1ECF7", "output": "#FBE7D6", "bias": "#F2F2F2", "softmax": "#F3E3F1",
        "softmax_frame": "#FBF4FA"}
FRAME = 0.08  # inches between a softmax layer's neurons and the frame drawn around them
LABEL_PAD = 0.2  # an edge label's box around its text, in font sizes
STRETCHES = (1.0, 1.25, 1.5, 2.0, 2.5, 3.0)  # how far columns may move apart to make room for labels
UNDER_PER_LABEL = 0.1  # inches of other edges under a label, on average, that still reads clearly


# -- the texts ------------------------------------------------------------------------------

def number_text(value: sympy.Expr, digits: int = ROUNDED_DIGITS) -> str:
    """Return short decimal text: exact when it has at most 6 decimals, else `digits` significant digits."""
    if isinstance(value, sympy.Rational):
        text = to_decimal_text(value, EXACT_DIGITS)
        if sympy.Rational(text) == value:
            return text
    return to_decimal_text(value, digits)


def _short_text(text: str) -> bool:
    try:
        return len(Decimal(text.strip().replace("_", "")).as_tuple().digits) <= EXACT_DIGITS
    except InvalidOperation:
        return False


def quantity_texts(result_case: CaseResult) -> Callable[..., str | None]:
    """Return a look-up: a quantity's number as the text wrote it when short, else rounded; None if unknown.

    A case with several rows names its quantities x1_r1, h1_r1, ...: row 1 is shown.
    `text(name, digits)` rounds to `digits` significant digits (default 4).
    """
    values: Mapping[str, Any] = result_case.values
    texts: Mapping[str, str] = result_case.case.texts

    def text(name: str, digits: int = ROUNDED_DIGITS) -> str | None:
        for key in (name, f"{name}_r1"):
            if key in texts and _short_text(texts[key]):
                return texts[key].strip()
            if key in values:
                return number_text(values[key], digits)
            if key in texts:
                return number_text(parse_rational(texts[key]), digits)
        return None

    return text


def _equation(name: str, text: str | None) -> str:
    return name if text is None else f"{name} = {text}"


def parameter_label(quantity: Callable[..., str | None], name: str, show: str) -> str:
    """Return an edge's label: "w5 = 0.44", plus "dE/dw5 = ..." or "-> new value" as `show` asks.

    An updated value gets the digits it needs to differ from the old one (up to 10): 0.2 -> 0.2000062.
    """
    value = quantity(name)
    label = _equation(name, value)
    if show == "gradients" and quantity(f"dE_d{name}") is not None:
        label += f"\ndE/d{name} = {quantity(f'dE_d{name}')}"
    elif show == "updated" and value is not None and quantity(f"new_{name}") is not None:
        digits = ROUNDED_DIGITS
        while digits < 10 and Decimal(quantity(f"new_{name}", digits)) == Decimal(value) \
                and Decimal(quantity(f"new_{name}", 30)) != Decimal(value):
            digits += 1
        label += f" \u2192 {quantity(f'new_{name}', digits)}"
    return label


def neuron_label(quantity: Callable[..., str | None], pre: str, post: str) -> str:
    """Return a neuron's label: "h1 = 0.4176" over "out_h1 = 0.6029"."""
    return f"{_equation(pre, quantity(pre))}\n{_equation(post, quantity(post))}"


# -- the layout, in inches ------------------------------------------------------------------

Note = tuple[float, float, str, str, str]  # x, y, text, horizontal and vertical alignment


@record
class Layout:
    """Everything to draw, positioned in inches."""

    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    notes: tuple[Note, ...]
    font_size: float


def note_box(note: Note, measure: Callable[[str, float], tuple[float, float]], size: float) -> Box:
    """Return the extent of a note's text."""
    x, y, text, horizontal, vertical = note
    width, height = measure(text, size)
    x0 = {"left": x, "center": x - width / 2, "right": x - width}[horizontal]
    y0 = {"bottom": y, "center": y - height / 2, "top": y - height}[vertical]
    return (x0, y0, x0 + width, y0 + height)


def _font_size(widest: int) -> float:
    return 10.0 if widest <= 3 else 9.0 if widest <= 4 else 8.0 if widest <= 6 else 7.0


def layout(network: Network, result_case: CaseResult, show: str,
           measure: Callable[[str, float], tuple[float, float]]) -> Layout:
    """Return the positioned picture; `measure(text, font_size)` gives a text's width and height in inches.

    The columns move apart until every edge label finds a place clear of the others and of the nodes, with
    little of other edges running under it; when no gap up to 3x the first guess gives that (dense nets),
    the narrowest gap where the labels stand clear.
    """
    tried = []
    for stretch in STRETCHES:
        picture, overlap, under = _arrange(network, quantity_texts(result_case), show, measure, stretch)
        if overlap == 0 and under <= UNDER_PER_LABEL * sum(1 for edge in picture.edges if edge.label):
            return picture
        tried.append((overlap, stretch, picture))
    return min(tried, key=lambda attempt: attempt[:2])[2]  # the narrowest with labels clear, else the clearest


def _columns(network: Network, quantity: Callable[..., str | None]) -> list[list[tuple[str, str]]]:
    """Return each column's (text, kind) per node: the inputs, then each layer's neurons."""
    columns = [[(_equation(name, quantity(name)), "input") for name in network.inputs]]
    for index, layer in enumerate(network.layers):
        kind = "softmax" if layer.activation == "softmax" else "output" if index == len(network.layers) - 1 \
            else "hidden"
        columns.append([(neuron_label(quantity, pre, post), kind) for pre, post in zip(layer.pre, layer.post)])
    return columns


def _arrange(network: Network, quantity: Callable[..., str | None], show: str,
             measure: Callable[[str, float], tuple[float, float]], stretch: float) -> tuple[Layout, float, float]:
    """Return the picture with `stretch` times the first guess of gaps between columns, and `place_labels`'s score."""
    size = _font_size(max(network.sizes))
    small = size - 0.5  # edge labels and notes
    pad = size / 72 * 0.7
    columns = _columns(network, quantity)
    widths = [max(measure(text, size)[0] for text, _ in column) + 2 * pad for column in columns]
    height = max(measure(text, size)[1] for column in columns for text, _ in column) + 2 * pad
    frame = 2 * LABEL_PAD * small / 72  # the label's box around its text
    sizes = {name: tuple(length + frame for length in measure(parameter_label(quantity, name, show), small))
             for name in network.parameters}
    label_height = max(h for _, h in sizes.values())
    step = height + max(0.45, 2.2 * label_height)  # from one neuron's centre to the next

    xs = [0.0]
    for index, layer in enumerate(network.layers):
        labelled = [name for row in layer.weights for name in row] + (
            list(layer.biases) if len(set(layer.biases)) > 1 else [])
        area = sum((sizes[name][0] + 0.15) * (sizes[name][1] + 0.15) for name in labelled) * 2.5
        span = max(len(columns[index]), len(columns[index + 1])) * step
        gap = max(2.0 * max(sizes[name][0] for name in labelled) + 0.6, area / span, 2.2) * stretch
        xs.append(xs[-1] + widths[index] / 2 + gap + widths[index + 1] / 2)

    nodes = [[Node(text, kind, xs[c], ((len(column) - 1) / 2 - r) * step, widths[c], height)
              for r, (text, kind) in enumerate(column)] for c, column in enumerate(columns)]
    frames = [_frame(column) for column in nodes[1:] if column[0].kind == "softmax"]
    top = max(node.y for column in nodes for node in column) + height / 2 + (FRAME if frames else 0.0)
    notes: list[Note] = [(nodes[c][0].x, top + 0.12, _column_title(network, c), "center", "bottom")
                         for c in range(len(nodes))]
    edges: list[Edge] = []
    bias_nodes: list[Node] = []
    for index, layer in enumerate(network.layers):
        sources, targets = nodes[index], nodes[index + 1]
        for j, target in enumerate(targets):
            for i, source in enumerate(sources):
                name = layer.weights[j][i]
                edges.append(Edge((source.x + source.width / 2, source.y), (target.x - target.width / 2, target.y),
                                  f"{index}:{i}", index, PALETTE[j % len(PALETTE)],
                                  label=parameter_label(quantity, name, show), size=sizes[name]))
        if layer.biases:
            radius = max(measure(layer.biases[0], size)[0] / 2 + pad, 0.2) if len(set(layer.biases)) == 1 else 0.2
            bottom = min(node.y for node in sources + targets) - height / 2
            bias = Node(layer.biases[0] if len(set(layer.biases)) == 1 else "1", "bias",
                        sources[0].x + sources[0].width / 2, bottom - 0.6 * step - radius, 2 * radius, 2 * radius)
            bias_nodes.append(bias)
            _bias_edges(layer, index, bias, targets, quantity, show, sizes, edges, notes)
    for node, target, error in zip(nodes[-1], network.targets, network.errors):
        lines = [_equation(name, quantity(name)) for name in (target, error) if quantity(name) is not None]
        if lines:
            notes.append((node.x + node.width / 2 + 0.15, node.y, "\n".join(lines), "left", "center"))

    obstacles = [node.box for column in nodes for node in column] + [node.box for node in bias_nodes + frames]
    obstacles += [note_box(note, measure, small) for note in notes]
    overlap, under = place_labels(edges, obstacles)
    nodes_drawn = tuple(frames) + tuple(node for column in nodes for node in column) + tuple(bias_nodes)
    return Layout(nodes_drawn, tuple(edges), tuple(notes), size), overlap, under


def _bias_edges(layer: Any, index: int, bias: Node, targets: list[Node], quantity: Callable[..., str | None],
                show: str, sizes: Mapping[str, tuple[float, float]], edges: list[Edge], notes: list[Note]) -> None:
    """Add the edges from a layer's bias node to its neurons: each labelled, or one note for a shared bias."""
    shared = len(set(layer.biases)) == 1
    radius = bias.width / 2
    for j, (target, name) in enumerate(zip(targets, layer.biases)):
        end = (target.x - target.width / 2, target.y)
        length = ((end[0] - bias.x) ** 2 + (end[1] - bias.y) ** 2) ** 0.5
        start = (bias.x + radius * (end[0] - bias.x) / length, bias.y + radius * (end[1] - bias.y) / length)
        text = "" if shared else parameter_label(quantity, name, show)
        edges.append(Edge(start, end, f"bias{index}", index, PALETTE[j % len(PALETTE)], True, text,
                          sizes[name] if text else (0.0, 0.0)))
    if shared:
        notes.append((bias.x, bias.y - radius - 0.06, parameter_label(quantity, layer.biases[0], show),
                      "center", "top"))


def _frame(column: list[Node]) -> Node:
    """Return the dashed frame around a softmax layer's neurons, which are computed together."""
    x0, y0 = min(node.box[0] for node in column) - FRAME, min(node.box[1] for node in column) - FRAME
    x1, y1 = max(node.box[2] for node in column) + FRAME, max(node.box[3] for node in column) + FRAME
    return Node("", "softmax_frame", (x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0)


def _softmax_formula(pre: tuple[str, ...], post: tuple[str, ...]) -> str:
    """Return softmax's formula for a layer's first neuron: out_y1 = e^y1 / (e^y1 + e^y2 + e^y3)."""
    terms = [f"e^{name}" for name in pre]
    total = " + ".join(terms) if len(terms) <= 3 else f"{terms[0]} + ... + {terms[-1]}"
    return f"{post[0]} = e^{pre[0]} / ({total})"


def _column_title(network: Network, column: int) -> str:
    if column == 0:
        return "inputs"
    layer = network.layers[column - 1]
    number = f" {column}" if len(network.layers) > 2 else ""
    name = "output layer" if column == len(network.layers) else f"hidden layer{number}"
    if layer.activation == "softmax":
        return f"{name}: softmax, outputs sum to 1\n{_softmax_formula(layer.pre, layer.post)}"
    return f"{name} ({layer.activation})"


def _title(result_case: CaseResult, network: Network, show: str) -> str:
    """Return the picture's title: the case, what the edges show, the total error or which row."""
    case = result_case.case
    quantity = quantity_texts(result_case)
    rows = len(case.rows)
    derived = result_case.derivation is not None
    details = [f"edges: {SHOWS[show if derived else 'values']}"]
    if rows > 1:
        details.append(f"neurons: row 1 of {rows}" + (f", gradients: all {rows} rows" if show != "values" and derived
                                                      else ""))
    elif network.total_error in result_case.values:
        details.append(_equation(network.total_error, quantity(network.total_error)))
    if show == "updated" and derived and "eta" in case.texts:
        details.append(f"learning rate {case.texts['eta']}")
    return f"case {case.name}" + (f": {case.title}" if case.title else "") + "\n" + ", ".join(details)


# -- the picture ----------------------------------------------------------------------------

def draw(result_case: CaseResult, network: Network, path: str | Path, show: str = "values") -> Path:
    """Write a picture of the network with the case's values (row 1 of a batch) to a .png, .svg or .pdf; return its path.

    `show`: "values" labels each edge with its weight, "gradients" adds dE/dw,
    "updated" adds the weight after one gradient step.
    """
    target = Path(path)
    if target.suffix.lower() not in FORMATS:
        raise InputError(f"cannot draw {path}: the file name must end in .png, .svg or .pdf")
    if show not in SHOWS:
        raise InputError(f"cannot draw {show!r}: show one of {', '.join(SHOWS)}")
    if not target.parent.is_dir():
        raise InputError(f"cannot write {path}: the folder {target.parent} does not exist")
    try:
        import matplotlib
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise InputError(MISSING_MATPLOTLIB) from None

    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "handcalc", "font.family": "sans-serif"}):
        figure = Figure(dpi=150)
        renderer = FigureCanvasAgg(figure).get_renderer()

        def measure(text: str, size: float) -> tuple[float, float]:
            artist = figure.text(0, 0, text, fontsize=size)
            extent = artist.get_window_extent(renderer)
            artist.remove()
            return extent.width / figure.dpi, extent.height / figure.dpi

        picture = layout(network, result_case, show, measure)
        size, small = picture.font_size, picture.font_size - 0.5
        boxes = [node.box for node in picture.nodes] + [edge.label_box() for edge in picture.edges if edge.label]
        boxes += [note_box(note, measure, small) for note in picture.notes]
        title = _title(result_case, network, show)
        x0, y0 = min(b[0] for b in boxes) - 0.3, min(b[1] for b in boxes) - 0.3
        x1, y1 = max(b[2] for b in boxes) + 0.3, max(b[3] for b in boxes) + 0.35 + measure(title, size + 1)[1]
        x1 = max(x1, x0 + measure(title, size + 1)[0] + 0.6)
        figure.set_size_inches(x1 - x0, y1 - y0)
        axes = figure.add_axes((0, 0, 1, 1))
        axes.set_xlim(x0, x1)
        axes.set_ylim(y0, y1)
        axes.set_axis_off()
        axes.text(x0 + 0.3, y1 - 0.2, title, fontsize=size + 1, ha="left", va="top")
        _draw_edges(axes, picture.edges, small)
        _draw_nodes(axes, picture.nodes, size)
        for x, y, text, horizontal, vertical in picture.notes:
            axes.text(x, y, text, fontsize=small, ha=horizontal, va=vertical, color="#333333",
                      multialignment="center" if horizontal == "center" else "left")
        figure.savefig(target, format=target.suffix.lower()[1:], metadata={"Date": None} if
                       target.suffix.lower() == ".svg" else None)
    return target


def _draw_nodes(axes: Any, nodes: tuple[Node, ...], size: float) -> None:
    """Draw each neuron as a rounded box (a bias as a circle) with its text."""
    from matplotlib.patches import Circle, FancyBboxPatch

    for node in nodes:
        if node.kind == "softmax_frame":  # behind the edges, whose arrowheads end inside it
            axes.add_patch(FancyBboxPatch((node.box[0], node.box[1]), node.width, node.height, zorder=0.5,
                                          boxstyle="round,pad=0,rounding_size=0.12", fc=FILL[node.kind],
                                          ec="#7F3C8D", lw=1.2, linestyle="--"))
            continue
        if node.kind == "bias":
            axes.add_patch(Circle((node.x, node.y), node.width / 2, fc=FILL["bias"], ec="#333333", lw=1, zorder=2))
        else:
            axes.add_patch(FancyBboxPatch((node.box[0], node.box[1]), node.width, node.height, zorder=2,
                                          boxstyle="round,pad=0,rounding_size=0.08", fc=FILL[node.kind],
                                          ec="#333333", lw=1))
        axes.text(node.x, node.y, node.text, fontsize=size, ha="center", va="center", zorder=4,
                  multialignment="center")


def _draw_edges(axes: Any, edges: tuple[Edge, ...], small: float) -> None:
    """Draw each weight (and bias) as an arrow, with its label in a box at the place found for it."""
    from matplotlib.patches import FancyArrowPatch

    for edge in edges:
        axes.add_patch(FancyArrowPatch(edge.start, edge.end, arrowstyle="-|>", mutation_scale=9, shrinkA=0,
                                       shrinkB=0, color=edge.color, lw=1.1, alpha=0.85, zorder=1,
                                       linestyle="--" if edge.dashed else "-"))
        if edge.label:
            x = (edge.label_box()[0] + edge.label_box()[2]) / 2
            y = (edge.label_box()[1] + edge.label_box()[3]) / 2
            axes.text(x, y, edge.label, fontsize=small, color=edge.color, ha="center", va="center",
                      multialignment="center", zorder=3,
                      bbox={"boxstyle": f"round,pad={LABEL_PAD}", "fc": "white", "ec": edge.color, "lw": 0.6})
