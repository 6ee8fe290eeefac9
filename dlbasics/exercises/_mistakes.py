"""The typical mistakes an exercise recognises, each with the message that names it.

A :class:`Mistake` is a key ("sign", "missing_mean"), a test on the learner's attempt and a
:class:`~._text.Text`. The tests are built from a few detectors:

- :func:`behaves_like`: the learner's function gives what a known-wrong version (a "twin") gives
  on every case, e.g. ``lambda z: -sigmoid_derivative(z)`` for a sign error;
- :func:`scaled_by`: the result is the right one times a factor (``m`` times too large);
- :func:`has_shape`: the result has a telling wrong shape (that of ``W`` transposed);
- :func:`nonfinite_on`: NaN or infinity on the cases with huge inputs (no stabilisation);
- :func:`raises_on`, :func:`changes_input`;
- :func:`answer_is` / :func:`answer_near`: a prediction that is a known wrong answer;
- :func:`when`: anything else, as a function of the attempt.

The first mistake whose test holds is the one reported, so list the specific ones first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ._attempt import Attempt, Raised
from ._compare import as_numeric_array, close
from ._text import Text


@dataclass(frozen=True)
class Mistake:
    key: str
    detect: Callable
    message: Text


def detects(mistake: Mistake, attempt) -> bool:
    """Whether ``mistake`` is in ``attempt``; a detector that trips over strange output says no."""
    try:
        return bool(mistake.detect(attempt))
    except Exception:  # noqa: BLE001 - the learner's output can be anything; check never raises
        return False


def _part(value, part):
    if part is None:
        return value
    if isinstance(value, tuple | list) and len(value) > part:
        return value[part]
    return None


def _indices(attempt: Attempt, cases) -> range | list[int]:
    return range(len(attempt.cases)) if cases is None else cases


def behaves_like(twin, *, part: int | None = None, cases=None):
    """The output (or its ``part``) equals the twin's on every case (or on ``cases``)."""

    def detect(attempt: Attempt) -> bool:
        for i in _indices(attempt, cases):
            got, want = _part(attempt.outputs[i], part), _part(attempt.twin_output(twin, i), part)
            if isinstance(attempt.outputs[i], Raised) or isinstance(want, Raised):
                return False
            if not close(got, want):
                return False
        return True

    return detect


def scaled_by(factor, *, part: int | None = None, cases=None):
    """The output is ``factor(case) * expected`` on every case (``factor`` a number or callable)."""

    def detect(attempt: Attempt) -> bool:
        for i in _indices(attempt, cases):
            got = _part(attempt.outputs[i], part)
            scale = factor(attempt.cases[i]) if callable(factor) else factor
            if isinstance(got, Raised) or not close(
                got, _scaled(_part(attempt.expected[i], part), scale)
            ):
                return False
        return True

    return detect


def _scaled(value, scale):
    if isinstance(value, tuple):
        return tuple(_scaled(part, scale) for part in value)
    return scale * np.asarray(value, dtype=np.float64)


def has_shape(shape_of: Callable, *, part: int | None = None):
    """On some case the output's shape is ``shape_of(expected.shape, case)`` (not the right one)."""

    def detect(attempt: Attempt) -> bool:
        for i, case in enumerate(attempt.cases):
            got = as_numeric_array(_part(attempt.outputs[i], part))
            expected = np.shape(_part(attempt.expected[i], part))
            wrong = tuple(shape_of(expected, case))
            if got is not None and got.shape == wrong and wrong != expected:
                return True
        return False

    return detect


def nonfinite_on(cases):
    """The output holds NaN or infinity on one of ``cases`` (where the right answer is finite)."""

    def detect(attempt: Attempt) -> bool:
        for i in cases:
            outputs = attempt.outputs[i]
            for value in outputs if isinstance(outputs, tuple | list) else (outputs,):
                array = as_numeric_array(value)
                if array is not None and not np.all(np.isfinite(array)):
                    return True
        return False

    return detect


def raises_on(cases=None, error=Exception):
    """The function raised (an instance of ``error``) on one of ``cases``."""

    def detect(attempt: Attempt) -> bool:
        return any(
            isinstance(attempt.outputs[i], Raised) and isinstance(attempt.outputs[i].error, error)
            for i in _indices(attempt, cases)
        )

    return detect


def changes_input(argument: int):
    """The function changed its positional argument number ``argument`` in place."""

    def detect(attempt: Attempt) -> bool:
        return any(argument in changed for changed in attempt.mutated)

    return detect


def when(test: Callable):
    """Any test of the attempt: ``test(attempt) -> bool`` (it must not raise)."""
    return test


# -- predictions: the answer is a value ---------------------------------------------------------


def answer_is(value):
    """The answer equals ``value`` (or ``value()``), after the exercise's normalisation."""

    def detect(attempt) -> bool:
        wanted = value() if callable(value) else value
        return attempt.same(attempt.answer, wanted)

    return detect


def answer_near(value, *, rtol: float):
    """The answer is a number within ``rtol`` of ``value`` (or ``value()``)."""

    def detect(attempt) -> bool:
        wanted = value() if callable(value) else value
        got = as_numeric_array(attempt.answer)
        return got is not None and got.ndim == 0 and bool(np.isclose(got, wanted, rtol=rtol))

    return detect
