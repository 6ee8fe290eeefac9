"""One perceptron, step(W.x + b), trained by the perceptron learning rule.

Shapes: ``X`` is ``(n_samples, n_features)``, ``y`` is ``(n_samples,)`` of 0/1 labels,
``W`` is ``(n_features,)`` and ``b`` a scalar.

The rule, for each sample: W += learning_rate * (y - y_hat) * x and b += learning_rate * (y - y_hat).
It converges when the classes can be split by one straight line (AND, OR, NAND) and never settles
otherwise (XOR): the result says so with ``converged`` and the errors of every epoch.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._validation import (
    as_float_array,
    as_generator,
    check_choice,
    check_int,
    check_positive_float,
    check_same_rows,
)
from .activations import step

GATE_INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
GATE_OUTPUTS = {
    "AND": np.array([0, 0, 0, 1], dtype=np.float64),
    "OR": np.array([0, 1, 1, 1], dtype=np.float64),
    "NAND": np.array([1, 1, 1, 0], dtype=np.float64),
    "XOR": np.array([0, 1, 1, 0], dtype=np.float64),
}


def logic_gate(name: str):
    """The truth table of a gate: ``X`` (4, 2) and ``y`` (4,). Names: AND, OR, NAND, XOR."""
    name = check_choice("gate", name, GATE_OUTPUTS)
    return GATE_INPUTS.copy(), GATE_OUTPUTS[name].copy()


@dataclass
class PerceptronResult:
    """A trained perceptron and how training went.

    ``errors_per_epoch[i]`` counts misclassified samples during epoch ``i``; ``converged`` is True
    only if an epoch made no error (then the weights stopped changing).
    """

    W: np.ndarray
    b: float
    converged: bool
    errors_per_epoch: list[int] = field(default_factory=list)

    @property
    def n_epochs(self) -> int:
        return len(self.errors_per_epoch)

    def predict(self, X):
        """step(X W + b), shape (n_samples,)."""
        X = as_float_array("X", X, ndim=2, shape_hint="(n_samples, n_features)")
        if X.shape[1] != self.W.shape[0]:
            raise ValueError(f"X must have {self.W.shape[0]} features, got shape {X.shape}")
        return step(X @ self.W + self.b)

    def __str__(self) -> str:
        status = "converged" if self.converged else "did NOT converge"
        return (
            f"perceptron {status} after {self.n_epochs} epochs; "
            f"W={np.round(self.W, 3).tolist()}, b={self.b:.3f}; "
            f"errors per epoch: {self.errors_per_epoch}"
        )


def train(X, y, *, learning_rate: float = 0.1, max_epochs: int = 100, seed=0) -> PerceptronResult:
    """Train one perceptron with the perceptron learning rule, sample by sample.

    Stops at the first epoch without errors (``converged=True``) or after ``max_epochs``
    (``converged=False``). Weights start small and random from ``seed``.
    """
    X = as_float_array("X", X, ndim=2, shape_hint="(n_samples, n_features)")
    y = as_float_array("y", y, ndim=1, shape_hint="(n_samples,)")
    check_same_rows("X", X, "y", y)
    if not np.all((y == 0) | (y == 1)):
        raise ValueError(f"y must hold 0/1 labels, got values {np.unique(y).tolist()}")
    learning_rate = check_positive_float("learning_rate", learning_rate)
    max_epochs = check_int("max_epochs", max_epochs)
    rng = as_generator(seed)

    W = rng.normal(0.0, 0.1, size=X.shape[1])
    b = 0.0
    errors_per_epoch: list[int] = []
    for _ in range(max_epochs):
        errors = 0
        for x_i, y_i in zip(X, y, strict=True):
            error = y_i - float(step(x_i @ W + b))  # +1: output too small, -1: too big, 0: right
            if error != 0:
                W = W + learning_rate * error * x_i
                b = b + learning_rate * error
                errors += 1
        errors_per_epoch.append(errors)
        if errors == 0:
            return PerceptronResult(W, float(b), True, errors_per_epoch)
    return PerceptronResult(W, float(b), False, errors_per_epoch)
