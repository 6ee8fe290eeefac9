"""Compare what a learner's code gave with what is expected: the first difference, named.

:func:`difference` returns ``None`` when ``got`` matches ``expected`` (a number, an array, or a
tuple of them), else a :class:`Problem`: the key of a message in :data:`MESSAGES` and its fields.
It looks at the things in the order a learner can fix them: how many values, their type, the
shape (naming a transposed result and a lost sample axis), the dtype, NaN or infinity, then the
values (the first entry that is off).
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field

import numpy as np

RTOL, ATOL = 1e-6, 1e-9  # float64 answers; float32 ones are compared at float32 precision


@dataclass(frozen=True)
class Problem:
    """What is wrong: a message key, its fields, and its text (None: the key's in MESSAGES)."""

    key: str
    fields: dict = field(default_factory=dict)
    text: object = None


def is_number(value) -> bool:
    return isinstance(value, numbers.Number | np.number) and not isinstance(value, bool | np.bool_)


def as_numeric_array(value):
    """``value`` as a NumPy array of numbers, or None if it is not one (a string, None, objects)."""
    if value is None or isinstance(value, str | bytes | dict | set):
        return None
    try:
        array = np.asarray(value)
    except (ValueError, TypeError):  # ragged lists
        return None
    if array.dtype == object or not (
        np.issubdtype(array.dtype, np.number) or np.issubdtype(array.dtype, np.bool_)
    ):
        return None
    return array


def tolerance(expected: np.ndarray, got: np.ndarray) -> tuple[float, float]:
    if np.float32 in (getattr(expected, "dtype", None), getattr(got, "dtype", None)):
        return 1e-5, 1e-6
    return RTOL, ATOL


def close(got, expected) -> bool:
    """True if ``got`` equals ``expected`` within the tolerance (shapes equal, NaN equals NaN)."""
    if isinstance(expected, tuple):
        return (
            isinstance(got, tuple | list)
            and len(got) == len(expected)
            and all(close(g, e) for g, e in zip(got, expected, strict=True))
        )
    got_array, expected_array = as_numeric_array(got), as_numeric_array(expected)
    if got_array is None or expected_array is None:
        return False
    if got_array.shape != expected_array.shape:
        return False
    rtol, atol = tolerance(expected_array, got_array)
    return bool(np.allclose(got_array, expected_array, rtol=rtol, atol=atol, equal_nan=True))


def difference(got, expected, *, name, case, names=(), dtype=None) -> Problem | None:
    """The first way ``got`` differs from ``expected``; ``None`` if it does not.

    ``name`` names the value in the messages ("your result", "dW"); ``names`` the parts of a tuple
    (``("dW", "db")``); ``case`` describes the input ("z = [-1000, 1000]"). ``dtype``, if given,
    is the exact dtype an array must have; otherwise any float dtype will do for a float result.
    """
    if isinstance(expected, tuple):
        if not isinstance(got, tuple | list) or len(got) != len(expected):
            count = len(got) if isinstance(got, tuple | list) else 1
            return Problem(
                "count", {"got": count, "expected": len(expected), "names": ", ".join(names)}
            )
        for index, (g, e) in enumerate(zip(got, expected, strict=True)):
            part = names[index] if index < len(names) else f"{name}[{index}]"
            found = difference(g, e, name=part, case=case, dtype=dtype)
            if found:
                return found
        return None
    if is_number(expected) or (isinstance(expected, np.ndarray) and expected.ndim == 0):
        return _number_difference(got, float(expected), name=name, case=case)
    return _array_difference(got, np.asarray(expected), name=name, case=case, dtype=dtype)


def _number_difference(got, expected: float, *, name, case) -> Problem | None:
    array = as_numeric_array(got)
    if array is None or array.ndim != 0 or isinstance(got, bool | np.bool_):
        shape = f"array {array.shape}" if array is not None and array.ndim else type(got).__name__
        return Problem("not_a_number", {"name": name, "type": shape})
    value = float(array)
    if not np.isfinite(value) and np.isfinite(expected):
        return Problem("nonfinite", {"name": name, "case": case})
    if not np.isclose(value, expected, rtol=RTOL, atol=ATOL):
        return Problem(
            "value", {"name": name, "case": case, "got": _show(value), "expected": _show(expected)}
        )
    return None


def _array_difference(got, expected: np.ndarray, *, name, case, dtype) -> Problem | None:
    array = as_numeric_array(got)
    if array is None:
        return Problem("not_an_array", {"name": name, "type": type(got).__name__})
    if array.shape != expected.shape:
        fields = {"name": name, "got": array.shape, "expected": expected.shape}
        if array.ndim == 2 and array.shape == expected.shape[::-1]:
            return Problem("transposed", fields)
        if (
            array.ndim >= 1
            and array.ndim == expected.ndim - 1
            and array.shape == expected.shape[1:]
        ):
            return Problem("sample_axis", fields)
        return Problem("shape", fields)
    if dtype is not None and array.dtype != np.dtype(dtype):
        return Problem("dtype", {"name": name, "got": array.dtype, "expected": np.dtype(dtype)})
    if np.issubdtype(expected.dtype, np.floating) and not np.issubdtype(array.dtype, np.floating):
        return Problem("float_dtype", {"name": name, "got": array.dtype})
    if np.all(np.isfinite(expected)) and not np.all(np.isfinite(array)):
        return Problem("nonfinite", {"name": name, "case": case})
    rtol, atol = tolerance(expected, array)
    wrong = ~np.isclose(array, expected, rtol=rtol, atol=atol, equal_nan=True)
    if np.any(wrong):
        index = tuple(int(i) for i in np.argwhere(wrong)[0])
        return Problem(
            "values",
            {
                "name": name,
                "case": case,
                "index": index[0] if len(index) == 1 else index,
                "got": _show(array[index]),
                "expected": _show(expected[index]),
            },
        )
    return None


def _show(value) -> str:
    """A number as a reader wants to see it: 0.25, 1e-07, 3."""
    value = float(value)
    return f"{value:.6g}"
