"""The JSON report validates against the JSON Schema shipped in the package (handcalc/output/report.schema.json)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest

from handcalc.cli import main
from handcalc.output.jsonreport import SCHEMA_VERSION, schema

DATA = Path(__file__).parent / "data"
EXAMPLES = ["tutorial1", "tutorial2", "tutorial3", *sorted(str(path) for path in DATA.glob("*.toml"))]


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    shipped = schema()
    cls = jsonschema.validators.validator_for(shipped)
    cls.check_schema(shipped)  # the schema itself is a valid JSON Schema of the draft it names
    return cls(shipped)


def _report(example: str, capsys: pytest.CaptureFixture[str]) -> dict:
    assert main([example, "--format", "json"]) in (0, 1)
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: Path(e).stem)
def test_every_example_report_validates(example: str, validator, capsys: pytest.CaptureFixture[str]) -> None:
    report = _report(example, capsys)
    assert report["schema_version"] == SCHEMA_VERSION == "1"
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(report)]
    assert errors == []


def test_several_examples_print_one_object_with_every_report(validator, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["tutorial1", EXAMPLES[-1], "--format", "json"])
    printed = json.loads(capsys.readouterr().out)
    validator.validate(printed)
    assert printed["schema_version"] == "1" and len(printed["reports"]) == 2
    assert [report["example"] for report in printed["reports"]] == ["tutorial1", Path(EXAMPLES[-1]).stem]
    for report in printed["reports"]:
        validator.validate(report)
    # the totals are the verdicts of every claim of both reports, counted from the claims themselves
    verdicts = [claim["verdict"] for report in printed["reports"] for claim in report["claims"]]
    assert printed["summary"] == {v: verdicts.count(v) for v in ("correct", "rounding", "propagated", "wrong", "unchecked")}
    assert printed["exit_code"] == code == max(report["exit_code"] for report in printed["reports"])


def test_one_example_and_several_share_the_top_level_fields(validator, capsys: pytest.CaptureFixture[str]) -> None:
    main(["tutorial1", "--format", "json"])
    one = json.loads(capsys.readouterr().out)
    main(["tutorial1", "tutorial1", "--format", "json"])
    two = json.loads(capsys.readouterr().out)
    assert {"schema_version", "summary", "exit_code"} <= one.keys() & two.keys()
    assert two["summary"] == {verdict: 2 * count for verdict, count in one["summary"].items()}
    assert two["reports"] == [one, one]
    with pytest.raises(Exception):
        validator.validate({**two, "reports": [one]})  # one report is printed as itself, never as a list of one


def _broken(report: dict, how: str) -> dict:
    report = copy.deepcopy(report)
    if how == "unknown verdict":
        report["claims"][0]["verdict"] = "plausible"
    elif how == "no summary":
        del report["summary"]
    elif how == "claim without id":
        del report["claims"][0]["id"]
    elif how == "negative count":
        report["summary"]["wrong"] = -1
    elif how == "value not a string":
        report["values"][next(iter(report["values"]))] = 0.5  # values are exact decimal strings, never floats
    elif how == "other schema version":
        report["schema_version"] = "0"
    return report


@pytest.mark.parametrize("how", ["unknown verdict", "no summary", "claim without id", "negative count",
                                 "value not a string", "other schema version"])
def test_an_invalid_report_is_rejected(how: str, validator, capsys: pytest.CaptureFixture[str]) -> None:
    report = _report("tutorial1", capsys)
    validator.validate(report)
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(_broken(report, how))


def test_extra_keys_are_allowed(validator, capsys: pytest.CaptureFixture[str]) -> None:
    report = _report("tutorial1", capsys)
    report["future_field"] = {"anything": [1, 2]}
    report["claims"][0]["future_field"] = True
    validator.validate(report)


# --- handcalc scan --format json -------------------------------------------------------------------

TEXTS = sorted(str(path) for path in (DATA / "texts").iterdir())


@pytest.fixture(scope="module")
def scan_validator() -> jsonschema.protocols.Validator:
    from handcalc.textscan.report import schema as scan_schema

    shipped = scan_schema()
    cls = jsonschema.validators.validator_for(shipped)
    cls.check_schema(shipped)
    return cls(shipped)


@pytest.mark.parametrize("text", TEXTS, ids=lambda t: Path(t).name)
def test_every_scan_report_validates(text: str, scan_validator, capsys: pytest.CaptureFixture[str]) -> None:
    for extra in ([], ["--code"]):
        code = main(["scan", text, "--format", "json", *extra])
        report = json.loads(capsys.readouterr().out)
        assert [f"{list(e.absolute_path)}: {e.message}" for e in scan_validator.iter_errors(report)] == []
        assert report["schema_version"] == SCHEMA_VERSION  # one version for both reports
        assert report["exit_code"] == code == (1 if report["summary"]["wrong"] + report["summary"]["propagated"] else 0)


def test_a_scan_report_and_a_check_report_share_their_top_level(scan_validator, validator) -> None:
    from handcalc.textscan.report import schema as scan_schema

    common = {"schema_version", "summary", "exit_code"}
    check_shapes = schema()["$defs"]
    assert common <= set(scan_schema()["required"])
    assert common <= set(check_shapes["report"]["required"]) and common <= set(check_shapes["several"]["required"])
    assert scan_schema()["properties"]["summary"]["required"] == ["correct", "rounding", "propagated", "wrong",
                                                                  "unchecked"]


@pytest.mark.parametrize("how", ["statement without line", "column zero", "unknown verdict", "uses not a list",
                                 "integer schema version"])
def test_an_invalid_scan_report_is_rejected(how: str, scan_validator, capsys: pytest.CaptureFixture[str]) -> None:
    main(["scan", str(DATA / "texts" / "forward_wrong.md"), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    scan_validator.validate(report)
    broken = copy.deepcopy(report)
    statement = broken["statements"][0]
    if how == "statement without line":
        del statement["line"]
    elif how == "column zero":
        statement["column"] = 0
    elif how == "unknown verdict":
        statement["verdict"] = "fine"
    elif how == "uses not a list":
        statement["uses"] = "L10"
    else:
        broken["schema_version"] = 1
    with pytest.raises(jsonschema.ValidationError):
        scan_validator.validate(broken)
