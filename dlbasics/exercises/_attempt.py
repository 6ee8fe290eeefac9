"""Run a learner's function on an exercise's test cases, without letting it hurt anything.

Every call gets its own deep copies of the case's arguments, so a function that changes its input
in place cannot spoil the next case, and the change is seen (``Attempt.mutated``). Exceptions
become :class:`Raised` values: ``check`` reports them and never raises. NumPy's overflow and
invalid-value warnings are silenced during the call; what they leave behind (NaN, infinity) is
what the checks look at.
"""

from __future__ import annotations

import copy
import warnings
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Case:
    """One test input: the positional arguments and how messages name it ("z = [-1000, 1000]")."""

    args: tuple
    label: str


@dataclass(frozen=True)
class Raised:
    """What a call raised instead of returning."""

    error: BaseException

    def __str__(self) -> str:
        return f"{type(self.error).__name__}: {self.error}"


def call(function, args: tuple):
    """``function(*deep copies of args)``: (its value or a Raised, the copies after the call)."""
    copies = copy.deepcopy(args)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            value = function(*copies)
        except Exception as error:  # noqa: BLE001 - the learner's code may raise anything
            value = Raised(error)
    return value, copies


def same(a, b) -> bool:
    """True if ``a`` is still what ``b`` was (arrays compared entry by entry)."""
    if isinstance(b, np.ndarray):
        if not (isinstance(a, np.ndarray) and a.shape == b.shape and a.dtype == b.dtype):
            return False
        return bool(np.array_equal(a, b, equal_nan=np.issubdtype(b.dtype, np.inexact)))
    if isinstance(b, np.random.Generator):
        return True  # drawing from a generator changes its state: that is what it is for
    if isinstance(b, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


@dataclass
class Attempt:
    """A function's outputs on every case, what it changed, and the reference outputs."""

    cases: list[Case]
    outputs: list
    expected: list
    mutated: list[tuple[int, ...]]  # per case, the indices of the arguments changed in place
    function: object = None
    _twins: dict = field(default_factory=dict)

    @classmethod
    def run(cls, function, cases, reference) -> Attempt:
        outputs, expected, mutated = [], [], []
        for case in cases:
            value, after = call(function, case.args)
            outputs.append(value)
            mutated.append(
                tuple(
                    i
                    for i, (a, b) in enumerate(zip(after, case.args, strict=True))
                    if not same(a, b)
                )
            )
            reference_value, _ = call(reference, case.args)
            if isinstance(reference_value, Raised):
                raise RuntimeError(f"the reference raised on {case.label}: {reference_value}")
            expected.append(reference_value)
        return cls(cases, outputs, expected, mutated, function)

    def twin_output(self, twin, index: int):
        """What ``twin`` (a known-wrong version) returns on case ``index``, computed once."""
        key = (id(twin), index)
        if key not in self._twins:
            self._twins[key] = call(twin, self.cases[index].args)[0]
        return self._twins[key]
