"""Helpers shared by the tests."""

import importlib
import os

import numpy as np
import pytest


def require(module: str):
    """Import ``module``; outside CI a missing one skips the test, under CI=true it fails it.

    `make test` installs everything, so in CI a missing dependency is a broken set-up, never a skip.
    """
    if os.environ.get("CI") == "true":
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
