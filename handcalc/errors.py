"""The one error a user sees for bad input: file, key path, line, what was expected."""

from __future__ import annotations

__all__ = ["InputError", "Problem"]

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file."""

    path: str
    key: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        key = f" [{self.key}]" if self.key else ""
        return f"{where}:{key} {self.message}"


class InputError(Exception):
    """Bad usage or a bad input file; the CLI prints it and exits with code 2."""

    def __init__(self, problems: list[Problem] | str) -> None:
        if isinstance(problems, str):
            problems = [Problem("", "", problems)]
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p).lstrip(": ") for p in self.problems))
