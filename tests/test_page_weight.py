"""Budgets every built page must keep, so that no later page makes the site slow on a phone, and
the plots' text alternatives in the page's language.

The pages are those of the built site (every ``index.html`` but assets and search), so a new page
is checked without being listed here. Lighthouse itself (`make audit`, scripts/audit.py) is too
slow for every test run; these are the cheap causes of a slow page that it found (issue 13: 580 KB
of inline CSS and base64 plots in every page).
"""

from __future__ import annotations

import gzip
import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from .browser_support import built_html_pages

pytestmark = pytest.mark.site

KIB = 1024
# Issue 13's budgets: 120 KB of HTML and 30 KB gzipped, for every page. The math is MathML
# (hooks/assets.py), the notebook markup lighter (hooks/notebook_markup.py), the indentation and
# the needless attribute quotes out (hooks/html_compact.py), the theme's icons files. On
# 2026-12-02, as built here (with a repository: the Colab, Binder and source links), the largest
# page was the Korean optimizers page, 116.0 KB (21.5 KB gzipped): the longest chapter, and
# Hangul takes 3 bytes a character in UTF-8.
HTML_BUDGET = 120_000  # a page's HTML, inline images not counted
GZIP_BUDGET = 30_000  # the same, gzip-compressed as GitHub Pages serves it
INLINE_STYLE_BUDGET = 4 * KIB  # one <style> block (the CSS belongs in cached stylesheets)
INLINE_IMAGE_BUDGET = 4 * KIB  # one data: image (decoded); plots are files
DATA_IMAGE = re.compile(r"data:image/[\w.+-]+;base64,[A-Za-z0-9+/=\s]*")
HANGUL = re.compile("[가-힣]")
SITE_ASSET = re.compile(r"(^|/)assets/")  # the logo, not a plot
NBCONVERT_NO_ALT = "No description has been provided for this image"  # nbconvert's placeholder


class Page(HTMLParser):
    """A built page's <html lang>, <img> attributes and <style> blocks."""

    def __init__(self, path: Path):
        super().__init__(convert_charrefs=True)
        self.path = path
        self.text = path.read_text(encoding="utf-8")
        self.lang = ""
        self.images: list[dict] = []
        self.styles: list[str] = []
        self._in_style = False
        self.feed(self.text)

    def handle_starttag(self, tag, attrs):
        if tag == "html":
            self.lang = dict(attrs).get("lang", "")
        elif tag == "img":
            self.images.append(dict(attrs))
        self._in_style = tag == "style"
        if self._in_style:
            self.styles.append("")

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles[-1] += data


@pytest.fixture(scope="module")
def pages(built_site) -> dict[str, Page]:
    paths = sorted(built_html_pages(built_site))
    assert len(paths) >= 28, f"only {len(paths)} pages built: {paths}"
    return {path: Page(Path(built_site) / path.strip("/") / "index.html") for path in paths}


def test_every_page_keeps_its_html_within_budget(pages):
    over = []
    for path, page in pages.items():
        html = DATA_IMAGE.sub("", page.text).encode()
        size, zipped = len(html), len(gzip.compress(html, compresslevel=6))
        if size > HTML_BUDGET or zipped > GZIP_BUDGET:
            over.append(
                f"{path}: {size / 1000:.1f} KB (budget {HTML_BUDGET / 1000:.0f}), "
                f"{zipped / 1000:.1f} KB gzipped (budget {GZIP_BUDGET / 1000:.0f})"
            )
    assert not over, "; ".join(over)


def test_no_page_inlines_a_large_style_or_image(pages):
    found = []
    for path, page in pages.items():
        found += [
            f"{path}: <style> of {len(css.encode()) / KIB:.1f} KiB"
            for css in page.styles
            if len(css.encode()) > INLINE_STYLE_BUDGET
        ]
        for uri in DATA_IMAGE.findall(page.text):
            decoded = len("".join(uri.split(",", 1)[1].split())) * 3 // 4
            if decoded > INLINE_IMAGE_BUDGET:
                found.append(f"{path}: a data: image of {decoded / KIB:.1f} KiB")
    assert not found, "; ".join(found)


def test_every_image_has_alt_text_width_and_height(pages):
    found = []
    for path, page in pages.items():
        for number, image in enumerate(page.images, start=1):
            alt = (image.get("alt") or "").strip()
            if not alt or alt == NBCONVERT_NO_ALT:
                found.append(f"{path} image {number} ({image.get('src', '')[:30]}): no alt text")
            if not (image.get("width", "").isdigit() and image.get("height", "").isdigit()):
                found.append(
                    f"{path} image {number}: width/height {image.get('width')}/{image.get('height')}"
                )
    assert not found, "\n".join(found)


def test_every_plot_has_its_generated_alt_text_in_the_page_language(pages, built_site):
    """Each page's images are its notebook's image outputs, in order, with the alt text that
    dlbasics.plots generated for them (the output's metadata) in the page's language; the Korean
    and the English page show as many plots, described differently."""
    described: dict[str, list[str]] = {}
    checked = 0
    for path, page in pages.items():
        notebooks = list(page.path.parent.glob("*.ipynb"))
        if not notebooks:
            continue
        notebook = nbformat.read(notebooks[0], as_version=4)
        generated = [
            output.get("metadata", {}).get("image/png", {}).get("alt")
            for cell in notebook.cells
            for output in cell.get("outputs", [])
            if "image/png" in output.get("data", {})
        ]
        alts = [image.get("alt") for image in page.images if not SITE_ASSET.search(image["src"])]
        assert alts == generated, f"{path}: the images' alt texts are not the plots' descriptions"
        for alt in alts:
            assert alt, f"{path}: a plot without a generated description"
            korean = bool(HANGUL.search(alt))
            assert korean == (page.lang == "ko"), f"{path} ({page.lang}): {alt!r}"
        described[path] = alts
        checked += len(alts)
    assert checked >= 20, f"only {checked} plots found: is the site built with its plots?"
    for path, alts in described.items():
        if path.startswith("/en/"):
            korean = described.get(path[len("/en") :], [])
            assert len(korean) == len(alts), f"{path}: {len(alts)} plots, in Korean {len(korean)}"
            assert all(a != b for a, b in zip(korean, alts, strict=True)), path
