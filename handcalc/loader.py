"""Worked-example TOML file -> validated `WorkedExample`.

Numbers are read as text (`tomllib`'s `parse_float=str`), so a stated
`0.41425240` keeps its trailing zero and no value ever passes through float.
Every problem found is reported at once, each with file, key path and line.
"""

from __future__ import annotations

import re
import tomllib
from fractions import Fraction
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .errors import InputError, Problem
from .example import Case, Claim, Layer, Network, WorkedExample
from .functions import ACTIVATIONS, BIAS_MODES, LOSSES
from .initial import INIT_METHODS, LAYOUTS, draw, is_seeded
from .training import FORWARD, HIDDEN_DELTAS, MODES, MONITORS, OUTPUTS, Procedure
from .derivation import LEARNING_RATE
from .numbers import NumberError, parse_fraction, to_decimal_text

__all__ = ["load_file", "load_text", "claim_line", "IDENTIFIER"]

IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
MAX_FILE_BYTES = 1_000_000
MAX_EPOCHS = 1_000_000


class _Reader:
    """Collects problems while reading one file's parsed TOML."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()
        self.problems: list[Problem] = []

    def problem(self, key: str, message: str) -> None:
        self.problems.append(Problem(self.path, key, message, self.line_of(key)))

    def line_of(self, key: str) -> int | None:
        """Find the line of a key path such as `claims[3].stated` (best effort)."""
        line = 0
        for part in key.split("."):
            name, _, index = part.partition("[")
            if index:
                header = re.compile(rf"^\s*\[\[\s*(?:[\w.]*\.)?{re.escape(name)}\s*\]\]")
                try:
                    count = int(index.rstrip("]"))
                except ValueError:
                    return None
                seen = -1
                for number in range(line, len(self.lines)):
                    if header.match(self.lines[number]):
                        seen += 1
                        if seen == count:
                            line = number
                            break
                else:
                    continue
            else:
                pattern = re.compile(rf"^\s*(?:\[\s*(?:[\w.]*\.)?)?{re.escape(name)}\b")
                for number in range(line, len(self.lines)):
                    if pattern.match(self.lines[number]):
                        line = number
                        break
        return line + 1 if key else None

    def table(self, data: Any, key: str, required: bool = True) -> dict[str, Any]:
        if data is None:
            if required:
                self.problem(key, "is missing: expected a table")
            return {}
        if not isinstance(data, dict):
            self.problem(key, f"expected a table, found {_kind(data)}")
            return {}
        return data

    def text(self, data: dict[str, Any], name: str, key: str, default: str | None = None) -> str:
        value = data.get(name, default)
        if value is None:
            self.problem(f"{key}.{name}".lstrip("."), "is missing: expected a string")
            return ""
        if not isinstance(value, str):
            self.problem(f"{key}.{name}".lstrip("."), f"expected a string, found {_kind(value)}")
            return ""
        return value

    def identifier(self, value: Any, key: str) -> str:
        if not isinstance(value, str) or not IDENTIFIER.match(value):
            self.problem(key, f"{value!r} is not a plain name (letters, digits, _; starting with a letter)")
            return "_invalid"
        return value

    def names(self, value: Any, key: str, count: int | None = None) -> tuple[str, ...]:
        if not isinstance(value, list):
            self.problem(key, f"expected a list of names, found {_kind(value)}")
            return ()
        if count is not None and len(value) != count:
            self.problem(key, f"expected {count} names, found {len(value)}")
        return tuple(self.identifier(item, f"{key}[{i}]") for i, item in enumerate(value))

    def number(self, value: Any, key: str) -> str:
        """Return a number's decimal text, or record why it is not one."""
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            self.problem(key, f"expected a number, found {_kind(value)}")
            return "0"
        text = str(value).strip()
        try:
            parse_fraction(text)
        except NumberError as error:
            self.problem(key, f"expected a finite decimal number: {error}")
            return "0"
        return text

    def matrix(self, value: Any, key: str, columns: int) -> tuple[tuple[str, ...], ...]:
        if not isinstance(value, list) or not value:
            self.problem(key, f"expected a list of rows, found {_kind(value)}")
            return ()
        rows = []
        for r, row in enumerate(value):
            if not isinstance(row, list) or len(row) != columns:
                self.problem(f"{key}[{r}]", f"expected a row of {columns} numbers, found {_shape(row)}")
                continue
            rows.append(tuple(self.number(item, f"{key}[{r}][{c}]") for c, item in enumerate(row)))
        return tuple(rows)


def _suggest(value: Any, choices: Any) -> str:
    """A 'did you mean' for a near miss, or ''."""
    import difflib

    close = difflib.get_close_matches(str(value), list(choices), n=1) if isinstance(value, str) else []
    return f" (did you mean {close[0]!r}?)" if close else ""


def _kind(value: Any) -> str:
    kinds = {bool: "a boolean", int: "an integer", str: "a string", list: "a list", dict: "a table"}
    return kinds.get(type(value), type(value).__name__)


def _shape(value: Any) -> str:
    return f"{len(value)} items" if isinstance(value, list) else _kind(value)


def _layer_defaults(index: int, count: int, size: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Default names: h1.. for one hidden layer, h1_1.. for several, y1.. for the output."""
    if index == count - 1:
        prefix = "y"
    elif count == 2:
        prefix = "h"
    else:
        prefix = f"h{index + 1}_"
    pre = tuple(f"{prefix}{j + 1}" for j in range(size))
    return pre, tuple(f"out_{name}" for name in pre)


def _read_network(reader: _Reader, data: dict[str, Any], prefix: str = "network") -> Network:
    sizes = data.get("sizes")
    if (not isinstance(sizes, list) or len(sizes) < 2
            or not all(isinstance(s, int) and not isinstance(s, bool) and s > 0 for s in sizes)):
        reader.problem(f"{prefix}.sizes", "expected a list of at least two positive integers (inputs first)")
        raise InputError(reader.problems)
    inputs = reader.names(data.get("inputs", [f"x{i + 1}" for i in range(sizes[0])]),
                          f"{prefix}.inputs", sizes[0])
    default_activation = data.get("activation", "sigmoid")
    if default_activation not in ACTIVATIONS:
        reader.problem(f"{prefix}.activation", f"unknown activation {default_activation!r}: "
                       f"expected one of {', '.join(ACTIVATIONS)}{_suggest(default_activation, ACTIVATIONS)}")
        default_activation = "sigmoid"
    bias_mode = data.get("bias", "shared")
    if bias_mode not in BIAS_MODES:
        reader.problem(f"{prefix}.bias", f"unknown bias mode {bias_mode!r}: expected one of {', '.join(BIAS_MODES)}"
                       f"{_suggest(bias_mode, BIAS_MODES)}")
    loss = data.get("loss", "half_squared_error")
    if loss not in LOSSES:
        reader.problem(f"{prefix}.loss", f"unknown loss {loss!r}: expected one of {', '.join(LOSSES)}"
                       f"{_suggest(loss, LOSSES)}")
    specs = data.get("layers", [{} for _ in sizes[1:]])
    if not isinstance(specs, list) or len(specs) != len(sizes) - 1:
        reader.problem(f"{prefix}.layers", f"expected {len(sizes) - 1} [[network.layers]] tables, one per non-input layer")
        specs = [{} for _ in sizes[1:]]
    layers = []
    weight_number = 0
    for index, (size, spec) in enumerate(zip(sizes[1:], specs)):
        key = f"{prefix}.layers[{index}]"
        spec = reader.table(spec, key)
        fan_in = sizes[index]
        default_pre, default_post = _layer_defaults(index, len(sizes) - 1, size)
        pre = reader.names(spec.get("pre", list(default_pre)), f"{key}.pre", size)
        post = reader.names(spec.get("post", [f"out_{n}" for n in pre] if "pre" in spec else list(default_post)),
                            f"{key}.post", size)
        activation = spec.get("activation", default_activation)
        if activation not in ACTIVATIONS:
            reader.problem(f"{key}.activation",
                           f"unknown activation {activation!r}: expected one of {', '.join(ACTIVATIONS)}"
                           f"{_suggest(activation, ACTIVATIONS)}")
        if "weights" in spec:
            raw = spec["weights"]
            weights = []
            if not isinstance(raw, list) or len(raw) != size:
                reader.problem(f"{key}.weights", f"expected {size} rows (one per neuron) of {fan_in} names")
            else:
                for j, row in enumerate(raw):
                    weights.append(reader.names(row, f"{key}.weights[{j}]", fan_in))
        else:
            weights = []
            for _ in range(size):
                weights.append(tuple(f"w{weight_number + i + 1}" for i in range(fan_in)))
                weight_number += fan_in
        biases: tuple[str, ...] = ()
        if bias_mode == "shared":
            names = reader.names(spec.get("biases", [f"b{index + 1}"]), f"{key}.biases", 1)
            biases = names * size
        elif bias_mode == "per_neuron":
            default = [f"b{index + 1}_{j + 1}" for j in range(size)]
            biases = reader.names(spec.get("biases", default), f"{key}.biases", size)
        elif "biases" in spec:
            reader.problem(f"{key}.biases", "biases given but network.bias is 'none'")
        layers.append(Layer(pre, post, activation, tuple(weights), biases))
    outputs = sizes[-1]
    network = Network(
        inputs=inputs,
        layers=tuple(layers),
        loss=loss,
        bias_mode=bias_mode,
        targets=reader.names(data.get("targets", [f"T{k + 1}" for k in range(outputs)]), f"{prefix}.targets", outputs),
        errors=reader.names(data.get("errors", [f"E{k + 1}" for k in range(outputs)]), f"{prefix}.errors", outputs),
        total_error=reader.identifier(data.get("total_error", "E_total"), f"{prefix}.total_error"),
    )
    return network


def _divisors(reader: _Reader, rows: tuple[tuple[str, ...], ...], scale: Any, key: str) -> list[Fraction] | None:
    """What each column is divided by: a number, or each column's largest value (`column_max`)."""
    if scale is None or not rows:
        return None
    if scale == "column_max":
        divisors = [max(column) for column in zip(*([parse_fraction(t) for t in row] for row in rows))]
        if any(d == 0 for d in divisors):
            reader.problem(key, "a column's largest value is 0: cannot scale by it")
            return None
        return divisors
    divisor = parse_fraction(reader.number(scale, key))
    if divisor == 0:
        reader.problem(key, "cannot scale by 0")
        return None
    return [divisor] * len(rows[0])


def _scaled(rows: tuple[tuple[str, ...], ...], divisors: list[Fraction] | None) -> tuple[tuple[Fraction, ...], ...]:
    """Exact rows, each column divided by its divisor."""
    exact = [[parse_fraction(text) for text in row] for row in rows]
    if divisors is None:
        return tuple(tuple(row) for row in exact)
    return tuple(tuple(value / d for value, d in zip(row, divisors)) for row in exact)


def _read_training(reader: _Reader, spec: Any, key: str, divisors: list[Fraction] | None,
                   width: int) -> Procedure | None:
    if spec is None:
        return None
    spec = reader.table(spec, key)
    epochs = spec.get("epochs")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or not 0 < epochs <= MAX_EPOCHS:
        reader.problem(f"{key}.epochs", f"expected a whole number of epochs from 1 to {MAX_EPOCHS}, found {epochs!r}")
        epochs = 1
    choices = {"mode": MODES, "hidden_deltas": HIDDEN_DELTAS, "forward": FORWARD, "outputs": OUTPUTS,
               "gradient": tuple(LOSSES), "monitor": MONITORS}
    options: dict[str, Any] = {}
    for name, allowed in choices.items():
        if name in spec:
            if spec[name] not in allowed:
                reader.problem(f"{key}.{name}", f"expected one of {', '.join(allowed)}, found {spec[name]!r}"
                               f"{_suggest(spec[name], allowed)}")
            else:
                options["gradient_loss" if name == "gradient" else name] = spec[name]
    if "update_biases" in spec:
        if not isinstance(spec["update_biases"], bool):
            reader.problem(f"{key}.update_biases", f"expected true or false, found {_kind(spec['update_biases'])}")
        else:
            options["update_biases"] = spec["update_biases"]
    every = spec.get("report_every", 0)
    if isinstance(every, bool) or not isinstance(every, int) or every < 0:
        reader.problem(f"{key}.report_every", f"expected a whole number of epochs, found {every!r}")
        every = 0
    predict: tuple[tuple[Fraction, ...], ...] = ()
    if "predict" in spec:
        predict = _scaled(reader.matrix(spec["predict"], f"{key}.predict", width), divisors)
    return Procedure(epochs=epochs, report_every=every, predict=predict, **options)


def _read_init(reader: _Reader, init: Any, key: str) -> dict[str, Any] | None:
    if init is None:
        return None
    if not isinstance(init, dict):
        reader.problem(key, f"expected a table, found {_kind(init)}")
        return None
    if init.get("method") not in INIT_METHODS:
        reader.problem(f"{key}.method", f"expected one of {', '.join(INIT_METHODS)}, found {init.get('method')!r}")
    if init.get("layout", "inputs_by_neurons") not in LAYOUTS:
        reader.problem(f"{key}.layout", f"expected one of {', '.join(LAYOUTS)}, found {init.get('layout')!r}")
    for name in ("seed", "replay_seed"):
        seed = init.get(name, "none")
        if seed != "none" and (isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**32):
            reader.problem(f"{key}.{name}", f"expected an integer seed in [0, 2^32) or \"none\", found {seed!r}")
    return init


def _read_cases(reader: _Reader, data: Any, default_network: Network, parameters: dict[str, str]) -> tuple[Case, ...]:
    if not isinstance(data, list) or not data:
        reader.problem("cases", "is missing: expected at least one [[cases]] table")
        return ()
    cases = []
    known = set(default_network.parameters)
    for index, spec in enumerate(data):
        key = f"cases[{index}]"
        spec = reader.table(spec, key)
        own = None
        if "network" in spec:
            own = _read_network(reader, reader.table(spec["network"], f"{key}.network"), f"{key}.network")
            known.update(own.parameters)
        network = own or default_network
        case_name = reader.identifier(spec.get("name", f"case{index + 1}"), f"{key}.name")
        raw_rows = reader.matrix(spec.get("inputs"), f"{key}.inputs", len(network.inputs))
        raw_targets = (reader.matrix(spec["targets"], f"{key}.targets", len(network.targets))
                       if "targets" in spec else ())  # a case may give inputs only (a prediction)
        if raw_rows and raw_targets and len(raw_rows) != len(raw_targets):
            reader.problem(f"{key}.targets", f"expected {len(raw_rows)} target rows, one per input row")
        input_divisors = _divisors(reader, raw_rows, spec.get("input_scale"), f"{key}.input_scale")
        rows = _scaled(raw_rows, input_divisors)
        targets = _scaled(raw_targets, _divisors(reader, raw_targets, spec.get("target_scale"), f"{key}.target_scale"))
        training = _read_training(reader, spec.get("training"), f"{key}.training", input_divisors, len(network.inputs))
        rate = reader.number(spec.get("learning_rate", "1"), f"{key}.learning_rate")
        if parse_fraction(rate) <= 0:
            reader.problem(f"{key}.learning_rate", f"expected a positive number, found {rate}")
        if LOSSES.get(network.loss) and LOSSES[network.loss].needs_unit_interval:
            for r, row in enumerate(targets):
                for c, value in enumerate(row):
                    if not 0 <= value <= 1:
                        reader.problem(f"{key}.targets[{r}][{c}]",
                                       f"{network.loss} needs targets in [0, 1], found {raw_targets[r][c]}")
        texts = {p: t for p, t in parameters.items() if p in network.parameters}
        overrides = reader.table(spec.get("parameters"), f"{key}.parameters", required=False)
        for pname, value in overrides.items():
            texts[pname] = reader.number(value, f"{key}.parameters.{pname}")
            if pname not in network.parameters:
                reader.problem(f"{key}.parameters.{pname}", f"{pname!r} is not a parameter of the network")
        init = _read_init(reader, spec.get("init"), f"{key}.init")
        values = {p: parse_fraction(t) for p, t in texts.items() if p in network.parameters}
        if init is not None and (is_seeded(init) or "replay_seed" in init) and not reader.problems:
            drawn, drawn_texts = draw(network, init)
            values.update({p: v for p, v in drawn.items() if p not in texts})
            texts.update({p: t for p, t in drawn_texts.items() if p not in texts})
        missing = [p for p in network.parameters if p not in values]
        if missing and init is None:
            reader.problem(f"{key}.parameters", f"no value for parameter {missing[0]!r} (give it in [parameters])")
        if missing:
            values = {}
        several = len(rows) > 1
        for r, (raw, exact) in enumerate(zip(raw_rows, rows)):
            suffix = f"_r{r + 1}" if several else ""
            for name, text, value in zip(network.inputs, raw, exact):
                texts[name + suffix] = text if spec.get("input_scale") is None else to_decimal_text(value, 10)
        for r, (raw, exact) in enumerate(zip(raw_targets, targets)):
            suffix = f"_r{r + 1}" if several else ""
            for name, text, value in zip(network.targets, raw, exact):
                texts[name + suffix] = text if spec.get("target_scale") is None else to_decimal_text(value, 10)
        texts[LEARNING_RATE] = rate
        cases.append(Case(case_name, rows, targets, parse_fraction(rate), MappingProxyType(values),
                          MappingProxyType(texts), str(spec.get("title", "")), init, own, training))
    for pname in parameters:
        if pname not in known:
            reader.problem(f"parameters.{pname}", f"{pname!r} is not a parameter of the network")
    return tuple(cases)


CLAIM_KINDS = ("value", "compare", "range", "shape", "array", "training")
TRAINING_CHECKS = ("loss_decreases", "loss_at", "outputs_near_targets")
RELATIONS = ("<", ">", "<=", ">=", "==", "!=")


def _read_claims(reader: _Reader, data: Any, cases: tuple[Case, ...]) -> tuple[Claim, ...]:
    if data is None:
        return ()
    if not isinstance(data, list):
        reader.problem("claims", "expected [[claims]] tables")
        return ()
    claims = []
    seen: dict[str, int] = {}
    case_names = [case.name for case in cases]
    for index, spec in enumerate(data):
        key = f"claims[{index}]"
        spec = reader.table(spec, key)
        kind = spec.get("kind", "value")
        if kind not in CLAIM_KINDS:
            reader.problem(f"{key}.kind", f"unknown claim kind {kind!r}: expected one of {', '.join(CLAIM_KINDS)}")
            continue
        fields: dict[str, Any] = {}
        quantity = spec.get("quantity")
        if quantity is not None:
            fields["quantity"] = reader.identifier(quantity, f"{key}.quantity")
        for name in ("expression", "right"):
            if name in spec:
                fields[name] = reader.text(spec, name, key)
        stated = ""
        if kind == "value":
            if quantity is None and "expression" not in spec:
                reader.problem(key, "a value claim needs a quantity, an expression, or both")
            stated = _stated(reader, spec.get("stated"), f"{key}.stated")
            if "operands" in spec:
                raw = spec["operands"]
                if not isinstance(raw, list):
                    reader.problem(f"{key}.operands", f"expected a list of names, found {_kind(raw)}")
                else:
                    fields["operands"] = tuple(
                        item if item == "" else reader.identifier(item, f"{key}.operands[{i}]")
                        for i, item in enumerate(raw))
        elif kind == "compare":
            for name in ("expression", "right"):
                if name not in spec:
                    reader.problem(f"{key}.{name}", "is missing: a compare claim needs expression, relation, right")
            relation = spec.get("relation")
            if relation not in RELATIONS:
                reader.problem(f"{key}.relation", f"expected one of {' '.join(RELATIONS)}, found {relation!r}")
            fields["relation"] = relation
        elif kind == "range":
            if "expression" not in spec and quantity is None:
                reader.problem(key, "a range claim needs an expression or a quantity")
            for name in ("low", "high"):
                if name in spec:
                    fields[name] = reader.number(spec[name], f"{key}.{name}")
            bounds = spec.get("bounds", "()")
            if bounds not in ("()", "[]", "[)", "(]"):
                reader.problem(f"{key}.bounds", f"expected one of () [] [) (], found {bounds!r}")
            fields["bounds"] = bounds
        elif kind == "training":
            check = spec.get("check")
            if check not in TRAINING_CHECKS:
                reader.problem(f"{key}.check", f"expected one of {', '.join(TRAINING_CHECKS)}, found {check!r}")
            fields["check"] = check
            if check == "loss_at":
                stated = reader.number(spec.get("stated"), f"{key}.stated")
            if check == "outputs_near_targets":
                fields["tolerance"] = reader.number(spec.get("tolerance"), f"{key}.tolerance")
            fields["from_epoch"] = _epoch(reader, spec.get("from_epoch", 0), f"{key}.from_epoch")
        else:
            fields["array"] = reader.identifier(spec.get("array"), f"{key}.array")
            fields["transpose"] = bool(spec.get("transpose", False))
            if kind == "shape":
                stated = reader.text(spec, "stated", key)
                if not SHAPE.match(stated):
                    reader.problem(f"{key}.stated", f"expected a shape such as 3x2 or (3, 1), found {stated!r}")
            else:
                raw = spec.get("stated")
                if not isinstance(raw, list) or not raw:
                    reader.problem(f"{key}.stated", "expected a list of rows of numbers")
                else:
                    width = len(raw[0]) if isinstance(raw[0], list) else 0
                    fields["values"] = reader.matrix(raw, f"{key}.stated", width)
        if "epoch" in spec:
            fields["epoch"] = _epoch(reader, spec["epoch"], f"{key}.epoch")
        where = reader.text(spec, "where", key, default="")
        case = spec.get("case", case_names[0] if case_names else "")
        if case_names and case not in case_names:
            reader.problem(f"{key}.case", f"unknown case {case!r}: expected one of {', '.join(case_names)}")
        stage = spec.get("stage", "hand")
        if stage not in ("hand", "after_training"):
            reader.problem(f"{key}.stage", f"expected 'hand' or 'after_training', found {stage!r}")
        default_id = {"value": quantity or "arithmetic", "compare": "compare", "range": f"range_{quantity or 'value'}",
                      "shape": f"shape_{fields.get('array')}", "array": f"array_{fields.get('array')}",
                      "training": f"training_{fields.get('check')}"}[kind]
        claim_id = str(spec.get("id", default_id))
        if claim_id in seen:
            seen[claim_id] += 1
            claim_id = f"{claim_id}#{seen[claim_id]}"
        else:
            seen[claim_id] = 1
        claims.append(Claim(claim_id, kind, stated, where, str(case), stage=stage,
                            reproducible=bool(spec.get("reproducible", True)), **fields))
    return tuple(claims)


def _epoch(reader: _Reader, value: Any, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_EPOCHS:
        reader.problem(key, f"expected a whole number of epochs from 0 to {MAX_EPOCHS}, found {value!r}")
        return 0
    return value


SHAPE = re.compile(r"^\(?\s*\d+\s*(?:x|×|,)\s*\d+\s*\)?$")
INFINITY_TEXTS = ("∞", "inf", "infinity", "-∞", "-inf", "-infinity")


def _stated(reader: _Reader, value: Any, key: str) -> str:
    """A stated number keeps its text; infinity may be written ∞ or inf."""
    if isinstance(value, str) and value.strip().lower() in INFINITY_TEXTS:
        return value.strip()
    return reader.number(value, key)


def load_text(text: str, path: str = "<text>", name: str | None = None) -> WorkedExample:
    """Return the validated worked example in TOML `text`; raise InputError listing every problem."""
    reader = _Reader(path, text)
    if not text.strip():
        raise InputError([Problem(path, "", "the file is empty: expected a worked example in TOML")])
    try:
        data = tomllib.loads(text, parse_float=str)
    except tomllib.TOMLDecodeError as error:
        raise InputError([Problem(path, "", f"not valid TOML: {error}")]) from None
    meta = reader.table(data.get("example"), "example", required=False)
    network = _read_network(reader, reader.table(data.get("network"), "network"))
    parameters = {}
    for pname, value in reader.table(data.get("parameters"), "parameters", required=False).items():
        parameters[pname] = reader.number(value, f"parameters.{pname}")
    cases = _read_cases(reader, data.get("cases"), network, parameters)
    claims = _read_claims(reader, data.get("claims"), cases)
    if reader.problems:
        raise InputError(reader.problems)
    return WorkedExample(
        name=str(meta.get("name", name or Path(path).stem)),
        title=str(meta.get("title", "")),
        source=str(meta.get("source", "")),
        path=Path(path),
        network=network,
        cases=cases,
        claims=claims,
    )


def claim_line(path: Path, index: int) -> int | None:
    """Return the line of the index-th [[claims]] table of a file, if it can be read."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    return _Reader(str(path), text).line_of(f"claims[{index}]")


def load_file(path: Path | str) -> WorkedExample:
    """Return the validated worked example in the file at `path`."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise InputError([Problem(str(path), "", f"cannot read the file: {error.strerror}")]) from None
    return load_bytes(raw, path)


def load_bytes(raw: bytes, path: Path | str = "<bytes>") -> WorkedExample:
    """Return the validated worked example in a file's bytes."""
    path = Path(path)
    if len(raw) > MAX_FILE_BYTES:
        raise InputError([Problem(str(path), "", f"the file is larger than {MAX_FILE_BYTES} bytes")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError([Problem(str(path), "", f"not UTF-8 text (byte {error.start})")]) from None
    return load_text(text, str(path), name=path.stem)
