"""The run's work budget: one counter that every input-sized loop charges.

The file limits (read/limits.py) bound what a file may say; they cannot see
what judging it costs (a slip search, a long replay, a huge number printed).
So a run carries a budget: every loop whose length depends on the input
(derivation steps, evaluations, slip candidates, suggestion look-ups, replay
updates, history points, digits printed) charges it before it does the work,
and a run that would go beyond it stops with a `WorkLimitError` naming the
stage and the claim or case, never with minutes of search.

One unit is about a microsecond of work on one core, so the default,
`DEFAULT_MAX_WORK`, keeps any run near 30 seconds; `--max-work` (or
`budget=` in the API) sets another.  A search whose partial answer is honest
(the slip search: the verdict stands, only the named slip is missing) asks
`afford` instead of `charge` and reports where it stopped.

    >>> with scope(1_000) as run:
    ...     charge(600, "evaluation", "case c1")
    ...     run.afford(500)
    False
    >>> run.spent
    600
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator

__all__ = ["DEFAULT_MAX_WORK", "Budget", "WorkLimitError", "scope", "charge", "afford", "current"]

DEFAULT_MAX_WORK = 30_000_000  # units (~1 microsecond each): about 30 s of work on one core
RESERVE = 4  # a search that may stop early leaves 1/RESERVE of the budget for the stages after it


class WorkLimitError(Exception):
    """The run's work budget ran out; the CLI prints the message and exits with code 2."""


class Budget:
    """A run's work budget: `limit` units, `spent` so far."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.spent = 0

    @property
    def left(self) -> int:
        """Return the units not yet spent."""
        return self.limit - self.spent

    def charge(self, units: int, stage: str, what: str) -> None:
        """Spend `units` on `stage` for `what` (a claim or a case); raise WorkLimitError beyond the limit."""
        self.spent += units
        if self.spent > self.limit:
            raise WorkLimitError(f"{stage} for {what} stopped at the work budget: the run needs more than "
                                 f"{self.limit:,} units of work (about a microsecond each; --max-work sets "
                                 "another budget)")

    def afford(self, units: int) -> bool:
        """Spend `units` on an optional search if the run keeps its reserve afterwards; else spend nothing."""
        if self.spent + units > self.limit - self.limit // RESERVE:
            return False
        self.spent += units
        return True


_active: ContextVar[Budget | None] = ContextVar("handcalc_budget", default=None)


@contextmanager
def scope(limit: int | None = None) -> Iterator[Budget]:
    """Run the block under a budget: the one already running (nested calls share it), else a new one."""
    running = _active.get()
    if running is not None and limit is None:
        yield running
        return
    budget = Budget(DEFAULT_MAX_WORK if limit is None else limit)
    token = _active.set(budget)
    try:
        yield budget
    finally:
        _active.reset(token)


def current() -> Budget | None:
    """Return the running budget, or None outside any `scope`."""
    return _active.get()


def charge(units: int, stage: str, what: str) -> None:
    """Charge the running budget (see `Budget.charge`); outside any scope, work is not counted."""
    budget = _active.get()
    if budget is not None:
        budget.charge(units, stage, what)


def afford(units: int) -> bool:
    """Ask the running budget for optional work (see `Budget.afford`); True outside any scope."""
    budget = _active.get()
    return True if budget is None else budget.afford(units)
