"""The hooks that make the pages' HTML lighter without changing what they show, on small inputs:
hooks/notebook_markup.py (mkdocs-jupyter's markup) and hooks/html_compact.py (indentation, attribute quotes).
The built site's budgets are in tests/test_page_weight.py; that the pages still work and look
the same, in tests/test_browser.py (the copy button: test_the_copy_button_copies_the_cells_code)."""

from __future__ import annotations

import re

import pytest
from mkdocs.exceptions import PluginError

from .test_site import load_hook

PYGMENTS = (
    "/* Comment */ .highlight-ipynb .c { color: var(--comment); font-style: italic }\n"
    ".highlight-ipynb { background: var(--bg); color: var(--variable) }\n"
    ".highlight-ipynb .w { color: var(--variable) }\n"
    ".highlight-ipynb .p { color: var(--punctuation) }\n"
    ".highlight-ipynb .s2 { color: var(--string) }\n"
    ".highlight-ipynb .sa { color: var(--string) }\n"
    ".highlight-ipynb .si { color: var(--string) }\n"
    ".highlight-ipynb .mi { color: var(--number) }\n"
    ".highlight-ipynb .mf { color: var(--number) }\n"
    "[data-md-color-scheme=slate] .highlight-ipynb .mf { color: white }\n"
    ".jupyter-wrapper .jp-Collapser, .jupyter-wrapper .jp-InputPrompt { display: none }\n"
)


@pytest.fixture(scope="module")
def markup():
    return load_hook("notebook_markup")


@pytest.fixture(scope="module")
def compact():
    return load_hook("html_compact")


def code_cell(code: str, copy: str, n: int = 1) -> str:
    return (
        f'<div class="jp-Cell jp-CodeCell" id="cell-id=cell-{n}">\n'
        '<div class="jp-Collapser jp-InputCollapser jp-Cell-inputCollapser">\n</div>\n'
        f'<clipboard-copy for="cell-{n}", aria-label="Copy to Clipboard"><div>\n'
        '<svg aria-hidden="true" width="20" height="20" viewBox="0 0 16 16" '
        'class="clipboard-copy-icon"><path d="M0 0"></path></svg></div></clipboard-copy>\n'
        f'<div class="highlight-ipynb hl-python"><pre><span></span>{code}</pre></div>\n'
        f'<div class="clipboard-copy-txt" id="cell-{n}">{copy}</div>\n</div>'
    )


def test_token_classes_with_the_same_rules_share_one_and_unstyled_ones_have_none(markup):
    styles = markup.token_styles(PYGMENTS)
    # w sets the block's own colour; sa and si are s2; mf differs from mi in the dark palette
    assert styles == {
        "c": "c",
        "p": "p",
        "s2": "s2",
        "sa": "s2",
        "si": "s2",
        "mi": "mi",
        "mf": "mf",
    }


def test_the_code_keeps_its_text_and_colours_in_fewer_spans(markup):
    code = (
        '<span class="n">print</span><span class="p">(</span><span class="sa">f</span>'
        '<span class="s2">"x = </span><span class="si">{</span><span class="n">x</span>'
        '<span class="si">}</span><span class="s2">"</span><span class="p">)</span>'
        '<span class="w"> </span><span class="mi">1</span>'
    )
    out = markup.lighten(code_cell(code, 'print(f"x = {x}") 1'), PYGMENTS)
    assert (
        '<pre>print<span class="p">(</span><span class="s2">f"x = {</span>x'
        '<span class="s2">}"</span><span class="p">)</span> <span class="mi">1</span></pre>'
    ) in out


def test_the_copy_button_copies_the_highlighted_code_instead_of_a_hidden_copy(markup):
    out = markup.lighten(code_cell('<span class="n">x</span>', "x", n=7), PYGMENTS)
    assert "clipboard-copy-txt" not in out
    assert out.count('id="cell-7"') == 1
    assert '<div class="highlight-ipynb" id="cell-7"><pre>x</pre></div>' in out
    assert '<clipboard-copy for="cell-7" aria-label="Copy to Clipboard">' in out  # no "," attribute
    assert '<span aria-hidden="true" class="clipboard-copy-icon"></span>' in out
    assert "<svg" not in out
    assert "jp-Collapser" not in out, "hidden by the notebook CSS: it can go"
    assert not re.search(r">\s+</?div", out), "line breaks before <div> and </div> tags"


def test_collapsers_stay_where_no_rule_hides_them(markup):
    css = PYGMENTS.replace("display: none", "display: block")
    assert "jp-Collapser" in markup.lighten(code_cell("x", "x"), css)


def test_a_cell_whose_copy_is_not_beside_its_code_fails_the_build(markup):
    cell = code_cell("x", "x").replace("</pre></div>\n", "</pre></div><p>between</p>\n")
    with pytest.raises(PluginError, match="1 hidden code copies but 0 beside a highlighted cell"):
        markup.lighten(cell, PYGMENTS)


def test_pages_without_the_pygments_rules_fail_the_build(markup):
    with pytest.raises(PluginError, match="no Pygments rule"):
        markup.lighten(code_cell("x", "x"), ".jupyter-wrapper { color: red }")


def test_indentation_between_tags_and_in_text_becomes_one_line_break(compact):
    html = (
        '<div>\n    <p>one\n      two  three</p>\n  \n  <a href="a b">link</a> <b>bold</b>\n'
        '<img alt="a\n   b">\n</div>'
    )
    assert compact.compact(html) == (
        '<div>\n<p>one\ntwo  three</p>\n<a href="a b">link</a> <b>bold</b>\n'
        '<img alt="a\n   b">\n</div>'  # attribute values are left as written
    )


def test_text_shown_as_written_is_left_alone(compact):
    html = (
        '<pre>  a\n    <span class="p">b</span>\n</pre>\n   <textarea>\n  <b class="x">x</textarea>\n'
        '  <code> \n  y</code>\n  <script>const s = "a\n   b"; s2 = "<b class=\'x\'>";</script>\n'
        '  <style>\n  p { }</style>\n  <!-- a\n   b <b class="x"> -->'
    )
    assert compact.compact(html) == (
        '<pre>  a\n    <span class=p>b</span>\n</pre>\n<textarea>\n  <b class="x">x</textarea>\n'
        '<code> \n  y</code>\n<script>const s = "a\n   b"; s2 = "<b class=\'x\'>";</script>\n'
        '<style>\n  p { }</style>\n<!-- a\n   b <b class="x"> -->'
    )


def test_attribute_quotes_go_where_html_needs_none(compact):
    html = (
        '<!DOCTYPE html><span class="p">(</span><div class="a b" id="x" hidden="">'
        "<a href=\"../en/?q=1&amp;r=2\" title='say \"hi\"' data-x='a=b'>t</a>"
        '<img alt="" src="a.png" width="24"/><math><mo stretchy="false">(</mo></math></div>'
    )
    assert compact.compact(html) == (
        '<!DOCTYPE html><span class=p>(</span><div class="a b" id=x hidden>'
        "<a href=\"../en/?q=1&amp;r=2\" title='say \"hi\"' data-x='a=b'>t</a>"
        '<img alt src=a.png width="24"/><math><mo stretchy=false>(</mo></math></div>'
    )


def test_names_nothing_reads_go_and_a_stylesheet_that_reads_them_fails_the_build(markup, tmp_path):
    html = (
        '<div class="jp-Cell jp-CodeCell jp-Notebook-cell"><div class="jp-Editor">'
        '<div class="jp-Cell jp-MarkdownCell"></div>'
        '<div class="jp-InputArea-editor" data-type="inline"></div></div>'
        '<div class="jp-RenderedText" data-mime-type="text/plain"><pre>1</pre></div>'
        '<div data-mime-type="application/vnd.jupyter.stderr"><pre>e</pre></div></div>'
    )
    assert markup.lighten(html, PYGMENTS) == (
        '<div class="jp-Cell jp-CodeCell"><div><div class="jp-Cell"></div>'
        '<div class="jp-InputArea-editor"></div></div>'
        '<div class="jp-RenderedText"><pre>1</pre></div>'
        '<div data-mime-type="application/vnd.jupyter.stderr"><pre>e</pre></div></div>'
    )
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "site.css").write_text('[data-mime-type="application/x"] { }')
    (tmp_path / "assets" / "page.js").write_text('navigator.clipboard.write("text/plain")')
    assert markup.readers_of_unread_names(tmp_path) == []
    (tmp_path / "assets" / "theme.css").write_text(".jp-Notebook-cell { margin: 0 }")
    (tmp_path / "assets" / "runner.js").write_text("output.dataset.mimeType")
    assert markup.readers_of_unread_names(tmp_path) == [
        "assets/runner.js (mimeType)",
        "assets/theme.css (jp-Notebook-cell)",
    ]
