"""Helpers for the exercise tests: every exercise, run a piece of learner code, solution fragments."""

from __future__ import annotations

import contextlib
import importlib
import io
import re
import textwrap

from dlbasics.exercises import MODULES
from dlbasics.exercises._kinds import CheckedExercise, Question

LANGUAGES = ("ko", "en")


def modules():
    return [importlib.import_module(f"dlbasics.exercises.{name}") for name in MODULES]


def exercises():
    return [exercise for module in modules() for exercise in module.EXERCISES]


def checked():
    return [exercise for exercise in exercises() if isinstance(exercise, CheckedExercise)]


def questions():
    return [exercise for exercise in exercises() if isinstance(exercise, Question)]


def by_id() -> dict:
    return {exercise.id: exercise for exercise in exercises()}


def answer_from(exercise, code: str):
    """Run ``code`` (a learner's cell without the check) with the page's names; return the answer."""
    namespace = dict(exercise.context)
    exec(textwrap.dedent(code), namespace)  # noqa: S102 - test code written in this repository
    return namespace[exercise.name]


def check_quietly(exercise, answer, language: str):
    """``exercise.check(answer)``: the Result and what it printed."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        result = exercise.check(answer, language=language)
    return result, out.getvalue()


def solution_fragments(exercise) -> tuple[list[str], list[str]]:
    """The pieces of the solution a check message must not contain: (code, values).

    A function's solution gives code: every line of its body, the expression a ``return``
    returns and the right-hand side of every assignment (pieces shorter than 6 characters left
    out). A value's solution gives values: the answer as it would be written (``0.15``,
    ``sigmoid``, ``469``, ``100,480``, an array's entries, a set's names together).
    """
    code = exercise.solution_code
    answer = answer_from(exercise, code)
    if callable(answer):
        fragments = []
        for line in code.splitlines()[1:]:
            line = line.strip()
            fragments.append(line)
            fragments.append(line.removeprefix("return ").strip())
            if "=" in line and "==" not in line:
                fragments.append(line.split("=", 1)[1].strip())
        return [f for f in fragments if len(squeeze(f)) >= 6], []
    if isinstance(answer, str):
        return [], [answer]
    if isinstance(answer, set | frozenset):
        return [], [", ".join(sorted(answer)), ", ".join(sorted(answer, reverse=True))]
    if hasattr(answer, "__len__"):
        return [], [
            ", ".join(f"{float(v):g}" for v in answer),
            " ".join(f"{float(v):g}" for v in answer),
        ]
    return [], _number_forms(float(answer))


def _number_forms(value: float) -> list[str]:
    forms = {f"{value:g}", f"{value:.6g}", repr(value)}
    if value == int(value):
        forms |= {str(int(value)), f"{int(value):,}"}
    return sorted(forms)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def contains_code(message: str, fragment: str) -> bool:
    """``fragment`` occurs in ``message``, whitespace ignored (``s*(1-s)`` is ``s * (1 - s)``)."""
    return squeeze(fragment) in squeeze(message)


def contains_value(message: str, value: str) -> bool:
    """``value`` occurs in ``message`` as a whole token: 0.25 is not in 0.254, 9 not in 19."""
    pattern = r"(?<![\w.])" + re.escape(value) + r"(?!\w|\.\d)"
    return re.search(pattern, message, flags=re.IGNORECASE) is not None
