#!/usr/bin/env python3
"""Fuzz the whole check (atheris / libFuzzer): derive, evaluate, cross-check, judge, render every format.

    python fuzz/fuzz_check.py /tmp/fuzz/check -max_total_time=600

The loader and expression harnesses stop after validation; this one carries a
small generated worked example through everything the command line does.  The
fuzzer's bytes choose (through `FuzzedDataProvider`) a network of 1 to 3 small
layers, its activations, loss and bias mode, parameters, inputs and targets
drawn from ordinary and extreme numbers (1e300, -10000, 1e-300, 0, ...), a
training run of a few epochs, and claims of every kind: values of the
network's quantities stated with random digits, expressions built from
numbers, names and the functions, comparisons and ranges.  Each file is
loaded, checked under a small work budget, and rendered as text, Markdown,
LaTeX, HTML and JSON.

A finding is any exception but `InputError` (a bad file) or `WorkLimitError`
(the budget ran out), a JSON report that does not serialise, or an input
slower than the per-input timeout (`-timeout`, 60 s by default).
"""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

with atheris.instrument_imports(include=["handcalc"]):
    from handcalc import budget
    from handcalc.check import check
    from handcalc.output.jsonreport import to_json
    from handcalc.output.render import FORMATS
    from handcalc.output.report import render
    from handcalc.read.loader import load_text
    from handcalc.read.reader import InputError

MAX_WORK = 3_000_000  # work units per input (about 3 s): enough for every stage of a small example
DEFAULTS = ["-timeout=60", "-max_len=2000"]
NUMBERS = ["0", "1", "-1", "0.5", "0.05", "0.99", "2", "-3.7", "0.001", "1e-300", "1e300", "-1e300", "10000",
           "-10000", "1e-5", "0.1", "7.5", "123456.789", "0.30000000000000004", "1e90", "1e-90"]
FUNCTIONS = ["exp", "log", "sigmoid", "tanh", "relu", "abs", "S"]
OPERATORS = ["+", "-", "*", "/", "^"]


def _number(data: atheris.FuzzedDataProvider) -> str:
    if data.ConsumeBool():
        return data.PickValueInList(NUMBERS)
    return f"{data.ConsumeIntInRange(-999, 999) / 100:g}"


def _expression(data: atheris.FuzzedDataProvider, names: list[str], depth: int = 0) -> str:
    choice = data.ConsumeIntInRange(0, 3 if depth < 3 else 1)
    if choice == 0:
        return _number(data)
    if choice == 1:
        return data.PickValueInList(names) if names else _number(data)
    if choice == 2:
        return f"{data.PickValueInList(FUNCTIONS)}({_expression(data, names, depth + 1)})"
    op = data.PickValueInList(OPERATORS)
    return f"({_expression(data, names, depth + 1)} {op} {_expression(data, names, depth + 1)})"


def _claims(data: atheris.FuzzedDataProvider, names: list[str]) -> list[str]:
    claims = []
    for _ in range(data.ConsumeIntInRange(0, 5)):
        kind = data.ConsumeIntInRange(0, 3)
        stated = _number(data) if data.ConsumeIntInRange(0, 9) else data.PickValueInList(["inf", "-inf", "∞"])
        if kind == 0 and names:
            claims.append(f'[[claims]]\nquantity = "{data.PickValueInList(names)}"\nstated = "{stated}"')
        elif kind == 1:
            claims.append(f'[[claims]]\nexpression = "{_expression(data, names)}"\nstated = "{stated}"')
        elif kind == 2:
            relation = data.PickValueInList(["<", ">", "==", "!=", "<=", ">="])
            claims.append(f'[[claims]]\nkind = "compare"\nexpression = "{_expression(data, names)}"\n'
                          f'relation = "{relation}"\nright = "{_expression(data, names)}"')
        else:
            low, high = sorted([float(_number(data)), float(_number(data))])
            claims.append(f'[[claims]]\nkind = "range"\nexpression = "{_expression(data, names)}"\n'
                          f'low = "{low!r}"\nhigh = "{high!r}"')
    return claims


def example_text(data: atheris.FuzzedDataProvider) -> str:
    """A small worked example chosen by the fuzzer's bytes."""
    sizes = [data.ConsumeIntInRange(1, 3) for _ in range(data.ConsumeIntInRange(2, 4))]
    activation = data.PickValueInList(["sigmoid", "tanh", "relu", "identity"])
    loss = data.PickValueInList(["half_squared_error", "squared_error", "mean_squared_error",
                                 "binary_cross_entropy"])
    bias = data.PickValueInList(["shared", "per_neuron", "none"])
    lines = ["[network]", f"sizes = {sizes}", f'activation = "{activation}"', f'loss = "{loss}"', f'bias = "{bias}"',
             "", "[parameters]"]
    number, names = 0, []
    for index, (fan_in, size) in enumerate(zip(sizes, sizes[1:])):
        names += [f"w{number + k + 1}" for k in range(fan_in * size)]
        number += fan_in * size
        names += [f"b{index + 1}"] if bias == "shared" else \
            [f"b{index + 1}_{j + 1}" for j in range(size)] if bias == "per_neuron" else []
    lines += [f"{name} = {_number(data)}" for name in names]
    rows = data.ConsumeIntInRange(1, 2)
    row = lambda width: "[" + ", ".join(_number(data) for _ in range(width)) + "]"  # noqa: E731
    lines += ["", "[[cases]]", 'name = "c1"', "inputs = [" + ", ".join(row(sizes[0]) for _ in range(rows)) + "]",
              "targets = [" + ", ".join(row(sizes[-1]) for _ in range(rows)) + "]",
              f"learning_rate = {data.PickValueInList(['0.5', '0.1', '1', '1e-300', '1e300', '7'])}"]
    if data.ConsumeIntInRange(0, 3) == 0:
        lines += ["[cases.training]", f"epochs = {data.ConsumeIntInRange(1, 50)}",
                  f'mode = "{data.PickValueInList(["online", "batch"])}"']
    quantities = names + ["x1", "T1", "y1", "out_y1", "E_total", "E1", "dE_dw1", "new_w1", "h1", "out_h1", "eta"]
    return "\n".join(lines + [""] + _claims(data, quantities)) + "\n"


def run(text: str) -> None:
    """Check and render one worked example; raise on anything but a bad file or a spent budget."""
    try:
        example = load_text(text, "fuzz.toml")
    except InputError as error:
        if not error.problems:
            raise AssertionError("an InputError without a problem") from None
        return
    try:
        with budget.scope(MAX_WORK):
            result = check(example)
            for fmt in FORMATS:
                render(result, fmt)
            json.dumps(to_json(result), allow_nan=False)
    except (InputError, budget.WorkLimitError):
        return


def TestOneInput(raw: bytes) -> None:  # noqa: N802 (the name libFuzzer's Python binding expects)
    run(example_text(atheris.FuzzedDataProvider(raw)))


def main() -> None:
    warnings.simplefilter("error", RuntimeWarning)  # a NumPy warning that would reach a user's stderr is a finding
    argv = sys.argv + [flag for flag in DEFAULTS if not any(a.startswith(flag.split("=")[0] + "=") for a in sys.argv)]
    atheris.Setup(argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
