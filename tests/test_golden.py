"""Every shipped example and test worked example, in every format, prints what it printed before.

The files in tests/data/golden were recorded before the package was reorganised into stages;
a change to what handcalc prints must be deliberate: regenerate them with
`HANDCALC_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py` and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from handcalc.cli import main

DATA = Path(__file__).parent / "data"
GOLDEN = DATA / "golden"
EXAMPLES = {"tutorial1": "tutorial1", "tutorial2": "tutorial2", "tutorial3": "tutorial3",
            "tanh_3_4_2": str(DATA / "tanh_3_4_2.toml"), "softmax_2_3_3": str(DATA / "softmax_2_3_3.toml")}
FORMATS = ["text", "markdown", "latex", "html", "json"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_output_is_unchanged(name: str, fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = main([EXAMPLES[name], "--format", fmt])
    out = capsys.readouterr().out
    assert code in (0, 1)
    path = GOLDEN / f"{name}.{fmt}"
    if os.environ.get("HANDCALC_UPDATE_GOLDEN"):
        path.write_text(out)
    expected = path.read_text()
    if out != expected:
        import difflib

        diff = "".join(difflib.unified_diff(expected.splitlines(True), out.splitlines(True), "recorded", "now", n=1))
        pytest.fail(f"{name} --format {fmt} changed:\n{diff[:4000]}")
