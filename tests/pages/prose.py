"""The prose of a page as the content tests read it: its sections, bold terms, quotes and numbers.

A page's prose is its Markdown cells; code cells are not prose. Inside the prose:

- **bold** marks the use of a term that a page teaches (the glossary test reads these); emphasis is
  *italic*;
- a blockquote (``> ...``) quotes the lecture note word for word (the quote test checks each line);
- a number is any numeral outside code spans, code blocks and quotes, math included (the number
  test lists them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import jupytext
from markdown.extensions.toc import slugify_unicode

from .._support import DOCS

LANGUAGES = ("ko", "en")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
FENCE = re.compile(r"^```.*?^```[ \t]*$", re.M | re.S)
CODE_SPAN = re.compile(r"`[^`\n]*`")
QUOTE_LINE = re.compile(r"^[ \t]*>[ \t]?(.*)$", re.M)
BOLD = re.compile(r"\*\*([^*\n]+?)\*\*")


@dataclass(frozen=True)
class Section:
    """One heading and the prose under it, up to the next heading of any level."""

    level: int
    title: str  # as the page shows it: code spans without their backticks
    text: str  # the Markdown of the section's prose (code cells left out)

    @property
    def slug(self) -> str:
        """The heading's id on the built page (hooks/notebooks.py gives it the same way)."""
        return slugify_unicode(self.title, "-")


@cache
def markdown_cells(page: str, language: str) -> tuple[str, ...]:
    notebook = jupytext.read(DOCS / language / f"{page}.md")
    return tuple(cell.source for cell in notebook.cells if cell.cell_type == "markdown")


@cache
def sections(page: str, language: str) -> tuple[Section, ...]:
    """The page's sections in order; the first is the title (level 1) with the introduction."""
    found: list[list] = []
    for cell in markdown_cells(page, language):
        in_fence = False
        for line in cell.splitlines():
            if line.startswith("```"):
                in_fence = not in_fence
            heading = None if in_fence else HEADING.match(line)
            if heading:
                title = heading[2].replace("`", "")
                found.append([len(heading[1]), title, []])
            elif found:
                found[-1][2].append(line)
    return tuple(Section(level, title, "\n".join(lines)) for level, title, lines in found)


EXERCISE_HEADINGS = {"연습 문제", "Exercises"}


def teaching_sections(page: str, language: str) -> tuple[Section, ...]:
    """The sections before the exercises: the exercises' text is generated from dlbasics.exercises,
    whose tests hold its numbers to the code (tests/test_exercises.py)."""
    found = []
    for section in sections(page, language):
        if section.level == 2 and section.title in EXERCISE_HEADINGS:
            break
        found.append(section)
    return tuple(found)


def summary_section(page: str, language: str) -> Section | None:
    name = {"ko": "정리", "en": "Summary"}[language]
    return next((s for s in sections(page, language) if s.level == 2 and s.title == name), None)


def without_code(markdown: str) -> str:
    """The prose with fenced blocks and code spans taken out (a code span's text is code)."""
    return CODE_SPAN.sub(" ", FENCE.sub(" ", markdown))


def quotes(markdown: str) -> list[str]:
    """The lines of every blockquote (the lecture's words), fences and blank lines left out."""
    lines = [line.strip() for line in QUOTE_LINE.findall(markdown)]
    return [line for line in lines if line and not line.startswith("```")]


def prose(markdown: str) -> str:
    """What the reader reads as text: no code, no quotes, no link targets, no HTML tags."""
    text = without_code(QUOTE_LINE.sub(" ", markdown))
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.S)
    text = re.sub(r"\]\([^)]*\)", "]", text)  # [text](target) -> [text]
    return re.sub(r"<[^>]+>", " ", text)


def bold_terms(markdown: str) -> list[str]:
    return [term.strip() for term in BOLD.findall(without_code(QUOTE_LINE.sub(" ", markdown)))]


# -- numbers -----------------------------------------------------------------------------------
# Math writes 1.8 \times 10^{308}, 10^{-7} and 307{,}720; they become 1.8e308, 1e-7 and 307,720.
_SCIENTIFIC = re.compile(r"(\d+(?:\.\d+)?)\s*\\times\s*10\^\{?(-?\d+)\}?")
_POWER_OF_TEN = re.compile(r"(?<![\d.])10\^\{?(-?\d+)\}?")
# A numeral not glued to a word (x_1, float64, SHA-256 and Conv2D are names, not numbers).
NUMBER = re.compile(
    r"(?<![A-Za-z0-9_.,])(?<![A-Za-z]-)\d+(?:,\d{3})*(?:\.\d+)?(?:e-?\d+)?(?![A-Za-z0-9_])"
)


def numbers(markdown: str) -> list[str]:
    """Every numeral of the prose and its math, as written; single digits 0-9 are left out.

    A single digit is a count, an index or an exponent ("2 inputs", $x_1$, $\\frac{2}{m}$), the
    kind of number a sentence says in words; every longer number is listed.
    """
    text = prose(markdown).replace("{,}", ",")
    text = _SCIENTIFIC.sub(r"\1e\2", text)
    text = _POWER_OF_TEN.sub(r"1e\1", text)
    return [n for n in NUMBER.findall(text) if not re.fullmatch(r"\d", n)]


def value_of(numeral: str) -> float:
    return float(numeral.replace(",", ""))


def written_as(value: float, numeral: str) -> bool:
    """Is ``value``, rounded as ``numeral`` is written, the number ``numeral`` says?

    "0.9312" holds 4 decimals, "4e-6" one significant digit, "60,000" is an integer.
    """
    target = value_of(numeral)
    mantissa = numeral.split("e")[0]
    if "e" in numeral:
        digits = len(mantissa.replace(".", "").lstrip("0")) or 1
        return float(f"{value:.{digits - 1}e}") == target
    decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
    return abs(round(value, decimals) - target) < 0.5 * 10**-decimals * 1e-6
