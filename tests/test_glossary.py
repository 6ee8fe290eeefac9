"""The glossary covers every term the pages teach, links each to its section, and names only
things that exist in the package.

A page marks a term it teaches by setting it in bold (tests/pages/prose.py). Every bold term of
every page, in both languages, must be a glossary term; each glossary term's section must exist on
its page in both languages and set the term in bold; and that section is the term's first bold
use in the site's reading order, so the link goes where the term is taught.
"""

from __future__ import annotations

import pytest
from markdown.extensions.toc import slugify_unicode

from dlbasics.glossary import PAGE_TITLES, TERMS, glossary_markdown, heading_id, resolve

from .pages import prose
from .test_site import PAGES

INDEX = {lang: i for i, lang in enumerate(prose.LANGUAGES)}


def term_for(bold: str, language: str):
    wanted = bold.casefold()
    return next(
        (t for t in TERMS if wanted in (n.casefold() for n in t.names(language))), None
    )  # fmt: skip


@pytest.mark.parametrize("name", sorted({t.name for t in TERMS if t.name}))
def test_every_glossary_name_exists(name):
    assert resolve(name) is not None


def test_resolve_rejects_a_missing_name():
    with pytest.raises(AttributeError):
        resolve("dlbasics.mlp.MLP.no_such_thing")


@pytest.mark.parametrize("language", prose.LANGUAGES)
def test_every_bold_term_of_every_page_is_in_the_glossary(language):
    missing = [
        f"{page}: {bold}"
        for page in PAGES
        for section in prose.sections(page, language)
        for bold in prose.bold_terms(section.text)
        if term_for(bold, language) is None
    ]
    assert not missing, f"{language}: bold terms the glossary lacks: {missing}"


@pytest.mark.parametrize("language", prose.LANGUAGES)
def test_each_term_links_to_the_section_of_its_first_bold_use(language):
    first: dict = {}
    for page in PAGES:  # the reading order
        for section in prose.sections(page, language):
            for bold in prose.bold_terms(section.text):
                first.setdefault(term_for(bold, language), (page, section.title))
    for term in TERMS:
        where = (term.page, term.section[INDEX[language]])
        assert first.get(term) == where, f"{language}: {term.ko} is taught at {first.get(term)}"


def test_page_titles_are_the_pages_first_headings():
    for page, titles in PAGE_TITLES.items():
        for language in prose.LANGUAGES:
            assert prose.sections(page, language)[0].title == titles[INDEX[language]], page


def test_links_use_the_ids_the_site_gives_the_headings():
    for term in TERMS:
        for heading in term.section:
            assert heading_id(heading) == slugify_unicode(heading, "-"), heading


@pytest.mark.parametrize("language", prose.LANGUAGES)
def test_the_table_has_a_row_and_a_link_per_term(language):
    assert len({t.ko for t in TERMS}) == len({t.en for t in TERMS}) == len(TERMS)
    table = glossary_markdown(language).splitlines()
    assert len(table) == len(TERMS) + 2
    row = next(r for r in table if "역전파" in r)
    link = "[역전파](backpropagation.md#역전파)" if language == "ko" else (
        "[Backpropagation](backpropagation.md#backpropagation)"
    )  # fmt: skip
    assert link in row and "`mlp.MLP.loss_and_gradients`" in row
    assert "[선형 회귀 › 비용 함수](linear-regression.md#비용-함수)" in glossary_markdown("ko")


def test_the_table_follows_the_page_language(monkeypatch):
    monkeypatch.setenv("DLBASICS_LANG", "en")
    assert glossary_markdown().startswith("| English | 한국어 |")
    with pytest.raises(ValueError, match="language must be 'ko' or 'en', got 'fr'"):
        glossary_markdown("fr")
