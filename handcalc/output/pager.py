"""Stage 5, output: show a long report on a terminal through a pager, as git does.

The CLI hands a finished report here instead of writing it to standard output. The decision is a pure
function of the choice (`--pager`, `--no-pager`, or neither), whether standard output is a terminal, the
report's height and the terminal's, so it is tested without a terminal:

- never when standard output is not a terminal (a pipe or a file gets the report as it is);
- `--no-pager` never, `--pager` always on a terminal, and by default only when the report is taller
  than the terminal;
- the command is `HANDCALC_PAGER`, else `PAGER`, else `less`; an empty one or `cat` means no pager.

As git does, `LESS` defaults to `FRX` (quit if the report fits after all, pass colour through, leave the
report on the screen) and `LV` to `-c`. The command is split like a shell word list (`less -R` works) but
never run by a shell. A pager that cannot be started falls back to writing the report directly.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from typing import Mapping

__all__ = ["should_page", "pager_command", "page"]

# the environment variables a pager reads, with git's defaults when the user has set none
PAGER_DEFAULTS = {"LESS": "FRX", "LV": "-c"}


def should_page(choice: bool | None, is_terminal: bool, report_lines: int, terminal_lines: int) -> bool:
    """Return whether to page: `choice` is True for --pager, False for --no-pager, None for neither."""
    if not is_terminal or choice is False:
        return False
    return choice is True or report_lines > terminal_lines


def pager_command(environ: Mapping[str, str]) -> list[str]:
    """Return the pager's argument list from the environment, or [] for none."""
    for variable in ("HANDCALC_PAGER", "PAGER"):
        if variable in environ:
            text = environ[variable]
            break
    else:
        text = "less"
    try:
        words = shlex.split(text)
    except ValueError:  # an unbalanced quote: the command cannot be read, so page without it
        return []
    return [] if not words or words == ["cat"] else words


def page(text: str, command: list[str], environ: Mapping[str, str] | None = None) -> bool:
    """Send `text` through the pager `command`; return False when it could not be started."""
    env = dict(os.environ if environ is None else environ)
    for variable, default in PAGER_DEFAULTS.items():
        env.setdefault(variable, default)
    sys.stdout.flush()
    try:
        process = subprocess.Popen(command, stdin=subprocess.PIPE, env=env)
    except OSError:
        return False
    assert process.stdin is not None  # stdin=PIPE always opens one
    try:
        process.stdin.write(text.encode(sys.stdout.encoding or "utf-8", errors="replace"))
        process.stdin.close()
    except BrokenPipeError:  # the reader quit the pager before the end: that is not an error
        pass
    while True:
        try:
            process.wait()
            return True
        except KeyboardInterrupt:  # as git does: Ctrl-C belongs to the pager, which decides when to end
            continue
