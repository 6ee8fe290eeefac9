"""Helpers for the browser tests (tests/test_browser.py): find Chromium, serve a built site on
127.0.0.1, visit one page and report what a reader's browser saw.

Every check of a page lives in :func:`check_page`, which returns a :class:`PageReport`; the tests
assert on its fields. The same function runs on a deliberately broken copy of a page in
``test_checks_catch_a_broken_page`` and ``test_checks_catch_math_left_untypeset``, so each check
is shown to fail when the thing it guards breaks.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

import pytest

from scripts.pages_server import PagesServer

from ._support import ARTIFACTS, DOCS, LANGUAGES, REPO, Tags, skip_or_fail

DEFAULT_LANGUAGE = "ko"  # served at /; every other language at /<language>/
LOCAL_HOST = "127.0.0.1"

# Chromium as root on a machine without a network: no sandbox (root), no GPU, and none of the
# background services that phone home (component updates, sync, field trials, QUIC probes).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
]
DEBIAN_CHROMIUM = Path("/usr/bin/chromium")

# Math delimiters as the build finds them (hooks/typeset_math.mjs: $...$ and \\(...\\) inline, $$...$$
# and \\[...\\] displayed). In a page's visible text after typesetting, any of it is math left raw.
RAW_MATH = re.compile(r"\\\(|\\\)|\\\[|\\\]|\$\$|\$[^$\n]+\$")
# One formula of a page's Markdown source (outside code); \$ is a dollar sign, not a delimiter.
FORMULA = re.compile(
    r"\$\$.+?\$\$|\\\[.+?\\\]|\\\(.+?\\\)|(?<!\\)\$(?!\$)(?:\\\$|[^$])+?(?<!\\)\$", re.DOTALL
)
FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)
CODE_BLOCK = re.compile(r"^(```|~~~).*?^\1", re.DOTALL | re.MULTILINE)
INLINE_CODE = re.compile(r"`[^`\n]+`")

# Maximum time for the math font to load, and for search results to appear.
FONTS_TIMEOUT_MS = 30_000
SEARCH_TIMEOUT_MS = 30_000

# Every element of the page as Chromium parsed it: its namespace, name and attributes (sorted),
# and the text between, line-break runs made one (hooks/html_compact.py's whitespace rule).
DOM_JS = r"""() => {
  const out = [];
  const walk = (node) => {
    if (node.nodeType === Node.ELEMENT_NODE) {
      const attributes = [...node.attributes].map((a) => [a.name, a.value]).sort();
      out.push(`<${node.namespaceURI} ${node.localName} ${JSON.stringify(attributes)}`);
      node.childNodes.forEach(walk);
      out.push(`</${node.localName}`);
    } else if (node.nodeType === Node.TEXT_NODE) {
      const text = node.data.replace(/[ \t\r\f]*\n\s*/g, "\n");
      if (out.length && out[out.length - 1].startsWith("#")) out[out.length - 1] += text;
      else if (text) out.push("#" + text);
    }
  };
  walk(document.documentElement);
  return out;
}"""

# -- which browser -------------------------------------------------------------------------------


def chromium_executable() -> tuple[str | None, str]:
    """The Chromium to launch and where it came from.

    ``DLBASICS_CHROMIUM`` if set (it must exist), else Debian's ``/usr/bin/chromium``, else
    ``None``: Playwright's own bundled browser (what GitHub Actions gets from
    ``playwright install chromium``).
    """
    configured = os.environ.get("DLBASICS_CHROMIUM")
    if configured:
        if not os.access(configured, os.X_OK):
            pytest.fail(f"DLBASICS_CHROMIUM={configured!r} is not an executable file")
        return configured, "DLBASICS_CHROMIUM"
    if os.access(DEBIAN_CHROMIUM, os.X_OK):
        return str(DEBIAN_CHROMIUM), "Debian's chromium package"
    return None, "Playwright's bundled Chromium"


# -- serving the site ----------------------------------------------------------------------------


# The site is served as GitHub Pages serves it: gzip, keep-alive, its 404 page (scripts/).
SiteServer = PagesServer


@functools.cache
def fetch(url: str) -> tuple[int, bytes]:
    """GET ``url`` once (cached for the session): the status and the body (empty on an error)."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - our own server
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


# -- which pages ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SitePage:
    language: str
    name: str  # the page's file name without .md: "index", "backpropagation"

    @property
    def path(self) -> str:
        """The URL path: /, /backpropagation/, /en/, /en/backpropagation/."""
        prefix = "/" if self.language == DEFAULT_LANGUAGE else f"/{self.language}/"
        return prefix if self.name == "index" else f"{prefix}{self.name}/"

    @property
    def id(self) -> str:
        return f"{self.language}:{self.path}"

    def html_file(self, site_dir: Path) -> Path:
        return Path(site_dir) / self.path.strip("/") / "index.html"


def site_pages(docs_dir: Path = DOCS) -> list[SitePage]:
    """Every page of the site: one per ``docs/<language>/*.md``, in every language."""
    return [
        SitePage(language, source.stem)
        for language in LANGUAGES
        for source in sorted((docs_dir / language).glob("*.md"))
    ]


def built_html_pages(site_dir: Path) -> set[str]:
    """The URL path of every page in a built site (``**/index.html``), assets excluded."""
    paths = set()
    for html in Path(site_dir).rglob("index.html"):
        relative = html.parent.relative_to(site_dir).as_posix()
        if relative.split("/")[0] in {"assets", "search"}:
            continue
        paths.add("/" if relative == "." else f"/{relative}/")
    return paths


# -- checking one page ---------------------------------------------------------------------------


@dataclass
class PageReport:
    url: str
    status: int | None = None
    html_lang: str | None = None
    requests: list[str] = field(default_factory=list)  # every request the page made, in order
    third_party: list[str] = field(default_factory=list)  # requests to any other host
    blocked: list[str] = field(default_factory=list)  # third-party requests the route aborted
    failed_local: list[str] = field(default_factory=list)  # local requests with status >= 400
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    formulas_expected: int = 0  # formulas in the page's Markdown source
    math_elements: int = 0  # <math> elements in the article, typeset at build time
    mathjax_in_browser: bool = False  # a MathJax script ran in the reader's browser
    math_fonts_loaded: list[str] = field(default_factory=list)  # the site's math font, once loaded
    math_errors: list[str] = field(default_factory=list)  # <merror>: TeX the build could not read
    raw_math: list[str] = field(default_factory=list)  # math source left in the visible text
    cut_off: list[str] = field(default_factory=list)  # equations, tables, images partly hidden
    images: int = 0
    broken_images: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  # every same-site URL it links to or loads
    broken_links: list[str] = field(default_factory=list)  # "url -> status" or "url#id (no id)"
    download_href: str | None = None  # the download-notebook link, resolved
    # the links to other sites a reader may follow: "colab", "binder", "source" -> their hrefs
    outside_links: dict[str, list[str]] = field(default_factory=dict)
    policy: str | None = None  # its Content-Security-Policy (hooks/csp.py), None when it has none
    policy_violations: list[str] = field(default_factory=list)  # what the policy refused

    def problems(self, expected_lang: str) -> list[str]:
        """Everything wrong with the page, one line each; empty for a good page."""
        found = []
        if self.status != 200:
            found.append(f"HTTP status {self.status}, expected 200")
        if self.html_lang != expected_lang:
            found.append(f'<html lang="{self.html_lang}">, expected "{expected_lang}"')
        found += [f"third-party request (blocked): {url}" for url in self.third_party]
        found += [f"local request failed: {entry}" for entry in self.failed_local]
        found += [f"console error: {text}" for text in self.console_errors]
        found += [f"page error: {text}" for text in self.page_errors]
        if self.math_elements != self.formulas_expected:
            found.append(
                f"{self.formulas_expected} formulas in the page's source, "
                f"{self.math_elements} typeset (<math> in the article)"
            )
        if self.mathjax_in_browser:
            found.append("MathJax runs in the browser: the math must be typeset at build time")
        if self.math_elements and not self.math_fonts_loaded:
            found.append(f"the page shows math but its font ({MATH_FONT}) did not load")
        found += [f"math error: {text}" for text in self.math_errors]
        found += [f"untypeset math in the text: {text!r}" for text in self.raw_math]
        found += [f"cut off, not scrollable: {entry}" for entry in self.cut_off]
        found += [f"image not loaded: {src}" for src in self.broken_images]
        found += [f"broken link: {entry}" for entry in self.broken_links]
        if not self.policy:
            found.append("no Content-Security-Policy <meta> tag")
        found += [f"refused by the Content-Security-Policy: {v}" for v in self.policy_violations]
        return found

    def summary(self) -> dict:
        return {
            "url": self.url,
            "status": self.status,
            "requests": len(self.requests),
            "third_party_requests": len(self.third_party),
            "blocked": len(self.blocked),
            "math_elements": self.math_elements,
            "images": self.images,
            "links": len(self.links),
        }


def formulas_in_source(markdown: str) -> int:
    """How many formulas a page's Markdown source holds, counted as the build finds them: between
    its delimiters, outside code blocks and inline code."""
    text = INLINE_CODE.sub("", CODE_BLOCK.sub("", FRONT_MATTER.sub("", markdown)))
    return len(FORMULA.findall(text))


# The page's visible text outside code, scripts and typeset math: where raw TeX must not remain.
TEXT_OUTSIDE_CODE_JS = """() => {
  const skip = "PRE, CODE, SCRIPT, STYLE, TEXTAREA, MATH";
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const parts = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    const visible = parent && !parent.closest(skip) && parent.getClientRects().length > 0;
    if (visible) parts.push(node.data);
  }
  return parts.join("\\n");
}"""

# The family of the site's math font (math.css, from Temml's stylesheet for STIX Two Math).
MATH_FONT = "STIX2"

# Whether MathJax ran in the browser, and the math font in use once every font has loaded.
MATH_IN_BROWSER_JS = """async ([timeout, family]) => {
  // A block below the first screen is rendered, and its fonts loaded, only when it is scrolled to
  // (content-visibility in extra.css): show the first formula, as a reader scrolling would.
  const first = document.querySelector("article math");
  if (first) first.scrollIntoView();
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  const late = new Promise((resolve) => setTimeout(resolve, timeout));
  await Promise.race([document.fonts.ready, late]);
  window.scrollTo(0, 0);
  const scripts = Array.from(document.scripts).some((s) => /mathjax/i.test(s.src));
  const fonts = Array.from(document.fonts)
    .filter((font) => font.family.replace(/"/g, "") === family && font.status === "loaded")
    .map((font) => font.family.replace(/"/g, ""));
  return {mathjax: scripts || typeof window.MathJax !== "undefined", fonts: fonts};
}"""

WAIT_FOR_IMAGES_JS = """async () => {
  const images = Array.from(document.images);
  for (const image of images) image.loading = "eager";  // lazy images below the fold load too
  await Promise.all(images.map((image) => image.decode().catch(() => null)));
  return images.map((image) => ({
    src: image.currentSrc || image.src,
    ok: image.complete && image.naturalWidth > 0,
  }));
}"""

# Widths at which nothing in the text may be cut off: a desktop window and a phone.
LAYOUT_WIDTHS = ((1280, 900), (390, 844))

# Displayed equations, tables and images in the page's text that stick out of the nearest box that
# clips its overflow (overflow hidden or clip), where the reader can neither see nor scroll to the
# rest. A box that scrolls (overflow auto or scroll) is fine.
CUT_OFF_JS = """() => {
  const selector = 'math[display="block"] > *, table, img';
  const found = [];
  for (const element of document.querySelectorAll(`article ${selector}`)) {
    const box = element.getBoundingClientRect();
    if (box.width === 0) continue;
    // content-visibility: auto (extra.css) contains paint: it clips like overflow: hidden
    const clips = (box) => getComputedStyle(box).overflowX !== "visible"
      || getComputedStyle(box).contentVisibility === "auto"
      || /paint|strict|content/.test(getComputedStyle(box).contain);
    let clipper = element.parentElement;
    while (clipper && !clips(clipper)) {
      clipper = clipper.parentElement;
    }
    if (!clipper || ["auto", "scroll"].includes(getComputedStyle(clipper).overflowX)) continue;
    const limit = clipper.getBoundingClientRect();
    if (box.left >= limit.left - 1 && box.right <= limit.right + 1) continue;
    let what = element.tagName.toLowerCase();
    const math = element.closest("math");
    if (math) {  // named by its text, as a screen reader reads it
      what = "equation " + math.textContent.replace(/\\s+/g, " ").trim().slice(0, 60);
    } else if (what === "img") {
      what = "image " + (element.currentSrc || element.src).slice(0, 60);
    }
    found.push(`${what} (${Math.round(box.width)}px in a ${Math.round(limit.width)}px `
      + `<${clipper.tagName.toLowerCase()} class="${clipper.className}"> that hides the rest)`);
  }
  return found;
}"""

# Before any script of the page: remember every securitypolicyviolation event (the browser also
# logs a console error, which does not say which directive refused what).
RECORD_POLICY_VIOLATIONS_JS = """
if (!window.__dlbasicsPolicyViolations) {
  window.__dlbasicsPolicyViolations = [];
  document.addEventListener("securitypolicyviolation", (event) => {
    window.__dlbasicsPolicyViolations.push(
      `${event.effectiveDirective} refused ${event.blockedURI || "(inline)"}`
      + ` at ${event.sourceFile || event.documentURI}:${event.lineNumber}`);
  });
}
"""
POLICY_JS = """() => {
  const meta = document.querySelector('meta[http-equiv="Content-Security-Policy"]');
  return [meta ? meta.content : null, window.__dlbasicsPolicyViolations || []];
}"""

SITE_URLS_JS = """() => {
  const urls = [];
  for (const element of document.querySelectorAll("a[href], link[href], area[href]")) {
    urls.push(element.href);
  }
  for (const element of document.querySelectorAll("[src]")) urls.push(element.src);
  return urls;
}"""


# Links to the repository (overrides/partials/source.html) and to the page's notebook in Colab and
# Binder (overrides/partials/launch.html): present only when a repository is configured.
OUTSIDE_LINKS = {
    "colab": "a.dlbasics-colab",
    "binder": "a.dlbasics-binder",
    "source": "a.md-source",
}


def _ids_in(html: str) -> set[str]:
    """Every ``id`` and ``name`` of a page, quoted or not (hooks/html_compact.py)."""
    return {
        value for _, attrs in Tags(html).tags for name, value in attrs.items()
        if name in ("id", "name") and value
    }  # fmt: skip


def check_links(urls: list[str], server: SiteServer) -> list[str]:
    """Fetch every same-site URL once (without its fragment); report those not 200 and the
    fragments that name no element of their target page."""
    broken = []
    for url in sorted(set(urls)):
        target, fragment = urldefrag(url)
        fragment = unquote(fragment)  # the browser percent-encodes it; ids are plain text
        status, body = fetch(target)
        if status != 200:
            broken.append(f"{target} -> HTTP {status}")
            continue
        is_html = target.endswith("/") or target.endswith(".html")
        if fragment and is_html and fragment not in _ids_in(body.decode("utf-8", "replace")):
            broken.append(f"{url} -> no element with id {fragment!r}")
    return broken


def check_page(context, server: SiteServer, path: str, formulas_expected: int = 0) -> PageReport:
    """Open ``path`` in a new tab of ``context`` and record everything :class:`PageReport` holds;
    ``formulas_expected`` is the number of formulas in the page's source.

    Every request goes through a route: same-host ones continue, any other is recorded and aborted,
    so nothing leaves the machine even when a page tries.
    """
    report = PageReport(url=server.url(path), formulas_expected=formulas_expected)

    def route(route_):
        url = route_.request.url
        if server.is_local(url):
            route_.continue_()
        else:
            report.blocked.append(url)
            route_.abort("blockedbyclient")

    def on_request(request):
        report.requests.append(request.url)
        if not server.is_local(request.url):
            report.third_party.append(request.url)

    def on_response(response):
        if response.status >= 400 and server.is_local(response.url):
            report.failed_local.append(f"{response.url} -> HTTP {response.status}")

    def on_console(message):
        if message.type == "error":
            location = message.location or {}
            where = location.get("url", "")
            report.console_errors.append(f"{message.text} ({where})" if where else message.text)

    def on_websocket(websocket):
        report.requests.append(websocket.url)
        if not server.is_local(websocket.url):
            report.third_party.append(websocket.url)

    page = context.new_page()
    page.add_init_script(RECORD_POLICY_VIOLATIONS_JS)
    # The context sees requests of the page and of its workers (search runs in a web worker).
    context.route("**/*", route)
    context.on("request", on_request)
    context.on("response", on_response)
    page.on("console", on_console)
    page.on("pageerror", lambda error: report.page_errors.append(str(error)))
    page.on("websocket", on_websocket)
    try:
        response = page.goto(report.url, wait_until="load")
        report.status = response.status if response else None
        report.html_lang = page.evaluate("document.documentElement.lang")
        math = page.evaluate(MATH_IN_BROWSER_JS, [FONTS_TIMEOUT_MS, MATH_FONT])
        report.mathjax_in_browser, report.math_fonts_loaded = math["mathjax"], math["fonts"]
        report.math_elements = page.locator("article math").count()
        report.math_errors = page.locator("article merror").evaluate_all(
            "nodes => nodes.map(n => n.textContent)"
        )
        text = page.evaluate(TEXT_OUTSIDE_CODE_JS)
        report.raw_math = sorted({match.group(0)[:80] for match in RAW_MATH.finditer(text)})
        images = page.evaluate(WAIT_FOR_IMAGES_JS)
        report.images = len(images)
        report.broken_images = [image["src"][:200] for image in images if not image["ok"]]
        download = page.locator("a.dlbasics-download")
        if download.count():
            report.download_href = download.first.evaluate("a => a.href")
        for name, selector in OUTSIDE_LINKS.items():
            report.outside_links[name] = page.locator(selector).evaluate_all(
                "links => links.map(a => a.href)"
            )
        page.wait_for_load_state("networkidle")
        links = [url for url in page.evaluate(SITE_URLS_JS) if urlsplit(url).scheme != "data"]
        for width, height in LAYOUT_WIDTHS:
            page.set_viewport_size({"width": width, "height": height})
            page.evaluate("() => new Promise((resolve) => requestAnimationFrame(resolve))")
            report.cut_off += [f"{width}px wide: {text}" for text in page.evaluate(CUT_OFF_JS)]
        report.policy, report.policy_violations = page.evaluate(POLICY_JS)
    finally:
        page.close()
        context.unroute("**/*", route)
        context.remove_listener("request", on_request)
        context.remove_listener("response", on_response)
    # Links to other sites are allowed (the reader follows them); only requests to them are not.
    local_links = [url for url in links if server.is_local(url)]
    report.links = sorted({urldefrag(url)[0] for url in local_links})
    report.broken_links = check_links(local_links, server)
    return report


# -- the run's report ----------------------------------------------------------------------------

RESULTS: dict[str, dict] = {}  # page id -> PageReport.summary(), for the table and the JSON file


def record(page_id: str, report: PageReport, problems: list[str]) -> None:
    summary = report.summary()
    summary["problems"] = problems
    RESULTS[page_id] = summary


def write_report(path: Path = ARTIFACTS / "browser-report.json") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(RESULTS, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def report_lines() -> list[str]:
    """The per-page table printed at the end of the pytest run."""
    if not RESULTS:
        return []
    width = max(len(page_id) for page_id in RESULTS)
    lines = [
        f"{'page':<{width}}  requests  third-party  math  images  links  problems",
    ]
    for page_id, row in RESULTS.items():  # in the order the pages were visited
        lines.append(
            f"{page_id:<{width}}  {row['requests']:>8}  {row['third_party_requests']:>11}"
            f"  {row['math_elements']:>4}  {row['images']:>6}  {row['links']:>5}"
            f"  {len(row['problems']):>8}"
        )
    total = sum(row["requests"] for row in RESULTS.values())
    third = sum(row["third_party_requests"] for row in RESULTS.values())
    lines.append(f"{len(RESULTS)} pages, {total} requests, {third} to third parties")
    return lines


# -- a broken copy of the site, for showing that the checks fail ---------------------------------


def overlay_site(site_dir: Path, destination: Path, page_path: str) -> Path:
    """A copy of ``site_dir`` under ``destination`` that links to everything except the page at
    ``page_path``, which is a real copy (to be edited). Returns that page's index.html."""
    site_dir = Path(site_dir)
    page_dir = page_path.strip("/")
    shutil.copytree(site_dir, destination, copy_function=os.symlink, dirs_exist_ok=True)
    html = destination / page_dir / "index.html"
    html.unlink()
    shutil.copy2(site_dir / page_dir / "index.html", html)
    return html


# -- accessibility: axe-core (npm, pinned in package.json) ---------------------------------------

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.1 A and AA, and axe's best practices, less two rules that do not apply here:
# - scrollable-region-focusable: a code cell or wide equation that scrolls sideways is not
#   focusable itself, but Chromium (since 130) and Firefox let keyboard users focus any scroller;
# - empty-table-header: the benchmark table on the numpy-mlp page (dlbasics.bench.report) has an
#   empty top-left header cell, which screen readers skip; Lighthouse does not score it.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
AXE_SKIPPED_RULES = ["scrollable-region-focusable", "empty-table-header"]
PALETTES = {"light": "default", "dark": "slate"}  # prefers-color-scheme -> Material's scheme

AXE_RUN_JS = """async ([tags, skipped]) => {
  const rules = Object.fromEntries(skipped.map((id) => [id, {enabled: false}]));
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, rules});
  return result.violations.map((v) => v.nodes.map((node) =>
    `${v.id}: ${node.target.join(" ")}: ${node.failureSummary.replace(/\\s+/g, " ").slice(0, 240)}`
  )).flat();
}"""


def axe_violations(page) -> list[str]:
    """Every axe-core violation on ``page`` (already loaded), one line each."""
    if not AXE.is_file():
        skip_or_fail(f"{AXE} missing: run `npm ci` (make node_modules/.installed)")
    page.add_script_tag(path=str(AXE))
    return page.evaluate(AXE_RUN_JS, [AXE_TAGS, AXE_SKIPPED_RULES])
