"""MkDocs hook: what mkdocs-jupyter inlines into every notebook page, served once as cached files.

mkdocs-jupyter's template puts the same ``<style>`` blocks into every notebook page: JupyterLab's
whole stylesheet (index.css, 574 KB), its light theme, the Pygments colours and a Mermaid rule;
for an executed ``.ipynb`` it adds the Pygments list once more, as a Python list literal. Almost
none of it applies to these pages (most of it styles JupyterLab's own widgets). It also inlines
the code cells' copy button (clipboard.umd.js, 4 KB) into every page.

1. ``on_page_content``: every ``<style>`` block and the copy-button script are taken out of a
   notebook page and kept, in the order first seen, without duplicates. mkdocs.yml links
   ``assets/stylesheets/jupyter.css`` (``extra_css``) and ``assets/javascripts/clipboard-copy.js``
   (``extra_javascript``) from every page, so the browser downloads them once for the site.
2. ``on_post_build``, after every language is built and the math is typeset (hooks/assets.py):
   the script is written as it was; the kept CSS is trimmed to what the built site can use and
   written to its file.

The template also writes every code cell twice, once highlighted and once, hidden, for the copy
button; and a "Copied!" notice into each button. Both are marked ``data-search-exclude`` (which
Material's search plugin honours, then removes), so the search index, which every page downloads,
holds each cell's code once.
   - A rule stays when one of its selectors can match: every class, id and element name it needs
     (outside ``:not()`` and other functions) occurs in some page of the site, or is a word in
     the site's own scripts (a class a script may add at run time: Material wraps every table
     in ``md-typeset__scrollwrap``, which the notebook CSS styles). ``.x :root`` never matches. ``@media`` blocks keep their matching rules; ``@keyframes`` stay when a kept rule
     names them.
   - A custom property (``--jp-...``) stays when it is used: by a kept declaration, by another
     used custom property, or anywhere in the site's other CSS, scripts and pages.

So the rendering is what it was, and a later page that shows something new (an HTML table, an
error) brings the rules for it, because the file is trimmed from the full CSS at every build.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import build_state  # hooks/build_state.py: what the hooks of a build share
import tinycss2
from mkdocs.plugins import event_priority, get_plugin_logger

log = get_plugin_logger(__name__)

STYLESHEET = "assets/stylesheets/jupyter.css"  # in extra_css: served in site.css (stylesheets.py)
SCRIPT = "assets/javascripts/clipboard-copy.js"  # and this by its extra_javascript
STYLE_BLOCK = re.compile(r"<style\b[^>]*>(.*?)</style>\s*", re.DOTALL | re.IGNORECASE)
# mkdocs-jupyter's copy of github/clipboard-copy-element (templates/mkdocs_html/assets/)
CLIPBOARD_SCRIPT = re.compile(
    r"<script>\s*(\(function \(global, factory\)(?:(?!</script>).)*?ClipboardCopyElement.*?)"
    r"</script>\s*",
    re.DOTALL,
)
VAR_REFERENCE = re.compile(r"var\(\s*(--[A-Za-z0-9_-]+)")
SCRIPT_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
KEYFRAMES = {"keyframes", "-webkit-keyframes", "-moz-keyframes", "-o-keyframes"}
GROUPING = {"media", "supports"}

# The hidden copy of a cell's code, and the copy button with its "Copied!" notice.
NOT_FOR_SEARCH = re.compile(r'<div(?=[^>]*\bclass="clipboard-copy-txt")|<clipboard-copy(?=[\s>])')
COPY_BUTTON = re.compile(r"<clipboard-copy(?![^>]*\btabindex=)(?=[\s>])")
_kept_css: dict[str, None] = {}  # the pages' <style> blocks, in order, without duplicates
_kept_scripts: dict[str, None] = {}  # the pages' copy-button script (one, the same everywhere)


# -- 1. take the <style> blocks and the script out of the pages -----------------------------------


def take_styles(content: str) -> tuple[str, list[str]]:
    """``content`` without its ``<style>`` blocks, and those blocks' CSS."""
    styles = [match.strip() for match in STYLE_BLOCK.findall(content)]
    # mkdocs-jupyter 0.26 appends str(list) of the Pygments CSS for an .ipynb page: a Python list
    # literal, not CSS, and a copy of the first block.
    styles = [css for css in styles if not css.startswith("['")]
    return STYLE_BLOCK.sub("", content), styles


def on_page_content(html, page, config, files):
    if "jupyter-wrapper" not in html:
        return html
    html, styles = take_styles(html)
    for css in styles:
        _kept_css.setdefault(css, None)
    for script in CLIPBOARD_SCRIPT.findall(html):
        _kept_scripts.setdefault(script.strip(), None)
    html = CLIPBOARD_SCRIPT.sub("", html)
    html = NOT_FOR_SEARCH.sub(lambda tag: f'{tag[0]} data-search-exclude="1"', html)
    # What the element's connectedCallback would set on each button as the script runs: set
    # here, the script changes nothing in the page (on a phone that was a 60-100 ms long task).
    return COPY_BUTTON.sub(r'\g<0> role="button" tabindex="0"', html)


# -- 2. trim the CSS to what the site uses -------------------------------------------------------


class _Names(HTMLParser):
    """Every class, id and element name in a page."""

    def __init__(self, names: dict[str, set[str]]):
        super().__init__(convert_charrefs=False)
        self.names = names

    def handle_starttag(self, tag, attrs):
        self.names["tag"].add(tag.lower())
        for name, value in attrs:
            if name == "class" and value:
                self.names["class"].update(value.split())
            elif name == "id" and value:
                self.names["id"].add(value)


def site_names(site: Path, skip: Path) -> tuple[dict[str, set[str]], set[str]]:
    """The classes, ids and element names of every page of ``site``, with every word of its
    scripts (vendored ones left out); and every custom property referenced anywhere (``skip``
    left out)."""
    names: dict[str, set[str]] = {"tag": {"html", "body"}, "class": set(), "id": set()}
    referenced: set[str] = set()
    for path in site.rglob("*"):
        if path.suffix not in {".html", ".css", ".js"} or path == skip or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        referenced.update(VAR_REFERENCE.findall(text))
        if path.suffix == ".html":
            _Names(names).feed(text)
        elif path.suffix == ".js" and "vendor" not in path.relative_to(site).parts:
            names["class"].update(SCRIPT_WORD.findall(text))  # a class it may add at run time
    return names, referenced


def _selectors(prelude) -> list[list]:
    """A rule's selector list, split at its top-level commas (tinycss2 tokens)."""
    selectors, current = [], []
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            selectors.append(current)
            current = []
        else:
            current.append(token)
    selectors.append(current)
    return [selector for selector in selectors if tinycss2.serialize(selector).strip()]


def can_match(selector: list, names: dict[str, set[str]]) -> bool:
    """Whether every class, id and element name ``selector`` needs occurs in ``names``."""
    tokens = list(selector)
    while tokens and tokens[0].type == "whitespace":
        tokens.pop(0)
    compound_start, first_compound = True, True
    index = 0
    while index < len(tokens):
        token = tokens[index]
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if token.type == "whitespace" or (
            token.type == "literal" and token.value in {">", "+", "~"}
        ):
            compound_start = True
            first_compound = False
        elif token.type == "literal" and token.value == "." and following is not None:
            if following.type == "ident" and following.value not in names["class"]:
                return False
            index += 1
            compound_start = False
        elif token.type == "hash":
            if token.value not in names["id"]:
                return False
            compound_start = False
        elif token.type == "literal" and token.value == ":":
            while following is not None and following.type == "literal" and following.value == ":":
                index += 1
                following = tokens[index + 1] if index + 1 < len(tokens) else None
            if following is not None and following.type == "ident":
                if following.lower_value == "root" and not first_compound:
                    return False  # :root is <html>: never inside another element
                index += 1
            elif following is not None and following.type == "function":
                index += 1  # :not(...), :is(...), :nth-child(...): not looked into
            compound_start = False
        elif token.type == "ident" and compound_start:
            if token.lower_value not in names["tag"]:
                return False
            compound_start = False
        else:  # [attribute], *, a namespace bar: no name to look for
            compound_start = False
        index += 1
    return True


def _declarations(rule) -> list:
    return [
        item
        for item in tinycss2.parse_blocks_contents(rule.content, skip_whitespace=True)
        if item.type == "declaration"
    ]


def _var_names(tokens) -> set[str]:
    found = set()
    for token in tokens:
        if token.type == "function":
            if token.lower_name == "var":
                found.update(
                    argument.value
                    for argument in token.arguments
                    if argument.type == "ident" and argument.value.startswith("--")
                )
            found |= _var_names(token.arguments)
        elif token.type in {"() block", "[] block", "{} block"}:
            found |= _var_names(token.content)
    return found


def _matching_rules(rules, names) -> list:
    """``(kind, ...)`` entries for the rules that can match, at-rule groups recursively."""
    kept = []
    for rule in rules:
        if rule.type == "qualified-rule":
            selectors = [s for s in _selectors(rule.prelude) if can_match(s, names)]
            if selectors:
                kept.append(("rule", selectors, _declarations(rule)))
        elif rule.type == "at-rule" and rule.lower_at_keyword in GROUPING and rule.content:
            inner = tinycss2.parse_rule_list(rule.content, skip_whitespace=True, skip_comments=True)
            children = _matching_rules(inner, names)
            if children:
                kept.append(("group", rule, children))
        elif rule.type == "at-rule" and rule.lower_at_keyword in KEYFRAMES:
            kept.append(("keyframes", rule))
        elif rule.type == "at-rule" and rule.lower_at_keyword != "charset":
            kept.append(("other", rule))
    return kept


def _walk_declarations(kept):
    for entry in kept:
        if entry[0] == "rule":
            yield from entry[2]
        elif entry[0] == "group":
            yield from _walk_declarations(entry[2])


def _used_properties(kept, referenced: set[str]) -> set[str]:
    """Custom properties that a kept declaration or the rest of the site uses, transitively."""
    definitions: dict[str, set[str]] = {}
    used = set(referenced)
    for declaration in _walk_declarations(kept):
        names = _var_names(declaration.value)
        if declaration.name.startswith("--"):
            definitions.setdefault(declaration.name, set()).update(names)
        else:
            used |= names
    pending = list(used)
    while pending:
        for name in definitions.get(pending.pop(), ()):
            if name not in used:
                used.add(name)
                pending.append(name)
    return used


def _serialize(kept, used: set[str], animations: str) -> list[str]:
    out = []
    for entry in kept:
        if entry[0] == "rule":
            _, selectors, declarations = entry
            body = ";".join(
                f"{d.name}:{tinycss2.serialize(d.value).strip()}"
                + (" !important" if d.important else "")
                for d in declarations
                if not d.name.startswith("--") or d.name in used
            )
            if body:
                prelude = ",".join(tinycss2.serialize(s).strip() for s in selectors)
                out.append(f"{prelude}{{{body}}}")
        elif entry[0] == "group":
            inner = _serialize(entry[2], used, animations)
            if inner:
                prelude = tinycss2.serialize(entry[1].prelude).strip()
                out.append(f"@{entry[1].at_keyword} {prelude}{{{''.join(inner)}}}")
        elif entry[0] == "keyframes":
            name = tinycss2.serialize(entry[1].prelude).strip()
            if re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", animations):
                out.append(tinycss2.serialize([entry[1]]).strip())
        else:
            out.append(tinycss2.serialize([entry[1]]).strip())
    return out


def trim(css: str, names: dict[str, set[str]], referenced: set[str]) -> str:
    """``css`` with only what can apply to a site of these ``names`` (see the module docstring)."""
    rules = tinycss2.parse_stylesheet(css, skip_whitespace=True, skip_comments=True)
    kept = _matching_rules(rules, names)
    used = _used_properties(kept, referenced)
    animations = " ".join(
        tinycss2.serialize(d.value)
        for d in _walk_declarations(kept)
        if d.name in {"animation", "animation-name", "-webkit-animation", "-webkit-animation-name"}
    )
    return '@charset "UTF-8";\n' + "\n".join(_serialize(kept, used, animations)) + "\n"


@event_priority(-210)  # after i18n (-100) built every language and hooks/assets.py (-200) the math
def on_post_build(config) -> None:
    if build_state.is_inner_build(config):
        return
    site = Path(config.site_dir)
    script = site / SCRIPT
    script.parent.mkdir(parents=True, exist_ok=True)
    script.write_text("\n".join(_kept_scripts) or "// no notebook page\n", encoding="utf-8")
    _kept_scripts.clear()
    target = site / STYLESHEET
    css = "\n".join(_kept_css)
    names, referenced = site_names(site, skip=target)
    trimmed = trim(css, names, referenced) if css else "/* no notebook page */\n"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(trimmed, encoding="utf-8")
    log.info(
        "notebook CSS: %d KB from the template, %d KB in %s",
        len(css.encode()) // 1024, len(trimmed.encode()) // 1024, STYLESHEET,
    )  # fmt: skip
    _kept_css.clear()
