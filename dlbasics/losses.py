"""Losses: mean squared error and cross-entropy, each with its gradient.

Shapes: ``y_pred`` and ``y_true`` are ``(n_samples, n_outputs)``; ``y_true`` is one-hot for
cross-entropy. Losses are averaged over samples, so their gradients carry a ``1/n_samples``. (The
lecture's cost is the plain sum, without the ``1/m``: a constant factor moves no minimum, and the
mean keeps the loss, and so a good learning rate, independent of the data set's size.)

Each public function checks its inputs, then applies the formula. The same formulas, without the
checks, are in :data:`LOSSES` for :class:`dlbasics.mlp.MLP`, which checks its data once per
``fit`` instead of once per batch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ._validation import as_float_array

# Probabilities are clipped to [EPSILON, 1] before log(); Keras uses the same 1e-7.
EPSILON = 1e-7


def _pair(y_pred, y_true):
    # float32 stays float32 (as in training); everything else is computed in float64
    dtype = np.float32 if getattr(y_pred, "dtype", None) == np.float32 else np.float64
    y_pred = as_float_array("y_pred", y_pred, dtype=dtype)
    y_true = as_float_array("y_true", y_true, dtype=y_pred.dtype)
    if y_pred.shape != y_true.shape:
        raise ValueError(
            f"y_pred and y_true must have the same shape, got {y_pred.shape} and {y_true.shape}"
        )
    if y_pred.ndim == 0 or y_pred.shape[0] == 0:
        raise ValueError(f"y_pred must hold at least one sample, got shape {y_pred.shape}")
    return y_pred, y_true


# ------------------------------------------------------------------ the formulas, unchecked
def _mse(y_pred, y_true) -> float:
    return float(np.mean((y_pred - y_true) ** 2))


def _mse_gradient(y_pred, y_true):
    return 2.0 * (y_pred - y_true) / y_pred.size


def _cross_entropy(p, y_true) -> float:
    return float(-np.sum(y_true * np.log(np.clip(p, EPSILON, 1.0))) / p.shape[0])


def _cross_entropy_gradient(p, y_true):
    return -y_true / np.clip(p, EPSILON, 1.0) / p.shape[0]


def _softmax_cross_entropy_gradient(p, y_true):
    return (p - y_true) / p.shape[0]


# ---------------------------------------------------------------------- the checked functions
def mean_squared_error(y_pred, y_true) -> float:
    """sum((y_pred - y_true)^2) / (number of entries): averaged over samples and outputs, as Keras."""
    return _mse(*_pair(y_pred, y_true))


def mean_squared_error_gradient(y_pred, y_true):
    """d(MSE)/d(y_pred) = 2 (y_pred - y_true) / (number of entries)."""
    return _mse_gradient(*_pair(y_pred, y_true))


def cross_entropy(p, y_true) -> float:
    """-sum(y log p) / n_samples for probabilities ``p`` (rows sum to 1) and one-hot ``y_true``.

    ``p`` is clipped to [1e-7, 1] so that p = 0 gives a large finite loss instead of infinity.
    """
    p, y_true = _pair(p, y_true)
    if p.ndim != 2:
        raise ValueError(f"p must be 2-D (n_samples, n_classes), got shape {p.shape}")
    if np.any(p < 0) or np.any(p > 1):
        raise ValueError(
            "p must hold probabilities in [0, 1]; did you pass logits? "
            "use cross_entropy_from_logits for those"
        )
    return _cross_entropy(p, y_true)


def cross_entropy_gradient(p, y_true):
    """d(cross-entropy)/dp = -y / p / n_samples (with the same clipping as the loss)."""
    return _cross_entropy_gradient(*_pair(p, y_true))


def log_softmax(z):
    """log(softmax(z)) row by row as z - max - log(sum(exp(z - max))): finite even at logits +-1000."""
    z = np.asarray(z)
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))


def cross_entropy_from_logits(z, y_true) -> float:
    """Cross-entropy of softmax(z) computed through log-softmax, exact even for huge logits."""
    z, y_true = _pair(z, y_true)
    if z.ndim != 2:
        raise ValueError(f"z must be 2-D (n_samples, n_classes), got shape {z.shape}")
    return float(-np.sum(y_true * log_softmax(z)) / z.shape[0])


def softmax_cross_entropy_gradient(p, y_true):
    """The fused gradient of cross-entropy after softmax, with respect to the logits: (p - y) / n.

    The 1/p of the loss and the p(1-p) of softmax cancel, which is both simpler and more stable.
    """
    return _softmax_cross_entropy_gradient(*_pair(p, y_true))


# ----------------------------------------------------------------------- by name, for the MLP
@dataclass(frozen=True)
class Loss:
    """One loss for :class:`dlbasics.mlp.MLP`: formulas on arrays that are already checked.

    ``gradient`` is dLoss/d(output); ``softmax_gradient``, where the loss has one, is dLoss/dz
    through a softmax output layer, the two derivatives fused into one simple, stable formula.
    """

    name: str
    value: Callable
    gradient: Callable
    softmax_gradient: Callable | None = None


LOSSES: dict[str, Loss] = {
    "cross_entropy": Loss(
        "cross_entropy", _cross_entropy, _cross_entropy_gradient, _softmax_cross_entropy_gradient
    ),
    "mse": Loss("mse", _mse, _mse_gradient),
}
