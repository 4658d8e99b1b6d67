"""The loss plot's log-scale axis reads as plain decimals: 1.125 and 0.975, not 1.125×10⁰ and 9.75×10⁻¹."""

from __future__ import annotations

import io
import math

import pytest

pytest.importorskip("matplotlib")

from matplotlib.figure import Figure  # noqa: E402

from handcalc.output.plot import _readable_ticks  # noqa: E402


def _labels(losses: list[float]) -> list[tuple[float, str]]:
    """Plot `losses` on a log axis as loss_figure does; return each visible tick with its label."""
    figure = Figure()
    axes = figure.add_subplot()
    axes.plot(range(len(losses)), losses)
    axes.set_yscale("log")
    _readable_ticks(axes, losses)
    figure.savefig(io.BytesIO(), format="png")  # lays the ticks out
    low, high = axes.get_ylim()
    ticks = []
    for minor in (False, True):
        for location, label in zip(axes.yaxis.get_ticklocs(minor=minor), axes.get_yticklabels(minor=minor)):
            if low <= location <= high:
                ticks.append((location, label.get_text()))
    return sorted(ticks)


def _decimal_labels(ticks: list[tuple[float, str]]) -> list[str]:
    shown = [(location, text) for location, text in ticks if text]
    for location, text in shown:  # each label is a plain decimal naming its own tick's value
        assert set(text) <= set("0123456789."), text
        assert math.isclose(float(text), location, rel_tol=1e-9), (text, location)
    return [text for _, text in shown]


def test_a_loss_within_one_decade_is_labelled_in_plain_decimals() -> None:
    # a curve of my own from 1.13 down to 0.955 (tutorial1's training loss is of this kind)
    losses = [0.955 + 0.175 * 0.8 ** k for k in range(40)]
    labels = _decimal_labels(_labels(losses))
    assert len(labels) >= 4  # enough to read values off the curve
    assert "1" in labels and any(float(text) < 1 for text in labels) and any(float(text) > 1.05 for text in labels)


def test_a_loss_over_two_decades_labels_decades_and_twos_and_fives() -> None:
    losses = [0.0065 + 0.52 * 0.9 ** k for k in range(200)]  # 0.5265 down to 0.0065: a span of about 80
    ticks = _labels(losses)
    labels = _decimal_labels(ticks)
    assert {"0.01", "0.1"} <= set(labels)
    mantissas = {f"{float(text):.1e}"[:3] for text in labels}
    assert mantissas <= {"1.0", "2.0", "5.0"}  # no crowd of 0.03, 0.04, ... labels
    assert all(not text for location, text in ticks if f"{location:.1e}"[:3] in ("3.0", "4.0", "6.0"))


def test_a_loss_over_many_decades_keeps_powers_of_ten() -> None:
    losses = [10.0 ** -k for k in range(9)]  # 1 down to 1e-8: plain decimals would read 0.00000001
    labels = [text for _, text in _labels(losses) if text]
    assert labels and all("10^" in text for text in labels)


def test_tutorial1s_plot_reads_in_plain_decimals(tmp_path) -> None:
    import handcalc
    from handcalc.output.plot import loss_figure

    figure = loss_figure(handcalc.load("tutorial1").report().result, tmp_path / "loss.png")
    axes = figure.axes[0]
    low, high = axes.get_ylim()
    shown = [(location, label.get_text()) for minor in (False, True)
             for location, label in zip(axes.yaxis.get_ticklocs(minor=minor), axes.get_yticklabels(minor=minor))
             if low <= location <= high and label.get_text()]
    assert len(_decimal_labels(shown)) >= 4 and (tmp_path / "loss.png").stat().st_size > 0
