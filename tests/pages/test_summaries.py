"""Every topic page ends with a summary, and warns where learners really trip.

The summary (``## 정리`` / ``## Summary``) holds three to five points and is the page's last
section; only an exercises section (``## 연습 문제`` / ``## Exercises``) may follow it. "Common
mistakes" boxes (``<div class="admonition warning">``, tests/pages/test_lecture_quotes.py) stand
where the mistakes are made.
"""

from __future__ import annotations

import re

import pytest

from ..test_site import PAGES
from . import prose
from .test_lecture_quotes import boxes

TOPIC_PAGES = [page for page in PAGES if page not in {"index", "glossary"}]
AFTER_SUMMARY = {"ko": {"연습 문제"}, "en": {"Exercises"}}

# page -> what one of its "common mistakes" boxes is about, as (Korean, English) words in it
MISTAKES = {
    "activations": [("ReLU", "ReLU")],
    "mnist-data": [("(n, 1)", "(n, 1)"), ("테스트 데이터", "test images")],
    "softmax-cross-entropy": [("np.exp(z)", "np.exp(z)"), ("log(0)", "log(0)")],
    "keras-mlp": [("테스트 정확도", "test accuracy")],
}


@pytest.mark.parametrize("language", prose.LANGUAGES)
@pytest.mark.parametrize("page", TOPIC_PAGES)
def test_topic_page_ends_with_a_summary_of_three_to_five_points(page, language):
    summary = prose.summary_section(page, language)
    assert summary is not None, f"{language}/{page}: no summary section"
    later = [s.title for s in prose.sections(page, language) if s.level <= 2]
    later = later[later.index(summary.title) + 1 :]
    assert set(later) <= AFTER_SUMMARY[language], f"{language}/{page}: {later} after the summary"
    points = re.findall(r"^- ", summary.text, flags=re.M)
    assert 3 <= len(points) <= 5, f"{language}/{page}: {len(points)} summary points"


@pytest.mark.parametrize("page", sorted(MISTAKES))
def test_common_mistakes_are_flagged_where_they_happen(page):
    for index, language in enumerate(prose.LANGUAGES):
        bodies = [body for kind, _, body in boxes(page, language) if kind == "warning"]
        for words in MISTAKES[page]:
            assert any(words[index] in body for body in bodies), f"{language}/{page}: {words}"
