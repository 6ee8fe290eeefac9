"""Helpers shared by the tests."""

import importlib
import os

import pytest


def require(module: str):
    """Import ``module``; outside CI a missing one skips the test, under CI=true it fails it.

    `make test` installs everything, so in CI a missing dependency is a broken set-up, never a skip.
    """
    if os.environ.get("CI") == "true":
        return importlib.import_module(module)
    return pytest.importorskip(module)
