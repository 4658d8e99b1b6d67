"""The Python API: load a worked example, check it, and show the result anywhere.

    >>> import handcalc
    >>> report = handcalc.load("tutorial1").report()
    >>> report.values["h1"]
    261/625
    >>> report.expr("dout_y1_dy1")
    out_y1*(1 - out_y1)

A `Report` displays itself in a notebook cell (`_repr_html_`, `_repr_markdown_`,
`_repr_latex_`) and renders to every format the command line has.
"""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path
from typing import Any, Mapping

import sympy

from .check import CaseResult, Result, check
from .exact.derivation import Derivation
from .model import WorkedExample
from .judge.verdicts import Verdict

__all__ = ["load", "scan", "Example", "Report", "ScanReport"]


class Example:
    """A loaded, validated worked example."""

    def __init__(self, worked: WorkedExample) -> None:
        self.worked = worked

    @property
    def name(self) -> str:
        """Return the example's name (tutorial1)."""
        return self.worked.name

    @property
    def cases(self) -> tuple[str, ...]:
        """Return the names of the example's cases."""
        return tuple(case.name for case in self.worked.cases)

    def report(self, max_work: int | None = None) -> "Report":
        """Return the full check: derivation, exact values, cross-checks, replays, verdicts.

        `max_work` is the run's work budget (default: `budget.DEFAULT_MAX_WORK`, about 30 s);
        a check that needs more raises `budget.WorkLimitError`.
        """
        from .budget import scope

        with scope(max_work):
            return Report(check(self.worked))

    def __repr__(self) -> str:
        return f"<handcalc.Example {self.name}: {self.worked.title}>"


class Report:
    """The results of checking a worked example, with every value, claim and derivation."""

    def __init__(self, result: Result) -> None:
        self.result = result

    def case(self, name: str | None = None) -> CaseResult:
        """Return one case's results (the first case by default)."""
        if name is None:
            return self.result.cases[0]
        for case in self.result.cases:
            if case.case.name == name:
                return case
        raise KeyError(f"no case named {name!r}: the cases are {', '.join(c.case.name for c in self.result.cases)}")

    @property
    def values(self) -> Mapping[str, sympy.Expr]:
        """Return every named value of the first case, exact (Rational) or to 60 digits (Float)."""
        return self.case().values

    @property
    def claims(self) -> tuple[Verdict, ...]:
        """Return every claim's verdict, in the file's order."""
        return self.result.verdicts

    @property
    def summary(self) -> dict[str, int]:
        """Return how many claims got each verdict."""
        return self.result.summary

    @property
    def exit_code(self) -> int:
        """Return the command line's exit code for this report (0 or 1)."""
        return self.result.exit_code

    def derivation(self, case: str | None = None) -> Derivation:
        """Return a case's symbolic derivation (its `steps` hold each quantity's SymPy expression)."""
        derivation = self.case(case).derivation
        if derivation is None:
            raise ValueError(f"case {self.case(case).case.name} has no hand calculation (no weights or no targets)")
        return derivation

    def expr(self, name: str, case: str | None = None, expanded: bool = False) -> sympy.Expr:
        """Return a quantity's formula as SymPy: in the names of earlier steps, or `expanded` to the given values."""
        derivation = self.derivation(case)
        return derivation.expand(name) if expanded else derivation.by_name[name].expr

    def factors(self, name: str, case: str | None = None) -> dict[str, sympy.Expr]:
        """Return the chain-rule factors of a gradient (dE_dw5) as SymPy expressions, by name."""
        derivation = self.derivation(case)
        return {factor: derivation.by_name[factor].expr for factor in derivation.by_name[name].factors}

    def to(self, fmt: str) -> str:
        """Return the report as text, markdown, latex, html or json."""
        if fmt == "json":
            from .output.jsonreport import to_json

            return json.dumps(to_json(self.result), indent=2) + "\n"
        from .budget import scope
        from .output.report import render

        with scope():
            return render(self.result, fmt)

    def to_json(self) -> dict[str, Any]:
        """Return the JSON report as a dict."""
        from .output.jsonreport import to_json

        return to_json(self.result)

    def plot(self, path: str | Path | None = None) -> "Picture":
        """Return the training loss curves (log scale) as a picture; save them too if `path` is given.

        The matplotlib Figure is the picture's `figure`.
        """
        from .output.plot import loss_figure

        return Picture(figure=loss_figure(self.result, path))

    def diagram(self, path: str | Path | None = None, case: str | None = None, show: str = "values") -> Any:
        """Draw the network with its weights and values: to an SVG or PNG file, or (no path) inline in a notebook."""
        import tempfile

        from .output.diagram import draw

        chosen = self.case(case)
        network = self.result.example.network_of(chosen.case)
        if path is not None:
            return draw(chosen, network, path, show)
        with tempfile.TemporaryDirectory() as folder:
            written = draw(chosen, network, Path(folder) / "network.svg", show)
            return Picture(svg=written.read_text(encoding="utf-8"))

    @cached_property
    def _blocks(self) -> list:
        from .output.report import build

        return build(self.result)

    def _repr_html_(self) -> str:
        from .output.render import render_document

        return render_document(self._blocks, "html", fragment=True)

    def _repr_markdown_(self) -> str:
        from .output.render import render_document

        return render_document(self._blocks, "markdown", fragment=True)

    def _repr_latex_(self) -> str | None:
        from .output.document import Equation

        equations = [block.latex for block in self._blocks if isinstance(block, Equation)]
        if not equations:
            return None
        return "$$\\begin{aligned}" + r" \\ ".join(e.replace(" = ", " &= ", 1) for e in equations) + "\\end{aligned}$$"

    def __repr__(self) -> str:
        counts = ", ".join(f"{n} {k}" for k, n in self.summary.items() if n)
        return f"<handcalc.Report {self.result.example.name}: {counts}>"


class Picture:
    """A picture that shows itself in a notebook cell: SVG text, or a matplotlib Figure shown as PNG."""

    def __init__(self, svg: str | None = None, figure: Any = None) -> None:
        self.svg = svg
        self.figure = figure

    def _repr_svg_(self) -> str | None:
        return self.svg

    def _repr_png_(self) -> bytes | None:
        if self.figure is None:
            return None
        import io

        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=100)
        return buffer.getvalue()

    def __repr__(self) -> str:
        kind = "SVG" if self.svg is not None else "PNG figure"
        return f"<handcalc.Picture: {kind}>"


class ScanReport:
    """The statements a tutorial's text makes, each with its verdict (`handcalc.scan`)."""

    def __init__(self, result: Any) -> None:
        self.result = result  # a handcalc.textscan.scanner.ScanResult

    @property
    def statements(self) -> tuple:
        """Return every statement found, in order, each with `line`, `column`, `text` and `verdict`."""
        return self.result.statements

    @property
    def values(self) -> tuple:
        """Return the named values picked up from the text (w5 = 0.40), with their lines."""
        return self.result.values

    @property
    def summary(self) -> dict[str, int]:
        """Return how many statements got each verdict."""
        return self.result.summary

    @property
    def exit_code(self) -> int:
        """Return the command line's exit code for this scan (0 or 1)."""
        return self.result.exit_code

    def to(self, fmt: str) -> str:
        """Return the scan report as text, markdown, latex, html or json."""
        from .textscan.report import render, to_json

        if fmt == "json":
            return json.dumps(to_json(self.result), indent=2, ensure_ascii=False) + "\n"
        return render(self.result, fmt)

    def to_json(self) -> dict[str, Any]:
        """Return the JSON report as a dict."""
        from .textscan.report import to_json

        return to_json(self.result)

    def annotate(self, path: str | Path | None = None) -> str:
        """Return the annotated HTML page of the text (and write it to `path` if given)."""
        from .textscan.annotate import annotate

        page = annotate(self.result)
        if path is not None:
            Path(path).write_text(page, encoding="utf-8")
        return page

    def draft(self) -> str:
        """Return a worked-example file (TOML) drafted from the statements, to complete and check."""
        from .textscan.draft import draft

        return draft(self.result)

    def _repr_html_(self) -> str:
        from .output.render import render_document
        from .textscan.report import build

        return render_document(build(self.result), "html", fragment=True)

    def _repr_markdown_(self) -> str:
        from .output.render import render_document
        from .textscan.report import build

        return render_document(build(self.result), "markdown", fragment=True)

    def __repr__(self) -> str:
        counts = ", ".join(f"{n} {k}" for k, n in self.summary.items() if n) or "no statements"
        return f"<handcalc.ScanReport {self.result.name}: {counts}>"


def scan(text_or_path: str | Path, input_format: str | None = None, code: bool = False) -> ScanReport:
    """Check the arithmetic a tutorial's text states: a path (Path, or a str naming a file) or the text itself."""
    from .textscan import read_text
    from .textscan.scanner import scan_source
    from .textscan.source import format_of

    is_path = isinstance(text_or_path, Path) or (
        "\n" not in text_or_path and len(text_or_path) < 4096 and Path(text_or_path).is_file())
    if is_path:
        source, name = read_text(str(text_or_path))
        fmt = format_of(name, input_format)
    else:
        source, name, fmt = text_or_path, "text", input_format or "text"
    return ScanReport(scan_source(source, name, fmt, code))


def load(name_or_path: str | Path) -> Example:
    """Return a worked example: a shipped one by name (tutorial1) or a worked-example file by path."""
    from .read.catalog import resolve
    from .read.loader import load_file

    return Example(load_file(resolve(str(name_or_path))))
