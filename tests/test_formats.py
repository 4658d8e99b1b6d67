"""Every output format renders every example completely, tested in the real renderer of each format.

Markdown is rendered by GitHub's own cmark-gfm; LaTeX is compiled by pdflatex and
read back with pdftotext; HTML is loaded into headless Chromium (tests/browser.py).
"""

from __future__ import annotations

import html
import html.parser
import re
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

import pytest

from handcalc.check import check
from handcalc.output.document import Table as TableBlock
from handcalc.output.formats import LATEX_UNBROKEN
from handcalc.output.report import build, render
from handcalc.read.catalog import resolve
from handcalc.read.loader import load_file

EXAMPLES = ("tutorial1", "tutorial2", "tutorial3", str(Path(__file__).parent / "data" / "tanh_3_4_2.toml"),
            str(Path(__file__).parent / "data" / "softmax_2_3_3.toml"))


@lru_cache(maxsize=None)
def result(name: str):
    return check(load_file(resolve(name)))


def _tables(name: str) -> list[TableBlock]:
    return [b for b in build(result(name)) if isinstance(b, TableBlock)]


def _cell_text(value) -> str:
    return getattr(value, "text", value)


class _Page(html.parser.HTMLParser):
    """Tags, attributes, and each table as rows of (classes, cell texts)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.sources: list[str] = []
        self.tables: list[list[tuple[set[str], list[str], list[set[str]]]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append(tag)
        attrs = dict(attrs)
        self.sources += [attrs[key] for key in ("src", "href") if attrs.get(key)]
        classes = set((attrs.get("class") or "").split())
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append((classes, [], []))
        elif tag in ("td", "th"):
            self._cell = []
            self.tables[-1][-1][2].append(classes)

    def handle_endtag(self, tag) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1][1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _parse(text: str) -> _Page:
    page = _Page()
    page.feed(text)
    return page


@pytest.mark.parametrize("name", EXAMPLES)
@pytest.mark.parametrize("fmt", ["text", "markdown", "latex", "html"])
def test_every_format_shows_every_claim_and_section(name, fmt) -> None:
    out = render(result(name), fmt)
    # read past each format's escaping: LaTeX's \_ and break points, Markdown's backslashes, HTML's entities
    plain = {"latex": lambda t: re.sub(r"\\([_#&%$])", r"\1", t.replace(r"\allowbreak{}", "")),
             "markdown": lambda t: re.sub(r"\\([^\w\s]|_)", r"\1", t),
             "html": html.unescape}.get(fmt, lambda t: t)(out)
    for verdict in result(name).verdicts:  # every claim, with its verdict, in every format
        assert verdict.claim.id in plain, (fmt, verdict.claim.id)
    for title in ["Claims", "Summary"] + [table.title for table in _tables(name)]:
        assert title in plain, (fmt, title)


# --- Markdown: rendered by GitHub's cmark-gfm ----------------------------------------------

@pytest.mark.parametrize("name", EXAMPLES)
def test_markdown_renders_on_github_with_every_cell_intact(name) -> None:
    cmarkgfm = pytest.importorskip("cmarkgfm")
    out = render(result(name), "markdown")
    page = _parse(cmarkgfm.github_flavored_markdown_to_html(out))
    assert not {"em", "strong", "a", "del", "img"} & set(page.tags), "Markdown syntax leaked into the text"
    tables = _tables(name)
    assert len(page.tables) == len(tables)
    for rendered, table in zip(page.tables, tables):
        headers = rendered[0][1]
        assert all(len(row[1]) == len(headers) for row in rendered), table.title  # no cell split or lost
        columns = [table.headers.index(h) for h in headers]
        for (_, cells, _), row in zip(rendered[1:], table.rows):
            values = list(row.__dict__.values()) if hasattr(row, "__dict__") else list(row)
            assert cells == [_cell_text(values[i]).replace("\n", " ") for i in columns], table.title


def test_markdown_chain_rule_is_math() -> None:
    out = render(result("tutorial1"), "markdown")
    # dE/dw5 = dE/dout_y1 * dout_y1/dy1 * dy1/dw5 = 0.7166 * 0.1986 * 0.6029 = 0.0858253...
    line = next(l for l in out.splitlines() if l.startswith(r"$\frac{\partial E}{\partial w_{5}}"))
    assert r"\frac{\partial out_{y1}}{\partial y_{1}}" in line and line.endswith("0.08582532696$")


# --- HTML: classes from the data, one page, and a real browser ------------------------------

@pytest.mark.parametrize("name", EXAMPLES)
def test_html_is_one_self_contained_page_with_classes_from_the_data(name) -> None:
    out = render(result(name), "html")
    page = _parse(out)
    assert out.startswith("<!DOCTYPE html>") and out.rstrip().endswith("</html>")
    assert page.tags.count("html") == page.tags.count("body") == page.tags.count("style") == 1
    assert page.sources == []  # nothing loaded from elsewhere
    assert len(page.tables) == len(_tables(name))
    claims = page.tables[-1][1:]
    assert len(claims) == len(result(name).verdicts)
    for (row_classes, _, cell_classes), verdict in zip(claims, result(name).verdicts):
        assert verdict.verdict in row_classes and {"verdict", verdict.verdict} <= cell_classes[3]


def test_html_marks_every_verdict_of_a_cell_that_holds_several() -> None:
    # tutorial2's dE_dw row is judged three times (its text states it three ways)
    several = [(cell, classes, row_classes) for name in EXAMPLES
               for table in _parse(render(result(name), "html")).tables
               for row_classes, cells, cell_classes in table[1:] for cell, classes in zip(cells, cell_classes)
               if "verdict" in classes and ";" in cell]
    assert several, "no example has a verdict cell with several verdicts"
    for cell, classes, row_classes in several:
        words = set(cell.split("; "))
        assert len(words) > 1 and words <= row_classes and words <= classes, (cell, classes, row_classes)


def test_html_wrong_rows_are_visibly_red_in_a_real_browser(tmp_path) -> None:
    from browser import browser_or_skip

    chromium = browser_or_skip()
    page = tmp_path / "tutorial2.html"
    page.write_text(render(result("tutorial2"), "html"), encoding="utf-8")
    cells = chromium.computed_styles(page, "td.verdict", ["color", "font-weight", "background-color"])
    wrong = [c for c in cells if "wrong" in c["classes"]]
    right = [c for c in cells if c["classes"] == ["verdict", "correct"]]
    assert wrong and right
    for cell in wrong:  # #cf222e, bold, on the wrong row's pale red
        assert cell["style"]["color"] == "rgb(207, 34, 46)", cell
        assert int(cell["style"]["font-weight"]) >= 700 and cell["style"]["background-color"] == "rgb(255, 235, 233)"
        assert cell["box"]["width"] > 0 and cell["box"]["height"] > 0
    assert all(c["style"]["color"] == "rgb(26, 127, 55)" for c in right)
    shot = chromium.screenshot(page, tmp_path / "tutorial2.png")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000


# --- LaTeX: compiles in one pass, no overfull box, no cell running into the next ------------

@pytest.mark.parametrize("name", EXAMPLES)
def test_latex_structure(name) -> None:
    out = render(result(name), "latex")
    assert out.startswith(r"\documentclass") and out.rstrip().endswith(r"\end{document}")
    assert out.count(r"\begin{longtable}") == out.count(r"\end{longtable}") == len(_tables(name))
    packages = set(re.findall(r"\\usepackage(?:\[[^]]*\])?\{([^}]*)\}", out))
    assert packages <= {"geometry", "inputenc", "amsmath", "array", "longtable"}, packages  # latex-recommended
    body = out[out.index(r"\begin{document}"):]
    assert "out_h1" not in body.replace(r"out\_\allowbreak{}h1", "")  # underscores escaped in text
    if name == "tutorial1":
        assert out.count(r"\begin{equation*}") == 10  # one chain rule per parameter: w1..w8, b1, b2
        assert r"$\frac{1}{1 + e^{- h_{1}}}$" in out  # the formula column is math


def _compile(name: str, folder: Path) -> tuple[str, str]:
    (folder / "report.tex").write_text(render(result(name), "latex"), encoding="utf-8")
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "report.tex"], cwd=folder,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:]
    log = (folder / "report.log").read_text(encoding="latin-1")
    layout = subprocess.run(["pdftotext", "-layout", "report.pdf", "-"], cwd=folder, capture_output=True,
                            text=True, timeout=120, check=True).stdout
    return log, layout


@pytest.mark.skipif(shutil.which("pdflatex") is None or shutil.which("pdftotext") is None,
                    reason="no LaTeX toolchain (apt-get install texlive-latex-recommended poppler-utils)")
@pytest.mark.parametrize("name", EXAMPLES)
def test_latex_typesets_cleanly(name, tmp_path) -> None:
    log, layout = _compile(name, tmp_path)
    assert "Overfull" not in log, [line for line in log.splitlines() if "Overfull" in line]
    assert "Rerun" not in log  # one pass is enough
    tokens = set(layout.replace("\u2212", "-").split())
    for table in _tables(name):
        for row in table.rows:  # every value stands alone: no neighbouring cell runs into it
            value = _cell_text(row.value if hasattr(row, "value") else row[1])
            if re.fullmatch(r"-?\d+\.\d+", value) and len(value) <= LATEX_UNBROKEN:
                assert value in tokens, (table.title, value)
