"""Helpers for the Content-Security-Policy tests in tests/test_browser.py: a page made to try
what it must not (fetch another host; load scripts, styles, fonts, images from elsewhere; open a
socket; run an injected inline script or eval), and a copy of the site to try it in.
"""

from __future__ import annotations

import re

from . import browser_support as bs

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
