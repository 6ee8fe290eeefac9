"""MkDocs hook: the search index loads when the reader opens search, not with every page
(issue 13: speed on a phone).

Material's script requests ``search/search_index.json`` (740 KB, 185 KB gzipped: every page's
text and code) as soon as a page is shown over HTTP, and parses it on the main thread. Most readers
never search, and on a phone that download competes with the page's own files: Lighthouse's
simulated slow 4G counted it into the largest paint whenever the page's first paint came late,
from 1.7 s to 3 s.

Material already knows the other way: for a site opened from ``file://`` it sets the search up
only once the search toggle is switched on (``setupSearchWorker``: ``merge(of(location.protocol
!== "file:"), watchToggle("search")).pipe(first(active => active), ...)``). Everything that opens
search switches that toggle on: a click or tap on the search field or its icon, the keys
``/``, ``s`` and ``f``, and a ``?q=`` link. So the built bundle gets that condition as ``false``,
padded with a comment to the same length, so that its source map still points at the right
columns. A query typed while the index loads waits for it (Material's ``isSearchReadyMessage``).

If a Material release writes that code differently, the build stops and says so, rather than
shipping a site whose search loads eagerly again or not at all.
"""

from __future__ import annotations

import re
from pathlib import Path

import build_state  # hooks/build_state.py: what the hooks of a build share
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger

log = get_plugin_logger(__name__)

BUNDLE = "assets/javascripts/bundle.*.min.js"
# Material's minified setupSearchWorker: <merge>(<of>(location.protocol!=="file:"),<watchToggle>("search"))
CONTEXT = r"(?<=[\w$]\(){}(?=\),[\w$]+\(\"search\"\))"  # minified names: letters, digits, _ and $
EAGER = re.compile(CONTEXT.format(r'location\.protocol!=="file:"'))
ON_OPEN = re.compile(CONTEXT.format(r"!1/\*search index on open *\*/"))


def _false_in_place(eager: re.Match) -> str:
    """``false`` in exactly as many characters as the eager condition: ``!1`` and a comment."""
    return "!1/*" + "search index on open".ljust(len(eager[0]) - len("!1/**/")) + "*/"


def patch(bundle: str) -> str:
    """Material's bundle with its search index loaded only once search is opened.

    Raises ``ValueError`` unless the eager condition occurs exactly once (or the bundle is
    already patched, as in a ``--dirty`` rebuild that kept the copied file)."""
    eager = EAGER.findall(bundle)
    if not eager and len(ON_OPEN.findall(bundle)) == 1:
        return bundle
    if len(eager) != 1:
        raise ValueError(
            f"expected Material's search set-up condition {EAGER.pattern!r} once in its bundle, "
            f"found it {len(eager)} times: Material's script has changed; read "
            "setupSearchWorker in its source map and update hooks/search_on_demand.py"
        )
    return EAGER.sub(_false_in_place, bundle)


@event_priority(-500)  # after mkdocs-static-i18n (-100) has built the other languages
def on_post_build(config) -> None:
    if build_state.is_inner_build(config):
        return  # an inner per-language build: the languages share the outer build's assets
    bundles = sorted(Path(config.site_dir).glob(BUNDLE))
    if len(bundles) != 1:
        raise PluginError(
            f"hooks/search_on_demand.py: expected one Material bundle {BUNDLE} in "
            f"{config.site_dir}, found {[path.name for path in bundles]}"
        )
    text = bundles[0].read_text(encoding="utf-8")
    try:
        patched = patch(text)
    except ValueError as error:
        raise PluginError(f"hooks/search_on_demand.py: {bundles[0].name}: {error}") from None
    if patched != text:
        bundles[0].write_text(patched, encoding="utf-8")
        log.info("the search index loads when search is opened (%s)", bundles[0].name)
