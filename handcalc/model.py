"""A worked example, loaded and validated: the network, its cases, its claims.

Everything here is frozen and holds numbers as the decimal text the file gave;
`handcalc.numbers` turns that text into exact rationals where they are used.
"""

from __future__ import annotations

from dataclasses import field
from functools import cached_property
from fractions import Fraction
from pathlib import Path
from types import MappingProxyType
from typing import ClassVar, Mapping

from .records import record
from .functions import LOSSES

__all__ = ["Layer", "Network", "Procedure", "Init", "Case", "Claim", "ValueClaim", "CompareClaim", "RangeClaim",
           "ShapeClaim", "ArrayClaim", "Decay", "TrainingClaim", "PredictionClaim", "CLAIM_KINDS", "WorkedExample", "INIT_METHODS", "BIAS_METHODS", "LAYOUTS", "MODES", "HIDDEN_DELTAS", "FORWARD",
           "MONITORS", "OUTPUTS", "DECAY_FORMS"]

MODES = ("batch", "online")
HIDDEN_DELTAS = ("before_update", "after_update")
FORWARD = ("every_update", "every_epoch", "once")
MONITORS = tuple(LOSSES)  # a run may print any loss of the table (only some can drive updates)
OUTPUTS = ("final_weights", "last_forward")
DECAY_FORMS = ("coupled", "decoupled")  # L2 weight decay in the loss (its gradient), or a shrink of its own



@record
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


@record
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


@record
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
    # the update rule: v = momentum*v - eta*g, w += v (Nesterov: g at the look-ahead w + momentum*v);
    # momentum 0 is plain SGD, w -= eta*g
    momentum: Fraction = Fraction(0)
    nesterov: bool = False
    # L2 weight decay: "coupled" adds (weight_decay/2)*sum w^2 to the loss, so g gains weight_decay*w;
    # "decoupled" leaves g alone and shrinks each weight by eta*weight_decay*w in the same step
    weight_decay: Fraction = Fraction(0)
    decay_form: str = "coupled"
    decay_biases: bool = False  # whether the biases decay too (they are usually left out)

    @property
    def coupled_decay(self) -> bool:
        """Return True when weight decay is part of the loss (so of its gradient and of the loss reported)."""
        return bool(self.weight_decay) and self.decay_form == "coupled"

    def decays(self, network: Network) -> tuple[str, ...]:
        """Return the parameters weight decay acts on (the weights, and the biases when `decay_biases`)."""
        if not self.weight_decay:
            return ()
        names = [name for layer in network.layers for row in layer.weights for name in row]
        if self.decay_biases and self.update_biases:
            names += [name for layer in network.layers for name in layer.biases]
        return tuple(dict.fromkeys(names))


@record
class Decay:
    """L2 weight decay as one hand-worked update shows it: the decay, the parameters it acts on, its form."""

    weight_decay: Fraction  # lambda
    names: tuple[str, ...]
    coupled: bool  # True: in the loss (E_reg, and lambda*w in each gradient); False: a shrink of its own


INIT_METHODS = ("uniform_pm1", "randn", "uniform_01")  # 2*random(shape) - 1, randn(*shape), random(shape)
BIAS_METHODS = INIT_METHODS + ("zeros",)  # np.zeros(...) draws nothing from the stream
LAYOUTS = ("inputs_by_neurons", "neurons_by_inputs")  # np.random.xxx((fan_in, size)) or ((size, fan_in))


@record
class Init:
    """How a tutorial's code draws the initial weights (an [cases.init] table)."""

    method: str  # one of INIT_METHODS
    seed: int | None = None  # the seed the tutorial's code sets; None when it sets none
    replay_seed: int | None = None  # a documented seed to replay an unseeded draw with (never a verdict)
    layout: str = LAYOUTS[0]
    order: tuple[str, ...] | None = None  # what the code draws, in order: ("W1", "b1", "W2", "b2"); None: weights only
    bias_method: str | None = None  # how biases are drawn (default: `method`)

    @property
    def seeded(self) -> bool:
        """Return True when the tutorial's draw names a seed, and so can be reproduced."""
        return self.seed is not None

    @property
    def draw_seed(self) -> int | None:
        """Return the seed a replay draws with: the tutorial's, else the documented replay seed, else None."""
        return self.seed if self.seed is not None else self.replay_seed


@record
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
    init: Init | None = None  # how the tutorial's code draws the weights, when it does
    network: Network | None = None  # this case's own network, when it differs from the example's
    training: Procedure | None = None  # the training run the text describes on this case, if any

    @property
    def reproducible(self) -> bool:
        """Return False when the weights come from a draw the tutorial did not seed."""
        return self.init is None or self.init.seeded

    def decay(self, network: Network) -> Decay | None:
        """Return the weight decay of this case's training run (on `network`, the case's), or None."""
        proc = self.training
        if proc is None or not proc.weight_decay:
            return None
        return Decay(proc.weight_decay, proc.decays(network), proc.decay_form == "coupled")

    @property
    def has_parameters(self) -> bool:
        """Return True when every parameter has a value (a hand calculation can be derived)."""
        return bool(self.parameters)


# --- claims: one record per kind -------------------------------------------------------------
#
# What is common to every claim lives in `Claim`; each kind adds its own fields.
# `quantity`, `expression` and `array` read None on a kind that has no such field,
# so "what is this claim about" needs no switch on the kind.  Behaviour that
# differs by kind is dispatched on the record's class (`functools.singledispatch`
# in handcalc.judge.claims and handcalc.output.stated), never on a kind string;
# `kind` is the name the file and the JSON report use.

@record(kw_only=True)
class Claim:
    """A number or statement the text makes, judged against one case."""

    kind: ClassVar[str] = ""
    quantity: ClassVar[str | None] = None
    expression: ClassVar[str | None] = None
    array: ClassVar[str | None] = None

    id: str
    stated: str = ""  # exactly as the text writes it ("" for a kind that states no number)
    where: str = ""  # where it stands: section, or the formula line as written
    case: str = ""
    stage: str = "hand"  # "hand", or "after_training" for claims a training replay decides
    epoch: int | None = None  # after how many epochs of training (default: the run's epochs)
    reproducible: bool = True  # False when the text's numbers come from an unseeded random draw

    @property
    def by_replay(self) -> bool:
        """Return True when a training replay decides the claim (a training check or an after-training number)."""
        return self.stage == "after_training"

    def texts(self) -> tuple[str, ...]:
        """Return the expressions the claim writes (each names quantities of the case)."""
        return ()

    def epochs(self) -> tuple[int, ...]:
        """Return the epochs of training the claim asks about."""
        return () if self.epoch is None else (self.epoch,)


@record(kw_only=True)
class ValueClaim(Claim):
    """`stated` is a number about `quantity` and/or the arithmetic `expression` as written."""

    kind: ClassVar[str] = "value"
    quantity: str | None = None
    expression: str | None = None
    operands: tuple[str, ...] = ()  # the quantity each number of `expression` stands for ("" for none)

    def texts(self) -> tuple[str, ...]:
        return (self.expression,) if self.expression else ()


@record(kw_only=True)
class CompareClaim(Claim):
    """`expression` `relation` `right`: 2*x1 > y1."""

    kind: ClassVar[str] = "compare"
    expression: str | None = None
    relation: str = "=="
    right: str = ""

    def texts(self) -> tuple[str, ...]:
        return tuple(text for text in (self.expression, self.right) if text)


@record(kw_only=True)
class RangeClaim(Claim):
    """`expression` (or `quantity`) lies between `low` and `high`, `bounds` "()", "[]", "[)" or "(]"."""

    kind: ClassVar[str] = "range"
    quantity: str | None = None
    expression: str | None = None
    low: str | None = None  # None: no lower bound
    high: str | None = None
    bounds: str = "()"

    def texts(self) -> tuple[str, ...]:
        return (self.expression,) if self.expression else ()


@record(kw_only=True)
class ShapeClaim(Claim):
    """`array` (transposed if `transpose`) has the shape `stated`: "3x2"."""

    kind: ClassVar[str] = "shape"
    array: str | None = None
    transpose: bool = False


@record(kw_only=True)
class ArrayClaim(Claim):
    """`array` (transposed if `transpose`), or its row `row`, holds the numbers `values`."""

    kind: ClassVar[str] = "array"
    array: str | None = None
    transpose: bool = False
    values: tuple[tuple[str, ...], ...] = ()
    row: int | None = None  # one row of the array (1-based), `values` its one row: a probability vector

    def pick(self, matrix: list) -> list:
        """Return the rows of `matrix` (already transposed as the claim asks) that the claim is about."""
        return matrix if self.row is None else list(matrix[self.row - 1:self.row])

    @property
    def shown(self) -> str:
        """Return the array's name as the claim reads it: W1.T, outputs row 2."""
        name = f"{self.array}.T" if self.transpose else f"{self.array}"
        return name if self.row is None else f"{name} row {self.row}"


@record(kw_only=True)
class TrainingClaim(Claim):
    """A training run's `check`: loss_decreases (from `from_epoch`), loss_at (`stated`), outputs_near_targets."""

    kind: ClassVar[str] = "training"
    check: str = "loss_decreases"
    from_epoch: int = 0  # loss_decreases: from this epoch ...
    tolerance: str | None = None  # outputs_near_targets: largest |output - target| allowed
    holds: bool = True  # False when the text says the check does not pass ("never converges")

    @property
    def by_replay(self) -> bool:
        return True

    def epochs(self) -> tuple[int, ...]:
        return super().epochs() + ((self.from_epoch,) if self.from_epoch else ())


@record(kw_only=True)
class PredictionClaim(Claim):
    """About one row's outputs: `check` "class" (the argmax is class `stated`, 1-based) or "sums_to_one"."""

    kind: ClassVar[str] = "prediction"
    check: str = "class"
    row: int = 1  # 1-based, as texts count rows


CLAIM_KINDS: dict[str, type[Claim]] = {kind.kind: kind for kind in (ValueClaim, CompareClaim, RangeClaim, ShapeClaim,
                                                                    ArrayClaim, TrainingClaim, PredictionClaim)}


@record
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
