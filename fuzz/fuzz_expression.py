#!/usr/bin/env python3
"""Fuzz the expression parser and evaluator (atheris / libFuzzer).

    python fuzz/fuzz_expression.py /tmp/fuzz/expression fuzz/corpus/expression -max_total_time=600

(libFuzzer adds what it finds to the first folder: a scratch one keeps the
seeds as they are; see fuzz/README.md.)

Each input is decoded as UTF-8 (bad bytes replaced) and parsed; a parsed tree
is printed back, re-parsed, shown with SymPy and evaluated.  A finding is any
exception other than `ExpressionError`, a re-parse that gives another tree, or
an input that takes longer than the per-input timeout (a hang).
"""

from __future__ import annotations

import sys
from fractions import Fraction
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

with atheris.instrument_imports(include=["handcalc"]):
    from handcalc.expr import expression as ex
    from handcalc.expr.arithmetic import evaluate

ENV = {"x1": Fraction(3, 100), "w5": Fraction(44, 100), "out_h1": Fraction(60290881, 10**8),
       "eta": Fraction(1, 2), "zero": Fraction(0), "S": Fraction(-7, 3), "big": Fraction(10) ** 300}
HERE = Path(__file__).resolve().parent
DEFAULTS = [f"-dict={HERE / 'expression.dict'}", "-timeout=20", "-max_len=800"]


def TestOneInput(data: bytes) -> None:  # noqa: N802 (the name libFuzzer's Python binding expects)
    text = data.decode("utf-8", errors="replace")
    try:
        node = ex.parse(text)
    except ex.ExpressionError:
        return
    printed = ex.to_text(node)
    if len(printed) <= ex.MAX_LENGTH and ex.parse(printed) != node:
        raise AssertionError(f"to_text does not round-trip: {text!r} -> {printed!r}")
    ex.to_sympy(node)
    ex.names(node), ex.numbers(node)
    try:
        evaluate(node, ENV, digits=30)
    except ex.ExpressionError:
        pass


def main() -> None:
    argv = sys.argv + [flag for flag in DEFAULTS if not any(a.startswith(flag.split("=")[0] + "=") for a in sys.argv)]
    atheris.Setup(argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
