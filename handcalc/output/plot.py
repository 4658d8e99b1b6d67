"""The loss curve of every replayed training run, on a log scale (matplotlib, optional)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..judge.results import Result
from ..read.reader import InputError

__all__ = ["loss_figure"]


FORMATS = (".png", ".svg", ".pdf")


def check_suffix(path: str | Path) -> None:
    """Raise InputError unless `path` names a format a plot is written in."""
    if Path(path).suffix.lower() not in FORMATS:
        raise InputError(f"{path}: a plot is written as .png, .svg or .pdf")


# matplotlib labels a narrow log-scale axis 1.125×10⁰ ... 9.75×10⁻¹. Losses from PLAIN_RANGE[0] to
# PLAIN_RANGE[1] are labelled as plain decimals instead (0.01, 0.1, 1); the minor ticks between are labelled
# too when the curve spans less than a decade (1.125, 0.975), only at 2 and 5 (0.02, 0.05) when it spans
# less than two, and not at all beyond, where the decades' own labels suffice and more would overlap.
PLAIN_RANGE = (1e-4, 1e4)


def _readable_ticks(axes: Any, losses: list[float]) -> None:
    """Label a log-scale loss axis with plain decimals where its losses allow it."""
    from matplotlib.ticker import FuncFormatter, NullFormatter

    positive = [loss for loss in losses if 0 < loss < float("inf")]
    if not positive or min(positive) < PLAIN_RANGE[0] or max(positive) >= PLAIN_RANGE[1]:
        return
    span = max(positive) / min(positive)

    def plain(value: float, _: Any) -> str:
        return f"{value:.4g}"  # ticks are round numbers: 4 significant digits show each exactly

    def twos_and_fives(value: float, _: Any) -> str:
        return plain(value, _) if f"{value:.1e}"[:3] in ("2.0", "5.0") else ""

    axes.yaxis.set_major_formatter(FuncFormatter(plain))
    minor = plain if span < 10 else twos_and_fives if span < 100 else None
    axes.yaxis.set_minor_formatter(FuncFormatter(minor) if minor else NullFormatter())


def loss_figure(result: Result, path: str | Path | None = None) -> Any:
    """Return a matplotlib Figure with one loss curve per training case; write it to `path` if given."""
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise InputError("plotting needs matplotlib: pip install 'handcalc[plot]'") from None
    runs = [case for case in result.cases if case.training is not None]
    if not runs:
        raise InputError(f"{result.example.name} describes no training run to plot")
    figure = Figure(figsize=(7, 4.2), layout="constrained")
    axes = figure.add_subplot()
    for case in runs:
        curve = case.training.replay.curve
        monitor = case.training.procedure.monitor or result.example.network_of(case.case).loss
        axes.plot([e for e, _ in curve], [float(v) for _, v in curve], label=f"{case.case.name} ({monitor})")
    axes.set_yscale("log")
    _readable_ticks(axes, [float(v) for case in runs for _, v in case.training.replay.curve])
    axes.set_xlabel("epoch")
    axes.set_ylabel("loss")
    axes.set_title(f"{result.example.name}: loss during training")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend()
    if path is not None:
        path = Path(path)
        check_suffix(path)
        figure.savefig(path, dpi=120)
    return figure
