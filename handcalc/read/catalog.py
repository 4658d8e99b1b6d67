"""The shipped worked examples: where they are and how a name or path resolves."""

from __future__ import annotations

import tomllib
from pathlib import Path

from .reader import InputError

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
    if path.is_file():
        return path
    if path.suffix == ".toml" or "/" in name_or_path or "\\" in name_or_path:
        raise InputError(f"{name_or_path}: no such file")
    names = ", ".join(examples) or "none"
    raise InputError(f"no worked example named {name_or_path!r} and no such file (shipped examples: {names})")


def describe(path: Path) -> str:
    """Return the one-line title of a worked-example file, or '' if it has none."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return ""
    example = data.get("example")
    return str(example.get("title", "")) if isinstance(example, dict) else ""
