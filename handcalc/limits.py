"""How big a worked example may be: every limit, checked before any work is done.

Each limit keeps a file's cost bounded (the symbolic derivation grows with
rows x parameters, a training replay with epochs x rows x parameters) while
staying far above what a hand calculation in a tutorial needs.  The loader
checks each one as soon as the numbers it needs are known, before it builds
anything that grows with them, and names the limit in its message.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import MAX_NAME_LENGTH
from .expression import MAX_DEPTH, MAX_FUNCTION_ARGUMENT, MAX_LENGTH, MAX_PAREN_DEPTH, MAX_POWER
from .numbers import MAX_EXPONENT, MAX_NUMBER_CHARS

__all__ = ["Limit", "LIMITS", "MAX_FILE_BYTES", "MAX_LAYERS", "MAX_WIDTH", "MAX_PARAMETERS", "MAX_CASES",
           "MAX_ROWS", "MAX_DERIVATION", "MAX_CLAIMS", "MAX_EPOCHS", "MAX_TRAINING_WORK", "MAX_ARRAY_NUMBERS",
           "derivation_size", "training_work"]

MAX_FILE_BYTES = 1_000_000  # bytes of a worked-example file
MAX_LAYERS = 10  # non-input layers of a network
MAX_WIDTH = 100  # neurons of one layer (the inputs count as a layer)
MAX_PARAMETERS = 2_000  # weights and biases of one network
MAX_CASES = 50  # [[cases]] of one file
MAX_ROWS = 1_000  # input rows of one case (also: rows of `predict`)
MAX_DERIVATION = 4_000  # rows x (parameters + neurons) of one case's hand calculation
MAX_CLAIMS = 1_000  # [[claims]] of one file
MAX_ARRAY_NUMBERS = 100_000  # numbers stated in one array claim
MAX_EPOCHS = 1_000_000  # epochs of a training run (and any epoch a claim names)
MAX_TRAINING_WORK = 50_000_000  # epochs x rows x parameters of one training run


@dataclass(frozen=True)
class Limit:
    """One limit: its value, what it bounds, and why."""

    name: str
    value: int
    what: str


LIMITS: tuple[Limit, ...] = (
    Limit("MAX_FILE_BYTES", MAX_FILE_BYTES, "bytes in a worked-example file"),
    Limit("MAX_LAYERS", MAX_LAYERS, "non-input layers of a network"),
    Limit("MAX_WIDTH", MAX_WIDTH, "neurons in one layer, the inputs included"),
    Limit("MAX_PARAMETERS", MAX_PARAMETERS, "weights and biases of one network"),
    Limit("MAX_CASES", MAX_CASES, "[[cases]] in one file"),
    Limit("MAX_ROWS", MAX_ROWS, "input rows of one case (and rows of `predict`)"),
    Limit("MAX_DERIVATION", MAX_DERIVATION, "rows x (parameters + neurons) of a case with weights and targets"),
    Limit("MAX_CLAIMS", MAX_CLAIMS, "[[claims]] in one file"),
    Limit("MAX_ARRAY_NUMBERS", MAX_ARRAY_NUMBERS, "numbers stated in one array claim"),
    Limit("MAX_EPOCHS", MAX_EPOCHS, "epochs of a training run, and any epoch a claim names"),
    Limit("MAX_TRAINING_WORK", MAX_TRAINING_WORK, "epochs x rows x parameters of one training run"),
    Limit("MAX_NAME_LENGTH", MAX_NAME_LENGTH, "characters in a name"),
    Limit("MAX_NUMBER_CHARS", MAX_NUMBER_CHARS, "characters in a written number"),
    Limit("MAX_EXPONENT", MAX_EXPONENT, "|exponent| of a written number (1e300 is allowed, 1e400 is not)"),
    Limit("MAX_LENGTH", MAX_LENGTH, "characters in an expression"),
    Limit("MAX_PAREN_DEPTH", MAX_PAREN_DEPTH, "nesting of parentheses in an expression"),
    Limit("MAX_DEPTH", MAX_DEPTH, "depth of an expression's tree (signs, powers and calls included)"),
    Limit("MAX_POWER", MAX_POWER, "|exponent| of a power in an expression"),
    Limit("MAX_FUNCTION_ARGUMENT", MAX_FUNCTION_ARGUMENT, "|x| in exp, sigmoid and tanh of an expression"),
)


def derivation_size(rows: int, parameters: int, neurons: int) -> int:
    """Return the measure of a hand calculation's size that MAX_DERIVATION bounds."""
    return rows * (parameters + neurons)


def training_work(epochs: int, rows: int, parameters: int) -> int:
    """Return the measure of a training replay's cost that MAX_TRAINING_WORK bounds."""
    return epochs * rows * max(parameters, 1)
