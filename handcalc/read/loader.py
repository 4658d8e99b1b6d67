"""Worked-example TOML file -> validated `WorkedExample`.

Numbers are read as text (`tomllib`'s `parse_float=str`), so a stated
`0.41425240` keeps its trailing zero and no value ever passes through float.
Every problem found is reported at once, each with file, key path and line,
and every limit (`handcalc.read.limits`) is checked before anything grows with it.
Nothing in a file is ever evaluated: names must be plain identifiers, numbers
plain decimals, expressions go through `handcalc.expr.expression`'s own parser.

The entry to stage 1: bytes -> text -> TOML here, then the [network] (`network`),
the [[cases]] (`cases`), the [aliases] (here) and the [[claims]] (`claimspec`).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from types import MappingProxyType
from typing import Any

from . import limits
from .cases import read_cases
from .claimspec import CaseNames, read_claims, text_line
from .network import read_network
from .reader import IDENTIFIER, InputError, KeyLines, Problem, Reader, join_key, suggest
from ..model import WorkedExample
from ..naming import is_quantity
from ..heap import collector_paused

__all__ = ["load_file", "load_bytes", "load_text", "claim_line", "IDENTIFIER"]

TOP_KEYS = ("example", "network", "parameters", "cases", "aliases", "claims")
EXAMPLE_KEYS = ("name", "title", "source")


# --- aliases ---------------------------------------------------------------------------------

def _read_aliases(reader: Reader, raw: Any, named: dict[str, CaseNames]) -> dict[str, str]:
    """Return the [aliases] table: a tutorial's own name (delta_o1) for a quantity (dE_dnet_o1) of some case."""
    aliases: dict[str, str] = {}
    for alias, target in reader.table(raw, "aliases", required=False).items():
        key = join_key("aliases", alias)
        alias = reader.identifier(alias, key)
        target = reader.identifier(target, key)
        if "_invalid" in (alias, target):
            continue
        cases = [(entry.network, entry.quantities) for entry in named.values()
                 if entry.network is not None and entry.quantities]
        if any(alias in known for _, known in cases):
            reader.problem(key, f"{alias!r} already names a quantity: an alias needs a name of its own")
        elif cases and not any(is_quantity(target, known, {}, network.total_error) for network, known in cases):
            every = set().union(*(known for _, known in cases))
            reader.problem(key, f"no quantity named {target!r} in any case{suggest(target, every)}")
        else:
            aliases[alias] = target
    return aliases


# --- the file --------------------------------------------------------------------------------

# tomllib takes time quadratic in the parts of a dotted key (a.b.c...): refuse absurd ones first.  A key
# starts a line (after `[` or `[[` for a table header) or follows `{` or `,` in an inline table; only there
# is one looked for, and every piece is matched possessively, so the check is linear in the file's length
# (a long run of letters in a comment or a string is read once, never re-tried from each of its letters).
_KEY_PIECE = r'''(?:[A-Za-z0-9_-]++|"(?:[^"\\\n]|\\.)*+"|'[^'\n]*+')'''
_LONG_KEY = re.compile(r"(?:^|[{,])[ \t]*+(?:\[\[?+[ \t]*+)?+%s(?:[ \t]*+\.[ \t]*+%s){%d}"
                       % (_KEY_PIECE, _KEY_PIECE, limits.MAX_KEY_PARTS), re.MULTILINE)


def _toml(text: str, path: str) -> dict[str, Any]:
    """Parse TOML text, numbers kept as text; a syntax error names its line and column."""
    long_key = _LONG_KEY.search(text)
    if long_key:
        line = text.count("\n", 0, long_key.start()) + 1
        raise InputError([Problem(path, "", f"a dotted key has more than {limits.MAX_KEY_PARTS} parts "
                                  "(MAX_KEY_PARTS)", line)])
    try:
        return tomllib.loads(text, parse_float=str)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        where = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
        if where:
            message = message[:where.start()]
            line, column = int(where.group(1)), int(where.group(2))
        else:
            at_end = message.endswith("(at end of document)")
            message = message.removesuffix(" (at end of document)") + (" at the end of the file" if at_end else "")
            line, column = (text.count("\n") + 1 if at_end else None), None
        raise InputError([Problem(path, "", f"not valid TOML: {message}", line, column)]) from None
    except RecursionError:
        raise InputError([Problem(path, "", "not valid TOML here: arrays or tables nested too deeply")]) from None
    except ValueError:  # an integer too long for Python to convert
        digits = re.search(r"[0-9_]{4300,}", text)
        line = text.count("\n", 0, digits.start()) + 1 if digits else None
        raise InputError([Problem(path, "", "an integer has more than 4,300 digits", line)]) from None


@collector_paused
def load_text(text: str, path: str = "<text>", name: str | None = None) -> WorkedExample:
    """Return the validated worked example in TOML `text`; raise InputError listing every problem."""
    if len(text) > limits.MAX_FILE_BYTES:
        raise InputError([Problem(path, "", f"the file is larger than {limits.MAX_FILE_BYTES:,} bytes "
                                  "(MAX_FILE_BYTES)")])
    if not text.strip():
        raise InputError([Problem(path, "", "the file is empty: expected a worked example in TOML")])
    reader = Reader(path, text)
    data = reader.table(_toml(text, path), "", known=TOP_KEYS)
    meta = reader.table(data.get("example"), "example", required=False, known=EXAMPLE_KEYS)
    network, keys = read_network(reader, data.get("network"), "network")
    parameters = {}
    raw = reader.table(data.get("parameters"), "parameters", required=False)
    if len(raw) > limits.MAX_PARAMETERS:
        reader.problem("parameters", f"a network has at most {limits.MAX_PARAMETERS:,} parameters "
                       f"(MAX_PARAMETERS), found {len(raw):,}")
        raw = {}
    for pname, value in raw.items():
        parameters[pname] = reader.number(value, join_key("parameters", pname))
    cases, named = read_cases(reader, data.get("cases"), network, keys, parameters)
    aliases = _read_aliases(reader, data.get("aliases"), named) if "aliases" in data else {}
    claims = read_claims(reader, data.get("claims"), named, aliases)
    limits.check_training(reader, cases, named, claims)
    texts = {field: text_line(reader, meta, field, "example", "") for field in EXAMPLE_KEYS}
    if reader.problems:
        raise reader.fail()
    return WorkedExample(name=texts["name"] or name or Path(path).stem, title=texts["title"],
                         source=texts["source"], path=Path(path), network=network, cases=cases, claims=claims,
                         aliases=MappingProxyType(aliases))


def claim_line(path: Path, index: int) -> int | None:
    """Return the line of the index-th [[claims]] table of a file, if it can be read."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    return KeyLines(text).line(f"claims[{index}]")


def load_file(path: Path | str) -> WorkedExample:
    """Return the validated worked example in the file at `path`."""
    path = Path(path)
    try:
        if path.stat().st_size > limits.MAX_FILE_BYTES:
            raise InputError([Problem(str(path), "", f"the file is larger than {limits.MAX_FILE_BYTES:,} bytes "
                                      "(MAX_FILE_BYTES)")])
        raw = path.read_bytes()
    except OSError as error:
        raise InputError([Problem(str(path), "", f"cannot read the file: {error.strerror or error}")]) from None
    return load_bytes(raw, path)


def load_bytes(raw: bytes, path: Path | str = "<bytes>") -> WorkedExample:
    """Return the validated worked example in a file's bytes (UTF-8; a byte-order mark is allowed)."""
    path = Path(path)
    if len(raw) > limits.MAX_FILE_BYTES:
        raise InputError([Problem(str(path), "", f"the file is larger than {limits.MAX_FILE_BYTES:,} bytes "
                                  "(MAX_FILE_BYTES)")])
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise InputError([Problem(str(path), "", "the file is UTF-16 text: save it as UTF-8")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[:error.start].count(b"\n") + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        raise InputError([Problem(str(path), "", f"not UTF-8 text: byte 0x{raw[error.start]:02x} cannot be "
                                  "decoded (save the file as UTF-8)", line, column)]) from None
    return load_text(text, str(path), name=path.stem)
