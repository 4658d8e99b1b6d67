"""Every quantity's name, in one place: the tutorial's notation as the code's notation.

Read, exact, floats and judge all ask this module what a quantity is called, so
the loader's checks (a claim about an unknown name, two quantities sharing one),
the derivation's steps, the exact values, the NumPy cross-check and the verdicts
cannot drift apart.  The rules:

- a quantity of one input row carries the row suffix on a batch: `h1_r2` is h1
  of row 2 (nothing on a single row);
- a partial derivative d top / d bottom is `dtop_dbottom`: `dout_y1_dy1`,
  `dy1_dw5`; the loss's is `dE_dbottom`: `dE_dw5`, `dE_dh1`; any two names of a
  case make such a name (`dout_y1_dout_h1`), read back by `split_derivative`;
- dE/dout of a hidden neuron is the sum of its paths, one per neuron of the
  next layer: `dE1_dout_h1` (via the loss term E1, when the next layer is the
  output layer) or `dE_dout_h1_via_h2_1` (deeper);
- a softmax layer's Jacobian entries are `dout_y1_dy2` (d out_y1 / d y2); with
  cross-entropy, dE/dy1 simplified to (out_y1 - T1)/rows is `dE_dy1_simplified`;
- the updated parameter is `new_w5`; the learning rate is `eta`;
- L2 weight decay: `lambda` is its constant; in the loss (coupled) its term
  (lambda/2)*sum w^2 is `E_reg` and its share of dE/dw5 is `dE_reg_dw5`;
- default names: inputs x1.., targets T1.., loss terms E1.., total E_total;
  neurons h1.. (one hidden layer), h1_1.. (several), y1.. (the output layer),
  each with its output out_h1..; weights w1.. numbered through the network;
  biases b1 (one per layer) or b1_1.. (one per neuron).

`quantity_names` lists every name a case has, built from `neuron_names`, the
same record `derivation.derive` names its steps from.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Mapping

from .records import record

if TYPE_CHECKING:
    from .model import Decay, Network

__all__ = ["LEARNING_RATE", "WEIGHT_DECAY", "PENALTY", "penalty_gradient", "decay_names", "TOTAL_ERROR", "LOSS",
           "row_suffix", "row_suffixes", "in_row", "row_of",
           "derivative", "split_derivative", "is_quantity", "gradient", "updated", "simplified", "NeuronNames",
           "neuron_names", "quantity_names",
           "default_inputs", "default_targets", "default_errors", "default_pre", "default_post",
           "default_weights", "default_biases"]

LEARNING_RATE = "eta"  # reserved: no quantity may take it
WEIGHT_DECAY = "lambda"  # reserved too
PENALTY = "E_reg"  # the weight-decay term of the loss (reserved)
TOTAL_ERROR = "E_total"  # the default name of the summed loss
LOSS = "E"  # the loss as the top of a partial derivative: dE_dw5


# --- rows ------------------------------------------------------------------------------------

def row_suffix(row: int, rows: int) -> str:
    """Return the suffix of a 0-based row's quantities: "" on a single row, "_r2" for row 1 of a batch."""
    return "" if rows == 1 else f"_r{row + 1}"


def row_suffixes(rows: int) -> list[str]:
    """Return every row's suffix, in row order."""
    return [row_suffix(r, rows) for r in range(rows)]


def in_row(name: str, row: int, rows: int) -> str:
    """Return a per-row quantity's name in a row: in_row("h1", 1, 3) == "h1_r2"."""
    return name + row_suffix(row, rows)


def row_of(name: str, base: str) -> str | None:
    """Return the row suffix `name` adds to `base` ("" or "_r2"), or None when it is not `base` in a row."""
    if not name.startswith(base):
        return None
    rest = name[len(base):]
    if rest == "" or (rest.startswith("_r") and rest[2:].isdigit() and rest[2] != "0"):
        return rest
    return None


# --- derivatives and updates -----------------------------------------------------------------

def derivative(top: str, bottom: str) -> str:
    """Return the name of d top / d bottom: derivative("out_y1", "y1") == "dout_y1_dy1"."""
    return f"d{top}_d{bottom}"


def split_derivative(name: str, known: Iterable[str], total_error: str) -> tuple[str, str] | None:
    """Return (top, bottom) when `name` reads dtop_dbottom for two known names (E: the total error), else None.

    Names may hold underscores, so every "_d" is tried; "dout_y1_dout_h1" is
    ("out_y1", "out_h1").  The first split in which both halves are names wins.
    """
    if not name.startswith("d") or "_d" not in name:
        return None
    start = 1
    while True:
        cut = name.find("_d", start)
        if cut < 0:
            return None
        top, bottom = name[1:cut], name[cut + 2:]
        if top == LOSS and LOSS not in known:
            top = total_error
        if top and bottom and top != bottom and top in known and bottom in known:
            return top, bottom
        start = cut + 1


def is_quantity(name: str, known: Iterable[str], aliases: Mapping[str, str], total_error: str) -> bool:
    """Return True when a claim may name `name`: a known name, an alias of one, or dtop_dbottom of two."""
    known = known if isinstance(known, (set, frozenset, dict)) else set(known)
    target = aliases.get(name, name) if name not in known else name
    return target in known or split_derivative(target, known, total_error) is not None


def gradient(quantity: str) -> str:
    """Return the name of dE / d quantity: gradient("w5") == "dE_dw5"."""
    return derivative(LOSS, quantity)


def updated(parameter: str) -> str:
    """Return the name of a parameter after one update: "new_w5"."""
    return f"new_{parameter}"


def penalty_gradient(parameter: str) -> str:
    """Return the name of the weight-decay term's share of dE/dparameter: "dE_reg_dw5"."""
    return derivative(PENALTY, parameter)


def decay_names(decay: Decay | None) -> list[tuple[str, str]]:
    """Return (name, what it is) for the quantities weight decay adds to a hand derivation (none without it)."""
    if decay is None:
        return []
    out = [(WEIGHT_DECAY, "the weight decay")]
    if decay.coupled:
        out.append((PENALTY, "the weight-decay term of the loss, lambda/2 * sum of w^2"))
        out += [(penalty_gradient(p), f"the weight-decay term's derivative d{PENALTY}/d{p}") for p in decay.names]
    return out


def _what(top: str, bottom: str) -> str:
    return f"the derivative d{top}/d{bottom}"


@record
class NeuronNames:
    """The names of one neuron's backward-pass quantities in one row, and what each is."""

    pre: str  # h1_r2
    post: str  # out_h1_r2
    d_out: str  # dE_dout_h1: dE/d its output
    d_act: str  # dout_h1_dh1: its activation's derivative
    delta: str  # dE_dh1: dE/d its pre-activation
    links: tuple[tuple[str, str], ...]  # hidden neurons: (d next_pre / d out, that path's dE/d out) per next neuron
    locals: tuple[str, ...]  # d pre / d parameter, per weight then bias of the neuron
    described: tuple[tuple[str, str], ...]  # (name, what it is) for each of the names above but pre and post
    jacobian: tuple[str, ...] = ()  # softmax: dout_i / d pre for every output i of the layer (d_act is then unused)
    simplified: str | None = None  # softmax + cross-entropy output: dE/d pre simplified to (out - T)/rows


def simplified(delta: str) -> str:
    """Return the name of softmax + cross-entropy's simplified dE/dz: simplified("dE_dy1") == "dE_dy1_simplified"."""
    return f"{delta}_simplified"


def neuron_names(network: Network, index: int, j: int, row: int, rows: int) -> NeuronNames:
    """Return the names of neuron j of layer `index` in a row (what `derive` names its steps)."""
    layer, s = network.layers[index], row_suffix(row, rows)
    pre, post = layer.pre[j] + s, layer.post[j] + s
    links: list[tuple[str, str]] = []
    described: list[tuple[str, str]] = []
    if index < len(network.layers) - 1:
        last = index + 1 == len(network.layers) - 1
        for k, next_pre in enumerate(network.layers[index + 1].pre):
            link = derivative(next_pre + s, post)
            if last:
                via, what = derivative(network.errors[k] + s, post), _what(network.errors[k] + s, post)
            else:
                via, what = f"{gradient(post)}_via_{next_pre}{s}", f"dE/d{post} via {next_pre}{s}"
            links.append((link, via))
            described += [(link, _what(next_pre + s, post)), (via, what)]
    places = layer.weights[j] + layer.biases[j:j + 1]
    locals_ = tuple(derivative(pre, parameter) for parameter in places)
    jacobian: tuple[str, ...] = ()
    short = None
    if layer.activation == "softmax":  # not elementwise: the Jacobian's column j, dout_i/dz_j for every i
        jacobian = tuple(derivative(other + s, pre) for other in layer.post)
        described += [(gradient(post), _what(LOSS, post))]
        described += [(derivative(other + s, pre), _what(other + s, pre)) for other in layer.post]
        described.append((gradient(pre), _what(LOSS, pre)))
        if index == len(network.layers) - 1 and network.loss == "cross_entropy":
            short = simplified(gradient(pre))
            described.append((short, f"dE/d{pre} simplified to (out - T)/rows"))
    else:
        described += [(gradient(post), _what(LOSS, post)), (derivative(post, pre), _what(post, pre)),
                      (gradient(pre), _what(LOSS, pre))]
    described += [(local, _what(pre, parameter)) for local, parameter in zip(locals_, places)]
    return NeuronNames(pre, post, gradient(post), derivative(post, pre), gradient(pre), tuple(links), locals_,
                       tuple(described), jacobian, short)


def quantity_names(network: Network, rows: int, derived: bool = True,
                   decay: Decay | None = None) -> list[tuple[str, str]]:
    """Return (name, what it is) for every quantity of `network` on `rows` rows, as `derive` names them.

    `what` is "" for a name the file gives (or its default); derived quantities
    are included only when `derived` (a case with weights and targets), the
    weight decay's with them when the case's training run has `decay`.
    """
    def row(s: str, name: str) -> str:
        return "" if not s else f"row {s[2:]}'s {name}"

    suffixes = row_suffixes(rows)
    out = [(x + s, row(s, x)) for s in suffixes for x in network.inputs]
    out += [(t + s, row(s, t)) for s in suffixes for t in network.targets]
    out += [(p, "") for p in network.parameters] + [(LEARNING_RATE, "the learning rate")]
    if not derived:
        return out
    for s in suffixes:
        for layer in network.layers:
            out += [(name + s, row(s, name)) for pair in zip(layer.pre, layer.post) for name in pair]
        out += [(e + s, row(s, e)) for e in network.errors]
    out.append((network.total_error, ""))
    for r in range(rows):
        for index in range(len(network.layers) - 1, -1, -1):
            for j in range(network.layers[index].size):
                out += neuron_names(network, index, j, r, rows).described
    out += [(gradient(p), _what(LOSS, p)) for p in network.parameters]
    out += [(updated(p), f"the updated {p}") for p in network.parameters]
    return out + decay_names(decay)


# --- default names -----------------------------------------------------------------------------

def default_inputs(count: int) -> list[str]:
    """Return the default input names: x1, x2, ..."""
    return [f"x{i + 1}" for i in range(count)]


def default_targets(count: int) -> list[str]:
    """Return the default target names: T1, T2, ..."""
    return [f"T{k + 1}" for k in range(count)]


def default_errors(count: int) -> list[str]:
    """Return the default names of the loss terms: E1, E2, ..."""
    return [f"E{k + 1}" for k in range(count)]


def default_pre(index: int, layers: int, size: int) -> list[str]:
    """Return a layer's default neuron names: y1.. for the output, h1.. for one hidden layer, h1_1.. for several."""
    letter = "y" if index == layers - 1 else "h" if layers == 2 else f"h{index + 1}_"
    return [f"{letter}{j + 1}" for j in range(size)]


def default_post(pre: list[str] | tuple[str, ...]) -> list[str]:
    """Return the default output names of neurons: out_h1, ..."""
    return [f"out_{name}" for name in pre]


def default_weights(first: int, fan_in: int, size: int) -> list[tuple[str, ...]]:
    """Return a layer's default weights, numbered on from w{first + 1}: row j holds neuron j's."""
    return [tuple(f"w{first + j * fan_in + i + 1}" for i in range(fan_in)) for j in range(size)]


def default_biases(index: int, size: int, per_neuron: bool) -> list[str]:
    """Return a layer's default bias names: [b1] shared by its neurons, or b1_1, b1_2, ... one per neuron."""
    return [f"b{index + 1}_{j + 1}" for j in range(size)] if per_neuron else [f"b{index + 1}"]
