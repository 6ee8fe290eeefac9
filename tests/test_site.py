"""Tests of the site: the two languages match, the strict build works, failures fail it, the
notebook cache, the .ipynb downloads, no third-party address, and clean outputs.

The real site is built once per session (the ``built_site`` fixture in conftest.py); the failure
and cache tests build small throwaway sites (tests/site_support.py) to stay fast.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import sys
import time
from html import unescape as html_unescape
from pathlib import Path
from urllib.parse import unquote, urljoin

import jupytext
import nbformat
import pytest
import yaml

from ._support import Tags  # also imported from here by test_downloads, test_site_content
from .site_support import (
    DOCS,
    LANGUAGES,
    REPO,
    last_build,
    mkdocs_build,
    notebook_page,
    write_small_site,
)


class ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, ignoring MkDocs' tags (!ENV, !!python/name)."""


ConfigLoader.add_multi_constructor("!", lambda loader, suffix, node: None)
ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def nav_pages() -> list[str]:
    """The pages in mkdocs.yml's nav, in order, without ``.md``: the site's one list of pages."""
    config = yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=ConfigLoader)
    return [entry.removesuffix(".md") for entry in config["nav"]]


PAGES = nav_pages()


def code_cells(path: Path) -> list[str]:
    return [cell.source for cell in jupytext.read(path).cells if cell.cell_type == "code"]


def page_dir(site: Path, language: str, page: str) -> Path:
    """The folder of a page in the built site: / and /en/ hold the home pages."""
    base = site if language == "ko" else site / language
    return base if page == "index" else base / page


def built_pages(site: Path):
    for language in LANGUAGES:
        for page in PAGES:
            html = page_dir(site, language, page) / "index.html"
            yield language, page, html, Tags(html.read_text(encoding="utf-8"))


# -- 1. the two languages: same pages, same code ------------------------------------------------


def test_both_languages_have_the_same_pages_as_the_nav():
    assert PAGES[0] == "index" and len(set(PAGES)) == len(PAGES)
    for language in LANGUAGES:
        assert sorted(p.stem for p in (DOCS / language).glob("*.md")) == sorted(PAGES), language


@pytest.mark.parametrize("page", PAGES)
def test_page_is_a_notebook_with_the_same_code_in_both_languages(page):
    ko, en = DOCS / "ko" / f"{page}.md", DOCS / "en" / f"{page}.md"
    for path in (ko, en):
        kernelspec = jupytext.read(path).metadata.get("kernelspec", {})
        assert kernelspec.get("language") == "python", f"{path}: no python kernelspec front matter"
    assert code_cells(ko), f"{page}: a notebook page needs at least one code cell"
    assert code_cells(ko) == code_cells(en), f"{page}: code cells differ between ko and en"


# -- 2. the real site, built strictly -----------------------------------------------------------


@pytest.mark.site
def test_strict_build_writes_every_page_in_both_languages(built_site):
    for language, page, html, tags in built_pages(built_site):
        assert html.is_file(), f"{language}/{page}: not built"
        assert tags.find("html")[0].get("lang") == language
        assert tags.find("div", **{"class": "jupyter-wrapper"}), (
            f"{language}/{page}: not a notebook"
        )
    assert (built_site / "sitemap.xml").is_file()
    assert (built_site / "search" / "search_index.json").is_file()


@pytest.mark.site
def test_korean_headings_keep_ids_and_the_table_of_contents_points_at_them(built_site):
    for language, page, _html, tags in built_pages(built_site):
        ids = [
            attrs["id"] for name, attrs in tags.tags if name in {"h1", "h2", "h3"} and "id" in attrs
        ]
        assert ids and all(ids), f"{language}/{page}: a heading without an id"
        assert len(ids) == len(set(ids)), f"{language}/{page}: duplicate heading ids {ids}"
        toc = {
            unquote(attrs["href"][1:])
            for attrs in tags.find("a", **{"class": "md-nav__link"})
            if attrs.get("href", "").startswith("#")
        }
        assert toc <= set(ids), f"{language}/{page}: table of contents links to {toc - set(ids)}"
    text = (built_site / "gradient-descent" / "index.html").read_text(encoding="utf-8")
    assert "id=학습률-정하기" in text  # hooks/html_compact.py: no quotes needed


@pytest.mark.site
def test_links_between_notebook_pages_are_page_urls(built_site):
    for language, page, html, tags in built_pages(built_site):
        for attrs in tags.find("a"):
            href = attrs.get("href", "")
            assert not href.split("#")[0].endswith(".md"), f"{language}/{page}: raw link {href}"
            if href and not href.startswith(("#", "http:", "https:", "mailto:")):
                target = Path(unquote(urljoin(html.as_uri(), href.split("#")[0])[len("file://") :]))
                assert target.exists(), f"{language}/{page}: broken link {href}"


@pytest.mark.site
def test_language_switcher_links_pages_without_alternate_sitemap_requests(built_site):
    """Material fetches sitemap.xml next to each <link rel=alternate>; there must be none (they
    pointed at pages, hence the 404s for <page>/sitemap.xml), and the menu links the same page."""
    for language, page, html, tags in built_pages(built_site):
        assert not tags.find("link", rel="alternate"), f"{language}/{page}"
        menu = {a["hreflang"]: a["href"] for a in tags.find("a", **{"class": "md-select__link"})}
        assert set(menu) == set(LANGUAGES), f"{language}/{page}: language menu {menu}"
        for other, href in menu.items():
            target = Path(urljoin(html.as_uri(), href)[len("file://") :])
            expected = page_dir(built_site, other, page)
            assert target.resolve() == expected.resolve(), f"{language}/{page} -> {other}: {href}"


@pytest.mark.site
def test_search_index_holds_both_languages(built_site):
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert set(index["config"]["lang"]) == {"ko", "en"}
    locations: dict[str, str] = {}
    for doc in index["docs"]:  # one entry per page and one per section
        page = doc["location"].split("#")[0]
        locations[page] = locations.get(page, "") + doc["title"] + " " + doc["text"]
    assert "경사" in locations["gradient-descent/"] and "학습률" in locations["gradient-descent/"]
    assert "learning rate" in locations["en/gradient-descent/"]


# -- 4. no third-party address; math typeset at build time with the site's own fonts ----------

THIRD_PARTY = re.compile(
    r"(?:https?:)?//(?!www\.w3\.org/)[A-Za-z0-9.-]+\.[A-Za-z]{2,}[^\s\"'`)<>]*"
)
RESOURCE_ATTRIBUTES = {"src", "href", "data", "srcset", "poster", "action", "formaction"}


@pytest.mark.site
def test_pages_name_no_third_party_address_and_their_math_is_typeset_with_own_fonts(built_site):
    for language, page, html, tags in built_pages(built_site):
        where = f"{language}/{page}"
        for tag, attrs in tags.tags:
            for name, value in attrs.items():
                if tag == "a" and name == "href":
                    continue  # a plain link the reader may follow, not something the page loads
                if tag == "link" and attrs.get("rel") == "canonical":
                    continue  # the page's own address at site_url, never loaded
                if name in RESOURCE_ATTRIBUTES or name == "style":
                    assert not THIRD_PARTY.search(value or ""), f"{where}: <{tag} {name}={value}>"
        for code in tags.inline_code:
            assert not THIRD_PARTY.search(code), f"{where}: {THIRD_PARTY.search(code)[0]}"
        # Material's script asks api.github.com about the repository of this link
        assert not tags.find("a", **{"data-md-component": "source"}), where
        scripts = [attrs["src"] for attrs in tags.find("script") if "src" in attrs]
        assert not [src for src in scripts if "mathjax" in src.lower()], f"{where}: {scripts}"
        for src in scripts:
            assert Path(urljoin(html.as_uri(), src)[len("file://") :]).is_file(), f"{where}: {src}"
    own_assets = list((REPO / "docs" / "assets").rglob("*.js")) + list(
        (REPO / "docs" / "assets").rglob("*.css")
    )
    for asset in own_assets:
        assert not THIRD_PARTY.search(asset.read_text(encoding="utf-8")), asset
    # hooks/assets.py typeset the math at build time: the fonts its stylesheet names are here
    # (math.css, served inside site.css: hooks/stylesheets.py)
    math_css = built_site / "assets/stylesheets/site.css"
    faces = re.findall(r"@font-face\s*\{[^}]*\}", math_css.read_text(encoding="utf-8"))
    fonts = [url for face in faces for url in re.findall(r'url\("([^"]+)"\)', face)]
    assert fonts, "site.css names no font: was the math typeset?"
    for font in fonts:
        assert (math_css.parent / font).resolve().is_file(), font
    assert_the_math_font_has_every_character_of_the_math(built_site, math_css.parent / fonts[0])
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    assert "font: false" in config  # else Material links Google Fonts
    assert "navigation.instant" not in config and "privacy" not in config


MATH_ELEMENT = re.compile(r"<math\b.*?</math>", re.DOTALL)


def assert_the_math_font_has_every_character_of_the_math(site: Path, font_path: Path) -> None:
    """The font is a subset (hooks/assets.py): a character it lacks would be drawn in some other
    font, silently. It must hold every character of every formula that the whole font has, the
    radical the browser draws for a square root, and the MATH table that sizes fractions, scripts
    and stretchy brackets."""
    from fontTools.ttLib import TTFont

    # The README: "about 20 KB" (20.4 KB on 2026-12-02), against 403 KB for the whole font.
    assert 10_000 < font_path.stat().st_size < 30_000, f"{font_path}: {font_path.stat().st_size} B"
    font = TTFont(font_path)
    assert "MATH" in font, f"{font_path}: no MATH table"
    cmap = font.getBestCmap()
    needed = {"\u221a"}
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        formulas = MATH_ELEMENT.findall(html)
        for math in formulas:
            needed |= set(html_unescape(re.sub(r"<[^>]+>", "", math)))
        # a page with math asks for the font with its stylesheets (hooks/assets.py)
        preloads = re.findall(r"<link rel=preload href=(\S+) as=font", html)
        assert len(preloads) == (1 if formulas else 0), f"{page}: {preloads}"
        for href in preloads:
            assert (page.parent / href).resolve() == font_path.resolve(), f"{page}: {href}"
    # Characters the whole font lacks (Hangul in \text{...}) are drawn in the text's font, as
    # they would be without a subset; every other one must be in the subset.
    whole_font = REPO / "node_modules" / load_hook("assets").FONT
    assert 380_000 < whole_font.stat().st_size < 420_000, "the README's 403 KB"
    whole = TTFont(whole_font).getBestCmap()
    missing = sorted(c for c in needed if ord(c) in whole and ord(c) not in cmap)
    assert not missing, f"{font_path.name} lacks {missing}"
    assert len(needed) > 20, "hardly any math found: were the pages typeset?"


# -- 4. the .ipynb downloads --------------------------------------------------------------------


@pytest.mark.site
def test_every_page_offers_its_executed_notebook_as_a_valid_ipynb(built_site):
    for language, page, html, tags in built_pages(built_site):
        where = f"{language}/{page}"
        links = tags.find("a", **{"class": "md-content__button md-icon dlbasics-download"})
        assert len(links) == 1, f"{where}: no download button"
        assert "download" in links[0] and links[0]["href"] == f"{page}.ipynb"
        notebook = nbformat.read(html.parent / links[0]["href"], as_version=4)
        nbformat.validate(notebook)
        assert notebook.metadata.kernelspec.name == "python3"
        cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
        # after the setup cell (tests/test_downloads.py), the page's code
        assert [cell.source for cell in cells[1:]] == code_cells(DOCS / language / f"{page}.md")
        assert any(cell.outputs for cell in cells), f"{where}: the download has no outputs"


# -- 5. outputs show only what teaches ----------------------------------------------------------

STRAY = re.compile(
    r"<(matplotlib\.|Figure size|Axes)|^\s*Text\(|\w*Warning: |missing from font|have a glyph", re.M
)


@pytest.mark.site
def test_outputs_hold_no_matplotlib_reprs_or_warnings(built_site):
    """What a page shows is its notebook's outputs: text-only results and streams are checked."""
    for language, page, html, _ in built_pages(built_site):
        notebook = nbformat.read(html.parent / f"{page}.ipynb", as_version=4)
        for number, cell in enumerate(c for c in notebook.cells if c.cell_type == "code"):
            for output in cell.outputs:
                data = output.get("data", {})
                if output.output_type == "stream":
                    text = output.text
                elif set(data) == {"text/plain"}:
                    text = data["text/plain"]
                else:
                    continue  # an image or HTML is shown instead of its text/plain repr
                found = STRAY.search(text)
                assert not found, f"{language}/{page}, code cell {number + 1}: {found[0]!r}"
        assert "&lt;matplotlib." not in html.read_text(encoding="utf-8"), f"{language}/{page}"


@pytest.mark.site
def test_plots_are_labelled_in_the_page_language(built_site):
    """The same code cell draws Korean labels on the Korean page and English ones in English."""
    ko = nbformat.read(built_site / "gradient-descent" / "gradient-descent.ipynb", as_version=4)
    en = nbformat.read(
        built_site / "en" / "gradient-descent" / "gradient-descent.ipynb", as_version=4
    )
    images = [
        [
            output.data["image/png"]
            for cell in notebook.cells
            for output in cell.get("outputs", [])
            if "image/png" in output.get("data", {})
        ]
        for notebook in (ko, en)
    ]
    assert len(images[0]) == len(images[1]) >= 3
    assert all(a != b for a, b in zip(*images, strict=True)), "same picture in both languages"


# -- 6. a failing page fails the build -----------------------------------------------------------


@pytest.mark.site
def test_a_page_that_raises_or_times_out_fails_the_build(tmp_path):
    config = write_small_site(
        tmp_path,
        {
            "ko/index.md": notebook_page("홈", "print('ok')"),
            "ko/broken.md": notebook_page("Broken", "x = 1", "raise ValueError('boom-123')"),
            "ko/slow.md": notebook_page("Slow", "import time\n\ntime.sleep(120)"),
            "en/index.md": notebook_page("Home", "print('ok')"),
        },
    )
    env = {"DLBASICS_DOCS_CACHE_DIR": str(tmp_path / "cache"), "DLBASICS_DOCS_CELL_TIMEOUT": "3"}
    result = mkdocs_build(config, tmp_path / "site", env, timeout=300)
    assert result.returncode != 0
    assert "ko/broken.md failed in code cell 2 (`raise ValueError('boom-123')`)" in result.stderr
    assert "ValueError: boom-123" in result.stderr
    assert "ko/slow.md failed in code cell 1 (`import time`)" in result.stderr
    assert "longer than 3 s" in result.stderr
    assert not (tmp_path / "site" / "broken").exists()


@pytest.mark.site
def test_a_stray_matplotlib_repr_fails_a_strict_build(tmp_path):
    page = notebook_page("Plot", "import matplotlib.pyplot as plt\n\nplt.plot([1, 2, 3])")
    config = write_small_site(tmp_path, {"ko/index.md": page, "en/index.md": page})
    result = mkdocs_build(
        config, tmp_path / "site", {"DLBASICS_DOCS_CACHE_DIR": str(tmp_path / "c")}
    )
    assert result.returncode != 0
    assert "code cell 1 shows '[<matplotlib.lines.Line2D" in result.stderr


# -- 7. the notebook cache ----------------------------------------------------------------------


@pytest.mark.site
def test_cache_executes_only_what_changed_and_nothing_when_disabled(tmp_path):
    probe = (
        "import os\nfrom pathlib import Path\n\nprint(os.environ['DLBASICS_LANG'], Path.cwd().name)"
    )
    config = write_small_site(
        tmp_path,
        {
            "ko/index.md": notebook_page("홈", probe),
            "ko/other.md": notebook_page("다른 페이지", "print(1 + 1)"),
            "en/index.md": notebook_page("Home", probe),
            "en/other.md": notebook_page("Other page", "print(1 + 1)"),
        },
    )
    package = tmp_path / "package"  # stands in for dlbasics/: the cache key hashes it
    package.mkdir()
    (package / "module.py").write_text("VALUE = 1\n", encoding="utf-8")
    cache = tmp_path / "cache"
    env = {"DLBASICS_DOCS_CACHE_DIR": str(cache), "DLBASICS_DOCS_HASH_PATHS": str(package)}
    every_page = ["en/index.md", "en/other.md", "ko/index.md", "ko/other.md"]

    def build(**extra):
        result = mkdocs_build(config, tmp_path / "site", {**env, **extra}, timeout=300)
        assert result.returncode == 0, result.stderr[-3000:]
        return last_build(cache)

    assert build()["executed"] == every_page
    for language in LANGUAGES:  # DLBASICS_LANG and the working folder are the page's
        folder = tmp_path / "site" / ("" if language == "ko" else language)
        notebook = nbformat.read(folder / "index.ipynb", as_version=4)
        probe = [cell for cell in notebook.cells if cell.cell_type == "code"][1]  # after setup
        assert probe.outputs[0].text.strip() == f"{language} {language}"

    second = build()
    assert second["executed"] == [] and second["from_cache"] == every_page

    other = tmp_path / "docs" / "en" / "other.md"
    other.write_text(other.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    assert build()["executed"] == ["en/other.md"]

    (package / "module.py").write_text("VALUE = 2\n", encoding="utf-8")
    assert build()["executed"] == every_page

    assert len(list(cache.glob("*.ipynb"))) == 9  # 4 + the edited page + 4 after the package
    two_hours_ago = time.time() - 7200
    for entry in cache.glob("*.ipynb"):
        os.utime(entry, (two_hours_ago, two_hours_ago))
    assert build()["executed"] == []  # and the 5 entries no build used for an hour are evicted
    cached = {path.name: path.stat().st_mtime_ns for path in cache.glob("*.ipynb")}
    assert len(cached) == len(every_page)
    clean = build(DLBASICS_DOCS_CACHE="0")
    assert clean["executed"] == every_page and clean["cache"] is False
    assert {path.name: path.stat().st_mtime_ns for path in cache.glob("*.ipynb")} == cached


# -- the hook's helpers -------------------------------------------------------------------------


def load_hook(name: str):
    spec = importlib.util.spec_from_file_location(f"hook_{name}", REPO / "hooks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    sys.path.insert(0, str(REPO / "hooks"))  # as MkDocs does: a hook imports its neighbours
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(REPO / "hooks"))
    return module


def test_headings_get_unique_unicode_ids_and_a_nested_table_of_contents():
    hook = load_hook("notebooks")
    html = (
        '<h1 id="">경사 하강법<a class="anchor-link" href="#">\u00b6</a></h1>'
        '<h2 id="">기울기 <code>dW</code><a class="anchor-link" href="#">\u00b6</a></h2>'
        '<h2 id="">정리<a class="anchor-link" href="#">\u00b6</a></h2>'
        '<h2 id="">정리<a class="anchor-link" href="#">\u00b6</a></h2>'
    )
    content, tokens = hook.anchor_headings(html)
    assert re.findall(r'id="([^"]*)"', content) == ["경사-하강법", "기울기-dw", "정리", "정리_1"]
    assert re.findall(r'href="#([^"]*)"', content) == ["경사-하강법", "기울기-dw", "정리", "정리_1"]
    assert [token["id"] for token in tokens] == ["경사-하강법"]
    assert [child["name"] for child in tokens[0]["children"]] == ["기울기 dW", "정리", "정리"]
