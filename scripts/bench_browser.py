"""How fast the site's code runs in the reader's browser: a benchmark script, not a test.

Serves a built site on 127.0.0.1, opens the perceptron page in headless Chromium with an empty
cache (a new browser profile) and presses Run on its second code cell (which first runs the first): the time until that
cell's output is shown is the cold first Run (Pyodide, NumPy, matplotlib and dlbasics downloaded,
compiled and started). Then the same cell again (a re-run of a small cell), and the first Run on
a second page with the browser's cache warm (a reader going on to the next page). Bytes are what
the server sent (files the browser did not take from its cache). Each measurement is repeated with a fresh profile;
the medians are printed and written to artifacts/bench-browser.json with the machine's load.

Usage: python scripts/bench_browser.py [--site DIR] [--rounds N] [--language ko|en]
       (without --site, the site is built into a temporary folder; executed pages come from
       the build cache)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests import browser_support as bs  # noqa: E402 - the tests' server and Chromium settings
from tests import run_support as rs  # noqa: E402

PAGE = "perceptron"
NEXT_PAGE = "gradient-descent"
CELL = 2  # `X, y = perceptron.logic_gate("AND"); print(X)`: small, and it prints


def build_site(target: Path) -> Path:
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(target)]
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    subprocess.run(command, cwd=REPO, env=env, check=True, capture_output=True)
    return target


def run_cell(page, number: int) -> float:
    """Press Run on code cell ``number``; seconds until it is done and shows its output."""
    cell = rs.cell_locator(page, number)
    start = time.perf_counter()
    cell.locator(".dlbasics-cell-bar button").first.click()
    page.wait_for_function(
        "(el) => el.dataset.dlbasicsState === 'done' && el.querySelector('.dlbasics-output pre')",
        arg=cell.element_handle(),
        timeout=300_000,
        polling=20,
    )
    return time.perf_counter() - start


def one_round(browser_type, executable, server, language: str) -> dict:
    # A profile on disk, as a reader's browser has: its HTTP cache keeps the large files (an
    # off-the-record context's memory cache drops pyodide.asm.wasm and the matplotlib wheel).
    profile = tempfile.TemporaryDirectory(prefix="dlbasics-bench-profile-")
    context = browser_type.launch_persistent_context(
        profile.name, executable_path=executable, args=bs.CHROMIUM_ARGS
    )
    log = rs.RequestLog(context, server, block=False)  # routing would turn the cache off
    try:
        page = context.new_page()
        page.goto(server.url(bs.SitePage(language, PAGE).path))
        page.wait_for_selector(".dlbasics-bar")
        before = server.bytes_served
        cold = run_cell(page, CELL)
        rerun = run_cell(page, CELL)
        downloaded = server.bytes_served - before
        page.goto(server.url(bs.SitePage(language, NEXT_PAGE).path))  # the reader goes on
        page.wait_for_selector(".dlbasics-bar")
        before = server.bytes_served
        warm = run_cell(page, CELL)
        warm_downloaded = server.bytes_served - before
    finally:
        context.close()
        profile.cleanup()
    if log.third_party:
        raise SystemExit(f"requests to other hosts: {log.third_party}")
    return {"cold_first_run_s": cold, "rerun_s": rerun, "warm_first_run_s": warm,
            "downloaded_bytes": downloaded, "warm_downloaded_bytes": warm_downloaded}  # fmt: skip


def main(argv=None) -> int:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, help="a site built from this checkout")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--language", choices=bs.LANGUAGES, default="en")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="dlbasics-bench-site-") as scratch:
        site = args.site or build_site(Path(scratch) / "site")
        executable, _ = bs.chromium_executable()
        with rs.RunSiteServer(site) as server, sync_playwright() as playwright:
            load = os.getloadavg()[0]
            rounds = [
                one_round(playwright.chromium, executable, server, args.language)
                for _ in range(args.rounds)
            ]
    medians = {key: statistics.median(r[key] for r in rounds) for key in rounds[0]}
    result = {
        "measured": datetime.now(UTC).isoformat(timespec="seconds"),
        "page": f"{args.language}/{PAGE}, code cell {CELL}",
        "rounds": rounds,
        "median": medians,
        "machine": {
            "cpus": os.cpu_count(),
            "processor": platform.processor() or platform.machine(),
            "load_average_1min_at_start": round(load, 2),
        },  # fmt: skip
    }
    out = REPO / "artifacts" / "bench-browser.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"Python in the browser, {result['page']}, median of {args.rounds} fresh profiles:")
    print(
        f"  cold first Run (nothing cached):  {medians['cold_first_run_s']:6.2f} s  (goal <= 20 s)"
    )
    print(f"  re-run of the same small cell:     {medians['rerun_s']:6.2f} s  (goal <= 1 s)")
    print(f"  first Run on the next page (warm): {medians['warm_first_run_s']:6.2f} s")
    print(f"  downloaded for the first Run:      {medians['downloaded_bytes'] / 1e6:6.1f} MB")
    print(f"  downloaded for the next page:      {medians['warm_downloaded_bytes'] / 1e6:6.1f} MB")
    print(f"  load average at the start: {load:.2f} on {os.cpu_count()} CPUs -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
