#!/usr/bin/env python3
"""Fuzz the worked-example loader and claim validation (atheris / libFuzzer).

    python fuzz/fuzz_loader.py /tmp/fuzz/loader fuzz/corpus/loader -max_total_time=600

(libFuzzer adds what it finds to the first folder: a scratch one keeps the
seeds as they are; see fuzz/README.md.)

Each input is a worked-example file's bytes: it goes through `load_bytes`
(size limit, UTF-8, TOML, every check of the format and its limits) and then
`check.validate_claims` (the derivation's names, the claims' expressions), the
two steps the command line takes before any work.  A finding is any exception
other than `InputError`, or an input slower than the per-input timeout.
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

with atheris.instrument_imports(include=["handcalc"]):
    from handcalc.check import validate_claims
    from handcalc.read.reader import InputError
    from handcalc.read.loader import load_bytes

HERE = Path(__file__).resolve().parent
DEFAULTS = [f"-dict={HERE / 'loader.dict'}", "-timeout=30", "-max_len=20000"]


def TestOneInput(data: bytes) -> None:  # noqa: N802 (the name libFuzzer's Python binding expects)
    try:
        example = load_bytes(data, "fuzz.toml")
        validate_claims(example)
    except InputError as error:
        if not error.problems:
            raise AssertionError("an InputError without a problem") from None


def main() -> None:
    argv = sys.argv + [flag for flag in DEFAULTS if not any(a.startswith(flag.split("=")[0] + "=") for a in sys.argv)]
    atheris.Setup(argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
