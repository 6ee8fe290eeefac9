"""MkDocs hook: the indentation taken out of every built page (issue 13: a page's HTML within
120 KB).

Material's templates and nbconvert indent their markup: 5-10 KB of a page is spaces after line
breaks. Outside ``<pre>``, ``<textarea>``, ``<code>``, ``<script>`` and ``<style>``, a run of
whitespace that holds a line break is shown as a single line break is (one space, or nothing at
the start or end of a line), so in the text between tags each such run becomes one line break and
the page looks the same. Tags (their attribute values), comments and those elements are left as
they are.
"""

from __future__ import annotations

import re

from mkdocs.plugins import event_priority

PIECE = re.compile(
    r"(?P<verbatim><(?P<name>pre|textarea|code|script|style)\b.*?</(?P=name)\s*>)"
    r"|(?P<comment><!--.*?-->)|(?P<tag><[^>]*>)|(?P<text>[^<]+)|(?P<other><)",
    re.DOTALL | re.IGNORECASE,
)
LINE_BREAK_RUN = re.compile(r"[ \t\r\f]*\n\s*")


def collapse(html: str) -> str:
    """``html`` with every whitespace run that holds a line break, in the text between tags,
    made one line break; the elements whose text is shown as written are left alone."""

    def piece(match: re.Match) -> str:
        text = match["text"]
        return LINE_BREAK_RUN.sub("\n", text) if text is not None else match[0]

    return PIECE.sub(piece, html)


@event_priority(-900)  # after every hook that writes the page, before hooks/csp.py (-1000)
def on_post_page(output, page, config):
    return collapse(output)
