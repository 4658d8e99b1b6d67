"""Scan: the pipeline, text -> lines -> statements -> verdicts, within the limits.

    result = scan_source(open("post.md").read(), "post.md", "markdown")
    result.statements[0].verdict.verdict    # "correct", "rounding", "propagated", "wrong" or "unchecked"

The limits are those of a worked-example file: its size (MAX_SCAN_BYTES), its
number of statements (MAX_STATEMENTS, as MAX_CLAIMS), each member's size (the
expression language's MAX_LENGTH and depth), and the time a scan may take
(MAX_SCAN_SECONDS) and the run's work budget (`handcalc.budget`, charged per
line read and per statement judged); beyond any of them the scan stops with
one clear error.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import field

from ..records import record
from .. import budget
from ..judge.verdicts import VERDICTS
from ..read.limits import MAX_CLAIMS
from ..read.reader import InputError
from .judging import Binding, Checked, Judge
from .source import Line, Locator, lines_of
from .statements import RELATION, Found, find

__all__ = ["ScanResult", "scan_source", "MAX_STATEMENTS", "MAX_SCAN_SECONDS"]

MAX_STATEMENTS = MAX_CLAIMS  # statements judged in one text
MAX_SCAN_SECONDS = 60.0  # a scan that takes longer stops with an error
STATEMENT_COST = 2_000  # work units (~microseconds) of judging one statement, its slip search apart
_NUMBER = re.compile(r"(?<![\w.])(?:[0-9]+\.[0-9]+|\.[0-9]+|[0-9]{1,4})(?![\w.]*[0-9])")


@record
class ScanResult:
    """Every statement a text makes, judged, with the values it gives plainly."""

    name: str  # the file's name, or "-" for standard input
    fmt: str
    source: str
    statements: tuple[Checked, ...]
    values: tuple[Binding, ...]  # named values picked up (w5 = 0.40), in order
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)  # statement id -> its stated number's offsets
    code: bool = False

    @property
    def summary(self) -> dict[str, int]:
        """Return how many statements got each verdict."""
        counts = Counter(s.verdict.verdict for s in self.statements)
        return {name: counts.get(name, 0) for name in VERDICTS}

    @property
    def exit_code(self) -> int:
        """Return 1 when any statement is wrong or propagated, else 0 (as `handcalc check`)."""
        summary = self.summary
        return 1 if summary["wrong"] + summary["propagated"] else 0


def _numbers(lines: list[Line]) -> dict[int, tuple[str, ...]]:
    """The numbers written on each line (by position when the line number is unknown)."""
    return {(line.line if line.line is not None else -index): tuple(_NUMBER.findall(line.text))
            for index, line in enumerate(lines, start=1)}


class _Ids:
    """Statement ids from their line: L12, then L12.2 for a second statement on it."""

    def __init__(self) -> None:
        self.used: Counter[int] = Counter()

    def next(self, line: int) -> str:
        self.used[line] += 1
        return f"L{line}" if self.used[line] == 1 else f"L{line}.{self.used[line]}"


def scan_source(source: str, name: str = "-", fmt: str = "text", code: bool = False,
                seconds: float = MAX_SCAN_SECONDS) -> ScanResult:
    """Return every statement of a text with its verdict (InputError beyond a limit)."""
    deadline = time.monotonic() + seconds
    lines = lines_of(source, fmt, code)
    judge, locator, ids = Judge(_numbers(lines)), Locator(source), _Ids()
    statements: list[Checked] = []
    values: list[Binding] = []
    spans: dict[str, tuple[int, int]] = {}
    for index, line in enumerate(lines):
        budget.charge(1 + len(line.text) // 4, "scan", f"{name} line {line.line or index + 1}")
        waiting: list[tuple[int, int, Found, tuple[str, int, int, str]]] = []  # short of a value given later
        for found in find(line.text, judge.bindings.keys(), f"{name} line {line.line or index + 1}"):
            if not (found.is_value or found.is_statement):
                continue
            first = found.members[0].text
            if first not in line.text:  # an element of a list chain: the list as written
                first = RELATION.split(line.text[found.start:], maxsplit=1)[0].strip()
            written = found.written or found.stated
            number, column, start, end = locator.find(first, written, line.line)
            if found.is_value:
                binding = judge.value(found, number)
                values.extend([binding] if binding else [])
                continue
            if len(statements) >= MAX_STATEMENTS:
                raise InputError(f"{name}: more than MAX_STATEMENTS = {MAX_STATEMENTS:,} statements")
            if time.monotonic() > deadline:
                raise InputError(f"{name}: the scan took longer than MAX_SCAN_SECONDS = {seconds:g} s "
                                 f"(stopped at line {number})")
            statement_id = ids.next(number)
            budget.charge(STATEMENT_COST, "scan", f"{name} statement {statement_id}")
            text = line.text[found.start: found.stated_start + len(written)].strip()
            statements.append(judge.judge(found, statement_id, number, column, text))
            if statements[-1].verdict.verdict == "unchecked" and statements[-1].exact is None:
                waiting.append((len(statements) - 1, len(values), found, (statement_id, number, column, text)))
            if start >= 0:
                spans[statement_id] = (start, end)
        for position, bound, found, where in waiting:  # `σ(z) = 1/(1 + e^-z) = 0.5 at z = 0`: z came later
            if len(values) > bound:
                statements[position] = judge.again(statements[position], found, *where)
    return ScanResult(name, fmt, source, tuple(statements), tuple(values), spans, code)
