"""hooks/stylesheets.py: the site's own stylesheets as one file, their small icons in it.

On small inputs here, and on the built site in ``test_every_page_links_the_one_stylesheet``.
That the pages look the same: tests/test_browser.py's screenshots and axe checks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .browser_support import built_html_pages
from .test_site import REPO, load_hook

PATHS = [f"assets/stylesheets/{name}.css" for name in ("jupyter", "math", "extra", "runner")]
ICON = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24">\n  <path d="M1 2h3#"/></svg>\n'


@pytest.fixture(scope="module")
def hook():
    return load_hook("stylesheets")


def head(prefix: str, quote: str = '"') -> str:
    q = quote
    links = "".join(f"  <link rel={q}stylesheet{q} href={q}{prefix}{path}{q}>\n" for path in PATHS)
    return f"<head>\n  <link rel={q}stylesheet{q} href={q}{prefix}main.css{q}>\n{links}</head>"


@pytest.mark.parametrize(
    "prefix, quote", [("../../", '"'), ("", '"'), ("/dlbasics/", '"'), ("../", "")]
)
def test_a_page_links_the_one_stylesheet_where_the_first_was(hook, prefix, quote):
    html = hook.relink(head(prefix, quote), PATHS)
    assert html.count("<link") == 2, html
    assert f'<link rel="stylesheet" href="{prefix}assets/stylesheets/site.css">' in html
    assert html.index("main.css") < html.index("site.css")
    assert not any(path in html for path in PATHS)


def test_a_page_without_them_is_left_alone_and_one_with_some_stops_the_build(hook):
    assert hook.relink("<head></head>", PATHS) == "<head></head>"
    partial = head("../").replace(f'<link rel="stylesheet" href="../{PATHS[1]}">', "")
    with pytest.raises(ValueError, match=r"not \['assets/stylesheets/math.css'\]"):
        hook.relink(partial, PATHS)
    # a name that only ends like one of them is not a link to it
    other = head("../").replace("extra.css", "my-extra.css")
    with pytest.raises(ValueError, match="extra.css"):
        hook.relink(other, PATHS)


def test_the_merged_stylesheet_keeps_the_order_one_charset_and_inlines_small_icons(hook, tmp_path):
    icons = tmp_path / "images"
    icons.mkdir()
    (icons / "small.svg").write_text(ICON, encoding="utf-8")
    (icons / "large.svg").write_text(ICON + " " * hook.INLINE_LIMIT, encoding="utf-8")
    folder = tmp_path / "stylesheets"
    merged = hook.merge(
        [
            ("a.css", '@charset "UTF-8";\n.a { color: red }'),
            ("b.css", '.b { mask-image: url("../images/small.svg") }'),
            ("c.css", ".c { mask-image: url(../images/large.svg) } .d { mask: url('gone.svg') }"),
        ],
        folder,
    )
    assert merged.startswith('@charset "UTF-8";\n/* a.css */\n.a { color: red }')
    assert merged.count("@charset") == 1
    assert merged.index("/* a.css */") < merged.index("/* b.css */") < merged.index("/* c.css */")
    small = merged.split("/* b.css */")[1].split('url("')[1].split('")')[0]
    assert small.startswith("data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22")
    assert "#" not in small and '"' not in small and "\n" not in small
    assert "url(../images/large.svg)" in merged and "url('gone.svg')" in merged  # left as links
    with pytest.raises(ValueError, match="b.css has an @import"):
        hook.merge([("a.css", ".a{}"), ("b.css", '@import "x.css";')], folder)


@pytest.mark.site
def test_every_page_links_the_one_stylesheet(hook, built_site):
    stylesheets = built_site / "assets" / "stylesheets"
    merged = (stylesheets / "site.css").read_text(encoding="utf-8")
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    listed = [path for path in PATHS if path in config]
    assert listed == PATHS, "mkdocs.yml's extra_css changed: update PATHS"
    for path in PATHS:
        assert not (built_site / path).exists(), f"{path} is still served beside site.css"
        assert f"/* {path} */" in merged, f"site.css lacks {path}"
    # the hand-written stylesheet is all in it, but for its icons, now data: URLs
    extra = (REPO / "docs" / PATHS[2]).read_text(encoding="utf-8")
    for line in extra.splitlines():
        if "url(" not in line:
            assert line.strip() in merged, line
    assert not re.search(r"url\([^)]*images/icons/", merged), "an icon is still a request"
    assert merged.count("data:image/svg+xml,") >= 3
    pages = [built_site / path.strip("/") / "index.html" for path in built_html_pages(built_site)]
    for page in [*pages, built_site / "404.html"]:
        html = page.read_text(encoding="utf-8")
        where = page.relative_to(built_site)
        assert html.count("assets/stylesheets/site.css") == 1, where
        assert not any(Path(path).name in html for path in PATHS), where
