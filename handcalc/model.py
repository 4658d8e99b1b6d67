"""A worked example, loaded and validated: the network, its cases, its claims.

Everything here is frozen and holds numbers as the decimal text the file gave;
`handcalc.numbers` turns that text into exact rationals where they are used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from fractions import Fraction
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from .functions import LOSSES

__all__ = ["Layer", "Network", "Procedure", "Case", "Claim", "WorkedExample", "MODES", "HIDDEN_DELTAS", "FORWARD",
           "MONITORS", "OUTPUTS"]

MODES = ("batch", "online")
HIDDEN_DELTAS = ("before_update", "after_update")
FORWARD = ("every_update", "every_epoch", "once")
MONITORS = tuple(LOSSES)  # a run may print any loss of the table (only some can drive updates)
OUTPUTS = ("final_weights", "last_forward")



@dataclass(frozen=True)
class Layer:
    """One non-input layer: its neurons' names, weights, biases and activation."""

    pre: tuple[str, ...]  # pre-activation names: h1, h2
    post: tuple[str, ...]  # post-activation names: out_h1, out_h2
    activation: str
    weights: tuple[tuple[str, ...], ...]  # weights[j][i]: input i -> neuron j
    biases: tuple[str, ...]  # bias name per neuron (shared: one name repeated), () for none
    slope: Fraction | None = None  # the activation's declared constant (leaky_relu's slope, elu's alpha)

    @property
    def size(self) -> int:
        """Return the number of neurons."""
        return len(self.pre)


@dataclass(frozen=True)
class Network:
    """A fully connected feed-forward network with the tutorial's names."""

    inputs: tuple[str, ...]  # x1, x2
    layers: tuple[Layer, ...]
    loss: str
    bias_mode: str
    targets: tuple[str, ...]  # T1, T2
    errors: tuple[str, ...]  # E1, E2: one loss term per output neuron
    total_error: str  # E_total
    functions: tuple[tuple[str, str], ...] = ()  # (name, activation): f(x) in an expression is that activation

    @property
    def function_table(self) -> dict[str, str]:
        """Return the function names an expression may use for this network's activations ({"f": "sigmoid"})."""
        return dict(self.functions)

    @property
    def sizes(self) -> tuple[int, ...]:
        """Return the layer sizes, inputs first."""
        return (len(self.inputs),) + tuple(layer.size for layer in self.layers)

    @cached_property
    def parameters(self) -> tuple[str, ...]:
        """Return every parameter name once, weights then biases, layer by layer (built once)."""
        names: list[str] = []
        for layer in self.layers:
            for row in layer.weights:
                names.extend(row)
            names.extend(layer.biases)
        return tuple(dict.fromkeys(names))


@dataclass(frozen=True)
class Procedure:
    """How a tutorial trains (a [cases.training] table): every option that changes the numbers."""

    epochs: int
    mode: str = "batch"
    gradient_loss: str | None = None  # the loss whose gradient drives updates (default: the network's)
    update_biases: bool = True
    hidden_deltas: str = "before_update"
    forward: str = "every_update"
    monitor: str | None = None  # the loss the tutorial prints (default: the network's)
    report_every: int = 0  # 0: about ten points over the run
    outputs: str = "final_weights"  # outputs after training: from the final weights, or the loop's last forward pass
    predict: tuple[tuple[Fraction, ...], ...] = ()  # new inputs, already scaled as the training inputs were


@dataclass(frozen=True)
class Case:
    """One set of inputs, targets, learning rate and parameter values, all exact.

    `texts` keeps, for every given name (x1, T1, w5, eta; x1_r2 for row 2 of
    a batch), the number as the file wrote it, for display.
    """

    name: str
    rows: tuple[tuple[Fraction, ...], ...]  # input rows, after any scaling the file asks for
    targets: tuple[tuple[Fraction, ...], ...]  # one target row per input row
    learning_rate: Fraction
    parameters: Mapping[str, Fraction]
    texts: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    title: str = ""
    init: Mapping[str, Any] | None = None  # how the tutorial's code draws the weights, when it does
    network: Network | None = None  # this case's own network, when it differs from the example's
    training: Procedure | None = None  # the training run the text describes on this case, if any

    @property
    def reproducible(self) -> bool:
        """Return False when the weights come from a draw the tutorial did not seed."""
        return self.init is None or isinstance(self.init.get("seed"), int)

    @property
    def has_parameters(self) -> bool:
        """Return True when every parameter has a value (a hand calculation can be derived)."""
        return bool(self.parameters)


@dataclass(frozen=True)
class Claim:
    """A number or statement the text makes, judged against one case.

    kind "value": `stated` is a number about `quantity` and/or the arithmetic
    `expression` as written; "compare": `expression` `relation` `right`;
    "range": `expression` lies between `low` and `high` (`bounds` "()", "[]",
    "[)" or "(]"); "shape": `array` has the shape `stated` ("3x2");
    "array": `array` holds the numbers `values`.
    """

    id: str
    kind: str
    stated: str  # exactly as the text writes it
    where: str  # where it stands: section, or the formula line as written
    case: str
    quantity: str | None = None
    expression: str | None = None
    operands: tuple[str, ...] = ()  # the quantity each number of `expression` stands for ("" for none)
    relation: str | None = None
    right: str | None = None
    low: str | None = None
    high: str | None = None
    bounds: str = "()"
    array: str | None = None
    transpose: bool = False
    values: tuple[tuple[str, ...], ...] = ()
    stage: str = "hand"  # "hand", or "after_training" for claims a training replay decides
    check: str | None = None  # kind "training": loss_decreases, loss_at, outputs_near_targets
    epoch: int | None = None  # after how many epochs (default: the run's epochs)
    from_epoch: int = 0  # loss_decreases: from this epoch ...
    tolerance: str | None = None  # outputs_near_targets: largest |output - target| allowed
    holds: bool = True  # kind "training": False when the text says the check does not pass ("never converges")
    reproducible: bool = True  # False when the text's numbers come from an unseeded random draw

    @property
    def by_replay(self) -> bool:
        """Return True when a training replay decides the claim (a training check or an after-training number)."""
        return self.kind == "training" or self.stage == "after_training"


@dataclass(frozen=True)
class WorkedExample:
    """A validated worked example, ready to derive and evaluate."""

    name: str
    title: str
    source: str
    path: Path
    network: Network
    cases: tuple[Case, ...]
    claims: tuple[Claim, ...]
    aliases: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))  # delta_o1 -> dE_dnet_o1

    def network_of(self, case: Case) -> Network:
        """Return the network a case runs on: its own, or the example's."""
        return case.network or self.network

    def case(self, name: str) -> Case:
        """Return the case called `name`."""
        for case in self.cases:
            if case.name == name:
                return case
        raise KeyError(name)
