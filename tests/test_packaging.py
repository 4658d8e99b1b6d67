"""A wheel built from the repo, installed in a fresh virtual environment, runs the commands a user types."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import tarfile
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
    subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "-q", str(wheel)], check=True,
                   capture_output=True, text=True, timeout=300)
    # lent only after the install: where handcalc itself is installed beside its dependencies (the sdist's
    # own suite), pip would otherwise find it already there and skip the wheel
    Path(site, "lent_dependencies.pth").write_text("\n".join(sorted(_dependency_folders())) + "\n")
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


def _metadata(wheel: Path) -> str:
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        return archive.read(name).decode("utf-8")


def test_the_index_page_readme_has_no_broken_picture(wheel) -> None:
    metadata = _metadata(wheel)
    header, description = metadata.split("\n\n", 1)
    assert "Description-Content-Type: text/markdown" in header
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    relative = re.findall(r"!\[[^\]]*\]\((?!https?://)[^)]+\)", readme)
    assert relative  # the README does show a picture from the repository ...
    assert not re.findall(r"!\[[^\]]*\]\((?!https?://)[^)]+\)", description)  # ... which the index page names instead
    assert "`docs/tutorial1.png` in the source distribution" in description
    assert description.count("\n## ") == readme.count("\n## ")  # everything else as written
    from handcalc import __version__

    assert f"\nVersion: {__version__}\n" in header  # the one version, from handcalc/__init__.py


def test_the_index_readme_keeps_absolute_images() -> None:
    spec = importlib.util.spec_from_file_location("hatch_build", ROOT / "hatch_build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = "a ![net](docs/n.png) b ![logo](https://example.org/l.png) c"
    assert module.index_readme(text) == ("a *(Picture: net, `docs/n.png` in the source distribution.)* b "
                                         "![logo](https://example.org/l.png) c")


def test_the_sdist_holds_every_file_of_the_repository(tmp_path) -> None:
    # so the sdist's own test suite has the notebooks, docs, fuzz corpus and test data it reads
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    if listed.returncode != 0 or not listed.stdout:
        pytest.skip("not a git checkout (the sdist itself, say): nothing to compare with")
    subprocess.run([sys.executable, "-m", "hatchling", "build", "-t", "sdist", "-d", str(tmp_path)], cwd=ROOT,
                   check=True, capture_output=True, text=True, timeout=300)
    (sdist,) = tmp_path.glob("handcalc-*.tar.gz")
    with tarfile.open(sdist) as archive:
        shipped = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    tracked = {name for name in listed.stdout.splitlines() if (ROOT / name).is_file()}
    assert tracked - shipped == set()
