"""The [[cases]] tables -> `model.Case`s: rows, targets, scaling, parameters, `init` draws, training.

Third step of reading a worked example, after `network`: each case is read against the file's
network (or its own [cases.network], read by `network.read_network`), its parameter values taken
from the file's [parameters] and its own, or drawn (`initial.draw`); `loader.load_text` then reads
the aliases and claims against the quantities each case names.
"""

from __future__ import annotations

from fractions import Fraction
from types import MappingProxyType
from typing import Any

from . import limits
from .claimspec import CaseNames, text_line
from .reader import Names, Reader, join_key, kind_of, shown, suggest
from ..model import BIAS_METHODS, INIT_METHODS, LAYOUTS, Case, Init, Network, Procedure
from .. import naming
from ..naming import LEARNING_RATE, WEIGHT_DECAY, quantity_names
from ..functions import LOSSES
from .network import name_clashes, probability_targets, read_network
from .procedure import read_training
from .initial import draw, order_problem
from ..numbers import exact_rows, is_number_text, parse_fraction, to_decimal_text

__all__ = ["read_cases", "CASE_KEYS"]

CASE_KEYS = ("name", "title", "inputs", "targets", "learning_rate", "input_scale", "target_scale", "parameters",
             "init", "network", "training")
INIT_KEYS = ("method", "seed", "replay_seed", "layout", "order", "bias_method")


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
        network, keys = read_network(reader, spec["network"], f"{key}.network")
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
    probability_targets(reader, {n for n in losses if n}, targets, f"{key}.targets")
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


def read_cases(reader: Reader, data: Any, network: Network | None, keys: dict[str, str],
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
