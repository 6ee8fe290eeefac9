"""Linear regression H(x) = Wx + b, its cost (mean squared error) and gradient descent.

Shapes: ``X`` is ``(n_samples, n_features)``; a 1-D ``x`` is read as one feature, as in the
lecture's H(x) = Wx + b. ``y`` is ``(n_samples,)``; ``W`` is ``(n_features,)`` and ``b`` a scalar.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import (
    as_float_array,
    check_int,
    check_positive_float,
    check_same_rows,
)


def _as_design(x) -> np.ndarray:
    X = as_float_array("x", x)
    if X.ndim == 1:
        X = X[:, None]  # (n_samples,) -> (n_samples, 1): one feature
    if X.ndim != 2:
        raise ValueError(
            f"x must be 1-D (n_samples,) or 2-D (n_samples, n_features), got shape {X.shape}"
        )
    if X.shape[0] == 0:
        raise ValueError("x must hold at least one sample, got 0")
    return X


def _as_target(y, X) -> np.ndarray:
    y = as_float_array("y", y, ndim=1, shape_hint="(n_samples,)")
    check_same_rows("x", X, "y", y)
    return y


def _as_weights(W, X) -> np.ndarray:
    W = np.atleast_1d(as_float_array("W", W))
    if W.shape != (X.shape[1],):
        raise ValueError(f"W must have shape ({X.shape[1]},) to match x, got {W.shape}")
    return W


def predict(x, W, b):
    """H(x) = x W + b, shape (n_samples,)."""
    X = _as_design(x)
    return X @ _as_weights(W, X) + float(b)


def cost(x, y, W, b) -> float:
    """The mean squared error sum((H(x) - y)^2) / m.

    The lecture writes the plain sum, without 1/m: a constant factor moves no minimum, and the
    mean does not grow with the number of samples, so neither does a good learning rate.
    """
    X = _as_design(x)
    return _cost(X, _as_target(y, X), _as_weights(W, X), float(b))


def _cost(X, y, W, b) -> float:
    error = X @ W + b - y  # (n_samples,)
    return float(np.mean(error**2))


def cost_curve(x, y, W_values, b=0.0) -> np.ndarray:
    """The cost at each W in ``W_values`` with ``b`` fixed (one feature only), for the bowl plot."""
    X = _as_design(x)
    if X.shape[1] != 1:
        raise ValueError(f"cost_curve needs one feature, got x with {X.shape[1]} features")
    y = _as_target(y, X)
    W_values = as_float_array("W_values", W_values, ndim=1, shape_hint="(n_values,)")
    # (n_values, 1) * (1, n_samples) -> predictions of every W at every sample at once
    errors = W_values[:, None] * X[:, 0][None, :] + float(b) - y[None, :]
    return np.mean(errors**2, axis=1)


def gradients(X, y, W, b):
    """d(cost)/dW = 2/m X^T (H - y) and d(cost)/db = 2/m sum(H - y)."""
    error = X @ W + b - y  # (n_samples,)
    m = X.shape[0]
    return 2.0 / m * (X.T @ error), 2.0 / m * float(np.sum(error))


@dataclass
class LinearRegressionHistory:
    """Everything gradient descent went through, one row per step (row 0 is the start).

    ``W`` is ``(n_steps + 1, n_features)``, ``b`` and ``cost`` are ``(n_steps + 1,)``.
    ``diverged`` is True when the cost overflowed; the history then stops at the last finite step.
    """

    W: np.ndarray
    b: np.ndarray
    cost: np.ndarray
    learning_rate: float
    diverged: bool

    @property
    def final_W(self) -> np.ndarray:
        return self.W[-1]

    @property
    def final_b(self) -> float:
        return float(self.b[-1])


def fit(
    x, y, *, learning_rate: float = 0.01, n_steps: int = 1000, W_init=0.0, b_init: float = 0.0
) -> LinearRegressionHistory:
    """Fit H(x) = Wx + b by full-batch gradient descent on the mean squared error.

    Returns the whole history so a page can plot the path on the cost curve.
    A learning rate that is too large makes the cost grow; if it overflows, the run stops there and
    ``diverged`` says so instead of returning NaNs.
    """
    X = _as_design(x)
    y = _as_target(y, X)
    learning_rate = check_positive_float("learning_rate", learning_rate)
    n_steps = check_int("n_steps", n_steps)
    W = np.broadcast_to(as_float_array("W_init", W_init), (X.shape[1],)).copy()
    b = float(b_init)

    Ws, bs, costs = [W.copy()], [b], [_cost(X, y, W, b)]
    diverged = False
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(n_steps):
            dW, db = gradients(X, y, W, b)
            W = W - learning_rate * dW
            b = b - learning_rate * db
            current = _cost(X, y, W, b)
            if not np.isfinite(current) or not np.all(np.isfinite(W)):
                diverged = True
                break
            Ws.append(W.copy())
            bs.append(b)
            costs.append(current)
    return LinearRegressionHistory(
        np.array(Ws), np.array(bs), np.array(costs), learning_rate, diverged
    )


def make_data(n_samples: int = 50, *, W: float = 2.0, b: float = 1.0, noise: float = 0.5, seed=0):
    """A seeded toy problem: x uniform in [0, 5), y = W x + b + Gaussian noise. Returns (x, y)."""
    from ._validation import as_generator

    rng = as_generator(seed)
    n_samples = check_int("n_samples", n_samples)
    x = rng.uniform(0.0, 5.0, size=n_samples)
    y = W * x + b + rng.normal(0.0, noise, size=n_samples)
    return x, y
