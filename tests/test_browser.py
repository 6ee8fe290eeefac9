"""Acceptance tests of the built site in a real browser (headless Chromium through Playwright).

The site is served on 127.0.0.1; every page of both languages is opened and must load with HTTP
200, no console error, no request to any other host (each is recorded and blocked), its math typeset
at build time (every formula of its source, no TeX left in its text, no MathJax running in the
browser, the math font loaded from the site), no equation, table or image cut off at desktop or
phone width, every image loaded, every same-site link and asset answering 200 (and every
#fragment naming an element), ``<html lang>`` naming its language, the page's download-notebook
link serving a valid notebook of that page, and its Colab, Binder and source links pointing at the
configured repository. A few pages of the site built without a repository must have none of those
links and make no third-party request either. axe-core finds no WCAG A/AA violation on any page in
the light or the dark palette. Then: the language switcher, search in
both languages, the keyboard reaching and working the switcher, search and the download button,
and screenshots under artifacts/screenshots/ for people to look at.
Everything runs under the pages' Content-Security-Policy (hooks/csp.py): what it refuses is a
problem; the last tests show it refusing a fetch to another host, and every other kind of
third-party load or injected code.
A per-page table of requests is printed at the end of the run and written to
artifacts/browser-report.json.

Browser: ``DLBASICS_CHROMIUM``, else /usr/bin/chromium (Debian), else Playwright's bundled one.
Site: the ``built_site`` fixture (a strict build), or a site already built from this checkout at
``DLBASICS_BROWSER_SITE`` (quicker while working on the tests; pages are found in docs/).
"""

from __future__ import annotations

import os
import re
from urllib.parse import quote, urlsplit

import pytest

from . import browser_support as bs
from . import csp_support as csp
from ._support import require
from .site_support import real_site_settings
from .test_site import load_hook

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
    """A fresh browser context (no cookies, no storage) per test; every page in it records what
    the Content-Security-Policy refuses (``bs.POLICY_JS`` reads it)."""
    created = browser.new_context(viewport=VIEWPORT)
    created.add_init_script(bs.RECORD_POLICY_VIOLATIONS_JS)
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


def formulas_of(site_page: bs.SitePage) -> int:
    """The formulas the page shows: its source's, and on the glossary those of the table its code
    cell generates (dlbasics.glossary), which the source does not hold."""
    formulas = bs.formulas_in_source(source_of(site_page))
    if site_page.name == "glossary":
        from dlbasics.glossary import glossary_markdown

        formulas += bs.formulas_in_source(glossary_markdown(site_page.language))
    return formulas


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
    source = source_of(site_page)
    report = bs.check_page(browser_context, server, site_page.path, formulas_of(site_page))
    problems = report.problems(site_page.language)
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


@pytest.mark.parametrize("site_page", PAGES, ids=lambda page: page.id)
def test_page_is_accessible_in_both_palettes(site_page, server, browser):
    """axe-core on the page as a phone shows it, with the light and the dark palette (Material
    follows the reader's prefers-color-scheme): contrast, link styling, names, languages."""
    problems = []
    for scheme, material_scheme in bs.PALETTES.items():
        # axe-core goes in as an inline script, which the page's policy rightly refuses: the
        # context lets the test's own script in (every other test runs under the policy).
        context = browser.new_context(
            viewport={"width": 412, "height": 823}, color_scheme=scheme, bypass_csp=True
        )
        try:
            block_other_hosts(context, server)
            page = context.new_page()
            page.goto(server.url(site_page.path), wait_until="load")
            page.wait_for_function(
                f"document.body.getAttribute('data-md-color-scheme') === '{material_scheme}'"
            )
            problems += [f"{scheme}: {line}" for line in bs.axe_violations(page)]
        finally:
            context.close()
    assert not problems, f"{site_page.id}:\n  " + "\n  ".join(problems[:40])


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
    report = bs.check_page(browser_context, plain_server, site_page.path, formulas_of(site_page))
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
        assert page.evaluate(bs.POLICY_JS)[1] == []  # nothing refused by the policy
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
    assert page.evaluate(bs.POLICY_JS)[1] == []  # nothing refused by the policy
    assert blocked == []


SEARCH_INDEX = "/search/search_index.json"


def test_search_index_loads_only_when_search_opens(server, browser_context):
    """Most readers never search, so a page shown and idle has not requested the 185 KB index
    (hooks/search_on_demand.py). The "/" key opens search, which then loads it and lists the
    page; so does a ``?q=`` link."""
    blocked = block_other_hosts(browser_context, server)
    page = browser_context.new_page()
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url) if r.url.endswith(SEARCH_INDEX) else None)
    start = bs.SitePage("en", NOTEBOOK_PAGE).path
    found = (
        "(path) => Array.from(document.querySelectorAll('.md-search-result__link'))"
        ".some((a) => new URL(a.href).pathname === path)"
    )
    page.goto(server.url(start))
    page.wait_for_load_state("networkidle")  # Material's script ran, and nothing is loading
    assert requested == [], "the page requested the search index before search was opened"
    page.keyboard.press("/")
    page.keyboard.type(SEARCH_TERMS["en"])
    page.wait_for_function(found, arg=start, timeout=bs.SEARCH_TIMEOUT_MS)
    assert len(requested) == 1, requested
    page.goto(server.url(start) + "?q=" + quote(SEARCH_TERMS["en"]))
    page.wait_for_function(found, arg=start, timeout=bs.SEARCH_TIMEOUT_MS)
    assert page.evaluate(bs.POLICY_JS)[1] == []  # nothing refused by the policy
    assert blocked == []


# What has keyboard focus: enough to tell the controls apart in a failure message.
FOCUSED_JS = """() => {
  const e = document.activeElement;
  return {tag: e.tagName.toLowerCase(), cls: typeof e.className === "string" ? e.className : "",
          name: e.getAttribute("aria-label") || e.textContent.trim().slice(0, 40),
          href: e.getAttribute("href") || "", lang: e.getAttribute("hreflang") || ""};
}"""
MAX_TABS = 80  # the header, the navigation and the table of contents come before the content


def tab_to(page, wanted, seen: list[str]) -> dict:
    """Press Tab until the focused element satisfies ``wanted``; fail after MAX_TABS presses."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED_JS)
        seen.append(f"{focused['tag']}.{focused['cls'].split(' ')[0]} {focused['name']!r}")
        if wanted(focused):
            return focused
    pytest.fail(f"{MAX_TABS} presses of Tab did not reach it; focus went to: {seen}")


def test_keyboard_reaches_and_works_the_switcher_search_and_download(server, browser_context):
    """With the keyboard alone: switch the language, search, and download the notebook."""
    blocked = block_other_hosts(browser_context, server)
    page = browser_context.new_page()
    page.goto(server.url(f"/{NOTEBOOK_PAGE}/"))
    seen: list[str] = []
    switcher = tab_to(
        page,
        lambda f: (
            f["tag"] == "button"
            and "md-header__button" in f["cls"]
            and page.evaluate("() => !!document.activeElement.closest('.md-select')")
        ),
        seen,
    )
    assert switcher["name"], "the language button has no accessible name"
    english = tab_to(page, lambda f: f["lang"] == "en", seen)
    assert english["name"] == "English"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlsplit(page.url).path == f"/en/{NOTEBOOK_PAGE}/"

    seen.clear()
    tab_to(page, lambda f: "md-search__input" in f["cls"], seen)
    page.keyboard.type(SEARCH_TERMS["en"])
    page.wait_for_selector(".md-search-result__link", timeout=bs.SEARCH_TIMEOUT_MS)
    page.keyboard.press("ArrowDown")  # Material moves the focus into the results
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlsplit(page.url).path.startswith("/en/"), page.url

    page.goto(server.url(f"/en/{NOTEBOOK_PAGE}/"))
    seen.clear()
    download = tab_to(page, lambda f: "dlbasics-download" in f["cls"], seen)
    assert "notebook" in download["name"].lower(), download
    with page.expect_download() as started:
        page.keyboard.press("Enter")
    assert started.value.suggested_filename == f"{NOTEBOOK_PAGE}.ipynb"
    assert blocked == []


def test_the_copy_button_copies_the_cells_code(server, browser_context, site_dir):
    """Each code cell's copy button puts that cell's code, as in the notebook, on the clipboard
    (it copies the highlighted code: hooks/notebook_markup.py took the hidden copy out), and its
    icon is drawn."""
    from .run_support import page_code_cells

    site_page = bs.SitePage("en", NOTEBOOK_PAGE)
    sources = [cell.source for cell in page_code_cells(site_dir, site_page)]
    browser_context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = browser_context.new_page()
    page.goto(server.url(site_page.path))
    buttons = page.locator(".jp-CodeCell clipboard-copy")
    assert buttons.count() == len(sources) > 1
    for number in (0, len(sources) - 1):
        button = buttons.nth(number)
        button.scroll_into_view_if_needed()
        icon = button.locator(".clipboard-copy-icon").bounding_box()
        assert icon and icon["width"] >= 12 and icon["height"] >= 12, icon
        button.click()
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied.rstrip("\n") == sources[number].rstrip("\n"), f"code cell {number + 1}"
        assert button.locator(".notice").is_visible(), "no 'Copied!' notice"


def parsed(context, html: str) -> list[str]:
    page = context.new_page()
    page.set_content(html, wait_until="domcontentloaded")
    dom = page.evaluate(bs.DOM_JS)
    page.close()
    return dom


# Values a browser must read exactly as written, quoted or not: hooks/html_compact.py takes the
# quotes off only where HTML needs none.
TRICKY_ATTRIBUTES = (
    '<!DOCTYPE html><html lang="ko"><body><p class="a b" id="x" hidden="">'
    '<a href="../en/?q=1&amp;r=2" title=\'say "hi"\' data-x=\'a=b\' data-y="a`b">t</a>'
    '<img alt="" src="a.png" width="24"/><img src="b.png" alt="x/"/>'
    '<svg viewBox="0 0 24 24"><path d="M0 0h24"/></svg><math><mo stretchy="false">(</mo></math>'
    '<input value="&lt;b&gt;" disabled=""><span class="p">(</span><pre>  <b class="k">x</b>\n'
    "</pre></p></body></html>"
)


def test_compacted_pages_parse_as_written(site_dir, browser):
    """Chromium reads every page of the site, and a page of tricky values, the same before and
    after hooks/html_compact.py (no attribute quotes where HTML needs none): the page as
    Chromium writes it back (every value quoted) and compacted again gives the same elements,
    attributes and text."""
    compact = load_hook("html_compact").compact
    context = browser.new_context(java_script_enabled=False)
    try:
        assert parsed(context, compact(TRICKY_ATTRIBUTES)) == parsed(context, TRICKY_ATTRIBUTES)
        for site_page in PAGES:
            page = context.new_page()
            page.goto(site_page.html_file(site_dir).as_uri())
            written_back = page.evaluate("'<!DOCTYPE html>' + document.documentElement.outerHTML")
            page.close()
            compacted = compact(written_back)
            unquoted = written_back.count('="') - compacted.count('="')
            assert unquoted > 100, f"{site_page.id}: only {unquoted} values unquoted"
            assert parsed(context, compacted) == parsed(context, written_back), site_page.id
    finally:
        context.close()


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
    math = page.evaluate(bs.MATH_IN_BROWSER_JS, [bs.FONTS_TIMEOUT_MS, bs.MATH_FONT])
    assert math["fonts"], "the math font did not load"
    # A full-page picture shows the blocks below the first screen too: the browser renders them
    # only when scrolled to (content-visibility, extra.css), and a screenshot does not scroll.
    page.add_style_tag(content="* { content-visibility: visible !important; }")
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
    assert "<html lang=ko " in text  # hooks/html_compact.py: no quotes needed
    # Without its Content-Security-Policy, so that the faults below reach the network and run:
    # these checks are the net under the policy (the last tests of this file show the policy).
    text, removed = re.subn(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", text)
    assert removed == 1
    display = re.search(r"<math[^>]*display=block.*?</math>", text, re.DOTALL)
    assert display, f"{page_path} has no displayed equation to copy"
    faults = (
        '<script src="https://cdn.jsdelivr.net/npm/foo.js"></script>'
        '<img src="missing.png" alt="missing">'
        '<a href="../no-such-page/">nowhere</a>'
        '<a href="./#no-such-anchor">no anchor</a>'
        "<p>raw math: \\(x^2</p>"  # TeX the build did not typeset
        '<script>throw new Error("deliberate failure")</script>'
        "<script>window.MathJax = {};</script>"  # as if MathJax ran in the browser
        '<div class="deliberately-narrow" style="overflow: hidden; width: 120px">'
        f"{display[0]}</div>"  # an equation too wide for its box
    )
    assert text.count("</article>") == 1
    text = text.replace("<html lang=ko ", "<html lang=en ", 1).replace(
        "</article>", f"{faults}</article>", 1
    )
    html.write_text(text, encoding="utf-8")
    formulas = bs.formulas_in_source(source_of(bs.SitePage("ko", NOTEBOOK_PAGE)))

    with bs.SiteServer(tmp_path / "site") as server:
        context = browser.new_context(viewport=VIEWPORT)
        try:
            report = bs.check_page(context, server, page_path, formulas)
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
    assert "MathJax runs in the browser: the math must be typeset at build time" in problems
    assert f"{formulas} formulas in the page's source, {formulas + 1} typeset" in problems
    assert any("deliberate failure" in error for error in report.page_errors)
    assert report.console_errors, "the failed loads and the 404 were not seen as console errors"
    injected = [entry for entry in report.cut_off if 'class="deliberately-narrow"' in entry]
    assert [entry.split(": ")[0] for entry in injected] == ["1280px wide", "390px wide"]
    assert all(entry.split(": ", 1)[1].startswith("equation ") for entry in injected)
    assert "no Content-Security-Policy <meta> tag" in problems
    assert report.status == 200  # the page itself is there: the faults are what was reported


def test_checks_catch_math_left_untypeset(site_dir, browser, tmp_path):
    """A page as a build that typeset nothing would leave it: TeX in place of every formula, no
    math font. The math checks must fail."""
    with_math = [
        page
        for page in PAGES
        if page.language == bs.DEFAULT_LANGUAGE and bs.formulas_in_source(source_of(page))
    ]
    assert with_math, "no Korean page has math: the math checks would check nothing"
    site_page = with_math[0]
    html = bs.overlay_site(site_dir, tmp_path / "site", site_page.path)
    text, replaced = re.subn(r"<math.*?</math>", "$x^2$", html.read_text(), flags=re.DOTALL)
    assert replaced, f"{site_page.path} has no typeset math"
    html.write_text(text, encoding="utf-8")
    formulas = bs.formulas_in_source(source_of(site_page))

    with bs.SiteServer(tmp_path / "site") as server:
        context = browser.new_context(viewport=VIEWPORT)
        try:
            report = bs.check_page(context, server, site_page.path, formulas)
        finally:
            context.close()
    problems = report.problems(bs.DEFAULT_LANGUAGE)

    assert report.math_elements == 0 and not report.math_fonts_loaded
    assert (
        f"{formulas} formulas in the page's source, 0 typeset (<math> in the article)" in problems
    )
    assert report.raw_math == ["$x^2$"], "the TeX left on the page was not found in its text"


# -- the Content-Security-Policy (hooks/csp.py) refuses what a page must not do -------------------
# Every page above ran under its policy (a refusal is a problem of the page), and so did the
# switcher and the search. Here a page is made to try what it must not: the policy refuses each
# attempt before it leaves (a securitypolicyviolation event naming the directive). The same fetch
# from a copy of the page without the policy reaches the network layer, where the route stops it:
# it is the policy that refuses.


def open_page(context, server, path):
    """A page with the policy recorder (the context's), every request recorded, none let out."""
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    blocked = block_other_hosts(context, server)
    page = context.new_page()
    page.goto(server.url(path), wait_until="load")
    return page, requests, blocked


def test_a_fetch_to_another_host_is_refused_by_the_policy(server, browser_context):
    page, requests, blocked = open_page(browser_context, server, csp.PAGE)
    assert page.evaluate(bs.POLICY_JS)[0].startswith("default-src 'self'")
    result = page.evaluate(csp.FETCH_ELSEWHERE_JS)
    assert result["violation"] == {
        "directive": "connect-src",
        "blocked": "https://collector.example.com/track?page=1",
        "disposition": "enforce",
    }
    assert result["error"] == "TypeError"  # fetch rejects: the request was never made
    assert not [url for url in requests if "example.com" in url] and blocked == []


def test_without_the_policy_the_same_fetch_leaves_the_page(site_dir, browser, tmp_path):
    """The control: no policy, no refusal; the request reaches the network layer."""
    with bs.SiteServer(csp.site_copy(site_dir, tmp_path / "site", policy=False)) as unprotected:
        context = browser.new_context(viewport=VIEWPORT)
        try:
            page, _, blocked = open_page(context, unprotected, csp.PAGE)
            result = page.evaluate(csp.FETCH_ELSEWHERE_JS)
            probe = page.evaluate(csp.RUN_PROBE_JS, csp.PROBE)
        finally:
            context.close()
    assert result["violation"] is None
    assert "https://collector.example.com/track?page=1" in blocked  # stopped by the test only
    assert probe["injected"] and probe["evaluated"] == "ran" and probe["seen"] == []


def test_the_policy_refuses_every_kind_of_third_party_load_and_injected_code(
    site_dir, browser, tmp_path
):
    messages: list[str] = []
    failed: dict[str, str] = {}
    with bs.SiteServer(csp.site_copy(site_dir, tmp_path / "site", policy=True)) as protected:
        context = browser.new_context(viewport=VIEWPORT)
        context.on("console", lambda message: messages.append(message.text))
        context.on("requestfailed", lambda request: failed.update({request.url: request.failure}))
        try:
            page, requests, blocked = open_page(context, protected, csp.PAGE)
            result = page.evaluate(csp.RUN_PROBE_JS, csp.PROBE)
        finally:
            context.close()

    refused = {(directive, blocked_uri.split("?")[0]) for directive, blocked_uri in result["seen"]}
    assert {
        ("script-src-elem", "https://cdn.example.com/analytics.js"),
        ("style-src-elem", "https://fonts.example.com/css"),
        ("font-src", "https://fonts.example.com/x.woff2"),
        ("img-src", "https://images.example.com/pixel.png"),
        ("script-src-elem", "inline"),
        ("script-src", "eval"),
        ("connect-src", "wss://socket.example.com/"),
        ("connect-src", "https://beacon.example.com/b"),
    } <= refused, refused
    assert not result["injected"] and result["evaluated"] == "EvalError", result
    assert result["wasm"] == "compiled"
    # Playwright reports the elements' loads as requests that failed with "csp": refused in the
    # page, they never reached the network, where the test's route would have seen them.
    elsewhere = [url for url in requests if "example.com" in url]
    assert elsewhere and {url: failed.get(url) for url in elsewhere} == dict.fromkeys(
        elsewhere, "csp"
    )
    assert blocked == []
    # Chromium names the hash that would have allowed the injected script: the hook's formula.
    hashes = [m for text in messages for m in re.findall(r"'sha256-[^']+'", text)]
    assert load_hook("csp").script_hash("window.__injected = 1;") in hashes, messages
