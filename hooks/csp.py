"""MkDocs hook: every page carries a Content-Security-Policy, so that the reader's browser itself
refuses any request to another host, whatever a page's scripts try.

GitHub Pages sets no response headers, so the policy is a ``<meta http-equiv=
"Content-Security-Policy">`` tag. A policy in a meta tag governs only what comes after it, so it
is written right after ``<meta charset>``, before any script, style or stylesheet.

The step runs last (``on_post_build``, after every other hook and plugin, mkdocs-static-i18n's
builds of the other languages included) over every ``.html`` file of the built site. It reads the
page as it will be served and allows its inline ``<script>`` blocks by their SHA-256, never by
``'unsafe-inline'``: whatever another hook adds to a page, its own inline scripts run and nothing
else does. An inline event handler (``onclick=``) or a ``javascript:`` URL would be blocked
silently, so they fail the build instead.

What the directives allow, and why (read from the sources of what the pages run):

- ``script-src 'self'`` and the hashes; ``'wasm-unsafe-eval'`` lets a page compile WebAssembly,
  for the in-browser Python runtime (Pyodide compiles in its worker today, which this policy does
  not reach; with it, moving Pyodide into the page breaks nothing). No ``'unsafe-eval'``: nothing
  needs ``eval``.
- ``style-src 'self' 'unsafe-inline'``: the math typeset at build time (hooks/assets.py) and
  nbconvert's HTML carry ``style=""`` attributes, and the editor (CodeMirror) sets styles at run
  time. Styles cannot run code; a hash beside ``'unsafe-inline'`` would switch it off.
- ``img-src 'self' data: blob:``: plots are files of the site (hooks/images.py); the theme's icons
  and small outputs are ``data:`` URLs, figures drawn in the browser ``blob:`` URLs (both made by
  the page itself, never fetched).
- ``font-src``, ``connect-src``, ``worker-src``: the site's own origin only (the math fonts, the
  search index, the search and Python workers).
- ``object-src 'none'``, ``base-uri 'self'``, ``form-action 'self'``: no plugins, no ``<base>``
  pointing elsewhere, no form sending data away.

A meta policy reaches the page, not its workers: a worker started from a same-origin file has the
policy of that file's response headers, which GitHub Pages does not set. The browser tests record
the workers' requests too.
"""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

import build_state  # hooks/build_state.py: what the hooks of a build share
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger

log = get_plugin_logger(__name__)

DIRECTIVES = (
    ("default-src", ("'self'",)),
    ("script-src", ("'self'", "'wasm-unsafe-eval'")),  # + the page's inline script hashes
    ("style-src", ("'self'", "'unsafe-inline'")),
    ("img-src", ("'self'", "data:", "blob:")),
    ("font-src", ("'self'",)),
    ("connect-src", ("'self'",)),
    ("worker-src", ("'self'",)),
    ("object-src", ("'none'",)),
    ("base-uri", ("'self'",)),
    ("form-action", ("'self'",)),
)
# The types a browser runs as script (HTML's "JavaScript MIME type essence match", and modules);
# any other type (application/json, text/x-mathjax-config) is data, never run, never hashed.
SCRIPT_TYPES = {
    "", "module", "text/javascript", "application/javascript", "application/ecmascript",
    "application/x-ecmascript", "application/x-javascript", "text/ecmascript",
    "text/javascript1.0", "text/javascript1.1", "text/javascript1.2", "text/javascript1.3",
    "text/javascript1.4", "text/javascript1.5", "text/jscript", "text/livescript",
    "text/x-ecmascript", "text/x-javascript",
}  # fmt: skip
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href"}
# An earlier policy tag, with the line break and indent with_policy puts before it.
META = re.compile(r'\n?[ \t]*<meta http-equiv="Content-Security-Policy"[^>]*>', re.IGNORECASE)
CHARSET = re.compile(r"<meta\s+charset\s*=[^>]*>", re.IGNORECASE)
HEAD = re.compile(r"<head(\s[^>]*)?>", re.IGNORECASE)
FIRST_LOADING_TAG = re.compile(r"<(script|style|link)\b", re.IGNORECASE)


class PageScripts(HTMLParser):
    """The inline scripts a browser would run, and what the policy would block silently."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=False)
        self.inline: list[str] = []  # the text of each inline script, as the browser reads it
        self.blocked: list[str] = []  # inline event handlers and javascript: URLs
        self._script: list[str] | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.blocked.append(f"<{tag} {name}=...>")
            elif name in URL_ATTRIBUTES and (value or "").strip().lower().startswith("javascript:"):
                self.blocked.append(f"<{tag} {name}={value[:40]!r}>")
        if tag == "script":
            kind = (attributes.get("type") or "").strip().lower()
            runs = kind in SCRIPT_TYPES and "src" not in attributes
            self._script = [] if runs else None

    def handle_data(self, data):
        if self._script is not None:
            self._script.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.inline.append("".join(self._script))
            self._script = None


def script_hash(source: str) -> str:
    """The CSP source expression of an inline script: ``'sha256-<base64 of SHA-256 of UTF-8>'``.

    The browser hashes the script's text after the HTML parser normalised its line breaks.
    """
    text = source.replace("\r\n", "\n").replace("\r", "\n")
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
    return f"'sha256-{digest}'"


def policy(hashes) -> str:
    """The policy of a page whose inline scripts have these hashes."""
    parts = []
    for name, sources in DIRECTIVES:
        extra = sorted(set(hashes)) if name == "script-src" else []
        parts.append(" ".join([name, *sources, *extra]))
    return "; ".join(parts)


def with_policy(html: str, where: str = "the page") -> str:
    """``html`` with its policy tag (any earlier one replaced), right after ``<meta charset>``."""
    html = META.sub("", html)
    scripts = PageScripts(html)
    if scripts.blocked:
        raise PluginError(
            f"{where} has {', '.join(scripts.blocked[:3])}: the Content-Security-Policy "
            "(hooks/csp.py) blocks inline event handlers and javascript: URLs; attach the "
            "handler from a script file instead"
        )
    tag = (
        '<meta http-equiv="Content-Security-Policy" content="'
        f'{policy(script_hash(source) for source in scripts.inline)}">'
    )
    head = HEAD.search(html)
    if head is None:
        raise PluginError(f"{where} has no <head>: hooks/csp.py cannot give it a policy")
    charset = CHARSET.search(html, head.end())
    first = FIRST_LOADING_TAG.search(html, head.end())
    if charset and (first is None or charset.start() < first.start()):
        at = charset.end()
    else:
        at = head.end()
    return f"{html[:at]}\n  {tag}{html[at:]}"


@event_priority(-1000)  # last: after every hook and plugin that writes pages (i18n: -100)
def on_post_build(config) -> None:
    if build_state.is_inner_build(config):
        return  # an inner per-language build: the outer one's pass covers every language
    site = Path(config.site_dir)
    pages = sorted(site.rglob("*.html"))
    for page in pages:
        text = page.read_text(encoding="utf-8")
        page.write_text(with_policy(text, str(page.relative_to(site))), encoding="utf-8")
    log.info("Content-Security-Policy written into %d pages", len(pages))
