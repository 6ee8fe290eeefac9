"""The pages quote the lecture note word for word, and flag each of its slips once, kindly.

Every blockquote on a page is the note's own words (tests/pages/prose.py): each quoted line must be
found, as it is, in one line of the note. On the English pages a Korean phrase in double quotes is
a quote too. The note is the project's source material; a verbatim copy is kept in
``tests/data/lecture-note.txt`` so that these tests run on every machine (a test checks the copy
against ``../shared/lecture-note.txt`` where that original is present).

"Where this differs from the lecture" boxes (``<div class="admonition note">`` with that title)
each quote what they correct, and no two boxes quote the same line: one box per slip.
"""

from __future__ import annotations

import re

import pytest

from .._support import REPO
from ..test_site import PAGES
from . import prose

NOTE = REPO / "tests" / "data" / "lecture-note.txt"
ORIGINAL = REPO.parent / "shared" / "lecture-note.txt"
DIFFERS = {"ko": "강의 노트와 다른 점", "en": "Where this differs from the lecture"}
MISTAKES = {"ko": "흔한 실수", "en": "Common mistakes"}
BOX = re.compile(
    r'<div class="admonition (\w+)">\s*<p class="admonition-title">([^<]*)</p>(.*?)</div>', re.S
)
HANGUL_QUOTE = re.compile(r'"([^"\n]*[\uac00-\ud7a3][^"\n]*)"')


def normalized(text: str) -> str:
    """Markup and spacing aside: code spans, math delimiters and runs of blanks don't count."""
    text = text.replace("`", "")
    text = re.sub(r"\\[()\[\]]|\$\$?", "", text)
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def note_lines() -> list[str]:
    return [normalized(line) for line in NOTE.read_text(encoding="utf-8").splitlines()]


def test_the_copy_of_the_note_is_the_note():
    if not ORIGINAL.is_file():
        pytest.skip(f"the original note is not beside this checkout ({ORIGINAL})")
    assert NOTE.read_bytes() == ORIGINAL.read_bytes()


def boxes(page: str, language: str) -> list[tuple[str, str, str]]:
    """(kind, title, body) of every admonition box, in page order."""
    text = "\n".join(prose.markdown_cells(page, language))
    return [(kind, title.strip(), body) for kind, title, body in BOX.findall(text)]


@pytest.mark.parametrize("language", prose.LANGUAGES)
@pytest.mark.parametrize("page", PAGES)
def test_quotes_are_the_lecture_notes_own_words(page, language, note_lines):
    text = "\n".join(prose.markdown_cells(page, language))
    quoted = prose.quotes(text)
    if language == "en":
        quoted += HANGUL_QUOTE.findall(prose.without_code(text))
    for line in quoted:
        assert any(normalized(line) in note for note in note_lines), f"{language}/{page}: {line!r}"


def test_quote_normalization_ignores_markup_only():
    assert normalized("> `n_train, width, height = x_train.shape`"[2:]) == (
        "n_train, width, height = x_train.shape"
    )
    assert normalized(r"\(H(x) = Wx\) 간단하게  표현") == normalized("$H(x) = Wx$ 간단하게 표현")
    assert normalized("validation_data=(x_test, y_test)") != normalized(
        "validation_data=(input_test, output_test)"
    )


@pytest.mark.parametrize("page", PAGES)
def test_boxes_are_the_same_in_both_languages_and_titled_consistently(page):
    kinds = {}
    for language in prose.LANGUAGES:
        found = boxes(page, language)
        titles = {"note": DIFFERS[language], "warning": MISTAKES[language]}
        for kind, title, _ in found:
            assert titles.get(kind) == title, f"{language}/{page}: box {kind!r} titled {title!r}"
        kinds[language] = [kind for kind, _, _ in found]
    assert kinds["ko"] == kinds["en"], f"{page}: the two languages have different boxes"


def test_each_slip_is_flagged_once_and_quoted():
    for language in prose.LANGUAGES:
        seen: dict[str, str] = {}
        for page in PAGES:
            for kind, _, body in boxes(page, language):
                if kind != "note":
                    continue
                lines = [normalized(line) for line in prose.quotes(body)]
                assert lines, f"{language}/{page}: a differs box must quote the note"
                for line in lines:
                    assert line not in seen, f"{language}: {line!r} in {seen.get(line)} and {page}"
                    seen[line] = page
