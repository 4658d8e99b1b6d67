"""Scan, step 2b: a chain of lists -> one statement per element.

Softmax and its gradient are written on vectors: `softmax([2.0, 1.0, 0.1]) =
[0.659, 0.242, 0.099]`, `p - y = [0.659 - 1, 0.242, 0.099] = [-0.341, 0.242,
0.099]`.  A chain whose last member is a list of plain numbers is read element
by element: each earlier member that is a list of as many expressions gives
its element, one that is `softmax(list)` gives exp(a_i) / (exp(a_1) + ... +
exp(a_k)), and one that is an activation, exp or log of a list gives that
function of the element.  The chain starts at the first member that is none of
these (`p - y` names a vector handcalc has no value for, so it starts after
it).  Element i of the chain is then a statement like any other, stating the
i-th number; an element whose members are all plain numbers states nothing.
"""

from __future__ import annotations

import re
from typing import Iterable

from .calls import split_arguments
from .statements import RELATION, Found, Member, parse_member, stated_number

__all__ = ["list_chains", "MAX_ELEMENTS"]

MAX_ELEMENTS = 100  # elements of one list read as statements (a longer list is not read)
_ELEMENTWISE = {"sigmoid", "σ", "S", "tanh", "relu", "ReLU", "exp", "log", "ln"}
_LIST = re.compile(r"(?:(softmax|[A-Za-zσ]+)\s*\(\s*)?\[([^\[\]]*)\]\s*(?(1)\))")
_TAIL_LIST = re.compile(_LIST.pattern + r"\s*$")


def _elements(match: re.Match, size: int) -> list[str] | None:
    """A member's k element texts: a list of k expressions, softmax of k, or a function of each; else None."""
    func, parts = match.group(1), [p.strip() for p in split_arguments(match.group(2))]
    if len(parts) != size or not all(parts):
        return None
    if func is None:
        return parts
    if func == "softmax":
        total = " + ".join(f"exp({p})" for p in parts)
        return [f"exp({p})/({total})" for p in parts]
    return [f"{func}({p})" for p in parts] if func in _ELEMENTWISE else None


def _stated_list(piece: str) -> list[tuple[str, int, int]] | None:
    """The plain numbers of a piece that is a list of them, with their offsets in the piece."""
    match = re.match(r"\s*\[([^\[\]]*)\]", piece)
    if match is None or re.match(r"\s*[-+*/^×·(\w]", piece[match.end():]):
        return None
    found, offset = [], match.start(1)
    for part in split_arguments(match.group(1)):
        number = stated_number(part)
        if number is None or part[number[1] + number[2]:].strip() not in ("", "…", "..."):
            return None
        found.append((number[0], offset + number[1], number[2]))
        offset += len(part) + 1
    return found if 0 < len(found) <= MAX_ELEMENTS else None


def list_chains(line: str, known: Iterable[str], where: str = "the text") -> list[Found]:
    """Every element statement of the line's list chains, in order."""
    cuts = [(m.start(), m.end()) for m in RELATION.finditer(line)]
    bounds = [0] + [p for cut in cuts for p in cut] + [len(line)]
    pieces = [(bounds[i], bounds[i + 1]) for i in range(0, len(bounds), 2)]
    found: list[Found] = []
    for index in range(1, len(pieces)):
        start, end = pieces[index]
        stated = _stated_list(line[start:end])
        if stated is None:
            continue
        members: list[tuple[list[str], str, int]] = []  # element texts, the member as written, its offset
        for back in range(index - 1, -1, -1):
            begin, stop = pieces[back]
            text = line[begin:stop]
            if _stated_list(text) is not None:
                break  # a list of plain numbers closes the chain before: this one starts after it
            match = (_TAIL_LIST.search if back == 0 else _LIST.fullmatch)(text.strip() if back else text)
            elements = _elements(match, len(stated)) if match else None
            if elements is None:
                break
            written = match.group().strip()
            members.insert(0, (elements, written, begin + text.find(written)))
        piece = line[start:end]
        written = [(number, at, piece[at:at + length]) for number, at, length in stated]
        found += _statements(members, written, start, known, where)
    return found


def _statements(members: list[tuple[list[str], str, int]], stated: list[tuple[str, int, str]], offset: int,
                known: Iterable[str], where: str) -> list[Found]:
    """One Found per element that some member computes."""
    result = []
    for i, (number, at, written_number) in enumerate(stated):
        parsed: list[Member] = []
        for elements, written, where in members:
            member = parse_member(elements[i], known, where)
            if member is None:
                parsed = []  # an element that is not arithmetic: this element states nothing
                break
            parsed.append(Member(f"{written}[{i + 1}]" if elements[i] not in written else elements[i],
                                 member[0], member[1], where))
        if parsed:
            result.append(Found(tuple(parsed), number, offset + at, parsed[0].start, written_number))
    return result

