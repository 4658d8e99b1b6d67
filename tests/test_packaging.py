"""A wheel built from the repo, installed in a fresh virtual environment, runs the commands a user types."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytest.importorskip("hatchling")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out),
                    str(ROOT)], check=True, capture_output=True, text=True, timeout=300)
    (built,) = out.glob("handcalc-*.whl")
    return built


def _dependency_folders() -> set[str]:
    """Return the folders from which this interpreter imports handcalc's run-time dependencies."""
    folders = set()
    for name in ("sympy", "mpmath", "numpy", "tabulate"):
        origin = Path(importlib.util.find_spec(name).origin)
        folders.add(str(origin.parent.parent if origin.name == "__init__.py" else origin.parent))
    return folders


def test_wheel_ships_the_worked_examples(wheel) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    for example in ("tutorial1", "tutorial2", "tutorial3"):
        assert f"handcalc/worked_examples/{example}.toml" in names
    assert "handcalc/output/report.schema.json" in names  # the JSON report's schema (README, "JSON for tools and CI")
    assert "handcalc/textscan/scan.schema.json" in names  # the scan report's schema
    assert not any(name.startswith(("tests/", "notebooks/")) for name in names)


def test_wheel_installs_and_runs_in_a_fresh_virtual_environment(wheel, tmp_path) -> None:
    # A fresh environment of its own; a .pth file lends it the folders holding this interpreter's copies of
    # the dependencies (sympy, mpmath, numpy, tabulate), so nothing is downloaded and it works the same
    # whether the tests run from a virtual environment or the system Python. The wheel is installed into it
    # and the commands run from an empty folder, away from the repo.
    env = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env)
    python = env / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    Path(site, "lent_dependencies.pth").write_text("\n".join(sorted(_dependency_folders())) + "\n")
    subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "-q", str(wheel)], check=True,
                   capture_output=True, text=True, timeout=300)
    work = tmp_path / "elsewhere"
    work.mkdir()

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([*args], cwd=work, capture_output=True, text=True, timeout=300)

    located = run(str(python), "-c", "import handcalc, pathlib; print(pathlib.Path(handcalc.__file__).parent)")
    assert Path(located.stdout.strip()).is_relative_to(env), located.stdout  # the wheel, not the repo

    report = run(str(env / "bin" / "handcalc"), "tutorial1")
    assert report.returncode in (0, 1), report.stderr
    assert "0.41425240" in report.stdout and "Traceback" not in report.stderr

    helped = run(str(env / "bin" / "handcalc"), "--help")
    assert helped.returncode == 0 and "usage: handcalc" in helped.stdout

    listed = run(str(python), "-m", "handcalc", "--list")
    assert listed.returncode == 0
    lines = listed.stdout.splitlines()
    assert [line.split()[0] for line in lines] == ["tutorial1", "tutorial2", "tutorial3"]
    assert all(len(line.split(maxsplit=1)) == 2 for line in lines)  # each with a one-line description
