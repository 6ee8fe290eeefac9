"""Acceptance tests of the built site in a real browser (headless Chromium through Playwright).

The site is served on 127.0.0.1; every page of both languages is opened and must load with HTTP
200, no console error, no request to any other host (each is recorded and blocked), its math typeset
by the self-hosted MathJax, no equation, table or image cut off at desktop or phone width, every
image loaded, every same-site link and asset answering 200 (and every #fragment naming an element),
``<html lang>`` naming its language, the page's download-notebook link serving a valid
notebook of that page, and its Colab, Binder and source links pointing at the configured
repository. A few pages of the site built without a repository must have none of those links and
make no third-party request either. Then: the language switcher, search in both languages, and
screenshots under artifacts/screenshots/ for people to look at.
A per-page table of requests is printed at the end of the run and written to
artifacts/browser-report.json.

Browser: ``DLBASICS_CHROMIUM``, else /usr/bin/chromium (Debian), else Playwright's bundled one.
Site: the ``built_site`` fixture (a strict build), or a site already built from this checkout at
``DLBASICS_BROWSER_SITE`` (quicker while working on the tests; pages are found in docs/).
"""

from __future__ import annotations

import os
import re
from urllib.parse import urlsplit

import pytest

from . import browser_support as bs
from ._support import require
from .site_support import real_site_settings

pytestmark = pytest.mark.browser

PAGES = bs.site_pages()
NOTEBOOK_PAGE = "backpropagation"  # the page the switcher, search and screenshot tests use
SEARCH_TERMS = {"ko": "역전파", "en": "backpropagation"}
VIEWPORT = {"width": 1280, "height": 900}


# -- fixtures ------------------------------------------------------------------------------------


# site_dir and browser are in tests/conftest.py: tests/test_browser_run.py uses the same ones.


@pytest.fixture(scope="session")
def server(site_dir):
    with bs.SiteServer(site_dir) as running:
        yield running


@pytest.fixture(scope="session")
def site_repository() -> str:
    """The GitHub repository the site links to ("" for none): the ``built_site`` fixture's, or
    ``DLBASICS_REPO`` for a site given by ``DLBASICS_BROWSER_SITE``."""
    if os.environ.get("DLBASICS_BROWSER_SITE"):
        return os.environ.get("DLBASICS_REPO", "")
    return real_site_settings()["DLBASICS_REPO"]


def expected_outside_links(site_page: bs.SitePage, repository: str) -> dict[str, list[str]]:
    """Colab and Binder open the page's notebook on the notebooks branch; the source link (in
    the header and the navigation drawer) goes to the repository."""
    if not repository:
        return {"colab": [], "binder": [], "source": []}
    path = f"{site_page.language}/{site_page.name}.ipynb"
    return {
        "colab": [f"https://colab.research.google.com/github/{repository}/blob/notebooks/{path}"],
        "binder": [
            f"https://mybinder.org/v2/gh/{repository}/notebooks?labpath={path.replace('/', '%2F')}"
        ],
        "source": [f"https://github.com/{repository}"] * 2,
    }


@pytest.fixture
def browser_context(browser):
    """A fresh browser context (no cookies, no storage) per test."""
    created = browser.new_context(viewport=VIEWPORT)
    yield created
    created.close()


@pytest.fixture(scope="module", autouse=True)
def _write_report():
    yield
    if bs.RESULTS:
        bs.write_report()


def block_other_hosts(context, server) -> list[str]:
    """Abort every request to a host other than the test server; return the list it records."""
    blocked: list[str] = []

    def route(route_):
        if server.is_local(route_.request.url):
            route_.continue_()
        else:
            blocked.append(route_.request.url)
            route_.abort("blockedbyclient")

    context.route("**/*", route)
    return blocked


def source_of(site_page: bs.SitePage) -> str:
    return (bs.DOCS / site_page.language / f"{site_page.name}.md").read_text(encoding="utf-8")


def is_notebook(source: str) -> bool:
    """A jupytext Markdown notebook: front matter with a kernelspec (see hooks/notebooks.py)."""
    front_matter = re.match(r"---\n(.*?)\n---\n", source, flags=re.DOTALL)
    return bool(front_matter and "kernelspec" in front_matter.group(1))


def notebook_problems(url: str, source: str) -> list[str]:
    """What is wrong with the .ipynb at ``url``, the download of the page whose source is given."""
    nbformat = require("nbformat")
    status, body = bs.fetch(url)
    if status != 200:
        return [f"download {url} -> HTTP {status}"]
    try:
        notebook = nbformat.reads(body.decode("utf-8"), as_version=4)
        nbformat.validate(notebook)
    except Exception as error:  # noqa: BLE001 - any failure to read is the finding
        return [f"download {url} is not a valid notebook: {type(error).__name__}: {error}"]
    problems = []
    title = re.search(r"^# (.+)$", source, flags=re.MULTILINE)
    markdown = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    if title and title.group(1).strip() not in markdown:
        problems.append(f"download {url} is not this page: no heading {title.group(1)!r}")
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    if code and all(cell.execution_count is None for cell in code):
        problems.append(f"download {url}: none of its {len(code)} code cells was executed")
    return problems


# -- every page ----------------------------------------------------------------------------------


def test_the_pages_visited_are_the_pages_built(site_dir):
    """The pages below come from docs/<language>/*.md; the built site has exactly those."""
    assert PAGES, f"no pages found under {bs.DOCS}/<language>/*.md"
    built = bs.built_html_pages(site_dir)
    expected = {page.path for page in PAGES}
    assert built == expected, (
        f"built but not in docs/: {sorted(built - expected)}; "
        f"in docs/ but not built: {sorted(expected - built)}"
    )


@pytest.mark.parametrize("site_page", PAGES, ids=lambda page: page.id)
def test_page(site_page, server, browser_context, site_repository):
    report = bs.check_page(browser_context, server, site_page.path)
    problems = report.problems(site_page.language)
    source = source_of(site_page)
    if is_notebook(source):
        expected = expected_outside_links(site_page, site_repository)
        if report.outside_links != expected:
            problems.append(f"Colab, Binder, source links {report.outside_links}, not {expected}")
        if report.download_href is None:
            problems.append(
                "notebook page without the download-notebook link (a.dlbasics-download)"
            )
        elif not server.is_local(report.download_href):
            problems.append(f"the download link leaves the site: {report.download_href}")
        else:
            problems += notebook_problems(report.download_href, source)
    bs.record(site_page.id, report, problems)
    assert report.requests, "the page made no request at all: the recording is broken"
    assert not problems, f"{site_page.id}:\n  " + "\n  ".join(problems)


# -- without a repository (a local build): no outside links, still no third-party request --------

PLAIN_PAGES = [
    bs.SitePage(language, name) for language in bs.LANGUAGES for name in ("index", NOTEBOOK_PAGE)
]


@pytest.fixture(scope="session")
def plain_server(request):
    site = request.getfixturevalue("built_site_without_repository")
    with bs.SiteServer(site) as running:
        yield running


@pytest.mark.parametrize("site_page", PLAIN_PAGES, ids=lambda page: page.id)
def test_page_without_a_repository(site_page, plain_server, browser_context):
    report = bs.check_page(browser_context, plain_server, site_page.path)
    problems = report.problems(site_page.language)
    if report.outside_links != expected_outside_links(site_page, ""):
        problems.append(f"links to other sites without a repository: {report.outside_links}")
    bs.record(f"{site_page.id} (no repository)", report, problems)
    assert report.download_href and plain_server.is_local(report.download_href)
    assert not problems, f"{site_page.id}, no repository:\n  " + "\n  ".join(problems)


# -- navigation ----------------------------------------------------------------------------------


def test_language_switcher_goes_to_the_translation_and_back(server, browser_context):
    blocked = block_other_hosts(browser_context, server)
    page = browser_context.new_page()
    korean, english = f"/{NOTEBOOK_PAGE}/", f"/en/{NOTEBOOK_PAGE}/"
    page.goto(server.url(korean))
    for language, expected in (("en", english), ("ko", korean)):
        page.hover(".md-header__option .md-select")  # the menu opens on hover
        with page.expect_navigation():
            page.click(f'.md-select__link[hreflang="{language}"]')
        assert urlsplit(page.url).path == expected, f"selector {language!r} led to {page.url}"
        assert page.evaluate("document.documentElement.lang") == language
    assert blocked == []


@pytest.mark.parametrize("language", ["ko", "en"])
def test_search_finds_the_page(language, server, browser_context):
    timeout_error = require("playwright.sync_api").TimeoutError
    blocked = block_other_hosts(browser_context, server)
    page = browser_context.new_page()
    start = bs.SitePage(language, NOTEBOOK_PAGE).path
    home = bs.SitePage(language, "index").path
    page.goto(server.url(home))
    query = page.locator(".md-search__input")
    query.click()
    # Material reads the query on keyup. Playwright enters Hangul as inserted text, without key
    # events (a Korean IME sends them), so type the term, then press and release a key.
    query.fill(SEARCH_TERMS[language])
    query.press("End")
    found = (
        "(path) => Array.from(document.querySelectorAll('.md-search-result__link'))"
        ".some((a) => new URL(a.href).pathname === path)"
    )
    try:
        page.wait_for_function(found, arg=start, timeout=bs.SEARCH_TIMEOUT_MS)
    except timeout_error:  # say what the search did show
        shown = page.locator(".md-search-result__link").evaluate_all("a => a.map(x => x.href)")
        meta = page.locator(".md-search-result__meta").all_inner_texts()
        pytest.fail(f"searching {SEARCH_TERMS[language]!r} did not list {start}: {meta} {shown}")
    assert blocked == []


# -- pictures for people -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "site_page",
    [bs.SitePage(language, name) for language in bs.LANGUAGES for name in ("index", NOTEBOOK_PAGE)],
    ids=lambda page: page.id,
)
def test_screenshot(site_page, server, browser_context):
    blocked = block_other_hosts(browser_context, server)
    page = browser_context.new_page()
    page.goto(server.url(site_page.path), wait_until="load")
    assert page.evaluate(bs.WAIT_FOR_MATHJAX_JS, bs.MATHJAX_TIMEOUT_MS)
    page.evaluate(bs.WAIT_FOR_IMAGES_JS)
    name = "home" if site_page.name == "index" else site_page.name
    path = bs.ARTIFACTS / "screenshots" / f"{site_page.language}-{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=path, full_page=True)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert blocked == []


# -- the checks can fail -------------------------------------------------------------------------


def test_checks_catch_a_broken_page(site_dir, browser, tmp_path):
    """A copy of a page with one fault of each kind: check_page must report every one."""
    page_path = f"/{NOTEBOOK_PAGE}/"
    html = bs.overlay_site(site_dir, tmp_path / "site", page_path)
    text = html.read_text(encoding="utf-8")
    assert '<html lang="ko"' in text
    faults = (
        '<script src="https://cdn.jsdelivr.net/npm/foo.js"></script>'
        '<img src="missing.png" alt="missing">'
        '<a href="../no-such-page/">nowhere</a>'
        '<a href="./#no-such-anchor">no anchor</a>'
        "<p>raw math: \\(x^2</p>"  # unclosed, so MathJax leaves it whatever its configuration
        '<script>throw new Error("deliberate failure")</script>'
        '<div class="arithmatex" style="overflow: hidden; width: 120px">'
        "\\[a + b + c + d + e + f + g + h + i + j + k\\]</div>"  # too wide for its box
    )
    assert text.count("</article>") == 1
    text = text.replace('<html lang="ko"', '<html lang="en"', 1).replace(
        "</article>", f"{faults}</article>", 1
    )
    html.write_text(text, encoding="utf-8")

    with bs.SiteServer(tmp_path / "site") as server:
        context = browser.new_context(viewport=VIEWPORT)
        try:
            report = bs.check_page(context, server, page_path)
        finally:
            context.close()
    problems = "\n".join(report.problems("ko"))

    assert report.third_party == ["https://cdn.jsdelivr.net/npm/foo.js"]
    assert report.blocked == ["https://cdn.jsdelivr.net/npm/foo.js"], "it was not blocked"
    assert "third-party request (blocked): https://cdn.jsdelivr.net/npm/foo.js" in problems
    assert '<html lang="en">, expected "ko"' in problems
    assert [src.rsplit("/", 2)[-2:] for src in report.broken_images] == [
        [NOTEBOOK_PAGE, "missing.png"]
    ]
    assert any(entry.endswith("/no-such-page/ -> HTTP 404") for entry in report.broken_links)
    assert any(entry.endswith("/missing.png -> HTTP 404") for entry in report.broken_links)
    assert any("no element with id 'no-such-anchor'" in entry for entry in report.broken_links)
    assert any("missing.png -> HTTP 404" in entry for entry in report.failed_local)
    assert report.raw_math == ["\\("]
    assert any("deliberate failure" in error for error in report.page_errors)
    assert report.console_errors, "the failed loads and the 404 were not seen as console errors"
    injected = [entry for entry in report.cut_off if "equation a + b + c" in entry]
    assert [entry.split(": ")[0] for entry in injected] == ["1280px wide", "390px wide"]
    assert report.status == 200  # the page itself is there: the faults are what was reported


def test_checks_catch_math_left_untypeset(site_dir, browser, tmp_path):
    """A page with math whose MathJax script is gone: the math check must fail."""
    with_math = [
        page
        for page in PAGES
        if page.language == bs.DEFAULT_LANGUAGE
        and bs.has_math_source(page.html_file(site_dir).read_text(encoding="utf-8"))
    ]
    assert with_math, "no Korean page has math: the math checks would check nothing"
    page_path = with_math[0].path
    html = bs.overlay_site(site_dir, tmp_path / "site", page_path)
    text, removed = re.subn(
        r'<script src="[^"]*mathjax/tex-chtml\.js"[^>]*></script>', "", html.read_text()
    )
    assert removed, "the page does not load the self-hosted MathJax"
    html.write_text(text, encoding="utf-8")

    with bs.SiteServer(tmp_path / "site") as server:
        context = browser.new_context(viewport=VIEWPORT)
        try:
            report = bs.check_page(context, server, page_path, mathjax_timeout_ms=2_000)
        finally:
            context.close()
    problems = report.problems(bs.DEFAULT_LANGUAGE)

    assert report.has_math_source and not report.mathjax_ready and report.math_elements == 0
    assert "MathJax did not finish typesetting" in problems
    assert report.raw_math, "the TeX source left on the page was not found in its text"
