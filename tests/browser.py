"""A real headless browser for the tests: load an HTML page, read computed styles, take a screenshot.

Drives the system's Chromium from its command line (no Python browser package
and no browser download): `--dump-dom` returns the page after its scripts ran,
so a small script injected into a copy of the page writes what the test asks
for (computed styles, sizes) into the DOM as JSON; `--screenshot` writes a PNG.

    from browser import browser_or_skip
    page = browser_or_skip()            # skips the test, with the reason, if there is no browser
    styles = page.computed_styles(html_file, "tr.wrong td", ["color", "background-color"])
    page.screenshot(html_file, tmp_path / "page.png")

Debian: `apt-get install chromium` (CI installs it in .ci/run).  HANDCALC_CHROMIUM
names another binary.
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
from typing import Any

import pytest

__all__ = ["Browser", "find_browser", "browser_or_skip"]

CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--hide-scrollbars", "--mute-audio")
TIMEOUT = 90  # seconds for one browser run (a cold start on a busy 2-core machine takes a few)
_RESULT = re.compile(r'<pre id="handcalc-browser-result">(.*?)</pre>', re.S)

# Runs in the page once it has loaded: for every element matching the selector, the
# computed value of each property asked for, plus its tag, classes, text and box.
_PROBE = """<script>
window.addEventListener("load", () => {
  const ask = %s;
  const found = Array.from(document.querySelectorAll(ask.selector)).map((el) => {
    const style = getComputedStyle(el), box = el.getBoundingClientRect();
    const props = {};
    for (const p of ask.properties) props[p] = style.getPropertyValue(p);
    return {tag: el.tagName.toLowerCase(), classes: Array.from(el.classList), text: el.textContent,
            box: {x: box.x, y: box.y, width: box.width, height: box.height}, style: props};
  });
  const out = document.createElement("pre");
  out.id = "handcalc-browser-result";
  out.textContent = JSON.stringify(found);
  document.body.appendChild(out);
});
</script>"""


class Browser:
    """One Chromium binary, run once per question with a fresh profile."""

    def __init__(self, binary: str) -> None:
        self.binary = binary

    def _run(self, *args: str) -> str:
        with tempfile.TemporaryDirectory(prefix="handcalc-chromium-") as profile:
            done = subprocess.run([self.binary, *FLAGS, f"--user-data-dir={profile}", *args],
                                  capture_output=True, text=True, timeout=TIMEOUT,
                                  env={**os.environ, "HOME": profile})
        if done.returncode != 0:
            raise RuntimeError(f"{self.binary} failed ({done.returncode}): {done.stderr[-2000:]}")
        return done.stdout

    def dom(self, page: Path) -> str:
        """Return the page's DOM after loading it and running its scripts."""
        return self._run("--virtual-time-budget=5000", "--dump-dom", Path(page).resolve().as_uri())

    def computed_styles(self, page: Path, selector: str, properties: list[str]) -> list[dict[str, Any]]:
        """Return, for each element `selector` matches, its tag, classes, text, box and computed properties."""
        page = Path(page)
        source = page.read_text(encoding="utf-8")
        probe = _PROBE % json.dumps({"selector": selector, "properties": properties})
        at = source.rfind("</body>")
        probed = source[:at] + probe + source[at:] if at >= 0 else source + probe
        with tempfile.NamedTemporaryFile("w", suffix=".html", dir=page.parent, encoding="utf-8",
                                         delete=False) as copy:
            copy.write(probed)
        try:
            found = _RESULT.search(self.dom(Path(copy.name)))
        finally:
            Path(copy.name).unlink()
        if found is None:
            raise RuntimeError(f"the probe script did not run in {page}")
        return json.loads(html.unescape(found.group(1)))

    def screenshot(self, page: Path, png: Path, width: int = 1400, height: int = 2000) -> Path:
        """Write a PNG of the page's first `width` x `height` pixels; return its path."""
        png = Path(png).resolve()
        self._run(f"--window-size={width},{height}", f"--screenshot={png}", Path(page).resolve().as_uri())
        if not png.is_file() or png.stat().st_size == 0:
            raise RuntimeError(f"{self.binary} wrote no screenshot to {png}")
        return png


def find_browser() -> Browser | None:
    """Return the first Chromium found (HANDCALC_CHROMIUM first), or None."""
    for name in filter(None, (os.environ.get("HANDCALC_CHROMIUM"), *CANDIDATES)):
        path = shutil.which(name)
        if path:
            return Browser(path)
    return None


def browser_or_skip() -> Browser:
    """Return a browser, or skip the calling test saying what to install."""
    found = find_browser()
    if found is None:
        pytest.skip("no Chromium for the browser test: apt-get install chromium (or set HANDCALC_CHROMIUM)")
    return found
