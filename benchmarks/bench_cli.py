"""How long `handcalc tutorial1` takes, against Python importing SymPy, NumPy and tabulate alone.

Run on demand: `python benchmarks/bench_cli.py [EXAMPLE...] [--runs N]`. The command should feel
instant beyond the imports it cannot avoid, so the figure that matters is the ratio of the two.
Each run of the command is paired with a run of the yardstick right before it, and both are
measured in CPU seconds (user + system of the child process, which a shared machine's load
disturbs less than wall time); the ratio reported is the median of the pairs' ratios. Exits 1
when a ratio is above 1.3.

The command imports SymPy with the cyclic garbage collector paused and then freezes what it
imported (handcalc/heap.py), which makes its imports cheaper than the yardstick's. So each run
also times the yardstick's imports made that way, and prints the command's ratio to those too:
that second ratio is the command's cost beyond the imports as it makes them.

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
# the same imports as the command makes them (handcalc/heap.py: the collector paused, then the objects frozen):
# shown beside the goal's ratio, so that what the pause saves in importing SymPy is not read as less work
PAUSED = [sys.executable, "-c", "import gc; gc.disable(); import sympy, numpy, tabulate; gc.freeze(); gc.enable()"]


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
        runs = [(_cpu(YARDSTICK), _cpu(PAUSED), _cpu([sys.executable, "-m", "handcalc", example, "--format", "json"]))
                for _ in range(args.runs)]
        ratio = statistics.median(full / base for base, _, full in runs)
        against_paused = statistics.median(full / paused for _, paused, full in runs)
        base, paused, full = (statistics.median(run[i] for run in runs) for i in range(3))
        missed = ratio > GOAL
        failed |= missed
        print(f"handcalc {example} --format json: {full:.2f} s CPU, imports alone {base:.2f} s, ratio {ratio:.2f} "
              f"(goal <= {GOAL}){'  MISSED' if missed else ''}; the imports with the collector paused as the "
              f"command makes them {paused:.2f} s, ratio {against_paused:.2f}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
