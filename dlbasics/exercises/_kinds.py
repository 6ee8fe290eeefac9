"""The kinds of exercise, and the result of a check.

- :class:`FunctionExercise`: the learner writes a function; it runs on test cases and its results
  are compared with a reference implementation (number of values, type, shape, dtype, values).
- :class:`GradientExercise`: a function that returns gradients; they are compared with numerical
  gradients from :mod:`dlbasics.gradient_check` (relative error), the mistakes with a reference
  backward pass.
- :class:`ArrayExercise`: the answer is an array, checked for shape, dtype and values.
- :class:`ValueExercise`: the answer is a value: a number, a name or a set of names (most
  "predict, then verify" exercises).
- :class:`Question`: a question to think about; ``answer()`` shows an answer, nothing is checked.

Every exercise has ``hint(n)`` and ``solution()`` (they print), and ``markdown(language)``, the
folded hint and solution blocks of the page. ``check(answer)`` prints one line, ✅, ❌ with
what is wrong, or ⬜ when the starter code is still blank, and returns a :class:`Result`. It never
raises for a wrong answer: the learner's exceptions are part of what it reports.
"""

from __future__ import annotations

import inspect
import numbers
import textwrap
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ..gradient_check import relative_error
from ._attempt import Attempt, Case, Raised
from ._compare import Problem, as_numeric_array, close, difference, is_number
from ._mistakes import Mistake, detects
from ._text import MESSAGES, Text, resolve_language

STYLES = ("write", "predict", "think")  # write it yourself; predict, then verify; think about it
GRADIENT_TOLERANCE = 1e-6  # relative error; a right backward pass is near 1e-9 in float64


@dataclass(frozen=True)
class Result:
    """What ``check`` found: truthy when the answer is right.

    ``status`` is ``"correct"``, ``"incorrect"`` or ``"not_attempted"``; ``mistake`` the key of
    what was recognised (``"sign"``, ``"transposed"``, ...); ``message`` the line ``check`` printed.
    """

    exercise: str
    status: str
    message: str
    mistake: str | None = None
    language: str = "en"

    def __bool__(self) -> bool:
        return self.status == "correct"

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"Result({self.exercise!r}, {self.status!r}, mistake={self.mistake!r})"

    def _ipython_display_(self):
        """Jupyter shows nothing more when a cell ends with ``check(...)``: it printed already."""


@dataclass(frozen=True)
class Verdict:
    status: str
    key: str | None = None
    text: Text | None = None
    fields: dict | None = None


CORRECT = Verdict("correct")
NOT_ATTEMPTED = Verdict("not_attempted")


def wrong(key: str, text: Text | None = None, **fields) -> Verdict:
    return Verdict("incorrect", key, text or MESSAGES[key], fields)


class Exercise:
    """What every exercise has: a title, a task, hints, a solution, and where it belongs.

    ``page`` is the page's file name ("activations"), ``number`` its place on the page (``q1`` is
    1). ``name`` is what the learner fills in (a function or a variable); ``solution`` its code,
    which runs with the names in ``context`` (the page's imports); ``explanation`` says why.
    """

    kind = "exercise"

    def __init__(
        self,
        page: str,
        number: int,
        *,
        style: str,
        title: Text,
        task: Text,
        hints: Sequence[Text],
        solution: str,
        explanation: Text | None = None,
        name: str | None = None,
        context: dict | None = None,
    ):
        if style not in STYLES:
            raise ValueError(f"style must be one of {STYLES}, got {style!r}")
        self.page, self.number, self.style = page, number, style
        self.key = f"q{number}"
        self.id = f"{page}.{self.key}"
        self.title, self.task, self.hints = title, task, tuple(hints)
        self.solution_code = textwrap.dedent(solution).strip()
        self.explanation = explanation
        self.name = name
        self.context = {"np": np, **(context or {})}

    def __repr__(self) -> str:
        return f"<{self.kind} exercise {self.id}: {self.title.en}>"

    def __str__(self) -> str:
        language = resolve_language()
        return f"{self.id}. {self.title(language)}\n{self.task(language)}"

    # -- hints and the solution ----------------------------------------------------------------

    def hint_text(self, number: int = 1, *, language: str | None = None) -> str:
        language = resolve_language(language)
        if isinstance(number, bool) or not isinstance(number, numbers.Integral):
            raise TypeError(f"number must be an integer, got {type(number).__name__}")
        if not 1 <= number <= len(self.hints):
            raise ValueError(
                f"{self.id} has {len(self.hints)} hint(s): number must be 1 to "
                f"{len(self.hints)}, got {number}"
            )
        line = MESSAGES["hint"](
            language, number=number, total=len(self.hints), text=self.hints[number - 1](language)
        )
        if number < len(self.hints):
            line += " " + MESSAGES["more_hints"](language, call=f"ex.{self.key}.hint({number + 1})")
        return line

    def hint(self, number: int = 1, *, language: str | None = None) -> None:
        """Print hint ``number`` (1 first; the last one nearly gives the answer away)."""
        print(self.hint_text(number, language=language))

    def solution_text(self, *, language: str | None = None) -> str:
        language = resolve_language(language)
        parts = [f"{MESSAGES['solution'](language)} ({self.id}):", "", self.solution_code]
        if self.explanation:
            parts += ["", self.explanation(language)]
        return "\n".join(parts)

    def solution(self, *, language: str | None = None) -> None:
        """Print the solution and why it is right."""
        print(self.solution_text(language=language))

    # -- the page's blocks ---------------------------------------------------------------------

    def markdown(self, language: str) -> str:
        """The exercise on its page: heading, task, then hints and solution folded (<details>).

        The pages are notebooks, whose Markdown nbconvert renders: pymdownx's ``???`` blocks do
        not exist there, HTML ``<details>`` does, and Material styles it as a folded admonition.
        A fenced block in the ``py`` language stays Markdown for jupytext (not a code cell).
        """
        blocks = [f"### {self.number}. {self.title(language)}", self.task(language)]
        for number, hint in enumerate(self.hints, start=1):
            summary = MESSAGES["hint_summary"](language, number=number)
            blocks.append(_details("tip", summary, hint(language)))
        blocks.append(self._answer_block(language))
        return "\n\n".join(blocks)

    def _answer_block(self, language: str) -> str:
        body = f"```py\n{self.solution_code}\n```"
        if self.explanation:
            body += "\n\n" + self.explanation(language)
        return _details("success", MESSAGES["solution"](language), body)


def _details(kind: str, summary: str, body: str) -> str:
    return f'<details class="{kind}">\n<summary>{summary}</summary>\n\n{body}\n\n</details>'


class CheckedExercise(Exercise):
    """An exercise with ``check``: subclasses say how an answer is judged (``_judge``)."""

    def check(self, answer, *, language: str | None = None) -> Result:
        """Check ``answer``: print ✅ / ❌ (what is wrong) / ⬜ (not attempted), return the Result."""
        language = resolve_language(language)
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")  # what strange answers make NumPy say is not the point
            verdict = self._judge(answer)
        if verdict.status == "correct":
            message = MESSAGES["correct"](language)
        elif verdict.status == "not_attempted":
            message = MESSAGES["not_attempted"](language, hint_call=f"ex.{self.key}.hint()")
        else:
            fields = {
                name: value(language) if isinstance(value, Text) else value
                for name, value in (verdict.fields or {}).items()
            }
            detail = verdict.text(language, **fields)
            message = MESSAGES["incorrect"](language, message=_sentence(detail, language))
        result = Result(self.id, verdict.status, message, verdict.key, language)
        print(message)
        return result

    def _judge(self, answer) -> Verdict:
        raise NotImplementedError

    def messages(self) -> list[Text]:
        """Every message this exercise's own mistakes can print (for the tests)."""
        mistakes = [*getattr(self, "always", ()), *getattr(self, "mistakes", ())]
        return [mistake.message for mistake in mistakes]


def _sentence(text: str, language: str) -> str:
    """English details start in lower case ("your function ..."): the sentence starts upper."""
    first = text[:1]
    return (
        first.upper() + text[1:]
        if language == "en" and first.isascii() and first.islower()
        else text
    )


def _blank(answer) -> bool:
    return answer is None or answer is Ellipsis


# -- a function on test cases --------------------------------------------------------------------


class FunctionExercise(CheckedExercise):
    """Write a function; it runs on ``cases`` and must agree with ``reference``.

    ``names`` names the parts of a tuple result (``("dW", "db")``); ``dtype`` is the exact dtype an
    array result must have (else any float for a float result). ``compare(got, expected, case)``
    replaces the comparison of one case (a :class:`~._compare.Problem` or None), for results that
    are random. ``mistakes`` are tried, in order, when the result is not right; ``always`` are
    mistakes looked for even when every result compares right (a random result that ignores the
    generator it was given).
    """

    kind = "function"

    def __init__(
        self,
        page: str,
        number: int,
        *,
        reference: Callable,
        cases: Sequence[Case],
        mistakes: Sequence[Mistake] = (),
        names: Sequence[str] = (),
        dtype=None,
        compare: Callable | None = None,
        always: Sequence[Mistake] = (),
        style: str = "write",
        **common,
    ):
        super().__init__(page, number, style=style, **common)
        self.reference, self.cases, self.mistakes = reference, list(cases), list(mistakes)
        self.always = list(always)
        self.names, self.dtype, self.compare = tuple(names), dtype, compare
        self.arguments = list(inspect.signature(reference).parameters)

    def _judge(self, answer) -> Verdict:
        if _blank(answer):
            return NOT_ATTEMPTED
        if not callable(answer):
            return wrong("not_a_function", type=type(answer).__name__)
        attempt = Attempt.run(answer, self.cases, self.reference)
        outputs = attempt.outputs
        if all(_blank(value) for value in outputs) or any(
            isinstance(value, Raised) and isinstance(value.error, NotImplementedError)
            for value in outputs
        ):
            return NOT_ATTEMPTED
        problem = self._first_problem(attempt)
        changed = next((changed[0] for changed in attempt.mutated if changed), None)
        for mistake in self.always:
            if detects(mistake, attempt):
                return wrong(mistake.key, mistake.message)
        if problem is None and changed is None:
            return CORRECT
        for mistake in self.mistakes:
            if detects(mistake, attempt):
                return wrong(mistake.key, mistake.message)
        if changed is not None:
            return wrong("mutated", argument=self.arguments[changed])
        return wrong(problem.key, problem.text, **problem.fields)

    def _first_problem(self, attempt: Attempt) -> Problem | None:
        for case, got, expected in zip(
            attempt.cases, attempt.outputs, attempt.expected, strict=True
        ):
            found = self._case_problem(case, got, expected)
            if found:
                return found
        return None

    def _case_problem(self, case: Case, got, expected) -> Problem | None:
        if isinstance(got, Raised):
            return Problem("raised", {"case": case.label, "error": str(got)})
        if got is None:
            return Problem("no_return", {"case": case.label})
        if self.compare is not None:
            return self.compare(got, expected, case)
        return difference(
            got,
            expected,
            name=MESSAGES["your_result"],
            case=case.label,
            names=tuple(f"`{name}`" for name in self.names),
            dtype=self.dtype,
        )


class GradientExercise(FunctionExercise):
    """A function that returns gradients, checked against numerical ones.

    ``numerical(*case.args)`` returns the gradients by central differences (use
    :func:`dlbasics.gradient_check.numerical_gradient`); each part must agree with it to a
    relative error of 1e-6. ``reference`` is a backward pass written out: the mistakes compare with
    it, and the tests show that it agrees with ``numerical``.
    """

    kind = "gradient"

    def __init__(self, page: str, number: int, *, numerical: Callable, **options):
        super().__init__(page, number, **options)
        self.numerical = numerical

    def _case_problem(self, case: Case, got, expected) -> Problem | None:
        found = super()._case_problem(case, got, expected)  # count, type, shape, dtype, NaN
        if found is not None and found.key not in ("values", "value"):
            return found
        for index, numeric in enumerate(self.numerical(*case.args)):
            error = relative_error(np.asarray(got[index], dtype=np.float64), numeric)
            if error > GRADIENT_TOLERANCE:
                name = f"`{self.names[index]}`" if index < len(self.names) else f"[{index}]"
                return Problem(
                    "gradient", {"name": name, "case": case.label, "error": f"{error:.2g}"}
                )
        return None


# -- a value or an array -------------------------------------------------------------------------


@dataclass
class ValueAttempt:
    answer: object
    expected: object
    same: Callable


ANSWER_TYPES = {"number": "a_number", "text": "a_text", "names": "a_set"}


class ValueExercise(CheckedExercise):
    """The answer is a value: ``answer_type`` is "number", "text" or "names" (a set of names).

    ``expected()`` computes the right answer (from the package: nothing is typed in by hand).
    Numbers match within ``rtol``; text and names ignore case and surrounding spaces. A wrong
    answer gets the message of the first matching mistake, else one that does not reveal it.
    """

    kind = "value"

    def __init__(
        self,
        page: str,
        number: int,
        *,
        expected: Callable,
        answer_type: str,
        rtol: float = 1e-6,
        mistakes: Sequence[Mistake] = (),
        style: str = "predict",
        **common,
    ):
        if answer_type not in ANSWER_TYPES:
            raise ValueError(
                f"answer_type must be one of {sorted(ANSWER_TYPES)}, got {answer_type!r}"
            )
        super().__init__(page, number, style=style, **common)
        self._expected, self.answer_type, self.rtol = expected, answer_type, rtol
        self.mistakes = list(mistakes)

    def expected(self):
        return self._normal(self._expected())

    def _normal(self, value):
        if self.answer_type == "text" and isinstance(value, str):
            return value.strip().lower()
        if self.answer_type == "names" and isinstance(value, set | frozenset | list | tuple):
            return frozenset(str(v).strip().lower() for v in value)
        return value

    def _fits(self, answer) -> bool:
        if self.answer_type == "number":
            return is_number(answer)
        if self.answer_type == "text":
            return isinstance(answer, str)
        return isinstance(answer, set | frozenset | list | tuple) and all(  # names
            isinstance(v, str) for v in answer
        )

    def _same(self, a, b) -> bool:
        a, b = self._normal(a), self._normal(b)
        if self.answer_type == "number":
            return is_number(a) and bool(np.isclose(float(a), float(b), rtol=self.rtol, atol=0.0))
        return a == b

    def _judge(self, answer) -> Verdict:
        if _blank(answer):
            return NOT_ATTEMPTED
        if not self._fits(answer):
            expected = MESSAGES[ANSWER_TYPES[self.answer_type]]
            return wrong("answer_type", type=type(answer).__name__, expected=expected)
        attempt = ValueAttempt(self._normal(answer), self.expected(), self._same)
        if self._same(answer, attempt.expected):
            return CORRECT
        for mistake in self.mistakes:
            if detects(mistake, attempt):
                return wrong(mistake.key, mistake.message)
        shown = sorted(attempt.answer) if self.answer_type == "names" else answer
        return wrong("wrong_answer", got=repr(shown) if isinstance(answer, str) else shown)


class ArrayExercise(CheckedExercise):
    """The answer is an array: its shape, dtype (``dtype``: exact, else any float) and values.

    Unlike a function's result, a wrong value is named without the right one, which would be the
    answer itself.
    """

    kind = "array"

    def __init__(
        self,
        page: str,
        number: int,
        *,
        expected: Callable,
        dtype=None,
        mistakes: Sequence[Mistake] = (),
        style: str = "predict",
        **common,
    ):
        super().__init__(page, number, style=style, **common)
        self._expected, self.dtype, self.mistakes = expected, dtype, list(mistakes)

    def expected(self) -> np.ndarray:
        return np.asarray(self._expected())

    def _judge(self, answer) -> Verdict:
        if _blank(answer):
            return NOT_ATTEMPTED
        expected = self.expected()
        if close(answer, expected) and (
            self.dtype is None or as_numeric_array(answer).dtype == np.dtype(self.dtype)
        ):
            return CORRECT
        attempt = ValueAttempt(answer, expected, close)
        for mistake in self.mistakes:
            if detects(mistake, attempt):
                return wrong(mistake.key, mistake.message)
        problem = difference(
            answer,
            expected,
            name=MESSAGES["your_answer"],
            case=MESSAGES["this_exercise"],
            dtype=self.dtype,
        )
        if problem.key == "values":  # say where, not what it should be
            fields = {key: problem.fields[key] for key in ("name", "index", "got")}
            return wrong("array_values", **fields)
        return wrong(problem.key, **problem.fields)


# -- a question to think about -------------------------------------------------------------------


class Question(Exercise):
    """A question to think about: ``answer()`` prints an answer; there is nothing to check."""

    kind = "question"

    def __init__(self, page: str, number: int, *, answer: Text, **common):
        super().__init__(page, number, style="think", solution="", **common)
        self.answer_text = answer

    def solution_text(self, *, language: str | None = None) -> str:
        language = resolve_language(language)
        return f"{MESSAGES['answer'](language)} ({self.id}): {self.answer_text(language)}"

    def answer(self, *, language: str | None = None) -> None:
        """Print an answer (think first: there is more than one way to say it)."""
        print(self.solution_text(language=language))

    def _answer_block(self, language: str) -> str:
        return _details("question", MESSAGES["answer"](language), self.answer_text(language))
