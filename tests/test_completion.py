"""Tab completion (shtab, the `completion` extra): the bash script really completes, in a real bash."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from handcalc.cli import main


def _script(capsys, shell: str) -> str:
    assert main(["--print-completion", shell]) == 0
    return capsys.readouterr().out


def _complete(script: str, words: list[str], cwd) -> list[str]:
    """Return what bash offers for the last of `words` (the word being typed), with the script loaded."""
    line = " ".join(words)
    program = (f'source "$1"\nCOMP_WORDS=({" ".join(repr(w) for w in words)})\nCOMP_CWORD={len(words) - 1}\n'
               f'COMP_LINE={line!r}\nCOMP_POINT=${{#COMP_LINE}}\n_shtab_handcalc handcalc\n'
               'printf "%s\\n" "${COMPREPLY[@]}"\n')
    path = cwd / "completion.bash"
    path.write_text(script, encoding="utf-8")
    done = subprocess.run(["bash", "-c", program, "bash", str(path)], capture_output=True, text=True, cwd=cwd,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    return sorted(word.strip() for word in done.stdout.splitlines() if word.strip())


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_bash_completes_commands_options_choices_and_files(capsys, tmp_path) -> None:
    pytest.importorskip("shtab")
    script = _script(capsys, "bash")
    (tmp_path / "mine.toml").write_text("", encoding="utf-8")
    assert _complete(script, ["handcalc", "sc"], tmp_path) == ["scan"]
    assert _complete(script, ["handcalc", "check", "--for"], tmp_path) == ["--format"]
    assert _complete(script, ["handcalc", "check", "x", "--format", "m"], tmp_path) == ["markdown"]
    assert _complete(script, ["handcalc", "check", "x", "--show", ""], tmp_path) == ["gradients", "updated", "values"]
    assert "--no-pager" in _complete(script, ["handcalc", "scan", "--no"], tmp_path)
    assert _complete(script, ["handcalc", "check", "mi"], tmp_path) == ["mine.toml"]  # a worked-example file


def test_zsh_and_tcsh_scripts_are_printed(capsys) -> None:
    pytest.importorskip("shtab")
    assert _script(capsys, "zsh").startswith("#compdef handcalc")
    assert "complete handcalc" in _script(capsys, "tcsh")


def test_without_shtab_the_error_says_how_to_install_it(capsys, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "shtab", None)  # import shtab now raises ImportError
    assert main(["--print-completion", "bash"]) == 2
    assert "pip install 'handcalc[completion]'" in capsys.readouterr().err


def test_an_unknown_shell_is_a_usage_error(capsys) -> None:
    assert main(["--print-completion", "cmd.exe"]) == 2
    assert "invalid choice" in capsys.readouterr().err
