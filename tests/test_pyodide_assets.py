"""hooks/pyodide.py: the files the site serves for running its code in the browser.

The Pyodide wheels are checked against the npm package's lock file (a missing or different file
fails the build, saying how to provide it); the dlbasics wheel is built from the checkout; MNIST
is written out as the original IDX files from any source the loader accepts; each page's cells
are marked as the page source says. The browser side: tests/test_browser_run.py.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pytest
from mkdocs.exceptions import PluginError

from . import run_support as rs
from .site_support import REPO, mkdocs_build, notebook_page, write_small_site

HOOK = rs.load_pyodide_hook()
SHARED_WHEELS = REPO.parent / "shared" / "pyodide" / HOOK.PYODIDE_VERSION


@pytest.fixture(scope="module")
def lock():
    return HOOK.read_lock(HOOK.core_dir())


@pytest.fixture
def wheels(tmp_path, lock):
    """A copy of the real wheel folder (DLBASICS_PYODIDE_DIR, else ../shared), to break."""
    source = Path(os.environ.get(HOOK.ENV_VAR) or SHARED_WHEELS)
    if not source.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"no Pyodide wheels at {source}: set {HOOK.ENV_VAR}")
        pytest.skip(f"no Pyodide wheels at {source}")
    copy = tmp_path / "wheels"
    copy.mkdir()
    for entry in HOOK.package_closure(lock):
        shutil.copy2(source / entry["file_name"], copy / entry["file_name"])
    return copy


def test_the_packages_are_numpy_matplotlib_and_their_dependencies(lock):
    names = [entry["name"] for entry in HOOK.package_closure(lock)]
    assert {"numpy", "matplotlib", "Pillow", "contourpy", "six"} <= set(names)
    assert "micropip" not in names  # nothing that could install from PyPI is served
    assert len(names) == 13
    assert lock["info"]["version"] == HOOK.PYODIDE_VERSION == "0.27.7"
    assert lock["info"]["python"].startswith("3.12")


def test_the_wheels_match_the_lock(wheels, lock):
    paths = HOOK.verify_wheels(wheels, lock)
    assert [path.name for path in paths] == [e["file_name"] for e in HOOK.package_closure(lock)]


def test_a_missing_or_different_wheel_is_named_with_how_to_provide_it(wheels, lock):
    numpy_wheel = next(wheels.glob("numpy-*.whl"))
    numpy_wheel.unlink()
    pillow = next(wheels.glob("pillow-*.whl"))
    pillow.write_bytes(pillow.read_bytes()[:-1] + b"x")  # one byte changed
    with pytest.raises(PluginError) as raised:
        HOOK.verify_wheels(wheels, lock)
    message = str(raised.value)
    assert f"{numpy_wheel.name} (numpy 2.0.2) is missing" in message
    assert f"{pillow.name} has SHA-256 {HOOK.sha256_of(pillow)}" in message
    assert lock["packages"]["pillow"]["sha256"] in message
    assert "DLBASICS_PYODIDE_DIR" in message and "scripts/fetch_pyodide_packages.py" in message


def test_the_build_fails_at_once_on_a_bad_pyodide_file(wheels, tmp_path):
    """A real `mkdocs build --strict` with the hook: it stops before executing any page."""
    next(wheels.glob("matplotlib-*.whl")).write_bytes(b"not a wheel")
    config = write_small_site(tmp_path / "site", {
        "ko/index.md": notebook_page("홈", "print(1)"),
        "en/index.md": notebook_page("Home", "print(1)"),
    })  # fmt: skip
    text = config.read_text(encoding="utf-8")
    config.write_text(text + f"  - {REPO / 'hooks' / 'pyodide.py'}\n", encoding="utf-8")
    (config.parent / "node_modules").symlink_to(REPO / "node_modules")
    result = mkdocs_build(config, tmp_path / "out", {HOOK.ENV_VAR: str(wheels)})
    assert result.returncode != 0
    assert "matplotlib-3.8.4-cp312-cp312-pyodide_2024_0_wasm32.whl has SHA-256" in result.stderr
    assert "executing" not in result.stderr  # no page was executed first
    missing = mkdocs_build(config, tmp_path / "out", {HOOK.ENV_VAR: str(tmp_path / "nowhere")})
    assert missing.returncode != 0 and "is not a folder" in missing.stderr
    assert "fetch_pyodide_packages.py" in missing.stderr


def test_the_core_must_be_installed_at_the_pinned_version(tmp_path):
    with pytest.raises(PluginError, match="run `npm ci`"):
        HOOK.core_dir(tmp_path)  # no node_modules/pyodide here
    fake = tmp_path / "node_modules" / "pyodide"
    fake.mkdir(parents=True)
    for name in (*HOOK.CORE_FILES, HOOK.LOCK_NAME, "package.json"):
        shutil.copy2(HOOK.core_dir() / name, fake / name)
    assert HOOK.core_dir(tmp_path) == fake
    (fake / "package.json").write_text(json.dumps({"version": "0.26.0"}), encoding="utf-8")
    with pytest.raises(PluginError, match="holds Pyodide 0.26.0"):
        HOOK.core_dir(tmp_path)


def test_the_dlbasics_wheel_holds_the_package_and_is_reproducible(tmp_path):
    first = HOOK.build_dlbasics_wheel(REPO, tmp_path / "a")
    second = HOOK.build_dlbasics_wheel(REPO, tmp_path / "b")
    assert first.name == "dlbasics-0.1.0-py3-none-any.whl"
    assert first.read_bytes() == second.read_bytes()
    assert first.parent.name == HOOK.sha256_of(first)[:16]  # its folder is named by its content
    sources = {p.relative_to(REPO).as_posix() for p in (REPO / "dlbasics").rglob("*.py")}
    with zipfile.ZipFile(first) as archive:
        names = set(archive.namelist())
        assert sources <= names and "dlbasics/plots/_core.py" in names
        assert not any("__pycache__" in name for name in names)
        record = archive.read("dlbasics-0.1.0.dist-info/RECORD").decode().splitlines()
        for line in record[:-1]:  # every file's hash, as pip would check it
            name, digest, size = line.split(",")
            data = archive.read(name)
            assert int(size) == len(data)
            assert digest == f"sha256={HOOK._urlsafe_digest(data)}"
        metadata = archive.read("dlbasics-0.1.0.dist-info/METADATA").decode()
        assert "Requires-Dist: numpy>=1.26" in metadata and "Requires-Python: >=3.11" in metadata
        source = archive.read("dlbasics/mnist.py")
    assert source == (REPO / "dlbasics" / "mnist.py").read_bytes()


def test_mnist_is_served_as_the_original_idx_files_from_a_directory_or_keras_npz(
    mnist_dir, mnist_data, tmp_path, monkeypatch
):
    from dlbasics import mnist

    def check(folder):
        for name, (_, digest) in mnist.FILES.items():
            data = gzip.decompress((folder / f"{name}.gz").read_bytes())
            assert hashlib.sha256(data).hexdigest() == digest, name
        assert mnist.load_mnist(folder) is not None  # the loader the browser runs accepts them

    monkeypatch.setenv("DLBASICS_MNIST_DIR", str(mnist_dir))
    check_dir = tmp_path / "from-dir"
    HOOK.write_mnist(check_dir)
    check(check_dir)
    (x_train, y_train), (x_test, y_test) = mnist_data  # GitHub Actions: Keras' mnist.npz
    keras_home = tmp_path / "keras"
    (keras_home / "datasets").mkdir(parents=True)
    np.savez(keras_home / "datasets" / "mnist.npz", x_train=x_train, y_train=y_train,
             x_test=x_test, y_test=y_test)  # fmt: skip
    monkeypatch.delenv("DLBASICS_MNIST_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "empty-cache"))
    monkeypatch.setenv("KERAS_HOME", str(keras_home))
    from_npz = tmp_path / "from-npz"
    HOOK.write_mnist(from_npz)
    check(from_npz)


def test_wrong_mnist_fails_the_build_with_the_loaders_message(tmp_path, monkeypatch):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "train-images-idx3-ubyte").write_bytes(b"\x00\x00\x08\x03garbage")
    monkeypatch.setenv("DLBASICS_MNIST_DIR", str(bad))
    with pytest.raises(PluginError, match="MNIST for the browser: .*lacks"):
        HOOK.write_mnist(tmp_path / "out")


def test_cells_needing_tensorflow_are_the_tagged_ones():
    for language in ("ko", "en"):
        cells = HOOK.page_cells(REPO / "docs" / language / "numpy-mlp.md", "browser")
        local = [number for number, cell in enumerate(cells, 1) if not cell["browser"]]
        assert [cells[n - 1]["source"].split("(")[0] for n in local] == [
            "keras_run = keras_models.train_lecture_model",
            "results = bench.run",
            'sides = ["numpy", "keras", "floor"]\nplots.plot_epoch_times',
        ]
        assert "train_numpy_mlp" in cells[local[0] - 2]["source"]  # the NumPy half runs here
        page = HOOK.page_cells(REPO / "docs" / language / "cnn.md", "local")
        assert page and not any(cell["browser"] for cell in page)
    for name in HOOK.BROWSER_PAGES:
        ko = HOOK.page_cells(REPO / "docs" / "ko" / f"{name}.md", "browser")
        en = HOOK.page_cells(REPO / "docs" / "en" / f"{name}.md", "browser")
        assert ko == en, f"{name}: the tags differ between the languages"


def test_the_notice_names_every_served_package_and_its_licence(wheels, lock, tmp_path):
    entries = HOOK.package_closure(lock)
    paths = HOOK.verify_wheels(wheels, lock)
    target = tmp_path / "NOTICES.txt"
    HOOK.write_notices(target, entries, paths, REPO)
    text = target.read_text(encoding="utf-8")
    for entry in entries:
        assert f"{entry['name']} {entry['version']} ({entry['file_name']}): " in text
    assert "numpy 2.0.2 (numpy-2.0.2-cp312-cp312-pyodide_2024_0_wasm32.whl): BSD License" in text
    for needed in ("Mozilla Public License 2.0", "CC BY-SA 3.0", "SIL Open Font License 1.1",
                   "CodeMirror", "Copyright (c) 2005-2024, NumPy Developers."):  # fmt: skip
        assert needed in text, needed


def test_the_tag_badges_nbconvert_draws_are_removed():
    """nbconvert's lab template shows a cell's tags above its code; the tag is for runner.js."""
    html = (
        '<div class="jp-InputArea-editor" data-type="inline">\n<div class="celltoolbar">\n'
        '<div class="button_container tags_button_container">\n<span class="tag-container">\n'
        '<span class="cell-tag">needs-tensorflow</span>\n</span>\n</div>\n</div>\n'
        '<div class="cm-editor">code</div>'
    )
    assert HOOK.CELL_TAGS.sub("", html) == (
        '<div class="jp-InputArea-editor" data-type="inline">\n<div class="cm-editor">code</div>'
    )


def test_the_dlbasics_wheel_takes_the_version_of_the_package(tmp_path):
    """pyproject.toml's version is dynamic (dlbasics.__version__): the wheel reads it from there."""
    import dlbasics

    wheel = HOOK.build_dlbasics_wheel(REPO, tmp_path)
    assert wheel.name == f"dlbasics-{dlbasics.__version__}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        metadata = archive.read(f"dlbasics-{dlbasics.__version__}.dist-info/METADATA").decode()
    assert f"Version: {dlbasics.__version__}" in metadata


# -- published runs: the slow trainings' results, served so that their cells run in seconds ----


def test_published_runs_are_the_built_pages_runs_or_the_build_says_which_is_missing(tmp_path):
    from dlbasics import run_cache

    cache = tmp_path / "runs"
    for name in ("overfitting_runs", "train_numpy_cnn", "train_cnn"):
        run_cache.memoize(name, {"seed": 0}, lambda: {"loss": [0.5]}, cache_dir=cache)
    assert HOOK.published_runs(cache, {"index", "glossary"}) == {}
    published = HOOK.published_runs(cache, {"index", "regularization"})
    assert [name.split("-")[0] for name in published] == ["overfitting_runs"]
    with pytest.raises(PluginError, match=r"holds no result of shift_experiment .*Delete \.cache/"):
        HOOK.published_runs(cache, {"regularization", "numpy-cnn"})
    with pytest.raises(PluginError, match="no run cache was set"):
        HOOK.published_runs(None, {"numpy-cnn"})


def test_published_runs_replace_what_an_earlier_build_served(tmp_path):
    out = tmp_path / "runs"
    assert HOOK.write_published_runs(out, {"a-1.json": "{}\n", "b-2.json": "[]\n"}) == [
        "runs/a-1.json",
        "runs/b-2.json",
    ]
    assert HOOK.write_published_runs(out, {"a-3.json": "{}\n"}) == ["runs/a-3.json"]
    assert sorted(path.name for path in out.iterdir()) == ["a-3.json"]


def test_the_published_runs_are_named_in_the_pages_that_run_them_in_the_browser():
    """Each PUBLISHED_RUNS page calls its runs in cells that the browser runs, in both languages."""
    assert set(HOOK.PUBLISHED_RUNS) <= set(HOOK.BROWSER_PAGES)
    for page, runs in HOOK.PUBLISHED_RUNS.items():
        for language in ("ko", "en"):
            cells = HOOK.page_cells(REPO / "docs" / language / f"{page}.md", "browser")
            for run in runs:
                calling = [cell for cell in cells if f"{run}(" in cell["source"]]
                assert calling and all(cell["browser"] for cell in calling), (language, page, run)


def test_the_site_serves_the_results_its_pages_show(site_dir, mnist_data, monkeypatch):
    """runtime.json lists the published runs; read as the browser reads them (no run cache),
    the pages' own calls take their results from there instead of training."""
    from dlbasics import numpy_cnn, overfitting, shifted_digits

    served = site_dir / HOOK.SITE_DIR
    runtime = json.loads((served / "runtime.json").read_text(encoding="utf-8"))
    assert runtime["runs"] == sorted(f"runs/{path.name}" for path in (served / "runs").iterdir())
    assert sorted(path.split("/")[1].rsplit("-", 1)[0] for path in runtime["runs"]) == sorted(
        run for runs in HOOK.PUBLISHED_RUNS.values() for run in runs
    )
    assert all(runtime["files"][path] == (served / path).stat().st_size for path in runtime["runs"])

    monkeypatch.delenv("DLBASICS_RUN_CACHE", raising=False)
    monkeypatch.setenv("DLBASICS_PUBLISHED_RUNS", str(served / "runs"))
    data = tuple((x.copy(), y.copy()) for x, y in mnist_data)  # the pages' load_mnist() arrays
    results = {
        "overfitting_runs": overfitting.overfitting_runs(data),
        "train_numpy_cnn": numpy_cnn.train_numpy_cnn(data, verbose=False),
        "shift_experiment": shifted_digits.shift_experiment(data),
    }
    assert {name: result.from_cache for name, result in results.items()} == dict.fromkeys(
        results, True
    ), "a page's run was not served: the browser would train it for minutes"
    assert results["train_numpy_cnn"].test_accuracy >= 0.98  # what the page says
