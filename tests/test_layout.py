"""The package keeps its layout rule: a stage imports only the base modules and earlier stages.

Stages, in the order of the data flow: read, exact, floats, judge, output, textscan. Any stage may
import the base modules (model, records, heap, numbers, naming, functions, budget) and the expression language (expr);
only the top-level modules (check, api, cli) compose stages. A reversed import, such as output reaching
for the pipeline or read importing exact, fails here with the line that does it.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "handcalc"
ORDER = {"read": 1, "exact": 2, "floats": 3, "judge": 4, "output": 5, "textscan": 6}
BASE = {"model", "records", "heap", "numbers", "naming", "functions", "budget", "expr"}


def _imported_top_names(path: Path) -> list[tuple[str, int]]:
    """Return (first package-level name, line) for every relative import of a module inside a stage."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:
            if node.level == 1:
                continue  # the stage's own modules
            names = node.module.split(".")[:1] if node.module else [alias.name for alias in node.names]
            found.extend((name, node.lineno) for name in names)
    return found


def test_every_stage_imports_only_base_modules_and_earlier_stages() -> None:
    reversed_imports = []
    for stage, rank in ORDER.items():
        for path in sorted((PACKAGE / stage).glob("*.py")):
            for name, line in _imported_top_names(path):
                if name in BASE or ORDER.get(name, rank) < rank:
                    continue
                reversed_imports.append(f"{path.relative_to(PACKAGE)}:{line} imports {name}")
    assert reversed_imports == []


def test_the_rule_sees_a_reversed_import(tmp_path) -> None:
    # the check itself can fail: an output module importing the pipeline is reported
    stage = tmp_path / "handcalc" / "output"
    stage.mkdir(parents=True)
    module = stage / "bad.py"
    module.write_text("from ..check import Result\nfrom ..judge.results import Result\nfrom .render import x\n")
    assert _imported_top_names(module) == [("check", 1), ("judge", 2)]


def test_no_function_is_longer_than_sixty_lines() -> None:
    # a long function whose early returns encode a policy is how rules get lost; split it instead
    long = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno >= 60:
                long.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {node.name} "
                            f"({node.end_lineno - node.lineno + 1} lines)")
    assert long == []
