"""The on-disk memo of training runs: hits, misses, what enters the key, damaged entries."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from dlbasics import run_cache
from dlbasics.run_cache import cache_key, describe, memoize, resolve_cache_dir


class Counter:
    """A compute function that counts its calls and returns a new result each time."""

    def __init__(self):
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return {"call": self.calls, "history": {"loss": [0.5, 0.25]}}


def test_no_cache_dir_means_no_caching(monkeypatch):
    monkeypatch.delenv("DLBASICS_RUN_CACHE", raising=False)
    compute = Counter()
    assert memoize("f", {"seed": 0}, compute) == (
        {"call": 1, "history": {"loss": [0.5, 0.25]}},
        False,
    )
    assert memoize("f", {"seed": 0}, compute)[0]["call"] == 2


def test_second_call_reads_the_stored_result(tmp_path):
    compute = Counter()
    first = memoize("f", {"seed": 0}, compute, cache_dir=tmp_path)
    second = memoize("f", {"seed": 0}, compute, cache_dir=tmp_path)
    assert compute.calls == 1
    assert first == (second[0], False) and second[1] is True
    (entry,) = tmp_path.glob("f-*.json")
    assert json.loads(entry.read_text())["arguments"] == {"seed": 0}


def test_the_environment_variable_turns_it_on_and_false_turns_it_off(monkeypatch, tmp_path):
    monkeypatch.setenv("DLBASICS_RUN_CACHE", str(tmp_path))
    compute = Counter()
    memoize("f", {}, compute)
    assert memoize("f", {}, compute)[1] is True
    assert memoize("f", {}, compute, cache_dir=False) == (
        {"call": 2, "history": {"loss": [0.5, 0.25]}},
        False,
    )
    monkeypatch.setenv("DLBASICS_RUN_CACHE", "")
    assert resolve_cache_dir() is None


def test_arguments_and_array_contents_enter_the_key(tmp_path):
    compute = Counter()
    x = np.arange(12, dtype=np.uint8).reshape(3, 4)
    memoize("f", {"data": (x, x[0]), "seed": 0}, compute, cache_dir=tmp_path)
    assert memoize("f", {"data": (x.copy(), x[0]), "seed": 0}, compute, cache_dir=tmp_path)[1]
    assert not memoize("f", {"data": (x, x[0]), "seed": 1}, compute, cache_dir=tmp_path)[1]
    changed = x.copy()
    changed[2, 3] += 1
    assert not memoize("f", {"data": (changed, x[0]), "seed": 0}, compute, cache_dir=tmp_path)[1]
    assert not memoize("g", {"data": (x, x[0]), "seed": 0}, compute, cache_dir=tmp_path)[1]
    assert compute.calls == 4


def test_a_changed_source_file_invalidates(monkeypatch, tmp_path):
    package = tmp_path / "package"
    shutil.copytree(run_cache.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(run_cache, "PACKAGE_DIR", package)
    before = cache_key("f", {"seed": 0})
    assert cache_key("f", {"seed": 0}) == before
    with (package / "mlp.py").open("a") as source:
        source.write("\n# an edit\n")
    assert cache_key("f", {"seed": 0}) != before


def test_a_damaged_entry_is_recomputed_and_rewritten(tmp_path):
    compute = Counter()
    memoize("f", {}, compute, cache_dir=tmp_path)
    (entry,) = tmp_path.glob("f-*.json")
    entry.write_text('{"key": "')
    assert memoize("f", {}, compute, cache_dir=tmp_path) == (
        {"call": 2, "history": {"loss": [0.5, 0.25]}},
        False,
    )
    assert memoize("f", {}, compute, cache_dir=tmp_path)[1] is True
    assert not list(tmp_path.glob("*.tmp"))


def test_describe_rejects_what_it_cannot_key():
    with pytest.raises(TypeError, match="cannot use a object in a run-cache key"):
        describe({"model": object()})
    assert describe((np.float32(0.5), None, "x")) == [0.5, None, "x"]


def test_cache_dir_must_be_a_path():
    with pytest.raises(TypeError, match="cache_dir must be a path, None or False, got int"):
        resolve_cache_dir(3)


def test_two_processes_asking_at_once_compute_the_run_once(tmp_path):
    # The Korean and English pages are executed in parallel; the second must wait and reuse.
    import subprocess
    import sys

    script = (
        "import sys, time\n"
        "from dlbasics import run_cache\n"
        "def compute():\n"
        "    time.sleep(1.0)\n"
        "    with open(sys.argv[2], 'a') as log: log.write('computed\\n')\n"
        "    return {'value': 1}\n"
        "result, cached = run_cache.memoize('race', {'a': 1}, compute, cache_dir=sys.argv[1])\n"
        "print(result['value'], cached)\n"
    )
    log = tmp_path / "log.txt"
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(tmp_path / "cache"), str(log)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = sorted(run.communicate(timeout=60)[0].strip() for run in runs)
    assert outputs == ["1 False", "1 True"]
    assert log.read_text().count("computed") == 1
