"""Run the notebooks top to bottom and store them with their outputs, so they read on a repository browser.

    python notebooks/execute.py                 # every notebook in notebooks/
    python notebooks/execute.py tutorial1.ipynb # just these

Needs the `notebooks` extra (nbclient, nbformat, ipykernel). Each notebook runs in a fresh kernel in a
temporary folder; what the run leaves that says when or where it ran (execution timestamps, the Python
version in the metadata) is removed, so running it again on the same versions changes nothing.
tests/test_notebooks.py runs every notebook again and compares its outputs with the stored ones, through
`comparable` below, which also sets aside what differs between machines (float64 rounding errors, pictures).
"""

from __future__ import annotations

import copy
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TEXT_KINDS = ("text/plain", "text/html", "text/markdown", "text/latex")
# A float64 rounding error as handcalc prints it (two significant digits: "4.7e-16"), and the quantity the
# largest one was found at: both depend on the machine's NumPy and libm, not on handcalc.
FLOAT_ERROR = re.compile(r"\b\d\.\de-\d\d\b")
WORST_AT = re.compile(r"\(at \w+([,;])")


def execute(path: Path, timeout: int = 600) -> Any:
    """Return the notebook at `path` run top to bottom in a fresh kernel, with run-specific fields removed."""
    import nbclient
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory() as folder:
        nbclient.NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                                resources={"metadata": {"path": folder}}).execute()
    notebook.metadata.pop("language_info", None)  # the kernel's Python version
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)  # timestamps
    return notebook


def comparable(notebook: Any) -> list[list[dict[str, Any]]]:
    """Return each code cell's outputs as compared across runs: texts with float64 errors masked, pictures
    by their kinds only (PNG and SVG bytes depend on the matplotlib and FreeType versions)."""
    cells = []
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        outputs = []
        for output in cell.get("outputs", []):
            output = copy.deepcopy(dict(output))
            output.pop("execution_count", None)
            output.pop("metadata", None)
            data = output.get("data", {})
            for kind in list(data):
                data[kind] = _masked(data[kind]) if kind in TEXT_KINDS else f"<{kind}>"
            if "text" in output:
                output["text"] = _masked(output["text"])
            outputs.append(output)
        cells.append(outputs)
    return cells


def _masked(text: str | list[str]) -> str:
    text = "".join(text) if isinstance(text, list) else text
    return WORST_AT.sub(r"(at ...\1", FLOAT_ERROR.sub("<float64 error>", text))


def main(names: list[str]) -> int:
    """Execute and store the named notebooks (all of them when none are named)."""
    import nbformat

    paths = [HERE / name for name in names] or sorted(HERE.glob("*.ipynb"))
    for path in paths:
        notebook = execute(path)
        nbformat.write(notebook, path)
        print(f"{path.name}: {sum(len(c.get('outputs', [])) for c in notebook.cells)} outputs stored")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
