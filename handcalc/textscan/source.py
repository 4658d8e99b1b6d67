"""Scan, step 1: a tutorial's text (plain text, Markdown or HTML) -> the lines to read.

Markdown is parsed with markdown-it-py and HTML with html5lib (the optional
`scan` extra), so emphasis, links, entities and tags never hide a number and
scripts are never read.  Code is never run.  A code block (a ``` fence, an
indented Markdown block, an HTML <pre>) whose every line is a statement is a
display of arithmetic (tutorials often put `(2 * .6) + (9 * .3) = 7.5` in one)
and is read; any other code block is skipped, or with `code=True` only its
comments (`# ...`, `// ...`) are read.  A line that begins with `=` continues
the statement of the line before it, as hand calculations are written.
`Locator` finds each statement again in the source for its line and column.
"""

from __future__ import annotations

import re
from typing import Callable, Iterator

from ..records import record
from ..read.reader import InputError
from .statements import find

__all__ = ["Line", "lines_of", "Locator", "FORMATS", "format_of", "MAX_SCAN_BYTES"]

MAX_SCAN_BYTES = 1_000_000  # bytes of a scanned text, as for a worked-example file
FORMATS = ("text", "markdown", "html")
_EXTENSIONS = {".md": "markdown", ".markdown": "markdown", ".mdown": "markdown", ".html": "html",
               ".htm": "html", ".xhtml": "html"}
_FENCE = re.compile(r"^\s*(```|~~~)")
_COMMENT = re.compile(r"(?:^|\s)(?:#|//)(.*)$")
_AFTER_RELATION_END = re.compile(r"(?:=|≈|≃|→|&asymp;|&#8776;|&rarr;|\\approx|\\to)(?:\s|<[^>]*>|&nbsp;|[*_`$-]|\u2212)*$")
_IN_STATED_LIST = re.compile(r"(?:=|≈|≃|→)\s*\[[^\]\[=]*$")  # = [0.659, 0.242: an element of a stated list
_SCRIPTS = {"sup": "^{", "sub": "_{"}  # x<sup>2</sup> is x^{2}, w<sub>1</sub> is w_{1}: the TeX latex.py reads
_SCRIPT_TAG = re.compile(r"<(/?)(sup|sub)\s*>", re.IGNORECASE)
_SKIPPED_TAGS = {"script", "style", "head", "template", "noscript", "svg", "math", "iframe", "object"}
_BLOCK_TAGS = {"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th", "br",
               "table", "section", "article", "blockquote", "dd", "dt", "figcaption", "header", "footer",
               "main", "aside", "nav", "hr", "body"}


@record
class Line:
    """A line to read: its text, the source line it starts on (None: find it), and what it is."""

    text: str
    line: int | None
    kind: str = "prose"  # "prose", "display" (a code block of arithmetic) or "comment"


def format_of(path: str, chosen: str | None = None) -> str:
    """Return the input format: the one chosen, else from the file's extension (plain text otherwise)."""
    if chosen:
        return chosen
    suffix = path[path.rfind("."):].lower() if "." in path else ""
    return _EXTENSIONS.get(suffix, "text")


def _code_block(texts: list[tuple[str, int | None]], code: bool) -> list[Line]:
    """A code block: a display of arithmetic, read whole; else its comments with `code`, else nothing."""
    content = [(t, n) for t, n in texts if t.strip()]
    if content and all(any(f.is_statement for f in find(t)) for t, _ in content):
        return [Line(t, n, "display") for t, n in content]
    if not code:
        return []
    comments = [(_COMMENT.search(t), n) for t, n in content]
    return [Line(m.group(1), n, "comment") for m, n in comments if m and m.group(1).strip()]


def _text_lines(source: str, code: bool) -> list[Line]:
    lines: list[Line] = []
    fence: list[tuple[str, int | None]] | None = None
    for number, text in enumerate(source.splitlines(), start=1):
        if _FENCE.match(text):
            if fence is None:
                fence = []
            else:
                lines.extend(_code_block(fence, code))
                fence = None
        elif fence is not None:
            fence.append((text, number))
        else:
            lines.append(Line(text, number))
    if fence is not None:
        lines.extend(_code_block(fence, code))
    return lines


def _inline_text(children: list) -> str:
    """An inline token's text; a `*` Markdown took for emphasis inside a word (w1*i1 + w2*i2) stays a `*`."""
    parts: list[str] = []
    for index, child in enumerate(children):
        if child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "html_inline" and (tag := _SCRIPT_TAG.fullmatch(child.content.strip())):
            parts.append("}" if tag.group(1) else _SCRIPTS[tag.group(2).lower()])
        elif child.type in ("em_open", "em_close", "strong_open", "strong_close") and child.markup[0] == "*":
            before = parts[-1][-1:] if parts and parts[-1] else ""
            following = children[index + 1].content[:1] if index + 1 < len(children) else ""
            inside = before.isalnum() or before == ")" if child.type.endswith("open") else \
                following.isalnum() or following == "("
            parts.append(child.markup if inside else "")
    return "".join(parts)


_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_PLAIN_NUMBER = re.compile(r"[-+\u2212]?(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)")


def table_lines(rows: list[tuple[list[str], int | None]]) -> list[Line]:
    """A table's rows as lines; a name and its value side by side (| w5 | 0.40 |), or a row of names over
    rows of values, become `w5 = 0.40` so the values are picked up."""
    cells = [([c.strip() for c in row], line) for row, line in rows]
    header, header_line = cells[0] if cells else ([], None)
    if header and all(_NAME.fullmatch(c) for c in header):
        values = [(row, line) for row, line in cells[1:] if len(row) == len(header)
                  and all(_PLAIN_NUMBER.fullmatch(c) for c in row)]
        if values:
            return [Line("  ".join(f"{n} = {v}" for n, v in zip(header, row)), line) for row, line in values]
    lines = []
    for row, line in cells:
        if len(row) == 2 and _NAME.fullmatch(row[0]) and _PLAIN_NUMBER.fullmatch(row[1]):
            lines.append(Line(f"{row[0]} = {row[1]}", line))
        else:
            lines.extend(Line(c, line) for c in row if c)
            lines.extend(_worked_row(row, line))
    return lines


def _worked_row(row: list[str], line: int | None) -> list[Line]:
    """A row that works something out across its cells (| z | 0.2 * 0.5 + 0.1 | 0.2 |): its last plain
    number is what the cell before it computes, named by the cell before that if it is a name."""
    numbers = [k for k, cell in enumerate(row) if k and _PLAIN_NUMBER.fullmatch(cell)]
    if not numbers:
        return []
    k = numbers[-1]
    work = row[k - 1]
    if not work or _PLAIN_NUMBER.fullmatch(work) or "=" in work:
        return []
    name = f"{row[k - 2]} = " if k >= 2 and _NAME.fullmatch(row[k - 2]) else ""
    return [Line(f"{name}{work} = {row[k]}", line)]


def _markdown_lines(source: str, code: bool) -> list[Line]:
    try:
        from markdown_it import MarkdownIt
    except ImportError:
        raise InputError("reading Markdown needs markdown-it-py: pip install 'handcalc[scan]' "
                         "(or --input-format text)") from None
    lines: list[Line] = []
    rows: list[tuple[list[str], int | None]] | None = None  # the rows of the table being read
    for token in MarkdownIt("commonmark").enable("table").parse(source):
        start = token.map[0] + 1 if token.map else None
        if token.type == "table_open":
            rows = []
        elif token.type == "table_close" and rows is not None:
            lines.extend(table_lines(rows))
            rows = None
        elif token.type == "tr_open" and rows is not None:
            rows.append(([], start))
        elif token.type == "inline" and rows:
            rows[-1][0].append(_inline_text(token.children or []))
        elif token.type == "inline":
            text = _inline_text(token.children or [])
            lines.extend(Line(t, None if start is None else start + i) for i, t in enumerate(text.split("\n")))
        elif token.type in ("fence", "code_block"):
            first = None if start is None else start + (token.type == "fence")
            texts = token.content.split("\n")
            lines.extend(_code_block([(t, None if first is None else first + i) for i, t in enumerate(texts)], code))
    return lines


def html_tree(source: str):
    """Parse HTML with html5lib into the <html> element of an ElementTree (tags without namespace)."""
    try:
        import html5lib
    except ImportError:
        raise InputError("reading HTML needs html5lib: pip install 'handcalc[scan]' (or --input-format text)") from None
    return html5lib.parse(source, treebuilder="etree", namespaceHTMLElements=False)


def _text_of(element) -> str:
    """An element's text, with its superscripts and subscripts marked as TeX does (^{...}, _{...})."""
    tag = element.tag if isinstance(element.tag, str) else ""
    parts = [_SCRIPTS.get(tag, ""), element.text or ""]
    for child in element:
        parts += [_text_of(child), child.tail or ""]
    return "".join(parts + (["}"] if tag in _SCRIPTS else []))


def _html_lines(source: str, code: bool) -> list[Line]:
    lines: list[Line] = []
    current: list[str] = []

    def flush() -> None:
        lines.extend(Line(t, None) for t in "".join(current).split("\n") if t.strip())
        current.clear()

    def walk(element) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in _SKIPPED_TAGS:
            return
        if tag == "table":
            flush()
            rows = [([_text_of(cell) for cell in row if cell.tag in ("td", "th")], None)
                    for row in element.iter("tr")]
            lines.extend(table_lines(rows))
            return
        if tag == "pre":
            flush()
            lines.extend(_code_block([(t, None) for t in "".join(element.itertext()).split("\n")], code))
            return
        if tag in _BLOCK_TAGS:
            flush()
        current.append(_SCRIPTS.get(tag, "") + (element.text or ""))
        for child in element:
            walk(child)
            current.append(child.tail or "")
        if tag in _SCRIPTS:
            current.append("}")
        if tag in _BLOCK_TAGS:
            flush()

    walk(html_tree(source))
    flush()
    return lines


_READERS: dict[str, Callable[[str, bool], list[Line]]] = {
    "text": _text_lines, "markdown": _markdown_lines, "html": _html_lines}


def _joined(lines: list[Line]) -> Iterator[Line]:
    """Join each prose line that begins with `=` to the prose line before it (a hand calculation's layout)."""
    previous: Line | None = None
    for line in lines:
        if not line.text.strip():
            continue
        if line.kind == "prose" and previous is not None and previous.kind == "prose" \
                and line.text.lstrip().startswith(("=", "≈")):
            previous = Line(previous.text + " " + line.text.strip(), previous.line, "prose")
            continue
        if previous is not None:
            yield previous
        previous = line
    if previous is not None:
        yield previous


def lines_of(source: str, fmt: str, code: bool = False) -> list[Line]:
    """Return the lines to read in the source, in order."""
    if fmt not in _READERS:
        raise InputError(f"unknown input format {fmt!r}: expected one of {', '.join(FORMATS)}")
    if len(source.encode("utf-8", "surrogatepass")) > MAX_SCAN_BYTES:
        raise InputError(f"the text is larger than MAX_SCAN_BYTES = {MAX_SCAN_BYTES:,} bytes")
    return list(_joined(_READERS[fmt](source, code)))


class Locator:
    """Finds statements in the source text, in order, for their line and column (1-based)."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self.cursor = 0

    def position(self, offset: int) -> tuple[int, int]:
        """Return (line, column) of a character offset."""
        import bisect

        index = bisect.bisect_right(self.starts, offset) - 1
        return index + 1, offset - self.starts[index] + 1

    def find(self, first: str, stated: str, line: int | None) -> tuple[int, int, int, int]:
        """Return where the statement begins (its first member, else its stated number), line and column,
        and the offsets of its stated number in the source ((0, 0, -1, -1) when it is not found)."""
        begin = self.cursor
        if line is not None and line - 1 < len(self.starts):
            begin = max(begin, self.starts[line - 1])
        found = self._number(stated.lstrip("+-\u2212"), begin)
        if found is None:
            return (*self.position(begin), -1, -1) if line is not None else (0, 0, -1, -1)
        start, end = found
        if stated.startswith("-") and start > 0 and self.source[start - 1] in "-\u2212\u2013":
            start -= 1
        head = self.source.rfind(first, begin, start) if first else -1
        self.cursor = end
        return (*self.position(head if head >= 0 else start), start, end)

    def _number(self, digits: str, begin: int, tries: int = 50) -> tuple[int, int] | None:
        """The next place from `begin` where `digits` stands as a whole number: on that place's line, the
        first after a relation sign if there is one (`2 * 0.5 = 0.5`), else the first."""
        first = None
        position, stop = begin, len(self.source)
        for _ in range(tries):
            position = self.source.find(digits, position, stop)
            if position < 0:
                break
            end = position + len(digits)
            before = self.source[position - 1: position] if position else ""
            after = self.source[end: end + 1]
            if not (before.isalnum() or before == ".") and not after.isdigit():
                before_number = self.source[max(0, position - 400): position]
                if _AFTER_RELATION_END.search(before_number[-40:]) or _IN_STATED_LIST.search(before_number):
                    return position, end
                if first is None:
                    first = (position, end)
                    line_end = self.source.find("\n", end)
                    stop = len(self.source) if line_end < 0 else line_end
            position = end
        return first
