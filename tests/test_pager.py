"""The pager: the decision as a pure function, and the real thing on a pseudo-terminal."""

from __future__ import annotations

import fcntl
import os
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from handcalc.output.pager import page, pager_command, should_page

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("choice, terminal, lines, height, expected", [
    (None, True, 225, 24, True),     # a long report on a terminal
    (None, True, 10, 24, False),     # it fits
    (None, True, 24, 24, False),     # exactly fits
    (None, True, 25, 24, True),
    (None, False, 225, 24, False),   # piped: never
    (True, False, 225, 24, False),   # --pager piped: still never, as git
    (True, True, 3, 24, True),       # --pager on a terminal: even when it fits
    (False, True, 225, 24, False),   # --no-pager
])
def test_the_decision(choice, terminal, lines, height, expected) -> None:
    assert should_page(choice, terminal, lines, height) is expected


@pytest.mark.parametrize("environ, expected", [
    ({}, ["less"]),
    ({"PAGER": "more"}, ["more"]),
    ({"PAGER": "less -R -S"}, ["less", "-R", "-S"]),
    ({"PAGER": "less", "HANDCALC_PAGER": "most"}, ["most"]),
    ({"PAGER": ""}, []),
    ({"PAGER": "cat"}, []),
    ({"HANDCALC_PAGER": "", "PAGER": "less"}, []),
    ({"PAGER": "less 'unbalanced"}, []),
])
def test_the_command_comes_from_the_environment(environ, expected) -> None:
    assert pager_command(environ) == expected


def test_a_pager_that_cannot_start_is_reported_not_raised(tmp_path) -> None:
    assert page("text\n", [str(tmp_path / "no-such-pager")]) is False


def _recorder(tmp_path: Path) -> tuple[str, Path]:
    """A pager command that records what it was given and its LESS variable."""
    record = tmp_path / "paged.txt"
    script = tmp_path / "pager.py"
    script.write_text("import os, sys\n"
                      f"open({str(record)!r}, 'w').write(os.environ.get('LESS', '') + '\\n' + sys.stdin.read())\n",
                      encoding="utf-8")
    return f"{sys.executable} {script}", record


def _on_terminal(argv: list[str], pager: str, rows: int = 24) -> tuple[int, str]:
    """Run handcalc with stdout on a pseudo-terminal of `rows` rows; return its exit code and what it wrote."""
    leader, follower = os.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", rows, 100, 0, 0))
    env = {**os.environ, "PAGER": pager, "NO_COLOR": "1"}
    env.pop("HANDCALC_PAGER", None)
    env.pop("LESS", None)
    process = subprocess.Popen([sys.executable, "-m", "handcalc", *argv], stdout=follower, stderr=subprocess.PIPE,
                               stdin=subprocess.DEVNULL, env=env, cwd=ROOT)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the other end closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return process.wait(timeout=120), b"".join(chunks).decode("utf-8", "replace")


def test_a_long_report_on_a_terminal_goes_through_the_pager(tmp_path) -> None:
    pager, record = _recorder(tmp_path)
    code, shown = _on_terminal(["tutorial1"], pager)
    assert code == 1  # tutorial1 states one wrong number
    paged = record.read_text(encoding="utf-8")
    less, report = paged.split("\n", 1)
    assert less == "FRX"  # git's default for less, since the test's environment sets none
    assert report.count("\n") > 24 and "dE_dw5" in report
    assert "dE_dw5" not in shown  # the terminal got nothing directly


def test_a_short_report_or_no_pager_is_written_directly(tmp_path) -> None:
    pager, record = _recorder(tmp_path)
    text = tmp_path / "short.md"
    text.write_text("One sum: 2 + 3 = 5.\n", encoding="utf-8")
    code, shown = _on_terminal(["scan", str(text)], pager)
    assert code == 0 and "1 correct" in shown and not record.exists()
    code, shown = _on_terminal(["tutorial1", "--no-pager"], pager)
    assert "dE_dw5" in shown and not record.exists()
    code, shown = _on_terminal(["scan", str(text), "--pager"], pager)
    assert "1 correct" in record.read_text(encoding="utf-8") and "1 correct" not in shown


def test_piped_output_is_never_paged(tmp_path) -> None:
    pager, record = _recorder(tmp_path)
    run = subprocess.run([sys.executable, "-m", "handcalc", "tutorial1", "--pager"], capture_output=True, text=True,
                         env={**os.environ, "PAGER": pager}, cwd=ROOT, timeout=120)
    assert "dE_dw5" in run.stdout and not record.exists()
