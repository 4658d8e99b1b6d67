"""A [cases.training] table -> `Procedure`: how a tutorial trains, every option that changes the numbers.

Besides the loop's shape (epochs, online or batch, which loss drives the
updates, when the forward pass is made) the table declares the update rule:
`momentum` (classical, or `nesterov`) and L2 `weight_decay`, in the loss
(`decay_form = "coupled"`) or as a shrink of its own (`"decoupled"`), with or
without the biases (`decay_biases`).  Each problem is recorded with its key.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from . import limits
from .reader import Reader, shown
from ..functions import ACTIVATIONS, LOSSES, network_losses, unit_interval_activations
from ..model import DECAY_FORMS, FORWARD, HIDDEN_DELTAS, MODES, MONITORS, OUTPUTS, Network, Procedure
from ..numbers import exact_rows, parse_fraction

__all__ = ["TRAINING_KEYS", "read_training", "unit_outputs"]

TRAINING_KEYS = ("epochs", "mode", "gradient", "update_biases", "hidden_deltas", "forward", "monitor",
                 "report_every", "outputs", "predict", "momentum", "nesterov", "weight_decay", "decay_form",
                 "decay_biases")


def unit_outputs(reader: Reader, loss: Any, output_activation: str, key: str) -> None:
    """Record a loss that needs outputs in (0, 1) on an output layer whose activation does not give them.

    Categorical cross-entropy needs more: probabilities summing to 1, which only softmax gives.
    """
    if not isinstance(loss, str) or loss not in LOSSES or not LOSSES[loss].needs_unit_interval \
            or output_activation not in ACTIVATIONS:
        return
    needed = LOSSES[loss].output
    if needed is not None:
        if output_activation != needed:
            reader.problem(key, f"{loss} needs outputs that are probabilities summing to 1: the output layer's "
                           f"activation must be {needed}, found {output_activation}")
        return
    if ACTIVATIONS[output_activation].unit_interval:
        return
    reader.problem(key, f"{loss} needs outputs in (0, 1): the output layer's activation must be "
                   f"{' or '.join(unit_interval_activations())}, found {output_activation}")


def read_training(reader: Reader, raw: Any, key: str, divisors: list[Fraction] | None,
                  network: Network) -> Procedure | None:
    """Return the training run a [cases.training] table describes."""
    spec = reader.table(raw, key, known=TRAINING_KEYS)
    epochs = reader.whole(spec.get("epochs"), f"{key}.epochs", 1, limits.MAX_EPOCHS, "a number of epochs")
    choices = {"mode": MODES, "hidden_deltas": HIDDEN_DELTAS, "forward": FORWARD, "outputs": OUTPUTS,
               "gradient": network_losses(), "monitor": MONITORS, "decay_form": DECAY_FORMS}
    options: dict[str, Any] = {}
    for name, allowed in choices.items():
        if name in spec and reader.choice(spec[name], f"{key}.{name}", allowed, name.replace("_", " ")):
            options["gradient_loss" if name == "gradient" else name] = spec[name]
    for name in ("gradient", "monitor"):
        unit_outputs(reader, spec.get(name), network.layers[-1].activation, f"{key}.{name}")
    for name in ("update_biases", "nesterov", "decay_biases"):
        if name in spec:
            options[name] = reader.flag(spec, name, key, name == "update_biases")
    every = reader.whole(spec.get("report_every", 0), f"{key}.report_every", 0, limits.MAX_EPOCHS,
                         "a number of epochs")
    predict: tuple[tuple[Fraction, ...], ...] = ()
    if "predict" in spec:
        predict = exact_rows(reader.matrix(spec["predict"], f"{key}.predict", len(network.inputs), limits.MAX_ROWS),
                             divisors)
    options.update(_update_rule(reader, spec, key, options))
    if epochs is None or every is None:
        return None
    return Procedure(epochs=epochs, report_every=every, predict=predict, **options)


def _fraction(reader: Reader, spec: dict[str, Any], name: str, key: str, below_one: bool) -> Fraction:
    """Return a constant of the update rule: 0 when not given; at least 0 (and below 1 for momentum)."""
    if name not in spec:
        return Fraction(0)
    counted = reader.count
    text = reader.number(spec[name], f"{key}.{name}")
    value = parse_fraction(text)
    if reader.count == counted and (value < 0 or (below_one and value >= 1)):
        reader.problem(f"{key}.{name}", f"expected a number from 0 to {'below 1' if below_one else 'up'}, found "
                       f"{text}{' (v = mu*v - eta*g grows without bound for mu >= 1)' if below_one else ''}")
        return Fraction(0)
    return value


def _update_rule(reader: Reader, spec: dict[str, Any], key: str, options: dict[str, Any]) -> dict[str, Any]:
    """Return momentum and weight decay, recording each setting that cannot take effect as declared."""
    momentum = _fraction(reader, spec, "momentum", key, True)
    decay = _fraction(reader, spec, "weight_decay", key, False)
    if options.get("nesterov") and not momentum:
        reader.problem(f"{key}.nesterov", "nesterov = true needs a momentum above 0 (give momentum = 0.9, say)")
    if options.get("nesterov"):
        for name, default in (("forward", "every_update"), ("hidden_deltas", "before_update")):
            if options.get(name, default) != default:
                reader.problem(f"{key}.{name}", f"nesterov = true takes each gradient at the look-ahead weights "
                               f"w + momentum*v, which needs {name} = {shown(default)}, found {shown(spec[name])}")
    for name in ("decay_form", "decay_biases"):
        if name in spec and not decay:
            reader.problem(f"{key}.{name}", f"{name} is given but weight_decay is {'0' if 'weight_decay' in spec else 'not'}"
                           f"{'' if 'weight_decay' in spec else ' given'}: give weight_decay = 0.01, say")
    if options.get("decay_biases") and options.get("update_biases", True) is False:
        reader.problem(f"{key}.decay_biases", "decay_biases = true but update_biases = false: the biases never move")
    return {"momentum": momentum, "weight_decay": decay}
