"""Time handcalc's replays of tutorial3 against tutorial3's own NumPy loop.

Not a test: run on demand with

    python benchmarks/bench_replay.py [--repeat N]

Both sides train the 3-1 sigmoid network for 10,000 epochs from
np.random.seed(42).  The tutorial's loop is written as the tutorial writes it;
its `print(np.mean(np.abs(error)))` every 1000 iterations is kept as a computed
value (no printing).  handcalc's side is `handcalc.floats.replay.replay` on
tutorial3's `training` case (loaded once, outside the timing).  The two sides
run alternately, each timed in CPU seconds (time.process_time), best of N.
Then the same 10,000 epochs at 40 digits (`exact_replay`), with gmpy2 when it
is installed (the `fast` extra), timed once, and its weights against float64's.

Goals (exit 1 when one is missed): the float replay at most 1.0x the
tutorial's loop and the same weights to 1e-12; the 40-digit replay at most
1.5 s and within 1e-12 of float64.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from handcalc.read.catalog import resolve
from handcalc.read.loader import load_file
from handcalc.floats.replay import exact_replay, replay

LIMIT = 1.0  # float replay / the tutorial's loop
EXACT_LIMIT = 1.5  # seconds for the 10,000-epoch 40-digit replay
EPOCHS = 10_000


def tutorial_loop() -> tuple[np.ndarray, np.ndarray, list[float]]:
    """tutorial3's training code, as written there."""

    def sigmoid(x):
        return 1 / (1 + np.exp(-x))

    def sigmoid_derivative(x):
        return x * (1 - x)

    inputs = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]])
    outputs = np.array([[0], [0], [1], [1]])
    np.random.seed(42)
    weights = 2 * np.random.random((3, 1)) - 1
    errors = []
    for iteration in range(EPOCHS):
        input_layer = inputs
        layer_output = sigmoid(np.dot(input_layer, weights))
        error = outputs - layer_output
        adjustments = error * sigmoid_derivative(layer_output)
        weights += np.dot(input_layer.T, adjustments)
        if iteration % 1000 == 0:
            errors.append(np.mean(np.abs(error)))  # the tutorial prints this
    return weights, layer_output, errors


def timed(function) -> tuple[float, object]:
    start = time.process_time()
    result = function()
    return time.process_time() - start, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="runs per side; the best is kept (default 15)")
    args = parser.parse_args()

    example = load_file(resolve("tutorial3"))
    case = example.case("training")
    network = example.network_of(case)
    procedure = case.training
    assert procedure.epochs == EPOCHS, procedure

    # warm up both (imports, first-call costs), then alternate so both see the same machine state
    tutorial_loop()
    replay(network, case, procedure)
    tutorial_times, replay_times = [], []
    for _ in range(args.repeat):
        t, (weights, layer_output, _) = timed(tutorial_loop)
        r, run = timed(lambda: replay(network, case, procedure))
        tutorial_times.append(t)
        replay_times.append(r)
    tutorial_best, replay_best = min(tutorial_times), min(replay_times)

    # the two runs are the same training: the same weights (to ~1e-12; bit for bit in practice)
    drift = max(abs(run.weights[f"w{i + 1}"] - weights[i, 0]) / abs(weights[i, 0]) for i in range(3))
    ratio = replay_best / tutorial_best
    print(f"tutorial3, {EPOCHS} epochs, best of {args.repeat}")
    print(f"  tutorial's NumPy loop : {tutorial_best * 1e3:9.2f} ms")
    print(f"  handcalc replay       : {replay_best * 1e3:9.2f} ms")
    print(f"  ratio replay/tutorial : {ratio:9.2f}   (goal <= {LIMIT})")
    print(f"  largest relative weight difference: {drift:.1e}")
    failed = drift > 1e-12 or ratio > LIMIT
    if drift > 1e-12:
        print("MISSED: the replay does not reproduce the tutorial's weights")
    if ratio > LIMIT:
        print(f"MISSED: the replay is {ratio:.2f}x the tutorial's loop (goal <= {LIMIT}x)")
    return 1 if _exact(network, case, procedure, run) or failed else 0


def _exact(network, case, procedure, run) -> bool:
    """Time the 10,000-epoch 40-digit replay; return True when a goal is missed."""
    import mpmath.libmp

    from handcalc.floats import arithmetic

    seconds, exact = timed(lambda: exact_replay(network, case, procedure, EPOCHS))
    drift = max(abs(float(exact.weights[name]) - run.weights[name]) / abs(run.weights[name]) for name in run.weights)
    kind = "MPFR (gmpy2)" if arithmetic._gmpy2() is not None else f"mpmath, {mpmath.libmp.BACKEND} backend"
    missed = seconds > EXACT_LIMIT or drift > 1e-12
    print(f"  40-digit replay, {EPOCHS} epochs: {seconds:.2f} s in {kind} (goal <= {EXACT_LIMIT} s), "
          f"largest relative difference from float64 {drift:.1e} (goal <= 1e-12){'  MISSED' if missed else ''}")
    return missed


if __name__ == "__main__":
    sys.exit(main())
