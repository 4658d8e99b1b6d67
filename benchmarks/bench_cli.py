"""How long `handcalc tutorial1` takes, next to Python importing SymPy and NumPy alone.

Run on demand: `python benchmarks/bench_cli.py [EXAMPLE] [--runs N]`. The command should feel
instant beyond Python and SymPy's own start-up, so the figure that matters is the difference.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time


def _time(command: list[str], runs: int) -> float:
    """Return the median wall time of `runs` runs of a command."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("example", nargs="?", default="tutorial1")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    baseline = _time([sys.executable, "-c", "import sympy, numpy"], args.runs)
    listing = _time([sys.executable, "-m", "handcalc", "--list"], args.runs)
    full = _time([sys.executable, "-m", "handcalc", args.example], args.runs)
    print(f"python -c 'import sympy, numpy'  {baseline * 1000:7.0f} ms")
    print(f"handcalc --list                  {listing * 1000:7.0f} ms")
    print(f"handcalc {args.example:<23} {full * 1000:7.0f} ms  ({(full - baseline) * 1000:.0f} ms beyond the imports)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
