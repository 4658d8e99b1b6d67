"""Loading, deriving and evaluating run with Python's cyclic garbage collector paused.

Those stages build objects that live until the report is written (the file's
tables and exact numbers, then SymPy expressions): hundreds of thousands for a
large network, and no reference cycles among them (measured: `gc.collect()`
after loading, deriving and evaluating a [90, 90, 90] network finds nothing to
free).  The collector does not know that, so as they pile up its full passes
walk an ever larger heap: at 16,200 weights it took 45% of the derivation's
time and grew faster than the network (derivation 47 -> 87 microseconds a
weight from 2,048 to 16,200 weights, 37-58 with the collector paused; W^1.22
-> W^1.01 over 512 -> 16,200 weights), for the same peak memory.  Loading a
[64, 96, 64] file after other large ones took 0.59 s with it, 0.14 s without.

The same holds, more so, for what a command imports: SymPy alone makes some
300,000 objects that live as long as the process, and the collector's passes
over them while they are made are 10-20% of `import sympy` (measured: 0.51-0.62
s CPU with it running, 0.44-0.51 s paused).  `importing` pauses it while the
command line imports the pipeline for the first time in a process, then
freezes what was imported (`gc.freeze`: the collector never walks those
objects again) and lets it run.

`collector_paused` pauses it for the length of one call and puts back the
state it found (a caller that already paused it keeps it paused).  Memory is
still freed by reference counting as usual; only the search for cycles waits.

    >>> import gc
    >>> @collector_paused
    ... def inside():
    ...     return gc.isenabled()
    >>> inside(), gc.isenabled()
    (False, True)
"""

from __future__ import annotations

import functools
import gc
import sys
from contextlib import contextmanager
from typing import Callable, Iterator, TypeVar

__all__ = ["collector_paused", "importing"]

F = TypeVar("F", bound=Callable)


def collector_paused(function: F) -> F:
    """Return `function` run with the cyclic garbage collector paused, then left as it was."""

    @functools.wraps(function)
    def paused(*args, **kwargs):
        if not gc.isenabled():
            return function(*args, **kwargs)
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            gc.enable()

    return paused  # type: ignore[return-value]


@contextmanager
def importing(one_shot: bool, module: str = "sympy") -> Iterator[None]:
    """Within: the collector paused while a `one_shot` process (one that ends with its command) imports
    `module` and what needs it; then the imported objects frozen and the collector running.  Nothing happens
    in any other process (a notebook, the tests: freezing a long-lived heap would keep its garbage for good),
    where `module` is already imported, or where the collector is already paused."""
    if not one_shot or module in sys.modules or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()
