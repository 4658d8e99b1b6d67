"""handcalc scan (`handcalc.scan` in Python): check the arithmetic a tutorial's own text states, with no worked-example file.

The stages, in the order of the data flow:
  source     the text (plain, Markdown, HTML) -> lines to read, and where they stand
  notation   a piece of text -> explicit expression text (x1w1 -> x1*w1, Out y1 -> out_y1)
  statements a line -> chains ending in a stated number, and named values
  judging    statements -> verdicts, following numbers and names from line to line
  scanner    the pipeline and its limits
  report     the verdicts in every format of `handcalc check`, and JSON
  annotate   a self-contained HTML copy of the text with every checked number marked
  draft      a worked-example file drafted from the statements found
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..read.reader import InputError

__all__ = ["read_text"]


def read_text(path: str) -> tuple[str, str]:
    """Return (text, name) of a file, or of standard input for "-" (InputError when too big or not UTF-8)."""
    from .source import MAX_SCAN_BYTES

    if path == "-":
        data, name = sys.stdin.buffer.read(MAX_SCAN_BYTES + 1), "-"
    else:
        file = Path(path)
        if file.is_dir():
            raise InputError(f"{path}: is a folder, not a text file")
        with file.open("rb") as handle:
            data, name = handle.read(MAX_SCAN_BYTES + 1), path
    if len(data) > MAX_SCAN_BYTES:
        raise InputError(f"{name}: the text is larger than MAX_SCAN_BYTES = {MAX_SCAN_BYTES:,} bytes")
    try:
        return data.decode("utf-8-sig"), name
    except UnicodeDecodeError as error:
        raise InputError(f"{name}: not UTF-8 text (byte {error.start})") from None
