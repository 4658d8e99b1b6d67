"""The annotated page of `handcalc scan --annotate`, loaded in a real headless Chromium (tests/browser.py).

The page forbids every script and every load by its Content-Security-Policy;
to read computed styles, the probe runs in a copy without that one <meta> line
(and with one line that puts the keyboard focus on the wrong number, as Tab
would). The screenshot is of the page itself.
"""

from __future__ import annotations

import re
from pathlib import Path

from handcalc.cli import main

TEXT = Path(__file__).parent / "data" / "texts" / "forward_wrong.md"
CSP = '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; img-src data:">'


def _probe_copy(page: Path, focus: str) -> Path:
    source = page.read_text(encoding="utf-8")
    assert CSP in source  # the page itself loads and runs nothing
    copy = page.with_name("probe.html")
    focused = f'<script>document.getElementById("{focus}").focus();</script></body>'
    copy.write_text(source.replace(CSP, "").replace("</body>", focused), encoding="utf-8")
    return copy


def test_marked_numbers_and_explanations_show_in_a_real_browser(tmp_path, capsys) -> None:
    from browser import browser_or_skip

    chromium = browser_or_skip()
    page = tmp_path / "forward.html"
    assert main(["scan", str(TEXT), "--annotate", str(page)]) == 1
    capsys.readouterr()
    marks = chromium.computed_styles(_probe_copy(page, "hc-L12"), "mark.hc[id]",
                                     ["display", "background-color", "visibility"])
    # the six statements of the text, in order, each with its number and its verdict's symbol
    assert [(m["classes"][1], re.match(r"[\d.]+.", m["text"]).group()) for m in marks] == [
        ("hc-correct", "0.26✓"), ("hc-wrong", "0.19✗"), ("hc-correct", "0.5646✓"), ("hc-propagated", "0.5474↳"),
        ("hc-propagated", "0.5047↳"), ("hc-propagated", "0.6236↳")]
    assert all(m["style"]["visibility"] == "visible" and m["box"]["width"] > 0 and m["box"]["height"] > 0
               for m in marks)
    colours = {m["classes"][1]: m["style"]["background-color"] for m in marks}
    assert len(set(colours.values())) == 3  # correct, wrong and propagated look different
    tips = chromium.computed_styles(_probe_copy(page, "hc-L12"), "mark.hc[id] .hc-tip", ["display"])
    shown = [t for t in tips if t["style"]["display"] != "none"]
    assert len(shown) == 1 and shown[0]["text"].startswith("L12, line 12: wrong. h2 is 0.17, not 0.19")
    assert shown[0]["box"]["width"] > 100 and shown[0]["box"]["height"] > 10  # the explanation is on screen
    links = chromium.computed_styles(_probe_copy(page, "hc-L12"), "a.hc-root", ["display"])
    assert [link["text"] for link in links] == ["→L12"] * 3 and all(link["box"]["width"] > 0 for link in links)
    png = chromium.screenshot(page, tmp_path / "forward.png", 1000, 900)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
