"""Worked-example TOML file -> validated `WorkedExample`.

Numbers are read as text (`tomllib`'s `parse_float=str`), so a stated
`0.41425240` keeps its trailing zero and no value ever passes through float.
Every problem found is reported at once, each with file, key path and line,
and every limit (`handcalc.read.limits`) is checked before anything grows with it.
Nothing in a file is ever evaluated: names must be plain identifiers, numbers
plain decimals, expressions go through `handcalc.expr.expression`'s own parser.
"""

from __future__ import annotations

import re
import tomllib
from fractions import Fraction
from pathlib import Path
from types import MappingProxyType
from typing import Any

from . import limits
from .claimspec import CaseNames, declared_names, name_clashes, read_claims, text_line
from .reader import IDENTIFIER, InputError, KeyLines, Names, Problem, Reader, join_key, kind_of, shown, suggest
from ..model import BIAS_METHODS, INIT_METHODS, LAYOUTS, Case, Init, Layer, Network, Procedure, WorkedExample
from .. import naming
from ..naming import LEARNING_RATE, WEIGHT_DECAY, is_quantity, quantity_names
from ..functions import ACTIVATIONS, BIAS_MODES, LOSSES, network_losses
from .notation import read_function_names
from .procedure import read_training, unit_outputs as _unit_outputs
from .initial import draw, order_problem
from ..numbers import exact_rows, is_number_text, parse_fraction, to_decimal_text

__all__ = ["load_file", "load_bytes", "load_text", "claim_line", "IDENTIFIER"]

TOP_KEYS = ("example", "network", "parameters", "cases", "aliases", "claims")
EXAMPLE_KEYS = ("name", "title", "source")
NETWORK_KEYS = ("sizes", "activation", "slope", "loss", "bias", "inputs", "targets", "errors", "total_error", "layers",
                "function_names")
LAYER_KEYS = ("pre", "post", "activation", "slope", "weights", "biases")
CASE_KEYS = ("name", "title", "inputs", "targets", "learning_rate", "input_scale", "target_scale", "parameters",
             "init", "network", "training")
INIT_KEYS = ("method", "seed", "replay_seed", "layout", "order", "bias_method")


# --- the network ---------------------------------------------------------------------------

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


def _probability_targets(reader: Reader, losses: set[str], targets: tuple[tuple[Fraction, ...], ...],
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


def _read_network(reader: Reader, raw: Any, prefix: str) -> tuple[Network | None, dict[str, str]]:
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


# --- cases -----------------------------------------------------------------------------------

def _divisors(reader: Reader, rows: tuple[tuple[str, ...], ...], scale: Any, key: str) -> list[Fraction] | None:
    """What each column is divided by: a number, or each column's largest value (`column_max`)."""
    if scale is None or not rows:
        return None
    if scale == "column_max":
        divisors = [max(column) for column in zip(*([parse_fraction(t) for t in row] for row in rows))]
        if any(d == 0 for d in divisors):
            reader.problem(key, "a column's largest value is 0: cannot scale by it")
            return None
        return divisors
    if isinstance(scale, str) and not is_number_text(scale):
        reader.problem(key, f"expected a number or \"column_max\", found {shown(scale)}"
                       f"{suggest(scale, ('column_max',))}")
        return None
    divisor = parse_fraction(reader.number(scale, key))
    if divisor == 0:
        reader.problem(key, "cannot scale by 0")
        return None
    return [divisor] * len(rows[0])


def _read_init(reader: Reader, raw: Any, key: str, network: Network) -> Init | None:
    """Return how the case's weights (and biases) are drawn (an `init` table)."""
    init = reader.table(raw, key, known=INIT_KEYS)
    method = reader.choice(init.get("method"), f"{key}.method", INIT_METHODS, "method")
    bias_method = None
    if "bias_method" in init:
        bias_method = reader.choice(init["bias_method"], f"{key}.bias_method", BIAS_METHODS, "bias method")
    order = init.get("order")
    if order is not None and order_problem(network, order):
        reader.problem(f"{key}.order", order_problem(network, order))
        order = None
    layout = reader.choice(init.get("layout", LAYOUTS[0]), f"{key}.layout", LAYOUTS, "layout")
    seeds: dict[str, int | None] = {}
    for name in ("seed", "replay_seed"):
        seed = init.get(name, "none")
        seeds[name] = None
        if seed != "none" and (isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**32):
            reader.problem(f"{key}.{name}", f"expected an integer seed in [0, 2^32) or \"none\", found {shown(seed)}")
        elif seed != "none":
            seeds[name] = seed
    if not init or method is None or layout is None:
        return None
    return Init(method, seeds["seed"], seeds["replay_seed"], layout, tuple(order) if order else None, bias_method)


def _unit_targets(reader: Reader, key: str, losses: set[str | None], targets: tuple[tuple[Fraction, ...], ...],
                  raw_targets: tuple[tuple[str, ...], ...]) -> None:
    """Record each target outside [0, 1] that a loss of the case (binary cross-entropy) cannot take."""
    for loss_name in sorted(n for n in losses if n in LOSSES and LOSSES[n].needs_unit_interval):
        for r, row in enumerate(targets):
            for c, value in enumerate(row):
                if not 0 <= value <= 1:
                    reader.problem(f"{key}.targets[{r}][{c}]", f"{loss_name} needs targets in [0, 1], "
                                   f"found {raw_targets[r][c]}")


def _parameter_texts(reader: Reader, spec: dict[str, Any], key: str, network: Network, names: frozenset[str],
                     parameters: dict[str, str]) -> dict[str, str]:
    """Return the parameters' texts: the file's [parameters], overridden by the case's own."""
    texts = {p: t for p, t in parameters.items() if p in names}
    overrides = reader.table(spec.get("parameters"), f"{key}.parameters", required=False)
    for pname, value in overrides.items():
        if reader.full:
            break
        texts[pname] = reader.number(value, join_key(f"{key}.parameters", pname))
        if pname not in names:
            reader.problem(join_key(f"{key}.parameters", pname), f"{shown(pname)} is not a parameter of the "
                           f"network{suggest(pname, network.parameters)}")
    return texts


def _learning_rate(reader: Reader, spec: Any, key: str) -> str:
    """Return the case's learning rate as written (1 when not given), recording a problem unless it is positive."""
    counted = reader.count
    rate = reader.number(spec.get("learning_rate", "1"), f"{key}.learning_rate")
    if parse_fraction(rate) <= 0 and reader.count == counted:
        reader.problem(f"{key}.learning_rate", f"expected a positive number, found {rate}")
    return rate


def _given_texts(texts: dict[str, str], spec: Any, groups: tuple, rows: int) -> None:
    """Record each input and target as the text states it, per row (a scaled number shows its scaled value)."""
    for names_of, raw_numbers, exact_numbers, scale in groups:
        for r, (raw, exact) in enumerate(zip(raw_numbers, exact_numbers)):
            for quantity, text, value in zip(names_of, raw, exact):
                texts[naming.in_row(quantity, r, rows)] = \
                    text if spec.get(scale) is None else to_decimal_text(value, 10)


def _constant_texts(texts: dict[str, str], rate: str, training: Procedure | None, spec: Any) -> None:
    """Record the learning rate, and any weight decay, as the file writes them (valid numbers by now)."""
    texts[LEARNING_RATE] = rate
    if training is not None and training.weight_decay:
        texts[WEIGHT_DECAY] = str(spec["training"]["weight_decay"]).strip()


def _read_case(reader: Reader, spec: Any, key: str, default: Network | None, default_keys: dict[str, str],
               parameters: dict[str, str], name: str) -> tuple[Case | None, Network | None]:
    """Return one case and the network it runs on (None for either when a problem prevents building it)."""
    network, keys = default, default_keys
    before = reader.count
    if "network" in spec:
        network, keys = _read_network(reader, spec["network"], f"{key}.network")
    if network is None:
        return None, None
    width, outputs = len(network.inputs), len(network.targets)
    if spec.get("inputs") is None:
        reader.problem(f"{key}.inputs", "is missing: expected input rows such as [[0.05, 0.10]]")
    raw_rows = reader.matrix(spec.get("inputs"), f"{key}.inputs", width, limits.MAX_ROWS) if "inputs" in spec else ()
    raw_targets = (reader.matrix(spec["targets"], f"{key}.targets", outputs, limits.MAX_ROWS)
                   if "targets" in spec else ())
    if raw_rows and raw_targets and len(raw_rows) != len(raw_targets):
        reader.problem(f"{key}.targets", f"expected {len(raw_rows)} target rows, one per input row, "
                       f"found {len(raw_targets)}")
    input_divisors = _divisors(reader, raw_rows, spec.get("input_scale"), f"{key}.input_scale")
    rows = exact_rows(raw_rows, input_divisors)
    targets = exact_rows(raw_targets, _divisors(reader, raw_targets, spec.get("target_scale"), f"{key}.target_scale"))
    training = read_training(reader, spec["training"], f"{key}.training", input_divisors, network) \
        if "training" in spec else None
    rate = _learning_rate(reader, spec, key)
    losses = {network.loss} | ({training.gradient_loss, training.monitor} if training else set())
    _unit_targets(reader, key, losses, targets, raw_targets)
    _probability_targets(reader, {n for n in losses if n}, targets, f"{key}.targets")
    names = frozenset(network.parameters)  # once: a membership test per parameter stays linear
    texts = _parameter_texts(reader, spec, key, network, names, parameters)
    init = _read_init(reader, spec["init"], f"{key}.init", network) if "init" in spec else None
    values = {p: parse_fraction(t) for p, t in texts.items() if p in names}
    if init is not None and init.draw_seed is not None and reader.count == before:
        drawn, drawn_texts = draw(network, init)
        values.update({p: v for p, v in drawn.items() if p not in texts})
        texts.update({p: t for p, t in drawn_texts.items() if p not in texts})
    missing = [p for p in network.parameters if p not in values]
    if missing and init is None:
        reader.problem(f"{key}.parameters", f"no value for parameter {missing[0]!r} (give it in [parameters])")
    elif missing and init.draw_seed is not None and reader.count == before:
        # the draw cannot be applied as it stands: say so rather than drop the case's derivation and training
        reader.problem(f"{key}.init", f"the draw gives no value for {missing[0]!r}"
                       f"{f' (nor {len(missing) - 1} more)' if len(missing) > 1 else ''}: give it in "
                       "[parameters], or draw it with init.order (e.g. [\"W1\", \"b1\", \"W2\", \"b2\"])")
    if reader.count > before:  # nothing more can be checked reliably
        return None, network
    if missing:
        values = {}
    derived = bool(values) and bool(targets)
    if derived and not limits.check_derivation(reader, len(rows), network, f"{key}.inputs"):
        return None, network
    if len(rows) > 1 and not name_clashes(reader, network, keys, len(rows), key, derived):
        return None, network
    _given_texts(texts, spec, ((network.inputs, raw_rows, rows, "input_scale"),
                               (network.targets, raw_targets, targets, "target_scale")), len(rows))
    _constant_texts(texts, rate, training, spec)
    title = text_line(reader, spec, "title", key, "")
    case = Case(name, rows, targets, parse_fraction(rate), MappingProxyType(values), MappingProxyType(texts),
                title, init, network if "network" in spec else None, training)
    return case, network


def _read_cases(reader: Reader, data: Any, network: Network | None, keys: dict[str, str],
                parameters: dict[str, str]) -> tuple[tuple[Case, ...], dict[str, CaseNames]]:
    """Return the cases, and for each case name its network and the quantities a claim may name."""
    if data is None or data == []:
        reader.problem("cases", "is missing: expected at least one [[cases]] table")
        return (), {}
    if not isinstance(data, list):
        reader.problem("cases", f"expected [[cases]] tables, found {kind_of(data)}")
        return (), {}
    if len(data) > limits.MAX_CASES:
        reader.problem("cases", f"a file has at most {limits.MAX_CASES} cases (MAX_CASES), found {len(data):,}")
        return (), {}
    cases: list[Case] = []
    named: dict[str, CaseNames] = {}
    known = set(network.parameters) if network else set()
    for index, raw in enumerate(data):
        key = f"cases[{index}]"
        spec = reader.table(raw, key, known=CASE_KEYS)
        name = reader.identifier(spec.get("name", f"case{index + 1}"), f"{key}.name")
        if name in named:
            reader.problem(f"{key}.name", f"a case named {name!r} comes earlier: case names must differ")
        case, case_network = _read_case(reader, spec, key, network, keys, parameters, name)
        if case_network is not None:
            known.update(case_network.parameters)
        quantities = None
        if case is not None and case_network is not None:
            quantities = Names(q for q, _ in quantity_names(case_network, len(case.rows),
                                                            decay=case.decay(case_network)))
            cases.append(case)
        named.setdefault(name, CaseNames(case_network, quantities, index))
    for pname in parameters:
        if pname not in known and network is not None and not reader.full:
            reader.problem(join_key("parameters", pname), f"{shown(pname)} is not a parameter of the network"
                           f"{suggest(pname, known)}")
    return tuple(cases), named


def _read_aliases(reader: Reader, raw: Any, named: dict[str, CaseNames]) -> dict[str, str]:
    """Return the [aliases] table: a tutorial's own name (delta_o1) for a quantity (dE_dnet_o1) of some case."""
    aliases: dict[str, str] = {}
    for alias, target in reader.table(raw, "aliases", required=False).items():
        key = join_key("aliases", alias)
        alias = reader.identifier(alias, key)
        target = reader.identifier(target, key)
        if "_invalid" in (alias, target):
            continue
        cases = [(entry.network, entry.quantities) for entry in named.values()
                 if entry.network is not None and entry.quantities]
        if any(alias in known for _, known in cases):
            reader.problem(key, f"{alias!r} already names a quantity: an alias needs a name of its own")
        elif cases and not any(is_quantity(target, known, {}, network.total_error) for network, known in cases):
            every = set().union(*(known for _, known in cases))
            reader.problem(key, f"no quantity named {target!r} in any case{suggest(target, every)}")
        else:
            aliases[alias] = target
    return aliases


# --- the file --------------------------------------------------------------------------------

# tomllib takes time quadratic in the parts of a dotted key (a.b.c...): refuse absurd ones first.  A key
# starts a line (after `[` or `[[` for a table header) or follows `{` or `,` in an inline table; only there
# is one looked for, and every piece is matched possessively, so the check is linear in the file's length
# (a long run of letters in a comment or a string is read once, never re-tried from each of its letters).
_KEY_PIECE = r'''(?:[A-Za-z0-9_-]++|"(?:[^"\\\n]|\\.)*+"|'[^'\n]*+')'''
_LONG_KEY = re.compile(r"(?:^|[{,])[ \t]*+(?:\[\[?+[ \t]*+)?+%s(?:[ \t]*+\.[ \t]*+%s){%d}"
                       % (_KEY_PIECE, _KEY_PIECE, limits.MAX_KEY_PARTS), re.MULTILINE)


def _toml(text: str, path: str) -> dict[str, Any]:
    """Parse TOML text, numbers kept as text; a syntax error names its line and column."""
    long_key = _LONG_KEY.search(text)
    if long_key:
        line = text.count("\n", 0, long_key.start()) + 1
        raise InputError([Problem(path, "", f"a dotted key has more than {limits.MAX_KEY_PARTS} parts "
                                  "(MAX_KEY_PARTS)", line)])
    try:
        return tomllib.loads(text, parse_float=str)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        where = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
        if where:
            message = message[:where.start()]
            line, column = int(where.group(1)), int(where.group(2))
        else:
            at_end = message.endswith("(at end of document)")
            message = message.removesuffix(" (at end of document)") + (" at the end of the file" if at_end else "")
            line, column = (text.count("\n") + 1 if at_end else None), None
        raise InputError([Problem(path, "", f"not valid TOML: {message}", line, column)]) from None
    except RecursionError:
        raise InputError([Problem(path, "", "not valid TOML here: arrays or tables nested too deeply")]) from None
    except ValueError:  # an integer too long for Python to convert
        digits = re.search(r"[0-9_]{4300,}", text)
        line = text.count("\n", 0, digits.start()) + 1 if digits else None
        raise InputError([Problem(path, "", "an integer has more than 4,300 digits", line)]) from None


def load_text(text: str, path: str = "<text>", name: str | None = None) -> WorkedExample:
    """Return the validated worked example in TOML `text`; raise InputError listing every problem."""
    if len(text) > limits.MAX_FILE_BYTES:
        raise InputError([Problem(path, "", f"the file is larger than {limits.MAX_FILE_BYTES:,} bytes "
                                  "(MAX_FILE_BYTES)")])
    if not text.strip():
        raise InputError([Problem(path, "", "the file is empty: expected a worked example in TOML")])
    reader = Reader(path, text)
    data = reader.table(_toml(text, path), "", known=TOP_KEYS)
    meta = reader.table(data.get("example"), "example", required=False, known=EXAMPLE_KEYS)
    network, keys = _read_network(reader, data.get("network"), "network")
    parameters = {}
    raw = reader.table(data.get("parameters"), "parameters", required=False)
    if len(raw) > limits.MAX_PARAMETERS:
        reader.problem("parameters", f"a network has at most {limits.MAX_PARAMETERS:,} parameters "
                       f"(MAX_PARAMETERS), found {len(raw):,}")
        raw = {}
    for pname, value in raw.items():
        parameters[pname] = reader.number(value, join_key("parameters", pname))
    cases, named = _read_cases(reader, data.get("cases"), network, keys, parameters)
    aliases = _read_aliases(reader, data.get("aliases"), named) if "aliases" in data else {}
    claims = read_claims(reader, data.get("claims"), named, aliases)
    limits.check_training(reader, cases, named, claims)
    texts = {field: text_line(reader, meta, field, "example", "") for field in EXAMPLE_KEYS}
    if reader.problems:
        raise reader.fail()
    return WorkedExample(name=texts["name"] or name or Path(path).stem, title=texts["title"],
                         source=texts["source"], path=Path(path), network=network, cases=cases, claims=claims,
                         aliases=MappingProxyType(aliases))


def claim_line(path: Path, index: int) -> int | None:
    """Return the line of the index-th [[claims]] table of a file, if it can be read."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    return KeyLines(text).line(f"claims[{index}]")


def load_file(path: Path | str) -> WorkedExample:
    """Return the validated worked example in the file at `path`."""
    path = Path(path)
    try:
        if path.stat().st_size > limits.MAX_FILE_BYTES:
            raise InputError([Problem(str(path), "", f"the file is larger than {limits.MAX_FILE_BYTES:,} bytes "
                                      "(MAX_FILE_BYTES)")])
        raw = path.read_bytes()
    except OSError as error:
        raise InputError([Problem(str(path), "", f"cannot read the file: {error.strerror or error}")]) from None
    return load_bytes(raw, path)


def load_bytes(raw: bytes, path: Path | str = "<bytes>") -> WorkedExample:
    """Return the validated worked example in a file's bytes (UTF-8; a byte-order mark is allowed)."""
    path = Path(path)
    if len(raw) > limits.MAX_FILE_BYTES:
        raise InputError([Problem(str(path), "", f"the file is larger than {limits.MAX_FILE_BYTES:,} bytes "
                                  "(MAX_FILE_BYTES)")])
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise InputError([Problem(str(path), "", "the file is UTF-16 text: save it as UTF-8")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[:error.start].count(b"\n") + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        raise InputError([Problem(str(path), "", f"not UTF-8 text: byte 0x{raw[error.start]:02x} cannot be "
                                  "decoded (save the file as UTF-8)", line, column)]) from None
    return load_text(text, str(path), name=path.stem)
