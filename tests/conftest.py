"""Fixtures shared by the tests. Keep each one small and say what it is for.

Real MNIST: ``mnist_dir`` is ``DLBASICS_MNIST_DIR``, which `make` sets (the Makefile is the one
place that knows the default folder). Without it a test that needs the data is skipped on a
workstation and FAILS under ``CI=true``: in CI, missing data is a broken set-up, never a skip.
"""

from __future__ import annotations

import gzip
import logging
import os
from pathlib import Path

import numpy as np
import pytest

from ._support import skip_or_fail


@pytest.fixture(scope="session")
def mnist_dir() -> Path:
    """The directory of the real MNIST IDX files (skip, or fail under CI=true, without it)."""
    directory = os.environ.get("DLBASICS_MNIST_DIR", "")
    if directory and Path(directory).is_dir():
        return Path(directory)
    skip_or_fail("real MNIST not found: run the tests with `make`, or set DLBASICS_MNIST_DIR")


@pytest.fixture(scope="session")
def mnist_data(mnist_dir):
    """``load_mnist(mnist_dir)``, loaded once per session; read-only so no test can change it."""
    from dlbasics.mnist import load_mnist

    (x_train, y_train), (x_test, y_test) = load_mnist(mnist_dir)
    for array in (x_train, y_train, x_test, y_test):
        array.flags.writeable = False
    return (x_train, y_train), (x_test, y_test)


@pytest.fixture
def no_mnist_sources(monkeypatch, tmp_path):
    """No DLBASICS_MNIST_DIR and an empty user cache (a fresh XDG_CACHE_HOME): the loader's
    search then reaches the Keras download, which a test should monkeypatch."""
    monkeypatch.delenv("DLBASICS_MNIST_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    return tmp_path / "xdg-cache" / "dlbasics" / "mnist"


def idx_bytes(array) -> bytes:
    """An IDX file's content for a uint8 array: magic 00 00 08 ndim, big-endian sizes, data."""
    array = np.ascontiguousarray(array, dtype=np.uint8)
    header = bytes([0, 0, 8, array.ndim]) + b"".join(n.to_bytes(4, "big") for n in array.shape)
    return header + array.tobytes()


@pytest.fixture
def write_idx():
    """``write_idx(path, array_or_bytes, gz=False)`` writes an IDX file (gzip when asked)."""

    def write(path, content, gz: bool = False) -> Path:
        data = content if isinstance(content, bytes) else idx_bytes(content)
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(gzip.compress(data, compresslevel=1) if gz else data)
        return path

    return write


# -- the built site (tests/test_site.py, tests/test_browser.py) ---------------------------------


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The real site, built once per session by `mkdocs build --strict` into a temporary folder
    (``DLBASICS_BUILT_SITE_DIR`` names another: CI deploys the site its tests built), with a
    repository and a site_url (tests/site_support.py: ``real_site_settings``).

    Pages unchanged since the last build come from .cache/dlbasics-notebooks (see
    hooks/notebooks.py); with ``DLBASICS_DOCS_CACHE=0`` every page is executed.
    """
    from .site_support import build_real_site

    target = os.environ.get("DLBASICS_BUILT_SITE_DIR")
    return build_real_site(
        Path(target) if target else tmp_path_factory.mktemp("built-site") / "site"
    )


@pytest.fixture(scope="session")
def built_site_without_repository(built_site, tmp_path_factory) -> Path:
    """The real site as a local build makes it: no repository, no site_url (so no source, Colab
    or Binder links). Built after ``built_site``, its pages come from the cache (about 10 s)."""
    from .site_support import WITHOUT_REPOSITORY, build_real_site

    return build_real_site(tmp_path_factory.mktemp("plain-site") / "site", WITHOUT_REPOSITORY)


# -- browser tests (tests/test_browser.py, tests/test_browser_run.py) ---------------------------


@pytest.fixture(scope="session")
def site_dir(request) -> Path:
    """The site the browser tests visit: ``DLBASICS_BROWSER_SITE`` (built already), else
    ``built_site``."""
    prebuilt = os.environ.get("DLBASICS_BROWSER_SITE")
    if prebuilt:
        path = Path(prebuilt)
        assert (path / "index.html").is_file(), f"DLBASICS_BROWSER_SITE={prebuilt}: no index.html"
        return path
    return Path(request.getfixturevalue("built_site"))


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session (Playwright allows one sync instance at a time)."""
    from . import browser_support as bs
    from ._support import require

    sync_api = require("playwright.sync_api")
    executable, origin = bs.chromium_executable()
    with sync_api.sync_playwright() as playwright:
        if executable is None and not Path(playwright.chromium.executable_path).exists():
            bs.skip_or_fail(
                "no Chromium: install Debian's `chromium` (apt-get install chromium), set "
                "DLBASICS_CHROMIUM, or run `playwright install chromium`"
            )
        try:
            launched = playwright.chromium.launch(executable_path=executable, args=bs.CHROMIUM_ARGS)
        except sync_api.Error as error:
            pytest.fail(f"could not start {origin} ({executable or 'bundled'}): {error}")
        yield launched
        launched.close()


# The per-page request table at the end of the run.


def pytest_terminal_summary(terminalreporter):
    """After the browser tests: requests per page, and how many went to other hosts (must be 0)."""
    from .browser_support import report_lines

    lines = report_lines()
    if lines:
        terminalreporter.section("browser: requests per page (third-party must be 0)")
        for line in lines:
            terminalreporter.write_line(line)
    # tests/test_browser_run.py: the pages' code run in the browser, and how it differs from the build
    from .run_support import report_lines as run_report_lines

    lines = run_report_lines()
    if lines:
        terminalreporter.section("browser: the code run in the browser, differences from the build")
        for line in lines:
            terminalreporter.write_line(line)


@pytest.fixture(params=["ko", "en"])
def language(request, caplog):
    """Draw plots in one language; fail on any glyph matplotlib had to replace (log or warning)."""
    import matplotlib.pyplot as plt

    from dlbasics import plots

    plots.set_language(request.param)
    caplog.set_level(logging.WARNING, logger="matplotlib")
    yield request.param
    try:
        for number in plt.get_fignums():
            plt.figure(number).canvas.draw()  # glyphs are looked up when the text is drawn
    finally:
        plt.close("all")
        plots.set_language(None)
    glyphs = [r.getMessage() for r in caplog.records if "glyph" in r.getMessage()]
    assert not glyphs, glyphs[:3]
