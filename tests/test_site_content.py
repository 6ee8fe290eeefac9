"""The content as the reader gets it from the built site: links that land on their section, the
glossary's links, the boxes rendered as boxes, and the claims that rest on a build's own outputs.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urljoin

import nbformat
import pytest

from dlbasics.glossary import TERMS

from .test_site import LANGUAGES, Tags, built_pages, page_dir

pytestmark = pytest.mark.site


def heading_ids(html: Path) -> set[str]:
    return {
        attrs["id"] for _, attrs in Tags(html.read_text(encoding="utf-8")).tags if "id" in attrs
    }


def test_links_to_a_section_land_on_its_heading(built_site):
    for language, page, html, tags in built_pages(built_site):
        for attrs in tags.find("a"):
            href = attrs.get("href", "")
            if "#" not in href or href.startswith(("#", "http:", "https:")):
                continue
            path, fragment = href.split("#", 1)
            target = Path(unquote(urljoin(html.as_uri(), path)[len("file://") :]))
            target = target / "index.html" if target.is_dir() else target
            assert unquote(fragment) in heading_ids(target), f"{language}/{page}: {href}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_glossary_links_every_term_to_a_section(built_site, language):
    html = page_dir(built_site, language, "glossary") / "index.html"
    tags = Tags(html.read_text(encoding="utf-8"))
    sections = [a["href"] for a in tags.find("a") if "#" in a.get("href", "")[1:]]
    assert len(sections) >= len(TERMS)  # one per row (the prose links pages, not sections)


BOX = re.compile(r'<div class="admonition (note|warning)">\s*<p class=admonition-title>([^<]+)</p>')


def test_boxes_render_as_admonitions_with_their_text_parsed(built_site):
    for language, page, html, _ in built_pages(built_site):
        text = html.read_text(encoding="utf-8")
        source = (Path(__file__).parent.parent / "docs" / language / f"{page}.md").read_text(
            encoding="utf-8"
        )
        assert len(BOX.findall(text)) == source.count('<div class="admonition '), (language, page)
        for match in BOX.finditer(text):
            body = text[match.end() : text.index("</div>", match.end())]
            assert "<p>" in body and "**" not in body, f"{language}/{page}: box left as raw text"


def _table_rows(notebook, header: str) -> dict[str, list[str]]:
    """The rows of the Markdown table an output shows, by first cell, found by its header."""
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            table = output.get("data", {}).get("text/markdown", "")
            if table.startswith(header):
                rows = [line.strip("|").split("|") for line in table.splitlines()[2:]]
                return {row[0].strip(): [c.strip() for c in row[1:]] for row in rows}
    raise AssertionError(f"no table {header!r}")


@pytest.mark.parametrize("language", LANGUAGES)
def test_cnn_page_an_epoch_of_the_cnn_takes_longer_than_one_of_the_mlp(built_site, language):
    """ "An epoch takes longer, though": from the table the page shows (epochs, fit seconds)."""
    folder = page_dir(built_site, language, "cnn")
    rows = _table_rows(nbformat.read(folder / "cnn.ipynb", as_version=4), "| model |")
    per_epoch = {name: float(row[4]) / int(row[1]) for name, row in rows.items()}
    assert per_epoch["CNN"] > per_epoch["MLP"], rows
    assert int(rows["CNN"][3]) < int(rows["MLP"][3])  # "far fewer errors"
