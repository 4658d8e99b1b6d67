"""The notebooks are stored with their outputs, and those outputs are what running them gives now.

Each notebook is run once (nbclient, through notebooks/execute.py, the script that stores them) and its
outputs are compared with the stored ones, float64 rounding errors and picture bytes set aside
(`execute.comparable`). When they differ, run `python notebooks/execute.py` and commit the result.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

nbclient = pytest.importorskip("nbclient")
nbformat = pytest.importorskip("nbformat")
pytest.importorskip("ipykernel")
pytest.importorskip("matplotlib")

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"

# Numbers each notebook must show, worked out from the tutorials' own text or independently:
# tutorial1: h1 = 0.03*0.11 + 0.09*0.27 + 0.39 = 0.4176, new w5 = 0.44 - 0.3*0.08582533 = 0.41425240;
# tutorial2: 2*.6 + 9*.3 = 3.9 (the text says 7.5); tutorial3: the printed outputs after training.
KEY_NUMBERS = {
    "tutorial1": ["0.4176", "0.41425240", "261/625", "out_y1*(1 - out_y1)"],
    "tutorial2": ["3.9", "7.5", ".3 read as 0.7", "denominator"],
    "tutorial3": ["0.00966808", "0.99211705", "49.80000000000000000000", "float64"],
}


def _script():
    spec = importlib.util.spec_from_file_location("notebooks_execute", NOTEBOOKS / "execute.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


execute = _script()


@pytest.fixture(scope="module")
def fresh() -> dict[str, object]:
    """Every notebook run now, once for the module (about 20 s for the three)."""
    return {name: execute.execute(NOTEBOOKS / f"{name}.ipynb", timeout=300) for name in sorted(KEY_NUMBERS)}


def _stored(name: str):
    return nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)


def _outputs(notebook) -> str:
    texts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            assert output.get("output_type") != "error", output
            data = output.get("data", {})
            texts += [data.get(kind, "") for kind in ("text/plain", "text/html", "text/markdown")]
            texts.append(output.get("text", ""))
    return "\n".join(t if isinstance(t, str) else "".join(t) for t in texts)


@pytest.mark.parametrize("name", sorted(KEY_NUMBERS))
def test_the_stored_outputs_are_what_running_the_notebook_gives_now(name, fresh) -> None:
    stored, now = execute.comparable(_stored(name)), execute.comparable(fresh[name])
    assert len(stored) == len(now)
    for index, (before, after) in enumerate(zip(stored, now)):
        assert before == after, f"{name}, code cell {index + 1}: run python notebooks/execute.py and commit"


@pytest.mark.parametrize("name", sorted(KEY_NUMBERS))
def test_the_stored_notebook_shows_the_key_numbers_and_pictures(name) -> None:
    notebook = _stored(name)
    text = _outputs(notebook)
    for number in KEY_NUMBERS[name]:
        assert number in text, f"{name}: {number!r} is not shown"
    kinds = {kind for cell in notebook.cells for output in cell.get("outputs", []) for kind in output.get("data", {})}
    assert {"text/html", "image/png", "image/svg+xml"} <= kinds, kinds
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(cell.outputs for cell in code)  # stored with outputs, every cell
    assert [cell.execution_count for cell in code] == list(range(1, len(code) + 1))  # run top to bottom, once


def test_tutorial1_shows_the_expanded_gradient_it_promises() -> None:
    notebook = _stored("tutorial1")
    cells = notebook.cells
    (promise,) = [i for i, cell in enumerate(cells) if cell.cell_type == "markdown" and "Expanded" in cell.source]
    shown = "".join(cells[promise + 1].outputs[0]["data"]["text/plain"])
    assert "exp(-b1 - w1*x1 - w2*x2)" in shown and "T1" in shown and "w5" in shown and "w7" in shown
    assert "_dout_" not in shown  # no factor names left: it is expanded


@pytest.mark.parametrize("name", sorted(KEY_NUMBERS))
def test_notebook_only_calls_the_package(name) -> None:
    notebook = json.loads((NOTEBOOKS / f"{name}.ipynb").read_text(encoding="utf-8"))
    code = "\n".join("".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "code")
    imports = [line for line in code.splitlines() if line.startswith(("import ", "from "))]
    assert imports == ["import handcalc"], imports
    assert "language_info" not in notebook["metadata"]  # nothing that says where it ran
    assert not any("execution" in cell.get("metadata", {}) for cell in notebook["cells"])


def test_the_comparison_sets_aside_only_float64_errors_and_picture_bytes() -> None:
    cell = {"cell_type": "code", "outputs": [{"output_type": "execute_result", "execution_count": 3, "metadata": {},
            "data": {"text/plain": "largest relative difference 4.7e-16 (at dE_dw3, over 35 values) 0.4176",
                     "image/png": "iVBORw0KGgo="}}]}
    other = json.loads(json.dumps(cell))
    other["outputs"][0]["data"]["text/plain"] = "largest relative difference 5.1e-16 (at dE_dh1_r2, over 35 values) 0.4176"
    other["outputs"][0]["data"]["image/png"] = "AAAA"
    assert execute.comparable({"cells": [cell]}) == execute.comparable({"cells": [other]})
    other["outputs"][0]["data"]["text/plain"] = other["outputs"][0]["data"]["text/plain"].replace("0.4176", "0.4177")
    assert execute.comparable({"cells": [cell]}) != execute.comparable({"cells": [other]})
    del other["outputs"][0]["data"]["image/png"]
    assert execute.comparable({"cells": [cell]}) != execute.comparable({"cells": [other]})
