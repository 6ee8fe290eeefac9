"""Faults the site build must survive: damaged cache entries and builds killed halfway.

Both tests build a small throwaway site (tests/site_support.py) through the real
hooks/notebooks.py: the caches and the clean-up are the hook's, whatever the pages are, so the
small site proves the same as the real one in a fraction of the time. Its pages print, draw a
matplotlib figure and keep a result in dlbasics.run_cache, so every kind of entry is there.

"The same pages" means every file of the built site is byte for byte the clean build's, except
sitemap.xml and sitemap.xml.gz: they hold the build's date (and the gzip header its time). No page
here prints a time, so nothing else is left out.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

from .site_support import last_build, mkdocs_build, mkdocs_command, notebook_page, write_small_site

pytestmark = pytest.mark.site

RUN_CELL = """
import os

from dlbasics import run_cache

arguments = {"n": 4, "round": os.environ.get("DLBASICS_TEST_ROUND", "")}
result, _ = run_cache.memoize("squares", arguments, lambda: {"squares": [i * i for i in range(4)]})
print(result["squares"])
"""
PLOT_CELL = """
import matplotlib.pyplot as plt

plt.plot([0, 1, 2, 3], [0, 1, 4, 9])
plt.title("squares")
plt.show()
"""
PAGES = {
    "index": ("Home", "print('hello')"),
    "plot": ("A plot", PLOT_CELL),
    "runs": ("A cached run", RUN_CELL),
    "sums": ("A sum", "print(sum(range(10)))"),
}
SOURCES = {  # each page's title -> its source
    f"{title} ({language})": f"{language}/{name}.md"
    for language in ("ko", "en")
    for name, (title, _) in PAGES.items()
}
LEFT_OUT = {"sitemap.xml", "sitemap.xml.gz"}  # the build's date: see the module docstring


def small_site(root: Path) -> Path:
    code = {name: code for name, (_, code) in PAGES.items()}
    pages = {
        source: notebook_page(title, code[Path(source).stem]) for title, source in SOURCES.items()
    }
    return write_small_site(root, pages)


def site_files(site: Path) -> dict[str, bytes]:
    return {
        path.relative_to(site).as_posix(): path.read_bytes()
        for path in sorted(site.rglob("*"))
        if path.is_file() and path.name not in LEFT_OUT
    }


def assert_same_site(site: Path, reference: dict[str, bytes]) -> None:
    files = site_files(site)
    assert sorted(files) == sorted(reference)
    differ = [name for name in reference if files[name] != reference[name]]
    assert not differ, f"these files differ from the clean build's: {differ}"


# A traceback a kernel process writes to its own stderr (which the build passes on) while it shuts
# down: ipykernel's shutdown race, ipython/ipykernel#1518 (a ZMQError on a closed socket, logged
# by tornado). Its frames are ipykernel's or pyzmq's event loop's, never the build's.
KERNEL_FRAMES = re.compile(r"/(ipykernel|zmq/eventloop|tornado)/")


def build_tracebacks(stderr: str) -> list[str]:
    """The tracebacks in a build's output that are not a kernel's own shutdown noise."""
    blocks = re.findall(r"Traceback \(most recent call last\):\n(?:[ \t].*\n)*.*", stderr)
    return [block for block in blocks if not KERNEL_FRAMES.search(block)]


def test_only_a_kernels_shutdown_noise_is_left_out_of_the_tracebacks():
    kernel = (
        "ERROR:tornado.application:Exception in callback\nTraceback (most recent call last):\n"
        '  File "/v/site-packages/zmq/eventloop/zmqstream.py", line 585, in _log_error\n'
        "    f.result()\nzmq.error.ZMQError: Socket operation on non-socket\n"
    )
    ours = (
        'Traceback (most recent call last):\n  File "/x/hooks/notebooks.py", line 3, in on_files\n'
        "    entry = json.loads(text)\njson.decoder.JSONDecodeError: Expecting value\n"
    )
    assert build_tracebacks("INFO - a\n" + kernel) == []
    assert build_tracebacks(kernel + ours + kernel) == [ours.rstrip("\n")]


def build(config: Path, site: Path, env: dict) -> subprocess.CompletedProcess:
    result = mkdocs_build(config, site, env, timeout=600)
    assert result.returncode == 0, result.stderr[-4000:]
    assert build_tracebacks(result.stderr) == []
    return result


def cache_warnings(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("warning: damaged cache")]


def cached_page(cache_dir: Path, title: str) -> Path:
    """The page-cache entry of the page with this title."""
    (found,) = [path for path in cache_dir.glob("*.ipynb") if f"# {title}" in path.read_text()]
    return found


# -- damaged entries ------------------------------------------------------------------------------


def rewrite(path: Path, change) -> None:
    entry = json.loads(path.read_text(encoding="utf-8"))
    change(entry)
    path.write_text(json.dumps(entry), encoding="utf-8")


# page (title) -> (how its cache entry is damaged, what the warning says)
PAGE_DAMAGES = {
    "Home (ko)": (lambda p: p.write_bytes(p.read_bytes()[:100]), "truncated"),
    "A plot (ko)": (lambda p: p.write_bytes(b""), "empty"),
    "A cached run (ko)": (lambda p: p.write_text("<<<<<<< HEAD\n"), "not JSON"),
    "A sum (ko)": (lambda p: rewrite(p, lambda e: e.update(nbformat=3)), "nbformat 3.5"),
    "Home (en)": (
        lambda p: rewrite(p, lambda e: e["metadata"]["dlbasics_cache"].update(version="0")),
        "written by another version",
    ),
    "A plot (en)": (
        lambda p: rewrite(p, lambda e: e["metadata"].pop("dlbasics_cache")),
        "no stamp: written by another version",
    ),
    "A sum (en)": (lambda p: rewrite(p, change_the_output), "does not match its SHA-256"),
}


def change_the_output(entry: dict) -> None:
    """Still a valid notebook with a valid stamp, but not what was executed: 45 becomes 46."""
    (cell,) = [cell for cell in entry["cells"] if cell["cell_type"] == "code"]
    assert cell["outputs"][0]["text"] == ["45\n"]
    cell["outputs"][0]["text"] = ["46\n"]


def test_damaged_cache_entries_are_executed_again_with_one_warning_each(tmp_path):
    """Every kind of damage, to page-cache and run-cache entries at once: one warning line per
    entry naming its file, no traceback, the damaged pages executed again, the clean site."""
    config = small_site(tmp_path)
    cache = tmp_path / "cache"
    env = {"DLBASICS_DOCS_CACHE_DIR": str(cache)}
    build(config, tmp_path / "clean", {**env, "DLBASICS_DOCS_CACHE": "0"})
    reference = site_files(tmp_path / "clean")
    build(config, tmp_path / "site", env)
    assert_same_site(tmp_path / "site", reference)  # the cache changes nothing

    damaged = {}
    for title, (damage, reason) in PAGE_DAMAGES.items():
        damaged[cached_page(cache, title)] = reason
        damage(cached_page(cache, title))
    (run_entry,) = (tmp_path / ".cache" / "dlbasics-runs").glob("squares-*.json")
    run_entry.write_bytes(run_entry.read_bytes()[:100])  # read again by "A cached run (ko)"
    damaged[run_entry] = "truncated"

    result = build(config, tmp_path / "site", env)

    warnings = cache_warnings(result.stderr)
    assert len(warnings) == len(damaged), "\n".join(warnings)
    for path, reason in damaged.items():
        (line,) = [line for line in warnings if f" {path} " in line]
        assert reason in line and line.endswith("ignored, computing it again"), line
    assert sorted(last_build(cache)["executed"]) == sorted(SOURCES[title] for title in PAGE_DAMAGES)
    assert_same_site(tmp_path / "site", reference)
    again = build(config, tmp_path / "site", env)  # and the rewritten entries are whole
    assert cache_warnings(again.stderr) == [] and last_build(cache)["executed"] == []


# -- builds killed at random points -------------------------------------------------------------


def process_tree(pid: int) -> list[int]:
    """``pid`` and every process below it (Linux /proc): the build and its kernels."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # it ended meanwhile
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo += children.get(current, [])
    return tree


def kill_build_after(seconds: float, config: Path, site: Path, env: dict) -> dict:
    """Start a build, SIGKILL it and its kernels after ``seconds``; say how far it had got."""
    stderr = site.parent / "killed-build.log"
    with stderr.open("w") as log:
        process = subprocess.Popen(
            **mkdocs_command(config, site, env), stdout=subprocess.DEVNULL, stderr=log
        )
        try:
            process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            for pid in process_tree(process.pid):  # the build first, then what it started
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        process.wait(timeout=60)
    text = stderr.read_text()
    assert process.returncode in (0, -signal.SIGKILL), text[-4000:]  # finished, or killed
    return {
        "killed": process.returncode == -signal.SIGKILL,
        "executed": len(re.findall(r"executed \S+ in ", text)),
        "rendered": text.count("Converting notebook"),
    }


def leftovers(root: Path) -> list[str]:
    """What interrupted writers and builds left: partial files and scratch folders."""
    found = [p for p in root.rglob(".*.partial")]
    found += [p for p in root.rglob("scratch/*") if p.is_dir()]
    return sorted(str(p.relative_to(root)) for p in found)


def test_a_build_killed_at_random_points_leaves_nothing_the_next_build_trips_over(tmp_path):
    """Five rounds: a build (page cache on, every page to execute) is killed with its kernels,
    SIGKILL, at a seeded random moment; the next build must succeed, write no warning (no entry
    was left half-written), give the clean build's site, and leave no partial file or scratch
    folder behind, the killed build's included."""
    config = small_site(tmp_path)
    key_input = tmp_path / "key-input"  # stands in for dlbasics/: a new round re-executes all
    key_input.mkdir()
    env = {
        "DLBASICS_DOCS_CACHE_DIR": str(tmp_path / "cache"),
        "DLBASICS_DOCS_HASH_PATHS": str(key_input),
    }
    started = time.perf_counter()
    build(config, tmp_path / "clean", {**env, "DLBASICS_DOCS_CACHE": "0"})
    clean_seconds = time.perf_counter() - started
    reference = site_files(tmp_path / "clean")

    rng = random.Random(20251201)
    kills = []
    for round_number in range(1, 6):
        (key_input / "round.txt").write_text(str(round_number))
        round_env = {**env, "DLBASICS_TEST_ROUND": str(round_number)}  # a new run-cache entry
        # one point in each fifth of a clean build's time: startup, execution, rendering, the end
        at = rng.uniform(0.05 + 0.18 * (round_number - 1), 0.05 + 0.18 * round_number)
        at *= clean_seconds
        kill = kill_build_after(at, config, tmp_path / "site", round_env)
        while not kill["killed"]:  # it finished first (the machine is shared): earlier, then
            at /= 2
            kill = kill_build_after(at, config, tmp_path / "site", round_env)
        kills.append({"at_seconds": round(at, 2), **kill})
        result = build(config, tmp_path / "site", round_env)
        assert cache_warnings(result.stderr) == []  # atomic writes: nothing half-written
        assert_same_site(tmp_path / "site", reference)
        assert leftovers(tmp_path) == [], kills[-1]
    print(f"clean build {clean_seconds:.1f} s; kills: {kills}")
    assert len({(kill["executed"], kill["rendered"]) for kill in kills}) > 1, "all at one point"
