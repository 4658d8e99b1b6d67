"""Scan, step 2: one line of text -> the statements and named values it states.

A statement is a chain of equalities or approximations (=, ≈, →) whose last
member is a number: `(2 * .6) + (9 * .3) = 7.5`, `h1 = x1*w1 + x2*w2 + b1 =
0.05*0.15 + 0.10*0.20 + 0.35 = 0.3775`.  The line is cut at its relation signs;
the piece before the first sign gives its longest arithmetic tail (`the sum h1`
gives `h1`), every piece between signs must be arithmetic as a whole, and the
piece after the last sign must begin with a plain number that no operator
continues.  `name = number` alone is a named value (`w5 = 0.40`), not a
statement; dates, versions, list numbers, ranges and units never have that
shape (`1,000` and `5%` are refused as stated numbers).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Iterable

from .. import budget
from ..records import record
from ..expr import expression as ex
from .latex import unmath
from .notation import SUPERSCRIPTS, normalize

__all__ = ["Member", "Found", "find", "RELATION", "parse_member", "stated_number"]

RELATION = re.compile(r"(?<![<>!=:])(?:=|≈|≃|→|\\approx|\\to)(?![=>])")
_STATED = re.compile(r"\s*([-+\u2212]?\s?(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|[-+\u2212]?\s?(?:∞|\\infty\b))")
# what may not follow a stated number: an operator continuing it, a unit glued to it (5kg, 5%), 1,000, 1.2.3
_CONTINUES = re.compile(r"\s*[-+*/^×·⋅÷\u2212\u2013]\s*[\w.(]|[\w%°$€£]|,\d|\.\d|\s*\^")
_POWER_OF_TEN = re.compile(r"\s*(?:[×x*·⋅]|\\times|\\cdot)\s*10\s*(?:\^\s*(?:\{\s*([-+\u2212]?[0-9]+)\s*\}"
                           r"|([-+\u2212]?[0-9]+)|\(\s*([-+\u2212]?[0-9]+)\s*\))|([⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+))")
_PERCENT = re.compile(r"\s?\\?%")  # 75%, 75 %, TeX's 75\%
_TAIL_STOP = re.compile(r"[^\w\s.+\-*/^()|σ\\×·⋅÷−–∙∗⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺⁽⁾ˣⁿᶻ∂\u0300-\u036f{},'\[\]]")  # ∂E/∂w, ŷ, TeX, max(0, x), σ'(x)
_MAX_PIECE = 500  # characters of one member (the expression language's own limit)
_OPENING = "([{=+-*/^×·⋅÷−–"  # what an argument-free "(" may follow
MAX_STARTS = 64  # word boundaries a chain's first member may start at (the nearest to its relation sign)
# words that begin prose, never a formula: `and -log(0) = ∞` is `-log(0) = ∞`
_STOP_WORDS = frozenset("an and as at be but by for from gives hence here in is it its of on or so that the then "
                        "thus to we where which while with yields".split())
_FIRST_WORD = re.compile(r"[A-Za-z]+\b")


@record
class Member:
    """One member of a chain: the text as written, its explicit form, and its tree."""

    text: str
    expression: str
    node: ex.Node
    start: int  # offset in the line


@record
class Found:
    """A chain ending in a stated number: a statement, or (one bare name) a named value."""

    members: tuple[Member, ...]
    stated: str  # the number as written ("∞" for an infinity, however written)
    stated_start: int
    start: int  # offset of the chain's first member in the line
    written: str = ""  # the stated number as the line writes it (6 × 10^-4, 75%), when that differs

    @property
    def name(self) -> str | None:
        """Return the name the chain assigns (h1 in h1 = ...), if its first member is a bare name."""
        first = self.members[0].node
        return first.id if isinstance(first, ex.Name) else None

    @property
    def is_value(self) -> bool:
        """Return True for `name = number`: a value the text gives, not arithmetic to check."""
        return len(self.members) == 1 and self.name is not None

    @property
    def is_statement(self) -> bool:
        """Return True when some member computes something (an operator or a function)."""
        return any(not isinstance(m.node, (ex.Number, ex.Name)) for m in self.members)


def parse_member(text: str, known: Iterable[str], where: str = "the text") -> tuple[str, ex.Node] | None:
    """A member's explicit text and tree, or None when it is not arithmetic (charged: about 1 us a character)."""
    if not text.strip() or len(text) > _MAX_PIECE:
        return None
    budget.charge(1 + len(text), "scan", where)
    explicit = normalize(text, known)
    if explicit is None:
        return None
    try:
        return explicit, ex.parse(explicit)
    except ex.ExpressionError:
        return None


def _prose_word(node: ex.Node, before: str) -> bool:
    """A lone lower-case English word after another word is prose (`neural network =`), not a name."""
    return (isinstance(node, ex.Name) and node.id.isalpha() and node.id.islower() and len(node.id) >= 4
            and bool(re.search(r"\w\s*$", before)))


def _tail(piece: str, offset: int, known: Iterable[str], where: str) -> Member | None:
    """The longest end of `piece` that is arithmetic, starting at a word boundary (one of the last MAX_STARTS)."""
    stops = list(_TAIL_STOP.finditer(piece))
    begin = stops[-1].end() if stops else 0
    begin = max(begin, len(piece) - _MAX_PIECE)
    starts = [start for start in range(begin, len(piece)) if not (
        piece[start].isspace() or (start > begin and not piece[start - 1].isspace()
                                   and (piece[start - 1].isalnum() or piece[start - 1] in "._'"))
        or (piece[start] == "(" and start > 0 and not piece[start - 1].isspace()
            and piece[start - 1] not in _OPENING))]  # f(x), ƒ(x): the call, not its argument alone
    for start in starts[-MAX_STARTS:]:
        word = _FIRST_WORD.match(piece, start)
        if word and word.group().lower() in _STOP_WORDS:
            continue
        parsed = parse_member(piece[start:], known, where)
        if parsed is not None:
            if _prose_word(parsed[1], piece[:start]):
                return None
            return Member(piece[start:].strip(), parsed[0], parsed[1], offset + start)
    return None


def stated_number(piece: str) -> tuple[str, int, int] | None:
    """The number a piece begins with, when nothing continues it into an expression: the number as handcalc
    reads it, where it starts and how long it is written.  Beside a plain number, `6 × 10^-4` (`6×10⁻⁴`,
    `6 \\times 10^{-4}`) is 6e-4 and `75%` is 0.75, each with the digits it is written with."""
    match = _STATED.match(piece)
    if match is None:
        return None
    number, end = match.group(1).replace("\u2212", "-").replace(" ", "").replace("\\infty", "∞"), match.end()
    power = _POWER_OF_TEN.match(piece, end) if "e" not in number.lower() and number[-1:].isdigit() else None
    if power is not None:
        exponent = power.group(1) or power.group(2) or power.group(3) or "".join(
            SUPERSCRIPTS[c] for c in power.group(4))
        number, end = f"{number}e{exponent.replace(chr(0x2212), '-')}", power.end()
    elif _PERCENT.match(piece, end):
        number, end = format(Decimal(number).scaleb(-2), "f"), _PERCENT.match(piece, end).end()  # type: ignore[union-attr]
    if _CONTINUES.match(piece, end):
        return None
    return number, match.start(1), end - match.start(1)


def _chains(line: str, known: Iterable[str], where: str) -> list[tuple[list[Member], str, int, int]]:
    """Cut the line at its relation signs into chains of members, each closed by a stated number."""
    cuts = [(m.start(), m.end()) for m in RELATION.finditer(line)]
    if not cuts:
        return []
    bounds = [0] + [p for cut in cuts for p in cut] + [len(line)]
    pieces = [(bounds[i], bounds[i + 1]) for i in range(0, len(bounds), 2)]
    chains: list[tuple[list[Member], str, int, int]] = []
    first = _tail(line[: pieces[0][1]], 0, known, where)
    current: list[Member] = [first] if first else []
    for index, (start, end) in enumerate(pieces[1:], start=1):
        piece = line[start:end]
        whole = parse_member(piece, known, where) if index < len(pieces) - 1 else None
        if whole is not None and not isinstance(whole[1], ex.Number):
            current.append(Member(piece.strip(), whole[0], whole[1], start + len(piece) - len(piece.lstrip())))
            continue
        stated = stated_number(piece)
        if current and stated is not None:
            chains.append((current, stated[0], start + stated[1], stated[2]))
            if whole is not None:  # a bare number in the middle closes one chain and opens the next
                current = [Member(piece.strip(), whole[0], whole[1], start + stated[1])]
                continue
        tail = _tail(piece, start, known, where) if index < len(pieces) - 1 else None
        current = [tail] if tail else []
    return chains


def find(line: str, known: Iterable[str] = (), where: str = "the text") -> list[Found]:
    """Return the chains of a line that end in a stated number, in order (`where`: the line, for the work
    budget, which each attempt to read a member as arithmetic is charged to)."""
    if not RELATION.search(line):
        return []
    from .vectors import list_chains  # vectors builds on this module

    line = unmath(line)
    known = frozenset(known)
    found = [Found(tuple(members), stated, at, members[0].start, line[at:at + length])
             for members, stated, at, length in _chains(line, known, where)]
    # `y = 5% more`: a percentage is a statement's result (3/4 = 75%), never a value the text gives
    found = [f for f in found if not (f.is_value and f.written.endswith("%"))]
    if "[" in line:
        found = sorted(found + list_chains(line, known, where), key=lambda f: f.stated_start)
    return found
