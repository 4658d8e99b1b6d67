"""Build hook: the README as a package index shows it (PyPI's project page), read from README.md.

A package index page has no repository beside it, so a relative link such as the README's network picture
(`docs/tutorial1.png`) would show as a broken image there. The project has no public address an absolute
link could point to, so instead each relative image becomes a line saying what it shows, where it is in
the source distribution and which command draws it; everything else is README.md as written.
"""

from __future__ import annotations

import re
from pathlib import Path

from hatchling.metadata.plugin.interface import MetadataHookInterface

RELATIVE_IMAGE = re.compile(r"!\[([^\]]*)\]\((?![a-z]+://)([^)\s]+)\)")


def index_readme(text: str) -> str:
    """Return README.md's text with each relative image replaced by a line naming it."""
    return RELATIVE_IMAGE.sub(r"*(Picture: \1, `\2` in the source distribution.)*", text)


class ReadmeHook(MetadataHookInterface):
    """Sets the package's long description to `index_readme` of README.md."""

    def update(self, metadata: dict) -> None:
        text = Path(self.root, "README.md").read_text(encoding="utf-8")
        metadata["readme"] = {"content-type": "text/markdown", "text": index_readme(text)}
