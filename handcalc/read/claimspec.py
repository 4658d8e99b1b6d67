"""Stage 1, read: [[claims]] tables -> validated `Claim`s (last step of `loader.load_text`).

`handcalc.naming.quantity_names` lists every quantity a case has, named as
`derivation.derive` names them, so a claim about an unknown quantity, or an
expression naming one, is reported at load time with its key path and line.
(The checks on the names a file declares live in `network`.)
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import replace
from types import MappingProxyType
from typing import Any, Mapping

from ..records import record
from ..expr import expression as ex
from . import limits
from .reader import Reader, join_key, kind_of, shown, suggest
from .spelling import joined_ratio
from ..model import CLAIM_KINDS as CLAIM_RECORDS, Claim, Network
from ..naming import TOTAL_ERROR, is_quantity
from ..numbers import is_infinite_text

__all__ = ["CaseNames", "read_claims", "CLAIM_KINDS", "CLAIM_KEYS", "ARRAY_NAMES", "text_line"]

CLAIM_KINDS = tuple(CLAIM_RECORDS)  # value, compare, range, shape, array, training, prediction
CLAIM_KEYS = ("kind", "id", "case", "where", "stage", "quantity", "expression", "operands", "stated", "relation",
              "right", "low", "high", "bounds", "array", "transpose", "check", "epoch", "from_epoch", "tolerance",
              "holds", "reproducible", "row")
TRAINING_CHECKS = ("loss_decreases", "loss_at", "outputs_near_targets")
PREDICTION_CHECKS = ("class", "sums_to_one")
RELATIONS = ("<", ">", "<=", ">=", "==", "!=")
BOUNDS = ("()", "[]", "[)", "(]")
STAGES = ("hand", "after_training")
ARRAY_NAMES = ("inputs", "X", "targets", "y", "outputs", "out", "predictions")  # and W1, W2, ... one per layer
SHAPE = re.compile(r"\(?\s*\d{1,9}\s*(?:x|×|,)\s*\d{1,9}\s*\)?", re.ASCII)
CLAIM_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}", re.ASCII)
@record
class CaseNames:
    """What a claim about one case may use: the case's network, the quantities it has, its index in the file."""

    network: Network | None  # None when the case's network could not be read
    quantities: set[str] | None  # None when the case could not be read
    index: int


NO_CASE = CaseNames(None, None, 0)


def _named(name: str, known: set[str], network: Network | None, aliases: Mapping[str, str]) -> bool:
    """Return True when a claim may name `name` in a case: a quantity, an alias, or a derivative dA_dB."""
    return is_quantity(name, known, aliases, network.total_error if network else TOTAL_ERROR)


def _expression(reader: Reader, spec: dict[str, Any], name: str, key: str, known: set[str] | None,
                case: str | None, network: Network | None = None,
                aliases: Mapping[str, str] = MappingProxyType({})) -> str | None:
    """Return an expression's text once it parses and names only known quantities; else record why."""
    text = reader.text(spec, name, key)
    if not text:
        if name in spec and isinstance(spec[name], str):
            reader.problem(join_key(key, name), "is empty: expected an expression")
        return None
    try:
        node = ex.parse(text, network.function_table if network else None)
    except ex.ExpressionError as error:
        at = f" at column {error.column + 1}" if error.column is not None else ""
        reader.problem(join_key(key, name), f"{error}{at} of {shown(text)}")
        return None
    unknown = sorted(n for n in ex.names(node) if not _named(n, known, network, aliases)) if known is not None else []
    if unknown:
        reader.problem(join_key(key, name), f"no quantity named {unknown[0]!r} in case {case}",
                       near=(joined_ratio(unknown[0], text), known or ()))
    return text


def _stated(reader: Reader, value: Any, key: str) -> str:
    """A stated number keeps its text; infinity may be written ∞, inf or infinity, signed or not."""
    if isinstance(value, str) and is_infinite_text(value):
        return value.strip()
    if value is None:
        reader.problem(key, "is missing: expected the number the text states")
        return "0"
    return reader.number(value, key)


def _array_name(reader: Reader, value: Any, key: str, network: Network | None) -> str:
    """Return an array's name: inputs, X, targets, y, outputs, out, or W1.. (one per layer)."""
    layers = len(network.layers) if network else limits.MAX_LAYERS
    match = re.fullmatch(r"W([1-9][0-9]?)", value, re.ASCII) if isinstance(value, str) else None
    if value in ARRAY_NAMES or (match and int(match.group(1)) <= layers):
        return value
    choices = ARRAY_NAMES + tuple(f"W{k + 1}" for k in range(layers))
    reader.problem(key, f"unknown array {shown(value) if isinstance(value, str) else kind_of(value)}: "
                   f"expected one of {', '.join(choices)}{suggest(value, choices)}")
    return "_invalid"


# Each kind's own keys, read into the fields of its record; returns (fields, stated text).
KindFields = tuple[dict[str, Any], str]


def _value_fields(reader: Reader, spec: dict[str, Any], key: str, network: Network | None) -> KindFields:
    fields: dict[str, Any] = {}
    if "quantity" not in spec and "expression" not in spec:
        reader.problem(key, "a value claim needs a quantity, an expression, or both")
    stated = _stated(reader, spec.get("stated"), f"{key}.stated")
    if "operands" in spec:
        operands = spec["operands"]
        if not isinstance(operands, list):
            reader.problem(f"{key}.operands", f"expected a list of names, found {kind_of(operands)}")
        else:
            fields["operands"] = tuple(item if item == "" else reader.identifier(item, f"{key}.operands[{i}]")
                                       for i, item in enumerate(operands))
    return fields, stated


def _compare_fields(reader: Reader, spec: dict[str, Any], key: str, network: Network | None) -> KindFields:
    for name in ("expression", "right"):
        if name not in spec:
            reader.problem(f"{key}.{name}", "is missing: a compare claim needs expression, relation and right")
    return {"relation": reader.choice(spec.get("relation"), f"{key}.relation", RELATIONS, "relation")}, ""


def _range_fields(reader: Reader, spec: dict[str, Any], key: str, network: Network | None) -> KindFields:
    fields: dict[str, Any] = {}
    if "expression" not in spec and "quantity" not in spec:
        reader.problem(key, "a range claim needs an expression or a quantity")
    for name in ("low", "high"):
        if name in spec:
            fields[name] = reader.number(spec[name], f"{key}.{name}")
    fields["bounds"] = reader.choice(spec.get("bounds", "()"), f"{key}.bounds", BOUNDS, "bounds") or "()"
    return fields, ""


def _training_fields(reader: Reader, spec: dict[str, Any], key: str, network: Network | None) -> KindFields:
    stated = ""
    check = reader.choice(spec.get("check"), f"{key}.check", TRAINING_CHECKS, "training check")
    fields: dict[str, Any] = {"check": check}
    if check == "loss_at":
        stated = reader.number(spec.get("stated"), f"{key}.stated")
    if check == "outputs_near_targets":
        fields["tolerance"] = reader.number(spec.get("tolerance"), f"{key}.tolerance")
        if fields["tolerance"].lstrip().startswith("-"):
            reader.problem(f"{key}.tolerance", "a tolerance cannot be negative")
    fields["holds"] = reader.flag(spec, "holds", key, True)
    if not fields["holds"] and check == "loss_at":
        reader.problem(f"{key}.holds", "holds = false fits loss_decreases and outputs_near_targets, not loss_at")
    if "from_epoch" in spec:
        fields["from_epoch"] = reader.whole(spec["from_epoch"], f"{key}.from_epoch", 0, limits.MAX_EPOCHS,
                                            "an epoch") or 0
    return fields, stated


def _shape_fields(reader: Reader, spec: dict[str, Any], key: str, network: Network | None) -> KindFields:
    fields = {"array": _array_name(reader, spec.get("array"), f"{key}.array", network),
              "transpose": reader.flag(spec, "transpose", key, False)}
    stated = reader.text(spec, "stated", key)
    if stated and not SHAPE.fullmatch(stated):
        reader.problem(f"{key}.stated", f"expected a shape such as 3x2 or (3, 1), found {shown(stated)}")
    return fields, stated


def _array_fields(reader: Reader, spec: dict[str, Any], key: str, network: Network | None) -> KindFields:
    fields: dict[str, Any] = {"array": _array_name(reader, spec.get("array"), f"{key}.array", network),
                              "transpose": reader.flag(spec, "transpose", key, False)}
    raw = spec.get("stated")
    if "row" in spec:  # one row, stated as one: [0.19, 0.22, 0.59]
        fields["row"] = reader.whole(spec["row"], f"{key}.row", 1, limits.MAX_ROWS, "a row (1-based)")
        if isinstance(raw, list) and raw and not any(isinstance(item, list) for item in raw):
            raw = [raw]
        if isinstance(raw, list) and len(raw) > 1:
            reader.problem(f"{key}.stated", f"a claim on one row states one row of numbers, found {len(raw)} rows")
    if isinstance(raw, list) and sum(len(r) if isinstance(r, list) else 1 for r in raw) > limits.MAX_ARRAY_NUMBERS:
        reader.problem(f"{key}.stated", f"an array claim states at most {limits.MAX_ARRAY_NUMBERS:,} "
                       "numbers (MAX_ARRAY_NUMBERS)")
    else:
        fields["values"] = reader.matrix(raw, f"{key}.stated", None)
    return fields, ""


def _prediction_fields(reader: Reader, spec: dict[str, Any], key: str, network: Network | None) -> KindFields:
    check = reader.choice(spec.get("check", "class"), f"{key}.check", PREDICTION_CHECKS, "prediction check")
    row = reader.whole(spec.get("row", 1), f"{key}.row", 1, limits.MAX_ROWS, "a row (1-based)") or 1
    stated = ""
    if check == "class":
        outputs = network.layers[-1].size if network else limits.MAX_ROWS
        value = spec.get("stated")
        if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) < 10:
            value = int(value)  # "2" as the text writes it
        number = reader.whole(value, f"{key}.stated", 1, outputs, "a class (1-based)") if value is not None else None
        if value is None:
            reader.problem(f"{key}.stated", f"is missing: expected the predicted class, 1 to {outputs}")
        stated = str(number or 1)
    elif "stated" in spec:
        reader.problem(f"{key}.stated", "a sums_to_one claim states no number")
    return {"check": check or "class", "row": row}, stated


def _array_row(reader: Reader, claim: Claim, key: str, entry: CaseNames) -> None:
    """Record an array claim's row that its array does not have (predictions: judged once the run is known)."""
    network = entry.network
    if network is None or entry.quantities is None or claim.array in ("predictions", "_invalid"):
        return
    widths = {"inputs": network.inputs, "X": network.inputs, "targets": network.targets, "y": network.targets,
              "outputs": network.layers[-1].post, "out": network.layers[-1].post}
    if claim.array in widths and not claim.transpose:  # one row per input row of the case
        first = widths[claim.array][0]
        if not ({f"{first}_r{claim.row}"} | ({first} if claim.row == 1 else set())) & entry.quantities:
            reader.problem(f"{key}.row", f"case {claim.case} has no row {claim.row}")
        return
    if claim.array in widths:
        rows = len(widths[claim.array])
    else:  # W3: the layer's inputs by its neurons
        layer = network.layers[int(claim.array[1:]) - 1]
        rows = layer.size if claim.transpose else len(layer.weights[0])
    if claim.row > rows:
        reader.problem(f"{key}.row", f"{claim.shown.rsplit(' row', 1)[0]} has {rows} rows, not {claim.row}")


def _prediction_row(reader: Reader, claim: Claim, key: str, entry: CaseNames) -> None:
    """Record a prediction claim's row when its case has no such row."""
    if entry.network is None or entry.quantities is None:
        return
    post = entry.network.layers[-1].post[0]
    names = {f"{post}_r{claim.row}"} | ({post} if claim.row == 1 else set())
    if not names & entry.quantities:
        reader.problem(f"{key}.row", f"case {claim.case} has no row {claim.row}")


_KIND_FIELDS = {"value": _value_fields, "compare": _compare_fields, "range": _range_fields,
                "shape": _shape_fields, "array": _array_fields, "training": _training_fields,
                "prediction": _prediction_fields}
# the id a claim gets when the file gives none (numbered #2, #3 ... when it recurs)
_DEFAULT_IDS = {"value": lambda f: f.get("quantity") or "arithmetic", "compare": lambda f: "compare",
                "range": lambda f: f"range_{f.get('quantity') or 'value'}", "shape": lambda f: f"shape_{f.get('array')}",
                "array": lambda f: f"array_{f.get('array')}", "training": lambda f: f"training_{f.get('check')}",
                "prediction": lambda f: f"prediction_{f.get('check')}"}


def _own_fields(reader: Reader, spec: dict[str, Any], key: str, kind: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Keep the fields a claim of `kind` has; a key of another kind is a problem."""
    accepted = {f.name for f in dataclasses.fields(CLAIM_RECORDS[kind])}
    for name in [name for name in fields if name not in accepted]:
        if name in spec:
            reader.problem(f"{key}.{name}", f"a {kind} claim takes no {name}")
        del fields[name]
    return fields


def _read_claim(reader: Reader, spec: Any, key: str, cases: Mapping[str, CaseNames],
                default_case: str, aliases: Mapping[str, str]) -> Claim | None:
    """Return one claim, or None once a problem makes it unusable."""
    spec = reader.table(spec, key, known=CLAIM_KEYS)
    kind = reader.choice(spec.get("kind", "value"), f"{key}.kind", CLAIM_KINDS, "claim kind")
    case = spec.get("case", default_case)
    if not isinstance(case, str) or (cases and case not in cases):
        reader.problem(f"{key}.case", f"unknown case {shown(case) if isinstance(case, str) else kind_of(case)}: "
                       f"expected one of {', '.join(cases)}{suggest(case, cases)}")
        case = None
    entry = cases.get(case, NO_CASE) if case else NO_CASE
    network, known = entry.network, entry.quantities
    if kind is None:
        return None
    fields, stated = _KIND_FIELDS[kind](reader, spec, key, network)
    if "quantity" in spec:
        quantity = fields["quantity"] = reader.identifier(spec["quantity"], f"{key}.quantity")
        if known is not None and quantity != "_invalid" and not _named(quantity, known, network, aliases):
            reader.problem(f"{key}.quantity", f"no quantity named {quantity!r} in case {case}",
                           near=(quantity, known))
    for name in ("expression", "right"):
        if name in spec:
            fields[name] = _expression(reader, spec, name, key, known, case, network, aliases)
    if fields.get("operands") is not None and fields.get("expression"):
        literals = len(ex.numbers(ex.parse(fields["expression"], network.function_table if network else None)))
        if len(fields["operands"]) != literals:
            reader.problem(f"{key}.operands", f"expected {literals} names (\"\" for none), one per number "
                           f"written in the expression, found {len(fields['operands'])}")
    if "epoch" in spec:
        fields["epoch"] = reader.whole(spec["epoch"], f"{key}.epoch", 0, limits.MAX_EPOCHS, "an epoch")
    where = text_line(reader, spec, "where", key, "")
    stage = reader.choice(spec.get("stage", "hand"), f"{key}.stage", STAGES, "stage") or "hand"
    if stage == "after_training" and kind not in ("value", "array", "training"):
        reader.problem(f"{key}.stage", f"stage = \"after_training\" fits value and array claims (the numbers a "
                       f"training run prints), not a {kind} claim")
    if stage == "after_training" and kind == "value" and ("expression" in spec or "quantity" not in spec):
        reader.problem(f"{key}.stage", "a value claim after training names a quantity (out_y1, E_total, w5) "
                       "and writes no expression")
    reproducible = reader.flag(spec, "reproducible", key, True)
    if fields.get("array") == "predictions" and (kind != "array" or stage != "after_training"):
        reader.problem(f"{key}.array", "predictions exist only after training: an array claim with "
                       "stage = \"after_training\"")
    claim_id = spec.get("id", _DEFAULT_IDS[kind](fields))
    if "id" in spec and (not isinstance(claim_id, str) or not CLAIM_ID.fullmatch(claim_id)):
        reader.problem(f"{key}.id", f"expected an id of 1 to 64 letters, digits, _ . : -, found {shown(claim_id)}")
    claim = CLAIM_RECORDS[kind](id=str(claim_id), stated=stated, where=where, case=case or "", stage=stage,
                                reproducible=reproducible, **_own_fields(reader, spec, key, kind, fields))
    if kind == "prediction":
        _prediction_row(reader, claim, key, entry)
    if kind == "array" and claim.row is not None:
        _array_row(reader, claim, key, entry)
    return claim


def text_line(reader: Reader, spec: dict[str, Any], name: str, key: str, default: str) -> str:
    """Return a one-line text (no control characters), or the default after recording why not."""
    text = reader.text(spec, name, key, default)
    if any(ord(ch) < 32 and ch != "\t" or 0x7F <= ord(ch) < 0xA0 for ch in text):
        reader.problem(join_key(key, name), "expected one line of text without control characters")
        return default
    return text


def read_claims(reader: Reader, data: Any, cases: Mapping[str, CaseNames],
                aliases: Mapping[str, str] = MappingProxyType({})) -> tuple[Claim, ...]:
    """Return the claims of a [[claims]] array.

    `cases` maps each case name to its network, the quantities a claim may name
    (None when the case could not be read) and the case's index in the file.
    """
    if data is None:
        return ()
    if not isinstance(data, list):
        reader.problem("claims", f"expected [[claims]] tables, found {kind_of(data)}")
        return ()
    if len(data) > limits.MAX_CLAIMS:
        reader.problem("claims", f"a file has at most {limits.MAX_CLAIMS:,} claims (MAX_CLAIMS), "
                       f"found {len(data):,}")
        return ()
    claims, seen = [], {}
    default_case = next(iter(cases), "")
    for index, spec in enumerate(data):
        claim = _read_claim(reader, spec, f"claims[{index}]", cases, default_case, aliases)
        if claim is None:
            continue
        seen[claim.id] = seen.get(claim.id, 0) + 1
        if seen[claim.id] > 1:
            claim = replace(claim, id=f"{claim.id}#{seen[claim.id]}")
        claims.append(claim)
    return tuple(claims)

