"""How each stage grows with the number of weights: loading, derivation, exact evaluation, cross-checks.

Run on demand: `python benchmarks/bench_scaling.py [--repeat N]`. Generated sigmoid networks
[k, k, k] (benchmarks/networks.py) from 8 to 16,200 weights, one row, each in a fresh process; each
stage timed in CPU seconds (best of N or more, in a run's state: see `_stages`), and the growth exponent fitted (least squares of log time on log weights)
over 512 -> 16,200 weights. Then the [64, 96, 64] network (12,288 weights) against its goals.
Exits 1 when a goal is missed: an exponent above 1.1, derivation + evaluation above 5 s, loading
above 0.5 s or the finite differences above 2 s at 12,288 weights. The finite differences are also
fitted against the numbers their moves must recompute (`moved_numbers`), which grow as W^1.5 here:
each move of a first-layer weight changes every output. The limits are lifted for these files.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).parent))

from networks import network_text, weight_count  # noqa: E402

from handcalc.exact.derivation import derive  # noqa: E402
from handcalc.exact.values import evaluate, given_values  # noqa: E402
from handcalc.floats import vectorized  # noqa: E402
from handcalc.model import Case, Network  # noqa: E402
from handcalc.floats.differences import finite_differences  # noqa: E402
from handcalc.read import limits  # noqa: E402
from handcalc.read.loader import load_text  # noqa: E402

WIDTHS = (2, 4, 8, 16, 32, 64, 90)  # [k, k, k]: 2 k^2 weights, 8 -> 16,200
FIT_FROM = 512
MAX_EXPONENT = 1.1
STAGES = ("load", "derive", "evaluate", "numpy", "finite differences", "rounding noise")
GOALS = {"derive + evaluate": 5.0, "load": 0.5, "finite differences": 2.0}  # seconds at [64, 96, 64]

# The limits bound the time of untrusted files; this measures growth past their edge ([90, 90, 90], one row,
# is 16,200 + 180 = 16,380 against MAX_DERIVATION's 15,000), so it lifts them for its own generated files.
limits.MAX_DERIVATION = max(limits.MAX_DERIVATION, max(2 * k * k + 2 * k for k in WIDTHS))


def moved_numbers(sizes: list[int]) -> int:
    """Return the numbers a true finite difference recomputes per row and step, over all its moves.

    A weight's move changes its neuron's output (1 number); through an elementwise activation that
    moves the next layer's pre-activations by a rank-one term (one number per neuron), and each layer
    after that by a whole matrix product. For [k, k, k]: k^2 (1 + k) + k^2, so W^1.5 in the weights W.
    """
    total = 0
    for l, (fan_in, size) in enumerate(zip(sizes, sizes[1:])):
        later = sizes[l + 2:]
        per_move = 1 + (later[0] if later else 0) + sum(a * b for a, b in zip(later, later[1:]))
        total += fan_in * size * per_move
    return total


def _best(work: Callable[[], object], repeat: int) -> float:
    """Return the least CPU time of at least `repeat` runs, more for quick work (until 0.3 s are spent,
    at most 100 runs): a shared machine's noise would otherwise decide the small sizes, and the fit."""
    times: list[float] = []
    while len(times) < repeat or (sum(times) < 0.3 and len(times) < 100):
        start = time.process_time()
        work()
        times.append(time.process_time() - start)
    return min(times)


def _stages(sizes: list[int], repeat: int) -> dict[str, float]:
    """Each stage's least CPU time on the [k, k, k] network `sizes`, in this process.

    The stages run once in a run's order (load, derive, evaluate) before any is timed, as a run leaves
    them, and the float stages are timed before the symbolic ones are repeated: repeating a load or a
    derivation frees hundreds of thousands of objects in pieces, and the small objects made after land
    scattered over the fragmented heap (measured: the NumPy path at 16,200 weights, 0.65 us a weight
    after one load and derivation, 1.02 after three more of each), which no run does to itself.
    """
    text = network_text(sizes)
    example = load_text(text)
    network, case = example.network, example.cases[0]

    def derived():
        derive.cache_clear()
        return derive(network, 1)

    def first(stage: Callable[[Network, Case], object]) -> Callable[[], object]:
        """The stage as the first float stage of a run does it: building the network's layout of names too."""
        def work():
            vectorized._layout.cache_clear()
            vectorized._row_keys.cache_clear()
            return stage(network, case)
        return work

    derivation = derived()
    given = given_values(derivation, case)
    exact = evaluate(derivation, given)  # noqa: F841 (alive while the float stages run, as in a run)
    times = {
        "numpy": _best(first(vectorized.run), repeat),
        "finite differences": _best(first(finite_differences), repeat),
        "rounding noise": _best(first(vectorized.rounding_noise), repeat),
        "load": _best(lambda: load_text(text), repeat),
        "derive": _best(derived, repeat),
        "evaluate": _best(lambda: evaluate(derivation, given), repeat),
    }
    return {stage: times[stage] for stage in STAGES}


def _measured(sizes: list[int], repeat: int) -> dict[str, float]:
    """`_stages` in a fresh process of its own: what one network's measurement leaves in the heap (see
    `_stages`) must not reach the next one's."""
    result = subprocess.run([sys.executable, __file__, "--stages", json.dumps(sizes), "--repeat", str(repeat)],
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def _exponent(points: list[tuple[int, float]]) -> float:
    """Return the least-squares slope of log(time) on log(weights)."""
    xs = [math.log(w) for w, _ in points]
    ys = [math.log(max(t, 1e-6)) for _, t in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--stages", help=argparse.SUPPRESS)  # one network's stages, as JSON (`_measured`)
    args = parser.parse_args()
    if args.stages:
        print(json.dumps(_stages(json.loads(args.stages), args.repeat)))
        return 0
    rows, work = [], {}
    for k in WIDTHS:
        sizes = [k, k, k]
        rows.append((weight_count(sizes), _measured(sizes, args.repeat)))
        work[weight_count(sizes)] = moved_numbers(sizes)
    stages = list(rows[0][1])
    print(f"{'weights':>8} " + " ".join(f"{s:>19}" for s in stages))
    for weights, times in rows:
        print(f"{weights:>8,} " + " ".join(f"{times[s]:>18.4f}s" for s in stages))
    failed = False
    print(f"growth exponent over {FIT_FROM:,} -> {rows[-1][0]:,} weights (goal <= {MAX_EXPONENT}):")
    for stage in stages:
        exponent = _exponent([(w, t[stage]) for w, t in rows if w >= FIT_FROM])
        missed = exponent > MAX_EXPONENT
        failed |= missed
        print(f"  {stage:<20} W^{exponent:.2f}{'  MISSED' if missed else ''}")
    # what the finite differences must do grows faster than W: measured against that work, their growth
    # shows whether the time per recomputed number stays flat (the Python work per weight and per batch paid)
    per_number = _exponent([(work[w], t["finite differences"]) for w, t in rows if w >= FIT_FROM])
    print(f"  finite differences against the numbers their moves recompute (k^3 + 2 k^2 for [k, k, k], "
          f"W^1.5): N^{per_number:.2f}")
    times = _measured([64, 96, 64], 1)
    figures = {"derive + evaluate": times["derive"] + times["evaluate"], "load": times["load"],
               "finite differences": times["finite differences"]}
    print("[64, 96, 64], 12,288 weights:")
    for name, seconds in figures.items():
        missed = seconds > GOALS[name]
        failed |= missed
        print(f"  {name:<20} {seconds:6.3f} s (goal <= {GOALS[name]} s){'  MISSED' if missed else ''}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
