"""Scan, step 5: a self-contained HTML copy of the text with every checked number marked.

Each stated number a statement ends in is wrapped in a <mark> that shows its
verdict by colour and by a symbol (✓ correct, ≈ rounding, ↳ propagated,
✗ wrong, ? unchecked: readable without colour), holds the explanation as a
tooltip shown on hover and on keyboard focus, and for a propagated statement
links to its root.  A summary with a legend and the root errors leads the page.
Plain text is shown as written; Markdown is rendered (markdown-it-py) and HTML
kept, both through html5lib with scripts, styles, event handlers, frames and
external resources removed: the page loads nothing from anywhere.
"""

from __future__ import annotations

import html
import re
from typing import Any

from .judging import Checked
from .report import root_lines, summary_line
from .scanner import ScanResult
from .source import html_tree

__all__ = ["annotate", "SYMBOLS"]

SYMBOLS = {"correct": "✓", "rounding": "≈", "propagated": "↳", "wrong": "✗", "unchecked": "?"}
_REMOVED = {"script", "style", "link", "meta", "base", "iframe", "frame", "frameset", "object", "embed", "applet",
            "noscript", "template", "form", "input", "button", "select", "textarea", "audio", "video", "source",
            "track", "picture", "svg", "math", "canvas", "title"}
_URL_ATTRIBUTES = {"href", "src", "srcset", "action", "formaction", "poster", "background", "cite", "data", "xlink:href"}
_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 60em; color: #222; line-height: 1.5; }
pre { background: #f6f6f6; padding: 0.6em; overflow-x: auto; white-space: pre-wrap; }
.hc-summary { border: 2px solid #444; padding: 0.5em 1em; margin-bottom: 2em; background: #fafafa; }
mark.hc { position: relative; padding: 0 0.15em; border-radius: 0.2em; border-bottom: 2px solid; color: inherit; }
mark.hc:focus { outline: 3px solid #0969da; }
mark.hc-correct { background: #dafbe1; border-color: #1a7f37; }
mark.hc-rounding { background: #fff8c5; border-color: #9a6700; }
mark.hc-propagated { background: #ffe7d1; border-color: #bc4c00; border-bottom-style: dashed; }
mark.hc-wrong { background: #ffd7d5; border-color: #cf222e; border-bottom-width: 3px; font-weight: bold; }
mark.hc-unchecked { background: #eeeeee; border-color: #777; border-bottom-style: dotted; }
.hc-symbol { font-weight: bold; margin-left: 0.15em; }
.hc-tip { display: none; position: absolute; left: 0; top: 1.6em; z-index: 10; width: 28em; max-width: 80vw;
  background: #fff; color: #222; border: 1px solid #444; padding: 0.4em 0.6em; font: 0.85em/1.4 system-ui, sans-serif;
  font-weight: normal; white-space: normal; box-shadow: 0 2px 6px rgba(0,0,0,0.25); }
mark.hc:hover .hc-tip, mark.hc:focus .hc-tip, mark.hc:focus-within .hc-tip { display: block; }
a.hc-root { font-size: 0.8em; margin-left: 0.2em; }
.hc-unplaced { color: #555; }
"""
_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>{title}</title>
<style>{style}</style>
</head>
<body>
{summary}
{body}
</body>
</html>
"""


def _anchor(statement: Checked) -> str:
    return "hc-" + re.sub(r"[^A-Za-z0-9_-]", "-", statement.id)


def _mark(statement: Checked, number: str, ids: dict[str, Checked]) -> str:
    """The <mark> for one stated number: verdict class, symbol, tooltip, link to the root."""
    verdict = statement.verdict
    symbol = SYMBOLS[verdict.verdict]
    why = verdict.explanation or f"{statement.text}: correct"
    label = f"{statement.id}, line {statement.line}: {verdict.verdict}. {why}"
    tip = f'<span class="hc-tip" role="tooltip" id="{_anchor(statement)}-tip">{html.escape(label)}</span>'
    roots = "".join(f'<a class="hc-root" href="#{_anchor(ids[r])}">→{html.escape(r)}</a>'
                    for r in verdict.roots if r in ids)
    return (f'<mark class="hc hc-{verdict.verdict}" id="{_anchor(statement)}" tabindex="0" '
            f'data-verdict="{verdict.verdict}" aria-describedby="{_anchor(statement)}-tip">'
            f'{html.escape(number)}<span class="hc-symbol" aria-label="{verdict.verdict}">{symbol}</span>{tip}</mark>{roots}')


def _summary(result: ScanResult, placed: set[str]) -> str:
    ids = {s.id: s for s in result.statements}
    legend = " ".join(f'<span class="hc-legend"><mark class="hc hc-{v}">{s}</mark> {v}</span>' for v, s in SYMBOLS.items())
    roots = "".join(f'<li><a href="#{_anchor(ids[line.split(" ", 1)[0]])}">{html.escape(line)}</a></li>'
                    for line in root_lines(result))
    unplaced = [s for s in result.statements if s.id not in placed]
    rest = "".join(f'<li class="hc-unplaced">{html.escape(s.id)} ({html.escape(s.text)}): {SYMBOLS[s.verdict.verdict]} '
                   f'{s.verdict.verdict}. {html.escape(s.verdict.explanation or "")}</li>' for s in unplaced)
    parts = [f'<div class="hc-summary" role="region" aria-label="handcalc summary"><h2>handcalc scan: '
             f'{html.escape(result.name)}</h2><p id="hc-counts">{html.escape(summary_line(result))}</p><p>{legend}</p>']
    if roots:
        parts.append(f"<p>Root errors, each with what follows from it:</p><ul>{roots}</ul>")
    if rest:
        parts.append(f"<p>Statements not found again in the page:</p><ul>{rest}</ul>")
    return "".join(parts) + "</div>"


def _text_body(result: ScanResult) -> tuple[str, set[str]]:
    ids = {s.id: s for s in result.statements}
    out, position, placed = [], 0, set()
    for statement in result.statements:
        span = result.spans.get(statement.id)
        if span is None or span[0] < position:
            continue
        out += [html.escape(result.source[position: span[0]]), _mark(statement, result.source[span[0]: span[1]], ids)]
        position = span[1]
        placed.add(statement.id)
    out.append(html.escape(result.source[position:]))
    return f'<pre class="hc-text">{"".join(out)}</pre>', placed


def _clean(root: Any) -> None:
    """Remove everything that could run or load: scripts, frames, handlers, external URLs, styles; images
    become their alt text."""
    for image in [e for e in root.iter() if isinstance(e.tag, str) and e.tag.lower() == "img"]:
        alt = image.attrib.get("alt", "")
        image.tag, image.text = "span", f"[image{': ' + alt if alt else ''}]"
        image.attrib.clear()
        image.set("class", "hc-image")
    for parent in list(root.iter()):
        for child in list(parent):
            if not isinstance(child.tag, str) or child.tag.lower() in _REMOVED:
                tail = child.tail or ""
                index = list(parent).index(child)
                parent.remove(child)
                if tail:
                    if index == 0:
                        parent.text = (parent.text or "") + tail
                    else:
                        parent[index - 1].tail = (parent[index - 1].tail or "") + tail
        for name in list(parent.attrib):
            value = parent.attrib[name]
            lowered = name.lower()
            if lowered.startswith("on") or lowered == "style" or (
                    lowered in _URL_ATTRIBUTES and not value.strip().startswith("#")):
                del parent.attrib[name]


def _slots(element: Any, parent: Any = None) -> list[tuple[Any, str, Any]]:
    """Every piece of text in document order: (element, "text" or "tail", parent)."""
    slots = [(element, "text", parent)]
    for child in element:
        slots += _slots(child, element)
        slots.append((child, "tail", element))
    return slots


def _dom_body(result: ScanResult, page: str) -> tuple[str, set[str]]:
    import html5lib

    tree = html_tree(page)
    body = tree.find("body")
    _clean(body)
    ids = {s.id: s for s in result.statements}
    slots, index, placed = _slots(body), 0, set()
    for statement in result.statements:
        number = re.escape(statement.verdict.claim.stated.lstrip("+")).replace("\\-", "[-\u2212\u2013]\\s?")
        found = _find(slots, index, number)
        if found is None:
            continue
        index, match = found
        element, kind, parent = slots[index]
        text = getattr(element, kind) or ""
        fragment = html5lib.parseFragment(_mark(statement, match.group(1), ids), treebuilder="etree",
                                          namespaceHTMLElements=False)
        marks = list(fragment)
        setattr(element, kind, text[: match.start(1)])
        host, at = (element, 0) if kind == "text" else (parent, list(parent).index(element) + 1)
        for offset, node in enumerate(marks):
            host.insert(at + offset, node)
        last = marks[-1]
        last.tail = text[match.end(1):]
        slots[index] = (last, "tail", host)
        placed.add(statement.id)
    serialized = html5lib.serialize(body, tree="etree", omit_optional_tags=False, quote_attr_values="always")
    return re.sub(r"^<body[^>]*>|</body>$", "", serialized.strip()), placed


def _find(slots: list[tuple[Any, str, Any]], index: int, number: str) -> tuple[int, re.Match] | None:
    """The next slot from `index` holding the number after a relation sign, else the number alone."""
    for pattern in (r"(?:=|≈|≃|→)\s*(" + number + r")(?![\d])", r"(?<![\w.])(" + number + r")(?![\d])"):
        for position in range(index, len(slots)):
            element, kind, _ = slots[position]
            match = re.search(pattern, getattr(element, kind) or "")
            if match:
                return position, match
    return None


_PRODUCT_STAR = re.compile(r"(?<=[\w)])\*(?=[\w(])")


def _literal_products(markdown: str) -> str:
    """Escape each `*` between two operands (w1*i1) outside code, so the page shows the product the scan
    read rather than emphasis."""
    out, fenced = [], False
    for line in markdown.split("\n"):
        if _FENCE_LINE.match(line):
            fenced = not fenced
        if fenced or _FENCE_LINE.match(line) or line.startswith(("    ", "\t")):
            out.append(line)
            continue
        parts = line.split("`")  # odd parts are inline code
        out.append("`".join(_PRODUCT_STAR.sub(r"\\*", part) if i % 2 == 0 else part for i, part in enumerate(parts)))
    return "\n".join(out)


_FENCE_LINE = re.compile(r"^\s*(```|~~~)")


def annotate(result: ScanResult) -> str:
    """Return the annotated copy of the scanned text as one self-contained HTML page."""
    if result.fmt == "text":
        body, placed = _text_body(result)
    else:
        page = result.source
        if result.fmt == "markdown":
            from markdown_it import MarkdownIt

            page = MarkdownIt("commonmark").enable("table").render(_literal_products(result.source))
        body, placed = _dom_body(result, page)
    return _PAGE.format(title=html.escape(f"handcalc scan: {result.name}"), style=_STYLE,
                        summary=_summary(result, placed), body=body)
