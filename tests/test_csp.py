"""The pages' Content-Security-Policy (hooks/csp.py): how it is written into a page, and that every
page of the built site has it, before any script, allowing exactly the inline scripts it holds.

That the browser enforces it, and that the pages work under it: tests/test_browser.py.
"""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from mkdocs.exceptions import PluginError

from .test_site import load_hook

csp = load_hook("csp")

PAGE = """<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width">
    <link rel="stylesheet" href="main.css">
    <script>var a = 1;</script>
    <script type="application/json" id="__config">{"x": 1}</script>
    <script src="bundle.js"></script>
    <script type="module">import "./x.js";</script>
  </head>
  <body><p>text</p><script>
document.body.dataset.ok = "yes";
</script></body>
</html>
"""
POLICY_TAG = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')
DIRECTIVES = {"default-src", "script-src", "style-src", "img-src", "font-src", "connect-src",
              "worker-src", "object-src", "base-uri", "form-action"}  # fmt: skip
KEYWORDS_AND_SCHEMES = {
    "'self'",
    "'none'",
    "'unsafe-inline'",
    "'wasm-unsafe-eval'",
    "data:",
    "blob:",
}


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed


def inline_script_hashes(html: str) -> set[str]:
    """What the policy must allow, found independently of the hook (a regex, not its parser)."""
    found = set()
    for attributes, body in re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S | re.I):
        kind = re.search(r'type="([^"]*)"', attributes)
        if "src=" in attributes or (kind and kind[1] not in ("module", "text/javascript")):
            continue
        digest = hashlib.sha256(body.replace("\r\n", "\n").encode("utf-8")).digest()
        found.add(f"'sha256-{base64.b64encode(digest).decode()}'")
    return found


def test_the_hash_is_the_one_in_the_csp_specification():
    """CSP Level 3, section 2.3.1's example: alert('Hello, world.');"""
    expected = "'sha256-qznLcsROx4GACP2dm0UCKCzCG+HiZ1guq6ZZDob/Tng='"
    assert csp.script_hash("alert('Hello, world.');") == expected
    assert csp.script_hash("a;\r\nb;") == csp.script_hash("a;\nb;")  # as the HTML parser reads it


def test_the_policy_goes_right_after_the_charset_and_allows_the_inline_scripts_by_hash():
    html = csp.with_policy(PAGE)
    (policy,) = POLICY_TAG.findall(html)
    assert html.index("<meta charset") < html.index(policy) < html.index("<link")
    parsed = directives(policy)
    assert set(parsed) == DIRECTIVES
    hashes = {source for source in parsed["script-src"] if source.startswith("'sha256-")}
    assert hashes == inline_script_hashes(PAGE) and len(hashes) == 3  # not the JSON, not src=
    assert parsed["script-src"][:2] == ["'self'", "'wasm-unsafe-eval'"]
    assert "'unsafe-eval'" not in policy and "'unsafe-inline'" not in parsed["script-src"]
    assert csp.with_policy(html) == html  # a second pass replaces the tag, it does not add one


def test_without_a_charset_the_policy_opens_the_head():
    html = csp.with_policy("<html><head><script>x()</script></head><body></body></html>")
    assert html.startswith('<html><head>\n  <meta http-equiv="Content-Security-Policy"')


@pytest.mark.parametrize(
    "fault", ['<button onclick="go()">go</button>', '<a href="javascript:go()">go</a>']
)
def test_what_the_policy_would_block_silently_fails_the_build(fault):
    with pytest.raises(PluginError, match="blocks inline event handlers and javascript: URLs"):
        csp.with_policy(PAGE.replace("<p>text</p>", fault), "x/index.html")
    with pytest.raises(PluginError, match="has no <head>"):
        csp.with_policy("<p>a fragment</p>")


@pytest.mark.site
def test_every_built_page_has_the_policy_before_any_script_allowing_exactly_its_inline_scripts(
    built_site,
):
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) >= 29  # 14 pages in 2 languages, and 404.html
    for page in pages:
        where = page.relative_to(built_site)
        html = page.read_text(encoding="utf-8")
        (policy,) = POLICY_TAG.findall(html)
        head = html[: html.index("</head>")]
        first_load = re.search(r"<(script|style|link)\b", head)
        assert first_load and head.index(policy) < first_load.start(), where
        assert b"<meta charset=utf-8>" in html.encode()[:1024], where  # the charset prescan
        parsed = directives(policy)
        assert set(parsed) == DIRECTIVES, where
        for name, sources in parsed.items():  # the site's own origin, never another host
            hosts = [s for s in sources if s not in KEYWORDS_AND_SCHEMES and "sha256-" not in s]
            assert not hosts, (where, name, hosts)
        assert "'unsafe-eval'" not in policy and "'unsafe-inline'" not in parsed["script-src"]
        hashes = {source for source in parsed["script-src"] if source.startswith("'sha256-")}
        assert hashes == inline_script_hashes(html), f"{where}: changed after hooks/csp.py ran?"
