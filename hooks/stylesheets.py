"""MkDocs hook: the site's own stylesheets served as one file, with their small icons in it
(issue 13: speed on a phone).

Besides Material's two stylesheets, mkdocs.yml's ``extra_css`` lists four of the site's own:
jupyter.css (hooks/notebook_assets.py), math.css (hooks/assets.py), extra.css and runner.css.
Every one of them blocks the first paint, and the browser opens at most six connections to a
host, so on a phone's slow network (Lighthouse: 150 ms a round trip) the page waited a second
round trip for them. Their three icons (the repository, Colab and Binder buttons at the top of a
notebook page, drawn as CSS masks) were three more requests for the first screen.

So once every page and stylesheet is written, the four become one file, ``assets/stylesheets/
site.css``, in the order mkdocs.yml lists them, and each page links it in place of the four. The
SVG files that the stylesheets draw and that are under ``INLINE_LIMIT`` go into it as ``data:``
URLs (the Content-Security-Policy allows ``data:`` images). The four files are removed, so no
page can keep linking a stale copy.

A page that links some of the four but not all, a stylesheet with ``@import``, or one outside the
merged file's folder (its relative ``url()`` would break) stops the build with its name.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote, urlsplit

import build_state  # hooks/build_state.py: what the hooks of a build share
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger

log = get_plugin_logger(__name__)

MERGED = "assets/stylesheets/site.css"
INLINE_LIMIT = 2048  # bytes: below this an icon costs less in the stylesheet than as a request
CHARSET = re.compile(r'\A\s*@charset\s+"[^"]*"\s*;\s*', re.IGNORECASE)
SVG_URL = re.compile(r"""url\(\s*(["']?)(?P<path>[^"')\s]+\.svg)\1\s*\)""")


def own_stylesheets(config) -> list[str]:
    """The site's own stylesheets in ``extra_css``: those not on another host."""
    return [str(path) for path in config.extra_css if not urlsplit(str(path)).netloc]


def svg_data_url(svg: str) -> str:
    # Percent-encode only what a CSS string or a URL cannot hold as it is: smaller than base64.
    return "data:image/svg+xml," + quote(" ".join(svg.split()), safe=" /:=;,'!*()+?@$&")


def merge(stylesheets: list[tuple[str, str]], folder: Path) -> str:
    """One stylesheet from ``(name, css)`` pairs, in order, each under a comment naming it; the
    SVGs they draw (paths relative to ``folder``) under INLINE_LIMIT inlined."""
    charset, parts = False, []
    for name, css in stylesheets:
        if CHARSET.match(css):
            charset, css = True, CHARSET.sub("", css, count=1)
        if re.search(r"@import\b", css):
            raise ValueError(f"{name} has an @import: a merged stylesheet cannot keep it first")
        parts.append(f"/* {name} */\n{css.strip()}\n")

    def inline(match: re.Match) -> str:
        path = (folder / match["path"]).resolve()
        if not path.is_file() or path.stat().st_size > INLINE_LIMIT:
            return match[0]
        return f'url("{svg_data_url(path.read_text(encoding="utf-8"))}")'

    return ('@charset "UTF-8";\n' if charset else "") + SVG_URL.sub(inline, "\n".join(parts))


def stylesheet_link(path: str) -> re.Pattern:
    """A page's ``<link>`` to ``path`` (relative, at any depth, quoted or not)."""
    href = r"""(?P<quote>["']?)(?P<prefix>(?:[^"'\s>]*/)?)""" + re.escape(path) + r"(?P=quote)"
    return re.compile(r"<link\b[^>]*?\bhref=" + href + r"(?=[\s/>])[^>]*>", re.IGNORECASE)


def relink(html: str, paths: list[str], merged: str = MERGED) -> str:
    """``html`` with its links to ``paths`` replaced by one link to ``merged``, where the first
    was. Raises ``ValueError`` if it links some of ``paths`` but not all."""
    found = [stylesheet_link(path).search(html) for path in paths]
    if not any(found):
        return html
    missing = [path for path, match in zip(paths, found, strict=True) if match is None]
    if missing:
        raise ValueError(f"links some of the site's stylesheets but not {missing}")
    link = f'<link rel="stylesheet" href="{found[0]["prefix"]}{merged}">'
    out, last = [], 0
    for match in sorted(found, key=lambda match: match.start()):
        out += [html[last : match.start()], link if match is found[0] else ""]
        last = match.end()
    return "".join(out) + html[last:]


@event_priority(-300)  # after every hook that writes a stylesheet or reads them (-200 to -220)
def on_post_build(config) -> None:
    if build_state.is_inner_build(config):
        return  # an inner per-language build: the outer one's pass covers every language
    site = Path(config.site_dir)
    paths = own_stylesheets(config)
    target = site / MERGED
    for path in paths:
        if Path(path).parent != Path(MERGED).parent:
            raise PluginError(
                f"hooks/stylesheets.py: {path} is not in {Path(MERGED).parent}/, where its "
                "relative url()s would still hold once merged: move it there"
            )
    missing = [path for path in paths if not (site / path).is_file()]
    if missing:
        raise PluginError(f"hooks/stylesheets.py: extra_css names files not built: {missing}")
    stylesheets = [(path, (site / path).read_text(encoding="utf-8")) for path in paths]
    try:
        merged = merge(stylesheets, target.parent)
    except ValueError as error:
        raise PluginError(f"hooks/stylesheets.py: {error}") from None
    target.write_text(merged, encoding="utf-8")
    pages = 0
    for page in sorted(site.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        try:
            relinked = relink(html, paths)
        except ValueError as error:
            raise PluginError(f"hooks/stylesheets.py: {page.relative_to(site)} {error}") from None
        if relinked != html:
            page.write_text(relinked, encoding="utf-8")
            pages += 1
    for path in paths:
        (site / path).unlink()
    log.info("%d stylesheets as %s (%d KB), linked from %d pages", len(paths), MERGED,
             len(merged.encode()) // 1024, pages)  # fmt: skip
