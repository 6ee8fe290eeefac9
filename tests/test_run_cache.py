"""The on-disk memo of training runs: hits, misses, what enters the key, damaged entries."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

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


# -- published results: what the site serves for its slowest runs -------------------------


def published_folder(tmp_path, names, arguments):
    """A run cache with one run of each of ``names``, and its published form in a folder."""
    cache, folder = tmp_path / "cache", tmp_path / "published"
    for name in names:
        memoize(name, arguments, Counter(), cache_dir=cache)
    folder.mkdir()
    for file_name, text in run_cache.publish(cache, ["f", "g"]).items():
        (folder / file_name).write_text(text)
    return cache, folder


def test_publish_takes_the_named_runs_of_this_source_and_reads_them_without_a_cache(
    monkeypatch, tmp_path
):
    x = np.arange(6, dtype=np.uint8)
    arguments = {"data": (x, x), "seed": 0}
    cache, folder = published_folder(tmp_path, ["f", "g", "h"], arguments)
    published = sorted(path.name for path in folder.iterdir())
    assert [name.split("-")[0] for name in published] == ["f", "g"]  # h was not asked for
    entry = json.loads((folder / published[0]).read_text())
    assert entry["computed_with"]["numpy"] == np.__version__
    assert entry["arguments"] == describe(arguments)

    monkeypatch.delenv("DLBASICS_RUN_CACHE", raising=False)
    monkeypatch.setenv("DLBASICS_PUBLISHED_RUNS", str(folder))
    compute = Counter()
    assert memoize("f", {"data": (x.copy(), x), "seed": 0}, compute) == (
        {"call": 1, "history": {"loss": [0.5, 0.25]}},
        True,
    )
    assert compute.calls == 0
    # other arguments, another run, or no cache at all: computed
    assert memoize("f", {"data": (x, x), "seed": 1}, compute) == (
        {"call": 1, "history": {"loss": [0.5, 0.25]}},
        False,
    )
    assert memoize("h", arguments, compute)[1] is False
    assert memoize("f", arguments, compute, cache_dir=False)[1] is False
    assert compute.calls == 3
    # a cache of its own is read first, and a miss there falls back to the published result
    own = tmp_path / "own"
    assert memoize("f", arguments, compute, cache_dir=own)[1] is True
    assert compute.calls == 3 and not list(own.glob("*.json"))


def test_published_results_do_not_depend_on_the_versions(monkeypatch, tmp_path):
    _, folder = published_folder(tmp_path, ["f"], {"seed": 0})
    monkeypatch.setattr(run_cache, "_versions", lambda: {"python": "3.12.7", "numpy": "2.0.2"})
    monkeypatch.setenv("DLBASICS_PUBLISHED_RUNS", str(folder))
    assert memoize("f", {"seed": 0}, Counter()) == (
        {"call": 1, "history": {"loss": [0.5, 0.25]}},
        True,
    )


def test_publish_leaves_out_runs_of_another_source_or_other_versions_and_damaged_ones(
    monkeypatch, tmp_path
):
    cache = tmp_path / "cache"
    memoize("f", {"seed": 0}, Counter(), cache_dir=cache)
    memoize("g", {"seed": 0}, Counter(), cache_dir=cache)
    (damaged,) = cache.glob("g-*.json")
    damaged.write_text('{"stamp": 1}')
    assert [name.split("-")[0] for name in run_cache.publish(cache, ["f", "g"])] == ["f"]
    monkeypatch.setattr(run_cache, "_versions", lambda: {"python": "0"})
    assert run_cache.publish(cache, ["f", "g"]) == {}
    monkeypatch.undo()
    monkeypatch.setattr(run_cache, "source_fingerprint", lambda: "another source")
    assert run_cache.publish(cache, ["f", "g"]) == {}


def test_a_published_result_for_another_source_is_computed(monkeypatch, tmp_path):
    _, folder = published_folder(tmp_path, ["f"], {"seed": 0})
    monkeypatch.setattr(run_cache, "source_fingerprint", lambda: "another source")
    monkeypatch.setenv("DLBASICS_PUBLISHED_RUNS", str(folder))
    monkeypatch.delenv("DLBASICS_RUN_CACHE", raising=False)
    assert memoize("f", {"seed": 0}, Counter())[1] is False


def test_a_damaged_published_result_is_computed_after_one_warning(monkeypatch, tmp_path, caplog):
    _, folder = published_folder(tmp_path, ["f"], {"seed": 0})
    (entry,) = folder.glob("f-*.json")
    entry.write_text(entry.read_text().replace('"call": 1', '"call": 7'))
    monkeypatch.setenv("DLBASICS_PUBLISHED_RUNS", str(folder))
    monkeypatch.delenv("DLBASICS_RUN_CACHE", raising=False)
    assert memoize("f", {"seed": 0}, Counter()) == (
        {"call": 1, "history": {"loss": [0.5, 0.25]}},
        False,
    )
    assert len(cache_warnings(caplog)) == 1 and entry.name in cache_warnings(caplog)[0]


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
    assert sorted(path.name for path in tmp_path.iterdir()) == [entry.name, entry.stem + ".lock"]


def test_describe_rejects_what_it_cannot_key():
    with pytest.raises(TypeError, match="cannot use a object in a run-cache key"):
        describe({"model": object()})
    assert describe((np.float32(0.5), None, "x")) == [0.5, None, "x"]


def test_cache_dir_must_be_a_path():
    with pytest.raises(TypeError, match="cache_dir must be a path, None or False, got int"):
        resolve_cache_dir(3)


def test_two_processes_asking_at_once_compute_the_run_once(tmp_path):
    # The Korean and English pages are executed in parallel; the second must wait and reuse.
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


# -- damaged entries: each is a miss with one warning line, never an error -------------------------


def deterministic():
    """A run whose result is the same on every call, as a real training run with a seed is."""
    return {"history": {"loss": [0.5, 0.25], "accuracy": [0.75, 0.875]}, "seconds": 1.5}


def old_format(entry: dict) -> dict:
    """The entry as dlbasics 0.1 wrote it (key and result, no stamp)."""
    return {"key": entry["stamp"]["key"], "name": entry["name"], "result": entry["result"]}


def edited(entry: dict) -> dict:
    entry["result"]["history"]["loss"][1] = 0.125  # still valid JSON, still an entry
    return entry


def for_another_key(entry: dict) -> dict:
    entry["stamp"]["key"] = "0" * 64
    return entry


# name: (how the file is damaged, what the warning says)
DAMAGES = {
    "truncated": (lambda text: text[: len(text) // 2], "truncated"),
    "truncated to 100 bytes": (lambda text: text[:100], "truncated"),
    "empty": (lambda text: "", "empty"),
    "not JSON": (lambda text: "<html>502 Bad Gateway</html>", "not JSON"),
    "not UTF-8": (lambda text: "\udcff", "not UTF-8"),
    "the wrong format": (lambda text: json.dumps([1, 2, 3]), "not a JSON object"),
    "an entry without a result": (lambda text: json.dumps({"name": "f"}), "no result"),
    "from another version": (
        lambda text: json.dumps(old_format(json.loads(text))),
        "written by another version",
    ),
    "edited after it was written": (
        lambda text: json.dumps(edited(json.loads(text))),
        "does not match its SHA-256",
    ),
    "for another key": (
        lambda text: json.dumps(for_another_key(json.loads(text))),
        "written for another key",
    ),
}


def damage(path, how) -> None:
    path.write_bytes(how(path.read_text(encoding="utf-8")).encode("utf-8", "surrogateescape"))


def cache_warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "dlbasics.cache_files"]


@pytest.mark.parametrize("kind", DAMAGES)
def test_a_damaged_entry_costs_one_warning_and_the_result_equals_a_clean_run(
    tmp_path, caplog, kind
):
    how, reason = DAMAGES[kind]
    clean, _ = memoize("f", {"seed": 0}, deterministic, cache_dir=tmp_path / "clean")
    calls = Counter()  # counts the calls; its own result is not what is stored here
    memoize("f", {"seed": 0}, lambda: calls() and deterministic(), cache_dir=tmp_path / "c")
    (entry,) = (tmp_path / "c").glob("f-*.json")
    damage(entry, how)
    caplog.clear()

    result, from_cache = memoize(
        "f", {"seed": 0}, lambda: calls() and deterministic(), cache_dir=tmp_path / "c"
    )
    assert (result, from_cache, calls.calls) == (clean, False, 2)
    (warning,) = cache_warnings(caplog)
    assert str(entry) in warning and reason in warning and "computing it again" in warning
    assert "\n" not in warning

    caplog.clear()
    assert memoize("f", {"seed": 0}, deterministic, cache_dir=tmp_path / "c") == (clean, True)
    assert cache_warnings(caplog) == []  # rewritten whole


def test_a_damaged_entry_prints_one_line_in_a_plain_process(tmp_path):
    """Outside pytest no logging is configured: the warning is still exactly one stderr line."""
    script = (
        "import sys\n"
        "from dlbasics import run_cache\n"
        "result, cached = run_cache.memoize('f', {}, lambda: {'value': 1}, cache_dir=sys.argv[1])\n"
        "print(result['value'], cached)\n"
    )
    run = [sys.executable, "-c", script, str(tmp_path)]
    assert subprocess.run(run, capture_output=True, text=True, check=True).stderr == ""
    (entry,) = tmp_path.glob("f-*.json")
    entry.write_text(entry.read_text()[:100])
    second = subprocess.run(run, capture_output=True, text=True, check=True)
    assert second.stdout == "1 False\n"
    assert second.stderr.splitlines() == [
        f"warning: damaged cache entry {entry} (truncated: its 100 bytes end inside the JSON): "
        "ignored, computing it again"
    ]


def test_prune_removes_damaged_entries_and_what_killed_writers_left(tmp_path, caplog):
    keep, _ = memoize("good", {}, deterministic, cache_dir=tmp_path)
    names = {}
    for number, kind in enumerate(DAMAGES):
        memoize(f"run{number}", {}, deterministic, cache_dir=tmp_path)
        (names[kind],) = tmp_path.glob(f"run{number}-*.json")
        damage(names[kind], DAMAGES[kind][0])
    renamed = tmp_path / "good-00000000000000000000.json"  # a whole entry under another name
    renamed.write_text(next(tmp_path.glob("good-*.json")).read_text())
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True, check=True)  # fmt: skip
    orphan = tmp_path / f".good-x.json.{finished.stdout.strip()}.abcd1234.partial"
    orphan.write_text("{")
    being_written = tmp_path / f".good-y.json.{os.getpid()}.abcd1234.partial"
    being_written.write_text("{")
    caplog.clear()

    removed = run_cache.prune(tmp_path)

    assert set(removed) == {*names.values(), renamed, orphan}
    assert len(cache_warnings(caplog)) == len(DAMAGES) + 1  # not for the partial files
    assert being_written.exists()
    assert memoize("good", {}, deterministic, cache_dir=tmp_path) == (keep, True)
    assert run_cache.prune(tmp_path) == [] and run_cache.prune(tmp_path / "absent") == []
