"""Helpers shared by the tests: the repository's places, the CI rule, small stand-in data."""

import importlib
import os
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
ARTIFACTS = REPO / "artifacts"
LANGUAGES = ("ko", "en")


def in_ci() -> bool:
    """CI=true (set by .ci/run and GitHub Actions): every test must run there."""
    return os.environ.get("CI", "").lower() == "true"


def skip_or_fail(reason: str):
    """Skip on a workstation; under CI=true a missing prerequisite is a broken set-up, so fail."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: this test must run)")
    pytest.skip(reason)


def require(module: str):
    """Import ``module``; outside CI a missing one skips the test, under CI=true it fails it.

    `make test` installs everything, so in CI a missing dependency is a broken set-up, never a skip.
    """
    if in_ci():
        return importlib.import_module(module)
    return pytest.importorskip(module)


def synthetic_digits(n_train=512, n_test=128, seed=0):
    """A learnable stand-in for MNIST: noise, plus a bright row 2k + 4 for class k."""
    rng = np.random.default_rng(seed)

    def make(n):
        labels = rng.integers(0, 10, n).astype(np.uint8)
        images = rng.integers(0, 60, (n, 28, 28)).astype(np.uint8)
        images[np.arange(n), 2 * labels.astype(int) + 4, 4:24] = 255
        return images, labels

    return make(n_train), make(n_test)


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text inside <script> and <style>."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.inline_code: list[str] = []
        self._in_code = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_code = tag in {"script", "style"}

    def handle_endtag(self, tag):
        self._in_code = False

    def handle_data(self, data):
        if self._in_code:
            self.inline_code.append(data)

    def find(self, tag: str, **attributes) -> list[dict]:
        return [
            attrs
            for name, attrs in self.tags
            if name == tag and all(attrs.get(k) == v for k, v in attributes.items())
        ]
