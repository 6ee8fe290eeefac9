"""MkDocs hook: self-host MathJax 3, so that the site makes no third-party request.

``npm ci`` (run by ``make serve`` / ``make build``) installs MathJax from package.json into
node_modules/; after the build this hook copies the parts the pages load into
``<site>/assets/vendor/mathjax/``: the ``tex-chtml`` component, its web fonts, the TeX extensions
it autoloads, and the menu's accessibility modules. ``extra_javascript`` in mkdocs.yml loads it.
"""

from __future__ import annotations

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
