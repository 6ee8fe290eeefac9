"""MkDocs hook: lighter markup for the notebook pages, rendered as before (issue 13: a page's HTML
within 120 KB, 30 KB gzipped).

mkdocs-jupyter's template writes more than the browser needs to show a page. ``on_page_content``
takes out what changes nothing on the screen:

1. The hidden second copy of every code cell (``<div class="clipboard-copy-txt">``), kept only for
   the copy button: the button copies the text of the highlighted code instead, which is the same
   code (it takes the copy's id, so its ``for`` still names it).
2. The copy button's inline SVG icon (1.2 KB in each code cell): an empty ``<span>`` of the same
   class, painted by extra.css with the same icon as a CSS mask.
3. Pygments' ``<span class="n">`` (and the like) around tokens that no rule colours: the span has
   no style, so its text looks the same without it. The whitespace token (``w``) has a rule, but
   it sets the block's own colour. Tokens whose classes have the same rules (``sa``, ``s2`` and
   ``si`` of an f-string, ``mi`` and ``mf``) take one class, and neighbours of one class become one
   span. What is styled how is read from the page's own Pygments CSS (every rule on
   ``.highlight-ipynb .x``, in any palette), so a colour added there keeps its spans apart.
4. Class names and attributes of the template that nothing of the site reads: ``jp-Notebook-cell``,
   ``jp-Editor``, ``jp-MarkdownCell``, ``hl-python``, ``data-type="inline"`` and the Markdown and
   text outputs' ``data-mime-type`` (``on_post_build`` fails the build if a stylesheet or script
   of the site names them); the cells' empty ``jp-Collapser`` divs, which the notebook CSS hides
   (``display: none``), and the line breaks between ``<div>`` tags (nbconvert puts one after
   every tag): whitespace between block boxes is not rendered.

This runs before hooks/notebook_assets.py takes the ``<style>`` blocks out of the page.
"""

from __future__ import annotations

import functools
import re
import types
from collections.abc import Mapping
from pathlib import Path

import tinycss2
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from notebook_assets import take_styles

HIGHLIGHT = re.compile(
    r'(<div class="highlight-ipynb[^"]*")>(<pre>.*?</pre>)</div>\s*'
    r'<div class="clipboard-copy-txt" id="([^"]+)">[^<]*</div>',
    re.DOTALL,
)
COPY_ICON = re.compile(r'<svg\b[^>]*\bclass="clipboard-copy-icon"[^>]*>.*?</svg>', re.DOTALL)
PLAIN_ICON = '<span aria-hidden="true" class="clipboard-copy-icon"></span>'
# mkdocs-jupyter writes `<clipboard-copy for="cell-1", aria-label=...>`: the comma becomes an
# attribute named "," (`,=""` once hooks/images.py has parsed the page).
STRAY_COMMA = re.compile(r'(<clipboard-copy\b[^>]*?)\s*,(?:="")?(?=[\s>])')
TOKEN_SELECTOR = re.compile(r"^(.*?)\.highlight-ipynb \.([\w-]+)$")
TOKEN = re.compile(r'<span class="([\w-]+)">([^<]*)</span>')
EMPTY_SPAN = "<span></span>"  # Pygments opens every block with one
NEIGHBOURS = re.compile(r'<span class="([\w-]+)">([^<]*)</span><span class="\1">([^<]*)</span>')
BETWEEN_DIVS = re.compile(r"(?<=>)\s+(?=</?div[\s>])")
UNREAD_CLASSES = ("jp-Notebook-cell", "jp-Editor", "jp-MarkdownCell", "hl-python")
UNREAD_ATTRIBUTES = re.compile(r' data-type="inline"| data-mime-type="text/(?:markdown|plain)"')
CLASS_ATTRIBUTE = re.compile(r' class="([^"]*)"')
# What a stylesheet or script would name to read them: then they must stay.
READERS = {
    ".css": re.compile(
        r"jp-Notebook-cell|jp-Editor|jp-MarkdownCell|hl-python|data-type|text/(?:markdown|plain)"
    ),
    ".js": re.compile(
        r"jp-Notebook-cell|jp-Editor|jp-MarkdownCell|hl-python|data-type|dataset\.type"
        r"|data-mime-type|mimeType"
    ),
}
READERS[".mjs"] = READERS[".js"]
COLLAPSER = re.compile(r'<div class="jp-Collapser [^"]*">\s*</div>')
COLLAPSER_SELECTOR = ".jupyter-wrapper .jp-Collapser"


def style_rules(css: str):
    """Each (selector, declarations, condition) of ``css``: one selector of a rule's list, written
    with single spaces; its declarations as ``name:value`` strings; the ``@media``/``@supports``
    prelude it is inside ("" for none)."""

    def rules(items, condition):
        for item in items:
            if item.type == "qualified-rule":
                body = tinycss2.parse_blocks_contents(item.content, skip_whitespace=True)
                declarations = frozenset(
                    f"{d.lower_name}:{tinycss2.serialize(d.value).strip()}".replace(" ", "")
                    for d in body
                    if d.type == "declaration"
                )
                for selector in tinycss2.serialize(item.prelude).split(","):
                    yield " ".join(selector.split()), declarations, condition
            elif item.type == "at-rule" and item.content is not None:
                inner = tinycss2.parse_rule_list(item.content, skip_whitespace=True)
                prelude = f"@{item.lower_at_keyword} {tinycss2.serialize(item.prelude).strip()}"
                yield from rules(inner, f"{condition} {prelude}".strip())

    yield from rules(tinycss2.parse_stylesheet(css, skip_whitespace=True, skip_comments=True), "")


# Every notebook page carries the same stylesheet: parsed once per build, not once per page
# (tinycss2 took half of a cached build's time when it parsed it for each of 34 pages).
@functools.lru_cache(maxsize=8)
def token_styles(css: str) -> types.MappingProxyType[str, str]:
    """Each Pygments token class that ``css`` styles unlike the code block itself, mapped to the
    first class with exactly the same rules (itself, when no other has them)."""
    rules: dict[str, set] = {}
    block: set[str] = set()
    for selector, declarations, condition in style_rules(css):
        if selector == ".highlight-ipynb" and not condition:
            block |= {d for d in declarations if d.startswith("color:")}
        elif match := TOKEN_SELECTOR.match(selector):
            rules.setdefault(match[2], set()).add((condition, match[1].strip(), declarations))
    canonical: dict[frozenset, str] = {}
    styles = {}
    for name, found in rules.items():
        if all(not cond and not prefix and decls <= block for cond, prefix, decls in found):
            continue  # it sets what the block has already
        styles[name] = canonical.setdefault(frozenset(found), name)
    return types.MappingProxyType(styles)  # read-only: the cache hands the same one to every page


@functools.lru_cache(maxsize=8)
def hidden_selectors(css: str) -> frozenset[str]:
    """The selectors of ``css`` rules that set ``display: none`` everywhere (not in ``@media``)."""
    return frozenset(
        selector
        for selector, declarations, condition in style_rules(css)
        if "display:none" in declarations and not condition
    )


def _plain_tokens(code: str, styles: Mapping[str, str]) -> str:
    code = code.replace(EMPTY_SPAN, "", 1) if code.startswith("<pre>" + EMPTY_SPAN) else code

    def token(match: re.Match) -> str:
        name = styles.get(match[1])
        return f'<span class="{name}">{match[2]}</span>' if name else match[2]

    code = TOKEN.sub(token, code)
    merged = None
    while merged != code:
        merged, code = code, NEIGHBOURS.sub(r'<span class="\1">\2\3</span>', code)
    return code


def lighten(html: str, css: str) -> str:
    """The notebook page content ``html`` with the markup above taken out; ``css``: its styles."""
    styles = token_styles(css)
    if not styles:
        raise PluginError(
            "no Pygments rule (.highlight-ipynb .k {...}) in the notebook page's styles: "
            "hooks/notebook_markup.py must be updated for this mkdocs-jupyter version"
        )
    copies = html.count('class="clipboard-copy-txt"')
    html, moved = HIGHLIGHT.subn(
        lambda m: f'{m[1]} id="{m[3]}">{_plain_tokens(m[2], styles)}</div>', html
    )
    if moved != copies:
        raise PluginError(
            f"{copies} hidden code copies but {moved} beside a highlighted cell: "
            "hooks/notebook_markup.py must be updated for this mkdocs-jupyter version"
        )
    html = COPY_ICON.sub(PLAIN_ICON, html)
    html = STRAY_COMMA.sub(r"\1", html)
    if COLLAPSER_SELECTOR in hidden_selectors(css):  # else they may show: leave them
        html = COLLAPSER.sub("", html)
    html = UNREAD_ATTRIBUTES.sub("", html)
    html = CLASS_ATTRIBUTE.sub(_without_unread_classes, html)
    return BETWEEN_DIVS.sub("", html)


def _without_unread_classes(match: re.Match) -> str:
    names = [name for name in match[1].split() if name not in UNREAD_CLASSES]
    return f' class="{" ".join(names)}"' if names else ""


def readers_of_unread_names(site: Path) -> list[str]:
    """The stylesheets and scripts of ``site`` that name a class or attribute taken out."""
    found = []
    for path in sorted(site.rglob("*")):
        reader = READERS.get(path.suffix)
        if reader and path.is_file():
            match = reader.search(path.read_text(encoding="utf-8", errors="replace"))
            if match:
                found.append(f"{path.relative_to(site)} ({match[0]})")
    return found


@event_priority(-220)  # after hooks/notebook_assets.py (-210) wrote the notebook stylesheet
def on_post_build(config) -> None:
    readers = readers_of_unread_names(Path(config.site_dir))
    if readers:
        raise PluginError(
            "hooks/notebook_markup.py takes these classes and attributes out of the pages, but "
            f"the site reads them: {', '.join(readers)}; keep them (UNREAD_CLASSES, "
            "UNREAD_ATTRIBUTES)"
        )


def on_page_content(html, page, config, files):
    if "jupyter-wrapper" not in html:
        return html
    _, styles = take_styles(html)  # the page's CSS, as hooks/notebook_assets.py will take it
    return lighten(html, "\n".join(styles))
