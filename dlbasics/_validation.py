"""Input checks shared by the package: clear ``ValueError``/``TypeError`` messages, never ``assert``.

Every message names the parameter, the rule it broke and what was received, e.g.
``X must be 2-D (n_samples, n_features), got shape (784,)``.
"""

from __future__ import annotations

import numbers

import numpy as np


def as_float_array(
    name: str,
    value,
    *,
    ndim: int | None = None,
    shape_hint: str = "",
    dtype=np.float64,
    allow_nonfinite: bool = False,
) -> np.ndarray:
    """Return ``value`` as a float array (a copy if the dtype changes), checked for rank and finiteness."""
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be an array of numbers, got {type(value).__name__}")
    array = np.asarray(value)
    if array.dtype == object or not (
        np.issubdtype(array.dtype, np.number) or np.issubdtype(array.dtype, np.bool_)
    ):
        raise TypeError(f"{name} must be an array of numbers, got dtype {array.dtype}")
    if np.issubdtype(array.dtype, np.complexfloating):
        raise TypeError(f"{name} must be real-valued, got dtype {array.dtype}")
    if ndim is not None and array.ndim != ndim:
        hint = f" {shape_hint}" if shape_hint else ""
        raise ValueError(f"{name} must be {ndim}-D{hint}, got shape {array.shape}")
    array = array.astype(dtype, copy=False)
    # A sum is NaN or inf whenever an entry is; it allocates nothing (np.isfinite(X) would make a
    # 47 MB mask for MNIST). Only a sum that overflowed needs the entry-by-entry check.
    if not allow_nonfinite and not _all_finite(array):
        raise ValueError(f"{name} must contain only finite values, got NaN or infinity")
    return array


def _all_finite(array: np.ndarray) -> bool:
    with np.errstate(over="ignore", invalid="ignore"):
        if np.isfinite(array.sum(dtype=np.float64)):
            return True
    return bool(np.all(np.isfinite(array)))


def check_same_rows(name_a: str, a: np.ndarray, name_b: str, b: np.ndarray) -> None:
    """Raise if two sample-major arrays disagree on n_samples."""
    if a.shape[0] != b.shape[0]:
        raise ValueError(
            f"{name_a} and {name_b} must have the same number of samples (rows), "
            f"got {a.shape[0]} and {b.shape[0]}"
        )


def check_int(name: str, value, *, minimum: int = 1) -> int:
    """An integer >= ``minimum`` (1 by default: counts and sizes; seeds use :func:`check_seed`)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__} {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def check_seed(name: str, value) -> int:
    """A random seed: an integer >= 0."""
    return check_int(name, value, minimum=0)


def check_positive_float(name: str, value) -> float:
    """A finite number > 0 (learning rates, epsilons)."""
    value = _real(name, value)
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value}")
    return value


def check_nonnegative_float(name: str, value) -> float:
    """A finite number >= 0 (a penalty's strength, where 0 turns it off)."""
    value = _real(name, value)
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value}")
    return value


def check_fraction(name: str, value) -> float:
    """A number in [0, 1): momentum, RMSprop's rho, a warm-up share."""
    value = _real(name, value)
    if not 0 <= value < 1:
        raise ValueError(f"{name} must be in [0, 1), got {value}")
    return value


def _real(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {type(value).__name__} {value!r}")
    return float(value)


def check_choice(name: str, value, choices) -> str:
    """Raise if ``value`` is not one of ``choices``; the message lists them."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {type(value).__name__} {value!r}")
    if value not in choices:
        options = ", ".join(repr(c) for c in sorted(choices))
        raise ValueError(f"unknown {name} {value!r}; choose one of {options}")
    return value


def as_generator(seed) -> np.random.Generator:
    """Accept ``None``, an int seed or a ``numpy.random.Generator`` (randomness stays local)."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None:
        return np.random.default_rng()
    if isinstance(seed, numbers.Integral) and not isinstance(seed, bool):
        return np.random.default_rng(check_seed("seed", seed))
    raise TypeError(
        f"seed must be None, an int or a numpy.random.Generator, got {type(seed).__name__}"
    )
