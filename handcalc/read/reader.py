"""Problems with an input, each with where it is: file, key path, line.

A key path names a value the way a reader would look for it:
`network.layers[1].weights[0]`, `claims[3].stated`, `parameters."odd key"`.
`KeyLines` (keylines.py) finds the line a key path starts on (best effort, never failing),
and `Reader` reads a parsed TOML document value by value, recording a
`Problem` for each thing wrong instead of stopping at the first.
"""

from __future__ import annotations

import json
import re
from typing import Any, Iterable

from ..records import record
from .keylines import KeyLines
from .spelling import Names, plain_form, suggest

__all__ = ["InputError", "Names", "Problem", "shown_path", "KeyLines", "Reader", "shown", "suggest", "kind_of", "join_key",
           "IDENTIFIER", "MAX_NAME_LENGTH"]

IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]*", re.ASCII)  # use with fullmatch
MAX_NAME_LENGTH = 64  # characters of a name (neuron, weight, case, quantity)
MAX_SHOWN = 60  # characters of a user's text quoted in a message
MAX_SHOWN_PATH = 200  # characters of a path or argument quoted in a message
MAX_PROBLEMS = 50  # problems listed for one file; the rest are counted


@record
class Problem:
    """One thing wrong with an input file."""

    path: str
    key: str
    message: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = self.path
        if self.line:
            where += f":{self.line}" + (f":{self.column}" if self.column else "")
        key = f" [{self.key}]" if self.key else ""
        return f"{where}:{key} {self.message}"


class InputError(Exception):
    """Bad usage or a bad input file; the CLI prints it and exits with code 2."""

    def __init__(self, problems: list[Problem] | str) -> None:
        if isinstance(problems, str):
            problems = [Problem("", "", problems)]
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p).lstrip(": ") for p in self.problems))


def shown(value: Any) -> str:
    """Return a value as a message quotes it: repr, cut to a readable length."""
    if isinstance(value, int) and value.bit_length() > 1000:
        return "a very large integer"
    text = repr(value) if isinstance(value, (str, bool, int)) or value is None else kind_of(value)
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN - 5] + "...'"


def shown_path(text: str) -> str:
    """Return a path or argument as a message quotes it: unquoted, control characters escaped, cut in the middle."""
    text = str(text)
    if not text.isprintable():
        text = repr(text)[1:-1]
    keep = (MAX_SHOWN_PATH - 3) // 3  # a path's end names the file: keep a third of the start, the rest of the end
    return text if len(text) <= MAX_SHOWN_PATH else text[:keep] + "..." + text[-(MAX_SHOWN_PATH - 3 - keep):]


def kind_of(value: Any) -> str:
    """Return what a TOML value is, in words: 'a boolean', 'a list', ..."""
    kinds = {bool: "a boolean", int: "an integer", str: "a string", list: "a list", dict: "a table",
             type(None): "nothing"}
    return kinds.get(type(value), "a date or time" if hasattr(value, "isoformat") else type(value).__name__)


def join_key(key: str, name: str | int) -> str:
    """Return key path `key` extended by a table key or a list index."""
    if isinstance(name, int):
        return f"{key}[{name}]"
    if len(name) > MAX_SHOWN:
        name = name[:MAX_SHOWN - 3] + "..."
    part = name if IDENTIFIER.fullmatch(name) else json.dumps(name)
    return f"{key}.{part}" if key else part


class Reader:
    """Reads one file's parsed TOML, collecting every problem with its key path and line."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.source = text
        self.problems: list[Problem] = []
        self.more = 0  # problems found beyond MAX_PROBLEMS
        self.spent = 0  # the file's hand calculations so far, as `limits.derivation_size` measures them
        self._lines: KeyLines | None = None

    @property
    def count(self) -> int:
        """Return how many problems have been found so far."""
        return len(self.problems) + self.more

    @property
    def full(self) -> bool:
        """Return True once MAX_PROBLEMS problems are recorded (callers may stop looking)."""
        return len(self.problems) >= MAX_PROBLEMS

    def problem(self, key: str, message: str, near: tuple[Any, Iterable[str]] | None = None) -> None:
        """Record a problem at key path `key`; `near` = (value, choices) adds a did-you-mean, only if recorded."""
        if self.full:
            self.more += 1
            return
        if near is not None:
            message += suggest(*near)
        if self._lines is None:
            self._lines = KeyLines(self.source)
        self.problems.append(Problem(self.path, key, message, self._lines.line(key)))

    def fail(self) -> InputError:
        """Return the error listing every problem recorded."""
        more = [Problem(self.path, "", f"... and {self.more} more problems")] if self.more else []
        return InputError(sorted(self.problems, key=lambda p: p.line or 0) + more)

    def table(self, data: Any, key: str, required: bool = True, known: Iterable[str] = ()) -> dict[str, Any]:
        """Return a table (or {} after recording why it is not one); flag keys not in `known`."""
        if data is None:
            if required:
                self.problem(key, "is missing: expected a table")
            return {}
        if not isinstance(data, dict):
            self.problem(key, f"expected a table, found {kind_of(data)}")
            return {}
        if known:
            allowed = tuple(known)
            for name in data:
                if name not in allowed and self.full:
                    self.more += 1
                elif name not in allowed:
                    self.problem(join_key(key, name), f"unknown key {shown(name)}{suggest(name, allowed)}: "
                                 f"expected one of {', '.join(allowed)}")
        return data

    def text(self, data: dict[str, Any], name: str, key: str, default: str | None = None) -> str:
        """Return the string at data[name], or '' after recording why it is not one."""
        value = data.get(name, default)
        if value is None:
            self.problem(join_key(key, name), "is missing: expected a string")
            return ""
        if not isinstance(value, str):
            self.problem(join_key(key, name), f"expected a string, found {kind_of(value)}")
            return ""
        return value

    def choice(self, value: Any, key: str, choices: Iterable[str], what: str) -> str | None:
        """Return `value` if it is one of `choices`, else record a problem (with a suggestion) and return None."""
        allowed = tuple(choices)
        if isinstance(value, str) and value in allowed:
            return value
        if not isinstance(value, str):
            self.problem(key, f"expected {what}, one of {', '.join(allowed)}; found {kind_of(value)}")
        else:
            self.problem(key, f"unknown {what} {shown(value)}: expected one of {', '.join(allowed)}"
                         f"{suggest(value, allowed)}")
        return None

    def flag(self, data: dict[str, Any], name: str, key: str, default: bool) -> bool:
        """Return a true/false setting."""
        value = data.get(name, default)
        if not isinstance(value, bool):
            self.problem(join_key(key, name), f"expected true or false, found {kind_of(value)}")
            return default
        return value

    def whole(self, value: Any, key: str, low: int, high: int, what: str) -> int | None:
        """Return an integer in [low, high], or None after recording why it is not one."""
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(key, f"expected {what} (a whole number from {low:,} to {high:,}), found {kind_of(value)}")
            return None
        if not low <= value <= high:
            self.problem(key, f"expected {what} from {low:,} to {high:,}, found {value:,}"
                         if abs(value) < 10**30 else f"expected {what} from {low:,} to {high:,}")
            return None
        return value

    def identifier(self, value: Any, key: str) -> str:
        """Return a plain name (letters, digits, _; a letter first), or '_invalid' after recording why not."""
        if not isinstance(value, str):
            self.problem(key, f"expected a name, found {kind_of(value)}")
        elif len(value) > MAX_NAME_LENGTH:
            self.problem(key, f"a name has at most {MAX_NAME_LENGTH} characters, found {len(value)}")
        elif not IDENTIFIER.fullmatch(value):
            plain = plain_form(value)
            self.problem(key, f"{shown(value)} is not a plain name (letters, digits and _, starting with a letter)"
                         + (f" (did you mean {plain!r}?)" if plain else ""))
        else:
            return value
        return "_invalid"

    def names(self, value: Any, key: str, count: int | None = None) -> tuple[str, ...]:
        """Return a list of plain names, `count` of them when given."""
        if not isinstance(value, list):
            self.problem(key, f"expected a list of names, found {kind_of(value)}")
            return ()
        if count is not None and len(value) != count:
            self.problem(key, f"expected {count} names, found {len(value)}")
            return ()
        return tuple(self.identifier(item, join_key(key, i)) for i, item in enumerate(value))

    def number(self, value: Any, key: str) -> str:
        """Return a number's decimal text (exactly as written), or '0' after recording why it is not one."""
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            self.problem(key, f"expected a number, found {kind_of(value)}")
            return "0"
        from ..numbers import MAX_NUMBER_CHARS, NumberError, parse_fraction

        if isinstance(value, int) and value.bit_length() > 4 * MAX_NUMBER_CHARS:  # (str() refuses huge ints)
            self.problem(key, f"expected a finite decimal number: an integer of more than {MAX_NUMBER_CHARS} digits")
            return "0"
        text = str(value).strip()
        try:
            parse_fraction(text)
        except NumberError as error:
            self.problem(key, f"expected a finite decimal number: {error}")
            return "0"
        return text

    def matrix(self, value: Any, key: str, columns: int | None,
               max_rows: int | None = None) -> tuple[tuple[str, ...], ...]:
        """Return rows of number texts, each `columns` wide (`None`: as wide as the first row)."""
        if not isinstance(value, list) or not value:
            self.problem(key, f"expected a list of rows of numbers, found {kind_of(value) if value != [] else 'none'}")
            return ()
        if max_rows is not None and len(value) > max_rows:
            self.problem(key, f"at most {max_rows:,} rows (MAX_ROWS), found {len(value):,}")
            return ()
        if columns is None:
            columns = len(value[0]) if isinstance(value[0], list) else 1
        rows = []
        for r, row in enumerate(value):
            if not isinstance(row, list):
                self.problem(join_key(key, r), f"expected a row of {columns} numbers, found {kind_of(row)}")
            elif len(row) != columns:
                self.problem(join_key(key, r), f"expected a row of {columns} numbers, found {len(row)}")
            else:
                rows.append(tuple(self.number(item, join_key(join_key(key, r), c)) for c, item in enumerate(row)))
        return tuple(rows) if len(rows) == len(value) else ()
