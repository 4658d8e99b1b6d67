"""Did-you-mean: the name a user most likely meant, for the one-line errors of the read stage.

A near miss is looked for in this order, the first found wins:

1. the same name written another way: case and separators aside (`ReLU` -> `relu`, `dE/dw7` or `DE-DW7`
   -> `dE_dw7`, `Out h1` -> `out_h1`);
2. the name with an index left off: `b1` -> `b1_1`, `out_h` -> `out_h1` when a name continues it after a `_`
   (or after a letter, a digit: the first in sorted order);
3. initials: `mse` -> `mean_squared_error`, `bce` -> `binary_cross_entropy` (a name of two words or more);
4. the closest spelling by difflib's ratio (`signoid` -> `sigmoid`).

Nothing here is a table of anyone's names: every rule reads only the names offered. For a `Names` set
the look-ups go through indexes built on the first look-up, so a set of 30,000 names answers each
look-up without comparing them all; a plain list (a handful of choices) is searched directly.
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections import Counter
from functools import cached_property
from typing import Any, Iterable

__all__ = ["Names", "suggest", "plain_form", "folded", "joined_ratio"]

MAX_LOOKED_UP = 60  # characters of a name worth looking up (a longer one is no typo of a name)
_OTHERS = re.compile(r"[^0-9a-z]+")  # after casefold: every run of anything else is one separator
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9_]*", re.ASCII)


def folded(name: str) -> str:
    """Return a name with case and separators aside: `dE/dw7` -> `de_dw7`, `Leaky-ReLU` -> `leaky_relu`."""
    return _OTHERS.sub("_", name.casefold()).strip("_")


def _initials(key: str) -> str:
    """Return the initials of a folded name of two words or more (`mean_squared_error` -> `mse`), else ''."""
    words = key.split("_")
    return "".join(word[0] for word in words) if len(words) >= 2 and all(words) else ""


def plain_form(value: str) -> str:
    """Return `value` as a plain name (`dE/dw7` -> `dE_dw7`), or '' when it has no such form or is one."""
    candidate = re.sub(r"[^A-Za-z0-9_]+", "_", value).strip("_")
    return candidate if candidate != value and _PLAIN.fullmatch(candidate) else ""


def joined_ratio(name: str, text: str) -> str:
    """Return `dE_dw7` when `text` writes `dE/dw7` for the unknown `name` `dE` (a derivative written as a
    ratio of two names, which the expression language reads as a division), else `name` itself."""
    match = re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}\s*/\s*([A-Za-z][A-Za-z0-9_]*)", text)
    return f"{name}_{match.group(1)}" if match else name


class _Aliases:
    """The names offered, indexed by their folded form, folded prefix order and initials."""

    def __init__(self, names: Iterable[str]) -> None:
        self.names = sorted(names)
        self.exact: dict[str, str] = {}
        self.initials: dict[str, str] = {}
        for name in self.names:
            key = folded(name)
            self.exact.setdefault(key, name)
            if _initials(key):
                self.initials.setdefault(_initials(key), name)
        self.ordered = sorted(self.exact)  # folded names, for the prefix look-up by bisection

    def find(self, value: str) -> str | None:
        """Return the name `value` most likely means by rules 1-3 of the module docstring, or None."""
        key = folded(value)
        if not key:
            return None
        if key in self.exact:
            return self.exact[key]
        # a name continuing `key` after a `_` (`b1_1`), or after a letter with a digit (`out_h1`), sorts at the
        # place `key_` or `key0` would: one bisection each
        for stem in (key + "_", key + "0" if key[-1].isalpha() else None):
            at = bisect.bisect_left(self.ordered, stem) if stem else len(self.ordered)
            if at < len(self.ordered) and self._continues(self.ordered[at], key, stem[-1] == "_"):
                return self.exact[self.ordered[at]]
        return self.initials.get(key)


    @staticmethod
    def _continues(other: str, key: str, underscore: bool) -> bool:
        """Return whether `other` is `key` followed by `_` (underscore) or by a digit."""
        rest = other[len(key):] if other.startswith(key) else ""
        return rest[:1] == "_" if underscore else rest[:1].isdigit()


def suggest(value: Any, choices: Iterable[str]) -> str:
    """Return a ' (did you mean ...?)' for a near miss among `choices`, or ''.

    A `Names` set is searched through its indexes, so the time does not grow with
    how many names it holds.
    """
    if not isinstance(value, str) or len(value) > MAX_LOOKED_UP:
        return ""
    aliases = choices.aliases if isinstance(choices, Names) else _Aliases(choices)
    alias = aliases.find(value)
    if alias is not None and alias != value:
        return f" (did you mean {alias!r}?)"
    pool = choices.near(value) if isinstance(choices, Names) else aliases.names
    close = difflib.get_close_matches(value, pool, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


class Names(frozenset):
    """A set of names with an index of their letter pairs, built on the first did-you-mean look-up.

    A look-up counts, over the names holding the look-up's RAREST letter pairs
    (a pair held by more than POSTING names is left out), how many of those
    pairs each name shares;
    of the WIDE best, the POOL sharing the most letters are compared in full.
    Its time does not grow with the set.
    """

    POOL = 200  # names a look-up compares in full (difflib)
    RAREST = 6  # letter pairs of the looked-up name whose names are counted
    POSTING = 20_000  # names holding a letter pair beyond which it is too common to count
    WIDE = 5_000  # names sharing the most pairs, ranked by the letters they share before the full comparison

    @cached_property
    def aliases(self) -> _Aliases:
        """The index of folded names, prefixes and initials (rules 1-3), built on the first look-up."""
        return _Aliases(self)

    @cached_property
    def _pairs(self) -> dict[str, list[str]]:
        index: dict[str, list[str]] = {}
        for name in sorted(self):
            for pair in {name[i:i + 2] for i in range(len(name) - 1)}:
                index.setdefault(pair, []).append(name)
        return index

    def near(self, value: str) -> list[str]:
        """Return at most POOL names sharing the most of `value`'s rarest letter pairs."""
        if len(self) <= self.POOL:
            return sorted(self)
        pairs = {value[i:i + 2] for i in range(len(value) - 1)}
        postings = sorted((self._pairs[pair] for pair in pairs if pair in self._pairs), key=len)[:self.RAREST]
        informative = [names for names in postings if len(names) <= self.POSTING]  # a common pair tells little
        shared: Counter[str] = Counter()
        for names in informative or [postings[0][:self.POSTING]] if postings else []:
            shared.update(names)
        matcher = difflib.SequenceMatcher(None, "", value)  # quick_ratio: the letters shared, in any order

        def closeness(name: str) -> float:
            matcher.set_seq1(name)
            return matcher.quick_ratio()

        wide = [name for name, _ in shared.most_common(self.WIDE)]
        return sorted(wide, key=closeness, reverse=True)[:self.POOL]
