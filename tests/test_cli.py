"""The command line: reports, the JSON contract, exit codes and error messages.

Most tests call `handcalc.cli.main` in-process; a few run the real
`python -m handcalc` and `handcalc` commands in a fresh process.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import re
import shutil
import subprocess
import sys
import tomllib
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from handcalc.read.catalog import resolve as catalog_resolve
from handcalc.cli import main

ROOT = Path(__file__).parent.parent
TUTORIAL1 = ROOT / "worked_examples" / "tutorial1.toml"
TANH342 = Path(__file__).parent / "data" / "tanh_3_4_2.toml"

SECTIONS = ["Forward pass, hidden layer", "Forward pass, output layer", "Error", "Backward pass, output layer",
            "Backward pass, hidden layer", "Updated parameters", "Cross-checks", "Summary"]


def _tutorial1_data() -> dict:
    return tomllib.loads(TUTORIAL1.read_text(encoding="utf-8"), parse_float=str)


def _significant_digits(text: str) -> int:
    """Digits from the first nonzero one on, trailing zeros counting: '0.00120' -> 3."""
    return len(Decimal(text).as_tuple().digits) if Decimal(text) != 0 else 1


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _assert_sections(out: str) -> None:
    positions = []
    for title in SECTIONS:
        match = re.search(rf"^{re.escape(title)}\n-{{{len(title)}}}$", out, re.M)
        assert match, f"no section heading {title!r} in:\n{out}"
        positions.append(match.start())
    assert positions == sorted(positions), "sections out of order"


def _wrong_claim_file(tmp_path: Path) -> Path:
    text = TUTORIAL1.read_text(encoding="utf-8")
    assert 'stated = "0.41425240"' in text
    path = tmp_path / "tutorial1_wrong.toml"
    path.write_text(text.replace('stated = "0.41425240"', 'stated = "0.41425250"'), encoding="utf-8")
    return path


# --- the report --------------------------------------------------------------------

def test_tutorial1_text_report(capsys) -> None:
    code, out, err = _run(capsys, "tutorial1", "--width", "300")  # wide enough for one line per row
    # Every number of the hand calculation is correct; the one wrong claim is the conclusion's
    # "after 1,000 or 10,000 iterations the outputs come near the targets" (the replay stays ~0.49 away).
    assert code == 1, err
    _assert_sections(out)
    assert "0.4176" in out and "0.41425240" in out
    assert re.search(r"^h1 .* 0\.4176 +0\.4176 +✓ correct *$", out, re.M)
    assert re.search(r"^new_w5 .* 0\.41425240 +✓ correct *$", out, re.M)
    assert "19 claims: 18 correct, 0 rounding, 0 propagated, 1 wrong" in out
    assert re.search(r"^training_outputs_near_targets .* ✗ wrong ", out, re.M)
    assert err == ""


@pytest.fixture(scope="module")
def tutorial1_json() -> dict:
    """The JSON report of tutorial1, computed once for the module."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = main(["check", "tutorial1", "--format", "json"])
    assert code == 1  # the training-run claim; see test_tutorial1_text_report
    return json.loads(buffer.getvalue())


def test_json_contract_keys(tutorial1_json) -> None:
    report = tutorial1_json
    assert report["example"] == "tutorial1"
    assert {"example", "values", "cross_check", "claims", "summary"} <= set(report)
    assert {"numpy_max_rel_diff", "finite_difference_max_rel_diff"} <= set(report["cross_check"])
    assert report["cross_check"]["numpy_max_rel_diff"] <= 1e-12
    assert report["cross_check"]["finite_difference_max_rel_diff"] <= 1e-6
    for claim in report["claims"]:
        assert {"id", "what", "stated", "computed", "verdict", "explanation", "source"} <= set(claim)
        if claim["case"] == "first_row":
            assert claim["verdict"] == "correct", claim
            assert claim["explanation"] is None
    assert report["summary"]["correct"] == 18
    assert report["summary"]["wrong"] == 1
    assert report["summary"]["propagated"] == report["summary"]["rounding"] == 0


def test_json_claims_keep_the_stated_text(tutorial1_json) -> None:
    claims = [c for c in _tutorial1_data()["claims"] if "quantity" in c]
    tutorial1_json = dict(tutorial1_json, claims=[c for c in tutorial1_json["claims"] if c["case"] == "first_row"])
    # each claim of the file, in order; the numbers written inside its expression come just before it
    whole = [c for c in tutorial1_json["claims"] if "[" not in c["id"]]
    assert [c["stated"] for c in whole] == [c["stated"] for c in claims]
    assert [c["what"] for c in whole] == [c["quantity"] for c in claims]
    assert [c["source"] for c in whole] == [c["where"] for c in claims]
    assert [c["expression"] for c in whole] == [c.get("expression") for c in claims]
    operands = [c for c in tutorial1_json["claims"] if "[" in c["id"]]
    assert [(c["what"], c["stated"]) for c in operands] == [
        ("out_h1", "0.60290881"), ("out_h2", "0.60885456921"), ("out_h1", "0.60290881"), ("out_h2", "0.60885457"),
        ("E1", "0.25677057"), ("E2", "0.04931263"), ("out_y1", "0.72661785"), ("out_y1", "0.72661785"),
        ("dE_dw5", "0.08582533")]
    assert "0.41425240" in [c["stated"] for c in tutorial1_json["claims"]]
    ids = [c["id"] for c in tutorial1_json["claims"]]
    assert len(set(ids)) == len(ids)
    for claim in tutorial1_json["claims"]:
        exact = Fraction(Decimal(claim["computed"]))
        assert abs(exact - Fraction(Decimal(claim["stated"]))) <= Fraction(1, 2) * Fraction(10) ** Decimal(
            claim["stated"]).as_tuple().exponent, claim
        assert _significant_digits(claim["computed"]) >= 15 or claim["computed"] in ("0.4176", "0.4425")


def _tutorial1_exact_values() -> dict[str, Fraction]:
    """The quantities of tutorial1 that are exact short decimals, worked out with Fraction."""
    data = _tutorial1_data()
    p = {k: Fraction(v) for k, v in data["parameters"].items()}
    case = data["cases"][0]
    x1, x2 = (Fraction(v) for v in case["inputs"][0])
    t1, t2 = (Fraction(v) for v in case["targets"][0])
    exact = {**p, "x1": x1, "x2": x2, "T1": t1, "T2": t2, "eta": Fraction(case["learning_rate"]),
             "h1": x1 * p["w1"] + x2 * p["w2"] + p["b1"], "h2": x1 * p["w3"] + x2 * p["w4"] + p["b1"],
             "dh1_dw1": x1, "dh1_dw2": x2, "dh2_dw3": x1, "dh2_dw4": x2,
             "dy1_dout_h1": p["w5"], "dy2_dout_h1": p["w7"], "dy1_dout_h2": p["w6"], "dy2_dout_h2": p["w8"]}
    exact.update({name: Fraction(1) for name in ("dh1_db1", "dh2_db1", "dy1_db2", "dy2_db2")})
    return exact


def test_json_values_are_complete_and_precise(tutorial1_json) -> None:
    values = tutorial1_json["values"]
    for i in range(1, 9):
        assert f"dE_dw{i}" in values and f"new_w{i}" in values
    for name in ("b1", "b2"):
        assert f"dE_d{name}" in values and f"new_{name}" in values
    for name in ("h1", "out_h1", "y1", "out_y1", "E1", "E2", "E_total", "dE_dout_h1", "dout_y1_dy1"):
        assert name in values
    assert values["h1"] == "0.4176"
    exact = _tutorial1_exact_values()
    for name, text in values.items():
        assert re.fullmatch(r"-?\d+(\.\d+)?", text), (name, text)  # plain decimal, no exponent
        if "." in name:  # another case's values ("training.x1_r1"): only the hand calculation is pinned here
            continue
        if _significant_digits(text) < 20:
            assert name in exact, f"{name} = {text} has fewer than 20 significant digits"
            assert Fraction(Decimal(text)) == exact[name], (name, text)
    assert values["new_w5"].startswith("0.414252401913")
    assert values["dE_dw5"].startswith("0.0858253269563")


def test_json_values_agree_with_the_claims(tutorial1_json) -> None:
    values = tutorial1_json["values"]
    for claim in tutorial1_json["claims"]:
        if claim["case"] != "first_row":
            continue
        value, computed = Decimal(values[claim["what"]]), Decimal(claim["computed"])
        assert abs(value - computed) <= abs(value) * Decimal("1e-14"), claim


# --- exit codes for results ---------------------------------------------------------

def test_wrong_claim_exits_1(tmp_path, capsys) -> None:
    path = _wrong_claim_file(tmp_path)
    code, out, err = _run(capsys, "check", str(path), "--format", "json")
    assert code == 1, err
    report = json.loads(out)
    assert report["summary"]["wrong"] == 2  # this one, and the training-run claim
    assert report["summary"]["correct"] == 17
    wrong = [c for c in report["claims"] if c["verdict"] == "wrong" and c["case"] == "first_row"]
    assert [c["stated"] for c in wrong] == ["0.41425250"]
    assert wrong[0]["what"] == "new_w5"
    assert "0.41425240" in wrong[0]["explanation"]

    code, out, _ = _run(capsys, str(path), "--width", "300")
    assert code == 1
    assert re.search(r"^new_w5 .* 0\.41425250 +✗ wrong *$", out, re.M)


def test_two_examples_one_json_object(capsys) -> None:
    code, out, err = _run(capsys, "check", "tutorial1", str(TANH342), "--format", "json")
    assert code == 1, err  # the worse of the two: tutorial1's training-run claim
    printed = json.loads(out)
    assert printed["exit_code"] == 1 and printed["summary"]["wrong"] == 1
    reports = printed["reports"]
    assert [r["example"] for r in reports] == ["tutorial1", "tanh_3_4_2"]
    assert [r["summary"]["wrong"] for r in reports] == [1, 0]
    code, out, err = _run(capsys, "check", str(TANH342), str(TANH342), "--format", "json")
    assert code == 0, err


# --- exit code 2: bad usage, bad files -------------------------------------------------

def _assert_one_line_error(err: str, *needles: str) -> None:
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    for needle in needles:
        assert needle in lines[0], (needle, err)


def test_unknown_example_name(capsys) -> None:
    code, out, err = _run(capsys, "nosuchexample")
    assert code == 2
    assert out == ""
    _assert_one_line_error(err, "nosuchexample")


def test_missing_file(capsys) -> None:
    code, out, err = _run(capsys, "check", "nope/x.toml")
    assert code == 2
    assert out == ""
    _assert_one_line_error(err, "nope/x.toml")


def test_toml_syntax_error(tmp_path, capsys) -> None:
    path = tmp_path / "broken.toml"
    path.write_text("[network\nsizes = [2, 2]\n", encoding="utf-8")
    code, out, err = _run(capsys, str(path))
    assert code == 2
    assert out == ""
    _assert_one_line_error(err, "broken.toml")


BAD_ACTIVATION = """\
[network]
sizes = [2, 2, 1]
bias = "none"

[[network.layers]]
activation = "softsign"

[[network.layers]]
activation = "sigmoid"

[parameters]
w1 = 0.1
w2 = 0.2
w3 = 0.3
w4 = 0.4
w5 = 0.5
w6 = 0.6

[[cases]]
inputs = [[0.5, 0.25]]
targets = [[0.1]]
"""


def test_unknown_activation(tmp_path, capsys) -> None:
    path = tmp_path / "bad_activation.toml"
    path.write_text(BAD_ACTIVATION, encoding="utf-8")
    code, out, err = _run(capsys, str(path))
    assert code == 2
    assert out == ""
    _assert_one_line_error(err, "bad_activation.toml", "activation", "softsign")
    assert ":6:" in err  # the line of `activation = "softsign"`


def test_claim_about_an_unknown_quantity_does_not_exit_0(tmp_path, capsys) -> None:
    path = tmp_path / "typo.toml"
    text = TUTORIAL1.read_text(encoding="utf-8")
    path.write_text(text.replace('quantity = "new_w5"', 'quantity = "new_w55"'), encoding="utf-8")
    code, _, err = _run(capsys, str(path))
    assert code == 2
    _assert_one_line_error(err, "typo.toml", "claims[7].quantity", "new_w55", "did you mean 'new_w5'?")


def test_output_file_in_a_missing_folder(tmp_path, capsys) -> None:
    target = tmp_path / "no_such_folder" / "x.txt"
    code, out, err = _run(capsys, "tutorial1", "-o", str(target))
    assert code == 2
    _assert_one_line_error(err, f"{target}:")
    assert ".tmp" not in err


def test_no_example_named(capsys) -> None:
    code, out, err = _run(capsys)
    assert code == 2
    assert "Traceback" not in err


# --- list and -o ------------------------------------------------------------------------

@pytest.mark.parametrize("argv", [["list"], ["--list"]])
def test_list(capsys, argv) -> None:
    code, out, err = _run(capsys, *argv)
    assert code == 0, err
    assert re.search(r"^tutorial1\b", out, re.M)
    assert "2-2-2 sigmoid" in out


def test_output_file(tmp_path, capsys) -> None:
    target = tmp_path / "report.txt"
    code, out, err = _run(capsys, "tutorial1", "-o", str(target))
    assert code == 1, err
    assert out == ""
    text = target.read_text(encoding="utf-8")
    _assert_sections(text)
    assert "0.41425240" in text
    assert [p.name for p in tmp_path.iterdir()] == ["report.txt"]  # no temporary file left behind


# --- real processes ------------------------------------------------------------------------

def test_python_dash_m_handcalc(tmp_path) -> None:
    done = subprocess.run([sys.executable, "-m", "handcalc", "tutorial1"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    _assert_sections(done.stdout)
    assert "0.4176" in done.stdout and "0.41425240" in done.stdout

    done = subprocess.run([sys.executable, "-m", "handcalc", "nosuchexample"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    _assert_one_line_error(done.stderr, "nosuchexample")


def test_console_script(tmp_path) -> None:
    command = shutil.which("handcalc")
    if command is None:
        pytest.skip("the handcalc console script is not installed")
    done = subprocess.run([command, "check", "tutorial1", "--format", "json"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert report["values"]["h1"] == "0.4176"
    assert [c["verdict"] for c in report["claims"]] == ["correct"] * 18 + ["wrong"]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("argv, stdout_is_terminal, allowed", [
    (["tutorial3"], True, True),
    (["tutorial3", "--format", "json"], True, False),   # never beside JSON
    (["tutorial3"], False, False),                      # piped output
    (["tutorial3", "-o", "OUT"], False, True),          # the report goes to a file, the terminal is free
])
def test_progress_bar_only_beside_a_report_on_a_terminal(argv, stdout_is_terminal, allowed, tmp_path,
                                                         monkeypatch) -> None:
    import handcalc.check

    seen = []
    real = handcalc.check.check
    monkeypatch.setattr(handcalc.check, "check", lambda example, progress=False: seen.append(progress) or
                        real(example))
    monkeypatch.setattr(sys, "stdout", _Terminal() if stdout_is_terminal else io.StringIO())
    main([str(tmp_path / "out.txt") if a == "OUT" else a for a in argv])
    assert seen == [allowed]


def test_progress_bar_needs_a_long_run_and_a_terminal(monkeypatch) -> None:
    import types

    from handcalc.check import PROGRESS_THRESHOLD, progress_bar
    from handcalc.read.loader import load_file

    updates = []

    class FakeBar:
        def __init__(self, total, **_):
            self.total = total

        def update(self, n):
            updates.append(n)

        def close(self):
            updates.append("closed")

    monkeypatch.setitem(sys.modules, "tqdm", types.SimpleNamespace(tqdm=FakeBar))
    case = load_file(catalog_resolve("tutorial3")).case("training")
    long = dataclasses.replace(case.training, epochs=PROGRESS_THRESHOLD // len(case.rows))
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert progress_bar(long, case) is None  # stderr is not a terminal
    monkeypatch.setattr(sys, "stderr", _Terminal())
    assert progress_bar(dataclasses.replace(long, epochs=long.epochs - 1), case) is None  # too short
    advance = progress_bar(long, case)
    for epoch in range(long.epochs):
        advance(epoch)
    assert updates == [1] * long.epochs + ["closed"]


def test_a_bug_is_exit_code_3_with_one_line_naming_the_version(capsys, monkeypatch) -> None:
    import handcalc
    import handcalc.check

    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(handcalc.check, "check", broken)
    code, out, err = _run(capsys, str(TUTORIAL1))
    assert code == 3 and out == ""
    _assert_one_line_error(err, "internal error", "bug in handcalc", handcalc.__version__, "--debug",
                           "ZeroDivisionError")
    with pytest.raises(ZeroDivisionError):
        main([str(TUTORIAL1), "--debug"])



# --- options of issue 14: --version, --show without --diagram, --width, --color, the format from -o ----

def test_version_is_the_package_version(capsys) -> None:
    import handcalc
    from importlib.metadata import version

    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"handcalc {version('handcalc')}\n" == f"handcalc {handcalc.__version__}\n"


def test_dir_lists_the_public_api() -> None:
    import handcalc

    assert {"load", "Example", "Report", "__version__"} <= set(dir(handcalc))


def test_show_without_diagram_is_an_error(capsys) -> None:
    code, out, err = _run(capsys, "tutorial1", "--show", "gradients")
    assert code == 2 and out == ""
    assert err == "handcalc: error: --show gradients says what the network diagram shows: add --diagram FILE " \
                  "(.svg, .png or .pdf)\n"


def test_case_without_diagram_is_an_error_and_writes_nothing(capsys, tmp_path) -> None:
    # --case picks the diagram's case; without --diagram it was silently ignored (the whole report printed)
    target = tmp_path / "report.txt"
    code, out, err = _run(capsys, "tutorial1", "--case", "c" * 100_000, "-o", str(target))
    assert code == 2 and out == "" and not target.exists()
    assert err.startswith("handcalc: error: --case ccc") and len(err) < 400
    assert err.endswith(" says which case the network diagram draws: add --diagram FILE (.svg, .png or .pdf)\n")


def test_diagram_to_pdf_is_accepted_like_plot(capsys, tmp_path) -> None:
    pytest.importorskip("matplotlib")
    target = tmp_path / "network.pdf"
    code, out, err = _run(capsys, "tutorial1", "--diagram", str(target), "--show", "gradients", "--no-pager")
    assert code == 1 and err == ""  # tutorial1 states one wrong number
    assert target.read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize("width", [60, 80, 100, 140])
def test_text_fits_the_width_and_keeps_every_stated_number(capsys, width) -> None:
    code, out, err = _run(capsys, "tutorial2", "--width", str(width))
    assert max(len(line) for line in out.splitlines()) <= width
    report = json.loads(_run(capsys, "tutorial2", "--format", "json")[1])
    words = set(out.split())
    for claim in report["claims"]:  # every stated number is on the page whole, whatever the width
        if claim["kind"] == "value":
            assert any(claim["stated"] in word for word in words), claim["stated"]


def test_color_always_never_and_no_color(capsys, monkeypatch) -> None:
    assert "\033[1;31mwrong\033[0m" in _run(capsys, "tutorial2", "--color", "always")[1]
    assert "\033[" not in _run(capsys, "tutorial2", "--color", "never")[1]
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\033[" not in _run(capsys, "tutorial2")[1]
    assert "✗ wrong" in _run(capsys, "tutorial2", "--color", "never")[1]  # the symbol reads without colour


@pytest.mark.parametrize("suffix, first", [(".md", "# tutorial1"), (".tex", "\\documentclass"),
                                           (".html", "<!DOCTYPE html>"), (".json", "{"), (".txt", "tutorial1:")])
def test_format_from_the_output_extension(tmp_path, capsys, suffix, first) -> None:
    target = tmp_path / f"report{suffix}"
    assert main(["tutorial1", "-o", str(target)]) == 1
    assert target.read_text(encoding="utf-8").startswith(first)
    assert main(["tutorial1", "-o", str(target), "--format", "text"]) == 1  # --format wins
    assert target.read_text(encoding="utf-8").startswith("tutorial1:")


def test_a_command_imports_with_the_collector_paused_then_freezes_what_it_imported(tmp_path) -> None:
    """A one-shot process (the handcalc command) imports SymPy and the pipeline with gc paused, freezes those
    objects and runs with gc on again; a call of main() in a longer-lived process (this one) leaves gc alone."""
    import gc

    probe = ("import gc, io, contextlib, handcalc.cli\n"
             "assert gc.get_freeze_count() == 0\n"
             "with contextlib.redirect_stdout(io.StringIO()):\n"
             "    code = handcalc.cli.main(['tutorial2', '--format', 'json'], one_shot=True)\n"
             "print(code, gc.isenabled(), gc.get_freeze_count())\n")
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    code, enabled, frozen = done.stdout.split()
    assert (code, enabled) == ("1", "True"), done.stderr
    assert int(frozen) > 100_000  # SymPy's objects and the pipeline's, frozen once imported
    before = gc.get_freeze_count()
    _run_quiet = main(["tutorial2", "--format", "json"])
    assert _run_quiet == 1 and gc.isenabled() and gc.get_freeze_count() == before
