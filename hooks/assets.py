"""MkDocs hook: self-host MathJax 3, so that the site makes no third-party request.

``npm ci`` (run by ``make serve`` / ``make build``) installs MathJax from package.json into
node_modules/; after the build this hook copies the parts the pages load into
``<site>/assets/vendor/mathjax/``: the ``tex-chtml`` component, its web fonts, the TeX extensions
it autoloads, and the menu's accessibility modules. ``extra_javascript`` in mkdocs.yml loads it,
with assets/javascripts/mathjax-config.js before it.

mkdocs-jupyter puts its own MathJax ``<script src=custom_mathjax_url>`` (and a MathJax 2
configuration) into every notebook page; ``on_page_content`` removes both, so MathJax is loaded
once, from the right relative path, on every page. It also removes nbconvert's Mermaid loader,
which would import Mermaid from cdnjs.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger

log = get_plugin_logger(__name__)

MATHJAX_PARTS = (
    "tex-chtml.js",
    "input/tex/extensions",
    "output/chtml/fonts/woff-v2",
    "ui",
    "a11y",
    "sre",
)
DESTINATION = "assets/vendor/mathjax"


def mathjax_source(config) -> Path:
    """node_modules/mathjax/es5 next to mkdocs.yml, or a PluginError that says how to get it."""
    source = Path(config.config_file_path).parent / "node_modules" / "mathjax" / "es5"
    if not (source / "tex-chtml.js").is_file():
        raise PluginError(
            f"self-hosted MathJax not found at {source}: run `npm ci` in the project root "
            "(`make serve` and `make build` do it for you)"
        )
    return source


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
    mathjax_source(config)  # fail now, not after every page has been executed
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


@event_priority(-200)  # after mkdocs-static-i18n (-100) has built the other languages
def on_post_build(config) -> None:
    i18n = config.plugins.get("i18n")
    if i18n is not None and getattr(i18n, "building", False):
        return  # an inner per-language build: copy once, at the end of the outer build
    source = mathjax_source(config)
    destination = Path(config.site_dir) / DESTINATION
    for part in MATHJAX_PARTS:
        if (source / part).is_dir():
            shutil.copytree(source / part, destination / part, dirs_exist_ok=True)
        else:
            (destination / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / part, destination / part)
    log.debug("copied MathJax from %s to %s", source, destination)
