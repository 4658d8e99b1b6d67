"""Where a diagram's edge labels go: a small search that keeps them clear of each other.

Each label may sit at one of `FRACTIONS` of the way along its edge; the search
minimises overlap with other labels, nodes and arrowheads first, then the
length of other edges running under a label. Geometry is in inches.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..records import record

__all__ = ["Box", "Node", "Edge", "FRACTIONS", "place_labels"]

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in inches
FRACTIONS = tuple(round(0.12 + 0.04 * k, 2) for k in range(20))  # where along its edge a label may sit


@record
class Node:
    """A box (neuron, input) or circle (bias) with its text, centred at x, y."""

    text: str
    kind: str  # input, hidden, output, bias
    x: float
    y: float
    width: float
    height: float

    @property
    def box(self) -> Box:
        """Return the node's extent."""
        return (self.x - self.width / 2, self.y - self.height / 2, self.x + self.width / 2, self.y + self.height / 2)


@dataclass
class Edge:
    """A connection and its label; `fraction` is where along it the label's centre sits."""

    start: tuple[float, float]
    end: tuple[float, float]
    source: str  # edges leaving the same node get labels at different fractions
    group: int  # the layer it feeds: labels only compete with labels of their own group
    color: str
    dashed: bool = False
    label: str = ""
    size: tuple[float, float] = (0.0, 0.0)  # the label's width and height
    fraction: float = 0.5

    def label_box(self, fraction: float | None = None) -> Box:
        """Return the label's extent at `fraction` (default: its own) of the way along the edge."""
        t = self.fraction if fraction is None else fraction
        x = self.start[0] + t * (self.end[0] - self.start[0])
        y = self.start[1] + t * (self.end[1] - self.start[1])
        return (x - self.size[0] / 2, y - self.size[1] / 2, x + self.size[0] / 2, y + self.size[1] / 2)


def _areas(boxes: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Return the overlapping area of every box (..., 4) with every other box (N, 4): shape (..., N)."""
    a, b = boxes[..., None, :], others
    width = np.minimum(a[..., 2], b[:, 2]) - np.maximum(a[..., 0], b[:, 0])
    height = np.minimum(a[..., 3], b[:, 3]) - np.maximum(a[..., 1], b[:, 1])
    return np.clip(width, 0, None) * np.clip(height, 0, None)


def _inside_lengths(boxes: np.ndarray, segments: np.ndarray) -> np.ndarray:
    """Return the length of every segment (N, 4) inside every box (..., 4): shape (..., N) (Liang-Barsky)."""
    box = boxes[..., None, :]
    x0, y0, x1, y1 = segments.T
    dx, dy = x1 - x0, y1 - y0
    low = np.zeros(box.shape[:-2] + (len(segments),))
    high = np.ones_like(low)
    for p, q in ((-dx, x0 - box[..., 0]), (dx, box[..., 2] - x0), (-dy, y0 - box[..., 1]), (dy, box[..., 3] - y0)):
        p = np.broadcast_to(p, low.shape)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = q / p
        low = np.where(p < 0, np.maximum(low, ratio), low)
        high = np.where(p > 0, np.minimum(high, ratio), high)
        high = np.where((p == 0) & (q < 0), -1.0, high)
    return np.clip(high - low, 0, None) * np.hypot(dx, dy)


def _penalty(area: np.ndarray) -> np.ndarray:
    """Any overlap costs far more than edges running under a label; a larger one more still."""
    return np.where(area > 0, 50 + 1000 * area, 0.0)


def place_labels(edges: list[Edge], obstacles: list[Box], margin: float = 0.05) -> tuple[float, float]:
    """Set each labelled edge's fraction; return the overlapping area left (0: every label stands clear)
    and the length of other edges running under the labels.

    A greedy pass, then sweeps that move one label at a time to its cheapest
    fraction until none moves. Cost: area overlapping other labels, nodes and
    arrowheads, far above the length of other edges running under the label;
    labels of edges leaving the same node never share a fraction.
    """
    fractions = np.array(FRACTIONS)
    heads = [(e.end[0] - 0.12, e.end[1] - 0.06, e.end[0] + 0.02, e.end[1] + 0.06) for e in edges]
    blocked = np.array(obstacles + heads).reshape(-1, 4)
    left = under_all = 0.0
    for group in sorted({edge.group for edge in edges}):
        lines = [edge for edge in edges if edge.group == group]
        labelled = [edge for edge in lines if edge.label]
        if not labelled:
            continue
        count, choices = len(labelled), len(fractions)
        start = np.array([edge.start for edge in labelled])
        end = np.array([edge.end for edge in labelled])
        half = np.array([edge.size for edge in labelled])[:, None, :] / 2
        centres = start[:, None, :] + fractions[None, :, None] * (end - start)[:, None, :]
        boxes = np.concatenate([centres - half, centres + half], axis=-1)  # (label, fraction, 4)
        padded = boxes + np.array([-margin, -margin, margin, margin])
        fixed = _areas(padded, blocked).sum(-1)  # overlap with nodes, notes and arrowheads
        segments = np.array([edge.start + edge.end for edge in lines])
        own = np.array([[line is edge for line in lines] for edge in labelled])
        under = np.where(own[:, None, :], 0.0, _inside_lengths(boxes, segments)).sum(-1)
        crowd = _areas(padded, boxes.reshape(-1, 4)).reshape(count, choices, count, choices)
        crowd[np.arange(count), :, np.arange(count), :] = 0.0
        pair = _penalty(crowd)
        for i, edge in enumerate(labelled):
            for j, other in enumerate(labelled):
                if i != j and edge.source == other.source:
                    pair[i, np.arange(choices), j, np.arange(choices)] += 1000
        static = _penalty(fixed) + under + np.abs(fractions - 0.5) * 0.01
        chosen = np.full(count, -1)

        def costs(i: int) -> np.ndarray:
            others = np.flatnonzero(chosen >= 0)
            return static[i] + pair[i][:, others, chosen[others]].sum(axis=1)

        for i in range(count):
            chosen[i] = int(np.argmin(costs(i)))
        for _ in range(20):
            moved = False
            for i in range(count):
                cost = costs(i)
                best = int(np.argmin(cost))
                if cost[best] < cost[chosen[i]] - 1e-9:
                    chosen[i], moved = best, True
            if not moved:
                break
        for i, edge in enumerate(labelled):
            edge.fraction = float(fractions[chosen[i]])
        picked = np.arange(count), chosen
        left += fixed[picked].sum() + crowd[picked][:, np.arange(count), chosen].sum()
        under_all += under[picked].sum()
    return float(left), float(under_all)


