"""Gradient checking: compare backprop's gradients with central differences in float64.

A hand-written backward pass is easy to get subtly wrong; a numerical gradient is slow but hard to
get wrong. Agreement to a relative error around 1e-7 or better means backprop is right.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_float_array, check_positive_float


def numerical_gradient(f, x, *, eps: float = 1e-6) -> np.ndarray:
    """Central differences (f(x + eps) - f(x - eps)) / (2 eps) for every entry of ``x``.

    ``f`` takes an array shaped like ``x`` and returns a scalar. ``x`` is copied to float64 and never
    changed.
    """
    eps = check_positive_float("eps", eps)
    x = as_float_array("x", x, dtype=np.float64).copy()
    grad = np.empty_like(x)
    flat, flat_grad = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        original = flat[i]
        flat[i] = original + eps
        f_plus = float(f(x))
        flat[i] = original - eps
        f_minus = float(f(x))
        flat[i] = original
        flat_grad[i] = (f_plus - f_minus) / (2.0 * eps)
    return grad


def relative_error(a, b) -> float:
    """||a - b|| / max(||a|| + ||b||, 1e-12): 0 when equal, about 1 when unrelated.

    Two all-zero gradients (a step activation) count as equal.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-12))


def check_model_gradients(model, X, y, *, eps: float = 1e-6, dropout_seed=None) -> list[float]:
    """Relative error between ``model``'s backprop gradients and numerical ones, per parameter.

    ``model`` is a float64 :class:`dlbasics.mlp.MLP`; the list follows ``model.params``
    (``[W1, b1, W2, b2, ...]``). The model's weights are restored afterwards. For a model with
    dropout, ``dropout_seed`` (an int) draws the same mask at every evaluation, so the loss being
    differentiated is one function of the weights.
    """
    if model.dtype != np.float64:
        raise TypeError(f"model.dtype must be float64 for a gradient check, got {model.dtype}")
    options = {} if dropout_seed is None else {"dropout_seed": dropout_seed}
    _, analytic = model.loss_and_gradients(X, y, **options)
    errors = []
    for param, grad in zip(model.params, analytic, strict=True):
        saved = param.copy()

        def loss_at(value, param=param):
            param[...] = value
            return model.loss_and_gradients(X, y, **options)[0]

        numeric = numerical_gradient(loss_at, saved, eps=eps)
        param[...] = saved
        errors.append(relative_error(grad, numeric))
    return errors
