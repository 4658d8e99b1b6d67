"""handcalc: reproduce neural-network tutorials' worked examples exactly and judge every number they state.

    import handcalc
    report = handcalc.load("tutorial1").report()
    report.values["new_w5"], report.claims, report.factors("dE_dw5")
    handcalc.scan("post.md")   # the arithmetic a tutorial's own text states, judged

The public API is `load`, `scan`, `Example`, `Report` and `ScanReport`; importing the package stays
light, and SymPy and NumPy load only when an example is checked.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"  # the one source of the version: pyproject.toml reads it (hatch's dynamic version)
__all__ = ["load", "scan", "Example", "Report", "ScanReport", "__version__"]


def __getattr__(name: str) -> Any:
    if name in ("load", "scan", "Example", "Report", "ScanReport"):
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'handcalc' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
