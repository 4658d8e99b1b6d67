"""The [network] table (and a case's own) -> `model.Network`, with each declared name's key path.

Second step of reading a worked example: `loader.load_text` parses the TOML, then reads the file's
[network] here; `cases` reads a case's own [cases.network] here too. Layer sizes are checked against
`limits` before any name list grows with them; every name is a plain identifier (`Reader.names`),
and a name reserved, given twice, or one two quantities would share is reported with its key path.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from . import limits
from ..expr import expression as ex
from .reader import Reader, join_key, kind_of
from ..model import Layer, Network
from ..naming import LEARNING_RATE, PENALTY, WEIGHT_DECAY, quantity_names
from .. import naming
from ..functions import ACTIVATIONS, BIAS_MODES, LOSSES, network_losses
from .notation import read_function_names
from .procedure import unit_outputs as _unit_outputs
from ..numbers import parse_fraction, to_decimal_text

__all__ = ["read_network", "probability_targets", "declared_names", "name_clashes", "RESERVED", "NETWORK_KEYS"]

NETWORK_KEYS = ("sizes", "activation", "slope", "loss", "bias", "inputs", "targets", "errors", "total_error", "layers",
                "function_names")
LAYER_KEYS = ("pre", "post", "activation", "slope", "weights", "biases")

# names no quantity may take, each with why: in written arithmetic `e` is Euler's number and a function's
# name is that function (`S` alone may still name a quantity: the parser tells S(x) from S)
RESERVED = {LEARNING_RATE: "is reserved for the learning rate", WEIGHT_DECAY: "is reserved for the weight decay",
            PENALTY: "is reserved for the weight-decay term of the loss",
            "e": "is reserved: in an expression e is Euler's number, exp(1)",
            **{name: f"is reserved: in an expression {name} is the function {function}"
               for name, function in ex.BUILTIN_FUNCTIONS.items() if name.isidentifier() and name != "S"}}


def declared_names(reader: Reader, declared: list[tuple[str, str, bool, bool]]) -> dict[str, str] | None:
    """Return each name's key path; record names reserved or given twice (a parameter may recur: tied weights).

    `declared` holds (name, key path, is a parameter, was written in the file rather than a default).
    """
    keys: dict[str, str] = {}
    first: dict[str, tuple[bool, bool]] = {}  # name -> (is a parameter, was written)
    ok = True
    for name, key, parameter, written in declared:
        if name == "_invalid":
            ok = False
            continue
        if name in RESERVED:
            reader.problem(key, f"the name {name!r} {RESERVED[name]}")
            ok = False
        elif name in first and not (parameter and first[name][0]):
            ok = False
            if written or not first[name][1]:
                default = "" if first[name][1] else " (by default)"
                reader.problem(key, f"the name {name!r} is already used at {keys[name]}{default}")
            else:
                reader.problem(keys[name], f"the name {name!r} is also the default name of {key}: rename one")
        keys.setdefault(name, key)
        first.setdefault(name, (parameter, written))
    return keys if ok else None


def name_clashes(reader: Reader, network: Network, keys: dict[str, str], rows: int, where: str,
                 derived: bool = True) -> bool:
    """Record every name two quantities would share; return True if there is none."""
    roles: dict[str, str] = {}
    ok = True
    for name, role in quantity_names(network, rows, derived):
        if name not in roles:
            roles[name] = role
            continue
        ok = False
        if reader.full:
            break
        if name in keys and not (roles[name] and role):
            other = roles[name] or role
            context = f" when {where} has {rows} rows" if rows > 1 else ""
            reader.problem(keys[name], f"the name {name!r} is also {other}{context}: rename it")
        else:
            reader.problem(where, f"two quantities would both be named {name!r} ({roles[name]}; {role}): "
                           "rename a neuron or a parameter")
    return ok


def _slope(reader: Reader, spec: dict[str, Any], network: dict[str, Any], key: str, prefix: str,
           activation: str) -> Fraction | None:
    """Return a layer's declared activation constant (its own `slope`, else the network's); None: the default."""
    where, raw = (f"{key}.slope", spec["slope"]) if "slope" in spec else (f"{prefix}.slope", network.get("slope"))
    if raw is None:
        return None
    if ACTIVATIONS[activation].default is None:
        if "slope" in spec:
            reader.problem(where, f"a slope is given but {activation} takes none (leaky_relu and elu do)")
        return None
    return parse_fraction(reader.number(raw, where))


def probability_targets(reader: Reader, losses: set[str], targets: tuple[tuple[Fraction, ...], ...],
                         key: str) -> None:
    """Categorical cross-entropy: each target row must be a probability vector, summing to exactly 1."""
    if not any(name in LOSSES and LOSSES[name].per_row for name in losses):
        return
    for r, row in enumerate(targets):
        if sum(row) != 1:
            reader.problem(f"{key}[{r}]", f"cross_entropy needs each target row to be a probability vector "
                           f"summing to 1 (one-hot or not), found sum {to_decimal_text(sum(row), 12)}")


def _layer_specs(reader: Reader, data: dict[str, Any], sizes: list[int], prefix: str) -> list[Any]:
    """Return the [[network.layers]] tables, one per non-input layer (empty ones when absent or miscounted)."""
    specs = data.get("layers", [{} for _ in sizes[1:]])
    if not isinstance(specs, list) or len(specs) != len(sizes) - 1:
        found = f"{len(specs)}" if isinstance(specs, list) else kind_of(specs)
        reader.problem(f"{prefix}.layers", f"expected {len(sizes) - 1} [[{prefix}.layers]] tables, one per "
                       f"non-input layer, found {found}")
        specs = [{} for _ in sizes[1:]]
    return specs


def _layer_weights(reader: Reader, spec: dict[str, Any], key: str, size: int, fan_in: int, number: int,
                   declared: list[tuple[str, str, bool, bool]]) -> tuple[list[tuple[str, ...]], int]:
    """Return a layer's weight names (given, or numbered on from w{number + 1}) and the next default number."""
    if "weights" not in spec:
        weights = naming.default_weights(number, fan_in, size)
        declared.extend((w, f"{key}.weights", True, False) for row in weights for w in row)
        return weights, number + size * fan_in
    rows = spec["weights"]
    if not isinstance(rows, list) or len(rows) != size:
        found = f"{len(rows)}" if isinstance(rows, list) else kind_of(rows)
        reader.problem(f"{key}.weights", f"expected {size} rows (one per neuron) of {fan_in} names, found {found}")
        return [], number
    weights = [reader.names(row, f"{key}.weights[{j}]", fan_in) for j, row in enumerate(rows)]
    declared.extend((w, f"{key}.weights[{j}][{i}]", True, True) for j, row in enumerate(weights) for i, w in enumerate(row))
    return weights, number


def read_network(reader: Reader, raw: Any, prefix: str) -> tuple[Network | None, dict[str, str]]:
    """Return the network a [network] table describes (None when it cannot be built) and each name's key path."""
    data = reader.table(raw, prefix, known=NETWORK_KEYS)
    sizes = limits.check_sizes(reader, data.get("sizes"), join_key(prefix, "sizes")) if isinstance(raw, dict) else None
    if sizes is None:
        return None, {}
    declared: list[tuple[str, str, bool, bool]] = []  # (name, key path, is a parameter, written in the file)

    def names(table: dict[str, Any], field: str, default: list[str], key: str, count: int,
              parameter: bool = False) -> tuple[str, ...]:
        given = reader.names(table.get(field, default), join_key(key, field), count)
        declared.extend((name, join_key(join_key(key, field), i), parameter, field in table)
                        for i, name in enumerate(given))
        return given

    inputs = names(data, "inputs", naming.default_inputs(sizes[0]), prefix, sizes[0])
    activation = reader.choice(data.get("activation", "sigmoid"), f"{prefix}.activation", ACTIVATIONS,
                               "activation") or "sigmoid"
    bias_mode = reader.choice(data.get("bias", "shared"), f"{prefix}.bias", BIAS_MODES, "bias mode") or "none"
    loss = reader.choice(data.get("loss", "half_squared_error"), f"{prefix}.loss", network_losses(),
                         "loss") or "half_squared_error"
    layers, number = [], 0
    for index, (size, spec) in enumerate(zip(sizes[1:], _layer_specs(reader, data, sizes, prefix))):
        key, fan_in = f"{prefix}.layers[{index}]", sizes[index]
        spec = reader.table(spec, key, known=LAYER_KEYS)
        pre = names(spec, "pre", naming.default_pre(index, len(sizes) - 1, size), key, size)
        post = names(spec, "post", naming.default_post(pre), key, size)
        layer_activation = reader.choice(spec.get("activation", activation), f"{key}.activation", ACTIVATIONS,
                                         "activation") or activation
        slope = _slope(reader, spec, data, key, prefix, layer_activation)
        weights, number = _layer_weights(reader, spec, key, size, fan_in, number, declared)
        biases: tuple[str, ...] = ()
        if bias_mode == "shared":
            biases = names(spec, "biases", naming.default_biases(index, size, False), key, 1, True) * size
        elif bias_mode == "per_neuron":
            biases = names(spec, "biases", naming.default_biases(index, size, True), key, size, True)
        elif "biases" in spec:
            reader.problem(f"{key}.biases", f"biases given but {prefix}.bias is 'none'")
        if len(pre) == len(post) == len(weights) == size and all(len(row) == fan_in for row in weights) \
                and len(biases) in (0, size) and (len(biases) == size) == (bias_mode != "none"):
            layers.append(Layer(pre, post, layer_activation, tuple(weights), biases, slope))
    outputs = sizes[-1]
    targets = names(data, "targets", naming.default_targets(outputs), prefix, outputs)
    errors = names(data, "errors", naming.default_errors(outputs), prefix, outputs)
    total = reader.identifier(data.get("total_error", naming.TOTAL_ERROR), f"{prefix}.total_error")
    declared.append((total, f"{prefix}.total_error", False, "total_error" in data))
    if len(layers) == len(sizes) - 1:
        _unit_outputs(reader, loss, layers[-1].activation, f"{prefix}.loss")
    if len(layers) != len(sizes) - 1 or len(inputs) != sizes[0] or len(targets) != outputs or len(errors) != outputs:
        return None, {}
    functions = read_function_names(reader, data.get("function_names"), layers, prefix)
    network = Network(inputs, tuple(layers), loss, bias_mode, targets, errors, total, functions)
    keys = declared_names(reader, declared)
    if keys is None or not name_clashes(reader, network, keys, 1, prefix):
        return None, {}
    return network, keys
