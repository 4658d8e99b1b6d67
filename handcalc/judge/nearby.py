"""The numbers a slip could plausibly have taken: those written near the ones a claim uses.

A misread number is one the writer had in front of them: a neighbour in the
same row of inputs, the same layer's weights, or a number the text stated
shortly before.  So the slip search tries, for a claim, only the given
numbers within `NEARBY` places (in the file's order) of a number or name the
claim uses, and the text's `RECENT` latest stated numbers; never every number
of the case, which for a case of 100,000 inputs would mean hours of search.

The index is built once per case, in time linear in its numbers.
"""

from __future__ import annotations

from typing import Iterable, Mapping

from decimal import Decimal, InvalidOperation

from .. import budget

__all__ = ["NEARBY", "RECENT", "NearbyNumbers"]

NEARBY = 8  # given numbers on either side (in the file's order) of each number a claim uses
RECENT = 20  # the text's latest stated numbers


class NearbyNumbers:
    """The given numbers of a case, indexed by name and by value, in the file's order."""

    def __init__(self, texts: Mapping[str, str], case: str) -> None:
        budget.charge(len(texts), "the slip search's index", f"case {case}")
        self.names = list(texts)
        self.texts = texts
        self.position = {name: i for i, name in enumerate(self.names)}
        self.by_value: dict[object, list[str]] = {}
        for name, text in texts.items():
            self.by_value.setdefault(_key(text), []).append(name)

    def around(self, names: Iterable[str] = (), numbers: Iterable[str] = ()) -> dict[str, str]:
        """Return {name: text} of the given numbers near the named ones and near those equal to `numbers`."""
        used = [n for n in names if n in self.position]
        for text in numbers:
            used += self.by_value.get(_key(text), [])[:NEARBY]
        picked: dict[str, str] = {}
        for name in used:
            i = self.position[name]
            for other in self.names[max(0, i - NEARBY):i + NEARBY + 1]:
                picked[other] = self.texts[other]
        return picked


def _key(text: str) -> object:
    """The value of a number's text, as a key ("0.50" and ".5" are one); cheap, for indexing every number."""
    try:
        return Decimal(text.strip().replace("_", "")).normalize()
    except InvalidOperation:
        return text
