"""How big a worked example may be: every limit, checked before any work is done.

Each limit keeps a file's cost bounded (the symbolic derivation grows with
rows x parameters, a training replay with epochs x rows x parameters) while
staying far above what a hand calculation in a tutorial needs.  The loader
checks each one as soon as the numbers it needs are known, before it builds
anything that grows with them, and names the limit in its message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Mapping

from ..records import record
from .reader import MAX_NAME_LENGTH, MAX_PROBLEMS, Reader, kind_of, shown
from ..expr.arithmetic import MAX_EXACT_BITS, MAX_FUNCTION_ARGUMENT, MAX_POWER
from ..expr.expression import MAX_DEPTH, MAX_LENGTH, MAX_PAREN_DEPTH
from ..numbers import MAX_EXPONENT, MAX_NUMBER_CHARS

__all__ = ["Limit", "LIMITS", "MAX_FILE_BYTES", "MAX_KEY_PARTS", "MAX_LAYERS", "MAX_WIDTH", "MAX_PARAMETERS",
           "MAX_CASES", "MAX_ROWS", "MAX_DERIVATION", "MAX_CLAIMS", "MAX_EPOCHS", "MAX_TRAINING_WORK",
           "MAX_ARRAY_NUMBERS", "MAX_WORKING_DIGITS", "derivation_size", "training_work", "replay_work", "tied_places", "check_sizes", "check_derivation",
           "check_training"]

if TYPE_CHECKING:
    from ..model import Case, Claim

MAX_FILE_BYTES = 1_000_000  # bytes of a worked-example file
MAX_KEY_PARTS = 32  # parts of a dotted TOML key (a.b.c): tomllib's time grows with their square
MAX_LAYERS = 10  # non-input layers of a network
MAX_WIDTH = 100  # neurons of one layer (the inputs count as a layer)
MAX_PARAMETERS = 25_000  # weights and biases of one network
MAX_CASES = 50  # [[cases]] of one file
MAX_ROWS = 1_000  # input rows of one case (also: rows of `predict`)
MAX_DERIVATION = 15_000  # rows x (parameters + neurons), summed over a file's hand calculations
MAX_CLAIMS = 1_000  # [[claims]] of one file
MAX_ARRAY_NUMBERS = 100_000  # numbers stated in one array claim
MAX_EPOCHS = 1_000_000  # epochs of a training run (and any epoch a claim names)
MAX_WORKING_DIGITS = 3_840  # digits a case is worked out with where an output rounds onto 0 or 1 (60 x 4^3)
MAX_TRAINING_WORK = 2_000_000_000  # `training_work`, summed over a file's training runs (about a minute)


@record
class Limit:
    """One limit: its value, what it bounds, and why."""

    name: str
    value: int
    what: str


LIMITS: tuple[Limit, ...] = (
    Limit("MAX_FILE_BYTES", MAX_FILE_BYTES, "bytes in a worked-example file (reading the largest: about 0.7 s)"),
    Limit("MAX_KEY_PARTS", MAX_KEY_PARTS, "parts of a dotted TOML key such as a.b.c (checked before TOML parsing)"),
    Limit("MAX_LAYERS", MAX_LAYERS, "non-input layers of a network"),
    Limit("MAX_WIDTH", MAX_WIDTH, "neurons in one layer, the inputs included"),
    Limit("MAX_PARAMETERS", MAX_PARAMETERS, "weights and biases of one network (a case with targets is further "
          "bounded by MAX_DERIVATION; a [64, 96, 64] network, 12,288 weights, is checked in about 5 s as JSON)"),
    Limit("MAX_CASES", MAX_CASES, "[[cases]] in one file"),
    Limit("MAX_ROWS", MAX_ROWS, "input rows of one case (and rows of `predict`); at the edge with MAX_DERIVATION, "
          "1,000 rows of a [5, 2, 1] network, about 12 s"),
    Limit("MAX_DERIVATION", MAX_DERIVATION, "rows x (parameters + neurons), summed over the cases with weights and "
          "targets (each is derived symbolically): about 1 ms of derivation, exact evaluation, cross-checks and "
          "report per unit; at the edge, one row of a [100, 100, 48] network (14,948) takes about 16 s as text, "
          "well inside the default work budget"),
    Limit("MAX_CLAIMS", MAX_CLAIMS, "[[claims]] in one file"),
    Limit("MAX_ARRAY_NUMBERS", MAX_ARRAY_NUMBERS, "numbers stated in one array claim"),
    Limit("MAX_EPOCHS", MAX_EPOCHS, "epochs of a training run, and any epoch a claim names"),
    Limit("MAX_TRAINING_WORK", MAX_TRAINING_WORK, "training replays' cost, summed over the file: updates x (1000 x "
          "layers + parameters + 100 x places of a tied parameter) + epochs x rows x parameters; updates = epochs x rows "
          "(online) or epochs (batch); a unit is 10-20 ns, so the largest is 20-40 s"),
    Limit("MAX_NAME_LENGTH", MAX_NAME_LENGTH, "characters in a name"),
    Limit("MAX_NUMBER_CHARS", MAX_NUMBER_CHARS, "characters in a written number"),
    Limit("MAX_EXPONENT", MAX_EXPONENT, "size of the exponent of a written number (1e300 is allowed, 1e400 is not)"),
    Limit("MAX_LENGTH", MAX_LENGTH, "characters in an expression"),
    Limit("MAX_PAREN_DEPTH", MAX_PAREN_DEPTH, "nesting of parentheses in an expression"),
    Limit("MAX_DEPTH", MAX_DEPTH, "depth of an expression's tree (signs, powers and calls included)"),
    Limit("MAX_POWER", MAX_POWER, "size of the exponent of a power in an expression"),
    Limit("MAX_FUNCTION_ARGUMENT", MAX_FUNCTION_ARGUMENT, "size of x in exp, sigmoid and tanh of an expression"),
    Limit("MAX_EXACT_BITS", MAX_EXACT_BITS, "bits of an exact value; no value may reach 2^200000 (about 1e60206), "
          "nor be below 2^-200000 and not 0: beyond is an overflow (underflow) error"),
    Limit("MAX_WORKING_DIGITS", MAX_WORKING_DIGITS, "digits a case is worked out with where an output rounds "
          "onto 0 or 1 at 60 (sigmoid(200) is 1 - 1.4e-87): enough for a sigmoid of up to about 8,800; beyond, a "
          "loss with no finite value is an error"),
    Limit("MAX_PROBLEMS", MAX_PROBLEMS, "problems listed for one file (the rest are counted)"),
)


def derivation_size(rows: int, parameters: int, neurons: int) -> int:
    """Return the measure of a hand calculation's size that MAX_DERIVATION bounds."""
    return rows * (parameters + neurons)


TIED_PLACE_WORK = 100  # `training_work` units of moving one place of a tied (shared) parameter in Python


def training_work(epochs: int, rows: int, parameters: int, layers: int, online: bool, tied_places: int = 0) -> int:
    """Return the measure of a training replay's cost that MAX_TRAINING_WORK bounds.

    Each update costs about the same Python overhead per layer (~1000 units,
    some 10-20 microseconds) plus NumPy arithmetic on every parameter; each
    epoch also touches every row.  When a moving parameter sits in several
    places (a shared bias, a tied weight) each update also walks every place
    in Python (`tied_places`, about a microsecond each).  One unit is roughly
    10-20 nanoseconds.
    """
    updates = epochs * (rows if online else 1)
    return updates * (1000 * layers + parameters + TIED_PLACE_WORK * tied_places) + epochs * rows * parameters


def tied_places(network: Any, update_biases: bool) -> int:
    """Return the places a tied update walks (every weight and moving bias), or 0 when nothing is tied."""
    places = [name for layer in network.layers for row in layer.weights for name in row]
    if update_biases:
        places += [name for layer in network.layers for name in layer.biases]
    return len(places) if len(places) != len(set(places)) else 0


def replay_work(network: Any, case: Case, claims: Iterable[Claim]) -> int:
    """Return `training_work` of a case's training run, the epochs its claims name included."""
    mine = [c for c in claims if c.case == case.name]
    epochs = max([case.training.epochs] + [epoch for c in mine for epoch in c.epochs()])
    return training_work(epochs, len(case.rows), len(network.parameters), len(network.layers),
                         case.training.mode == "online", tied_places(network, case.training.update_biases))


def check_sizes(reader: Reader, sizes: Any, key: str) -> list[int] | None:
    """Return the layer sizes once they are valid and within the limits, else None."""
    expected = f"expected a list of 2 to {MAX_LAYERS + 1} layer sizes, inputs first"
    if not isinstance(sizes, list):
        reader.problem(key, f"{expected}, found {'nothing' if sizes is None else kind_of(sizes)}")
        return None
    if not 2 <= len(sizes) <= MAX_LAYERS + 1:
        reader.problem(key, f"{expected} (MAX_LAYERS = {MAX_LAYERS} layers besides the inputs), found {len(sizes)}")
        return None
    for i, size in enumerate(sizes):
        if isinstance(size, bool) or not isinstance(size, int) or size <= 0:
            found = shown(size) if isinstance(size, (int, str)) else kind_of(size)
            reader.problem(f"{key}[{i}]", f"expected a positive whole number of neurons, found {found}")
            return None
        if size > MAX_WIDTH:
            reader.problem(f"{key}[{i}]", f"a layer has at most {MAX_WIDTH} neurons (MAX_WIDTH), found "
                           f"{size:,}" if size < 10**12 else f"a layer has at most {MAX_WIDTH} neurons (MAX_WIDTH)")
            return None
    count = sum(a * b for a, b in zip(sizes, sizes[1:])) + sum(sizes[1:])
    if count > MAX_PARAMETERS:
        reader.problem(key, f"a network has at most {MAX_PARAMETERS:,} weights and biases (MAX_PARAMETERS), "
                       f"these sizes need up to {count:,}")
        return None
    return sizes


def check_derivation(reader: Reader, rows: int, network: Any, key: str) -> bool:
    """Count a case's hand calculation against MAX_DERIVATION (for the whole file); False once beyond it."""
    parameters, neurons = len(network.parameters), sum(network.sizes[1:])
    size = derivation_size(rows, parameters, neurons)
    reader.spent += size
    if reader.spent <= MAX_DERIVATION:
        return True
    earlier = f" (with the cases before it: {reader.spent:,})" if reader.spent > size else ""
    reader.problem(key, f"the hand calculation of {rows} rows x ({parameters} parameters + {neurons} neurons) = "
                   f"{size:,}{earlier} exceeds {MAX_DERIVATION:,} (MAX_DERIVATION): give fewer rows or cases")
    return False


def check_training(reader: Reader, example_cases: Iterable[Case], networks: Mapping[str, Any],
                   claims: Iterable[Claim]) -> None:
    """Record the training run that takes the file beyond MAX_TRAINING_WORK (claims' epochs included)."""
    claims, total = tuple(claims), 0
    for case in example_cases:
        network, index = networks[case.name].network, networks[case.name].index
        if case.training is None or network is None or not (case.has_parameters and case.targets):
            continue
        epochs = max([case.training.epochs] + [e for c in claims if c.case == case.name for e in c.epochs()])
        work = replay_work(network, case, claims)
        total += work
        if total > MAX_TRAINING_WORK:
            earlier = f"; with the runs before it {total:,}" if total > work else ""
            reader.problem(f"cases[{index}].training.epochs", f"a training run of {epochs:,} epochs "
                           f"({case.training.mode}) over {len(case.rows)} rows with {len(network.layers)} layer(s) "
                           f"and {len(network.parameters)} parameters costs {work:,} units{earlier}: beyond "
                           f"{MAX_TRAINING_WORK:,} (MAX_TRAINING_WORK); give fewer epochs")
            return
