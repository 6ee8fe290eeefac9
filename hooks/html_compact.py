"""MkDocs hook: every built page written more compactly, shown the same (issue 13: a page's HTML
within 120 KB).

1. Indentation. Material's templates and nbconvert indent their markup: 5-10 KB of a page is
   spaces after line breaks. Outside ``<pre>``, ``<textarea>``, ``<code>``, ``<script>`` and
   ``<style>``, a run of whitespace that holds a line break is shown as a single line break is
   (one space, or nothing at the start or end of a line), so in the text between tags each such
   run becomes one line break.
2. Attribute quotes. HTML needs no quotes around a value without whitespace, quotes, ``=``,
   ``<``, ``>`` or a backtick (``class="p"`` is ``class=p``), and none for an empty one
   (``hidden=""`` is ``hidden``): 4-5 KB of a notebook page, most of it the Pygments spans of
   the code. A value right before ``/>`` keeps its quotes (``width=24/>`` would read ``24/``).

Comments and the text of those elements are left as they are; so are the values themselves.

It runs over every page of the built site once the math is typeset (hooks/assets.py rewrites the
pages with math through MathJax's DOM, which quotes every attribute again), before hooks/csp.py
writes each page's policy.
"""

from __future__ import annotations

import re
from pathlib import Path

import build_state  # hooks/build_state.py: what the hooks of a build share
from mkdocs.plugins import event_priority, get_plugin_logger

log = get_plugin_logger(__name__)

PIECE = re.compile(
    r"(?P<raw><(?P<name>textarea|script|style)\b.*?</(?P=name)\s*>)"
    r"|(?P<comment><!--.*?-->)"
    r"|(?P<tag></?[A-Za-z!](?:[^>\"']|\"[^\"]*\"|'[^']*')*>)"
    r"|(?P<text>[^<]+)|(?P<other><)",
    re.DOTALL | re.IGNORECASE,
)
# Elements whose text is shown as written, though the tags in them are tags.
AS_WRITTEN = re.compile(r"<(/?)(pre|code)[\s>]", re.IGNORECASE)
LINE_BREAK_RUN = re.compile(r"[ \t\r\f]*\n\s*")
ATTRIBUTE = re.compile(r"""(\s+[^\s"'<>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'<>]+))?""")
UNQUOTABLE = re.compile(r"[^\s\"'=<>`]+")


def _compact_tag(tag: str) -> str:
    def attribute(match: re.Match) -> str:
        name, value = match[1], match[2]
        if value is None:
            return match[0]
        inner = value[1:-1] if value[0] in "\"'" else value
        if not inner:
            return name
        if UNQUOTABLE.fullmatch(inner) and not match.string.startswith("/", match.end()):
            return f"{name}={inner}"
        return f"{name}={value}"

    end = re.match(r"</?[^\s/>]+", tag).end()  # the tag's name: no attribute in it
    return tag[:end] + ATTRIBUTE.sub(attribute, tag[end:])


def compact(html: str) -> str:
    """``html`` with the indentation between tags and the attribute quotes above taken out."""
    out = []
    as_written = 0  # how many <pre>/<code> the text is in
    for match in PIECE.finditer(html):
        if match["tag"] is not None:
            tag = match["tag"]
            if opened := AS_WRITTEN.match(tag):
                as_written = max(0, as_written + (-1 if opened[1] else 1))
            out.append(_compact_tag(tag))
        elif match["text"] is not None and not as_written:
            out.append(LINE_BREAK_RUN.sub("\n", match["text"]))
        else:
            out.append(match[0])
    return "".join(out)


@event_priority(-900)  # after every hook that writes pages (the math: -200), before hooks/csp.py
def on_post_build(config) -> None:
    if build_state.is_inner_build(config):
        return  # an inner per-language build: the outer one's pass covers every language
    before = after = 0
    for page in sorted(Path(config.site_dir).rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        compacted = compact(text)
        before, after = before + len(text.encode()), after + len(compacted.encode())
        if compacted != text:
            page.write_text(compacted, encoding="utf-8")
    log.info("pages compacted: %d KB -> %d KB", before // 1000, after // 1000)
