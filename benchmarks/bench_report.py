"""Writing a large network's report in every format, against the time the check itself takes.

Not a test: run on demand with

    python benchmarks/bench_report.py                      # [40,40,40] and [64,64,64], best of 3
    python benchmarks/bench_report.py --sizes 40 84 --repeat 5 --formats text,json

For each generated sigmoid network [k, k, k] (`networks.py`, one row, no claims),
each of N runs is a fresh process, as a command is: after importing the modules both
stages use (the pipeline, the report writers, SymPy, NumPy, tabulate), it times in CPU
seconds (`time.process_time`) loading and checking the file (`handcalc.load(path)
.report()`), then writing the report in each format (`Report.to`: build the document,
then render it).  The script keeps each figure's best run and prints each format's
time, its ratio to the check's and microseconds per weight.  LaTeX is timed in the
first run only (SymPy's LaTeX printer typesets two formulas a step: seconds).  Then
it times `numbers.to_decimal_text` on the case's 60-digit Floats at 10 and 12 digits
(the report's substituted numbers and values) against the Decimal path it replaced,
which stays as `numbers._decimal_text`, after checking that both write the same texts.

Goals (exit 1 when one is missed):

- the [40, 40, 40] text report takes at most TEXT_GOAL times the check (4.0-4.4 times
  before the work this benchmark came with: 1.67 s against 0.37-0.41 s; 1.25-1.47 after);
- `to_decimal_text` is at least FLOAT_GOAL times as fast as the Decimal path on Floats;
- every format's time grows at most as W^GROWTH_GOAL from the first size to the last
  (every stage linear).
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from networks import network_text, weight_count  # noqa: E402

import handcalc  # noqa: E402
import sympy  # noqa: E402
from handcalc.numbers import _decimal_text, to_decimal_text  # noqa: E402

TEXT_GOAL = 2.0
FLOAT_GOAL = 3.0
GROWTH_GOAL = 1.15
FORMATS = "text,markdown,html,json,latex"


def best(run, repeat: int) -> tuple[float, object]:
    """Best CPU time of `repeat` calls after a warm-up call, and a result."""
    times = []
    for _ in range(1 + repeat):
        start = time.process_time()
        result = run()
        times.append(time.process_time() - start)
    return min(times[1:] or times), result


CHILD = """
import json, sys, time
import handcalc, handcalc.check, handcalc.read.loader, handcalc.output.report, handcalc.output.jsonreport, tabulate
path, formats = sys.argv[1], sys.argv[2].split(",")
start = time.process_time()
report = handcalc.load(path).report()
times = {"check": time.process_time() - start}
for fmt in formats:
    start = time.process_time()
    report.to(fmt)
    times[fmt] = time.process_time() - start
print(json.dumps(times))
"""


def measure(size: int, formats: list[str], repeat: int, folder: Path) -> dict[str, float]:
    """The best time of the check and of each format over `repeat` fresh processes, for [size, size, size]."""
    path = folder / f"net{size}.toml"
    path.write_text(network_text([size, size, size]), encoding="utf-8")
    runs = []
    for run in range(repeat):
        chosen = [f for f in formats if f != "latex" or run == 0]
        out = subprocess.run([sys.executable, "-c", CHILD, str(path), ",".join(chosen)], check=True,
                             capture_output=True, text=True).stdout
        runs.append(json.loads(out))
    return {key: min(run[key] for run in runs if key in run) for key in ["check"] + formats}


def float_speed(size: int, repeat: int) -> float:
    """How many times faster `to_decimal_text` writes a [size, size, size] case's Floats than the Decimal path."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "net.toml"
        path.write_text(network_text([size, size, size]), encoding="utf-8")
        values = handcalc.load(str(path)).report().values
    floats = [v for v in values.values() if isinstance(v, sympy.Float)]
    for digits in (10, 12):
        assert [to_decimal_text(v, digits) for v in floats] == [_decimal_text(v, digits) for v in floats]
    fast, _ = best(lambda: [to_decimal_text(v, d) for d in (10, 12) for v in floats], repeat)
    slow, _ = best(lambda: [_decimal_text(v, d) for d in (10, 12) for v in floats], repeat)
    print(f"\nto_decimal_text on {len(floats):,} Floats x 2: {fast:.3f} s, the Decimal path {slow:.3f} s: "
          f"{slow / fast:.1f}x faster (goal >= {FLOAT_GOAL})")
    return slow / fast


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[40, 64])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--formats", default=FORMATS)
    args = parser.parse_args()
    formats = args.formats.split(",")
    results, missed = {}, []
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            times = measure(size, formats, args.repeat, Path(folder))
            check, weights = times.pop("check"), weight_count([size] * 3)
            results[size] = (weights, check, times)
            print(f"[{size}, {size}, {size}] ({weights:,} weights): load and check {check:.3f} s")
            for fmt, spent in times.items():
                print(f"  {fmt:<9} {spent:7.3f} s  {spent / check:5.2f} x the check  "
                      f"{spent / weights * 1e6:6.1f} us a weight")
            if size == 40 and "text" in times and times["text"] > TEXT_GOAL * check:
                missed.append(f"[40, 40, 40] text report {times['text'] / check:.2f} x the check (goal {TEXT_GOAL})")
    if float_speed(args.sizes[0], args.repeat) < FLOAT_GOAL:
        missed.append("to_decimal_text on Floats")
    if len(results) > 1:
        (w0, _, first), (w1, _, last) = results[args.sizes[0]], results[args.sizes[-1]]
        print()
        for fmt in formats:
            growth = math.log(last[fmt] / first[fmt]) / math.log(w1 / w0)
            print(f"{fmt:<9} grows as W^{growth:.2f} (goal <= {GROWTH_GOAL})")
            if growth > GROWTH_GOAL:
                missed.append(f"{fmt} grows as W^{growth:.2f}")
    for line in missed:
        print(f"MISSED: {line}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
