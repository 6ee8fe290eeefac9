"""Text in both languages, and the messages every exercise shares.

A :class:`Text` holds one message in Korean and in English with the same ``{fields}``;
``text("ko", **fields)`` formats it. The exercise modules write their own (the mistakes they
recognise, the hints); the messages of the checker itself are in :data:`MESSAGES`.
Plain text with `code` in backticks, no LaTeX: the same strings are printed in Jupyter and shown
in the page's folded hint and solution blocks.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

from .._language import LANGUAGES, resolve_language

__all__ = ["LANGUAGES", "MESSAGES", "Text", "resolve_language"]


@dataclass(frozen=True)
class Text:
    """One message in Korean (합니다체) and English, with the same format fields."""

    ko: str
    en: str

    def __post_init__(self):
        for language in LANGUAGES:
            if not getattr(self, language).strip():
                raise ValueError(f"Text needs a {language} message, got {self!r}")
        if self.fields("ko") != self.fields("en"):
            raise ValueError(
                f"Text fields differ between ko {sorted(self.fields('ko'))} and "
                f"en {sorted(self.fields('en'))}: {self.en!r}"
            )

    def fields(self, language: str) -> set[str]:
        parsed = string.Formatter().parse(getattr(self, language))
        return {name for _, name, _, _ in parsed if name}

    def __call__(self, language: str, **fields) -> str:
        return getattr(self, language).format(**fields)


T = Text

# The checker's own messages, for every exercise. {name} is what is wrong ("dW", "your result").
MESSAGES = {
    # the verdicts
    "correct": T(ko="✅ 정답입니다!", en="✅ Correct!"),
    "incorrect": T(ko="❌ 아직 아닙니다. {message}", en="❌ Not yet. {message}"),
    "not_attempted": T(
        ko="⬜ 아직 풀지 않았습니다. `...`를 여러분의 답으로 바꾸고 셀을 다시 실행하세요. "
        "힌트는 `{hint_call}`로 볼 수 있습니다.",
        en="⬜ Not attempted yet. Replace the `...` with your answer and run the cell again. "
        "`{hint_call}` gives a hint.",
    ),
    # what the verdict names when no mistake of the exercise's own list matched
    "not_a_function": T(
        ko="함수 자체를 넘기세요 (괄호 없이 이름만). 넘긴 값의 타입: {type}.",
        en="pass the function itself (its name, without parentheses), got {type}.",
    ),
    "raised": T(
        ko="{case}에서 함수가 예외를 일으켰습니다: {error}",
        en="your function raised {error} for {case}.",
    ),
    "no_return": T(
        ko="{case}에서 None을 돌려줍니다. `return`을 빠뜨리지 않았는지 보세요.",
        en="your function returns None for {case}: is a `return` missing?",
    ),
    "mutated": T(
        ko="함수가 입력 `{argument}`를 제자리에서 바꿉니다. 호출한 쪽의 배열은 그대로 두고 새 배열을 "
        "만드세요 (`x -= m`이 아니라 `x = x - m`).",
        en="your function changes its input `{argument}` in place. Leave the caller's array alone "
        "and build a new one (`x = x - m`, not `x -= m`).",
    ),
    "count": T(
        ko="돌려주는 값이 {got}개입니다. {expected}개({names})여야 합니다.",
        en="you return {got} values where {expected} are expected ({names}).",
    ),
    "not_an_array": T(
        ko="{name}의 타입이 {type}입니다. 숫자 배열이어야 합니다.",
        en="{name} is {type} where an array of numbers is expected.",
    ),
    "not_a_number": T(
        ko="{name}의 타입이 {type}입니다. 숫자 하나여야 합니다.",
        en="{name} is {type} where one number is expected.",
    ),
    "transposed": T(
        ko="{name}의 모양이 {got}입니다. 기대한 모양은 {expected}입니다. 행과 열이 뒤바뀌었습니다 (전치).",
        en="{name} has shape {got} where {expected} is expected: rows and columns are swapped "
        "(transposed).",
    ),
    "sample_axis": T(
        ko="{name}의 모양이 {got}입니다. 기대한 모양은 {expected}입니다. 샘플 축(첫 번째 축)을 남겨 두세요.",
        en="{name} has shape {got} where {expected} is expected: keep the sample axis (the first).",
    ),
    "shape": T(
        ko="{name}의 모양이 {got}입니다. 기대한 모양은 {expected}입니다.",
        en="{name} has shape {got} where {expected} is expected.",
    ),
    "dtype": T(
        ko="{name}의 dtype이 {got}입니다. 기대한 dtype은 {expected}입니다.",
        en="{name} has dtype {got} where {expected} is expected.",
    ),
    "float_dtype": T(
        ko="{name}의 dtype이 {got}입니다. 실수(float) 배열이어야 합니다.",
        en="{name} has dtype {got} where a float array is expected.",
    ),
    "nonfinite": T(
        ko="{case}에서 {name}에 NaN이나 무한대가 있습니다.",
        en="{name} holds NaN or infinity for {case}.",
    ),
    "values": T(
        ko="{case}에서 {name}의 값이 틀립니다. 위치 {index}의 값이 {got}입니다. 기대한 값은 {expected}입니다.",
        en="{name} is wrong for {case}: at index {index} it is {got} where {expected} is expected.",
    ),
    "value": T(
        ko="{case}에서 {name}의 값이 {got}입니다. 기대한 값은 {expected}입니다.",
        en="{name} is {got} for {case} where {expected} is expected.",
    ),
    "gradient": T(
        ko="{case}에서 {name}의 값이 수치 미분과 다릅니다. 상대 오차가 {error}입니다 "
        "(맞게 구현하면 1e-7보다 작습니다).",
        en="{name} disagrees with the numerical gradient for {case}: relative error {error} "
        "(a correct backward pass gives less than 1e-7).",
    ),
    "array_values": T(
        ko="{name}의 위치 {index}의 값이 틀립니다 (지금 값: {got}).",
        en="{name} is wrong at index {index} (it holds {got} there).",
    ),
    "wrong_answer": T(
        ko="넣은 답: {got}. 정답이 아닙니다.",
        en="{got} is not the answer.",
    ),
    "answer_type": T(
        ko="넣은 값의 타입이 {type}입니다. 답의 형태는 {expected}입니다.",
        en="you gave {type}; the answer is {expected}.",
    ),
    # the names of things in the messages above
    "your_result": T(ko="결과", en="your result"),
    "your_answer": T(ko="답", en="your answer"),
    "this_exercise": T(ko="이 문제", en="this exercise"),
    "a_number": T(ko="숫자", en="a number"),
    "a_text": T(ko="문자열", en="a string"),
    "a_set": T(ko="이름들의 집합 (예: `{{'A', 'B'}}`)", en="a set of names (e.g. `{{'A', 'B'}}`)"),
    # hint(), solution(), answer()
    "hint": T(ko="💡 힌트 {number}/{total}: {text}", en="💡 Hint {number}/{total}: {text}"),
    "more_hints": T(
        ko="(다음 힌트: `{call}`)",
        en="(next hint: `{call}`)",
    ),
    "solution": T(ko="풀이", en="Solution"),
    "answer": T(ko="답", en="Answer"),
    "hint_summary": T(ko="힌트 {number}", en="Hint {number}"),
}

INTRO = T(
    ko="코드 셀의 `...`를 여러분의 코드로 바꾸고 셀을 실행하세요. 셀 끝의 검사는 답이 맞으면 ✅를, "
    "틀리면 ❌와 함께 무엇이 틀렸는지 알려 줍니다. 문제마다 힌트와 풀이가 접혀 있습니다. "
    "Jupyter에서는 `ex.q1.hint()`, `ex.q1.hint(2)`, `ex.q1.solution()`으로 같은 내용을 볼 수 "
    "있습니다. 검사는 코드가 실행되는 곳(Jupyter, 또는 실행 버튼이 있는 페이지라면 브라우저)에서 "
    "돌아가며, 어디로도 아무것도 보내지 않습니다.",
    en="Replace the `...` in a code cell with your code and run the cell. The check at its end "
    "says ✅ when your answer is right, and ❌ with what is wrong when it is not. Each task has "
    "its hints and its solution folded below it; in Jupyter, `ex.q1.hint()`, `ex.q1.hint(2)` "
    "and `ex.q1.solution()` show the same. The checks run where your code runs (in Jupyter, or "
    "in your browser on a page with Run buttons) and send nothing anywhere.",
)
SECTION = T(ko="연습 문제", en="Exercises")


def intro_markdown(language: str) -> str:
    """The heading and introduction of a page's exercise section."""
    return f"## {SECTION(language)}\n\n{INTRO(language)}"
