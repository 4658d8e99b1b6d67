"""The line each key of a TOML text starts on, for the read stage's messages (best effort, never failing).

A key path names a value the way a message shows it: `network.layers[1].weights[0]`, `claims[3].stated`,
`parameters."odd key"`. `KeyLines` reads the text once, line by line, noting where each table header and
key starts and, inside an array written over several lines, where each element starts, so a problem with
`cases[0].inputs[3][1]` points at the row that holds it, not at `inputs = [`. Strings, comments and inline
tables inside an array are stepped over. The scan is one pass over the text's characters.
"""

from __future__ import annotations

import json
import re

__all__ = ["KeyLines"]

_KEY_PART = re.compile(r'\.?(?:"((?:[^"\\]|\\.)*)"|([^.\[\]"]+))|\[(\d+)\]')
_BARE = r'[A-Za-z0-9_-]+|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\''
_DOTTED = re.compile(rf"\s*((?:{_BARE})(?:\s*\.\s*(?:{_BARE}))*)\s*")
_HEADER = re.compile(rf"\s*(\[\[?)\s*((?:{_BARE})(?:\s*\.\s*(?:{_BARE}))*)\s*\]")


def _parts(dotted: str) -> tuple[str, ...]:
    """Split a TOML dotted key (`a."b.c".d`) into its keys."""
    parts = []
    for match in re.finditer(_BARE, dotted):
        text = match.group()
        if text[0] == '"':
            try:
                text = json.loads(text)
            except ValueError:
                text = text[1:-1]
        elif text[0] == "'":
            text = text[1:-1]
        parts.append(text)
    return tuple(parts)


class KeyLines:
    """The line each table header and key of a TOML text starts on."""

    def __init__(self, text: str) -> None:
        self.lines: dict[tuple[str | int, ...], int] = {}
        counts: dict[tuple[str | int, ...], int] = {}
        table: tuple[str | int, ...] = ()
        closing = ""
        rows = text.splitlines()
        row = 0
        while row < len(rows):
            line, number = rows[row], row + 1
            row += 1
            if closing:  # inside a multi-line string
                if line.count(closing) % 2:
                    closing = ""
                continue
            header = _HEADER.match(line)
            if header:
                table = self._resolve(_parts(header.group(2)), counts)
                if header.group(1) == "[[":
                    counts[table] = counts.get(table, -1) + 1
                    table += (counts[table],)
                self.lines.setdefault(table, number)
                continue
            key = _DOTTED.match(line)
            if key and line[key.end():key.end() + 1] == "=":
                path = table + _parts(key.group(1))
                self.lines.setdefault(path, number)
                rest = line[key.end() + 1:]
                if rest.lstrip().startswith("["):  # an array, maybe over several lines: each element's own line
                    elements, last = _elements(rows, number - 1, len(line) - len(rest.lstrip()), path)
                    for element, at in elements.items():
                        self.lines.setdefault(element, at)
                    row = max(row, last + 1)
                    continue
                for quotes in ('"""', "'''"):
                    if rest.count(quotes) % 2:
                        closing = quotes

    @staticmethod
    def _resolve(parts: tuple[str, ...], counts: dict[tuple[str | int, ...], int]) -> tuple[str | int, ...]:
        """Add the index of the last table of each array of tables the path goes through."""
        resolved: tuple[str | int, ...] = ()
        for part in parts[:-1]:
            resolved += (part,)
            if resolved in counts:
                resolved += (counts[resolved],)
        return resolved + parts[-1:]

    def line(self, key: str) -> int | None:
        """Return the line of a key path, or of the nearest enclosing key that has one."""
        parts: list[str | int] = []
        for match in _KEY_PART.finditer(key):
            quoted, bare, index = match.groups()
            if index is not None:
                parts.append(int(index))
            else:
                parts.append(bare if bare is not None else quoted)
        while parts:
            for found in (tuple(parts), (*parts, 0)):  # (*parts, 0): the first table of an array of tables
                if found in self.lines:
                    return self.lines[found]
            last = parts[-1]
            if isinstance(last, str) and last.endswith("..."):  # a name `join_key` shortened
                for found, line in self.lines.items():
                    if found[:-1] == tuple(parts[:-1]) and str(found[-1]).startswith(last[:-3]):
                        return line
            parts.pop()
        return None


def _string_end(rows: list[str], row: int, column: int) -> tuple[int, int]:
    """Return the (row, column) just after the TOML string that opens at rows[row][column]."""
    quote = rows[row][column]
    triple = rows[row][column:column + 3] == quote * 3
    if triple:
        for at in range(row, len(rows)):
            end = rows[at].find(quote * 3, column + 3 if at == row else 0)
            if end >= 0:
                return at, end + 3
        return len(rows), 0
    line, at = rows[row], column + 1
    while at < len(line) and line[at] != quote:
        at += 2 if quote == '"' and line[at] == "\\" else 1
    return row, at + 1


def _elements(rows: list[str], row: int, column: int, path: tuple[str | int, ...]
              ) -> tuple[dict[tuple[str | int, ...], int], int]:
    """Return the line of each element of the array opening at rows[row][column], and the row it closes on."""
    found: dict[tuple[str | int, ...], int] = {}
    indexes: list[int] = []  # the index of the latest element at each open level
    waiting, braces = False, 0  # waiting: the next value starts an element; braces: inside an inline table
    while row < len(rows):
        line = rows[row]
        while column < len(line):
            char = line[column]
            if char == "#":
                break
            if waiting and not braces and not char.isspace() and char not in ",]":  # an element starts here
                indexes[-1] += 1
                found.setdefault(path + tuple(indexes), row + 1)
                waiting = False
            if char in "\"'":
                row, column = _string_end(rows, row, column)
                line = rows[row] if row < len(rows) else ""
                continue
            if braces or char == "{":
                braces += {"{": 1, "}": -1}.get(char, 0)
            elif char == "[":
                indexes.append(-1)
                waiting = True
            elif char == "]":
                if indexes:
                    indexes.pop()
                waiting = False
                if not indexes:
                    return found, row
            elif char == ",":
                waiting = True
            column += 1
        row, column = row + 1, 0
    return found, row
