"""The table of activations and losses: every entry's pieces agree with each other and with SymPy.

The SymPy derivative each entry writes is compared with `sympy.diff` of its
function; the array versions the training replay runs (float64 and 40-digit
mpmath) are compared with the SymPy function evaluated by mpmath at 50 digits.
"""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
import sympy

from handcalc.functions import (ACTIVATIONS, LOSSES, UnknownFunction, activation, loss, network_losses,
                                unit_interval_activations)
from handcalc.floats.replay import _Ops

POINTS = ["-2.5", "-0.3", "0.7", "3.1"]  # never 0: relu has no derivative there
OUTPUTS = ["0.2", "0.55", "0.9"]  # inside (0, 1), where every loss is defined
TARGETS = ["0", "0.3", "1"]


def _float(expr: sympy.Expr) -> float:
    return float(expr.evalf(50))


ELEMENTWISE = [name for name, entry in ACTIVATIONS.items() if entry.elementwise]  # softmax: tests/test_softmax.py


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_activation_derivative_is_sympys(name: str) -> None:
    z = sympy.Symbol("z", real=True)
    entry = ACTIVATIONS[name]
    out = entry.function(z)
    for point in POINTS:
        at = {z: sympy.Rational(point)}
        written = entry.derivative(z, out).subs(at)
        reference = sympy.diff(out, z).subs(at)
        assert abs(_float(written) - _float(reference)) < 1e-40, (name, point)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_activation_on_arrays_is_the_sympy_function(name: str) -> None:
    z = sympy.Symbol("z", real=True)
    entry = ACTIVATIONS[name]
    points = np.array([[float(p) for p in POINTS]])
    with mpmath.workdps(40):
        exact_points = np.array([[mpmath.mpf(p) for p in POINTS]], dtype=object)
        for ops, values, tolerance in ((_Ops(False), points, 1e-15), (_Ops(True), exact_points, 1e-35)):
            out = entry.on_array(values, ops)
            slope = entry.derivative_on_array(values, out)
            for k, point in enumerate(POINTS):
                at = {z: sympy.Rational(point)}
                assert abs(float(out[0, k]) - _float(entry.function(z).subs(at))) <= tolerance
                assert abs(float(slope[0, k]) - _float(sympy.diff(entry.function(z), z).subs(at))) <= tolerance


@pytest.mark.parametrize("name", list(LOSSES))
def test_loss_on_arrays_and_its_gradient_are_sympys(name: str) -> None:
    t_symbol, out_symbol = sympy.symbols("t out", real=True)
    entry = LOSSES[name]
    n = len(OUTPUTS)
    outs = np.array([[float(o) for o in OUTPUTS]])
    targets = np.array([[float(t) for t in TARGETS]])
    total = sum(_float(entry.term(sympy.Rational(t), sympy.Rational(o), n)) for o, t in zip(OUTPUTS, TARGETS))
    assert abs(entry.on_array(outs, targets, n, _Ops(False)) - total) < 1e-14
    if entry.gradient_on_array is None:
        assert name not in network_losses()
        return
    gradient = entry.gradient_on_array(outs, targets, n)
    for k, (o, t) in enumerate(zip(OUTPUTS, TARGETS)):
        reference = sympy.diff(entry.term(t_symbol, out_symbol, n), out_symbol)
        assert abs(gradient[0, k] - _float(reference.subs({t_symbol: sympy.Rational(t),
                                                            out_symbol: sympy.Rational(o)}))) < 1e-14


def test_the_sigmoid_shortcut_is_the_chain_rule() -> None:
    # dE/dz = dE/dout * out (1 - out): for cross-entropy on a sigmoid this is (out - t)/n
    entry = LOSSES["binary_cross_entropy"]
    outs, targets, n = np.array([[0.2, 0.55, 0.9]]), np.array([[0.0, 0.3, 1.0]]), 3
    chained = entry.gradient_on_array(outs, targets, n) * outs * (1 - outs)
    assert np.allclose(entry.sigmoid_delta(outs, targets, n), chained, rtol=1e-14, atol=0)


def test_unit_interval_facts() -> None:
    # S(z) = 1/(1 + e^-z) lies in (0, 1); tanh reaches -1 and relu and identity are unbounded
    assert unit_interval_activations() == ("sigmoid",)
    assert [name for name, entry in LOSSES.items() if entry.needs_unit_interval] == ["binary_cross_entropy",
                                                                                    "cross_entropy"]


def test_an_unknown_name_is_an_error_not_a_fall_back() -> None:
    ops = _Ops(False)
    with pytest.raises(UnknownFunction):
        activation("softsign")
    with pytest.raises(UnknownFunction):
        loss("hinge")
    with pytest.raises(UnknownFunction):
        ops.activate("softsign", np.zeros((1, 1)))
    with pytest.raises(UnknownFunction):
        ops.loss_gradient("hinge", np.zeros((1, 1)), np.zeros((1, 1)), 1, True)
    with pytest.raises(UnknownFunction):  # monitored only: nothing to train with
        ops.loss_gradient("mean_absolute_error", np.zeros((1, 1)), np.zeros((1, 1)), 1, False)
