"""The annotated page of `handcalc scan --annotate`, loaded in a real headless Chromium.

Chromium is driven from its command line (no Python browser package, no browser
download): `--dump-dom` returns the page after loading it, so a probe script in
a copy of the page writes the computed styles and boxes of the marked numbers
into the DOM as JSON; `--screenshot` writes a PNG of the page itself.  The page
forbids every script and load by its Content-Security-Policy, so the copy drops
that one <meta> line, and puts the keyboard focus on the wrong number as Tab would.
Skipped, saying what to install, where no Chromium exists (CI installs it: .ci/run).
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from handcalc.cli import main

TEXT = Path(__file__).parent / "data" / "texts" / "forward_wrong.md"
CSP = '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; img-src data:">'
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--hide-scrollbars")
PROBE = """<script>
document.getElementById("hc-L12").focus();
window.addEventListener("load", () => {
  const found = Array.from(document.querySelectorAll("mark.hc[id], mark.hc[id] .hc-tip, a.hc-root")).map((el) => {
    const style = getComputedStyle(el), box = el.getBoundingClientRect();
    return {tag: el.tagName.toLowerCase(), classes: Array.from(el.classList), text: el.textContent,
            display: style.display, visibility: style.visibility, background: style.backgroundColor,
            width: box.width, height: box.height, href: el.getAttribute("href")};
  });
  const out = document.createElement("pre");
  out.id = "probe-result";
  out.textContent = JSON.stringify(found);
  document.body.appendChild(out);
});
</script></body>"""


def _chromium() -> str:
    found = next(filter(None, (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome"))), None)
    if found is None:
        pytest.skip("no Chromium for the browser test: apt-get install chromium")
    return found


def _run(binary: str, *args: str) -> str:
    with tempfile.TemporaryDirectory(prefix="handcalc-chromium-") as profile:
        done = subprocess.run([binary, *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True,
                              text=True, timeout=120, env={**os.environ, "HOME": profile})
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_marked_numbers_and_explanations_show_in_a_real_browser(tmp_path, capsys) -> None:
    binary = _chromium()
    page = tmp_path / "forward.html"
    assert main(["scan", str(TEXT), "--annotate", str(page)]) == 1
    capsys.readouterr()
    source = page.read_text(encoding="utf-8")
    assert CSP in source  # the page itself loads and runs nothing
    probe = tmp_path / "probe.html"
    probe.write_text(source.replace(CSP, "").replace("</body>", PROBE), encoding="utf-8")
    dom = _run(binary, "--virtual-time-budget=5000", "--dump-dom", probe.as_uri())
    found = json.loads(html.unescape(re.search(r'<pre id="probe-result">(.*?)</pre>', dom, re.S).group(1)))
    marks = [e for e in found if e["tag"] == "mark"]
    # the six statements of the text, in order, each with its number and its verdict's symbol, visible
    assert [(m["classes"][1], re.match(r"[\d.]+.", m["text"]).group()) for m in marks] == [
        ("hc-correct", "0.26✓"), ("hc-wrong", "0.19✗"), ("hc-correct", "0.5646✓"), ("hc-propagated", "0.5474↳"),
        ("hc-propagated", "0.5047↳"), ("hc-propagated", "0.6236↳")]
    assert all(m["visibility"] == "visible" and m["width"] > 0 and m["height"] > 0 for m in marks)
    assert len({m["background"] for m in marks}) == 3  # correct, wrong and propagated look different
    shown = [t for t in found if "hc-tip" in t["classes"] and t["display"] != "none"]
    assert len(shown) == 1 and shown[0]["text"].startswith("L12, line 12: wrong. h2 is 0.17, not 0.19")
    assert shown[0]["width"] > 100 and shown[0]["height"] > 10  # the focused number's explanation is on screen
    links = [e for e in found if e["tag"] == "a"]
    assert [(a["text"], a["href"]) for a in links] == [("→L12", "#hc-L12")] * 3 and all(a["width"] > 0 for a in links)
    png = tmp_path / "forward.png"
    _run(binary, "--window-size=1000,900", f"--screenshot={png}", page.as_uri())
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
