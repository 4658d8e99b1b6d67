"""-o and the other output paths: checked before any work, written the way `>` would, only safer."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from handcalc.cli import main

EXAMPLE = Path(__file__).parent.parent / "worked_examples" / "tutorial1.toml"


def test_a_regular_file_keeps_its_mode_and_is_replaced_whole(tmp_path, capsys) -> None:
    target = tmp_path / "report.txt"
    target.write_text("old")
    target.chmod(0o644)
    assert main([str(EXAMPLE), "-o", str(target)]) in (0, 1)  # 1: tutorial1 has a wrong claim
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert target.read_text().startswith("# tutorial1") or "tutorial1" in target.read_text()[:200]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.txt"]  # no temporary file left


def test_a_new_file_takes_the_umask(tmp_path, capsys) -> None:
    old = os.umask(0o027)
    try:
        assert main([str(EXAMPLE), "-o", str(tmp_path / "new.txt")]) in (0, 1)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o640


def test_a_symlink_is_followed_and_kept(tmp_path, capsys) -> None:
    target = tmp_path / "real.txt"
    target.write_text("old")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    assert main([str(EXAMPLE), "-o", str(link)]) in (0, 1)
    assert link.is_symlink() and "tutorial1" in target.read_text()


def test_a_fifo_is_written_straight_to(tmp_path) -> None:
    import subprocess
    import sys

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    writer = subprocess.Popen([sys.executable, "-m", "handcalc", "tutorial1", "--format", "json", "-o", str(fifo)],
                              stderr=subprocess.PIPE)
    with open(fifo, "rb") as pipe:  # blocks until handcalc opens the FIFO to write
        data = pipe.read()
    assert writer.wait(timeout=120) == 1 and writer.stderr.read() == b""
    assert stat.S_ISFIFO(fifo.stat().st_mode)  # still a FIFO, not replaced by a file
    assert b'"example": "tutorial1"' in data


@pytest.mark.parametrize(("setup", "fragment"), [
    ("read_only", "the file is read-only"),
    ("folder", "is a folder, not a file"),
    ("missing_folder", "does not exist"),
])
def test_unwritable_targets_are_refused_before_any_work(setup, fragment, tmp_path, capsys) -> None:
    target = tmp_path / "out.txt"
    if setup == "read_only":
        target.write_text("keep")
        target.chmod(0o444)
    elif setup == "folder":
        target.mkdir()
    else:
        target = tmp_path / "nope" / "out.txt"
    assert main([str(EXAMPLE), "-o", str(target)]) == 2
    err = capsys.readouterr().err
    assert fragment in err and ".tmp" not in err and err.count("\n") == 1
    if setup == "read_only":
        assert target.read_text() == "keep"


def test_the_input_itself_is_refused(tmp_path, capsys) -> None:
    source = tmp_path / "x.toml"
    source.write_text(EXAMPLE.read_text())
    assert main([str(source), "-o", str(source)]) == 2
    assert "that is an input of this run" in capsys.readouterr().err
    assert source.read_text() == EXAMPLE.read_text()


@pytest.mark.parametrize("options", [["--plot", "/nonexistent/x.png"], ["--plot", "x.gif"],
                                     ["--diagram", "x.jpg"], ["--case", "nope", "--diagram", "d.svg"]])
def test_nothing_is_written_on_a_usage_error(options, tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main([str(EXAMPLE), "-o", "report.txt", *options]) == 2
    assert not (tmp_path / "report.txt").exists()


def test_a_closed_or_full_standard_output_is_one_clear_line(tmp_path) -> None:
    import subprocess
    import sys

    closed = subprocess.run([sys.executable, "-m", "handcalc", "tutorial1"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, pass_fds=(), close_fds=True,
                            preexec_fn=lambda: os.close(1))
    assert closed.returncode == 2 and closed.stderr == ("handcalc: error: standard output is closed: give -o FILE "
                                                        "to write the report to a file\n")
    if Path("/dev/full").exists():
        with open("/dev/full", "w") as full:
            run = subprocess.run([sys.executable, "-m", "handcalc", "tutorial1"], stdout=full,
                                 stderr=subprocess.PIPE, text=True)
        assert run.returncode == 2
        assert run.stderr == "handcalc: error: cannot write the report to standard output: no space left on the device\n"


@pytest.mark.parametrize(("argument", "fragment"), [
    ("x" * 100_000, "xxx...xxx"),
    ("a\nb", "no worked example named 'a\\nb'"),
    ("/", "/: a folder, not a worked-example file"),
    ("/dev/zero", "/dev/zero: a character device, not a worked-example file"),
], ids=["long", "newline", "folder", "device"])
def test_arguments_in_messages_are_short_and_escaped(argument, fragment, capsys) -> None:
    assert main([argument]) == 2
    err = capsys.readouterr().err
    assert fragment in err and err.count("\n") == 1 and len(err) < 300
