"""The distribution, as a reader gets it: `pip install dlbasics` and a downloaded notebook.

1. ``python -m build`` makes the sdist, then the wheel from the unpacked sdist (so the sdist is
   complete); each holds the package's tracked files and its metadata, nothing else (no tests,
   pages, MNIST or caches), and passes ``twine check``.
2. A fresh virtual environment outside the checkout gets only what a Jupyter needs (ipykernel,
   nbclient) and the package's dependencies, from PyPI at the pinned versions; then three
   downloaded notebooks of the built site run there with nbclient: a NumPy page, the MNIST data
   page (with ``DLBASICS_MNIST_DIR``), and an exercises page. The first notebook's setup cell
   installs the wheel (pip may read only the folder of the built distribution), as it installs
   the package from PyPI for a reader. A last cell in each notebook reports where ``dlbasics``
   came from and ``sys.path``: no source tree may be on it.

The exercises page is the first downloaded notebook that imports ``dlbasics.exercises``; until
there is one, a third NumPy page runs in its place (``EXERCISES_STAND_IN``).
"""

from __future__ import annotations

import email.parser
import json
import os
import subprocess
import sys
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest

import dlbasics

from .site_support import REPO
from .test_site import page_dir

pytestmark = pytest.mark.dist

VERSION = dlbasics.__version__
CONSTRAINTS = REPO / "requirements" / "constraints.txt"
NUMPY_PAGE = ("ko", "perceptron")
MNIST_PAGE = ("en", "mnist-data")
EXERCISES_MODULE = "dlbasics.exercises"
EXERCISES_STAND_IN = ("en", "backpropagation")  # a NumPy page, until an exercises page exists
SDIST_EXTRAS = {"PKG-INFO", "setup.cfg", "pyproject.toml", "README.md", "LICENSE", "MANIFEST.in"}
TIMEOUT = 900  # seconds for a pip install or the notebooks, on a loaded 2-core machine

PROBE = """\
import json, os, sys
import dlbasics
print("DLBASICS_PROBE " + json.dumps({
    "file": dlbasics.__file__, "version": dlbasics.__version__, "path": sys.path,
    "executable": sys.executable, "prefix": sys.prefix, "cwd": os.getcwd(),
}))
"""

# Runs in the fresh environment: execute each notebook, then the probe, in one kernel.
DRIVER = """\
import json, sys
from pathlib import Path
import nbformat
from nbclient import NotebookClient

probe, results = Path(sys.argv[1]).read_text(), {}
for path in map(Path, sys.argv[3:]):
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(probe))
    client = NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute()
        error = None
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[-3000:]
    lines = [line for output in notebook.cells[-1].get("outputs", [])
             for line in output.get("text", "").splitlines() if line.startswith("DLBASICS_PROBE ")]
    results[path.name] = {"error": error,
                          "probe": json.loads(lines[0].split(" ", 1)[1]) if lines else None}
Path(sys.argv[2]).write_text(json.dumps(results, indent=2))
"""


def run(command, timeout=TIMEOUT, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, timeout=timeout, **kwargs
    )
    if result.returncode != 0:
        pytest.fail(f"{command[:4]} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """The sdist and the wheel, built from the checkout into a temporary folder."""
    out = tmp_path_factory.mktemp("dist")
    run([sys.executable, "-m", "build", "--outdir", out, REPO])  # sdist, then wheel from it
    return out


def tracked_package_files() -> set[str]:
    """Every file of the package that git tracks (new files included): what must ship."""
    try:
        listed = run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "dlbasics"],
            cwd=REPO,
        ).stdout.split()
    except FileNotFoundError:
        pytest.fail("git is needed to know which files of dlbasics/ are the package's")
    return {name for name in listed if (REPO / name).is_file()}


def test_sdist_and_wheel_hold_the_package_and_its_metadata_only(dist):
    files = sorted(path.name for path in dist.iterdir())
    wheel_name, sdist_name = f"dlbasics-{VERSION}-py3-none-any.whl", f"dlbasics-{VERSION}.tar.gz"
    assert files == [wheel_name, sdist_name]
    package = tracked_package_files()
    assert "dlbasics/__init__.py" in package and "dlbasics/plots/__init__.py" in package

    with zipfile.ZipFile(dist / wheel_name) as wheel:
        names = set(wheel.namelist())
    info = f"dlbasics-{VERSION}.dist-info/"
    assert {name for name in names if not name.startswith(info)} == package
    assert {name[len(info) :] for name in names if name.startswith(info)} == {
        "METADATA", "WHEEL", "RECORD", "entry_points.txt", "top_level.txt", "licenses/LICENSE",
    }  # fmt: skip

    with tarfile.open(dist / sdist_name) as sdist:
        members = {m.name.split("/", 1)[1] for m in sdist.getmembers() if m.isfile()}
    egg_info = {name for name in members if name.startswith("dlbasics.egg-info/")}
    assert members - egg_info == package | SDIST_EXTRAS
    for name in names | members:  # and so: no tests, pages, data, caches
        assert not name.startswith(("tests/", "docs/", "site/")), name
        assert "__pycache__" not in name and not name.endswith((".pyc", ".ipynb", ".gz", ".npz"))
        assert "ubyte" not in name, name

    run([sys.executable, "-m", "twine", "check", "--strict", *sorted(dist.iterdir())])


def test_the_wheel_says_its_version_and_lower_bounds_only(dist):
    with zipfile.ZipFile(dist / f"dlbasics-{VERSION}-py3-none-any.whl") as wheel:
        text = wheel.read(f"dlbasics-{VERSION}.dist-info/METADATA").decode()
    metadata = email.parser.Parser().parsestr(text)
    assert metadata["Version"] == VERSION  # the one source: dlbasics.__version__
    assert metadata["Requires-Python"] == ">=3.11"
    assert {"keras", "docs", "dev"} <= set(metadata.get_all("Provides-Extra"))
    runtime = [r for r in metadata.get_all("Requires-Dist") if "extra ==" not in r]
    assert sorted(r.split(">=")[0] for r in runtime) == ["matplotlib", "numpy"]
    for requirement in runtime:  # lower bounds: a pin or a cap breaks installs (d2l's numpy)
        assert "==" not in requirement and "<" not in requirement, requirement
    for requirement in metadata.get_all("Requires-Dist"):  # the pins live in constraints.txt
        assert "==" not in requirement.split(";")[0], requirement


def downloaded(site: Path, language: str, page: str) -> Path:
    return page_dir(site, language, page) / f"{page}.ipynb"


def exercises_notebook(site: Path) -> Path | None:
    """The first downloaded notebook whose code imports the exercises module, if any."""
    for path in sorted(site.rglob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        if f"from {EXERCISES_MODULE}" in code or f"import {EXERCISES_MODULE}" in code:
            return path
    return None


def test_three_downloaded_notebooks_run_in_a_fresh_environment_with_the_wheel(
    dist, built_site, mnist_dir, tmp_path_factory
):
    root = tmp_path_factory.mktemp("reader")
    assert not root.resolve().is_relative_to(REPO.resolve()), "the venv must be outside"
    environment = root / "venv"
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    # what Jupyter needs and the package's dependencies, at the pinned versions; not dlbasics
    run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "-c", CONSTRAINTS, "ipykernel", "nbclient", "numpy", "matplotlib"])  # fmt: skip
    missing = (
        "import importlib.util, sys; sys.exit(importlib.util.find_spec('dlbasics') is not None)"
    )
    run([python, "-c", missing], cwd=root)  # the first setup cell has something to install

    exercises = exercises_notebook(built_site) or downloaded(built_site, *EXERCISES_STAND_IN)
    sources = [downloaded(built_site, *NUMPY_PAGE), downloaded(built_site, *MNIST_PAGE), exercises]
    notebooks = []
    for source in sources:  # each in a folder of its own, as a reader's downloads would be
        target = root / "notebooks" / source.parent.name / source.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read_bytes())
        notebooks.append(target)
    (root / "driver.py").write_text(DRIVER, encoding="utf-8")
    (root / "probe.py").write_text(PROBE, encoding="utf-8")

    keep = ("PATH", "HOME", "LANG", "TMPDIR", "SYSTEMROOT")
    env = {name: os.environ[name] for name in keep if name in os.environ}
    env.update(
        DLBASICS_MNIST_DIR=str(mnist_dir),
        MPLBACKEND="module://matplotlib_inline.backend_inline",
        PYTHONNOUSERSITE="1",
        PYDEVD_DISABLE_FILE_VALIDATION="1",
        JUPYTER_CONFIG_DIR=str(root / "jupyter"),
        JUPYTER_DATA_DIR=str(root / "jupyter"),
        IPYTHONDIR=str(root / "ipython"),
        # the setup cell's %pip install finds dlbasics in the built distribution, nowhere else
        PIP_NO_INDEX="1",
        PIP_FIND_LINKS=str(dist),
        PIP_DISABLE_PIP_VERSION_CHECK="1",
    )
    results_file = root / "results.json"
    run([python, root / "driver.py", root / "probe.py", results_file, *notebooks],
        cwd=root / "notebooks", env=env)  # fmt: skip
    results = json.loads(results_file.read_text(encoding="utf-8"))

    site_packages = run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
    purelib = Path(site_packages.stdout.strip()).resolve()
    assert list(results) == [path.name for path in notebooks]
    for name, result in results.items():
        assert result["error"] is None, f"{name}: {result['error']}"
        probe = result["probe"]
        assert Path(probe["prefix"]).resolve() == environment.resolve(), name
        assert Path(probe["file"]).resolve() == purelib / "dlbasics" / "__init__.py", name
        assert probe["version"] == VERSION
        assert source_trees_on_path(probe, purelib) == [], name


def source_trees_on_path(probe: dict, purelib: Path) -> list[str]:
    """The entries of the kernel's sys.path that are (in) the checkout or hold a dlbasics/ other
    than the installed one."""
    found = []
    for entry in probe["path"]:
        where = Path(entry or probe["cwd"]).resolve()  # "" is the working folder
        if where.is_relative_to(REPO.resolve()) or (
            where != purelib and (where / "dlbasics").exists()
        ):
            found.append(entry)
    return found


def test_the_sys_path_check_finds_a_source_tree(tmp_path):
    (tmp_path / "elsewhere" / "dlbasics").mkdir(parents=True)
    probe = {"cwd": str(tmp_path), "path": ["", str(REPO), str(tmp_path / "elsewhere")]}
    assert source_trees_on_path(probe, tmp_path / "site-packages") == [
        str(REPO), str(tmp_path / "elsewhere")
    ]  # fmt: skip
