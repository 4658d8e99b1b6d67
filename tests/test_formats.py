"""Every output format renders every shipped example completely, from the same report data."""

from __future__ import annotations

import html.parser
import re
import shutil
import subprocess
from functools import lru_cache

import pytest

from handcalc.read.catalog import resolve
from handcalc.check import check
from handcalc.read.loader import load_file
from handcalc.output.report import build, render
from handcalc.output.report import Table as TableBlock

EXAMPLES = ("tutorial1", "tutorial2", "tutorial3")


@lru_cache(maxsize=None)
def result(name: str):
    return check(load_file(resolve(name)))


def _claim_ids(name: str) -> list[str]:
    return [v.claim.id for v in result(name).verdicts]


@pytest.mark.parametrize("name", EXAMPLES)
@pytest.mark.parametrize("fmt", ["text", "markdown", "latex", "html"])
def test_every_format_shows_every_claim_and_section(name, fmt) -> None:
    out = render(result(name), fmt)
    for verdict in result(name).verdicts:  # every claim, with its verdict, in every format
        claim_id = verdict.claim.id
        if fmt == "latex":
            claim_id = claim_id.replace("_", r"\_").replace("#", r"\#")
        assert claim_id in out, (fmt, verdict.claim.id)
    for title in ("Claims", "Summary"):
        assert title in out
    blocks = build(result(name))
    for block in blocks:
        if isinstance(block, TableBlock):
            title = block.title.replace("_", r"\_") if fmt == "latex" else block.title
            if fmt == "html":
                title = title.replace("'", "&#x27;")
            assert title in out, (fmt, block.title)


def test_markdown_has_github_tables_and_math() -> None:
    out = render(result("tutorial1"), "markdown")
    assert re.search(r"^\| quantity +\| formula", out, re.M)
    assert re.search(r"^\|[-:|]+\|$", out, re.M)
    # dE/dw5 = dE/dout_y1 * dout_y1/dy1 * dy1/dw5 = 0.7166 * 0.1986 * 0.6029 = 0.0858253...
    line = next(l for l in out.splitlines() if l.startswith(r"$\frac{\partial E}{\partial w_{5}}"))
    assert r"\frac{\partial out_{y1}}{\partial y_{1}}" in line and line.endswith("0.08582532696$")


class _Page(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.sources: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append(tag)
        self.sources += [value for key, value in attrs if key in ("src", "href") and value]


@pytest.mark.parametrize("name", EXAMPLES)
def test_html_is_one_self_contained_page(name) -> None:
    out = render(result(name), "html")
    page = _Page()
    page.feed(out)
    assert out.startswith("<!DOCTYPE html>") and out.rstrip().endswith("</html>")
    assert page.tags.count("html") == page.tags.count("body") == 1
    assert page.sources == []  # nothing loaded from elsewhere
    assert page.tags.count("table") == sum(isinstance(b, TableBlock) for b in build(result(name)))
    assert '<td class="wrong">wrong</td>' in out  # every shipped example has at least one wrong claim


@pytest.mark.parametrize("name", EXAMPLES)
def test_latex_structure(name) -> None:
    out = render(result(name), "latex")
    assert out.startswith(r"\documentclass") and out.rstrip().endswith(r"\end{document}")
    assert out.count(r"\begin{longtable}") == out.count(r"\end{longtable}") == \
        sum(isinstance(b, TableBlock) for b in build(result(name)))
    body = out[out.index(r"\begin{document}"):]
    assert "out_h1" not in body.replace(r"out\_h1", "")  # underscores escaped in text
    if name == "tutorial1":
        assert out.count(r"\begin{equation*}") == 10  # one chain rule per parameter: w1..w8, b1, b2


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="no LaTeX toolchain (apt-get install texlive-latex-recommended)")
@pytest.mark.parametrize("name", EXAMPLES)
def test_latex_compiles(name, tmp_path) -> None:
    (tmp_path / "report.tex").write_text(render(result(name), "latex"), encoding="utf-8")
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "report.tex"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout[-3000:]
    assert (tmp_path / "report.pdf").stat().st_size > 10_000
