"""How long `handcalc tutorial1` takes, against Python importing SymPy, NumPy and tabulate alone.

Run on demand: `python benchmarks/bench_cli.py [EXAMPLE...] [--runs N]`. The command should feel
instant beyond the imports it cannot avoid, so the figure that matters is the ratio of the two.
Each run of the command is paired with a run of the yardstick right before it, and both are
measured in CPU seconds (user + system of the child process, which a shared machine's load
disturbs less than wall time); the ratio reported is the median of the pairs' ratios. Exits 1
when a ratio is above 1.3.

Both commands run with compiled bytecode, as after `pip install` (which compiles it): the children
get PYTHONPYCACHEPREFIX, a temporary folder, and no PYTHONDONTWRITEBYTECODE, and a first unmeasured
run fills it. Without bytecode, compiling handcalc's modules alone costs about 0.2 s a run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile

GOAL = 1.3
YARDSTICK = [sys.executable, "-c", "import sympy, numpy, tabulate"]


ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def _cpu(command: list[str]) -> float:
    """Return the CPU seconds (user + system) one run of a command takes."""
    before = os.times()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=ENV)
    after = os.times()
    return (after.children_user - before.children_user) + (after.children_system - before.children_system)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("examples", nargs="*", default=["tutorial1", "tutorial2", "tutorial3"])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    ENV["PYTHONPYCACHEPREFIX"] = tempfile.mkdtemp(prefix="handcalc-bench-")
    failed = False
    for example in args.examples:
        _cpu(YARDSTICK), _cpu([sys.executable, "-m", "handcalc", example, "--format", "json"])  # compile once
        pairs = [(_cpu(YARDSTICK), _cpu([sys.executable, "-m", "handcalc", example, "--format", "json"]))
                 for _ in range(args.runs)]
        ratio = statistics.median(full / base for base, full in pairs)
        base = statistics.median(b for b, _ in pairs)
        full = statistics.median(f for _, f in pairs)
        missed = ratio > GOAL
        failed |= missed
        print(f"handcalc {example} --format json: {full:.2f} s CPU, imports alone {base:.2f} s, ratio {ratio:.2f} "
              f"(goal <= {GOAL}){'  MISSED' if missed else ''}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
