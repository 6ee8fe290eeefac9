"""The browser itself enforces zero third-party requests: the Content-Security-Policy of the pages
(hooks/csp.py) refuses them before they leave, in Chromium.

tests/test_browser.py opens every page under its policy (any refusal there is a failure: the
policy lets the pages do all they need), and its search and language-switcher tests too. Here a
page is made to try what it must not: a fetch to another host, images, scripts, styles, fonts and
sockets from other hosts, an injected inline script, eval. Each is refused by the policy (a
``securitypolicyviolation`` event naming the directive) and none reaches the network. The same
fetch from a copy of the page without the policy does reach the network layer (where the test's
route stops it), so it is the policy that refuses.
"""

from __future__ import annotations

import re

import pytest

from . import browser_support as bs
from .test_browser import VIEWPORT, block_other_hosts, browser, browser_context, server, site_dir
from .test_site import load_hook

pytestmark = pytest.mark.browser
FIXTURES = (browser, browser_context, server, site_dir)  # the browser tests', found here by name

PAGE = "/backpropagation/"  # a notebook page with math, plots and code
FETCH_ELSEWHERE_JS = """async () => {
  const url = "https://collector.example.com/track?page=1";
  const refused = new Promise((resolve) => {
    document.addEventListener("securitypolicyviolation", (event) => resolve({
      directive: event.effectiveDirective, blocked: event.blockedURI,
      disposition: event.disposition,
    }), {once: true});
    setTimeout(() => resolve(null), 3000);
  });
  let error = null;
  try { await fetch(url, {mode: "no-cors"}); } catch (e) { error = e.name; }
  return {error, violation: await refused};
}"""

# A same-origin script (allowed) that tries everything a page must not do. It is a file, not
# code sent by the test: the browser exempts code the test evaluates from the eval rule.
PROBE = "csp-probe.js"
PROBE_JS = """window.__probe = (async () => {
  const seen = [];
  document.addEventListener("securitypolicyviolation", (event) => {
    seen.push([event.effectiveDirective, event.blockedURI]);
  });
  const add = (tag, attributes) => {
    const element = document.createElement(tag);
    Object.assign(element, attributes);
    document.head.append(element);
  };
  add("script", {src: "https://cdn.example.com/analytics.js"});
  add("link", {rel: "stylesheet", href: "https://fonts.example.com/css?family=X"});
  add("style", {textContent:
    "@font-face { font-family: Elsewhere; src: url(https://fonts.example.com/x.woff2); }"
    + " body { font-family: Elsewhere; }"});
  new Image().src = "https://images.example.com/pixel.png";
  add("script", {textContent: "window.__injected = 1;"});
  let evaluated = "ran";
  try { eval("1 + 1"); } catch (e) { evaluated = e.name; }
  try { new WebSocket("wss://socket.example.com/"); } catch (e) { /* refused either way */ }
  try { navigator.sendBeacon("https://beacon.example.com/b", "x"); } catch (e) { /* refused */ }
  // WebAssembly may compile ('wasm-unsafe-eval', for the in-browser Python runtime).
  const empty = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]);
  const wasm = await WebAssembly.compile(empty).then(() => "compiled", (e) => e.name);
  await document.fonts.ready;
  await new Promise((resolve) => setTimeout(resolve, 1500));
  return {seen, injected: window.__injected === 1, evaluated, wasm};
})();
"""
RUN_PROBE_JS = """async (src) => {
  const script = Object.assign(document.createElement("script"), {src});
  const loaded = new Promise((resolve) => script.addEventListener("load", resolve));
  document.head.append(script);
  await loaded;
  return await window.__probe;
}"""


def site_copy(site_dir, destination, *, policy: bool):
    """A copy of the site (linked) whose PAGE has the probe script beside it, with or without its
    policy."""
    html = bs.overlay_site(site_dir, destination, PAGE)
    (html.parent / PROBE).write_text(PROBE_JS, encoding="utf-8")
    if not policy:
        text, removed = re.subn(
            r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html.read_text()
        )
        assert removed == 1
        html.write_text(text)
    return destination


def open_page(context, server, path):
    """A page of the site with the policy recorder, every request recorded and none let out."""
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    blocked = block_other_hosts(context, server)
    page = context.new_page()
    page.goto(server.url(path), wait_until="load")
    return page, requests, blocked


def test_a_fetch_to_another_host_is_refused_by_the_policy(server, browser_context):
    page, requests, blocked = open_page(browser_context, server, PAGE)
    assert page.evaluate(bs.POLICY_JS)[0].startswith("default-src 'self'")
    result = page.evaluate(FETCH_ELSEWHERE_JS)
    assert result["violation"] == {
        "directive": "connect-src",
        "blocked": "https://collector.example.com/track?page=1",
        "disposition": "enforce",
    }
    assert result["error"] == "TypeError"  # fetch rejects: the request was never made
    assert not [url for url in requests if "example.com" in url] and blocked == []


def test_without_the_policy_the_same_fetch_leaves_the_page(site_dir, browser, tmp_path):
    """The control: no policy, no refusal; the request reaches the network layer."""
    with bs.SiteServer(site_copy(site_dir, tmp_path / "site", policy=False)) as unprotected:
        context = browser.new_context(viewport=VIEWPORT)
        try:
            page, _, blocked = open_page(context, unprotected, PAGE)
            result = page.evaluate(FETCH_ELSEWHERE_JS)
            probe = page.evaluate(RUN_PROBE_JS, PROBE)
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
    with bs.SiteServer(site_copy(site_dir, tmp_path / "site", policy=True)) as protected:
        context = browser.new_context(viewport=VIEWPORT)
        context.on("console", lambda message: messages.append(message.text))
        context.on("requestfailed", lambda request: failed.update({request.url: request.failure}))
        try:
            page, requests, blocked = open_page(context, protected, PAGE)
            result = page.evaluate(RUN_PROBE_JS, PROBE)
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
