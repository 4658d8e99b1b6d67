"""The README and the format guide show what handcalc really prints, and their examples run."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest

from handcalc.cli import main

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
FORMAT_GUIDE = (ROOT / "worked_examples" / "README.md").read_text(encoding="utf-8")


def _blocks(text: str, language: str = "") -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, re.S)


def _output(capsys, *argv: str) -> str:
    main(list(argv))
    return capsys.readouterr().out


def test_quick_start_matches_ci() -> None:
    quick = _blocks(README[README.index("## Quick start"):])[0].splitlines()
    assert quick == ["pip install . && handcalc tutorial1", "pip install -e '.[test]' && python -m pytest"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python -m pip install -e '.[test]'" in ci and ci.rstrip().endswith("python -m pytest")


@pytest.mark.parametrize("heading, argv", [
    ("### A piece of `handcalc tutorial1`", ["tutorial1"]),
    ("A piece of `handcalc tutorial2`", ["tutorial2"]),
    ("### Markdown, LaTeX, HTML", ["tutorial1", "--format", "markdown"]),
    ("### Any derivative a text names", ["names", "tutorial1", "dout_y1_dout_h1", "--case", "first_row"]),
])
def test_readme_excerpts_are_real_output(capsys, heading, argv) -> None:
    excerpt = _blocks(README[README.index(heading):])[0]
    out = _output(capsys, *argv)
    # Every line of the excerpt appears in the real output (tables may be cut to fewer columns' worth of rows).
    lines = [line for line in excerpt.splitlines() if line.strip()]
    missing = [line for line in lines if line.rstrip() not in out]
    if heading.startswith("### Markdown"):  # the excerpt keeps two rows of a wider table: compare cell by cell
        missing = [line for line in missing if not all(cell.strip() in out for cell in line.split("|"))]
    assert not missing, missing


def test_format_guide_example_runs(tmp_path, capsys) -> None:
    toml, _ = _blocks(FORMAT_GUIDE, "toml")  # the second is the softmax excerpt, below
    path = tmp_path / "relu_3_2_2.toml"
    path.write_text(toml, encoding="utf-8")
    assert main([str(path)]) == 0
    assert "1 claim: 1 correct" in capsys.readouterr().out


def test_readme_toml_excerpt_agrees_with_the_complete_file() -> None:
    (toml,) = _blocks(README, "toml")
    complete = (ROOT / "tests" / "data" / "tanh_3_4_2.toml").read_text(encoding="utf-8")
    for line in toml.splitlines():
        setting = line.split("#")[0].strip()
        if "=" in setting:
            assert setting in complete, setting


def test_format_guide_softmax_excerpt_agrees_with_the_complete_file(capsys) -> None:
    _, toml = _blocks(FORMAT_GUIDE, "toml")
    path = ROOT / "tests" / "data" / "softmax_2_3_3.toml"
    complete = path.read_text(encoding="utf-8")
    for line in toml.splitlines():
        setting = line.split("#")[0].strip()
        if "=" in setting:
            assert setting in complete, setting
    assert main([str(path)]) == 1  # the planted slip
    out = capsys.readouterr().out
    assert "14 claims: 13 correct, 0 rounding, 0 propagated, 1 wrong" in out
    assert "likely slip: a factor 1/2 missing" in out and "-0.300842146198" in out


def test_readme_bad_input_excerpt_is_real_output(capsys, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    section = README[README.index("## Untrusted input"):]
    excerpt = _blocks(section)[0]
    assert main(["tests/data/bad/several_problems.toml"]) == 2
    assert capsys.readouterr().err == excerpt


def test_readme_limits_table_is_the_limits() -> None:
    from handcalc.read.limits import LIMITS

    section = README[README.index("## Untrusted input"):README.index("## Development")]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    assert rows == [f"| `{limit.name}` | {limit.value:,} | {limit.what} |" for limit in LIMITS]


def test_readme_names_every_extra() -> None:
    import tomllib

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    start = README.index("### Optional extras")
    section = README[start:README.index("###", start + 3)]
    named = re.findall(r"^\| `(\w+)` \|", section, re.M)
    assert named == list(extras)


def test_the_readme_layout_names_every_module_of_every_stage() -> None:
    start = README.index("The package is laid out as the data flow")
    block = README[README.index("```", start) + 3:README.index("```", README.index("```", start) + 3)]
    listed: dict[str, set[str]] = {}
    folder = ""
    for line in block.splitlines():
        match = re.match(r"\s+(\w+)/\s", line)
        continued = line.startswith("            ") and folder
        folder = match.group(1) if match else folder if continued else ""
        text = line.split(":", 1)[1] if match and ":" in line else line if continued else ""
        names = set(re.findall(r"[a-z]+", text))
        listed.setdefault(folder, set()).update(names)
    package = ROOT / "handcalc"
    for stage in ("read", "expr", "exact", "floats", "judge", "output"):
        modules = {p.stem for p in (package / stage).glob("*.py")} - {"__init__"}
        assert modules <= listed[stage], (stage, modules - listed[stage])
    top = {p.stem for p in package.glob("*.py")} - {"__init__", "__main__"}
    assert all(re.search(rf"\b{name}\b", block) for name in top), top
    assert (ROOT / "docs" / "architecture.md").is_file()


# --- the JSON samples ------------------------------------------------------------------------------

_SCALAR = re.compile(r'"(\w+)": ("(?:[^"\\]|\\.)*"|-?\d[\d.]*(?:e-?\d+)?(?:\.\.\.)?|null|true|false)')


def _agrees(shown: str, real, key: str) -> bool:
    """A value the README shows against the real one: exact, or a prefix where it ends in '...'."""
    if shown.endswith('..."') or shown.endswith("..."):  # "forward pass, hidden layer: ...", 1.1254...
        return json.dumps(real).startswith(shown.rstrip('"').removesuffix("...").rstrip())
    if key.endswith("_max_rel_diff"):  # a float64 rounding error: the same order of magnitude on any machine
        return real > 0 and abs(math.log10(real / float(shown))) < 1
    return json.loads(shown) == real


def _json_sample_mismatches(sample: str, real: dict, sections: dict) -> list[str]:
    indent = re.search(r'^( *)"', sample, re.M).group(1)  # the top level's keys are the least indented
    top = re.findall(rf'^{indent}"(\w+)":', sample, re.M)
    wrong = [] if top == list(real) else [f"top-level keys {top} != {list(real)}"]
    section, rest = None, ""
    for line in sample.splitlines():
        key = re.match(rf'{indent}"(\w+)":', line)
        if key:  # a top-level key: its section of the real report, then the values on its line
            name, rest = key.group(1), line[key.end():]
            section = sections.get(name, lambda report: report[name])(real) if name in real else None
        else:  # a continuation line of the same section
            rest = line
        pairs = _SCALAR.findall(rest) or ([(None, rest.strip().rstrip(","))] if key else [])
        for inner, shown in pairs if section is not None else []:
            value = section if inner is None else section[inner]
            if not _agrees(shown, value, inner or name):
                wrong.append(f"{name}.{inner}: README {shown}, real {json.dumps(value)}")
    return wrong


def test_readme_json_sample_matches_a_real_run(capsys) -> None:
    sample = _blocks(README[README.index("### JSON for tools and CI"):])[0]
    real = json.loads(_output(capsys, "tutorial1", "--format", "json"))
    sections = {"claims": lambda report: report["claims"][0],
                "training": lambda report: report["training"]["training"]["history"][0]}
    assert _json_sample_mismatches(sample, real, sections) == []
    assert real["summary"] == {"correct": 18, "rounding": 0, "propagated": 0, "wrong": 1, "unchecked": 0}


def test_readme_scan_json_sample_matches_a_real_run(capsys, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)  # the sample shows the path as given
    sample = _blocks(README[README.index("Its top level is\n  `check`'s"):])[0]
    real = json.loads(_output(capsys, "scan", "tests/data/texts/forward_wrong.md", "--format", "json"))
    sections = {"statements": lambda report: report["statements"][0], "values": lambda report: report["values"][0]}
    assert _json_sample_mismatches(sample, real, sections) == []


def test_the_readme_names_every_extra_with_what_it_installs() -> None:
    import tomllib

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    start = README.index("### Optional extras")
    table = README[start:README.index("\n\n", README.index("| extra |", start))]
    rows = {match.group(1): match.group(2) for match in re.finditer(r"^\| `(\w+)` \| ([^|]+) \|", table, re.M)}
    assert set(rows) == set(extras)
    for extra, requirements in extras.items():
        names = [re.split(r"[<>=\[; ]", requirement)[0] for requirement in requirements]
        listed = [name.strip() for name in rows[extra].split(",")]
        assert listed == names, (extra, listed, names)
