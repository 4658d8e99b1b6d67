"""Every notebook runs top to bottom (nbclient) and shows the numbers it is about."""

from __future__ import annotations

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
def test_notebook_runs_and_shows_the_key_numbers(name, tmp_path) -> None:
    notebook = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    nbclient.NotebookClient(notebook, timeout=180, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    text = _outputs(notebook)
    for number in KEY_NUMBERS[name]:
        assert number in text, f"{name}: {number!r} is not shown"
    kinds = {kind for cell in notebook.cells for output in cell.get("outputs", []) for kind in output.get("data", {})}
    assert {"text/html", "image/png", "image/svg+xml"} <= kinds, kinds


@pytest.mark.parametrize("name", sorted(KEY_NUMBERS))
def test_notebook_only_calls_the_package(name) -> None:
    notebook = json.loads((NOTEBOOKS / f"{name}.ipynb").read_text(encoding="utf-8"))
    code = "\n".join("".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "code")
    imports = [line for line in code.splitlines() if line.startswith(("import ", "from "))]
    assert imports == ["import handcalc"], imports
    assert all(not cell.get("outputs") for cell in notebook["cells"] if cell["cell_type"] == "code")  # stored clean
