"""Where a report goes: a file given with -o (and --plot, --diagram, ...) or standard output.

Every output path is checked before any work (`check_output`), so a run that
ends in a usage error has written nothing.  A report then reaches its file
(`write_text`) as a user expects a shell redirection to behave, only safer:

- a regular file is replaced atomically (a temporary file in the same folder,
  then `os.replace`), keeping the target's permission bits, or taking the
  umask's for a new file; a reader never sees half a report;
- a symbolic link is followed: its target is written, the link stays;
- anything else that exists (a FIFO, a device such as /dev/null, a terminal)
  is written straight to, as `>` would;
- a read-only target, a folder, and a path that is one of the run's inputs
  are refused, and no message names the temporary file.

Standard output that is closed (`handcalc x >&-`) or full gets one clear line
(`write_stdout`), never a traceback.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
import tempfile
from pathlib import Path
from typing import Iterable

from ..read.reader import InputError, shown_path

__all__ = ["check_output", "write_text", "write_stdout"]


_CLOSED = "standard output is closed: give -o FILE to write the report to a file"


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def check_output(path: str | Path | None, option: str, inputs: Iterable[Path] = ()) -> None:
    """Raise InputError if `path` (None: standard output) cannot take a report; checked before any work."""
    if path is None:
        if sys.stdout is None:
            raise InputError(_CLOSED)
        return
    target = Path(os.path.realpath(path))
    name = shown_path(path)
    if not target.parent.is_dir():
        raise InputError(f"{option} {name}: the folder {shown_path(target.parent)} does not exist")
    for source in inputs:
        try:
            if target.exists() and os.path.samefile(target, source):
                raise InputError(f"{option} {name}: that is an input of this run; write the report elsewhere")
        except OSError:
            continue
    if not target.exists():
        if not os.access(target.parent, os.W_OK | os.X_OK):
            raise InputError(f"{option} {name}: the folder {shown_path(target.parent)} is not writable")
        return
    if target.is_dir():
        raise InputError(f"{option} {name}: is a folder, not a file")
    if not os.access(target, os.W_OK) or not target.stat().st_mode & 0o222:  # (root may write any file)
        raise InputError(f"{option} {name}: the file is read-only")
    if stat.S_ISREG(target.stat().st_mode) and not os.access(target.parent, os.W_OK | os.X_OK):
        raise InputError(f"{option} {name}: the folder {shown_path(target.parent)} is not writable (the report "
                         "replaces the file as a whole)")


def write_text(text: str, path: str | Path, option: str = "-o") -> Path:
    """Write `text` to `path` (see the module docstring for how); return the path written."""
    target = Path(os.path.realpath(path))
    name = shown_path(path)
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as error:
        raise InputError(f"{option} {name}: cannot write: {error.strerror}") from None
    try:
        if mode is not None and not stat.S_ISREG(mode):
            with open(target, "w", encoding="utf-8") as handle:  # a FIFO or a device: written straight to
                handle.write(text)
            return target
        _replace(text, target, stat.S_IMODE(mode) if mode is not None else 0o666 & ~_umask())
    except OSError as error:
        raise InputError(f"{option} {name}: cannot write: {error.strerror or error}") from None
    return target


def _replace(text: str, target: Path, mode: int) -> None:
    """Write a temporary file beside `target` with `mode`, then rename it over `target`."""
    handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=target.parent, delete=False,
                                         prefix=f".{target.name[:40]}.", suffix=".tmp")
    try:
        with handle:
            handle.write(text)
            handle.flush()
            os.fchmod(handle.fileno(), mode)
        os.replace(handle.name, target)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def write_stdout(text: str) -> None:
    """Write `text` to standard output; a closed or full one is an InputError of one line."""
    if sys.stdout is None:
        raise InputError(_CLOSED)
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except (OSError, ValueError) as error:  # ValueError: a closed file object
        reason = getattr(error, "strerror", None) or ("it is closed" if isinstance(error, ValueError) else str(error))
        if getattr(error, "errno", None) == errno.ENOSPC:
            reason = "no space left on the device"
        raise InputError(f"cannot write the report to standard output: {reason}") from None
