"""Helpers for the in-browser execution tests (tests/test_browser_run.py) and the browser
benchmark (scripts/bench_browser.py): serve the built site, press Run, read what the cells show,
and compare it with the outputs the site build recorded in each page's .ipynb.

The site's Run controls are added by docs/assets/javascripts/runner.js: each code cell carries
``data-dlbasics-state`` (queued, running, done, error, stopped), the bar above the first cell
``data-dlbasics-session`` (idle, loading, ready, running, stopped, failed, unsupported), and each
output of the browser ``data-output`` (stream, text, image, error, stopped).
"""

from __future__ import annotations

import functools
import importlib.util
import json
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from scripts.pages_server import PagesHandler

from . import browser_support as bs

REPO = Path(__file__).resolve().parents[1]
WORKER_SCRIPT = "assets/javascripts/python-worker.js"
# What issue 17 will require of the whole site; the worker runs Pyodide under it here (no eval,
# WebAssembly compiled with 'wasm-unsafe-eval' only, everything from the site itself).
WORKER_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'"


# The bar's Run all once runner.js has bound the controls the build wrote (disabled until then).
CONTROLS_READY = '.dlbasics-bar [data-dlbasics-action="run-all"]:not([disabled])'


def load_pyodide_hook():
    """hooks/pyodide.py as a module (its page lists and checks are what the tests use)."""
    name = "hook_pyodide"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, REPO / "hooks" / "pyodide.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up there
        hooks = str(REPO / "hooks")
        if hooks not in sys.path:  # as MkDocs does: a hook imports its neighbours
            sys.path.insert(0, hooks)
        spec.loader.exec_module(module)
    return sys.modules[name]


class _CSPHandler(PagesHandler):
    def end_headers(self):
        if self.path.split("?")[0].endswith(WORKER_SCRIPT):
            self.send_header("Content-Security-Policy", WORKER_CSP)
        super().end_headers()

    def do_GET(self):
        body = self.send_head()
        if body is not None:
            self.wfile.write(body)
            self.server.bytes_served += len(body)  # as sent: gzip-compressed where it applies


class RunSiteServer(bs.SiteServer):
    """bs.SiteServer, whose worker script comes with a strict Content-Security-Policy, and which
    counts the bytes it sends (what the browser did not take from its cache)."""

    def __init__(self, root: Path):
        super().__init__(root)
        self._httpd.RequestHandlerClass = functools.partial(_CSPHandler, directory=str(self.root))
        self._httpd.bytes_served = 0

    @property
    def bytes_served(self) -> int:
        return self._httpd.bytes_served


class RequestLog:
    """Every request of a browser context; requests to other hosts are recorded, and aborted
    when ``block`` (Playwright's routing then turns the context's HTTP cache off)."""

    def __init__(self, context, server: bs.SiteServer, block: bool = True):
        self.server = server
        self.requests: list[str] = []
        self.third_party: list[str] = []
        if block:
            context.route("**/*", self._route)
        context.on("request", self._on_request)

    def _route(self, route):
        if self.server.is_local(route.request.url):
            route.continue_()
        else:
            route.abort("blockedbyclient")

    def _on_request(self, request):
        self.requests.append(request.url)
        if not self.server.is_local(request.url):
            self.third_party.append(request.url)

    def since(self, start: int) -> list[str]:
        return self.requests[start:]


# -- driving the page ----------------------------------------------------------------------------

RUN_ALL = {"ko": "모두 실행", "en": "Run all"}
CELLS_JS = """() => [...document.querySelectorAll('.jp-CodeCell')]
  .filter((cell) => !cell.parentElement.closest('.jp-CodeCell'))"""
BUSY_JS = f"""() => ({CELLS_JS})().some(
  (cell) => ['queued', 'running'].includes(cell.dataset.dlbasicsState))"""
OUTPUTS_JS = f"""() => ({CELLS_JS})().map((cell) => ({{
  state: cell.dataset.dlbasicsState || '',
  outputs: [...cell.querySelectorAll('.dlbasics-output [data-output]')].map((o) => ({{
    kind: o.dataset.output, name: o.dataset.name || '',
    text: o.tagName === 'IMG' ? o.alt : o.textContent,
    loaded: o.tagName === 'IMG' ? (o.complete && o.naturalWidth > 0) : true,
  }})),
}}))"""


def page_code_cells(site_dir: Path, site_page) -> list:
    """The code cells of a page's downloaded .ipynb that are the page's own, in page order.

    hooks/downloads.py puts a setup cell (install the package where it is missing) first, which
    the page does not show; every other code cell is the page's, with the build's outputs.
    """
    import nbformat

    notebook = nbformat.read(
        site_page.html_file(site_dir).parent / f"{site_page.name}.ipynb", as_version=4
    )
    cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    return cells[1:] if "dlbasics" in notebook.metadata else cells


def session_state(page) -> str:
    return page.get_attribute(".dlbasics-bar", "data-dlbasics-session") or ""


def wait_until_idle(page, timeout_s: float) -> str:
    """Wait until no cell is queued or running (or Python failed); return the session state."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        state = session_state(page)
        if state in ("failed", "unsupported", "stopped"):
            return state
        if state == "ready" and not page.evaluate(BUSY_JS):
            return state
        page.wait_for_timeout(200)
    raise TimeoutError(
        f"the cells were still running after {timeout_s:.0f} s: {session_state(page)}"
    )


def cell_locator(page, number: int):
    """The outer .jp-CodeCell of code cell ``number`` (1-based)."""
    return page.locator(".jp-CodeCell:not(.jp-CodeCell .jp-CodeCell)").nth(number - 1)


# -- outputs: the build's and the browser's ----------------------------------------------------


@dataclass
class Outputs:
    stdout: str = ""
    stderr: str = ""
    results: list[str] = field(default_factory=list)  # last-expression values, as text
    images: int = 0
    errors: list[str] = field(default_factory=list)  # tracebacks


def build_outputs(cell) -> Outputs:
    """What the build recorded for one code cell of the executed notebook."""
    found = Outputs()
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            setattr(found, output.name, getattr(found, output.name) + output.text)
        elif output.output_type in ("execute_result", "display_data"):
            data = output.get("data", {})
            if "image/png" in data:
                found.images += 1
            elif output.output_type == "execute_result":
                found.results.append(data.get("text/markdown") or data.get("text/plain", ""))
        elif output.output_type == "error":
            found.errors.append("\n".join(output.get("traceback", [])))
    return found


def browser_outputs(entries: list[dict]) -> Outputs:
    """The same from the DOM of one cell (OUTPUTS_JS)."""
    found = Outputs()
    for entry in entries:
        if entry["kind"] == "stream":
            setattr(found, entry["name"], getattr(found, entry["name"]) + entry["text"])
        elif entry["kind"] == "text":
            found.results.append(entry["text"])
        elif entry["kind"] == "image":
            found.images += 1
        elif entry["kind"] == "error":
            found.errors.append(entry["text"])
    return found


# Numbers in printed text: 12, -0.5, 1.2e-05, .5
NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")


@dataclass(frozen=True)
class KnownDifference:
    """Why a cell's text may differ between the build and the browser, and by how much.

    All text but the numbers must be equal. ``numbers_within``: each number may differ by this
    much (absolute), ``relative``: by this fraction of the build's value. ``seconds``: a regex
    for times measured where the cell ran; they are not compared.
    """

    reason: str
    numbers_within: float = 0.0
    relative: float = 0.0
    seconds: str | None = None

    def equal(self, build: str, browser: str) -> bool:
        if self.seconds:
            build, browser = (re.sub(self.seconds, "<seconds>", text) for text in (build, browser))
        if NUMBER.split(build) != NUMBER.split(browser):
            return False
        pairs = list(zip(NUMBER.findall(build), NUMBER.findall(browser), strict=True))
        return all(
            abs(float(a) - float(b)) <= max(self.numbers_within, self.relative * abs(float(a)))
            for a, b in pairs
        )


EXACT = KnownDifference(reason="")


def compare(build: Outputs, browser: Outputs, known: KnownDifference | None) -> list[str]:
    """Each way the browser's outputs differ from the build's beyond ``known``; empty if none."""
    rule = known or EXACT
    problems = []
    if browser.errors:
        problems.append("raised in the browser:\n" + "\n".join(browser.errors))
    for name in ("stdout", "stderr"):
        a, b = getattr(build, name), getattr(browser, name)
        if a != b and not rule.equal(a, b):
            problems.append(f"{name} differs:\n  build:   {a!r}\n  browser: {b!r}")
    if len(build.results) != len(browser.results) or not all(
        a == b or rule.equal(a, b) for a, b in zip(build.results, browser.results, strict=False)
    ):
        problems.append(
            f"value differs:\n  build:   {build.results!r}\n  browser: {browser.results!r}"
        )
    if build.images != browser.images:
        problems.append(f"{browser.images} figure(s) in the browser, {build.images} in the build")
    return problems


def differences(build: Outputs, browser: Outputs) -> list[str]:
    """Every text that is not identical, for the report (allowed or not)."""
    found = []
    for name in ("stdout", "stderr"):
        a, b = getattr(build, name), getattr(browser, name)
        if a != b:
            lines = [
                f"  build:   {x!r}\n  browser: {y!r}"
                for x, y in zip(a.splitlines(), b.splitlines(), strict=False)
                if x != y
            ]
            found.append(f"{name}:\n" + "\n".join(lines or [f"  build {a!r}, browser {b!r}"]))
    if build.results != browser.results:
        found.append(f"value: build {build.results!r}, browser {browser.results!r}")
    return found


# -- the run's report ----------------------------------------------------------------------------

RESULTS: dict[str, dict] = {}  # page id -> {"seconds", "cells", "differences": {cell: [...]}}


def write_report(path: Path = bs.ARTIFACTS / "browser-run-report.json") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(RESULTS, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def report_lines() -> list[str]:
    """Per page: cells run, seconds, and every difference from the build with its reason."""
    lines = []
    for page_id, row in RESULTS.items():
        lines.append(f"{page_id}: {row['cells']} cells in {row['seconds']:.1f} s")
        for cell, entry in row["differences"].items():
            lines.append(f"  cell {cell} differs from the build ({entry['reason']}):")
            lines += [f"    {line}" for text in entry["texts"] for line in text.splitlines()]
    return lines
