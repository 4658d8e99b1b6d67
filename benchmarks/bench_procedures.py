"""Cost of naming the training procedure behind a wrong training claim (handcalc.judge.procedures).

Not a test: run on demand with

    python benchmarks/bench_procedures.py [--repeat N]

It checks tutorial3 (a 10,000-epoch training run) three ways, best of N runs
each, timed with time.perf_counter:

- as shipped (no loss claim: the search is never started);
- with a correct `loss_at` claim added (the fast path: the search is never
  started either, so the time must match the first);
- with a `loss_at` claim no variant explains (the worst case: every variant
  is replayed once, `len(variants(...))` replays of the 10,000-epoch run).

It prints the three times, the number of variant replays and the cost of one,
and exits 1 when the correct claim costs more than 10% over the shipped file
(the search must stay out of the fast path).
"""

from __future__ import annotations

import argparse
import sys
import time

from handcalc.check import check
from handcalc.judge.procedures import variants
from handcalc.read.catalog import resolve
from handcalc.read.loader import load_text

CLAIM = '\n[[claims]]\nid = "bench_loss"\ncase = "training"\nkind = "training"\ncheck = "loss_at"\nstated = "{}"\n'


def best(text: str, repeat: int) -> tuple[float, dict]:
    """Best time of `repeat` full checks of the file text, and the verdicts of the last."""
    times = []
    for _ in range(repeat):
        example = load_text(text, "tutorial3.toml")
        start = time.perf_counter()
        result = check(example)
        times.append(time.perf_counter() - start)
    return min(times), {v.claim.id: v for v in result.verdicts}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    text = resolve("tutorial3").read_text(encoding="utf-8")
    shipped, _ = best(text, args.repeat)
    example = load_text(text, "tutorial3.toml")
    training = check(example).cases[[c.name for c in example.cases].index("training")].training
    loss = f"{training.replay.history[-1][1]:.6g}"
    correct, verdicts = best(text + CLAIM.format(loss), args.repeat)
    assert verdicts["bench_loss"].verdict == "correct", verdicts["bench_loss"].explanation
    worst, verdicts = best(text + CLAIM.format("0.5"), args.repeat)
    assert verdicts["bench_loss"].verdict == "wrong"
    case = example.case("training")
    count = len(variants(example.network_of(case), case, case.training))
    print(f"tutorial3 as shipped:                      {shipped * 1000:8.1f} ms")
    print(f"with a correct loss_at claim (fast path):  {correct * 1000:8.1f} ms")
    print(f"with an unexplained wrong loss_at claim:   {worst * 1000:8.1f} ms "
          f"({count} variant replays, {(worst - correct) / count * 1000:.1f} ms each)")
    return 1 if correct > shipped * 1.10 + 0.005 else 0


if __name__ == "__main__":
    sys.exit(main())
