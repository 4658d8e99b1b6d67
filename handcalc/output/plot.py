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
