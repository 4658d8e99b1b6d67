"""The update rule of a training replay: plain SGD, momentum (classical or Nesterov), L2 weight decay.

`handcalc.floats.replay` computes each step's data gradient (delta x input,
layer by layer) and asks a `Rule` what to subtract from the weights.  The rule
reads every setting from the case's `Procedure`, so one object describes the
procedure for every replay (float64 and 40-digit alike):

- momentum mu: v = mu*v - eta*g, then w = w + v (v starts at 0); Nesterov's
  form takes g at the look-ahead weights w + mu*v (`Rule.point`);
- coupled weight decay lambda: the loss gains (lambda/2)*sum w^2, so g gains
  lambda*w (at the point g is taken) and the reported loss gains the penalty;
- decoupled weight decay: g is the data gradient alone, and the same step also
  subtracts eta*lambda*w (w before the step), outside the velocity.

Parameters are arrays of places (a layer's W and b); a parameter in several
places (a shared bias, a tied weight) moves by the sum of its places' steps
(`apply`), so its decay term is split evenly over its places.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from ..model import Network, Procedure

__all__ = ["Rule", "apply", "is_tied", "tie"]


def apply(network: Network, weights: list[np.ndarray], biases: list[np.ndarray],
          updates: list[tuple[int, np.ndarray, np.ndarray | None]], tied: bool) -> None:
    """Subtract the steps; a parameter used in several places (a shared bias) moves by the sum of its steps."""
    if not tied:
        for index, step_w, step_b in updates:
            weights[index] = weights[index] - step_w
            if step_b is not None:
                biases[index] = biases[index] - step_b
        return
    current = tie(network, weights, biases)
    total: dict[str, Any] = {}
    for index, step_w, step_b in updates:
        layer = network.layers[index]
        for j, row in enumerate(layer.weights):
            for i, name in enumerate(row):
                total[name] = total.get(name, 0) + step_w[j, i]
        if step_b is not None:
            for j, name in enumerate(layer.biases):
                total[name] = total.get(name, 0) + step_b[0, j]
    for index, layer in enumerate(network.layers):
        weights[index], biases[index] = weights[index].copy(), biases[index].copy()
        for j, row in enumerate(layer.weights):
            for i, name in enumerate(row):
                if name in total:
                    weights[index][j, i] = current[name] - total[name]
        for j, name in enumerate(layer.biases):
            if name in total:
                biases[index][0, j] = current[name] - total[name]


def is_tied(network: Network, proc: Procedure) -> bool:
    """Return True when some parameter that moves sits in more than one place (a shared bias, a tied weight)."""
    places = [name for layer in network.layers for row in layer.weights for name in row]
    if proc.update_biases:
        places += [name for layer in network.layers for name in layer.biases]
    return len(places) != len(set(places))


def tie(network: Network, weights: list[np.ndarray], biases: list[np.ndarray]) -> dict[str, Any]:
    """Read parameter values back by name (the copies of a shared parameter are kept equal)."""
    values: dict[str, Any] = {}
    for layer, w, b in zip(network.layers, weights, biases):
        for j, row in enumerate(layer.weights):
            for i, name in enumerate(row):
                values.setdefault(name, w[j, i])
        for j, name in enumerate(layer.biases):
            values.setdefault(name, b[0, j])
    return values


def _shares(network: Network, proc: Procedure, ops: Any) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Per place, the share of its parameter's decay term: 1/places where it decays, else 0."""
    decayed = set(proc.decays(network))
    places: dict[str, int] = {}
    for layer in network.layers:
        for name in [n for row in layer.weights for n in row] + (list(layer.biases) if proc.update_biases else []):
            places[name] = places.get(name, 0) + 1

    def share(name: str) -> Fraction:
        return Fraction(1, places[name]) if name in decayed else Fraction(0)

    weights = [ops.array([[share(name) for name in row] for row in layer.weights]) for layer in network.layers]
    biases = [ops.array([[share(b) if b else Fraction(0) for b in (layer.biases or ("",) * layer.size)]])
              for layer in network.layers]
    return weights, biases


class Rule:
    """One run's update rule and its state (the velocities), reading every setting from the procedure."""

    def __init__(self, network: Network, proc: Procedure, weights: list[np.ndarray], biases: list[np.ndarray],
                 eta: Any, ops: Any) -> None:
        self.network, self.proc, self.eta = network, proc, eta
        self.tied = is_tied(network, proc)
        self.mu = ops.number(proc.momentum) if proc.momentum else None
        self.decay = ops.number(proc.weight_decay) if proc.weight_decay else None
        self.shares = _shares(network, proc, ops) if self.decay is not None else None
        self.velocity: list[list[Any]] | None = None
        if self.mu is not None:
            self.velocity = [[w * 0 for w in weights], [b * 0 for b in biases]]

    def point(self, weights: list[np.ndarray], biases: list[np.ndarray]) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Return where the gradient is taken: the weights themselves, or Nesterov's look-ahead w + mu*v."""
        if not self.proc.nesterov or self.velocity is None:
            return weights, biases
        ahead_w, ahead_b = list(weights), list(biases)
        moves = self.proc.update_biases
        apply(self.network, ahead_w, ahead_b,
              [(i, self.velocity[0][i] * (-self.mu), self.velocity[1][i] * (-self.mu) if moves else None)
               for i in range(len(weights))], self.tied)
        return ahead_w, ahead_b

    def step(self, index: int, part: int, gradient: np.ndarray, now: np.ndarray, at: np.ndarray) -> np.ndarray:
        """Return what to subtract from layer `index`'s weights (`part` 0) or biases (1), given its data gradient.

        `now` holds the values before the step, `at` those the gradient was taken at (they differ under Nesterov).
        """
        if self.decay is not None and self.proc.decay_form == "coupled":
            gradient = gradient + at * self.shares[part][index] * self.decay
        if self.velocity is None:
            # array * eta, not eta * array: an mpmath eta would first try (and fail) to convert the whole array
            step = gradient * self.eta
        else:
            velocity = self.velocity[part][index] * self.mu - gradient * self.eta
            self.velocity[part][index] = velocity
            step = -velocity
        if self.decay is not None and self.proc.decay_form == "decoupled":
            step = step + now * self.shares[part][index] * (self.eta * self.decay)
        return step

    def penalty(self, weights: list[np.ndarray], biases: list[np.ndarray]) -> Any:
        """Return the loss's weight-decay term (lambda/2)*sum w^2 when decay is coupled, else None."""
        if not self.proc.coupled_decay:
            return None
        values = tie(self.network, weights, biases)
        return sum((values[name] * values[name] for name in self.proc.decays(self.network)), 0 * self.decay) \
            * self.decay / 2
