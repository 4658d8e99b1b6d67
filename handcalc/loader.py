"""Worked-example TOML file -> validated `WorkedExample`.

Numbers are read as text (`tomllib`'s `parse_float=str`), so a stated
`0.41425240` keeps its trailing zero and no value ever passes through float.
Every problem found is reported at once, each with file, key path and line,
and every limit (`handcalc.limits`) is checked before anything grows with it.
Nothing in a file is ever evaluated: names must be plain identifiers, numbers
plain decimals, expressions go through `handcalc.expression`'s own parser.
"""

from __future__ import annotations

import re
import tomllib
from fractions import Fraction
from pathlib import Path
from types import MappingProxyType
from typing import Any

from . import limits
from .claimspec import quantity_names, read_claims
from .derivation import LEARNING_RATE
from .errors import InputError, KeyLines, Problem, Reader, join_key, kind_of, shown
from .example import Case, Layer, Network, WorkedExample
from .functions import ACTIVATIONS, BIAS_MODES, LOSSES
from .initial import INIT_METHODS, LAYOUTS, draw, is_seeded
from .numbers import parse_fraction, to_decimal_text
from .training import FORWARD, HIDDEN_DELTAS, MODES, MONITORS, OUTPUTS, Procedure

__all__ = ["load_file", "load_bytes", "load_text", "claim_line", "IDENTIFIER", "RESERVED_NAMES"]

from .errors import IDENTIFIER  # noqa: E402  (re-exported: the rule for every name in a file)

MAX_FILE_BYTES = limits.MAX_FILE_BYTES
MAX_EPOCHS = limits.MAX_EPOCHS
# Names a file may not give a quantity: the learning rate, and words expressions reserve.
RESERVED_NAMES = frozenset({LEARNING_RATE, "e", "exp", "log", "ln", "tanh", "sigmoid"})

TOP_KEYS = ("example", "network", "parameters", "cases", "claims")
EXAMPLE_KEYS = ("name", "title", "source")
NETWORK_KEYS = ("sizes", "activation", "loss", "bias", "inputs", "targets", "errors", "total_error", "layers")
LAYER_KEYS = ("pre", "post", "activation", "weights", "biases")
CASE_KEYS = ("name", "title", "inputs", "targets", "learning_rate", "input_scale", "target_scale", "parameters",
             "init", "network", "training")
INIT_KEYS = ("method", "seed", "replay_seed", "layout")
TRAINING_KEYS = ("epochs", "mode", "gradient", "update_biases", "hidden_deltas", "forward", "monitor",
                 "report_every", "outputs", "predict")
BCE = "binary_cross_entropy"


# --- the network ---------------------------------------------------------------------------

def _layer_defaults(index: int, count: int, size: int) -> tuple[str, ...]:
    """Default pre-activation names: h1.. for one hidden layer, h1_1.. for several, y1.. for the output."""
    prefix = "y" if index == count - 1 else "h" if count == 2 else f"h{index + 1}_"
    return tuple(f"{prefix}{j + 1}" for j in range(size))


def _sizes(reader: Reader, data: dict[str, Any], prefix: str) -> list[int] | None:
    """Return the layer sizes once they are valid and within the limits, else None."""
    sizes, key = data.get("sizes"), join_key(prefix, "sizes")
    if (not isinstance(sizes, list) or not 2 <= len(sizes) <= limits.MAX_LAYERS + 1
            or not all(isinstance(s, int) and not isinstance(s, bool) and s > 0 for s in sizes)):
        found = f"{len(sizes)} sizes" if isinstance(sizes, list) else shown(sizes) if sizes is None else kind_of(sizes)
        reader.problem(key, f"expected a list of 2 to {limits.MAX_LAYERS + 1} positive whole numbers "
                       f"(inputs first), found {'nothing' if sizes is None else found}")
        return None
    for i, size in enumerate(sizes):
        if size > limits.MAX_WIDTH:
            reader.problem(join_key(key, i), f"a layer has at most {limits.MAX_WIDTH} neurons (MAX_WIDTH), "
                           f"found {size:,}" if size < 10**12 else f"a layer has at most {limits.MAX_WIDTH} neurons")
            return None
    count = sum(a * b for a, b in zip(sizes, sizes[1:])) + sum(sizes[1:])
    if count > limits.MAX_PARAMETERS:
        reader.problem(key, f"a network has at most {limits.MAX_PARAMETERS:,} weights and biases "
                       f"(MAX_PARAMETERS), these sizes need up to {count:,}")
        return None
    return sizes


def _read_network(reader: Reader, raw: Any, prefix: str) -> Network | None:
    """Return the network a [network] table describes, or None when it cannot be built."""
    data = reader.table(raw, prefix, known=NETWORK_KEYS)
    sizes = _sizes(reader, data, prefix) if data or raw is not None else None
    if sizes is None:
        return None
    declared: list[tuple[str, str, bool]] = []  # (name, key path, is a parameter)

    def names(key: str, default: list[str], count: int, parameter: bool = False) -> tuple[str, ...]:
        given = reader.names(data.get(key, default) if "." not in key else default, join_key(prefix, key), count)
        declared.extend((n, join_key(join_key(prefix, key), i), parameter) for i, n in enumerate(given))
        return given

    def choice(key: str, default: str, choices: Any, what: str) -> str:
        return reader.choice(data.get(key, default), join_key(prefix, key), choices, what) or default

    inputs = names("inputs", [f"x{i + 1}" for i in range(sizes[0])], sizes[0])
    activation = choice("activation", "sigmoid", ACTIVATIONS, "activation")
    bias_mode = choice("bias", "shared", BIAS_MODES, "bias mode")
    loss = choice("loss", "half_squared_error", LOSSES, "loss")
    specs = data.get("layers", [{} for _ in sizes[1:]])
    if not isinstance(specs, list) or len(specs) != len(sizes) - 1:
        reader.problem(join_key(prefix, "layers"), f"expected {len(sizes) - 1} [[{prefix}.layers]] tables, "
                       f"one per non-input layer, found {len(specs) if isinstance(specs, list) else kind_of(specs)}")
        specs = [{} for _ in sizes[1:]]
    layers, number = [], 0
    for index, (size, spec) in enumerate(zip(sizes[1:], specs)):
        key, fan_in = join_key(join_key(prefix, "layers"), index), sizes[index]
        spec = reader.table(spec, key, known=LAYER_KEYS)
        pre = reader.names(spec.get("pre", list(_layer_defaults(index, len(sizes) - 1, size))), f"{key}.pre", size)
        post = reader.names(spec.get("post", [f"out_{n}" for n in pre]), f"{key}.post", size)
        declared.extend((n, f"{key}.pre[{j}]", False) for j, n in enumerate(pre))
        declared.extend((n, f"{key}.post[{j}]", False) for j, n in enumerate(post))
        layer_activation = reader.choice(spec.get("activation", activation), f"{key}.activation", ACTIVATIONS,
                                         "activation") or activation
        weights: list[tuple[str, ...]] = []
        if "weights" in spec:
            raw_rows = spec["weights"]
            if not isinstance(raw_rows, list) or len(raw_rows) != size:
                reader.problem(f"{key}.weights", f"expected {size} rows (one per neuron) of {fan_in} names, "
                               f"found {len(raw_rows) if isinstance(raw_rows, list) else kind_of(raw_rows)}")
            else:
                weights = [reader.names(row, f"{key}.weights[{j}]", fan_in) for j, row in enumerate(raw_rows)]
        else:
            weights = [tuple(f"w{number + j * fan_in + i + 1}" for i in range(fan_in)) for j in range(size)]
            number += size * fan_in
        declared.extend((n, f"{key}.weights[{j}][{i}]", True) for j, row in enumerate(weights) for i, n in enumerate(row))
        biases: tuple[str, ...] = ()
        if bias_mode == "shared":
            biases = reader.names(spec.get("biases", [f"b{index + 1}"]), f"{key}.biases", 1) * size
        elif bias_mode == "per_neuron":
            biases = reader.names(spec.get("biases", [f"b{index + 1}_{j + 1}" for j in range(size)]),
                                  f"{key}.biases", size)
        elif "biases" in spec:
            reader.problem(f"{key}.biases", f"biases given but {prefix}.bias is 'none'")
        declared.extend((n, f"{key}.biases[{0 if bias_mode == 'shared' else j}]", True) for j, n in enumerate(biases))
        if len(pre) == len(post) == size and len(weights) == size and len(biases) in (0, size):
            layers.append(Layer(pre, post, layer_activation, tuple(weights), biases))
    outputs = sizes[-1]
    targets = names("targets", [f"T{k + 1}" for k in range(outputs)], outputs)
    errors = names("errors", [f"E{k + 1}" for k in range(outputs)], outputs)
    total = reader.identifier(data.get("total_error", "E_total"), f"{prefix}.total_error")
    declared.append((total, f"{prefix}.total_error", False))
    if loss == BCE and layers and layers[-1].activation != "sigmoid":
        reader.problem(f"{prefix}.loss", f"{BCE} needs outputs in (0, 1): the output layer's activation must be "
                       f"sigmoid, found {layers[-1].activation}")
    if len(layers) != len(sizes) - 1 or len(inputs) != sizes[0] or len(targets) != outputs or len(errors) != outputs:
        return None
    network = Network(inputs, tuple(layers), loss, bias_mode, targets, errors, total)
    return network if _check_names(reader, network, declared, prefix) else None


def _check_names(reader: Reader, network: Network, declared: list[tuple[str, str, bool]], prefix: str,
                 rows: int = 1) -> bool:
    """Record every name used twice, reserved, or also one handcalc gives a derived quantity; True if none."""
    before = len(reader.problems)
    first: dict[str, tuple[str, bool]] = {}
    for name, key, parameter in declared:
        if name in RESERVED_NAMES:
            reader.problem(key, f"the name {name!r} is reserved (the learning rate, or a word of expressions)")
        elif name in first and not (parameter and first[name][1]):
            reader.problem(key, f"the name {name!r} is already used at {first[name][0]}")
        first.setdefault(name, (key, parameter))
    if len(reader.problems) > before:
        return False
    for name, role in quantity_names(network, rows, with_given=False).items():
        if name in first and not role.startswith("given"):
            reader.problem(first[name][0], f"the name {name!r} is also the name handcalc gives {role}")
        elif role.startswith("twice:"):
            reader.problem(prefix, f"two derived quantities would both be named {name!r} ({role[6:]}): "
                           f"rename a neuron or a parameter")
    return len(reader.problems) == before
