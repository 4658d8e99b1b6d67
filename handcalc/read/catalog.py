"""The shipped worked examples: where they are and how a name or path resolves."""

from __future__ import annotations

import stat
import tomllib
from pathlib import Path

from .reader import InputError, shown, shown_path

__all__ = ["examples_dir", "shipped", "resolve", "describe"]


def examples_dir() -> Path:
    """Return the folder of shipped worked examples (inside the wheel, or the repo's top level)."""
    package = Path(__file__).resolve().parent.parent
    packaged = package / "worked_examples"
    if packaged.is_dir():
        return packaged
    return package.parent / "worked_examples"


def shipped() -> dict[str, Path]:
    """Return the shipped worked examples by name."""
    folder = examples_dir()
    return {path.stem: path for path in sorted(folder.glob("*.toml"))} if folder.is_dir() else {}


def resolve(name_or_path: str) -> Path:
    """Return the file of a shipped example's name, or the given path if it is a file."""
    examples = shipped()
    if name_or_path in examples:
        return examples[name_or_path]
    path = Path(name_or_path)
    shown_name = shown(name_or_path)
    try:
        if path.is_file():
            return path
    except OSError as error:  # a name too long for the system, say
        raise InputError(f"{shown_path(name_or_path)}: {error.strerror or error}") from None
    what = _what_it_is(path)
    if what:
        raise InputError(f"{shown_path(name_or_path)}: {what}, not a worked-example file")
    if path.suffix == ".toml" or "/" in name_or_path or "\\" in name_or_path:
        raise InputError(f"{shown_path(name_or_path)}: no such file")
    names = ", ".join(examples) or "none"
    raise InputError(f"no worked example named {shown_name} and no such file (shipped examples: {names})")


def _what_it_is(path: Path) -> str | None:
    """Say what a path that exists but is not a regular file is (a folder, a device, a FIFO), else None."""
    try:
        mode = path.stat().st_mode
    except (OSError, ValueError):
        return None
    kinds = [(stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
             (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")]
    return next((name for test, name in kinds if test(mode)), "not a regular file")


def describe(path: Path) -> str:
    """Return the one-line title of a worked-example file, or '' if it has none."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return ""
    example = data.get("example")
    return str(example.get("title", "")) if isinstance(example, dict) else ""
